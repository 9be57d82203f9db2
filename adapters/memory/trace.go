package memory

import (
	"context"
	"slices"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/trace"
)

// TraceStore is an in-memory trace.Store. It indexes links by either end,
// so a record's links (read on every change of the record) are found
// without a scan of the project.
type TraceStore struct {
	mu    sync.RWMutex
	links table[trace.Link]
	ends  map[string]map[accord.Ref][]string // project → record → IDs of links from or to it
}

var _ trace.Store = (*TraceStore)(nil)

// NewTraceStore returns an empty store.
func NewTraceStore() *TraceStore {
	return &TraceStore{links: table[trace.Link]{what: "link", clone: trace.Link.Clone,
		ident: func(l *trace.Link) (string, string) { return l.Project, l.ID },
		stamp: func(l *trace.Link) *accord.Stamp { return &l.Stamp },
		name:  func(l *trace.Link) string { return l.Name() },
		taken: func(l *trace.Link) error {
			return accord.Errorf(accord.Conflict, "%s already %s %s: link %s", l.From, l.Role, l.To, l.ID)
		}}, ends: map[string]map[accord.Ref][]string{}}
}

// index adds (or, with drop, removes) a link under both its ends. A link's
// ends never change after it is made.
func (s *TraceStore) index(l trace.Link, drop bool) {
	p := s.ends[l.Project]
	if p == nil {
		p = map[accord.Ref][]string{}
		s.ends[l.Project] = p
	}
	for _, end := range []accord.Ref{l.From, l.To} {
		if drop {
			p[end] = slices.DeleteFunc(p[end], func(id string) bool { return id == l.ID })
			if len(p[end]) == 0 {
				delete(p, end)
			}
		} else {
			p[end] = append(p[end], l.ID)
		}
	}
}

// CreateLink implements trace.Store.
func (s *TraceStore) CreateLink(_ context.Context, first accord.Revision[trace.Link]) (trace.Link, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.links.create(first)
	if err == nil {
		s.index(l, false)
	}
	return l, err
}

// GetLink implements trace.Store.
func (s *TraceStore) GetLink(_ context.Context, project, id string) (trace.Link, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.links.get(project, id)
}

// FindLink implements trace.Store.
func (s *TraceStore) FindLink(_ context.Context, project, name string) (trace.Link, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.links.project(project, false); p != nil {
		if r := p.names[name]; r != nil {
			return trace.Link.Clone(*r.current()), nil
		}
	}
	return trace.Link{}, accord.Errorf(accord.NotFound, "no link %q in project %q", name, project)
}

// UpdateLink implements trace.Store.
func (s *TraceStore) UpdateLink(_ context.Context, next accord.Revision[trace.Link]) (trace.Link, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.links.update(next)
}

// DeleteLink implements trace.Store.
// The link keeps its place in the index of its ends: lists skip it, and a
// restore finds it there again.
func (s *TraceStore) DeleteLink(_ context.Context, tombstone accord.Revision[trace.Link]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.links.tombstone(tombstone)
}

// ListLinks implements trace.Store.
func (s *TraceStore) ListLinks(_ context.Context, project string, f trace.Filter, q accord.PageQuery) (accord.Page[trace.Link], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// A filter on an end reads that record's links only.
	for _, end := range []accord.Ref{f.To, f.From, f.Record} {
		if end.Kind != "" {
			return s.links.listAmong(project, s.ends[project][end], f.Match, q)
		}
	}
	return s.links.list(project, f.Match, q)
}

// ListDeletedLinks implements trace.Store.
func (s *TraceStore) ListDeletedLinks(_ context.Context, project string, q accord.PageQuery) (accord.Page[trace.Link], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.links.listDeleted(project, q)
}

// GetLinkRevision implements trace.Store.
func (s *TraceStore) GetLinkRevision(_ context.Context, project, id string, n int) (accord.Revision[trace.Link], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.links.revision(project, id, n)
}

// ListLinkRevisions implements trace.Store.
func (s *TraceStore) ListLinkRevisions(_ context.Context, project, id string) ([]accord.Revision[trace.Link], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.links.revisions(project, id)
}
