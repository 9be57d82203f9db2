package requirement

import "github.com/accordhq/accord/internal/svc"

// The kinds of accord.Ref that point at this package's records.
const (
	RefKind              = "requirement"
	ChangeRequestRefKind = "change_request"
	TermRefKind          = "glossary" // as its events start (glossary.term_created); stores keep "glossary_term"
)

// KeyPrefix starts every requirement's human key: REQ-1, REQ-2, …
const KeyPrefix = "REQ-"

// KeyOf returns the key of the n-th requirement of a project. Stores call it
// with the sequence number they allocate.
func KeyOf(n int) string { return svc.Key(KeyPrefix, n) }

// ParseKey returns the sequence number in a key (7 for REQ-7), and false
// when s is not a key (an ID, say). Every method that takes a requirement
// ID also accepts its key.
func ParseKey(s string) (int, bool) { return svc.ParseKey(KeyPrefix, s) }

// The kinds of the events the Service publishes. Event.Ref points at the
// requirement, change request or term; settings events at the project.
const (
	EventCreated         = "requirement.created"
	EventUpdated         = "requirement.updated"
	EventTransitioned    = "requirement.transitioned"
	EventDeleted         = "requirement.deleted"
	EventRestored        = "requirement.restored" // brought back from its tombstone
	EventSettingsChanged = "requirement.settings_changed"

	EventChangeProposed  = "change_request.proposed"
	EventChangeApproved  = "change_request.approved"
	EventChangeRejected  = "change_request.rejected"
	EventChangeWithdrawn = "change_request.withdrawn"
	EventChangeApplied   = "change_request.applied"

	EventTermCreated  = "glossary.term_created"
	EventTermUpdated  = "glossary.term_updated"
	EventTermDeleted  = "glossary.term_deleted"
	EventTermRestored = "glossary.term_restored"
)
