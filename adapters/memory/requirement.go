package memory

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// RequirementStore is an in-memory requirement.Store.
type RequirementStore struct {
	mu       sync.RWMutex
	reqs     table[requirement.Requirement]
	changes  table[requirement.ChangeRequest]
	terms    table[requirement.Term]
	settings settings[requirement.Settings]
}

var _ requirement.Store = (*RequirementStore)(nil)

// NewRequirementStore returns an empty store.
func NewRequirementStore() *RequirementStore {
	return &RequirementStore{
		reqs: table[requirement.Requirement]{what: "requirement", clone: requirement.Requirement.Clone,
			ident: func(r *requirement.Requirement) (string, string) { return r.Project, r.ID },
			stamp: func(r *requirement.Requirement) *accord.Stamp { return &r.Stamp },
			key:   func(r *requirement.Requirement) *string { return &r.Key }, keyOf: requirement.KeyOf},
		changes: table[requirement.ChangeRequest]{what: "change request", clone: requirement.ChangeRequest.Clone,
			ident: func(c *requirement.ChangeRequest) (string, string) { return c.Project, c.ID },
			stamp: func(c *requirement.ChangeRequest) *accord.Stamp { return &c.Stamp }},
		terms: table[requirement.Term]{what: "glossary term", clone: requirement.Term.Clone,
			ident: func(t *requirement.Term) (string, string) { return t.Project, t.ID },
			stamp: func(t *requirement.Term) *accord.Stamp { return &t.Stamp },
			name:  func(t *requirement.Term) string { return strings.ToLower(t.Term) },
			taken: func(t *requirement.Term) error {
				return accord.Errorf(accord.Conflict, "the glossary already has the term %q", t.Term)
			}},
		settings: settings[requirement.Settings]{what: "requirement settings", clone: func(s requirement.Settings) requirement.Settings { return s },
			stamp: func(s *requirement.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) requirement.Settings { return requirement.Settings{Project: p} }},
	}
}

// CreateRequirement implements requirement.Store.
func (s *RequirementStore) CreateRequirement(_ context.Context, first accord.Revision[requirement.Requirement]) (requirement.Requirement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs.create(first)
}

// GetRequirement implements requirement.Store.
func (s *RequirementStore) GetRequirement(_ context.Context, project, id string) (requirement.Requirement, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reqs.get(project, id)
}

// GetRequirementByKey implements requirement.Store.
func (s *RequirementStore) GetRequirementByKey(_ context.Context, project, key string) (requirement.Requirement, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reqs.getByKey(project, key)
}

// UpdateRequirement implements requirement.Store.
func (s *RequirementStore) UpdateRequirement(_ context.Context, next accord.Revision[requirement.Requirement]) (requirement.Requirement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs.update(next)
}

// DeleteRequirement implements requirement.Store: its change requests
// are hidden with it.
func (s *RequirementStore) DeleteRequirement(_ context.Context, tombstone accord.Revision[requirement.Requirement]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs.tombstone(tombstone)
}

// ListRequirements implements requirement.Store.
func (s *RequirementStore) ListRequirements(_ context.Context, project string, f requirement.Filter, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reqs.list(project, f.Match, q)
}

