package memory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// RequirementStore is an in-memory requirement.Store.
type RequirementStore struct {
	mu       sync.RWMutex
	projects map[string]*reqProject
}

var _ requirement.Store = (*RequirementStore)(nil)

// NewRequirementStore returns an empty store.
func NewRequirementStore() *RequirementStore {
	return &RequirementStore{projects: map[string]*reqProject{}}
}

// listed places a requirement in the list order: seq is the number in its
// key, so the order is creation order and never changes.
type listed struct {
	seq int
	id  string
}

type reqProject struct {
	seq       int
	reqs      map[string][]requirement.Revision // id → revisions, oldest first
	order     []listed                          // every requirement, in creation order
	keys      map[string]string                 // key (REQ-7) → requirement ID
	changes   map[string]*requirement.ChangeRequest
	changesOf map[string][]string // requirement id → change request ids, oldest first
	terms     map[string][]requirement.TermRevision
	termNames map[string]string // lower-case name → term id
	settings  requirement.Settings
}

// project returns the project's data, creating it when create is set;
// callers hold the write lock to create.
func (s *RequirementStore) project(name string, create bool) *reqProject {
	p := s.projects[name]
	if p == nil && create {
		p = &reqProject{
			reqs:      map[string][]requirement.Revision{},
			keys:      map[string]string{},
			changes:   map[string]*requirement.ChangeRequest{},
			changesOf: map[string][]string{},
			terms:     map[string][]requirement.TermRevision{},
			termNames: map[string]string{},
		}
		s.projects[name] = p
	}
	return p
}

func notFound(kind, project, id string) error {
	return accord.Errorf(accord.NotFound, "%s %q not found in project %q", kind, id, project)
}

func (s *RequirementStore) revisions(project, id string) ([]requirement.Revision, error) {
	if p := s.project(project, false); p != nil {
		if revs, ok := p.reqs[id]; ok {
			return revs, nil
		}
	}
	return nil, notFound("requirement", project, id)
}

// position finds a stored requirement in the list order.
func (p *reqProject) position(id string) (int, bool) {
	revs := p.reqs[id]
	if revs == nil {
		return 0, false
	}
	seq, _ := strconv.Atoi(strings.TrimPrefix(revs[0].Requirement.Key, "REQ-"))
	i, ok := slices.BinarySearchFunc(p.order, seq, func(l listed, seq int) int { return l.seq - seq })
	return i, ok
}

