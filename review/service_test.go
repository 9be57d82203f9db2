package review_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

func TestCreate(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	assert.Equal(t, "RV-1", rv.Key)
	assert.Equal(t, "Refund an order", rv.Title, "the title defaults to the subject's")
	assert.Equal(t, review.DefaultPolicy(review.RequirementReview), rv.Policy, "the project's policy is copied in")
	require.Len(t, rv.Rounds, 1)
	assert.Equal(t, 1, rv.Rounds[0].SubjectRevision)
	assert.Equal(t, review.RoundOpen, rv.Rounds[0].State)
	assert.Empty(t, rv.Rounds[0].Criteria, "only acceptance reviews keep criteria")
	assert.Equal(t, []string{"review.created", "review.round_opened"}, e.events.Kinds())
	assert.Equal(t, "Refund an order", rv.SubjectName, "the subject as its Subjects name it")
	summary, err := e.svc.Summary(alice, "p", rv.Key)
	require.NoError(t, err)
	assert.Contains(t, summary, "- **Subject:** Refund an order, revision 1\n", "named, not by its ID")
	assert.NotContains(t, summary, req1.ID)

	_, err = e.svc.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: req1})
	requireCode(t, accord.Conflict, err)

	acc, err := e.svc.Create(alice, "p", review.NewReview{Kind: review.AcceptanceReview, Subject: req1})
	require.NoError(t, err)
	assert.Equal(t, []review.Criterion{{ID: "AC-1", Text: "refund returns 200"}}, acc.Rounds[0].Criteria)

	bare := accord.Ref{Kind: "requirement", ID: "R2"}
	e.subjects.revise(bare, map[string]string{"title": "no criteria"})
	_, err = e.svc.Create(alice, "p", review.NewReview{Kind: review.AcceptanceReview, Subject: bare})
	requireCode(t, accord.FailedPrecondition, err)

	_, err = e.svc.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: accord.Ref{Kind: "requirement", ID: "nope"}})
	requireCode(t, accord.NotFound, err)
	_, err = e.svc.Create(context.Background(), "p", review.NewReview{Kind: review.RequirementReview, Subject: bare})
	requireCode(t, accord.Unauthenticated, err)
}

func TestCreateNamesEveryBadField(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Create(alice, "p", review.NewReview{Kind: "design", Subject: accord.Ref{Kind: "requirement"},
		Participants: []review.NewParticipant{{Actor: "", Role: "ceo"}, {Actor: "bob", Role: "backend"}, {Actor: "bob", Role: "qa"}},
		Due:          t0.Add(-time.Hour)})
	requireCode(t, accord.Invalid, err)
	assert.Equal(t, []string{"kind", "subject.id", "participants[0].actor", "participants[0].role", "participants[2].actor", "due"}, fields(err))
	_, err = e.svc.Create(alice, "p", review.NewReview{Kind: review.ContractReview, Subject: req1})
	assert.Equal(t, []string{"subject.kind"}, fields(err))
	assert.Contains(t, err.Error(), "a contract review is about a contract_version")
	_, err = e.svc.Create(alice, "bad project!", review.NewReview{Kind: review.RequirementReview, Subject: req1})
	assert.Equal(t, []string{"project"}, fields(err))
}