// SearchRequirements implements requirement.Store: Filter.Match and
// Filter.Rank on every requirement of the project.
func (s *RequirementStore) SearchRequirements(_ context.Context, project string, f requirement.Filter, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	if f.Text == "" {
		return accord.Page[requirement.Requirement]{}, accord.Errorf(accord.Invalid, "a search of requirements needs a text")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reqs.ranked(project, f.Match, f.Rank, q)
}

// ListDeletedRequirements implements requirement.Store.
func (s *RequirementStore) ListDeletedRequirements(_ context.Context, project string, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reqs.listDeleted(project, q)
}

// GetRequirementRevision implements requirement.Store.
func (s *RequirementStore) GetRequirementRevision(_ context.Context, project, id string, n int) (accord.Revision[requirement.Requirement], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reqs.revision(project, id, n)
}

// ListRequirementRevisions implements requirement.Store.
func (s *RequirementStore) ListRequirementRevisions(_ context.Context, project, id string) ([]accord.Revision[requirement.Requirement], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reqs.revisions(project, id)
}

// CreateChangeRequest implements requirement.Store.
func (s *RequirementStore) CreateChangeRequest(_ context.Context, first accord.Revision[requirement.ChangeRequest]) (requirement.ChangeRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.reqs.live(first.Record.Project, first.Record.RequirementID); err != nil {
		return requirement.ChangeRequest{}, err
	}
	return s.changes.create(first)
}

// GetChangeRequest implements requirement.Store.
func (s *RequirementStore) GetChangeRequest(_ context.Context, project, id string) (requirement.ChangeRequest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cr, err := s.changes.get(project, id)
	if err == nil {
		if _, err := s.reqs.live(project, cr.RequirementID); err != nil {
			return requirement.ChangeRequest{}, s.changes.notFound(project, id) // hidden with its requirement
		}
	}
	return cr, err
}

// UpdateChangeRequest implements requirement.Store. The requirement a
// change request belongs to never changes.
func (s *RequirementStore) UpdateChangeRequest(_ context.Context, next accord.Revision[requirement.ChangeRequest]) (requirement.ChangeRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, err := s.changes.row(next.Record.Project, next.Record.ID); err == nil {
		next.Record.RequirementID = cur.current().RequirementID
	}
	return s.changes.update(next)
}

// ListChangeRequests implements requirement.Store.
func (s *RequirementStore) ListChangeRequests(_ context.Context, project, requirementID string) ([]requirement.ChangeRequest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.reqs.live(project, requirementID); err != nil {
		return nil, err
	}
	return s.changes.all(project, func(c *requirement.ChangeRequest) bool { return c.RequirementID == requirementID }), nil
}

// ListChangeRequestRevisions implements requirement.Store.
func (s *RequirementStore) ListChangeRequestRevisions(_ context.Context, project, id string) ([]accord.Revision[requirement.ChangeRequest], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.changes.revisions(project, id)
}

// CreateTerm implements requirement.Store.
func (s *RequirementStore) CreateTerm(_ context.Context, first accord.Revision[requirement.Term]) (requirement.Term, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.terms.create(first)
}

// GetTerm implements requirement.Store.
func (s *RequirementStore) GetTerm(_ context.Context, project, id string) (requirement.Term, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.terms.get(project, id)
}

// UpdateTerm implements requirement.Store.
func (s *RequirementStore) UpdateTerm(_ context.Context, next accord.Revision[requirement.Term]) (requirement.Term, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.terms.update(next)
}

// DeleteTerm implements requirement.Store.
func (s *RequirementStore) DeleteTerm(_ context.Context, tombstone accord.Revision[requirement.Term]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.terms.tombstone(tombstone)
}

// ListTerms implements requirement.Store.
func (s *RequirementStore) ListTerms(_ context.Context, project string) ([]requirement.Term, error) {
	s.mu.RLock()
	terms := s.terms.all(project, nil)
	s.mu.RUnlock()
	slices.SortFunc(terms, func(a, b requirement.Term) int {
		return strings.Compare(strings.ToLower(a.Term), strings.ToLower(b.Term))
	})
	return terms, nil
}

// ListDeletedTerms implements requirement.Store.
func (s *RequirementStore) ListDeletedTerms(_ context.Context, project string, q accord.PageQuery) (accord.Page[requirement.Term], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.terms.listDeleted(project, q)
}

// ListTermRevisions implements requirement.Store.
func (s *RequirementStore) ListTermRevisions(_ context.Context, project, id string) ([]accord.Revision[requirement.Term], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.terms.revisions(project, id)
}

// GetSettings implements requirement.Store.
func (s *RequirementStore) GetSettings(_ context.Context, project string) (requirement.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings.get(project), nil
}

// PutSettings implements requirement.Store.
func (s *RequirementStore) PutSettings(_ context.Context, next requirement.Settings) (requirement.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.put(next.Project, next)
}
