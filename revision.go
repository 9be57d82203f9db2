package accord

import "time"

// RevisionKind says what made a revision. Domains add their own kinds
// (requirement.ChangeRequestApplied) to these.
type RevisionKind string

// The revision kinds every domain uses.
const (
	RevisionCreated      RevisionKind = "created"
	RevisionEdited       RevisionKind = "edited"
	RevisionTransitioned RevisionKind = "transitioned"
	// RevisionDeleted is a tombstone: the record as it was when deleted,
	// its Stamp.Deleted saying who deleted it, when and why. The record
	// is hidden from then on but its history stays.
	RevisionDeleted RevisionKind = "deleted"
	// RevisionRestored brings a deleted record back, as it was.
	RevisionRestored RevisionKind = "restored"
)

// Revision is one immutable version of a record: the whole record as it
// stood, who made it, when, why and by what kind of change. Its Number is
// the record's Stamp.Revision. Stores keep every revision of every mutable
// record; history and field-level diffs derive from them.
type Revision[T any] struct {
	Number int          `json:"number"`
	Kind   RevisionKind `json:"kind"`
	Actor  string       `json:"actor"`
	Time   time.Time    `json:"time"`
	Note   string       `json:"note,omitempty"`
	Record T            `json:"record"`
}

// FieldChange is one difference between two revisions of a record: the
// JSON path of the field (acceptance_criteria[2].text) and its values
// before and after. A value that did not exist on one side is nil.
type FieldChange struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}
