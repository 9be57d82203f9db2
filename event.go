package accord

import (
	"context"
	"time"
)

// Event tells that something changed. Services publish one after every
// successful change so a platform can forward it to chat or a tracker.
type Event struct {
	// ID is unique per event and stays the same however often the event
	// is delivered, so a receiver can drop what it has seen.
	ID      string    `json:"id"`
	Kind    string    `json:"kind"` // "requirement.created", "requirement.transitioned", …
	Project string    `json:"project"`
	Ref     Ref       `json:"ref"`
	Actor   Actor     `json:"actor"`
	Time    time.Time `json:"time"`
	Summary string    `json:"summary"` // one readable sentence
}

// EventSink receives events. Publish is called after the change is stored,
// so it cannot veto it; a sink that forwards over the network should queue
// and return quickly. It must be safe for concurrent use.
type EventSink interface {
	Publish(ctx context.Context, e Event)
}

// EventSinkFunc adapts a function to EventSink.
type EventSinkFunc func(ctx context.Context, e Event)

// Publish calls f.
func (f EventSinkFunc) Publish(ctx context.Context, e Event) { f(ctx, e) }
