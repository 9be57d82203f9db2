package sqlstore

import (
	"context"
	"database/sql"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/project"
)

// ProjectStore is a project.Store in SQL. Projects are not scoped by
// another project: they share one namespace in the project column.
type ProjectStore struct {
	projects table[project.Project]
}

var _ project.Store = (*ProjectStore)(nil)

const allProjects = "*"

func newProjectStore(db *sql.DB, d Dialect, c *readCache) *ProjectStore {
	return &ProjectStore{projects: table[project.Project]{db: db, d: d, cache: c, clone: project.Project.Clone, kind: project.RefKind, what: "project",
		ident: func(p *project.Project) (string, string) { return allProjects, p.Key },
		stamp: func(p *project.Project) *accord.Stamp { return &p.Stamp },
		cols: func(p *project.Project) columns {
			var c columns
			for _, m := range p.Members {
				c.tags = append(c.tags, "member:"+m.Actor)
			}
			return c
		}}}
}

// CreateProject implements project.Store.
func (s *ProjectStore) CreateProject(ctx context.Context, first accord.Revision[project.Project]) (project.Project, error) {
	return s.projects.create(ctx, first)
}

// GetProject implements project.Store.
func (s *ProjectStore) GetProject(ctx context.Context, key string) (project.Project, error) {
	p, err := s.projects.get(ctx, allProjects, key)
	if accord.ErrorCode(err) == accord.NotFound {
		return p, accord.Errorf(accord.NotFound, "project %q not found", key)
	}
	return p, err
}

// UpdateProject implements project.Store.
func (s *ProjectStore) UpdateProject(ctx context.Context, next accord.Revision[project.Project]) (project.Project, error) {
	return s.projects.update(ctx, next)
}

// ListProjects implements project.Store.
func (s *ProjectStore) ListProjects(ctx context.Context, f project.Filter, q accord.PageQuery) (accord.Page[project.Project], error) {
	var w filter
	if f.Member != "" {
		w.tag("member:" + f.Member)
	}
	return s.projects.list(ctx, allProjects, w, q)
}

// ListProjectRevisions implements project.Store.
func (s *ProjectStore) ListProjectRevisions(ctx context.Context, key string) ([]accord.Revision[project.Project], error) {
	return s.projects.revisions(ctx, allProjects, key)
}
