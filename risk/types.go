package risk

import (
	"slices"
	"time"

	"github.com/accordhq/accord"
)

// Kind says whether a risk would hurt or help.
type Kind string

// The kinds.
const (
	Threat      Kind = "threat"
	Opportunity Kind = "opportunity"
)

// The built-in categories, shared with reviews (accord.RiskCategories);
// a project adds its own in Settings.
const (
	Technical         = accord.RiskTechnical
	RequirementChange = accord.RiskRequirementChange
	Resource          = accord.RiskResource
	Schedule          = accord.RiskSchedule
	Dependency        = accord.RiskDependency
	Security          = accord.RiskSecurity
	Compliance        = accord.RiskCompliance
)

// BuiltinCategories lists the categories every project has.
func BuiltinCategories() []string { return accord.RiskCategories() }

// Source says where a risk came from.
type Source struct {
	Kind string     `json:"kind"`           // manual, review, retro or plan
	Ref  accord.Ref `json:"ref,omitzero"`   // the review (or retro) it was raised in
	Item string     `json:"item,omitempty"` // the review's risk ID, or the retro item
}

// The source kinds.
const (
	SourceManual = "manual"
	SourceReview = "review"
	SourceRetro  = "retro"
	SourcePlan   = "plan" // a schedule risk a plan raised when a milestone's forecast slipped
)

// Strategy is the response to a risk: for threats avoid, mitigate,
// transfer, accept or escalate; for opportunities exploit, enhance, share
// or accept.
type Strategy string

// The strategies.
const (
	Avoid    Strategy = "avoid"
	Mitigate Strategy = "mitigate"
	Transfer Strategy = "transfer"
	Accept   Strategy = "accept"
	Escalate Strategy = "escalate"
	Exploit  Strategy = "exploit"
	Enhance  Strategy = "enhance"
	Share    Strategy = "share"
)

// strategies lists what each kind of risk may answer with.
var strategies = map[Kind][]Strategy{
	Threat:      {Avoid, Mitigate, Transfer, Accept, Escalate},
	Opportunity: {Exploit, Enhance, Share, Accept},
}

// Response is the plan: a strategy, what it means, and the actions.
type Response struct {
	Strategy Strategy        `json:"strategy"`
	Plan     string          `json:"plan,omitempty"`
	Actions  []accord.Action `json:"actions"`
}

// Acceptance is a decision to live with a risk at a level, by someone
// allowed to take it, until it expires. It holds for the state it accepted:
// a re-assessment to a higher level or a changed statement lapses it.
type Acceptance struct {
	By        string    `json:"by"`
	Roles     []string  `json:"roles"` // the roles that allowed it
	Rationale string    `json:"rationale"`
	Expires   time.Time `json:"expires"`
	At        time.Time `json:"at"`
	Level     Level     `json:"level"`     // the current level it accepted
	Statement string    `json:"statement"` // the cause, event and effect it accepted
	// LapsedAt and LapsedWhy are set when the acceptance no longer holds.
	LapsedAt  time.Time `json:"lapsed_at,omitzero"`
	LapsedWhy string    `json:"lapsed_why,omitempty"`
}

// Standing reports whether the acceptance holds at now.
func (a *Acceptance) Standing(now time.Time) bool {
	return a != nil && a.LapsedAt.IsZero() && now.Before(a.Expires)
}

