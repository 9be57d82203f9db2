package link_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
)

func TestReviewRisksFlowIntoTheRegisterOnce(t *testing.T) {
	riskStore := memory.NewRiskStore()
	events := &testkit.Events{}
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Risks: riskStore}, Events: events, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	require.NotNil(t, s.Risks)

	r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}})
	require.NoError(t, err)
	assess := func(risks ...review.RiskInput) {
		_, err := s.Reviews.Assess(bob, "p", rv.Key, review.AssessmentInput{Round: 1, Feasibility: review.FeasibleWithRisks, Difficulty: 3, EffortDays: 5, Risks: risks})
		require.NoError(t, err)
	}
	assess(review.RiskInput{Title: "Refund provider rate-limits", Category: accord.RiskDependency})
	assess(review.RiskInput{Title: "Refund provider rate-limits", Category: accord.RiskDependency},
		review.RiskInput{Title: "Ledger migration", Description: "the ledger schema changes in May", Category: accord.RiskTechnical})

	page, err := s.Risks.List(bob, "p", risk.Filter{}, accord.PageQuery{})
	require.NoError(t, err)
	rv, err = s.Reviews.Get(context.Background(), "p", rv.Key)
	require.NoError(t, err)
	raised := rv.Risks()
	require.Len(t, page.Items, len(raised), "every raised risk is filed, and only once, however often the review is assessed")
	for _, filed := range page.Items {
		assert.Equal(t, risk.SourceReview, filed.Source.Kind)
		assert.Equal(t, rv.Ref(), filed.Source.Ref)
		assert.Equal(t, "bob", filed.Owner, "the assessor owns what they raised")
		assert.Contains(t, filed.Links, r.Ref())
	}

	// Filing again, explicitly, finds what is there.
	again, err := link.ReviewRisks(bob, s.Risks, riskStore, rv)
	require.NoError(t, err)
	assert.Len(t, again, len(raised))
	page, err = s.Risks.List(bob, "p", risk.Filter{}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, page.Items, len(raised))

	// The risks of a requirement are one query away.
	linked, err := s.Risks.List(bob, "p", risk.Filter{Link: r.Ref()}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, linked.Items, len(raised))

	// The review's summary names the register keys.
	md, err := s.Reviews.Summary(context.Background(), "p", rv.Key)
	require.NoError(t, err)
	for _, filed := range page.Items {
		assert.Contains(t, md, filed.Key)
	}
	assert.Contains(t, events.Kinds(), risk.EventCreated)
}

func TestRiskResponsePlansAreReviewed(t *testing.T) {
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Risks: memory.NewRiskStore()}})
	require.NoError(t, err)
	r, err := s.Risks.Create(bob, "p", risk.NewRisk{Title: "Refunds queue up", Cause: "a rate limit", Event: "refunds queue", Effect: "miss the window", Category: risk.Dependency})
	require.NoError(t, err)
	r, err = s.Risks.Assess(bob, "p", r.Key, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 4, Impact: map[string]int{"overall": 3}})
	require.NoError(t, err)
	r, err = s.Risks.Respond(bob, "p", r.Key, r.Revision, risk.ResponseInput{Strategy: risk.Mitigate, Plan: "batch refunds"})
	require.NoError(t, err)
	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RiskResponseReview, Subject: accord.Ref{Kind: risk.RefKind, ID: r.Key},
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}})
	require.NoError(t, err)
	assert.Equal(t, "RISK-1 Refunds queue up", rv.Title)
	_, err = s.Reviews.Verdict(alice, "p", rv.Key, review.VerdictInput{Round: 1, Decision: review.Approve})
	require.NoError(t, err)

	// A changed plan is a new revision of the risk: the review's next round.
	_, err = s.Risks.Respond(bob, "p", r.Key, r.Revision, risk.ResponseInput{Strategy: risk.Transfer, Plan: "insure against late refunds"})
	require.NoError(t, err)
	rv, err = s.Reviews.Get(context.Background(), "p", rv.Key)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2, "the review follows the risk's new revision")
	assert.Contains(t, rv.Current().Changes, "response.strategy")
	assert.Empty(t, rv.Current().Verdicts, "the approval was of the old plan")
}
