package risk

import "github.com/accordhq/accord/internal/svc"

// RefKind is the kind of accord.Ref that points at a risk.
const RefKind = "risk"

// KeyPrefix starts every risk's human key: RISK-1, RISK-2, …
const KeyPrefix = "RISK-"

// KeyOf returns the key of the n-th risk of a project. Stores call it with
// the sequence number they allocate.
func KeyOf(n int) string { return svc.Key(KeyPrefix, n) }

// ParseKey returns the sequence number in a key (2 for RISK-2), and false
// when s is not a key. Every method that takes a risk ID also takes its key.
func ParseKey(s string) (int, bool) { return svc.ParseKey(KeyPrefix, s) }

// The kinds of the events the Service publishes; Event.Ref points at the
// risk (settings events at the project).
const (
	EventCreated          = "risk.created"
	EventUpdated          = "risk.updated"
	EventTransitioned     = "risk.transitioned"
	EventAssessed         = "risk.assessed"
	EventResponded        = "risk.responded"
	EventActionChanged    = "risk.action_changed"
	EventAccepted         = "risk.accepted"
	EventAcceptanceLapsed = "risk.acceptance_lapsed"
	EventReviewed         = "risk.reviewed"
	EventReviewDue        = "risk.review_due"
	EventDeleted          = "risk.deleted"
	EventRestored         = "risk.restored"
	EventSettingsChanged  = "risk.settings_changed"
)