// Risk is an entry of the register.
type Risk struct {
	ID       string       `json:"id"`
	Project  string       `json:"project"`
	Key      string       `json:"key"` // RISK-1, RISK-2, …
	Title    string       `json:"title"`
	Cause    string       `json:"cause"`  // because of …
	Event    string       `json:"event"`  // … may happen,
	Effect   string       `json:"effect"` // which would …
	Kind     Kind         `json:"kind"`
	Category string       `json:"category"`
	Owner    string       `json:"owner"`
	Labels   []string     `json:"labels,omitempty"`
	Links    []accord.Ref `json:"links,omitempty"`
	Source   Source       `json:"source"`
	Status   Status       `json:"status"`
	// Inherent (no controls), Current and Target (after the planned
	// response): the latest assessment of each stage, nil until assessed.
	Inherent *Assessment `json:"inherent,omitempty"`
	Current  *Assessment `json:"current,omitempty"`
	Target   *Assessment `json:"target,omitempty"`
	// Assessments is every assessment ever made, oldest first.
	Assessments []Assessment `json:"assessments"`
	Response    *Response    `json:"response,omitempty"`
	Acceptance  *Acceptance  `json:"acceptance,omitempty"`
	// ReviewedAt is when the risk was last reviewed (assessed, responded
	// to, or marked reviewed); the cadence counts from it.
	ReviewedAt time.Time `json:"reviewed_at"`
	ReviewedBy string    `json:"reviewed_by"`
	// DueNotified is the due date of the last review-due notice, so each
	// due date is announced once (Service.NotifyDue).
	DueNotified time.Time `json:"due_notified,omitzero"`
	accord.Stamp
}

// Ref returns the reference other records use to point at r.
func (r Risk) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: r.ID} }

// Statement is the cause → event → effect sentence.
func (r Risk) Statement() string {
	return "because of " + r.Cause + ", " + r.Event + " may happen, which would " + r.Effect
}

// Level is the current level (of the current stage, else the inherent
// one); empty until assessed.
func (r Risk) Level() Level {
	if r.Current != nil {
		return r.Current.Level
	}
	if r.Inherent != nil {
		return r.Inherent.Level
	}
	return ""
}

// Stage returns the latest assessment of a stage, nil if none.
func (r Risk) Stage(s Stage) *Assessment {
	switch s {
	case Inherent:
		return r.Inherent
	case Current:
		return r.Current
	case Target:
		return r.Target
	}
	return nil
}

// Clone returns a deep copy of r.
func (r Risk) Clone() Risk {
	r.Labels = slices.Clone(r.Labels)
	r.Links = slices.Clone(r.Links)
	cloneA := func(a *Assessment) *Assessment {
		if a == nil {
			return nil
		}
		c := a.clone()
		return &c
	}
	r.Inherent, r.Current, r.Target = cloneA(r.Inherent), cloneA(r.Current), cloneA(r.Target)
	r.Assessments = slices.Clone(r.Assessments)
	for i := range r.Assessments {
		r.Assessments[i] = r.Assessments[i].clone()
	}
	if r.Response != nil {
		resp := *r.Response
		resp.Actions = slices.Clone(resp.Actions)
		r.Response = &resp
	}
	if r.Acceptance != nil {
		acc := *r.Acceptance
		acc.Roles = slices.Clone(acc.Roles)
		r.Acceptance = &acc
	}
	return r
}

// NewRisk is what Create needs.
type NewRisk struct {
	Title    string       `json:"title"`
	Cause    string       `json:"cause"`
	Event    string       `json:"event"`
	Effect   string       `json:"effect"`
	Kind     Kind         `json:"kind,omitempty"`  // default threat
	Category string       `json:"category"`        // built-in or the project's own
	Owner    string       `json:"owner,omitempty"` // default the author
	Labels   []string     `json:"labels,omitempty"`
	Links    []accord.Ref `json:"links,omitempty"`
	Source   *Source      `json:"source,omitempty"` // default manual
	Note     string       `json:"note,omitempty"`
}

// Content is what Update replaces: the statement and how it is filed.
type Content struct {
	Title    string       `json:"title"`
	Cause    string       `json:"cause"`
	Event    string       `json:"event"`
	Effect   string       `json:"effect"`
	Category string       `json:"category"`
	Owner    string       `json:"owner,omitempty"` // empty keeps the current one
	Labels   []string     `json:"labels,omitempty"`
	Links    []accord.Ref `json:"links,omitempty"`
	Note     string       `json:"note,omitempty"`
}
