package retro

import "github.com/accordhq/accord/internal/svc"

// Phase is where a retrospective stands. Each phase allows its own work:
// items while collecting, groups while grouping, votes while voting, notes,
// actions and lessons while discussing; a closed retrospective is
// read-only (but its actions can still be marked done).
type Phase string

// The phases, in order.
const (
	Collecting Phase = "collecting"
	Grouping   Phase = "grouping"
	Voting     Phase = "voting"
	Discussing Phase = "discussing"
	Closed     Phase = "closed"
)

// Phases lists the phases in order.
func Phases() []Phase { return []Phase{Collecting, Grouping, Voting, Discussing, Closed} }

// transitions moves only forward, one phase at a time: what a phase made
// (votes on groups, say) must not be pulled from under the next.
var transitions = svc.Transitions[Phase]{
	Collecting: {Grouping},
	Grouping:   {Voting},
	Voting:     {Discussing},
	Discussing: {Closed},
	Closed:     {},
}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return transitions.Valid(p) }

// Next returns the phases a retrospective may move to from p.
func (p Phase) Next() []Phase { return transitions.Next(p) }
