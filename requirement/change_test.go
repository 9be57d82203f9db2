package requirement_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// approved returns a requirement moved to approved.
func approved(t *testing.T, svc *requirement.Service) requirement.Requirement {
	t.Helper()
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	r, err = svc.Transition(pm, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	r, err = svc.Transition(dev, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.NoError(t, err)
	return r
}

func proposal() requirement.ChangeProposal {
	c := goodContent()
	c.Description = "A buyer can refund a paid order within 30 days of delivery."
	c.Acceptance[1].Text = "A refund after 30 days fails with REFUND_WINDOW_CLOSED"
	return requirement.ChangeProposal{Proposed: c, Reason: "legal requires 30 days",
		Impact: requirement.Impact{ScheduleDays: 2, EffortDays: 3, Technical: "window becomes configurable",
			Affected: []accord.Ref{{Kind: "contract", ID: "refunds"}}}}
}

func TestChangeRequestOnlyForApprovedOrLater(t *testing.T) {
	svc, _ := newService(t)
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	_, err = svc.ProposeChange(pm, "shop", r.ID, proposal())
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "edit it directly")
	_, err = svc.ProposeChange(pm, "shop", "missing", proposal())
	require.Equal(t, accord.NotFound, accord.ErrorCode(err))
}

func TestChangeRequestValidation(t *testing.T) {
	svc, _ := newService(t)
	r := approved(t, svc)
	p := proposal()
	p.Reason = ""
	p.Impact.Technical = ""
	p.Proposed.Title = ""
	_, err := svc.ProposeChange(pm, "shop", r.ID, p)
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"proposed.title", "reason", "impact.technical"}, fields)
}

func TestChangeRequestApproveAndApply(t *testing.T) {
	svc, rec := newService(t)
	r := approved(t, svc)
	cr, err := svc.ProposeChange(pm, "shop", r.ID, proposal())
	require.NoError(t, err)
	assert.Equal(t, requirement.ChangeProposed, cr.State)
	assert.Equal(t, r.Revision, cr.BaseRevision)

	_, _, err = svc.ApplyChange(pm, "shop", cr.ID, cr.Revision)
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "a proposed change cannot be applied")
	_, err = svc.DecideChange(dev, "shop", cr.ID, cr.Revision, requirement.DecisionInput{To: requirement.ChangeApplied})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err), "applied is not a decision")

	cr, err = svc.DecideChange(dev, "shop", cr.ID, cr.Revision, requirement.DecisionInput{To: requirement.ChangeApproved})
	require.NoError(t, err)
	assert.Equal(t, requirement.ChangeApproved, cr.State)
	require.Len(t, cr.Decisions, 1)
	assert.Equal(t, "dev-bob", cr.Decisions[0].Actor)

	_, _, err = svc.ApplyChange(pm, "shop", cr.ID, 1)
	require.Equal(t, accord.Conflict, accord.ErrorCode(err))

	got, applied, err := svc.ApplyChange(pm, "shop", cr.ID, cr.Revision)
	require.NoError(t, err)
	assert.Equal(t, requirement.InReview, got.Status, "an applied change goes back to review")
	assert.Equal(t, r.Revision+1, got.Revision)
	assert.Equal(t, proposal().Proposed.Description, got.Description)
	assert.Equal(t, requirement.ChangeApplied, applied.State)
	assert.Equal(t, got.Revision, applied.AppliedAs)

	hist, err := svc.History(pm, "shop", r.ID)
	require.NoError(t, err)
	last := hist[len(hist)-1]
	assert.Equal(t, requirement.ChangeRequestApplied, last.Kind)
	assert.Contains(t, last.Note, cr.ID)

	changes, err := svc.Diff(pm, "shop", r.ID, r.Revision, got.Revision)
	require.NoError(t, err)
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Path)
	}
	assert.Equal(t, []string{"status", "description", "acceptance_criteria[1].text"}, paths)

	_, _, err = svc.ApplyChange(pm, "shop", cr.ID, applied.Revision)
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "applied once only")

	list, err := svc.ListChanges(pm, "shop", r.ID, accord.PageQuery{})
	require.NoError(t, err)
	require.Len(t, list.Items, 1)
	assert.Equal(t, requirement.ChangeApplied, list.Items[0].State)
	assert.Contains(t, rec.Kinds(), "change_request.applied")
}

func TestChangeRequestDecisions(t *testing.T) {
	svc, _ := newService(t)
	r := approved(t, svc)
	for _, tc := range []struct {
		to     requirement.ChangeState
		reason string
		code   accord.Code
	}{
		{requirement.ChangeRejected, "", accord.Invalid},
		{requirement.ChangeRejected, "too late in the release", ""},
		{requirement.ChangeWithdrawn, "", accord.Invalid},
		{requirement.ChangeWithdrawn, "no longer needed", ""},
	} {
		cr, err := svc.ProposeChange(pm, "shop", r.ID, proposal())
		require.NoError(t, err)
		got, err := svc.DecideChange(dev, "shop", cr.ID, cr.Revision, requirement.DecisionInput{To: tc.to, Reason: tc.reason})
		require.Equal(t, tc.code, accord.ErrorCode(err), "%s %q: %v", tc.to, tc.reason, err)
		if tc.code != "" {
			continue
		}
		assert.Equal(t, tc.to, got.State)
		_, err = svc.DecideChange(dev, "shop", cr.ID, got.Revision, requirement.DecisionInput{To: requirement.ChangeApproved})
		require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "%s is final", tc.to)
		assert.Contains(t, err.Error(), "is final")
	}
}

func TestApplyRefusedWhenRequirementNoLongerLocked(t *testing.T) {
	svc, _ := newService(t)
	r := approved(t, svc)
	cr, err := svc.ProposeChange(pm, "shop", r.ID, proposal())
	require.NoError(t, err)
	cr, err = svc.DecideChange(dev, "shop", cr.ID, cr.Revision, requirement.DecisionInput{To: requirement.ChangeApproved})
	require.NoError(t, err)
	_, err = svc.Transition(pm, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Deferred, Reason: "budget cut"})
	require.NoError(t, err)
	_, _, err = svc.ApplyChange(pm, "shop", cr.ID, cr.Revision)
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	still, err := svc.GetChange(pm, "shop", cr.ID)
	require.NoError(t, err)
	assert.Equal(t, requirement.ChangeApproved, still.State, "a refused apply leaves the change request as it was")
}

// gateFunc adapts a function to requirement.TransitionGate.
type gateFunc func(requirement.Requirement, requirement.Status) error

func (g gateFunc) CheckTransition(_ context.Context, r requirement.Requirement, to requirement.Status) error {
	return g(r, to)
}

func TestTransitionGateCanRefuse(t *testing.T) {
	svc, _ := newService(t, func(o *requirement.Options) {
		o.Gate = gateFunc(func(r requirement.Requirement, to requirement.Status) error {
			if to == requirement.Approved {
				return accord.Errorf(accord.FailedPrecondition, "%s has no approved review", r.Key)
			}
			return nil
		})
	})
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	r, err = svc.Transition(pm, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	_, err = svc.Transition(pm, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "no approved review")
}
