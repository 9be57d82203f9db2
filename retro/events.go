package retro

import "github.com/accordhq/accord/internal/svc"

// RefKind is the kind of accord.Ref that points at a retrospective.
const RefKind = "retro"

// KeyPrefix starts every retrospective's key: RETRO-1, RETRO-2, …
const KeyPrefix = "RETRO-"

// KeyOf returns the key of the n-th retrospective of a project.
func KeyOf(n int) string { return svc.Key(KeyPrefix, n) }

// ParseKey returns the number in a key (4 for RETRO-4), and false when s
// is not a key. Every method that takes a retrospective ID also takes its key.
func ParseKey(s string) (int, bool) { return svc.ParseKey(KeyPrefix, s) }

// AnonymousActor is who an event or a revision names for what a
// participant does in an anonymous retrospective.
const AnonymousActor = "anonymous"

// The kinds of the events the Service publishes; Event.Ref points at the
// retrospective.
const (
	EventCreated         = "retro.created"
	EventPhaseChanged    = "retro.phase_changed"
	EventItemAdded       = "retro.item_added"
	EventItemEdited      = "retro.item_edited"
	EventGrouped         = "retro.grouped"
	EventVoted           = "retro.voted"
	EventNoteAdded       = "retro.note_added"
	EventActionAdded     = "retro.action_added"
	EventActionChanged   = "retro.action_changed"
	EventLessonAdded     = "retro.lesson_added"
	EventHealthAnswered  = "retro.health_answered"
	EventPromoted        = "retro.promoted"
	EventDeleted         = "retro.deleted"
	EventRestored        = "retro.restored"
	EventSettingsChanged = "retro.settings_changed"
)
