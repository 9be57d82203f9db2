package watch

import "github.com/accordhq/accord"

// ProjectKind is the Ref kind that watches a whole project.
const ProjectKind = "project"

// Watch is one person's interest in a record or a project.
type Watch struct {
	ID      string     `json:"id"`
	Project string     `json:"project"`
	Actor   string     `json:"actor"`
	Target  accord.Ref `json:"target"`
	accord.Stamp
}

// Ref returns the reference that points at w.
func (w Watch) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: w.ID} }

// Clone returns a copy of w (it holds nothing shared).
func (w Watch) Clone() Watch { return w }

// Takes reports whether the watch takes the event: one made since the
// watch began, and of its project for a project watch, else about its
// record.
func (w Watch) Takes(e accord.Event) bool {
	if e.Project != w.Project || e.Time.Before(w.CreatedAt) {
		return false
	}
	if w.Target.Kind == ProjectKind {
		return true
	}
	return e.Ref == w.Target
}

// Entry is one event in an inbox, with its place in the log.
type Entry struct {
	Seq   int64        `json:"seq"`
	Event accord.Event `json:"event"`
}

// Inbox is what happened since a person last looked.
type Inbox struct {
	Actor   string  `json:"actor"`
	Project string  `json:"project"`
	ReadTo  int64   `json:"read_to"` // the read mark the inbox starts after
	Entries []Entry `json:"entries"`
	// Through is how far the log was read: MarkRead(Through) marks all of
	// this inbox read. More is true when the log goes on beyond it, and
	// NextPageToken then asks for the page after this one.
	Through       int64  `json:"through"`
	More          bool   `json:"more"`
	NextPageToken string `json:"next_page_token,omitempty"`
}
