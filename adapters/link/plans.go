package link

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
)

// PlanInputs gives the plan what the other domains know of a scheduled
// item: its effort, from the feasibility assessments of its latest
// approved review (plan.Estimator), and where it stands (plan.Standing).
type PlanInputs struct {
	Requirements requirement.Store
	Contracts    contract.Store
	Reviews      review.Store
	Clock        accord.Clock
}

var (
	_ plan.Estimator = PlanInputs{}
	_ plan.Standing  = PlanInputs{}
)

// reviewKind is the review that approves an item of the kind.
func reviewKind(kind string) (review.Kind, bool) {
	switch kind {
	case requirement.RefKind:
		return review.RequirementReview, true
	case requirement.ChangeRequestRefKind:
		return review.ChangeRequestReview, true
	case contract.VersionRefKind:
		return review.ContractReview, true
	}
	return "", false
}

// item resolves a key (REQ-3) to the record's ID, so that reviews, which
// name their subject by ID, are found.
func (p PlanInputs) item(ctx context.Context, project string, ref accord.Ref) (accord.Ref, ItemRecord, error) {
	switch ref.Kind {
	case requirement.RefKind:
		r, err := svc.Lookup(ctx, project, ref.ID, requirement.KeyPrefix, p.Requirements.GetRequirement, p.Requirements.GetRequirementByKey)
		return r.Ref(), ItemRecord{Name: r.Key + " " + r.Title, Status: string(r.Status), Approved: r.Status != requirement.Draft && r.Status != requirement.InReview &&
			r.Status != requirement.Rejected && r.Status != requirement.Deferred}, err
	case requirement.ChangeRequestRefKind:
		c, err := p.Requirements.GetChangeRequest(ctx, project, ref.ID)
		return c.Ref(), ItemRecord{Name: "change request " + c.ID, Status: string(c.State), Approved: c.State == requirement.ChangeApproved || c.State == requirement.ChangeApplied}, err
	case contract.VersionRefKind:
		id, version, ok := strings.Cut(ref.ID, "@")
		if !ok {
			return ref, ItemRecord{}, accord.Errorf(accord.Invalid, "a contract version is named contract-id@version, not %q", ref.ID)
		}
		v, err := p.Contracts.GetVersion(ctx, project, id, version)
		return v.Ref(), ItemRecord{Name: v.Spec.Service + " " + v.Version, Status: string(v.Status), Approved: v.Status == contract.Agreed}, err
	}
	return ref, ItemRecord{}, accord.Errorf(accord.Invalid, "a plan schedules requirements, change requests and contract versions, not %q", ref.Kind)
}

// ItemRecord is what PlanInputs reads of a scheduled record.
type ItemRecord struct {
	Name     string
	Status   string
	Approved bool
}

// approvedRound returns the latest round of rv that the review's policy
// approves, or nil: a review reopened for a new revision still has the
// estimate its last approval agreed.
func approvedRound(rv review.Review, clock accord.Clock) *review.Round {
	for i := len(rv.Rounds) - 1; i >= 0; i-- {
		upTo := rv
		upTo.Rounds = rv.Rounds[:i+1]
		if review.Evaluate(upTo, clock.Now()).Outcome == review.Approved {
			return &rv.Rounds[i]
		}
	}
	return nil
}

// Estimates implements plan.Estimator.
func (p PlanInputs) Estimates(ctx context.Context, project string, ref accord.Ref) (string, []float64, error) {
	kind, ok := reviewKind(ref.Kind)
	if !ok {
		return "", nil, accord.Errorf(accord.Invalid, "no review approves a %q", ref.Kind)
	}
	subject, _, err := p.item(ctx, project, ref)
	if err != nil {
		return "", nil, err
	}
	rv, err := p.Reviews.FindReview(ctx, project, kind, subject)
	if err != nil {
		return "", nil, err
	}
	round := approvedRound(rv, p.clock())
	if round == nil {
		return "", nil, nil
	}
	var days []float64
	for _, a := range round.Assessments {
		if a.EffortDays > 0 {
			days = append(days, a.EffortDays)
		}
	}
	return rv.Key, days, nil
}

