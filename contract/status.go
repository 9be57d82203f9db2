package contract

import "github.com/accordhq/accord/internal/svc"

// Status is where a contract version stands.
type Status string

// The lifecycle of a contract version: draft → proposed → agreed →
// deprecated. A proposed version may go back to draft. Agreed and
// deprecated versions are immutable; changes make a new version.
const (
	Draft      Status = "draft"
	Proposed   Status = "proposed"
	Agreed     Status = "agreed"
	Deprecated Status = "deprecated"
)

// transitions is the lifecycle of a version: for each status, the statuses
// a Transition may move to.
var transitions = svc.Transitions[Status]{
	Draft:      {Proposed},
	Proposed:   {Draft, Agreed},
	Agreed:     {Deprecated},
	Deprecated: {},
}

// Next returns the statuses a version may move to from s.
func (s Status) Next() []Status { return transitions.Next(s) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return transitions.Valid(s) }

// Statuses lists every status in lifecycle order.
func Statuses() []Status { return []Status{Draft, Proposed, Agreed, Deprecated} }

// Editable reports whether a version in status s may still be changed in
// place. Agreed and deprecated versions are immutable.
func (s Status) Editable() bool { return s == Draft }
