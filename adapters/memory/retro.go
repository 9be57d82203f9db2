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
	secrets  map[[2]string][]byte
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
		secrets: map[[2]string][]byte{},
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

// DeleteRetro implements retro.Store.
func (s *RetroStore) DeleteRetro(_ context.Context, tombstone accord.Revision[retro.Retro]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.retros.tombstone(tombstone)
}

// ListRetros implements retro.Store.
func (s *RetroStore) ListRetros(_ context.Context, project string, f retro.Filter, q accord.PageQuery) (accord.Page[retro.Retro], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.retros.list(project, f.Match, q)
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

// PutSecret implements retro.Store.
func (s *RetroStore) PutSecret(_ context.Context, project, id string, secret []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[[2]string{project, id}] = slices.Clone(secret)
	return nil
}

// GetSecret implements retro.Store.
func (s *RetroStore) GetSecret(_ context.Context, project, id string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if v, ok := s.secrets[[2]string{project, id}]; ok {
		return slices.Clone(v), nil
	}
	return nil, accord.Errorf(accord.NotFound, "no secret for retrospective %q", id)
}

// DeleteSecret implements retro.Store: the secret is gone for good.
func (s *RetroStore) DeleteSecret(_ context.Context, project, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{project, id}
	if _, ok := s.secrets[k]; !ok {
		return accord.Errorf(accord.NotFound, "no secret for retrospective %q", id)
	}
	clear(s.secrets[k])
	delete(s.secrets, k)
	return nil
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