// Standing implements plan.Standing.
func (p PlanInputs) Standing(ctx context.Context, project string, ref accord.Ref) (plan.ItemStanding, error) {
	subject, rec, err := p.item(ctx, project, ref)
	if err != nil {
		return plan.ItemStanding{}, err
	}
	st := plan.ItemStanding{Ref: subject, Name: rec.Name, Status: rec.Status, Approved: rec.Approved}
	if kind, ok := reviewKind(ref.Kind); ok {
		rv, err := p.Reviews.FindReview(ctx, project, kind, subject)
		switch {
		case accord.ErrorCode(err) == accord.NotFound:
		case err != nil:
			return plan.ItemStanding{}, err
		default:
			outcome := review.Evaluate(rv, p.clock().Now()).Outcome
			st.ReviewPending = slices.Contains([]review.Outcome{review.Pending, review.ChangesRequested, review.Expired}, outcome)
		}
	}
	return st, nil
}

func (p PlanInputs) clock() accord.Clock {
	if p.Clock == nil {
		return accord.SystemClock()
	}
	return p.Clock
}

// PlanRisks files the schedule risks of slipping milestones in the risk
// register (plan.ScheduleRisks): one risk per milestone, its source the
// milestone, raised at the first slip and assessed again, with the new
// numbers, at every later one.
type PlanRisks struct {
	Risks *risk.Service
	Store risk.Store
}

var _ plan.ScheduleRisks = PlanRisks{}

// RaiseScheduleRisk implements plan.ScheduleRisks. The likelihood grows
// with how late the forecast is; the impact is high on every dimension of
// the project's scales, since a milestone is a promise to someone.
func (p PlanRisks) RaiseScheduleRisk(ctx context.Context, project string, f plan.Forecast) (string, bool, error) {
	src := risk.Source{Kind: risk.SourcePlan, Ref: f.Milestone, Item: "schedule"}
	r, err := p.Store.FindRiskBySource(ctx, project, src)
	if err == nil && r.Current != nil && r.Current.Note == f.Working {
		return r.Key, false, nil // the register has these numbers already
	}
	if accord.ErrorCode(err) == accord.NotFound {
		r, err = p.Risks.Create(ctx, project, risk.NewRisk{Title: fmt.Sprintf("%s %s may slip past %s", f.Key, f.Name, f.Date),
			Cause: f.Working, Event: fmt.Sprintf("the deliverables of %s are not done by %s", f.Key, f.Date),
			Effect: "break the date promised for " + f.Name, Category: risk.Schedule, Source: &src,
			Links: []accord.Ref{f.Milestone}, Note: "raised by the plan's forecast"})
		if accord.ErrorCode(err) == accord.Conflict { // raised meanwhile by another instance
			r, err = p.Store.FindRiskBySource(ctx, project, src)
		}
	}
	if err != nil {
		return "", false, err
	}
	st, err := p.Risks.Settings(ctx, project)
	if err != nil {
		return r.Key, false, err
	}
	likelihood := 3
	if forecast, ok := f.Forecast.Time(); ok {
		if date, ok := f.Date.Time(); ok && forecast.Sub(date) > 7*24*time.Hour {
			likelihood = 4
		}
	}
	likelihood = min(likelihood, len(st.Likelihood))
	impact := map[string]int{}
	for _, d := range st.Impact {
		impact[d.Name] = min(4, len(d.Scale))
	}
	_, err = p.Risks.Assess(ctx, project, r.ID, 0, risk.AssessInput{Stage: risk.Current, Likelihood: likelihood, Impact: impact, Note: f.Working})
	return r.Key, err == nil, err
}

// PlanChanges opens the change requests that trim a scheduled requirement
// (plan.ChangeRequests).
type PlanChanges struct{ Requirements *requirement.Service }

var _ plan.ChangeRequests = PlanChanges{}

// ProposeTrim implements plan.ChangeRequests: proposed is the
// requirement's content after the trim.
func (p PlanChanges) ProposeTrim(ctx context.Context, project string, req accord.Ref, proposed json.RawMessage, reason string) (accord.Ref, error) {
	var content requirement.Content
	d := json.NewDecoder(bytes.NewReader(proposed))
	d.DisallowUnknownFields()
	if err := d.Decode(&content); err != nil {
		return accord.Ref{}, accord.InvalidField("trim", "proposed", "not the content of a requirement: %s", err.Error())
	}
	cr, err := p.Requirements.ProposeChange(ctx, project, req.ID, requirement.ChangeProposal{Proposed: content, Reason: reason,
		Impact: requirement.Impact{Technical: "scope trimmed to keep the plan"}})
	if err != nil {
		return accord.Ref{}, err
	}
	return cr.Ref(), nil
}
