// Package watch lets a person follow records, or a whole project, and
// read what happened since they last looked: an inbox fed by the same
// events as the webhooks, so everyone sees the state of what they care
// about and questions are answered fast.
//
// A Watch is one person's interest in one record (any accord.Ref) or in
// a project (Ref{Kind: "project", ID: key}). Inbox returns the events of
// the project after the person's read mark that any of their watches
// takes, oldest first, and MarkRead moves the mark. Events come from the
// Store's log: the outbox in the SQL stores (every event, durably), or
// the memory store's own log, fed as a sink.
//
// Main calls, in the order a newcomer uses them: NewService; Watch;
// Inbox (one accord.PageQuery page at a time); MarkRead(inbox.Through);
// Watches and Unwatch.
//
// Events (events.go): watch.started and watch.stopped.
package watch
