package tracker

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord"
)

// Reference ties an accord record to a tracker item. It is unique per
// project, system and key, and per project, system and record.
type Reference struct {
	Project string     `json:"project"`
	System  string     `json:"system"`
	Key     string     `json:"key"`
	URL     string     `json:"url,omitempty"`
	Record  accord.Ref `json:"record"`
	// RecordKey and Title name the record for people (REQ-3, "Refund by
	// invoice"); Title is also the item's title in the tracker.
	RecordKey string `json:"record_key,omitempty"`
	Title     string `json:"title,omitempty"`
	// Status is the item's last known tracker status; TrackerUpdated is the
	// tracker's update time that status was read with.
	Status         string    `json:"status,omitempty"`
	TrackerUpdated time.Time `json:"tracker_updated,omitzero"`
	// SyncedAt is when accord and the item were last known to agree: the
	// last outbound write or inbound change applied.
	SyncedAt time.Time `json:"synced_at,omitzero"`
	// LastError is the last sync failure (a conflict, say); empty after a
	// successful sync.
	LastError string `json:"last_error,omitempty"`
}

// name names the reference's record for people: REQ-3 Refund by invoice.
func (r Reference) name() string {
	if r.RecordKey == "" {
		return strings.TrimSpace(r.Record.String() + " " + r.Title)
	}
	return strings.TrimSpace(r.RecordKey + " " + r.Title)
}

// References stores references. The external-references domain implements
// it; MemoryReferences is for tests.
type References interface {
	// Find returns the record's reference in a system; ok is false when
	// there is none.
	Find(ctx context.Context, project, system string, record accord.Ref) (ref Reference, ok bool, err error)
	// FindKey returns the reference to a tracker item.
	FindKey(ctx context.Context, project, system, key string) (ref Reference, ok bool, err error)
	// List returns a project's references in a system (for the Poller).
	List(ctx context.Context, project, system string) ([]Reference, error)
	// Save inserts or replaces the reference with the same project, system
	// and key. It fails with an accord Conflict error when another record
	// already holds that key.
	Save(ctx context.Context, ref Reference) error
}

// MemoryReferences is an in-memory References. The zero value is ready.
type MemoryReferences struct {
	mu   sync.Mutex
	refs map[[3]string]Reference
}

var _ References = (*MemoryReferences)(nil)

func refKey(project, system, key string) [3]string { return [3]string{project, system, key} }

// Find implements References.
func (m *MemoryReferences) Find(_ context.Context, project, system string, record accord.Ref) (Reference, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.refs {
		if r.Project == project && r.System == system && r.Record == record {
			return r, true, nil
		}
	}
	return Reference{}, false, nil
}

// FindKey implements References.
func (m *MemoryReferences) FindKey(_ context.Context, project, system, key string) (Reference, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.refs[refKey(project, system, key)]
	return r, ok, nil
}

// List implements References, ordered by key.
func (m *MemoryReferences) List(_ context.Context, project, system string) ([]Reference, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Reference
	for _, r := range m.refs {
		if r.Project == project && r.System == system {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Save implements References.
func (m *MemoryReferences) Save(_ context.Context, ref Reference) error {
	var errs accord.FieldErrors
	for _, f := range [][2]string{{"project", ref.Project}, {"system", ref.System}, {"key", ref.Key}} {
		if f[1] == "" {
			errs.Add(f[0], "required")
		}
	}
	ref.Record.Validate("record", &errs)
	if err := errs.Err("reference"); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := refKey(ref.Project, ref.System, ref.Key)
	if old, ok := m.refs[k]; ok && old.Record != ref.Record {
		return accord.Errorf(accord.Conflict, "%s %s is already referenced by %s", ref.System, ref.Key, old.Record)
	}
	for ok, r := range m.refs {
		if ok != k && r.Project == ref.Project && r.System == ref.System && r.Record == ref.Record {
			return accord.Errorf(accord.Conflict, "%s already has the %s reference %s", ref.Record, ref.System, r.Key)
		}
	}
	if m.refs == nil {
		m.refs = map[[3]string]Reference{}
	}
	m.refs[k] = ref
	return nil
}