func TestVerdictRules(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	for _, tc := range []struct {
		name string
		ctx  context.Context
		in   review.VerdictInput
		code accord.Code
		want string
	}{
		{"not a participant", carol, review.VerdictInput{Round: 1, Decision: review.Approve}, accord.PermissionDenied, "carol is not a participant of RV-1"},
		{"unknown decision", bob, review.VerdictInput{Round: 1, Decision: "lgtm"}, accord.Invalid, "decision: unknown decision"},
		{"request_changes needs a reason", bob, review.VerdictInput{Round: 1, Decision: review.RequestChanges}, accord.Invalid, "comment: required"},
		{"reject needs a reason", alice, review.VerdictInput{Round: 1, Decision: review.Reject}, accord.Invalid, "comment: required"},
		{"backend may not veto", bob, review.VerdictInput{Round: 1, Decision: review.Reject, Comment: "no"}, accord.FailedPrecondition,
			"bob takes part as backend, and the requirement review policy lets only product, architect veto"},
		{"no such round", bob, review.VerdictInput{Round: 2, Decision: review.Approve}, accord.Invalid, "round: RV-1 has no round 2"},
		{"round missing", bob, review.VerdictInput{Decision: review.Approve}, accord.Invalid, "round: RV-1 has no round 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Verdict(tc.ctx, "p", rv.ID, tc.in)
			requireCode(t, tc.code, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	got, err := e.svc.Get(context.Background(), "p", "RV-1")
	require.NoError(t, err)
	assert.Equal(t, rv.Revision, got.Revision, "refused verdicts change nothing")
	assert.Empty(t, got.Rounds[0].Verdicts)
}

func TestVerdictsAreKeptAndTheLatestCounts(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	_, err := e.svc.Verdict(bob, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.RequestChanges, Comment: "say which refund states exist"})
	require.NoError(t, err)
	assert.Equal(t, review.ChangesRequested, e.outcome(t, rv.ID).Outcome)
	rv = e.approve(t, rv.ID, 1)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)
	var trail []string
	for i, v := range rv.Rounds[0].Verdicts {
		trail = append(trail, v.Actor+":"+string(v.Decision))
		if i > 0 {
			assert.True(t, v.Time.After(rv.Rounds[0].Verdicts[i-1].Time), "verdict %d keeps its own time", i)
		}
	}
	assert.Equal(t, []string{"bob:request_changes", "alice:approve", "bob:approve"}, trail, "every verdict is kept with its actor")
}

func TestNewRevisionMakesApprovalsStale(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	e.approve(t, rv.ID, 1)
	require.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)

	e.subjects.revise(req1, map[string]string{"description": "refund within 30 days", "labels": "payments,refunds"})
	rv, err := e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2)
	old, cur := rv.Rounds[0], rv.Rounds[1]
	assert.Equal(t, review.RoundSuperseded, old.State)
	assert.False(t, old.ClosedAt.IsZero())
	assert.Equal(t, review.RoundOpen, cur.State)
	assert.Equal(t, 2, cur.SubjectRevision)
	assert.Equal(t, []string{"description", "labels"}, cur.Changes)
	assert.True(t, cur.ChangesKnown)
	assert.False(t, cur.CarriedOver)
	assert.Empty(t, cur.Verdicts, "approvals of revision 1 do not count for revision 2")
	assert.Empty(t, cur.Assessments)
	ev := e.outcome(t, rv.ID)
	assert.Equal(t, review.Pending, ev.Outcome)
	assert.Equal(t, 2, ev.Round)
	last := rv.Log[len(rv.Log)-1]
	assert.Equal(t, "round_opened", last.Action)
	assert.Contains(t, last.Detail, "not editorial: description")

	_, err = e.svc.Verdict(bob, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	requireCode(t, accord.Conflict, err)
	assert.True(t, errors.Is(err, accord.ErrStale), "a verdict on a superseded round is a stale read")
	assert.Contains(t, err.Error(), "round 1 of RV-1 was superseded by round 2 on revision 2")

	again, err := e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	assert.Equal(t, rv.Revision, again.Revision, "syncing an up-to-date review changes nothing")
	e.approve(t, rv.ID, 2)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)
}

