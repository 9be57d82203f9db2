// Package testkit holds the fakes accord's own tests share: a clock that
// moves on every reading and an event sink that records.
package testkit

import (
	"context"
	"sync"
	"time"

	"github.com/accordhq/accord"
)

// StepClock is an accord.Clock that advances a second on every reading,
// so records made one after another get distinct, ordered times.
type StepClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewStepClock returns a clock whose first reading is start plus a second.
func NewStepClock(start time.Time) *StepClock { return &StepClock{now: start} }

// Now implements accord.Clock.
func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

// Set moves the clock to t; the next reading is t plus a second.
func (c *StepClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Events is an accord.EventSink that keeps every event. It is safe for
// concurrent use.
type Events struct {
	mu     sync.Mutex
	events []accord.Event
}

// Publish implements accord.EventSink.
func (r *Events) Publish(_ context.Context, e accord.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// All returns a copy of the events so far, oldest first.
func (r *Events) All() []accord.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]accord.Event(nil), r.events...)
}

// Kinds returns the kinds of the events so far, oldest first.
func (r *Events) Kinds() []string {
	var out []string
	for _, e := range r.All() {
		out = append(out, e.Kind)
	}
	return out
}
