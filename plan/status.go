package plan

import "github.com/accordhq/accord/internal/svc"

// IterationStatus is where an iteration stands.
type IterationStatus string

// The iteration statuses.
const (
	Planning  IterationStatus = "planning"  // items are being scheduled
	Committed IterationStatus = "committed" // the team committed to it (Commit)
	Closed    IterationStatus = "closed"    // over
)

var iterationTransitions = svc.Transitions[IterationStatus]{
	Planning:  {Committed, Closed},
	Committed: {Planning, Closed},
	Closed:    {},
}

// Valid reports whether s is a known status.
func (s IterationStatus) Valid() bool { return iterationTransitions.Valid(s) }

// ItemState is how far a scheduled item is.
type ItemState string

// The item states.
const (
	NotStarted ItemState = "not_started"
	InProgress ItemState = "in_progress"
	Done       ItemState = "done"
	Blocked    ItemState = "blocked"
)

// Valid reports whether s is a known state.
func (s ItemState) Valid() bool {
	switch s {
	case NotStarted, InProgress, Done, Blocked:
		return true
	}
	return false
}
