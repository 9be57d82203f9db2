package external

import (
	"context"

	"github.com/accordhq/accord"
)

// Filter selects references in a list. Empty fields match everything.
type Filter struct {
	Record accord.Ref // one record's references: kind and ID as they were added
	System string
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Reference) bool {
	if f.Record.Kind != "" && r.Record.Kind != f.Record.Kind {
		return false
	}
	if f.Record.ID != "" && r.Record.ID != f.Record.ID {
		return false
	}
	return f.System == "" || r.System == f.System
}

// Store keeps references with every revision of each. The rules are those
// of every accord store (adapters/storetest checks them); besides, a
// live reference's system and key (UniqueName) are unique in its project.
type Store interface {
	// CreateReference stores a reference from its first revision.
	// Conflict if the ID exists or a live reference has the same system
	// and key.
	CreateReference(ctx context.Context, first accord.Revision[Reference]) (Reference, error)
	// GetReference returns a reference. NotFound if absent or removed.
	GetReference(ctx context.Context, project, id string) (Reference, error)
	// FindReference returns the live reference to system's key. NotFound
	// if none.
	FindReference(ctx context.Context, project, system, key string) (Reference, error)
	// UpdateReference stores next as the new current revision. NotFound
	// if absent; Conflict (ErrStale) if stale, or if a restored reference's
	// system and key are taken again.
	UpdateReference(ctx context.Context, next accord.Revision[Reference]) (Reference, error)
	// DeleteReference stores tombstone (a revision of kind
	// accord.RevisionDeleted) as the next revision and hides the
	// reference; its system and key are free again. NotFound if absent;
	// Conflict (ErrStale) if stale.
	DeleteReference(ctx context.Context, tombstone accord.Revision[Reference]) error
	// ListReferences returns one page of the references that match f, in
	// creation order. Invalid for a malformed token.
	ListReferences(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Reference], error)
	// ListDeletedReferences returns one page of removed references, each
	// as its tombstone, in creation order.
	ListDeletedReferences(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Reference], error)
	// GetReferenceRevision returns revision n. NotFound if absent.
	GetReferenceRevision(ctx context.Context, project, id string, n int) (accord.Revision[Reference], error)
	// ListReferenceRevisions returns every revision, oldest first.
	// NotFound if absent.
	ListReferenceRevisions(ctx context.Context, project, id string) ([]accord.Revision[Reference], error)

	// GetSettings returns the project's tracker settings; revision 0 (and
	// no connection) if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings stores s; s.Revision must be the stored revision plus
	// one, else Conflict (ErrStale).
	PutSettings(ctx context.Context, s Settings) (Settings, error)
	// GetSyncState returns the project's sync state with system; revision
	// 0 if never written.
	GetSyncState(ctx context.Context, project, system string) (SyncState, error)
	// PutSyncState stores s; s.Revision must be the stored revision plus
	// one, else Conflict (ErrStale).
	PutSyncState(ctx context.Context, s SyncState) (SyncState, error)
	// ListSyncStates returns the project's stored sync states, by system.
	ListSyncStates(ctx context.Context, project string) ([]SyncState, error)
}