func TestEditorialChangesCarryVerdictsOver(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	e.approve(t, rv.ID, 1)

	e.subjects.revise(req1, map[string]string{"labels": "payments,refunds"}) // editorial under the default policy
	rv, err := e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2)
	cur := rv.Rounds[1]
	assert.True(t, cur.CarriedOver)
	require.Len(t, cur.Verdicts, 2)
	for _, v := range cur.Verdicts {
		assert.Equal(t, 1, v.CarriedFrom, "%s's verdict is marked as carried from round 1", v.Actor)
	}
	require.Len(t, cur.Assessments, 1)
	assert.Equal(t, 1, cur.Assessments[0].CarriedFrom)
	ev := e.outcome(t, rv.ID)
	assert.Equal(t, review.Approved, ev.Outcome, ev.Explain())
	assert.Equal(t, 2, ev.SubjectRevision)

	// A revision that changes no content (a status move) keeps the round.
	e.subjects.revise(req1, map[string]string{"status": "approved"})
	rv, err = e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2)
	assert.Equal(t, 3, rv.Rounds[1].SubjectRevision)
	assert.Equal(t, "round_followed", rv.Log[len(rv.Log)-1].Action)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)

	// Carried verdicts carry again; the round they came from is kept.
	e.subjects.revise(req1, map[string]string{"labels": "payments"})
	rv, err = e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 3)
	assert.Equal(t, 1, rv.Rounds[2].Verdicts[0].CarriedFrom)
}

func TestUnknownChangesNeverCarryOver(t *testing.T) {
	e := newEnv(t)
	ver := accord.Ref{Kind: "contract_version", ID: "C1@1.0.0"}
	e.subjects.revise(ver, map[string]string{"title": "orders 1.0.0"})
	rv, err := e.svc.Create(alice, "p", review.NewReview{Kind: review.ContractReview, Subject: ver,
		Participants: []review.NewParticipant{{Actor: "bob", Role: "backend"}, {Actor: "carol", Role: "frontend"}}})
	require.NoError(t, err)
	for _, ctx := range []context.Context{bob, carol} {
		_, err = e.svc.Verdict(ctx, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
		require.NoError(t, err)
	}
	require.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)
	e.subjects.revise(ver, map[string]string{"status": "draft"})
	rv, err = e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 1, "same fingerprint: the round follows")
	assert.Equal(t, 2, rv.Rounds[0].SubjectRevision)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)

	e.subjects.revise(ver, map[string]string{"title": "orders 1.0.0 with paging"})
	rv, err = e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2)
	assert.False(t, rv.Rounds[1].ChangesKnown)
	assert.Empty(t, rv.Rounds[1].Verdicts)
	assert.Equal(t, review.Pending, e.outcome(t, rv.ID).Outcome)
}

func TestVetoStandsAcrossRoundsUntilWithdrawn(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	_, err := e.svc.AddParticipant(alice, "p", rv.ID, review.NewParticipant{Actor: "zed", Role: "architect"})
	require.NoError(t, err)
	_, err = e.svc.Verdict(zed, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Reject, Comment: "duplicates the wallet project"})
	require.NoError(t, err)
	e.approve(t, rv.ID, 1)
	ev := e.outcome(t, rv.ID)
	assert.Equal(t, review.Rejected, ev.Outcome)
	assert.Equal(t, "veto", string(ev.Unmet[0].Rule))
	assert.Contains(t, ev.Unmet[0].Message, "zed in round 1: duplicates the wallet project")

	e.subjects.revise(req1, map[string]string{"description": "refund to the wallet"})
	_, err = e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	e.approve(t, rv.ID, 2)
	ev = e.outcome(t, rv.ID)
	assert.Equal(t, review.Rejected, ev.Outcome, "the veto of round 1 still stands in round 2")

	_, err = e.svc.WithdrawVeto(bob, "p", rv.ID, "not mine")
	requireCode(t, accord.FailedPrecondition, err)
	_, err = e.svc.WithdrawVeto(zed, "p", rv.ID, "")
	requireCode(t, accord.Invalid, err)
	rv, err = e.svc.WithdrawVeto(zed, "p", rv.ID, "the wallet team agreed to share the code")
	require.NoError(t, err)
	require.Len(t, rv.Vetoes, 1)
	assert.False(t, rv.Vetoes[0].Standing())
	assert.Equal(t, "the wallet team agreed to share the code", rv.Vetoes[0].WithdrawnReason)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)

	// Vetoing again and then approving withdraws the veto too.
	_, err = e.svc.Verdict(zed, "p", rv.ID, review.VerdictInput{Round: 2, Decision: review.Reject, Comment: "on second thought"})
	require.NoError(t, err)
	assert.Equal(t, review.Rejected, e.outcome(t, rv.ID).Outcome)
	rv, err = e.svc.Verdict(zed, "p", rv.ID, review.VerdictInput{Round: 2, Decision: review.Approve})
	require.NoError(t, err)
	assert.False(t, rv.Vetoes[1].Standing())
	assert.Equal(t, "replaced by approve in round 2", rv.Vetoes[1].WithdrawnReason)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)
}

