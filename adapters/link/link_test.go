package link_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

var (
	alice = accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	bob   = accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})
	fay   = accord.WithActor(context.Background(), accord.Actor{ID: "fay", Roles: []string{"frontend", "qa"}})
	admin = accord.WithActor(context.Background(), accord.Actor{ID: "ada", Roles: []string{"admin"}})
)

func wired(t *testing.T) (link.Services, *[]accord.Event) {
	t.Helper()
	var mu sync.Mutex
	var events []accord.Event
	sink := accord.EventSinkFunc(func(_ context.Context, e accord.Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	})
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore()}, Events: sink, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	return s, &events
}

func content() requirement.Content {
	return requirement.Content{Title: "Refund an order", Description: "A buyer refunds a paid order within 14 days.",
		Priority: requirement.P1, Owner: "alice", Labels: []string{"payments"},
		Acceptance: []requirement.AcceptanceCriterion{{Text: "A refund inside the window returns 202"}, {Text: "A late refund fails with REFUND_WINDOW_CLOSED"}}}
}

func refused(t *testing.T, err error, want ...string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "%v", err)
	for _, w := range want {
		assert.Contains(t, err.Error(), w)
	}
}

func approveRound(t *testing.T, s link.Services, id string) {
	t.Helper()
	rv, err := s.Reviews.Get(context.Background(), "p", id)
	require.NoError(t, err)
	n := rv.Current().Number
	_, err = s.Reviews.Assess(bob, "p", id, review.AssessmentInput{Round: n, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 3})
	require.NoError(t, err)
	for _, ctx := range []context.Context{alice, bob} {
		_, err = s.Reviews.Verdict(ctx, "p", id, review.VerdictInput{Round: n, Decision: review.Approve})
		require.NoError(t, err)
	}
}

func TestRequirementGates(t *testing.T) {
	s, events := wired(t)
	r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content(), Note: "first draft"})
	require.NoError(t, err)
	r, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)

	_, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	refused(t, err, "REQ-1 cannot move to approved: requirement/"+r.ID+" needs an approved requirement review and has none")

	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview,
		Subject:      accord.Ref{Kind: "requirement", ID: "REQ-1"}, // by key: stored by ID
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.NoError(t, err)
	assert.Equal(t, r.Ref(), rv.Subject)
	assert.Equal(t, "REQ-1 Refund an order", rv.Title)
	assert.Equal(t, r.Revision, rv.Current().SubjectRevision)

	_, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	refused(t, err, "REQ-1 cannot move to approved: requirement review RV-1 (round 1, revision 2) is pending: min_approvals: 0 of 2 approvals")
	got, err := s.Requirements.Get(context.Background(), "p", r.ID)
	require.NoError(t, err)
	assert.Equal(t, requirement.InReview, got.Status, "a refused transition changes nothing")

	approveRound(t, s, rv.ID)
	r, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.NoError(t, err)
	rv, err = s.Reviews.Get(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	assert.Len(t, rv.Rounds, 1, "a status change is no new content")
	assert.Equal(t, r.Revision, rv.Current().SubjectRevision, "the round follows the status-only revision")

	// An applied change request puts REQ-1 back in review and opens round 2.
	changed := content()
	changed.Description = "A buyer refunds a paid order within 30 days."
	cr, err := s.Requirements.ProposeChange(alice, "p", r.ID, requirement.ChangeProposal{Proposed: changed,
		Reason: "legal asks for 30 days", Impact: requirement.Impact{Technical: "window constant and tests"}})
	require.NoError(t, err)
	cr, err = s.Requirements.DecideChange(bob, "p", cr.ID, cr.Revision, requirement.DecisionInput{To: requirement.ChangeApproved})
	require.NoError(t, err)
	r, _, err = s.Requirements.ApplyChange(alice, "p", cr.ID, cr.Revision)
	require.NoError(t, err)
	rv, err = s.Reviews.Get(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2, "applying the change request opened a new round")
	assert.Equal(t, r.Revision, rv.Current().SubjectRevision)
	assert.Equal(t, []string{"description"}, rv.Current().Changes)
	assert.Empty(t, rv.Current().Verdicts)
	_, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	refused(t, err, "(round 2, revision 4) is pending")
	approveRound(t, s, rv.ID)
	r, err = s.Requirements.Transition(alice, "p", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.NoError(t, err)

	// Acceptance.
	for _, to := range []requirement.Status{requirement.InDevelopment, requirement.InTesting} {
		r, err = s.Requirements.Transition(bob, "p", r.ID, r.Revision, requirement.TransitionInput{To: to})
		require.NoError(t, err)
	}
	_, err = s.Requirements.Transition(alice, "p", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Accepted})
	refused(t, err, "REQ-1 cannot move to accepted", "needs an approved acceptance review")
	acc, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.AcceptanceReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "fay", Role: "qa"}}})
	require.NoError(t, err)
	assert.Equal(t, []review.Criterion{{ID: "AC-1", Text: "A refund inside the window returns 202"}, {ID: "AC-2", Text: "A late refund fails with REFUND_WINDOW_CLOSED"}},
		acc.Current().Criteria)
	_, err = s.Reviews.Check(fay, "p", acc.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{
		{CriterionID: "AC-1", Result: review.Passed}, {CriterionID: "AC-2", Result: review.Failed, Problem: "returns 500"}}})
	require.NoError(t, err)
	_, err = s.Reviews.Verdict(alice, "p", acc.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	require.NoError(t, err)
	_, err = s.Requirements.Transition(alice, "p", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Accepted})
	refused(t, err, "acceptance review RV-2 (round 1, revision 7) is changes_requested: criteria_failed: failed: AC-2 (returns 500)")
	_, err = s.Reviews.Check(fay, "p", acc.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{{CriterionID: "AC-2", Result: review.Passed}}})
	require.NoError(t, err)
	r, err = s.Requirements.Transition(alice, "p", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Accepted})
	require.NoError(t, err)
	assert.Equal(t, requirement.Accepted, r.Status)

	var kinds []string
	for _, e := range *events {
		if e.Kind == "review.sync_failed" {
			t.Errorf("unexpected sync failure: %s", e.Summary)
		}
		kinds = append(kinds, e.Kind)
	}
	assert.Contains(t, kinds, "review.round_opened")
	assert.Contains(t, kinds, "review.outcome_changed")
}

