package tracker

import (
	"context"
	"time"
)

// Item is what a connector writes to a tracker for one accord record.
type Item struct {
	// Key names an existing item to update; empty to create one (or find
	// the one an earlier, lost attempt created: see Marker).
	Key string
	// Project is the tracker's project (Jira project key SHOP; PingCode
	// project ID). Type is the item type (Story, Task, Bug); a connector
	// may have a default.
	Project string
	Type    string
	Title   string
	// Description is Markdown; connectors convert it to the tracker's
	// format (Atlassian Document Format for Jira).
	Description string
	Labels      []string
	// Link is accord's page for the record, linked from the item.
	Link      string
	LinkTitle string
	// Marker names the accord record (its ID). A connector stores it on the
	// item and searches for it before creating, so that a retried create
	// never makes a second item.
	Marker string
}

// ItemRef identifies an item in a tracker.
type ItemRef struct {
	System string // "jira"
	Key    string // SHOP-123
	URL    string // the item's page, when the tracker tells it
}

// ItemStatus is an item's current status and when it last changed.
type ItemStatus struct {
	Key     string
	Status  string
	Updated time.Time
}

// Connector is one tracker. Implementations must be safe for concurrent
// use and return *Error values for failures the tracker reports.
type Connector interface {
	// System names the tracker ("jira", "pingcode"); it is the system of
	// every Reference the engine records for it.
	System() string
	// Upsert creates the item for a record, or updates it when Item.Key is
	// set or an item carrying Item.Marker already exists.
	Upsert(ctx context.Context, it Item) (ItemRef, error)
	// Move moves the item to the named status (matched case-insensitively).
	// Moving an item to the status it has is not an error.
	Move(ctx context.Context, key, status string) error
	// Comment adds a Markdown comment.
	Comment(ctx context.Context, key, markdown string) error
	// Status reads the item's status and its last update time.
	Status(ctx context.Context, key string) (ItemStatus, error)
}
