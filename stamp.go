package accord

import "time"

// Stamp is the bookkeeping every mutable record carries: its revision and
// who created and last changed it, when. Records embed it, so its fields
// appear at the top level of their JSON.
type Stamp struct {
	Revision  int       `json:"revision"` // 1 when created, one more with every change
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// Deleted is set on a deleted record's tombstone revision; nil while
	// the record lives. Stores hide a record whose stamp carries it.
	Deleted *Deletion `json:"deleted,omitempty"`
}

// Deletion says who deleted a record, when and why.
type Deletion struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// RetentionWindow is how long after its deletion a record may still be
// restored (accord.PermRecordRestore): 30 days. Its history is kept
// after that too; only restoring is refused.
const RetentionWindow = 30 * 24 * time.Hour

// Tombstone returns the stamp of the revision after s that deletes the
// record: made by actor at t, for reason.
func (s Stamp) Tombstone(actor string, t time.Time, reason string) Stamp {
	s = s.Next(actor, t)
	s.Deleted = &Deletion{By: actor, At: t, Reason: reason}
	return s
}

// NewStamp returns the stamp of a record created by actor at t: revision 1.
func NewStamp(actor string, t time.Time) Stamp {
	return Stamp{Revision: 1, CreatedAt: t, CreatedBy: actor, UpdatedAt: t, UpdatedBy: actor}
}

// Next returns the stamp of the revision after s, made by actor at t.
func (s Stamp) Next(actor string, t time.Time) Stamp {
	s.Revision++
	s.UpdatedAt, s.UpdatedBy = t, actor
	s.Deleted = nil // a change after a tombstone restores the record
	return s
}

// Stamped is implemented by every record that embeds a Stamp: the method is
// promoted, so generic code (stores, conformance suites) reaches any
// record's bookkeeping through it.
type Stamped interface {
	StampRef() *Stamp
}

// StampRef returns s itself, for Stamped.
func (s *Stamp) StampRef() *Stamp { return s }
