package memory

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/risk"
)

// RiskStore is an in-memory risk.Store.
type RiskStore struct {
	mu       sync.RWMutex
	risks    table[risk.Risk]
	settings settings[risk.Settings]
}

var _ risk.Store = (*RiskStore)(nil)

// NewRiskStore returns an empty store.
func NewRiskStore() *RiskStore {
	return &RiskStore{
		risks: table[risk.Risk]{what: "risk", clone: risk.Risk.Clone,
			ident: func(r *risk.Risk) (string, string) { return r.Project, r.ID },
			stamp: func(r *risk.Risk) *accord.Stamp { return &r.Stamp },
			key:   func(r *risk.Risk) *string { return &r.Key }, keyOf: risk.KeyOf,
			name: func(r *risk.Risk) string { return risk.SourceName(r.Source) },
			taken: func(r *risk.Risk) error {
				return accord.Errorf(accord.Conflict, "%s was already filed from %s as %s", r.Source.Item, r.Source.Ref, r.Key)
			}},
		settings: settings[risk.Settings]{what: "risk settings", clone: func(s risk.Settings) risk.Settings { return s },
			stamp: func(s *risk.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) risk.Settings { return risk.Settings{Project: p} }},
	}
}

// CreateRisk implements risk.Store.
func (s *RiskStore) CreateRisk(_ context.Context, first accord.Revision[risk.Risk]) (risk.Risk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.risks.create(first)
}

// GetRisk implements risk.Store.
func (s *RiskStore) GetRisk(_ context.Context, project, id string) (risk.Risk, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.risks.get(project, id)
}

// GetRiskByKey implements risk.Store.
func (s *RiskStore) GetRiskByKey(_ context.Context, project, key string) (risk.Risk, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.risks.getByKey(project, key)
}

// FindRiskBySource implements risk.Store.
func (s *RiskStore) FindRiskBySource(_ context.Context, project string, src risk.Source) (risk.Risk, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if name := risk.SourceName(src); name != "" {
		if p := s.risks.project(project, false); p != nil {
			if r := p.names[name]; r != nil {
				return risk.Risk.Clone(*r.current()), nil
			}
		}
	}
	return risk.Risk{}, accord.Errorf(accord.NotFound, "no risk from %s in project %q", risk.SourceName(src), project)
}

// UpdateRisk implements risk.Store.
func (s *RiskStore) UpdateRisk(_ context.Context, next accord.Revision[risk.Risk]) (risk.Risk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.risks.update(next)
}

// DeleteRisk implements risk.Store.
func (s *RiskStore) DeleteRisk(_ context.Context, tombstone accord.Revision[risk.Risk]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.risks.tombstone(tombstone)
}

// ListRisks implements risk.Store.
func (s *RiskStore) ListRisks(_ context.Context, project string, f risk.Filter, q accord.PageQuery) (accord.Page[risk.Risk], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.risks.list(project, f.Match, q)
}

// ListDeletedRisks implements risk.Store.
func (s *RiskStore) ListDeletedRisks(_ context.Context, project string, q accord.PageQuery) (accord.Page[risk.Risk], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.risks.listDeleted(project, q)
}

// GetRiskRevision implements risk.Store.
func (s *RiskStore) GetRiskRevision(_ context.Context, project, id string, n int) (accord.Revision[risk.Risk], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.risks.revision(project, id, n)
}

// ListRiskRevisions implements risk.Store.
func (s *RiskStore) ListRiskRevisions(_ context.Context, project, id string) ([]accord.Revision[risk.Risk], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.risks.revisions(project, id)
}

// GetSettings implements risk.Store.
func (s *RiskStore) GetSettings(_ context.Context, project string) (risk.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings.get(project), nil
}

// PutSettings implements risk.Store.
func (s *RiskStore) PutSettings(_ context.Context, next risk.Settings) (risk.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.put(next.Project, next)
}
