package memory

import (
	"context"
	"slices"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/retro"
)

// RetroStore is an in-memory retro.Store.
type RetroStore struct {
	mu       sync.RWMutex
	retros   table[retro.Retro]
	privates map[[2]string]retro.Private
	settings settings[retro.Settings]
}

var _ retro.Store = (*RetroStore)(nil)

// NewRetroStore returns an empty store.
func NewRetroStore() *RetroStore {
	return &RetroStore{
		retros: table[retro.Retro]{what: "retrospective", clone: retro.Retro.Clone,
			ident: func(r *retro.Retro) (string, string) { return r.Project, r.ID },
			stamp: func(r *retro.Retro) *accord.Stamp { return &r.Stamp },
			key:   func(r *retro.Retro) *string { return &r.Key }, keyOf: retro.KeyOf},
		privates: map[[2]string]retro.Private{},
		settings: settings[retro.Settings]{what: "retro settings", clone: func(s retro.Settings) retro.Settings {
			s.Templates, s.Health = slices.Clone(s.Templates), slices.Clone(s.Health)
			return s
		},
			stamp: func(s *retro.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) retro.Settings { return retro.Settings{Project: p} }},
	}
}

// CreateRetro implements retro.Store.
func (s *RetroStore) CreateRetro(_ context.Context, first accord.Revision[retro.Retro]) (retro.Retro, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.retros.create(first)
}

// GetRetro implements retro.Store.
func (s *RetroStore) GetRetro(_ context.Context, project, id string) (retro.Retro, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.retros.get(project, id)
}

// GetRetroByKey implements retro.Store.
func (s *RetroStore) GetRetroByKey(_ context.Context, project, key string) (retro.Retro, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.retros.getByKey(project, key)
}

// UpdateRetro implements retro.Store.
func (s *RetroStore) UpdateRetro(_ context.Context, next accord.Revision[retro.Retro]) (retro.Retro, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.retros.update(next)
}

// DeleteRetro implements retro.Store; its Private part is erased with it.
func (s *RetroStore) DeleteRetro(_ context.Context, tombstone accord.Revision[retro.Retro]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.retros.tombstone(tombstone); err != nil {
		return err
	}
	s.erasePrivate(tombstone.Record.Project, tombstone.Record.ID)
	return nil
}

// ListRetros implements retro.Store.
func (s *RetroStore) ListRetros(_ context.Context, project string, f retro.Filter, q accord.PageQuery) (accord.Page[retro.Retro], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.retros.list(project, f.Match, q)
}

// ListDeletedRetros implements retro.Store.
func (s *RetroStore) ListDeletedRetros(_ context.Context, project string, q accord.PageQuery) (accord.Page[retro.Retro], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.retros.listDeleted(project, q)
}

// GetRetroRevision implements retro.Store.
func (s *RetroStore) GetRetroRevision(_ context.Context, project, id string, n int) (accord.Revision[retro.Retro], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.retros.revision(project, id, n)
}

// ListRetroRevisions implements retro.Store.
func (s *RetroStore) ListRetroRevisions(_ context.Context, project, id string) ([]accord.Revision[retro.Retro], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.retros.revisions(project, id)
}

// PutPrivate implements retro.Store.
func (s *RetroStore) PutPrivate(_ context.Context, project, id string, p retro.Private) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privates[[2]string{project, id}] = p.Clone()
	return nil
}

// GetPrivate implements retro.Store.
func (s *RetroStore) GetPrivate(_ context.Context, project, id string) (retro.Private, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.privates[[2]string{project, id}]; ok {
		return p.Clone(), nil
	}
	return retro.Private{}, accord.Errorf(accord.NotFound, "no private part for retrospective %q", id)
}

// UpdateRetroPrivately implements retro.Store: one lock covers both.
func (s *RetroStore) UpdateRetroPrivately(_ context.Context, next accord.Revision[retro.Retro], p *retro.Private) (retro.Retro, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.retros.update(next)
	if err != nil {
		return r, err
	}
	if p == nil {
		s.erasePrivate(r.Project, r.ID)
	} else {
		s.privates[[2]string{r.Project, r.ID}] = p.Clone()
	}
	return r, nil
}

// erasePrivate forgets a Private part, its secret overwritten first.
func (s *RetroStore) erasePrivate(project, id string) {
	k := [2]string{project, id}
	if p, ok := s.privates[k]; ok {
		clear(p.Secret)
		delete(s.privates, k)
	}
}

// GetSettings implements retro.Store.
func (s *RetroStore) GetSettings(_ context.Context, project string) (retro.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings.get(project), nil
}

// PutSettings implements retro.Store.
func (s *RetroStore) PutSettings(_ context.Context, next retro.Settings) (retro.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.put(next.Project, next)
}
