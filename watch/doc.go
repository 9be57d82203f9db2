// Package watch lets a person follow records, or a whole project, and
// read what happened since they last looked: an inbox fed by the same
// events as the webhooks (DOMAIN: tools that show every item's state to
// everyone, questions answered fast).
//
// A Watch is one person's interest in one record (any accord.Ref) or in
// a project (Ref{Kind: "project", ID: key}). Inbox returns the events of
// the project after the person's read mark that any of their watches
// takes, oldest first, and MarkRead moves the mark. Events come from the
// Store's log: the outbox in the SQL stores (every event, durably), or
// the memory store's own log, fed as a sink.
//
// Events (events.go): watch.started and watch.stopped.
package watch