// CreateRequirement implements requirement.Store.
func (s *RequirementStore) CreateRequirement(_ context.Context, first requirement.Revision) (requirement.Requirement, error) {
	r := first.Requirement
	if r.Project == "" || r.ID == "" || first.Number != 1 || r.Revision != 1 {
		return requirement.Requirement{}, accord.Errorf(accord.Invalid, "a new requirement needs a project, an ID and revision 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(r.Project, true)
	if _, exists := p.reqs[r.ID]; exists {
		return requirement.Requirement{}, accord.Errorf(accord.Conflict, "requirement %q already exists", r.ID)
	}
	p.seq++
	first = first.Clone()
	first.Requirement.Key = fmt.Sprintf("REQ-%d", p.seq)
	p.reqs[r.ID] = []requirement.Revision{first}
	p.keys[first.Requirement.Key] = r.ID
	p.order = append(p.order, listed{p.seq, r.ID})
	return first.Requirement.Clone(), nil
}

// GetRequirement implements requirement.Store.
func (s *RequirementStore) GetRequirement(_ context.Context, project, id string) (requirement.Requirement, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	revs, err := s.revisions(project, id)
	if err != nil {
		return requirement.Requirement{}, err
	}
	return revs[len(revs)-1].Requirement.Clone(), nil
}

// GetRequirementByKey implements requirement.Store.
func (s *RequirementStore) GetRequirementByKey(ctx context.Context, project, key string) (requirement.Requirement, error) {
	s.mu.RLock()
	p := s.project(project, false)
	var id string
	if p != nil {
		id = p.keys[key]
	}
	s.mu.RUnlock()
	if id == "" {
		return requirement.Requirement{}, notFound("requirement", project, key)
	}
	return s.GetRequirement(ctx, project, id)
}

// UpdateRequirement implements requirement.Store.
func (s *RequirementStore) UpdateRequirement(_ context.Context, next requirement.Revision) (requirement.Requirement, error) {
	r := next.Requirement
	if r.Revision != next.Number {
		return requirement.Requirement{}, accord.Errorf(accord.Invalid, "revision number %d differs from the requirement's revision %d", next.Number, r.Revision)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	revs, err := s.revisions(r.Project, r.ID)
	if err != nil {
		return requirement.Requirement{}, err
	}
	cur := revs[len(revs)-1].Requirement
	if next.Number != cur.Revision+1 {
		return requirement.Requirement{}, accord.StaleError("requirement "+cur.Key, next.Number-1, cur.Revision)
	}
	next = next.Clone()
	// Identity never changes, whatever the caller sent.
	next.Requirement.Key, next.Requirement.CreatedAt, next.Requirement.CreatedBy = cur.Key, cur.CreatedAt, cur.CreatedBy
	s.projects[r.Project].reqs[r.ID] = append(revs, next)
	return next.Requirement.Clone(), nil
}

// DeleteRequirement implements requirement.Store.
func (s *RequirementStore) DeleteRequirement(_ context.Context, project, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.revisions(project, id); err != nil {
		return err
	}
	p := s.projects[project]
	if i, ok := p.position(id); ok {
		p.order = slices.Delete(p.order, i, i+1)
	}
	revs := p.reqs[id]
	delete(p.keys, revs[len(revs)-1].Requirement.Key)
	delete(p.reqs, id)
	for _, cid := range p.changesOf[id] {
		delete(p.changes, cid)
	}
	delete(p.changesOf, id)
	return nil
}

// ListRequirements implements requirement.Store.
func (s *RequirementStore) ListRequirements(_ context.Context, project string, q requirement.ListQuery) (requirement.Page[requirement.Requirement], error) {
	var page requirement.Page[requirement.Requirement]
	size, afterSeq, err := pageQuery(q.PageSize, q.PageToken, requirement.MaxPageSize)
	if err != nil {
		return page, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	page.Items = []requirement.Requirement{}
	p := s.project(project, false)
	if p == nil {
		return page, nil
	}
	// Resume after the last record listed, even if it has been deleted.
	lastSeq := 0
	start, _ := slices.BinarySearchFunc(p.order, afterSeq+1, func(l listed, seq int) int { return l.seq - seq })
	for _, l := range p.order[start:] {
		revs := p.reqs[l.id]
		r := &revs[len(revs)-1].Requirement
		if !q.Filter.Match(r) {
			continue
		}
		if len(page.Items) == size {
			// One more match exists: there is a next page.
			page.NextPageToken = encodeToken(strconv.Itoa(lastSeq))
			break
		}
		page.Items = append(page.Items, r.Clone())
		lastSeq = l.seq
	}
	return page, nil
}

// GetRevision implements requirement.Store.
func (s *RequirementStore) GetRevision(_ context.Context, project, id string, n int) (requirement.Revision, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	revs, err := s.revisions(project, id)
	if err != nil {
		return requirement.Revision{}, err
	}
	if n < 1 || n > len(revs) {
		return requirement.Revision{}, accord.Errorf(accord.NotFound, "requirement %q has no revision %d (it has 1 to %d)", id, n, len(revs))
	}
	return revs[n-1].Clone(), nil
}

// ListRevisions implements requirement.Store.
func (s *RequirementStore) ListRevisions(_ context.Context, project, id string) ([]requirement.Revision, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	revs, err := s.revisions(project, id)
	if err != nil {
		return nil, err
	}
	out := make([]requirement.Revision, len(revs))
	for i, v := range revs {
		out[i] = v.Clone()
	}
	return out, nil
}

// CreateChangeRequest implements requirement.Store.
func (s *RequirementStore) CreateChangeRequest(_ context.Context, cr requirement.ChangeRequest) (requirement.ChangeRequest, error) {
	if cr.ID == "" || cr.Revision != 1 {
		return requirement.ChangeRequest{}, accord.Errorf(accord.Invalid, "a new change request needs an ID and revision 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.revisions(cr.Project, cr.RequirementID); err != nil {
		return requirement.ChangeRequest{}, err
	}
	p := s.projects[cr.Project]
	if _, exists := p.changes[cr.ID]; exists {
		return requirement.ChangeRequest{}, accord.Errorf(accord.Conflict, "change request %q already exists", cr.ID)
	}
	stored := cr.Clone()
	p.changes[cr.ID] = &stored
	p.changesOf[cr.RequirementID] = append(p.changesOf[cr.RequirementID], cr.ID)
	return stored.Clone(), nil
}

func (s *RequirementStore) change(project, id string) (*requirement.ChangeRequest, error) {
	if p := s.project(project, false); p != nil {
		if cr, ok := p.changes[id]; ok {
			return cr, nil
		}
	}
	return nil, notFound("change request", project, id)
}

// GetChangeRequest implements requirement.Store.
func (s *RequirementStore) GetChangeRequest(_ context.Context, project, id string) (requirement.ChangeRequest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cr, err := s.change(project, id)
	if err != nil {
		return requirement.ChangeRequest{}, err
	}
	return cr.Clone(), nil
}

// UpdateChangeRequest implements requirement.Store.
func (s *RequirementStore) UpdateChangeRequest(_ context.Context, next requirement.ChangeRequest) (requirement.ChangeRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.change(next.Project, next.ID)
	if err != nil {
		return requirement.ChangeRequest{}, err
	}
	if next.Revision != cur.Revision+1 {
		return requirement.ChangeRequest{}, accord.StaleError("change request "+cur.ID, next.Revision-1, cur.Revision)
	}
	stored := next.Clone()
	stored.RequirementID, stored.CreatedAt, stored.CreatedBy = cur.RequirementID, cur.CreatedAt, cur.CreatedBy
	*cur = stored
	return stored.Clone(), nil
}

// ListChangeRequests implements requirement.Store.
func (s *RequirementStore) ListChangeRequests(_ context.Context, project, requirementID string) ([]requirement.ChangeRequest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.revisions(project, requirementID); err != nil {
		return nil, err
	}
	p := s.projects[project]
	out := make([]requirement.ChangeRequest, 0, len(p.changesOf[requirementID]))
	for _, id := range p.changesOf[requirementID] {
		out = append(out, p.changes[id].Clone())
	}
	return out, nil
}

func (s *RequirementStore) termRevisions(project, id string) ([]requirement.TermRevision, error) {
	if p := s.project(project, false); p != nil {
		if revs, ok := p.terms[id]; ok {
			return revs, nil
		}
	}
	return nil, notFound("glossary term", project, id)
}

func termConflict(name string) error {
	return accord.Errorf(accord.Conflict, "the glossary already has the term %q", name)
}

// CreateTerm implements requirement.Store.
func (s *RequirementStore) CreateTerm(_ context.Context, first requirement.TermRevision) (requirement.Term, error) {
	t := first.Term
	if t.Project == "" || t.ID == "" || first.Number != 1 || t.Revision != 1 {
		return requirement.Term{}, accord.Errorf(accord.Invalid, "a new glossary term needs a project, an ID and revision 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(t.Project, true)
	name := strings.ToLower(t.Term)
	if _, taken := p.termNames[name]; taken {
		return requirement.Term{}, termConflict(t.Term)
	}
	if _, exists := p.terms[t.ID]; exists {
		return requirement.Term{}, accord.Errorf(accord.Conflict, "glossary term %q already exists", t.ID)
	}
	p.terms[t.ID] = []requirement.TermRevision{first.Clone()}
	p.termNames[name] = t.ID
	return t.Clone(), nil
}

// GetTerm implements requirement.Store.
func (s *RequirementStore) GetTerm(_ context.Context, project, id string) (requirement.Term, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	revs, err := s.termRevisions(project, id)
	if err != nil {
		return requirement.Term{}, err
	}
	return revs[len(revs)-1].Term.Clone(), nil
}

// UpdateTerm implements requirement.Store.
func (s *RequirementStore) UpdateTerm(_ context.Context, next requirement.TermRevision) (requirement.Term, error) {
	t := next.Term
	s.mu.Lock()
	defer s.mu.Unlock()
	revs, err := s.termRevisions(t.Project, t.ID)
	if err != nil {
		return requirement.Term{}, err
	}
	cur := revs[len(revs)-1].Term
	if next.Number != cur.Revision+1 || t.Revision != next.Number {
		return requirement.Term{}, accord.StaleError(fmt.Sprintf("glossary term %q", cur.Term), next.Number-1, cur.Revision)
	}
	p := s.projects[t.Project]
	oldName, newName := strings.ToLower(cur.Term), strings.ToLower(t.Term)
	if owner, taken := p.termNames[newName]; taken && owner != t.ID {
		return requirement.Term{}, termConflict(t.Term)
	}
	next = next.Clone()
	next.Term.CreatedAt, next.Term.CreatedBy = cur.CreatedAt, cur.CreatedBy
	delete(p.termNames, oldName)
	p.termNames[newName] = t.ID
	p.terms[t.ID] = append(revs, next)
	return next.Term.Clone(), nil
}

// DeleteTerm implements requirement.Store.
func (s *RequirementStore) DeleteTerm(_ context.Context, project, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	revs, err := s.termRevisions(project, id)
	if err != nil {
		return err
	}
	p := s.projects[project]
	delete(p.termNames, strings.ToLower(revs[len(revs)-1].Term.Term))
	delete(p.terms, id)
	return nil
}

// ListTerms implements requirement.Store.
func (s *RequirementStore) ListTerms(_ context.Context, project string) ([]requirement.Term, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []requirement.Term{}
	p := s.project(project, false)
	if p == nil {
		return out, nil
	}
	for _, revs := range p.terms {
		out = append(out, revs[len(revs)-1].Term.Clone())
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Term) < strings.ToLower(out[j].Term) })
	return out, nil
}

// ListTermRevisions implements requirement.Store.
func (s *RequirementStore) ListTermRevisions(_ context.Context, project, id string) ([]requirement.TermRevision, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	revs, err := s.termRevisions(project, id)
	if err != nil {
		return nil, err
	}
	out := make([]requirement.TermRevision, len(revs))
	for i, v := range revs {
		out[i] = v.Clone()
	}
	return out, nil
}

// GetSettings implements requirement.Store.
func (s *RequirementStore) GetSettings(_ context.Context, project string) (requirement.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.project(project, false); p != nil {
		return p.settings, nil
	}
	return requirement.Settings{}, nil
}

// PutSettings implements requirement.Store.
func (s *RequirementStore) PutSettings(_ context.Context, project string, settings requirement.Settings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.project(project, true).settings = settings
	return nil
}
