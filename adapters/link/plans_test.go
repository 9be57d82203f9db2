package link_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
)

// TestPlansTakeEffortFromTheApprovedReview: two engineers assess REQ-1 at
// 3 and 5 person-days and the review is approved; the plan counts 5, says
// it came from RV-1, and commits an iteration with it. REQ-2, still in
// review, cannot be committed.
func TestPlansTakeEffortFromTheApprovedReview(t *testing.T) {
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Plans: memory.NewPlanStore()}, Clock: testkit.NewStepClock(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	require.NotNil(t, s.Plans)
	carol := accord.WithActor(context.Background(), accord.Actor{ID: "carol", Roles: []string{"backend"}})

	inReview := func(title string) requirement.Requirement {
		c := content()
		c.Title = title
		r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: c, Note: "draft"})
		require.NoError(t, err)
		r, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.TransitionInput{To: requirement.InReview})
		require.NoError(t, err)
		return r
	}
	r1, r2 := inReview("Refund an order"), inReview("Refund part of an order")
	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r1.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}, {Actor: "carol", Role: "backend"}}})
	require.NoError(t, err)
	for _, a := range []struct {
		ctx  context.Context
		days float64
	}{{bob, 3}, {carol, 5}} { // in this order: the estimates list them so
		_, err = s.Reviews.Assess(a.ctx, "p", rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.Feasible, Difficulty: 2, EffortDays: a.days})
		require.NoError(t, err)
	}
	for _, ctx := range []context.Context{alice, bob, carol} {
		_, err = s.Reviews.Verdict(ctx, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
		require.NoError(t, err)
	}
	r1, err = s.Requirements.Transition(alice, "p", r1.Key, r1.Revision, requirement.TransitionInput{To: requirement.Approved})
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

	it, err = s.Plans.Unschedule(alice, "p", it.Key, 0, plan.UnscheduleInput{Ref: r2.Ref(), Reason: "not ready"})
	require.NoError(t, err)
	it, err = s.Plans.Commit(alice, "p", it.Key, it.Revision)
	require.NoError(t, err)
	assert.Equal(t, plan.Committed, it.Status)
	assert.Empty(t, it.Commitment.Findings)

	assert.Equal(t, r1.Ref(), it.Items[0].Ref, "scheduled by key, kept by ID")

	// Trimming REQ-1 to keep the date opens a change request, recorded with the item.
	trimmed := content()
	trimmed.Acceptance = trimmed.Acceptance[:1]
	proposed, err := json.Marshal(trimmed)
	require.NoError(t, err)
	it, cr, err := s.Plans.TrimScope(alice, "p", it.Key, plan.TrimInput{Requirement: accord.Ref{Kind: "requirement", ID: r1.Key}, Proposed: proposed, Reason: "late refunds next sprint"})
	require.NoError(t, err)
	assert.Equal(t, "change_request", cr.Kind)
	require.NotNil(t, it.Items[0].Trim)
	assert.Equal(t, cr, *it.Items[0].Trim)
	change, err := s.Requirements.GetChange(alice, "p", cr.ID)
	require.NoError(t, err)
	assert.Equal(t, requirement.ChangeProposed, change.State)
	assert.Equal(t, "late refunds next sprint", change.Reason)
	_, _, err = s.Plans.TrimScope(alice, "p", it.Key, plan.TrimInput{Requirement: r1.Ref(), Proposed: []byte(`{"titel":"typo"}`), Reason: "x"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "proposed")
	_, err = s.Plans.Schedule(alice, "p", it.Key, 0, plan.ScheduleInput{Ref: r1.Ref()})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "by key or by ID, it is the same item")
	_, err = s.Plans.Schedule(alice, "p", it.Key, 0, plan.ScheduleInput{Ref: accord.Ref{Kind: "requirement", ID: "REQ-99"}})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "an item that does not exist is not scheduled")
}

