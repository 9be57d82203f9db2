package review

import "github.com/accordhq/accord/internal/svc"

// RefKind is the kind of accord.Ref that points at a review.
const RefKind = "review"

// KeyPrefix starts every review's human key: RV-1, RV-2, …
const KeyPrefix = "RV-"

// KeyOf returns the key of the n-th review of a project. Stores call it
// with the sequence number they allocate.
func KeyOf(n int) string { return svc.Key(KeyPrefix, n) }

// ParseKey returns the sequence number in a key (3 for RV-3), and false
// when s is not a key. Every method that takes a review ID also accepts
// its key.
func ParseKey(s string) (int, bool) { return svc.ParseKey(KeyPrefix, s) }

// The kinds of the events the Service publishes. Event.Ref points at the
// review; settings events at the project.
const (
	EventCreated            = "review.created"
	EventDeleted            = "review.deleted"
	EventRestored           = "review.restored"
	EventRoundOpened        = "review.round_opened"
	EventParticipantAdded   = "review.participant_added"
	EventParticipantRemoved = "review.participant_removed"
	EventDueChanged         = "review.due_changed"
	EventVerdictGiven       = "review.verdict_given"
	EventVetoWithdrawn      = "review.veto_withdrawn"
	EventAssessed           = "review.assessed"
	EventChecked            = "review.checked"
	EventThreadOpened       = "review.thread_opened"
	EventCommentAdded       = "review.comment_added"
	EventThreadResolved     = "review.thread_resolved"
	EventThreadReopened     = "review.thread_reopened"
	EventOverridden         = "review.overridden"
	EventOutcomeChanged     = "review.outcome_changed"
	EventSettingsChanged    = "review.settings_changed"
)
