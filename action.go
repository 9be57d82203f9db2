package accord

import (
	"strings"
	"time"
)

// ActionStatus is where an action item stands.
type ActionStatus string

// The action statuses.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionCancelled  ActionStatus = "cancelled"
)

// Valid reports whether s is a known status.
func (s ActionStatus) Valid() bool {
	return s == ActionOpen || s == ActionInProgress || s == ActionDone || s == ActionCancelled
}

// Finished reports whether the action needs no more work.
func (s ActionStatus) Finished() bool { return s == ActionDone || s == ActionCancelled }

// Action is a piece of work someone owns with a due date: a risk's
// mitigation, a retrospective's improvement. Domains that track actions
// share this one shape, so a platform shows them all alike.
type Action struct {
	ID        string       `json:"id"`
	Title     string       `json:"title"`
	Owner     string       `json:"owner"`
	Due       time.Time    `json:"due,omitzero"`
	Status    ActionStatus `json:"status"`
	Note      string       `json:"note,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	CreatedBy string       `json:"created_by"`
	UpdatedAt time.Time    `json:"updated_at"`
	UpdatedBy string       `json:"updated_by"`
}

// Overdue reports whether the action is unfinished after its due date.
func (a Action) Overdue(now time.Time) bool {
	return !a.Status.Finished() && !a.Due.IsZero() && now.After(a.Due)
}

// ActionInput is what a caller writes for an action.
type ActionInput struct {
	Title  string       `json:"title"`
	Owner  string       `json:"owner"`
	Due    time.Time    `json:"due,omitzero"`
	Status ActionStatus `json:"status,omitempty"` // default open
	Note   string       `json:"note,omitempty"`
}

// Validate checks the input, naming fields under prefix (actions[2].).
func (in ActionInput) Validate(prefix string, errs *FieldErrors) {
	switch {
	case strings.TrimSpace(in.Title) == "":
		errs.Add(prefix+"title", "required")
	case len(in.Title) > 200:
		errs.Add(prefix+"title", "longer than 200 bytes")
	}
	switch {
	case strings.TrimSpace(in.Owner) == "":
		errs.Add(prefix+"owner", "required: who does it")
	case len(in.Owner) > 200:
		errs.Add(prefix+"owner", "longer than 200 bytes")
	}
	if in.Status != "" && !in.Status.Valid() {
		errs.Add(prefix+"status", "unknown status %q; one of open, in_progress, done, cancelled", in.Status)
	}
	if len(in.Note) > 4000 {
		errs.Add(prefix+"note", "longer than 4000 bytes")
	}
}
