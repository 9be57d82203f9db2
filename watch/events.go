package watch

// RefKind is the kind of accord.Ref that points at a watch.
const RefKind = "watch"

// The kinds of the events the Service publishes.
const (
	EventStarted = "watch.started"
	EventStopped = "watch.stopped"
)
