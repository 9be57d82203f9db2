package link

import (
	"context"
	"slices"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
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
		var r requirement.Requirement
		var err error
		if _, key := requirement.ParseKey(ref.ID); key {
			r, err = p.Requirements.GetRequirementByKey(ctx, project, ref.ID)
		} else {
			r, err = p.Requirements.GetRequirement(ctx, project, ref.ID)
		}
		return r.Ref(), ItemRecord{Status: string(r.Status), Approved: r.Status != requirement.Draft && r.Status != requirement.InReview &&
			r.Status != requirement.Rejected && r.Status != requirement.Deferred}, err
	case requirement.ChangeRequestRefKind:
		c, err := p.Requirements.GetChangeRequest(ctx, project, ref.ID)
		return c.Ref(), ItemRecord{Status: string(c.State), Approved: c.State == requirement.ChangeApproved || c.State == requirement.ChangeApplied}, err
	case contract.VersionRefKind:
		id, version, ok := strings.Cut(ref.ID, "@")
		if !ok {
			return ref, ItemRecord{}, accord.Errorf(accord.Invalid, "a contract version is named contract-id@version, not %q", ref.ID)
		}
		v, err := p.Contracts.GetVersion(ctx, project, id, version)
		return v.Ref(), ItemRecord{Status: string(v.Status), Approved: v.Status == contract.Agreed}, err
	}
	return ref, ItemRecord{}, accord.Errorf(accord.Invalid, "a plan schedules requirements, change requests and contract versions, not %q", ref.Kind)
}

// ItemRecord is what PlanInputs reads of a scheduled record.
type ItemRecord struct {
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
	st := plan.ItemStanding{Ref: subject, Status: rec.Status, Approved: rec.Approved}
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
