package risk

import "github.com/accordhq/accord/internal/svc"

// Status is where a risk stands in the register.
type Status string

// The statuses.
const (
	Identified Status = "identified" // raised, not yet assessed
	Assessed   Status = "assessed"   // scored, no response yet
	Treating   Status = "treating"   // the response is under way
	Monitoring Status = "monitoring" // the response is in place; watching
	Closed     Status = "closed"     // no longer a risk
	Accepted   Status = "accepted"   // lived with, by a decision that expires
	Escalated  Status = "escalated"  // handed to someone with more authority
)

// Statuses lists every status.
func Statuses() []Status {
	return []Status{Identified, Assessed, Treating, Monitoring, Closed, Accepted, Escalated}
}

// transitions is the lifecycle. Accepting goes through Accept (it needs a
// decision); a lapsed acceptance goes back to assessed.
var transitions = svc.Transitions[Status]{
	Identified: {Assessed, Escalated, Closed},
	Assessed:   {Treating, Escalated, Closed},
	Treating:   {Monitoring, Escalated, Closed},
	Monitoring: {Treating, Escalated, Closed},
	Accepted:   {Assessed, Treating, Closed},
	Escalated:  {Assessed, Treating, Closed},
	Closed:     {Identified},
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return transitions.Valid(s) }

// Next returns the statuses a Transition may move to from s.
func (s Status) Next() []Status { return transitions.Next(s) }

// Open reports whether a risk in s is still tracked (not closed).
func (s Status) Open() bool { return s != Closed }
