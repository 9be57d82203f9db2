package requirement

import "github.com/accordhq/accord/internal/svc"

// Status is where a requirement stands in its lifecycle.
type Status string

// The statuses.
const (
	Draft         Status = "draft"
	InReview      Status = "in_review"
	Approved      Status = "approved"
	InDevelopment Status = "in_development"
	InTesting     Status = "in_testing"
	Accepted      Status = "accepted"
	Rejected      Status = "rejected"
	Deferred      Status = "deferred"
)

// transitions is the lifecycle: for each status, the statuses a Transition
// may move to. Applying an approved change request is the one other way a
// requirement moves: from approved-or-later back to in_review.
var transitions = svc.Transitions[Status]{
	Draft:         {InReview, Deferred, Rejected},
	InReview:      {Approved, Draft, Rejected, Deferred},
	Approved:      {InDevelopment, Deferred},
	InDevelopment: {InTesting, Deferred},
	InTesting:     {Accepted, InDevelopment},
	Accepted:      {},
	Rejected:      {Draft},
	Deferred:      {Draft},
}

// Statuses lists every status in lifecycle order.
func Statuses() []Status {
	return []Status{Draft, InReview, Approved, InDevelopment, InTesting, Accepted, Rejected, Deferred}
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return transitions.Valid(s) }

// Next returns the statuses s may move to with a transition.
func (s Status) Next() []Status { return transitions.Next(s) }

// Locked reports whether the content of a requirement in status s may only
// change through an approved change request: once approved, engineering
// builds against it, so nobody edits it in place.
func (s Status) Locked() bool {
	return s == Approved || s == InDevelopment || s == InTesting || s == Accepted
}
