// Package tracker keeps accord's records in step with the issue trackers
// teams already use (Jira, PingCode, …).
//
// It has four parts, in the order a newcomer meets them:
//
//   - Connector: the small interface one tracker implements (create or
//     update an item from a record, move it to a status, comment on it,
//     read its status). adapters/tracker/jira and adapters/tracker/pingcode
//     implement it from the vendors' published REST documentation. Errors
//     are *Error values with a Kind (rate-limited, unauthorized, not found,
//     conflict, temporary, invalid) so callers can decide to wait or retry.
//   - Retry: a Connector that waits out rate limits for as long as the
//     vendor asked and retries temporary failures. Because connectors find
//     an item by its idempotency marker before creating one, a create whose
//     response was lost is retried without making a second item.
//   - Engine: per-project Rules ("when a requirement is approved, create a
//     Story in SHOP; when it is accepted, move it to Done") applied to
//     accord events, recording each item it makes as a Reference.
//   - Sync and Poller: the inbound side. A tracker's status change (from a
//     webhook receiver such as jira.WebhookHandler, or from the Poller for
//     trackers without webhooks) is handed to an Inbound implementation with
//     the tracker's update time and the reference's last sync time, so a
//     change made on both sides since the last sync is reported as a
//     conflict rather than silently overwriting accord.
//
// The rules are the external domain's: a project's connections are its
// revisioned tracker settings (external.Settings; Config is
// external.Connection), read through SettingsSource.
//
// Over accord's own services (accord.go): ExternalReferences keeps every
// reference in the external domain, written by the connector's actor
// (tracker:jira, through AsConnector and an Authorizer wrapped by
// Authorize); PlanInbound moves the plan item that schedules a record,
// with compare-and-swap, and reports a change made in both places as a
// conflict; Relay hands each outbox event to the Engine per connection,
// records the outcome in the project's sync state with that tracker
// (external.SyncState) and re-runs failed events on request. accord serve
// runs it as the outbox relay "tracker".
//
// The package never imports a store. MemoryReferences and MemoryInbound
// are in-memory implementations for tests.
package tracker
