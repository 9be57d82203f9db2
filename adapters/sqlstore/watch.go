package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/watch"
)

// WatchStore is a watch.Store in SQL. Its log is the outbox; a person's
// read mark is a row of accord_relays named "inbox:<project>:<actor>".
type WatchStore struct {
	watches table[watch.Watch]
	stores  *Stores
}

var _ watch.Store = (*WatchStore)(nil)

func newWatchStore(s *Stores) *WatchStore {
	return &WatchStore{stores: s, watches: table[watch.Watch]{db: s.DB, d: s.Dialect, cache: s.cache, clone: watch.Watch.Clone, kind: watch.RefKind, what: "watch",
		ident: func(w *watch.Watch) (string, string) { return w.Project, w.ID },
		stamp: func(w *watch.Watch) *accord.Stamp { return &w.Stamp },
		name:  func(w *watch.Watch) string { return watch.Name(w.Actor, w.Target) },
		taken: func(w *watch.Watch) error {
			return accord.Errorf(accord.Conflict, "%s watches %s already (watch %s)", w.Actor, w.Target, w.ID)
		},
		cols: func(w *watch.Watch) columns {
			return columns{owner: w.Actor, refKind: w.Target.Kind, refID: w.Target.ID}
		}}}
}

// CreateWatch implements watch.Store.
func (s *WatchStore) CreateWatch(ctx context.Context, first accord.Revision[watch.Watch]) (watch.Watch, error) {
	return s.watches.create(ctx, first)
}

// GetWatch implements watch.Store.
func (s *WatchStore) GetWatch(ctx context.Context, project, id string) (watch.Watch, error) {
	return s.watches.get(ctx, project, id)
}

// DeleteWatch implements watch.Store.
func (s *WatchStore) DeleteWatch(ctx context.Context, project, id string) error {
	return s.watches.delete(ctx, project, id)
}

// ListWatches implements watch.Store.
func (s *WatchStore) ListWatches(ctx context.Context, project, actor string, q accord.PageQuery) (accord.Page[watch.Watch], error) {
	var w filter
	w.add("r.owner = ?", actor)
	return s.watches.list(ctx, project, w, q)
}

func inboxName(project, actor string) string { return "inbox:" + project + ":" + actor }

// ReadMark implements watch.Store.
func (s *WatchStore) ReadMark(ctx context.Context, project, actor string) (int64, error) {
	var after int64
	err := on(ctx, s.stores.DB).QueryRowContext(ctx, s.stores.Dialect.q("SELECT after FROM accord_relays WHERE name = ?"), inboxName(project, actor)).Scan(&after)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, internal("reading a read mark", err)
	}
	return after, nil
}

// SetReadMark implements watch.Store: the mark only moves forward.
func (s *WatchStore) SetReadMark(ctx context.Context, project, actor string, seq int64) error {
	_, err := on(ctx, s.stores.DB).ExecContext(ctx, s.stores.Dialect.q(`INSERT INTO accord_relays (name, after) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET after = CASE WHEN excluded.after > accord_relays.after THEN excluded.after ELSE accord_relays.after END`),
		inboxName(project, actor), seq)
	if err != nil {
		return internal("moving a read mark", err)
	}
	return nil
}

// Log implements watch.Store over the outbox.
func (s *WatchStore) Log(ctx context.Context, project string, after int64, limit int) ([]watch.Entry, error) {
	events, err := s.stores.Events(ctx, project, after, limit)
	out := make([]watch.Entry, len(events))
	for i, e := range events {
		out[i] = watch.Entry{Seq: e.Seq, Event: e.Event}
	}
	return out, err
}
