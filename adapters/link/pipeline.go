package link

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
)

// A Subscriber is one named step of the event pipeline New builds. Every
// service New makes publishes to the pipeline, which hands each event to
// the subscribers in order, synchronously, with the publisher's context:
// on SQL, inside the writer's unit of work when it has one (the reference
// server runs every changing request in one), so what a subscriber writes
// commits with the change. A subscriber that fails does not undo the
// change: it publishes a failure event (review.sync_failed,
// trace.sync_failed, risk.filing_failed) to the outbox instead, and the
// next change or a recheck catches up.
type Subscriber struct {
	Name string // outbox, traceability, review rounds, risk filing
	Doc  string // what it reads and writes, and when it runs

	handle step
}

// step is what a subscriber does with one event; fail tells the outbox
// of a failure.
type step func(ctx context.Context, e accord.Event, fail func(accord.Event))

// pipeline is the accord.EventSink every service of New publishes to.
type pipeline struct {
	// steps are set once, by New, after the services they call exist
	// (the services publish to the pipeline, the steps call the services)
	// and before New returns: nothing publishes before then.
	steps []Subscriber
	// outbox hears of the steps' failures; nil: nobody does.
	outbox accord.EventSink
}

// Publish implements accord.EventSink. The subscribers of one event share
// one read of the record the event names (see shared); an event published
// while they run gets its own.
func (p *pipeline) Publish(ctx context.Context, e accord.Event) {
	ctx = context.WithValue(ctx, memoKey{}, &memo{id: e.Ref.ID})
	fail := func(f accord.Event) {
		if p.outbox != nil {
			p.outbox.Publish(ctx, f)
		}
	}
	for _, s := range p.steps {
		s.handle(ctx, e, fail)
	}
}

// chained publishes every event to next (which may be nil), then runs s,
// telling next of its failures: the shape of Follow, Trace and FileRisks,
// kept for platforms that wire their services themselves.
func chained(next accord.EventSink, s step) accord.EventSink {
	return accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		if next != nil {
			next.Publish(ctx, e)
		}
		s(ctx, e, func(f accord.Event) {
			if next != nil {
				next.Publish(ctx, f)
			}
		})
	})
}

type memoKey struct{}

// memo holds the record an event names, and the revisions of it, once a
// subscriber has read them. Subscribers only read the event's record, so
// it stays current while they run; what they write (reviews, links, risks)
// is other records.
type memo struct {
	id        string
	mu        sync.Mutex
	val       any         // the record as it stands; nil until read
	revisions map[int]any // revisions by number, as read
}

// memoOf returns the memo of the event being handled if it names id.
func memoOf(ctx context.Context, id string) *memo {
	m, _ := ctx.Value(memoKey{}).(*memo)
	if m == nil || m.id != id {
		return nil
	}
	return m
}

// shared reads the record id names with read, or, when it is the record
// the event being handled names, takes the copy a subscriber before read
// already: one requirement update reads its requirement once for
// traceability and review rounds together.
func shared[T any](ctx context.Context, id string, read func() (T, error)) (T, error) {
	m := memoOf(ctx, id)
	if m == nil {
		return read()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.val.(T); ok {
		return v, nil
	}
	v, err := read()
	if err == nil {
		m.val = v
	}
	return v, err
}

// sharedRevision reads revision n of the record id names with read, or,
// when it is the record the event being handled names, takes what a
// subscriber before read: the record itself when it stands at n (the
// newer of the two revisions a change compares), or revision n (links and
// reviews that both last saw the same revision).
func sharedRevision[T any](ctx context.Context, id string, n int, revisionOf func(T) int, read func() (T, error)) (T, error) {
	m := memoOf(ctx, id)
	if m == nil {
		return read()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.val.(T); ok && revisionOf(v) == n {
		return v, nil
	}
	if v, ok := m.revisions[n].(T); ok {
		return v, nil
	}
	v, err := read()
	if err == nil {
		if m.revisions == nil {
			m.revisions = map[int]any{}
		}
		m.revisions[n] = v
	}
	return v, err
}
