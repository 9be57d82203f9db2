package trace

// RefKind is the kind of accord.Ref that points at a link: the domain's
// name, which its events start with too (trace.linked). It used to be
// "trace_link"; the SQL store keeps that name for the rows it holds.
const RefKind = "trace"

// The kinds of the events the Service publishes; Event.Ref points at the
// link.
const (
	EventLinked    = "trace.linked"    // a link made by hand
	EventDeclared  = "trace.declared"  // a link a record declares, taken in
	EventUnlinked  = "trace.unlinked"  // a link removed, or no longer declared
	EventRestored  = "trace.restored"  // an unlinked link brought back
	EventSuspect   = "trace.suspect"   // its target's content changed
	EventConfirmed = "trace.confirmed" // confirmed at the target's current revision
)
