package memory

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/watch"
)

// WatchStore is an in-memory watch.Store. Its event log is what it is
// given as a sink (Publish): give it to the services as (part of) their
// Events. Like everything in memory, the log is gone with the process.
type WatchStore struct {
	mu      sync.RWMutex
	watches table[watch.Watch]
	marks   map[[2]string]int64
	log     []watch.Entry
}

var _ watch.Store = (*WatchStore)(nil)

// NewWatchStore returns an empty store.
func NewWatchStore() *WatchStore {
	return &WatchStore{watches: table[watch.Watch]{what: "watch", clone: watch.Watch.Clone,
		ident: func(w *watch.Watch) (string, string) { return w.Project, w.ID },
		stamp: func(w *watch.Watch) *accord.Stamp { return &w.Stamp },
		name:  func(w *watch.Watch) string { return watch.Name(w.Actor, w.Target) },
		taken: func(w *watch.Watch) error {
			return accord.Errorf(accord.Conflict, "%s watches %s already (watch %s)", w.Actor, w.Target, w.ID)
		}}, marks: map[[2]string]int64{}}
}

// Publish implements accord.EventSink: the event joins the log.
func (s *WatchStore) Publish(_ context.Context, e accord.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, watch.Entry{Seq: int64(len(s.log) + 1), Event: e})
}

// CreateWatch implements watch.Store.
func (s *WatchStore) CreateWatch(_ context.Context, first accord.Revision[watch.Watch]) (watch.Watch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watches.create(first)
}

// GetWatch implements watch.Store.
func (s *WatchStore) GetWatch(_ context.Context, project, id string) (watch.Watch, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.watches.get(project, id)
}

// DeleteWatch implements watch.Store.
func (s *WatchStore) DeleteWatch(_ context.Context, project, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watches.delete(project, id)
}

// ListWatches implements watch.Store.
func (s *WatchStore) ListWatches(_ context.Context, project, actor string, q accord.PageQuery) (accord.Page[watch.Watch], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.watches.list(project, func(w *watch.Watch) bool { return w.Actor == actor }, q)
}

// ReadMark implements watch.Store.
func (s *WatchStore) ReadMark(_ context.Context, project, actor string) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.marks[[2]string{project, actor}], nil
}

// SetReadMark implements watch.Store.
func (s *WatchStore) SetReadMark(_ context.Context, project, actor string, seq int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{project, actor}
	s.marks[k] = max(s.marks[k], seq)
	return nil
}

// Log implements watch.Store.
func (s *WatchStore) Log(_ context.Context, project string, after int64, limit int) ([]watch.Entry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []watch.Entry
	for _, e := range s.log[min(int(max(after, 0)), len(s.log)):] {
		if len(out) == limit {
			break
		}
		if e.Event.Project == project {
			out = append(out, e)
		}
	}
	return out, nil
}
