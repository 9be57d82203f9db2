package review

// A review has no lifecycle of its own to move along: where it stands is
// its Outcome, evaluated from the open round and the policy (Evaluate), and
// each round is open until the subject's content changes.

// Outcome is where a review stands.
type Outcome string

// The outcomes.
const (
	Pending          Outcome = "pending"
	Approved         Outcome = "approved"
	ChangesRequested Outcome = "changes_requested"
	Rejected         Outcome = "rejected"
	Expired          Outcome = "expired" // still pending after the due date
)

// RoundState says whether a round still takes verdicts.
type RoundState string

// The round states. A round is open until the subject gets a new revision
// with changed content; then it is superseded and the next round opens.
const (
	RoundOpen       RoundState = "open"
	RoundSuperseded RoundState = "superseded"
)
