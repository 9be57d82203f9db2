package trace

import (
	"slices"
	"time"

	"github.com/accordhq/accord"
)

// Origin says where a link came from.
type Origin string

// The origins. A declared link mirrors a ref that its From record holds
// itself (a requirement's links, a contract operation's requirements);
// Declare adds and removes those as the record changes. Manual links are
// made and removed through the Service.
const (
	Manual   Origin = "manual"
	Declared Origin = "declared"
)

// Link is one typed dependency: From depends on To in Role. Revision is
// To's revision when the link was made or last confirmed.
type Link struct {
	ID      string     `json:"id"`
	Project string     `json:"project"`
	From    accord.Ref `json:"from"`
	To      accord.Ref `json:"to"`
	Role    Role       `json:"role"`
	Origin  Origin     `json:"origin"`
	Note    string     `json:"note,omitempty"`
	// TargetRevision is To's revision when the link was made or last
	// confirmed; Stamp.Revision is the link's own.
	TargetRevision int    `json:"target_revision"`
	Status         Status `json:"status"`
	// Suspicion says why a suspect link is suspect; nil when current.
	Suspicion *Suspicion `json:"suspicion,omitempty"`
	// Confirmed is the last confirmation; nil if never confirmed.
	Confirmed *Confirmation `json:"confirmed,omitempty"`
	accord.Stamp
}

// Suspicion is what changed in a link's target since the revision the
// link records: the content fields that differ (acceptance_criteria[1].text)
// and the target's revision that was compared.
type Suspicion struct {
	Revision int       `json:"target_revision"`
	Fields   []string  `json:"fields"`
	Since    time.Time `json:"since"`
	Gone     bool      `json:"gone,omitempty"` // the target no longer exists
}

// Confirmation records that someone checked a link against its target.
type Confirmation struct {
	Revision int       `json:"target_revision"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Note     string    `json:"note"`
}

// Ref returns the reference that points at l.
func (l Link) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: l.ID} }

// Name is what makes a link unique in its project: the same two records
// are linked in a role once.
func (l Link) Name() string { return Name(l.From, l.Role, l.To) }

// Name returns the unique name of the link from → to in role.
func Name(from accord.Ref, role Role, to accord.Ref) string {
	return from.String() + " " + string(role) + " " + to.String()
}

// Clone returns a deep copy of l.
func (l Link) Clone() Link {
	if l.Suspicion != nil {
		s := *l.Suspicion
		s.Fields = slices.Clone(s.Fields)
		l.Suspicion = &s
	}
	if l.Confirmed != nil {
		c := *l.Confirmed
		l.Confirmed = &c
	}
	return l
}

// NewLink is what a caller submits to link two records.
type NewLink struct {
	From accord.Ref `json:"from"`
	To   accord.Ref `json:"to"`
	Role Role       `json:"role"`
	Note string     `json:"note,omitempty"`
}

// Declaration is one link a record declares: Declare takes a record's
// whole list and keeps its declared links in step with it.
type Declaration struct {
	To   accord.Ref `json:"to"`
	Role Role       `json:"role"`
	Note string     `json:"note,omitempty"` // where it is declared: "operation createPayment"
}

// Target is what Targets tells about a record: its ref by ID, its current
// revision and a title to show.
type Target struct {
	Ref      accord.Ref `json:"ref"`
	Revision int        `json:"revision"`
	Title    string     `json:"title"`
}

// Neighbours are a record's links both ways: what it depends on (its
// links from) and what depends on it (links to it).
type Neighbours struct {
	Record     accord.Ref `json:"record"`
	DependsOn  []Link     `json:"depends_on"`
	Dependents []Link     `json:"dependents"`
}

// Impact is what a proposed change would do to the links that point at
// its record: each would turn suspect over Fields (or is suspect already).
type Impact struct {
	Target accord.Ref   `json:"target"`
	Fields []string     `json:"fields"` // the content the change touches; empty: no link turns suspect
	Links  []ImpactLink `json:"links"`
}

// ImpactLink is one link in an Impact.
type ImpactLink struct {
	Link
	AlreadySuspect bool `json:"already_suspect"`
}
