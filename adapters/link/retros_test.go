package link_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/risk"
)

func TestPromotionKeepsRefsBothWays(t *testing.T) {
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Risks: memory.NewRiskStore(), Retros: memory.NewRetroStore()}})
	require.NoError(t, err)
	r, err := s.Retros.Create(alice, "p", retro.NewRetro{Title: "Sprint 9", Series: "payments"})
	require.NoError(t, err)
	r, err = s.Retros.AddItem(bob, "p", r.Key, retro.ItemInput{Column: "improve", Text: "Refunds stall when the provider is down"})
	require.NoError(t, err)
	item := r.Items[0].ID
	_, err = s.Promote(bob, "p", r.Key, retro.Promotion{Target: item, To: "risk"})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "promotions happen in discussion")
	for _, ph := range []retro.Phase{retro.Grouping, retro.Voting, retro.Discussing} {
		_, err := s.Retros.Transition(alice, "p", r.Key, 0, retro.TransitionInput{To: ph})
		require.NoError(t, err)
	}
	r, err = s.Retros.AddAction(bob, "p", r.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "Add a refund retry queue", Owner: "bob"}})
	require.NoError(t, err)
	action := r.Actions[0].ID
	req, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	for _, tr := range []requirement.Status{requirement.InReview} {
		req, err = s.Requirements.Transition(alice, "p", req.Key, req.Revision, requirement.TransitionInput{To: tr})
		require.NoError(t, err)
	}

	riskRef, err := s.Promote(bob, "p", r.Key, retro.Promotion{Target: item, To: "risk", Category: risk.Dependency})
	require.NoError(t, err)
	filed, err := s.Risks.Get(bob, "p", riskRef.ID)
	require.NoError(t, err)
	assert.Equal(t, risk.SourceRetro, filed.Source.Kind)
	assert.Equal(t, r.Ref(), filed.Source.Ref)
	assert.Contains(t, filed.Links, r.Ref())
	_, err = s.Promote(bob, "p", r.Key, retro.Promotion{Target: item, To: "risk"})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "one item becomes one risk")

	reqRef, err := s.Promote(bob, "p", r.Key, retro.Promotion{Target: action, To: "requirement"})
	require.NoError(t, err)
	draft, err := s.Requirements.Get(bob, "p", reqRef.ID)
	require.NoError(t, err)
	assert.Equal(t, requirement.Draft, draft.Status)
	assert.Contains(t, draft.Links, r.Ref())

	_, err = s.Promote(bob, "p", r.Key, retro.Promotion{Target: action, To: "change_request", Requirement: req.Key})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "change requests are for approved requirements")
	_, err = s.Promote(bob, "p", r.Key, retro.Promotion{Target: action, To: "plan"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))

	got, err := s.Retros.Get(context.Background(), "p", r.Key)
	require.NoError(t, err)
	assert.Equal(t, []accord.Ref{riskRef}, got.Items[0].Promoted)
	assert.Equal(t, []accord.Ref{reqRef}, got.Actions[0].Promoted)
}