func TestOverride(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	in := review.OverrideInput{Round: 1, Outcome: review.Approved, Reason: "launch date fixed by the board; risks accepted"}
	_, err := e.svc.Override(bob, "p", rv.ID, in)
	requireCode(t, accord.PermissionDenied, err)
	perm, _ := accord.MissingPermission(err)
	assert.Equal(t, accord.PermReviewOverride, perm, "backend does not hold review.override")
	_, err = e.svc.Override(admin, "p", rv.ID, in)
	requireCode(t, accord.PermissionDenied, err)
	assert.Contains(t, err.Error(), "lets only architect override")
	_, err = e.svc.Override(zed, "p", rv.ID, review.OverrideInput{Round: 1, Outcome: review.Pending, Reason: "x"})
	requireCode(t, accord.Invalid, err)
	_, err = e.svc.Override(zed, "p", rv.ID, review.OverrideInput{Round: 1, Outcome: review.Approved})
	assert.Equal(t, []string{"reason"}, fields(err))

	_, err = e.svc.Override(zed, "p", rv.ID, in) // an architect who is not a participant
	require.NoError(t, err)
	ev := e.outcome(t, rv.ID)
	assert.Equal(t, review.Approved, ev.Outcome)
	require.NotNil(t, ev.Override)
	assert.Equal(t, "zed", ev.Override.Actor)
	assert.NotEmpty(t, ev.Unmet, "the rules the override skipped are still shown")
	summary, err := e.svc.Summary(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	assert.Contains(t, summary, "Overridden to **approved** by zed")

	e.subjects.revise(req1, map[string]string{"description": "changed"})
	_, err = e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	ev = e.outcome(t, rv.ID)
	assert.Nil(t, ev.Override, "an override decides one round only")
	assert.Equal(t, review.Pending, ev.Outcome)
}

func TestAcceptanceChecks(t *testing.T) {
	e := newEnv(t)
	e.subjects.revise(req1, map[string]string{"title": "Refund", "criterion:AC-1": "refund returns 200", "criterion:AC-2": "late refund fails"})
	rv, err := e.svc.Create(alice, "p", review.NewReview{Kind: review.AcceptanceReview, Subject: req1,
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "carol", Role: "qa"}}})
	require.NoError(t, err)

	_, err = e.svc.Check(carol, "p", rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{{CriterionID: "AC-1", Result: review.Passed}}})
	requireCode(t, accord.PermissionDenied, err)
	assert.Contains(t, err.Error(), "carol takes part in RV-1 as qa but does not hold the role qa", "a participant acts only in a role they hold")
	carol := as("carol", "qa")
	_, err = e.svc.Check(carol, "p", rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{
		{CriterionID: "AC-1", Result: review.Failed}, {CriterionID: "AC-1", Result: "ok"}}})
	assert.Equal(t, []string{"results[0].problem", "results[1].criterion_id", "results[1].result"}, fields(err))
	_, err = e.svc.Check(carol, "p", rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{{CriterionID: "AC-9", Result: review.Passed}}})
	assert.Equal(t, []string{"results[0].criterion_id"}, fields(err))
	assert.Contains(t, err.Error(), "AC-9 is not a criterion of round 1; its criteria are AC-1, AC-2")

	_, err = e.svc.Check(carol, "p", rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{
		{CriterionID: "AC-1", Result: review.Passed}, {CriterionID: "AC-2", Result: review.Failed, Problem: "returns 500 after day 14"}}})
	require.NoError(t, err)
	_, err = e.svc.Verdict(alice, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	require.NoError(t, err)
	ev := e.outcome(t, rv.ID)
	assert.Equal(t, review.ChangesRequested, ev.Outcome)
	assert.Equal(t, "criteria_failed: failed: AC-2 (returns 500 after day 14)", string(ev.Unmet[0].Rule)+": "+ev.Unmet[0].Message)

	_, err = e.svc.Check(carol, "p", rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{{CriterionID: "AC-2", Result: review.NotTested}}})
	require.NoError(t, err)
	assert.Equal(t, review.Pending, e.outcome(t, rv.ID).Outcome)
	_, err = e.svc.Check(carol, "p", rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{{CriterionID: "AC-2", Result: review.Passed}}})
	require.NoError(t, err)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)

	req := e.requirementReviewOf(t, accord.Ref{Kind: "requirement", ID: "R3"})
	_, err = e.svc.Check(alice, "p", req.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{{CriterionID: "AC-1", Result: review.Passed}}})
	requireCode(t, accord.FailedPrecondition, err)
}

