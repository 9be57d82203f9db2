package external

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// The systems accord knows by name. Any other lower-case name is accepted
// too: a team's own tracker needs no change here.
const (
	Jira     = "jira"
	PingCode = "pingcode"
	Worktile = "worktile"
	Asana    = "asana"
	Trello   = "trello"
)

// KnownSystems lists the systems accord names.
func KnownSystems() []string { return []string{Jira, PingCode, Worktile, Asana, Trello} }

// Reference ties an accord record to an item in another system.
type Reference struct {
	ID      string     `json:"id"`
	Project string     `json:"project"`
	Record  accord.Ref `json:"record"` // the accord record: by ID when the Service has Records, else as added
	// RecordName is the record as the caller named it when adding the
	// reference (REQ-3: keys never change), for what people read.
	RecordName string `json:"record_name,omitempty"`
	System     string `json:"system"` // jira, pingcode, … or another lower-case name
	Key        string `json:"key"`    // the item's key in that system: SHOP-123
	Content
	accord.Stamp
}

// Content is what a reference says about its item beyond its identity:
// what may change after it is added.
type Content struct {
	URL    string `json:"url,omitempty"`
	Title  string `json:"title,omitempty"`  // the item's title there, as last read
	Status string `json:"status,omitempty"` // the item's status there, as last read
	// SyncedAt is when accord last read or wrote the item; nil if never.
	SyncedAt  *time.Time `json:"synced_at,omitempty"`
	SyncError string     `json:"sync_error,omitempty"` // the last sync's error; empty when it succeeded
	// Digest is a hash of the item as last read, so a sync can tell that
	// it changed there.
	Digest string `json:"digest,omitempty"`
	// RecordRevision is the record's revision at the last sync, so a sync
	// can tell that it changed in accord since.
	RecordRevision int `json:"record_revision,omitempty"`
}

// NewReference is the input of Add.
type NewReference struct {
	Record accord.Ref `json:"record"`
	System string     `json:"system"`
	Key    string     `json:"key"`
	Content
	Note string `json:"note,omitempty"` // kept in the first revision
}

// Ref returns the accord.Ref that points at r.
func (r Reference) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: r.ID} }

// Item returns the item r points at as events carry it
// (accord.Event.External).
func (r Reference) Item() accord.ExternalItem {
	return accord.ExternalItem{System: r.System, Key: r.Key, URL: r.URL, Status: r.Status}
}

// Name names r for people: "jira SHOP-123".
func (r Reference) Name() string { return r.System + " " + r.Key }

// Clone returns a deep copy of r.
func (r Reference) Clone() Reference {
	if r.SyncedAt != nil {
		t := *r.SyncedAt
		r.SyncedAt = &t
	}
	if r.Deleted != nil {
		d := *r.Deleted
		r.Deleted = &d
	}
	return r
}

var (
	systemName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	recordKind = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// Validate checks the record, system, key and content, naming each bad
// field.
func (n NewReference) Validate() error {
	var errs accord.FieldErrors
	checkRecord(&errs, n.Record)
	if !systemName.MatchString(n.System) {
		errs.Add("system", "%q is not a system name: lower-case letters, digits, - or _, starting with a letter (%s, …)", n.System, svc.Join(KnownSystems()))
	}
	svc.CheckID(&errs, "key", n.Key)
	n.Content.check(&errs)
	svc.CheckText(&errs, "note", n.Note, svc.MaxText, false)
	svc.CheckBounds(&errs, "", n)
	return errs.Err("external reference")
}

// Validate checks the content, naming each bad field.
func (c Content) Validate() error {
	var errs accord.FieldErrors
	c.check(&errs)
	svc.CheckBounds(&errs, "", c)
	return errs.Err("external reference")
}

func (c Content) check(errs *accord.FieldErrors) {
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || !slices.Contains([]string{"http", "https"}, u.Scheme) || u.Host == "" {
			errs.Add("url", "%q is not an absolute http or https URL", c.URL)
		}
	}
	svc.CheckText(errs, "url", c.URL, 2000, false)
	svc.CheckText(errs, "title", c.Title, 500, false)
	svc.CheckText(errs, "status", c.Status, svc.MaxName, false)
	svc.CheckText(errs, "sync_error", c.SyncError, svc.MaxText, false)
	svc.CheckText(errs, "digest", c.Digest, svc.MaxName, false)
	if c.RecordRevision < 0 {
		errs.Add("record_revision", "must be 0 (unknown) or a revision number")
	}
}

func checkRecord(errs *accord.FieldErrors, r accord.Ref) {
	switch {
	case r.Kind == "":
		errs.Add("record.kind", "required: the kind of accord record (requirement, change_request, risk, …)")
	case !recordKind.MatchString(r.Kind):
		errs.Add("record.kind", "%q is not a record kind: lower-case letters, digits and _", r.Kind)
	}
	svc.CheckID(errs, "record.id", r.ID)
}

// NamedRecord names the record for people: "requirement REQ-3".
func (r Reference) NamedRecord() string {
	name := r.RecordName
	if name == "" {
		name = r.Record.ID
	}
	return r.Record.Kind + " " + name
}

// describe names the record and the item for an event's summary.
func (r Reference) describe() string {
	return fmt.Sprintf("%s ↔ %s", r.NamedRecord(), r.Name())
}
