package requirement

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// ChangeState is where a change request stands.
type ChangeState string

// The change request states: proposed → approved | rejected | withdrawn,
// and approved → applied once the change lands in the requirement.
const (
	ChangeProposed  ChangeState = "proposed"
	ChangeApproved  ChangeState = "approved"
	ChangeRejected  ChangeState = "rejected"
	ChangeWithdrawn ChangeState = "withdrawn"
	ChangeApplied   ChangeState = "applied"
)

var changeTransitions = svc.Transitions[ChangeState]{
	ChangeProposed:  {ChangeApproved, ChangeRejected, ChangeWithdrawn},
	ChangeApproved:  {ChangeWithdrawn}, // applied only through Service.ApplyChange
	ChangeRejected:  {},
	ChangeWithdrawn: {},
	ChangeApplied:   {},
}

// Impact is the assessed effect of a change request on the plan.
type Impact struct {
	ScheduleDays float64      `json:"schedule_days,omitempty"` // schedule delta; negative if the change saves time
	EffortDays   float64      `json:"effort_days,omitempty"`   // effort delta in person-days
	Budget       string       `json:"budget,omitempty"`
	Technical    string       `json:"technical"` // what it means for the implementation
	Affected     []accord.Ref `json:"affected,omitempty"`
}

// ChangeDecision records one state change of a change request.
type ChangeDecision struct {
	From   ChangeState `json:"from"`
	To     ChangeState `json:"to"`
	Actor  string      `json:"actor"`
	Time   time.Time   `json:"time"`
	Reason string      `json:"reason"`
}

// ChangeRequest (需求变更) proposes new content for a requirement that is
// approved or later, with the reason and the impact assessment.
type ChangeRequest struct {
	ID            string           `json:"id"`
	Project       string           `json:"project"`
	RequirementID string           `json:"requirement_id"`
	BaseRevision  int              `json:"base_revision"` // requirement revision the proposal was written against
	Proposed      Content          `json:"proposed"`
	Reason        string           `json:"reason"`
	Impact        Impact           `json:"impact"`
	State         ChangeState      `json:"state"`
	Decisions     []ChangeDecision `json:"decisions,omitempty"`
	AppliedAs     int              `json:"applied_as,omitempty"` // requirement revision created by applying
	accord.Stamp
}

// Ref returns the reference other records (a review) use to point at c.
func (c ChangeRequest) Ref() accord.Ref { return accord.Ref{Kind: ChangeRequestRefKind, ID: c.ID} }

// Clone returns a deep copy of c.
func (c ChangeRequest) Clone() ChangeRequest {
	c.Proposed = c.Proposed.Clone()
	c.Impact.Affected = slices.Clone(c.Impact.Affected)
	c.Decisions = slices.Clone(c.Decisions)
	return c
}

// DecisionInput approves, rejects or withdraws a change request;
// rejecting and withdrawing need a reason.
type DecisionInput struct {
	To     ChangeState `json:"to"`
	Reason string      `json:"reason,omitempty"`
}

// ChangeProposal is what a caller submits to propose a change.
type ChangeProposal struct {
	Proposed Content `json:"proposed"`
	Reason   string  `json:"reason"`
	Impact   Impact  `json:"impact"`
}

// Validate checks the proposal, naming fields by their JSON path.
func (p ChangeProposal) Validate() error {
	var errs accord.FieldErrors
	p.Proposed.validate(&errs, "proposed.")
	if strings.TrimSpace(p.Reason) == "" {
		errs.Add("reason", "required: say why the requirement must change")
	}
	if strings.TrimSpace(p.Impact.Technical) == "" {
		errs.Add("impact.technical", "required: assess the impact on the implementation")
	}
	for i, r := range p.Impact.Affected {
		r.Validate(fmt.Sprintf("impact.affected[%d]", i), &errs)
	}
	svc.CheckBounds(&errs, "", p)
	return errs.Err("change request")
}

func checkChangeTransition(id string, from, to ChangeState) error {
	if _, ok := changeTransitions[to]; !ok || to == ChangeApplied {
		return accord.InvalidField("change request transition", "to", "%q is not a decision; one of approved, rejected, withdrawn (apply an approved change with apply)", to)
	}
	if slices.Contains(changeTransitions[from], to) {
		return nil
	}
	return accord.Errorf(accord.FailedPrecondition, "change request %s cannot move from %s to %s; allowed next: %s",
		id, from, to, svc.AllowedNext(from, changeTransitions[from]))
}