func (e *env) requirementReviewOf(t *testing.T, ref accord.Ref) review.Review {
	t.Helper()
	e.subjects.revise(ref, map[string]string{"title": ref.ID})
	rv, err := e.svc.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: ref,
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}}})
	require.NoError(t, err)
	return rv
}

func TestThreads(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	_, err := e.svc.OpenThread(bob, "p", rv.ID, review.ThreadInput{Anchor: "Acceptance Criteria", Body: "?"})
	assert.Equal(t, []string{"anchor"}, fields(err))
	_, err = e.svc.OpenThread(bob, "p", rv.ID, review.ThreadInput{Anchor: "flow[0]"})
	assert.Equal(t, []string{"body"}, fields(err))
	_, err = e.svc.OpenThread(carol, "p", rv.ID, review.ThreadInput{Body: "hi"})
	requireCode(t, accord.PermissionDenied, err)

	rv, err = e.svc.OpenThread(bob, "p", rv.ID, review.ThreadInput{Anchor: "acceptance_criteria[0]", Body: "200 or 202? refunds are asynchronous"})
	require.NoError(t, err)
	th := rv.Threads[len(rv.Threads)-1]
	rv, err = e.svc.Reply(alice, "p", rv.ID, th.ID, review.ReplyInput{Body: "202, and the order shows refund_pending"})
	require.NoError(t, err)
	_, err = e.svc.Reply(alice, "p", rv.ID, "nope", review.ReplyInput{Body: "x"})
	requireCode(t, accord.NotFound, err)
	e.approve(t, rv.ID, 1)
	ev := e.outcome(t, rv.ID)
	assert.Equal(t, review.Pending, ev.Outcome)
	assert.Equal(t, review.RuleThreadsResolved, ev.Unmet[0].Rule)
	assert.Equal(t, []string{"bob"}, ev.Unmet[0].Participants)

	rv, err = e.svc.ResolveThread(bob, "p", rv.ID, th.ID, true)
	require.NoError(t, err)
	assert.True(t, rv.Threads[0].Resolved)
	assert.Equal(t, "bob", rv.Threads[0].ResolvedBy)
	assert.Len(t, rv.Threads[0].Comments, 2)
	assert.Equal(t, review.Approved, e.outcome(t, rv.ID).Outcome)
	rv, err = e.svc.ResolveThread(alice, "p", rv.ID, th.ID, false)
	require.NoError(t, err)
	assert.False(t, rv.Threads[0].Resolved)
	assert.True(t, rv.Threads[0].ResolvedAt.IsZero())
	assert.Equal(t, review.Pending, e.outcome(t, rv.ID).Outcome)

	// Threads live across rounds.
	e.subjects.revise(req1, map[string]string{"criterion:AC-1": "refund returns 202"})
	rv, err = e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	assert.Len(t, rv.Threads, 1)
	assert.Equal(t, 1, rv.Threads[0].Round)
}

