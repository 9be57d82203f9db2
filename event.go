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
	ID      string `json:"id"`
	Kind    string `json:"kind"` // "requirement.created", "requirement.transitioned", …
	Project string `json:"project"`
	Ref     Ref    `json:"ref"`
	// Key, Title and Revision name the changed record as it stands after
	// the change (REQ-3, "Login by SMS", 4), so a subscriber need not read
	// it again. Key is empty for records without a human key.
	Key      string    `json:"key,omitempty"`
	Title    string    `json:"title,omitempty"`
	Revision int       `json:"revision,omitempty"`
	Actor    Actor     `json:"actor"`
	Time     time.Time `json:"time"`
	Summary  string    `json:"summary"` // one readable sentence
	// Changed names the content fields the change altered (what turns a
	// link to the record suspect), as the record's domain defines its
	// content; empty when the change touched no content.
	Changed []string `json:"changed,omitempty"`
	// External lists the items that stand for the record in other
	// systems (its Jira issue, its PingCode work item), as accord last
	// knew them, so that a receiver can act on the item without asking;
	// empty when the record has none, or when nobody filled it in (the
	// reference server's pipeline does, adapters/link).
	External []ExternalItem `json:"external,omitempty"`
}

// ExternalItem is an item in another system that stands for a record: a
// Jira issue, a PingCode work item, a Trello card.
type ExternalItem struct {
	System string `json:"system"`           // jira, pingcode, worktile, asana, trello, …
	Key    string `json:"key"`              // the item's key there: SHOP-123
	URL    string `json:"url,omitempty"`    // where the item is
	Status string `json:"status,omitempty"` // its status there, as last known
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
