package requirement

import (
	"slices"

	"github.com/accordhq/accord"
)

// Priority orders requirements: P0 is the most urgent.
type Priority string

// The priorities.
const (
	P0 Priority = "P0"
	P1 Priority = "P1"
	P2 Priority = "P2"
	P3 Priority = "P3"
)

// Valid reports whether p is one of P0–P3.
func (p Priority) Valid() bool { return p == P0 || p == P1 || p == P2 || p == P3 }

// Content is everything about a requirement that its author writes. It is
// what an update replaces and what a change request proposes; identity,
// status and revision bookkeeping live on Requirement.
type Content struct {
	Title          string                `json:"title"`
	Background     string                `json:"background,omitempty"`
	Goal           string                `json:"goal,omitempty"`
	KPIs           []string              `json:"kpis,omitempty"` // business KPIs the requirement serves
	Description    string                `json:"description,omitempty"`
	Flow           []FlowStep            `json:"flow,omitempty"` // business flow, in order
	Scenarios      []Scenario            `json:"scenarios,omitempty"`
	Exceptions     []ExceptionCase       `json:"exceptions,omitempty"`
	InterfaceNotes string                `json:"interface_notes,omitempty"`
	Performance    []PerformanceTarget   `json:"performance,omitempty"`
	Acceptance     []AcceptanceCriterion `json:"acceptance_criteria,omitempty"`
	Priority       Priority              `json:"priority,omitempty"` // default: DefaultPriority
	Owner          string                `json:"owner,omitempty"`    // default: the author
	Labels         []string              `json:"labels,omitempty"`
	Links          []accord.Ref          `json:"links,omitempty"`
}

// FlowStep is one step of the business flow.
type FlowStep struct {
	Actor   string `json:"actor,omitempty"`   // who performs the step
	Action  string `json:"action"`            // what happens
	Diagram string `json:"diagram,omitempty"` // link to a diagram or flowchart
}

// Scenario is a user scenario: who does what, in which situation, and what
// they get.
type Scenario struct {
	Name      string `json:"name"`
	Actor     string `json:"actor,omitempty"`
	Situation string `json:"situation,omitempty"`
	Action    string `json:"action,omitempty"`
	Outcome   string `json:"outcome,omitempty"`
}

// ExceptionCase is one abnormal case and what must happen, usually tied to
// an API error code.
type ExceptionCase struct {
	Condition string `json:"condition"`
	Handling  string `json:"handling"`
	ErrorCode string `json:"error_code,omitempty"`
}

// Comparator relates a measured value to its target.
type Comparator string

// The comparators.
const (
	LessOrEqual    Comparator = "<="
	Less           Comparator = "<"
	GreaterOrEqual Comparator = ">="
	Greater        Comparator = ">"
	Equal          Comparator = "="
)

var comparators = []Comparator{LessOrEqual, Less, GreaterOrEqual, Greater, Equal}

// PerformanceTarget is a measurable performance requirement:
// "p99 latency <= 200 ms". Target is a pointer so that a missing number is
// told apart from zero.
type PerformanceTarget struct {
	Metric     string     `json:"metric"`
	Comparator Comparator `json:"comparator"`
	Target     *float64   `json:"target,omitempty"`
	Unit       string     `json:"unit,omitempty"`
}

// AcceptanceCriterion is a testable statement delivery is accepted against.
// IDs are stable across revisions (AC-1, AC-2, …); the service assigns one
// when it is left empty.
type AcceptanceCriterion struct {
	ID      string `json:"id,omitempty"` // empty on input: the service assigns the next one
	Text    string `json:"text"`
	TestRef string `json:"test_ref,omitempty"` // a test case or UAT script
}

// Requirement is a requirement document at its current revision.
type Requirement struct {
	ID      string `json:"id"`
	Project string `json:"project"`
	Key     string `json:"key"` // REQ-1, REQ-2, … unique per project
	Status  Status `json:"status"`
	Content
	accord.Stamp
}

// Ref returns the reference other records use to point at r.
func (r Requirement) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: r.ID} }

// Clone returns a deep copy of c.
func (c Content) Clone() Content {
	c.KPIs = slices.Clone(c.KPIs)
	c.Flow = slices.Clone(c.Flow)
	c.Scenarios = slices.Clone(c.Scenarios)
	c.Exceptions = slices.Clone(c.Exceptions)
	if c.Performance != nil {
		p := slices.Clone(c.Performance)
		targets := make([]float64, len(p)) // one allocation for every target
		for i := range p {
			if p[i].Target != nil {
				targets[i] = *p[i].Target
				p[i].Target = &targets[i]
			}
		}
		c.Performance = p
	}
	c.Acceptance = slices.Clone(c.Acceptance)
	c.Labels = slices.Clone(c.Labels)
	c.Links = slices.Clone(c.Links)
	return c
}

// Clone returns a deep copy of r. Stores use it to keep callers from
// changing stored data.
func (r Requirement) Clone() Requirement {
	r.Content = r.Content.Clone()
	return r
}

// ChangeRequestApplied is the kind of the revision an applied change
// request makes; the others are accord's (created, edited, transitioned).
const ChangeRequestApplied accord.RevisionKind = "change_request_applied"

// ContentInput is the body of Create and Update: the content, and a note
// saying why, which lands in the revision.
type ContentInput struct {
	Content
	Note string `json:"note,omitempty"`
}

// TransitionInput moves a requirement to another status. Sending back,
// rejecting and deferring need a reason; any reason lands in the revision.
type TransitionInput struct {
	To     Status `json:"to"`
	Reason string `json:"reason,omitempty"`
}
