// Package webhook delivers accord's events to the URLs a project
// subscribes: its own JSON, or messages that read well in Slack and
// DingTalk, so that what happens in accord reaches where people talk.
//
// Main calls, in the order a newcomer uses them: NewService; Subscribe
// (the secret is returned once), then a Dispatcher over the SQL outbox
// or Direct as the event sink, which call Deliver; Deliveries and Replay
// for what failed; Update, RotateSecret, Unsubscribe; Sign and Verify on
// the receiving side.
//
// A Subscription names a URL, the event kinds it wants (patterns such as
// "requirement.*"), a payload Format, and a secret kept apart from the
// record, so no revision holds it. Project admins manage them.
//
// Each delivery is a POST signed with HMAC-SHA256 over the timestamp and
// the body (Sign; receivers check it with Verify, or the snippet in the
// README), carrying the event's ID so a receiver can drop a repeat. A
// delivery that fails is retried with exponential backoff and full
// jitter up to the RetryPolicy's limit; every attempt is logged in a
// Delivery (status code, latency, error), and a failed delivery can be
// replayed.
//
// Deliveries reach public addresses only: the service dials the address
// a receiver's name resolved to after checking it, refuses loopback,
// private, link-local and every other internal range (ErrInternalAddress,
// logged without a connection), and follows no redirect. Subscribing to
// an internal address written out is refused at once. Options.Allow names
// the internal hosts and networks an installation's own receivers use.
//
// Where the events come from is the embedder's choice: a Dispatcher runs
// one relay per subscription over a durable outbox (adapters/sqlstore:
// in order, at least once, never lost, one instance at a time; a crash
// repeats at most the delivery in flight), or
// Direct forwards the events of this process as they are published, at
// most once, for stores without an outbox (the memory store).
//
// Events (events.go): webhook.subscribed, .updated, .unsubscribed,
// .secret_rotated, .delivery_failed and .replayed.
package webhook
