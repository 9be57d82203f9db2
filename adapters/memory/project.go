package memory

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/project"
)

// ProjectStore is an in-memory project.Store. Projects are not scoped by
// another project, so the table keeps them all in one namespace.
type ProjectStore struct {
	mu       sync.RWMutex
	projects table[project.Project]
}

var _ project.Store = (*ProjectStore)(nil)

// allProjects is the table namespace every project lives in.
const allProjects = "*"

// NewProjectStore returns an empty store.
func NewProjectStore() *ProjectStore {
	return &ProjectStore{projects: table[project.Project]{what: "project", clone: project.Project.Clone,
		ident: func(p *project.Project) (string, string) { return allProjects, p.Key },
		stamp: func(p *project.Project) *accord.Stamp { return &p.Stamp }}}
}

// CreateProject implements project.Store.
func (s *ProjectStore) CreateProject(_ context.Context, first accord.Revision[project.Project]) (project.Project, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.projects.create(first)
}

// GetProject implements project.Store.
func (s *ProjectStore) GetProject(_ context.Context, key string) (project.Project, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.projects.get(allProjects, key)
	if accord.ErrorCode(err) == accord.NotFound {
		return p, accord.Errorf(accord.NotFound, "project %q not found", key)
	}
	return p, err
}

// UpdateProject implements project.Store.
func (s *ProjectStore) UpdateProject(_ context.Context, next accord.Revision[project.Project]) (project.Project, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.projects.update(next)
}

// ListProjects implements project.Store.
func (s *ProjectStore) ListProjects(_ context.Context, f project.Filter, q accord.PageQuery) (accord.Page[project.Project], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.projects.list(allProjects, f.Match, q)
}

// ListProjectRevisions implements project.Store.
func (s *ProjectStore) ListProjectRevisions(_ context.Context, key string) ([]accord.Revision[project.Project], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.projects.revisions(allProjects, key)
}
