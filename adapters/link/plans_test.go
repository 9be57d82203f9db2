package link_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// TestPlansTakeEffortFromTheApprovedReview: two engineers assess REQ-1 at
// 3 and 5 person-days and the review is approved; the plan counts 5, says
// it came from RV-1, and commits an iteration with it. REQ-2, still in
// review, cannot be committed.
func TestPlansTakeEffortFromTheApprovedReview(t *testing.T) {
	s, err := link.New(link.Options{RequirementStore: memory.NewRequirementStore(), ContractStore: memory.NewContractStore(),
		ReviewStore: memory.NewReviewStore(), PlanStore: memory.NewPlanStore(),
		Clock: testkit.NewStepClock(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	require.NotNil(t, s.Plans)
	carol := accord.WithActor(context.Background(), accord.Actor{ID: "carol", Roles: []string{"backend"}})

	inReview := func(title string) requirement.Requirement {
		c := content()
		c.Title = title
		r, err := s.Requirements.Create(alice, "p", c, "draft")
		require.NoError(t, err)
		r, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.InReview, "")
		require.NoError(t, err)
		return r
	}
	r1, r2 := inReview("Refund an order"), inReview("Refund part of an order")
	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r1.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}, {Actor: "carol", Role: "backend"}}})
	require.NoError(t, err)
	for ctx, days := range map[context.Context]float64{bob: 3, carol: 5} {
		_, err = s.Reviews.Assess(ctx, "p", rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.Feasible, Difficulty: 2, EffortDays: days})
		require.NoError(t, err)
	}
	for _, ctx := range []context.Context{alice, bob, carol} {
		_, err = s.Reviews.Verdict(ctx, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
		require.NoError(t, err)
	}
	r1, err = s.Requirements.Transition(alice, "p", r1.Key, r1.Revision, requirement.Approved, "")
	require.NoError(t, err)
	_, err = s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r2.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.NoError(t, err)

	it, err := s.Plans.CreateIteration(alice, "p", plan.IterationContent{Name: "Sprint 1", Start: "2026-11-23", End: "2026-12-04",
		Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 5}}})
	require.NoError(t, err)
	it, err = s.Plans.Schedule(alice, "p", it.Key, it.Revision, plan.ScheduleInput{Ref: accord.Ref{Kind: "requirement", ID: r1.Key}, Assignees: []string{"bob"}})
	require.NoError(t, err)
	est, err := s.Plans.Estimate(alice, "p", it.Items[0])
	require.NoError(t, err)
	assert.Equal(t, plan.Estimate{Days: 5, Source: rv.Key, Estimates: []float64{3, 5}}, est)

	it, err = s.Plans.Schedule(alice, "p", it.Key, it.Revision, plan.ScheduleInput{Ref: r2.Ref(), Override: &plan.Override{Days: 2, Reason: "small"}})
	require.NoError(t, err)
	_, err = s.Plans.Commit(alice, "p", it.Key, it.Revision)
	require.Error(t, err)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "not_approved: not approved: requirement/"+r2.ID+" is in_review")

	it, err = s.Plans.Unschedule(alice, "p", it.Key, 0, r2.Ref(), "not ready")
	require.NoError(t, err)
	it, err = s.Plans.Commit(alice, "p", it.Key, it.Revision)
	require.NoError(t, err)
	assert.Equal(t, plan.Committed, it.Status)
	assert.Empty(t, it.Commitment.Findings)

	assert.Equal(t, r1.Ref(), it.Items[0].Ref, "scheduled by key, kept by ID")
	_, err = s.Plans.Schedule(alice, "p", it.Key, 0, plan.ScheduleInput{Ref: r1.Ref()})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "by key or by ID, it is the same item")
	_, err = s.Plans.Schedule(alice, "p", it.Key, 0, plan.ScheduleInput{Ref: accord.Ref{Kind: "requirement", ID: "REQ-99"}})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "an item that does not exist is not scheduled")
}
