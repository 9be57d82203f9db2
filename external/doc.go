// Package external keeps references from accord records to the items that
// stand for them in other systems: the Jira issue, the PingCode work item,
// the Trello card a requirement, change request, risk, retro action or
// plan item is tracked as (DOMAIN, "Around all of it": accord sits beside
// the tracker a team already uses, it does not replace it).
//
// A Reference ties one record (an accord.Ref, by key where the record has
// one: requirement/REQ-3) to one item (system and key: jira SHOP-123), with
// the item's URL and what accord last knew of it: its status, when it was
// last synchronised, the last synchronisation's error, and two marks a
// sync compares against (Digest, a hash of the item as last read, and
// RecordRevision, the record's revision at that moment). A system's key is
// unique within a project; a record may have several references.
//
// The calls, in the order a newcomer uses them: NewService; Add; Find (by
// system and key) or List (a project's, a record's or a system's
// references); Update at a base revision (HTTP If-Match); Remove; History.
// Adding, editing and removing need record.write.
//
// A project's connections to trackers are its Settings (settings.go): for
// each system, the tracker's project, labels, the Rules that turn accord
// events into tracker items ("when a requirement is approved, create a
// Story") and the status map back onto plan item states. They are one
// revisioned record per project: Settings reads them, UpdateSettings
// replaces them at a base revision and needs settings.update (admins).
// The plan item states a status may map onto come from Options.PlanStates
// (adapters/tracker.PlanStates), not from an import of plan.
//
// Each project's synchronisation with each system has a SyncState: the
// last success, the last error and the record it was about, and the
// failed events awaiting a re-run (at most MaxFailed). SyncStates and
// SyncState read it; SyncSucceeded and SyncFailed record outcomes (a
// connector's actor does, with record.write); Pending hands a re-run the
// failed events. adapters/tracker's Relay delivers and re-runs them.
//
// Events (events.go): external.added, external.updated, external.removed,
// each summary naming the record and the item; external.settings_changed.
package external