func TestAssessmentValidation(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	for _, tc := range []struct {
		name   string
		in     review.AssessmentInput
		fields []string
	}{
		{"empty", review.AssessmentInput{Round: 1}, []string{"feasibility", "difficulty", "effort_days"}},
		{"risks missing", review.AssessmentInput{Round: 1, Feasibility: review.FeasibleWithRisks, Difficulty: 6, EffortDays: 2}, []string{"difficulty", "risks"}},
		{"infeasible without notes", review.AssessmentInput{Round: 1, Feasibility: review.Infeasible, Difficulty: 5}, []string{"notes"}},
		{"bad risk", review.AssessmentInput{Round: 1, Feasibility: review.FeasibleWithRisks, Difficulty: 3, EffortDays: -1,
			Risks: []review.RiskInput{{Category: "weather"}}}, []string{"effort_days", "risks[0].title", "risks[0].category"}},
	} {
		_, err := e.svc.Assess(bob, "p", rv.ID, tc.in)
		requireCode(t, accord.Invalid, err)
		assert.Equal(t, tc.fields, fields(err), tc.name)
	}
	rv, err := e.svc.Assess(bob, "p", rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.FeasibleWithRisks, Difficulty: 4, EffortDays: 12.5,
		Risks: []review.RiskInput{{Title: "payment provider has no refund API", Category: accord.RiskDependency}}})
	require.NoError(t, err)
	risks := rv.Risks()
	require.Len(t, risks, 1)
	assert.NotEmpty(t, risks[0].ID)
	assert.Equal(t, accord.Ref{Kind: "review_risk", ID: rv.ID + "/" + risks[0].ID}, review.RiskRef(rv.ID, risks[0].ID))
}

func TestEventsTellWhatHappened(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	e.approve(t, rv.ID, 1)
	e.subjects.revise(req1, map[string]string{"description": "changed"})
	_, err := e.svc.Sync(alice, "p", rv.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"review.created", "review.round_opened", "review.assessed", "review.verdict_given", "review.verdict_given",
		"review.outcome_changed", "review.round_opened", "review.outcome_changed"}, e.events.Kinds())
	var changes []string
	for _, ev := range e.events.All() {
		if ev.Kind == "review.outcome_changed" {
			changes = append(changes, ev.Summary)
			assert.Equal(t, rv.Ref(), ev.Ref)
		}
	}
	assert.Equal(t, "RV-1: outcome changed from pending to approved (approved)", changes[0])
	assert.True(t, strings.HasPrefix(changes[1], "RV-1: outcome changed from approved to pending (pending: min_approvals: 0 of 2 approvals"), changes[1])
}

// TestConcurrentVerdictsLoseNothing has 20 participants give their verdicts
// at the same moment: every one of them must count.
func TestConcurrentVerdictsLoseNothing(t *testing.T) {
	e := newEnv(t)
	e.subjects.revise(req1, map[string]string{"title": "Refund"})
	var ps []review.NewParticipant
	for i := range 20 {
		ps = append(ps, review.NewParticipant{Actor: fmt.Sprintf("eng%02d", i), Role: "backend"})
	}
	ps = append(ps, review.NewParticipant{Actor: "alice", Role: "product"})
	rv, err := e.svc.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: req1, Participants: ps})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := as(fmt.Sprintf("eng%02d", i), "backend")
			if _, err := e.svc.Verdict(ctx, "p", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve}); err != nil {
				t.Error(err)
			}
			if _, err := e.svc.Assess(ctx, "p", rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.Feasible, Difficulty: 1, EffortDays: 1}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := e.svc.Get(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	assert.Len(t, got.Rounds[0].Verdicts, 20)
	assert.Len(t, got.Rounds[0].Assessments, 20)
	assert.Equal(t, 1+40, got.Revision)
	ev := review.Evaluate(got, t0)
	assert.Equal(t, 20, ev.Approvals)
}

