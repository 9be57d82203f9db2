package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
)

// ExternalStore is an external.Store in SQL. A reference's system and key
// are its unique name (jira:SHOP-123), so the schema's unique index on
// (kind, project, name) keeps one live reference per item in a project,
// on every engine and across server instances; its record is in ref_kind
// and ref_id (indexed for a record's list) and its system in class.
//
// A project's tracker settings are its row of accord_settings under the
// domain "trackers"; its sync state with each system is another row there,
// under external.SyncName(system) (tracker-sync/jira): no table of their
// own, both compare-and-swap on the row's revision.
type ExternalStore struct {
	refs     table[external.Reference]
	settings settings[external.Settings]
}

var _ external.Store = (*ExternalStore)(nil)

func newExternalStore(db *sql.DB, d Dialect, c *readCache) *ExternalStore {
	return &ExternalStore{refs: table[external.Reference]{db: db, d: d, cache: c, clone: external.Reference.Clone,
		kind: external.RefKind, what: "external reference",
		ident: func(r *external.Reference) (string, string) { return r.Project, r.ID },
		stamp: func(r *external.Reference) *accord.Stamp { return &r.Stamp },
		name:  func(r *external.Reference) string { return external.UniqueName(r.System, r.Key) },
		taken: func(have *external.Reference) error {
			return accord.Errorf(accord.Conflict, "%s is already referenced in project %s, by %s", have.Name(), have.Project, have.NamedRecord())
		},
		cols: func(r *external.Reference) columns {
			return columns{status: r.Status, class: r.System, refKind: r.Record.Kind, refID: r.Record.ID,
				search: []string{r.System, r.Key, r.Title}}
		}},
		settings: settings[external.Settings]{db: db, d: d, domain: "trackers",
			stamp: func(s *external.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) external.Settings { return external.Settings{Project: p} }}}
}

// syncs is the settings row of a project's sync state with system.
func (s *ExternalStore) syncs(system string) *settings[external.SyncState] {
	return &settings[external.SyncState]{db: s.settings.db, d: s.settings.d, domain: external.SyncName(system),
		stamp: func(st *external.SyncState) *accord.Stamp { return &st.Stamp },
		zero:  func(p string) external.SyncState { return external.SyncState{Project: p, System: system} }}
}

// GetSettings implements external.Store.
func (s *ExternalStore) GetSettings(ctx context.Context, project string) (external.Settings, error) {
	return s.settings.get(ctx, project)
}

// PutSettings implements external.Store.
func (s *ExternalStore) PutSettings(ctx context.Context, next external.Settings) (external.Settings, error) {
	return s.settings.put(ctx, next.Project, next)
}

// GetSyncState implements external.Store.
func (s *ExternalStore) GetSyncState(ctx context.Context, project, system string) (external.SyncState, error) {
	return s.syncs(system).get(ctx, project)
}

// PutSyncState implements external.Store.
func (s *ExternalStore) PutSyncState(ctx context.Context, next external.SyncState) (external.SyncState, error) {
	return s.syncs(next.System).put(ctx, next.Project, next)
}

// ListSyncStates implements external.Store.
func (s *ExternalStore) ListSyncStates(ctx context.Context, project string) ([]external.SyncState, error) {
	rows, err := on(ctx, s.settings.db).QueryContext(ctx, s.settings.d.q("SELECT record FROM accord_settings WHERE project = ? AND domain LIKE ? ORDER BY domain"),
		project, external.SyncName("")+"%")
	if err != nil {
		return nil, internal("listing sync states", err)
	}
	defer rows.Close()
	var out []external.SyncState
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, internal("reading sync states", err)
		}
		var st external.SyncState
		if err := json.Unmarshal(data, &st); err != nil {
			return nil, internal("decoding sync state", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("listing sync states", err)
	}
	return out, nil
}

// CreateReference implements external.Store.
func (s *ExternalStore) CreateReference(ctx context.Context, first accord.Revision[external.Reference]) (external.Reference, error) {
	return s.refs.create(ctx, first)
}

// GetReference implements external.Store.
func (s *ExternalStore) GetReference(ctx context.Context, project, id string) (external.Reference, error) {
	return s.refs.get(ctx, project, id)
}

// FindReference implements external.Store.
func (s *ExternalStore) FindReference(ctx context.Context, project, system, key string) (external.Reference, error) {
	r, err := s.refs.byName(ctx, on(ctx, s.refs.db), project, external.UniqueName(system, key))
	if accord.ErrorCode(err) == accord.NotFound {
		return r, accord.Errorf(accord.NotFound, "no reference to %s %s in project %q", system, key, project)
	}
	return r, err
}

// UpdateReference implements external.Store.
func (s *ExternalStore) UpdateReference(ctx context.Context, next accord.Revision[external.Reference]) (external.Reference, error) {
	return s.refs.update(ctx, next)
}

// DeleteReference implements external.Store.
func (s *ExternalStore) DeleteReference(ctx context.Context, tombstone accord.Revision[external.Reference]) error {
	return s.refs.tombstone(ctx, tombstone)
}

// ListReferences implements external.Store: the record is ref_kind and
// ref_id, the system class.
func (s *ExternalStore) ListReferences(ctx context.Context, project string, f external.Filter, q accord.PageQuery) (accord.Page[external.Reference], error) {
	var w filter
	if f.Record.Kind != "" {
		w.add("r.ref_kind = ?", f.Record.Kind)
	}
	if f.Record.ID != "" {
		w.add("r.ref_id = ?", f.Record.ID)
	}
	if f.System != "" {
		w.add("r.class = ?", f.System)
	}
	return s.refs.list(ctx, project, w, q)
}

// ListDeletedReferences implements external.Store.
func (s *ExternalStore) ListDeletedReferences(ctx context.Context, project string, q accord.PageQuery) (accord.Page[external.Reference], error) {
	return s.refs.listDeleted(ctx, project, q)
}

// GetReferenceRevision implements external.Store.
func (s *ExternalStore) GetReferenceRevision(ctx context.Context, project, id string, n int) (accord.Revision[external.Reference], error) {
	return s.refs.revision(ctx, project, id, n)
}

// ListReferenceRevisions implements external.Store.
func (s *ExternalStore) ListReferenceRevisions(ctx context.Context, project, id string) ([]accord.Revision[external.Reference], error) {
	return s.refs.revisions(ctx, project, id)
}
