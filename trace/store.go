package trace

import (
	"context"
	"slices"

	"github.com/accordhq/accord"
)

// Filter selects links in a list. Empty fields match everything; several
// values of one field match any of them.
type Filter struct {
	From   accord.Ref // links from this record
	To     accord.Ref // links to this record
	Record accord.Ref // links with this record at either end
	Role   []Role
	Status []Status
	Origin Origin
}

// Match reports whether l passes the filter.
func (f Filter) Match(l *Link) bool {
	if f.From.Kind != "" && l.From != f.From {
		return false
	}
	if f.To.Kind != "" && l.To != f.To {
		return false
	}
	if f.Record.Kind != "" && l.From != f.Record && l.To != f.Record {
		return false
	}
	if len(f.Role) > 0 && !slices.Contains(f.Role, l.Role) {
		return false
	}
	if len(f.Status) > 0 && !slices.Contains(f.Status, l.Status) {
		return false
	}
	if f.Origin != "" && l.Origin != f.Origin {
		return false
	}
	return true
}

// Store keeps links with every revision of each. The rules are those of
// every accord store (adapters/storetest checks them); a link's Name
// (from, role, to) is unique in its project.
type Store interface {
	// CreateLink stores a link from its first revision. Conflict if the ID
	// or the link's Name exists.
	CreateLink(ctx context.Context, first accord.Revision[Link]) (Link, error)
	// GetLink returns a link. NotFound if absent.
	GetLink(ctx context.Context, project, id string) (Link, error)
	// FindLink returns the link with the name (Name). NotFound if none.
	FindLink(ctx context.Context, project, name string) (Link, error)
	// UpdateLink stores next as the new current revision. NotFound if
	// absent; Conflict (ErrStale) if stale.
	UpdateLink(ctx context.Context, next accord.Revision[Link]) (Link, error)
	// DeleteLink stores tombstone, a revision of kind accord.RevisionDeleted
	// whose stamp's Deleted says who deleted the link, when and why, as
	// its next revision (compare-and-swap, like an update), and hides it:
	// gets, finds and lists answer as if it did not exist and its name is free again, its
	// revisions stay. An update of kind accord.RevisionRestored brings it
	// back. NotFound if absent or deleted; Conflict (ErrStale) if stale.
	DeleteLink(ctx context.Context, tombstone accord.Revision[Link]) error
	// ListLinks returns one page of the links that match f, in creation
	// order. Invalid for a malformed token.
	ListLinks(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Link], error)
	// ListDeletedLinks returns one page of the project's deleted
	// links, each as its tombstone (Stamp.Deleted says who, when and
	// why), in creation order: what an admin may restore. Invalid for a
	// malformed token.
	ListDeletedLinks(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Link], error)
	// GetLinkRevision returns revision n. NotFound if absent.
	GetLinkRevision(ctx context.Context, project, id string, n int) (accord.Revision[Link], error)
	// ListLinkRevisions returns every revision, oldest first. NotFound if absent.
	ListLinkRevisions(ctx context.Context, project, id string) ([]accord.Revision[Link], error)
}
