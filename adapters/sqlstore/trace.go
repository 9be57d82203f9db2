package sqlstore

import (
	"context"
	"database/sql"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/trace"
)

// TraceStore is a trace.Store in SQL. A link's From is its parent column
// and its To the ref columns, both indexed, so the links of a record
// either way are an index lookup; its Name (from, role, to) is its unique
// name.
type TraceStore struct {
	links table[trace.Link]
}

var _ trace.Store = (*TraceStore)(nil)

func newTraceStore(db *sql.DB, d Dialect, c *readCache) *TraceStore {
	return &TraceStore{links: table[trace.Link]{db: db, d: d, cache: c, clone: trace.Link.Clone, kind: "trace_link", what: "link", // the stored kind, trace.RefKind before it became "trace"
		ident:  func(l *trace.Link) (string, string) { return l.Project, l.ID },
		stamp:  func(l *trace.Link) *accord.Stamp { return &l.Stamp },
		name:   func(l *trace.Link) string { return l.Name() },
		parent: func(l *trace.Link) string { return l.From.String() },
		taken: func(l *trace.Link) error {
			return accord.Errorf(accord.Conflict, "%s already %s %s: link %s", l.From, l.Role, l.To, l.ID)
		},
		cols: func(l *trace.Link) columns {
			return columns{status: string(l.Status), class: string(l.Role), owner: string(l.Origin), refKind: l.To.Kind, refID: l.To.ID}
		}}}
}

// CreateLink implements trace.Store.
func (s *TraceStore) CreateLink(ctx context.Context, first accord.Revision[trace.Link]) (trace.Link, error) {
	return s.links.create(ctx, first)
}

// GetLink implements trace.Store.
func (s *TraceStore) GetLink(ctx context.Context, project, id string) (trace.Link, error) {
	return s.links.get(ctx, project, id)
}

// FindLink implements trace.Store.
func (s *TraceStore) FindLink(ctx context.Context, project, name string) (trace.Link, error) {
	return s.links.byName(ctx, on(ctx, s.links.db), project, name)
}

// UpdateLink implements trace.Store.
func (s *TraceStore) UpdateLink(ctx context.Context, next accord.Revision[trace.Link]) (trace.Link, error) {
	return s.links.update(ctx, next)
}

// DeleteLink implements trace.Store.
func (s *TraceStore) DeleteLink(ctx context.Context, tombstone accord.Revision[trace.Link]) error {
	return s.links.tombstone(ctx, tombstone)
}

// ListLinks implements trace.Store: From is the parent column, To the ref
// columns, either end both, the role the class, the origin the owner.
func (s *TraceStore) ListLinks(ctx context.Context, project string, f trace.Filter, q accord.PageQuery) (accord.Page[trace.Link], error) {
	var w filter
	if f.From.Kind != "" {
		w.add("r.parent = ?", f.From.String())
	}
	if f.To.Kind != "" {
		w.add("r.ref_kind = ? AND r.ref_id = ?", f.To.Kind, f.To.ID)
	}
	if f.Record.Kind != "" {
		var from, to filter
		from.add("r.parent = ?", f.Record.String())
		to.add("r.ref_kind = ? AND r.ref_id = ?", f.Record.Kind, f.Record.ID)
		w.either(from, to)
	}
	in(&w, "r.class", f.Role)
	status := "r.status"
	if f.From.Kind != "" || f.To.Kind != "" || f.Record.Kind != "" {
		// One record's links are few: they are found by its end, and
		// status, written as an expression no index serves, only filters
		// them. Without statistics a planner may pick the status index and
		// scan every suspect link of the project instead.
		status = "(r.status || '')"
	}
	in(&w, status, f.Status)
	if f.Origin != "" {
		w.add("r.owner = ?", string(f.Origin))
	}
	return s.links.list(ctx, project, w, q)
}

// ListDeletedLinks implements trace.Store.
func (s *TraceStore) ListDeletedLinks(ctx context.Context, project string, q accord.PageQuery) (accord.Page[trace.Link], error) {
	return s.links.listDeleted(ctx, project, q)
}

// GetLinkRevision implements trace.Store.
func (s *TraceStore) GetLinkRevision(ctx context.Context, project, id string, n int) (accord.Revision[trace.Link], error) {
	return s.links.revision(ctx, project, id, n)
}

// ListLinkRevisions implements trace.Store.
func (s *TraceStore) ListLinkRevisions(ctx context.Context, project, id string) ([]accord.Revision[trace.Link], error) {
	return s.links.revisions(ctx, project, id)
}
