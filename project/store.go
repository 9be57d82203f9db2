package project

import (
	"context"
	"slices"

	"github.com/accordhq/accord"
)

// Filter selects projects in a list. Empty fields match everything.
type Filter struct {
	Member string // an actor ID that is a member
}

// Match reports whether p passes the filter. Stores may use it or translate
// the filter into their own query.
func (f Filter) Match(p *Project) bool {
	return f.Member == "" || slices.ContainsFunc(p.Members, func(m Member) bool { return m.Actor == f.Member })
}

// Store keeps projects with every revision of each. The rules are those of
// every accord store (adapters/storetest checks them): Create stores
// revision 1 and returns it; Update is compare-and-swap on next.Number =
// stored revision + 1 (Conflict wrapping accord.ErrStale otherwise); lists
// are in creation order with tokens that survive churn; values are copied
// in and out; every method is safe for concurrent use. A project's key is
// its identity: the project store is the one store not scoped by project.
type Store interface {
	// CreateProject stores a project from its first revision. Conflict if
	// the key is taken.
	CreateProject(ctx context.Context, first accord.Revision[Project]) (Project, error)
	// GetProject returns a project. NotFound if absent.
	GetProject(ctx context.Context, key string) (Project, error)
	// UpdateProject stores next as the project's new revision. NotFound if
	// absent; Conflict (ErrStale) if stale.
	UpdateProject(ctx context.Context, next accord.Revision[Project]) (Project, error)
	// ListProjects returns one page of the projects that match f, in
	// creation order. Invalid for a malformed token.
	ListProjects(ctx context.Context, f Filter, q accord.PageQuery) (accord.Page[Project], error)
	// ListProjectRevisions returns every revision of a project, oldest
	// first. NotFound if absent.
	ListProjectRevisions(ctx context.Context, key string) ([]accord.Revision[Project], error)
}
