package tracker

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// Change is a status change read from a tracker, as handed to Inbound.
type Change struct {
	Project string
	System  string
	Key     string
	Record  accord.Ref
	// RecordName names the record for people (REQ-3 Refund by invoice).
	RecordName string
	Status     string         // the tracker's new status
	State      plan.ItemState // Status mapped by the project's Config; empty when unmapped
	// At is the tracker's update time of the change; LastSync is the
	// reference's SyncedAt. A record changed in accord after LastSync while
	// At is also after LastSync was changed in both places: a conflict.
	At       time.Time
	LastSync time.Time
}

// Inbound applies tracker changes to accord, typically by moving the plan
// item that carries Change.Record as the connector's actor. It returns an
// accord Conflict error, and changes nothing, when the record was changed
// in accord since Change.LastSync and the tracker change is newer too.
type Inbound interface {
	StatusChanged(ctx context.Context, c Change) error
}

// SyncOptions configure a Sync.
type SyncOptions struct {
	References References
	Inbound    Inbound
	Configs    ConfigSource // for the status map; nil maps nothing
	Clock      accord.Clock // nil: the system clock
}

// Sync is the inbound path shared by webhook receivers and the Poller: it
// finds the reference, drops stale and repeated changes, maps the status
// and hands the change to Inbound, then records the outcome on the
// reference (the last error shows a conflict).
type Sync struct {
	o SyncOptions
}

// NewSync checks the options and returns a Sync.
func NewSync(o SyncOptions) (*Sync, error) {
	var errs accord.FieldErrors
	if o.References == nil {
		errs.Add("references", "required")
	}
	if o.Inbound == nil {
		errs.Add("inbound", "required")
	}
	if err := errs.Err("tracker sync options"); err != nil {
		return nil, err
	}
	if o.Clock == nil {
		o.Clock = accord.SystemClock()
	}
	return &Sync{o: o}, nil
}

// Result tells what Sync.StatusChanged did.
type Result string

// The results of an inbound change.
const (
	Applied    Result = "applied"   // handed to Inbound and accepted
	Unchanged  Result = "unchanged" // same status, or older than what was seen
	Unknown    Result = "unknown"   // no reference to that item: not accord's
	Conflicted Result = "conflict"  // changed in both places; recorded on the reference
)

// StatusChanged reports that a tracker item has the given status as of at.
// A conflict is recorded on the reference and returned as an accord
// Conflict error along with the Conflicted result.
func (s *Sync) StatusChanged(ctx context.Context, project, system, key, status string, at time.Time) (Result, error) {
	ref, ok, err := s.o.References.FindKey(ctx, project, system, key)
	if err != nil {
		return "", err
	}
	if !ok {
		return Unknown, nil
	}
	if !ref.TrackerUpdated.IsZero() && !at.After(ref.TrackerUpdated) {
		return Unchanged, nil
	}
	if strings.EqualFold(ref.Status, status) {
		ref.TrackerUpdated = at
		return Unchanged, s.o.References.Save(ctx, ref)
	}
	c := Change{Project: project, System: system, Key: key, Record: ref.Record, RecordName: ref.name(), Status: status, At: at, LastSync: ref.SyncedAt}
	if s.o.Configs != nil {
		cfgs, err := s.o.Configs(ctx, project)
		if err != nil {
			return "", err
		}
		for _, cfg := range cfgs {
			if cfg.System == system {
				state, _ := cfg.StateOf(status)
				c.State = plan.ItemState(state)
			}
		}
	}
	ierr := s.o.Inbound.StatusChanged(ctx, c)
	if ierr != nil && accord.ErrorCode(ierr) != accord.Conflict {
		return "", ierr
	}
	ref.Status, ref.TrackerUpdated = status, at
	if ierr != nil {
		ref.LastError = ierr.Error()
		if err := s.o.References.Save(ctx, ref); err != nil {
			return "", errors.Join(ierr, err)
		}
		return Conflicted, ierr
	}
	ref.SyncedAt, ref.LastError = s.o.Clock.Now(), ""
	return Applied, s.o.References.Save(ctx, ref)
}

// MemoryInbound is an in-memory Inbound for tests: a plan item state and
// last accord update time per record. The zero value is ready.
type MemoryInbound struct {
	mu    sync.Mutex
	items map[accord.Ref]memItem
	// Changes lists every change accepted, in order.
	Changes []Change
}

type memItem struct {
	state   plan.ItemState
	updated time.Time
}

var _ Inbound = (*MemoryInbound)(nil)

// Set records that the record's plan item was changed in accord at updated.
func (m *MemoryInbound) Set(record accord.Ref, state plan.ItemState, updated time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		m.items = map[accord.Ref]memItem{}
	}
	m.items[record] = memItem{state, updated}
}

// State returns the record's plan item state and its last update time.
func (m *MemoryInbound) State(record accord.Ref) (plan.ItemState, time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it := m.items[record]
	return it.state, it.updated
}

// StatusChanged implements Inbound.
func (m *MemoryInbound) StatusChanged(_ context.Context, c Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[c.Record]
	if !ok {
		return accord.Errorf(accord.NotFound, "no plan item for %s", c.Record)
	}
	if it.updated.After(c.LastSync) && c.At.After(c.LastSync) {
		return accord.Errorf(accord.Conflict, "%s was changed in accord at %s and in %s at %s, both after the last sync at %s",
			c.Record, it.updated.Format(time.RFC3339), c.System, c.At.Format(time.RFC3339), c.LastSync.Format(time.RFC3339))
	}
	if c.State != "" {
		m.items[c.Record] = memItem{c.State, c.At}
	}
	m.Changes = append(m.Changes, c)
	return nil
}