func spec() contract.Spec {
	return contract.Spec{Service: "orders", Owner: "team-orders", Operations: []contract.Operation{{
		ID: "getOrder", Method: "GET", Path: "/orders/{id}",
		Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"string"}`)}},
		Responses:  map[string]contract.Response{"200": {Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(`{"type":"object"}`)}}}},
	}}}
}

func TestContractGate(t *testing.T) {
	s, _ := wired(t)
	v, err := s.Contracts.Create(bob, "p", contract.NewContract{Version: "1.0.0", Spec: spec()})
	require.NoError(t, err)
	v, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
	_, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Agreed})
	refused(t, err, "orders 1.0.0 cannot move to agreed", "needs an approved contract review")

	rv, err := s.Reviews.Create(bob, "p", review.NewReview{Kind: review.ContractReview, Subject: v.Ref(),
		Participants: []review.NewParticipant{{Actor: "bob", Role: "backend"}, {Actor: "fay", Role: "frontend"}}})
	require.NoError(t, err)
	assert.Equal(t, "orders 1.0.0", rv.Title)
	_, err = s.Reviews.Verdict(bob, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	require.NoError(t, err)
	_, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Agreed})
	refused(t, err, "contract review RV-1 (round 1, revision 2) is pending", "required_roles: no approval from frontend (fay)")

	// Back to draft and proposed again without an edit: same spec, same round.
	v, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Draft, Note: "fay wants paging"})
	require.NoError(t, err)
	v, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
	rv, err = s.Reviews.Get(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 1, "the spec did not change")
	assert.Equal(t, v.Revision, rv.Current().SubjectRevision)
	assert.Len(t, rv.Current().Verdicts, 1, "bob's approval stands")

	// Back to draft, edit, propose again: the approval does not survive.
	v, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Draft, Note: "fay wants paging"})
	require.NoError(t, err)
	paged := spec()
	paged.Operations[0].Summary = "Get one order"
	v, err = s.Contracts.UpdateVersion(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.SpecInput{Spec: paged, Note: "summary"})
	require.NoError(t, err)
	v, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
	rv, err = s.Reviews.Get(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2)
	assert.Equal(t, v.Revision, rv.Current().SubjectRevision)
	assert.True(t, rv.Current().ChangesKnown, "versions keep their revisions, so the changes are known")
	assert.Equal(t, []string{"spec.operations[0].summary"}, rv.Current().Changes)
	assert.Empty(t, rv.Current().Verdicts, "a changed operation is not editorial: nothing carries over")
	for _, ctx := range []context.Context{bob, fay} {
		_, err = s.Reviews.Verdict(ctx, "p", rv.ID, review.VerdictInput{Round: 2, Decision: review.Approve})
		require.NoError(t, err)
	}
	v, err = s.Contracts.Transition(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.TransitionInput{To: contract.Agreed})
	require.NoError(t, err)
	assert.Equal(t, contract.Agreed, v.Status)
	ev, err := s.Reviews.Outcome(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	assert.Equal(t, review.Approved, ev.Outcome, "agreeing changes no content: the review stays approved")
	assert.Equal(t, v.Revision, ev.SubjectRevision)
}

func TestSubjects(t *testing.T) {
	s := link.NewSubjects(nil, nil)
	_, err := s.Subject(context.Background(), "p", accord.Ref{Kind: "requirement", ID: "R1"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "no requirement store: requirements cannot be reviewed")
	_, err = s.Subject(context.Background(), "p", accord.Ref{Kind: "design", ID: "D1"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "cannot be reviewed")
	s = link.NewSubjects(nil, memory.NewContractStore())
	_, err = s.Subject(context.Background(), "p", accord.Ref{Kind: "contract_version", ID: "no-version"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	_, err = s.Subject(context.Background(), "p", accord.Ref{Kind: "contract_version", ID: "C1@1.0.0"})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
}

func TestBreakingChangesNeedTheRolesThePolicyNames(t *testing.T) {
	s, _ := wired(t)
	quinn := accord.WithActor(context.Background(), accord.Actor{ID: "quinn", Roles: []string{"qa"}})
	agree := func(v contract.Version, approvers ...context.Context) (contract.Version, error) {
		t.Helper()
		rv, err := s.Reviews.Find(context.Background(), "p", review.ContractReview, v.Ref())
		require.NoError(t, err)
		for _, ctx := range approvers {
			_, err = s.Reviews.Verdict(ctx, "p", rv.ID, review.VerdictInput{Round: rv.Current().Number, Decision: review.Approve})
			require.NoError(t, err)
		}
		return s.Contracts.Transition(bob, "p", v.ContractID, v.Version, v.Revision, contract.TransitionInput{To: contract.Agreed})
	}
	participants := []review.NewParticipant{{Actor: "bob", Role: "backend"}, {Actor: "fay", Role: "frontend"}, {Actor: "quinn", Role: "qa"}}

	v1, err := s.Contracts.Create(bob, "p", contract.NewContract{Version: "1.0.0", Spec: spec()})
	require.NoError(t, err)
	v1, err = s.Contracts.Transition(bob, "p", v1.ContractID, "1.0.0", v1.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
	_, err = s.Reviews.Create(bob, "p", review.NewReview{Kind: review.ContractReview, Subject: v1.Ref(), Participants: participants})
	require.NoError(t, err)
	_, err = agree(v1, bob, fay)
	require.NoError(t, err, "no breaking changes: the usual roles suffice")

	_, err = s.Contracts.UpdateSettings(admin, "p", 0, contract.Settings{BreakingApprovers: []string{"qa"}})
	require.NoError(t, err)
	v2, err := s.Contracts.NewVersion(bob, "p", v1.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "2.0.0"})
	require.NoError(t, err)
	stricter := spec()
	stricter.Operations[0].Parameters[0].Schema = json.RawMessage(`{"type":"integer"}`)
	v2, err = s.Contracts.UpdateVersion(bob, "p", v1.ContractID, "2.0.0", v2.Revision, contract.SpecInput{Spec: stricter, Note: "ids are numbers"})
	require.NoError(t, err)
	v2, err = s.Contracts.Transition(bob, "p", v1.ContractID, "2.0.0", v2.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err, "a new major version may break")
	require.Equal(t, []string{"qa"}, v2.Compatibility.Approvers)
	_, err = s.Reviews.Create(bob, "p", review.NewReview{Kind: review.ContractReview, Subject: v2.Ref(), Participants: participants})
	require.NoError(t, err)

	rv2, err := s.Reviews.Find(context.Background(), "p", review.ContractReview, v2.Ref())
	require.NoError(t, err)
	md, err := s.Reviews.Summary(context.Background(), "p", rv2.ID)
	require.NoError(t, err)
	assert.Contains(t, md, "## What to look at")
	assert.Contains(t, md, "1 breaking change(s) against 1.0.0")
	assert.Contains(t, md, "request-parameter-type-changed")
	assert.Contains(t, md, "approval from: qa")

	_, err = agree(v2, bob, fay)
	refused(t, err, "orders 2.0.0 cannot move to agreed", "1 breaking change(s) against 1.0.0", "no approval from qa")
	v2, err = agree(v2, quinn)
	require.NoError(t, err)
	assert.Equal(t, contract.Agreed, v2.Status)
}