// TestASlipRaisesOneScheduleRisk: a milestone whose forecast passes its
// date raises a schedule risk in the register, with the numbers as its
// working; a later slip assesses the same risk again.
func TestASlipRaisesOneScheduleRisk(t *testing.T) {
	clock := testkit.NewStepClock(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	riskStore := memory.NewRiskStore()
	var events []accord.Event
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Risks: riskStore, Plans: memory.NewPlanStore()}, Clock: clock, Events: accord.EventSinkFunc(func(_ context.Context, e accord.Event) { events = append(events, e) })})
	require.NoError(t, err)
	small, big := content(), content()
	small.Title, big.Title = "Refund reason codes", "Partial refunds"
	r1, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: small})
	require.NoError(t, err)
	r2, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: big})
	require.NoError(t, err)

	it, err := s.Plans.CreateIteration(alice, "p", plan.IterationContent{Name: "Sprint 1", Start: "2026-11-23", End: "2026-12-04",
		Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 5}}})
	require.NoError(t, err)
	for ref, d := range map[accord.Ref]float64{r1.Ref(): 2, r2.Ref(): 8} {
		it, err = s.Plans.Schedule(alice, "p", it.Key, 0, plan.ScheduleInput{Ref: ref, Override: &plan.Override{Days: d, Reason: "planning poker"}})
		require.NoError(t, err)
	}
	m, err := s.Plans.CreateMilestone(alice, "p", plan.MilestoneContent{Name: "Refunds live", Date: "2026-12-02", Deliverables: []accord.Ref{r1.Ref(), r2.Ref()}})
	require.NoError(t, err)

	// Friday 27 November: five working days run, 2 person-days done.
	clock.Set(time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC))
	_, err = s.Plans.SetItemState(bob, "p", it.Key, plan.ItemStateInput{Ref: r1.Ref(), State: plan.Done})
	require.NoError(t, err)
	forecasts, err := s.Plans.CheckSlips(alice, "p")
	require.NoError(t, err)
	require.Len(t, forecasts, 1)
	f := forecasts[0]
	assert.True(t, f.Slipped)
	assert.InDelta(t, 0.4, f.Throughput, 1e-9)
	assert.Equal(t, plan.Date("2026-12-25"), f.Forecast, "8 days at 0.4 a day: 20 working days on")
	assert.Equal(t, "8 person-days remain of MS-1's deliverables; the team has done 2 person-days in 5 working days (0.4 a day), so they are done on 2026-12-25, after the milestone's 2026-12-02; the iterations give 3 person-days before 2026-12-02, less than remains.", f.Working)
	require.Equal(t, "RISK-1", f.Risk)

	r, err := s.Risks.Get(alice, "p", "RISK-1")
	require.NoError(t, err)
	assert.Equal(t, risk.Schedule, r.Category)
	assert.Equal(t, risk.Source{Kind: risk.SourcePlan, Ref: m.Ref(), Item: "schedule"}, r.Source)
	require.NotNil(t, r.Current)
	assert.Equal(t, risk.High, r.Current.Level)
	assert.Contains(t, r.Cause, "0.4 a day")

	// Monday: no progress; the slip is checked again. Still one risk, assessed again.
	clock.Set(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC))
	forecasts, err = s.Plans.CheckSlips(alice, "p")
	require.NoError(t, err)
	assert.Equal(t, "RISK-1", forecasts[0].Risk)
	page, err := s.Risks.List(alice, "p", risk.Filter{}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1, "one milestone, one schedule risk")
	r, err = s.Risks.Get(alice, "p", "RISK-1")
	require.NoError(t, err)
	assert.Len(t, r.Assessments, 2, "assessed again with the new numbers")
	assert.Contains(t, r.Current.Note, "in 6 working days")

	// Checked again with nothing new: nothing is assessed or announced.
	_, err = s.Plans.CheckSlips(alice, "p")
	require.NoError(t, err)
	r, err = s.Risks.Get(alice, "p", "RISK-1")
	require.NoError(t, err)
	assert.Len(t, r.Assessments, 2, "the same numbers are not assessed twice")

	var slipped int
	for _, e := range events {
		if e.Kind == plan.EventMilestoneSlipped {
			slipped++
		}
	}
	assert.Equal(t, 2, slipped)
}
