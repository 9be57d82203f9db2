package memory

import (
	"context"
	"sort"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
)

// ExternalStore is an in-memory external.Store.
type ExternalStore struct {
	mu       sync.RWMutex
	refs     table[external.Reference]
	settings settings[external.Settings]
	syncs    map[[2]string]external.SyncState // by project and system
}

var _ external.Store = (*ExternalStore)(nil)

// NewExternalStore returns an empty store.
func NewExternalStore() *ExternalStore {
	return &ExternalStore{refs: table[external.Reference]{what: "external reference", clone: external.Reference.Clone,
		ident: func(r *external.Reference) (string, string) { return r.Project, r.ID },
		stamp: func(r *external.Reference) *accord.Stamp { return &r.Stamp },
		name:  func(r *external.Reference) string { return external.UniqueName(r.System, r.Key) },
		taken: takenReference},
		settings: settings[external.Settings]{what: "tracker settings", clone: external.Settings.Clone,
			stamp: func(s *external.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) external.Settings { return external.Settings{Project: p} }}}
}

// takenReference is the Conflict when have already references the item.
func takenReference(have *external.Reference) error {
	return accord.Errorf(accord.Conflict, "%s is already referenced in project %s, by %s", have.Name(), have.Project, have.NamedRecord())
}

// CreateReference implements external.Store.
func (s *ExternalStore) CreateReference(_ context.Context, first accord.Revision[external.Reference]) (external.Reference, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refs.create(first)
}

// GetReference implements external.Store.
func (s *ExternalStore) GetReference(_ context.Context, project, id string) (external.Reference, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.refs.get(project, id)
}

// FindReference implements external.Store.
func (s *ExternalStore) FindReference(_ context.Context, project, system, key string) (external.Reference, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.refs.project(project, false); p != nil {
		if r := p.names[external.UniqueName(system, key)]; r != nil {
			return s.refs.copy(*r.current()), nil
		}
	}
	return external.Reference{}, accord.Errorf(accord.NotFound, "no reference to %s %s in project %q", system, key, project)
}

// UpdateReference implements external.Store.
func (s *ExternalStore) UpdateReference(_ context.Context, next accord.Revision[external.Reference]) (external.Reference, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refs.update(next)
}

// DeleteReference implements external.Store.
func (s *ExternalStore) DeleteReference(_ context.Context, tombstone accord.Revision[external.Reference]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refs.tombstone(tombstone)
}

// ListReferences implements external.Store.
func (s *ExternalStore) ListReferences(_ context.Context, project string, f external.Filter, q accord.PageQuery) (accord.Page[external.Reference], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.refs.list(project, f.Match, q)
}

// ListDeletedReferences implements external.Store.
func (s *ExternalStore) ListDeletedReferences(_ context.Context, project string, q accord.PageQuery) (accord.Page[external.Reference], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.refs.listDeleted(project, q)
}

// GetReferenceRevision implements external.Store.
func (s *ExternalStore) GetReferenceRevision(_ context.Context, project, id string, n int) (accord.Revision[external.Reference], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.refs.revision(project, id, n)
}

// ListReferenceRevisions implements external.Store.
func (s *ExternalStore) ListReferenceRevisions(_ context.Context, project, id string) ([]accord.Revision[external.Reference], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.refs.revisions(project, id)
}

// GetSettings implements external.Store.
func (s *ExternalStore) GetSettings(_ context.Context, project string) (external.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings.get(project), nil
}

// PutSettings implements external.Store.
func (s *ExternalStore) PutSettings(_ context.Context, next external.Settings) (external.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.put(next.Project, next)
}

// GetSyncState implements external.Store.
func (s *ExternalStore) GetSyncState(_ context.Context, project, system string) (external.SyncState, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if st, ok := s.syncs[[2]string{project, system}]; ok {
		return st.Clone(), nil
	}
	return external.SyncState{Project: project, System: system}, nil
}

// PutSyncState implements external.Store.
func (s *ExternalStore) PutSyncState(_ context.Context, next external.SyncState) (external.SyncState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{next.Project, next.System}
	if cur := s.syncs[k]; next.Revision != cur.Revision+1 {
		return external.SyncState{}, accord.StaleError("sync state of "+next.Project+" with "+next.System, next.Revision-1, cur.Revision)
	}
	if s.syncs == nil {
		s.syncs = map[[2]string]external.SyncState{}
	}
	s.syncs[k] = next.Clone()
	return next.Clone(), nil
}

// ListSyncStates implements external.Store.
func (s *ExternalStore) ListSyncStates(_ context.Context, project string) ([]external.SyncState, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []external.SyncState
	for k, st := range s.syncs {
		if k[0] == project {
			out = append(out, st.Clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].System < out[j].System })
	return out, nil
}
