package requirement

import (
	"slices"
	"strings"

	"github.com/accordhq/accord"
)

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
var transitions = map[Status][]Status{
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
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Next returns the statuses s may move to with a transition.
func (s Status) Next() []Status { return slices.Clone(transitions[s]) }

// Locked reports whether the content of a requirement in status s may only
// change through an approved change request: once approved, engineering
// builds against it, so nobody edits it in place.
func (s Status) Locked() bool {
	return s == Approved || s == InDevelopment || s == InTesting || s == Accepted
}

// checkTransition returns nil when from → to is in the table, and otherwise
// a FailedPrecondition error naming the current and allowed statuses.
func checkTransition(key string, from, to Status) error {
	if !to.Valid() {
		return &accord.Error{Code: accord.Invalid, Message: "invalid transition",
			Fields: []accord.FieldError{{Field: "to", Message: "unknown status " + quote(string(to)) + "; one of " + joinStatuses(Statuses())}}}
	}
	if slices.Contains(transitions[from], to) {
		return nil
	}
	return accord.Errorf(accord.FailedPrecondition, "%s cannot move from %s to %s; allowed next: %s", key, from, to, allowedNext(from, transitions[from]))
}

// allowedNext lists the states after from for an error message.
func allowedNext[S ~string](from S, next []S) string {
	if len(next) == 0 {
		return "none: " + string(from) + " is final"
	}
	return joinStatuses(next)
}

func joinStatuses[S ~string](ss []S) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

func quote(s string) string { return `"` + s + `"` }