func TestRequire(t *testing.T) {
	e := newEnv(t)
	err := e.svc.Require(alice, "p", review.RequirementReview, req1, 1)
	requireCode(t, accord.FailedPrecondition, err)
	assert.Contains(t, err.Error(), "requirement/R1 needs an approved requirement review and has none")

	rv := e.requirementReview(t)
	err = e.svc.Require(alice, "p", review.RequirementReview, req1, 1)
	requireCode(t, accord.FailedPrecondition, err)
	assert.Contains(t, err.Error(), "requirement review RV-1 (round 1, revision 1) is pending: min_approvals: 0 of 2 approvals")
	e.approve(t, rv.ID, 1)
	require.NoError(t, e.svc.Require(alice, "p", review.RequirementReview, req1, 1))

	// The subject moved on without anybody syncing: Require syncs first.
	n := e.subjects.revise(req1, map[string]string{"description": "changed"})
	err = e.svc.Require(alice, "p", review.RequirementReview, req1, n)
	requireCode(t, accord.FailedPrecondition, err)
	assert.Contains(t, err.Error(), "(round 2, revision 2) is pending")
}

func TestSettings(t *testing.T) {
	e := newEnv(t)
	s, err := e.svc.Settings(context.Background(), "p")
	require.NoError(t, err)
	assert.Equal(t, 0, s.Revision)
	assert.Equal(t, review.DefaultPolicy(review.ContractReview), s.Policies[review.ContractReview])

	lenient := review.Policy{MinApprovals: 1, RequiredRoles: []string{"dba"}}
	in := review.Settings{Roles: []string{"dba"}, Policies: map[review.Kind]review.Policy{review.RequirementReview: lenient}}
	_, err = e.svc.UpdateSettings(admin, "p", 1, in)
	requireCode(t, accord.Conflict, err)
	bad := in.Clone()
	bad.Roles = nil
	_, err = e.svc.UpdateSettings(admin, "p", 0, bad)
	assert.Equal(t, []string{"policies.requirement.required_roles[0]"}, fields(err))

	before := e.requirementReview(t)
	s, err = e.svc.UpdateSettings(admin, "p", 0, in)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Revision)
	assert.Equal(t, "alice", s.UpdatedBy)

	kept, err := e.svc.Get(context.Background(), "p", before.ID)
	require.NoError(t, err)
	assert.Equal(t, review.DefaultPolicy(review.RequirementReview), kept.Policy, "a review keeps the policy it was created with")
	r2 := accord.Ref{Kind: "requirement", ID: "R2"}
	e.subjects.revise(r2, map[string]string{"title": "two"})
	rv, err := e.svc.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r2,
		Participants: []review.NewParticipant{{Actor: "dana", Role: "dba"}}})
	require.NoError(t, err, "the project's own role is accepted")
	assert.Equal(t, lenient, rv.Policy)
}

func TestParticipants(t *testing.T) {
	e := newEnv(t)
	rv := e.requirementReview(t)
	_, err := e.svc.AddParticipant(alice, "p", rv.ID, review.NewParticipant{Actor: "bob", Role: "qa"})
	requireCode(t, accord.Conflict, err)
	_, err = e.svc.AddParticipant(alice, "p", rv.ID, review.NewParticipant{Actor: "carol", Role: "designer"})
	assert.Equal(t, []string{"participant.role"}, fields(err))
	_, err = e.svc.RemoveParticipant(alice, "p", rv.ID, "nobody")
	requireCode(t, accord.NotFound, err)

	e.approve(t, rv.ID, 1)
	rv, err = e.svc.RemoveParticipant(alice, "p", rv.ID, "bob")
	require.NoError(t, err)
	assert.Len(t, rv.Rounds[0].Verdicts, 2, "the removed participant's verdict stays in the history")
	ev := e.outcome(t, rv.ID)
	assert.Equal(t, review.Pending, ev.Outcome, "but no longer counts")

	rv, err = e.svc.SetDue(alice, "p", rv.ID, rv.Revision, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Hour), rv.Due)
	_, err = e.svc.SetDue(alice, "p", rv.ID, rv.Revision, t0)
	assert.Equal(t, []string{"due"}, fields(err))
}
