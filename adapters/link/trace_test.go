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
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// tracedStores wires every domain with links, and gives the impacts of
// proposals over the same stores.
func tracedStores(t *testing.T) (link.Services, report.Impacts) {
	t.Helper()
	stores := memory.New()
	s, err := link.New(link.Options{Stores: stores, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	return s, report.Impacts{Traces: s.Traces, Records: s.Records, Stores: stores}
}

// only returns the one link from → to, failing when there is not exactly one.
func only(t *testing.T, s link.Services, from, to accord.Ref) trace.Link {
	t.Helper()
	page, err := s.Traces.List(context.Background(), "p", trace.Filter{From: from, To: to}, accord.PageQuery{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1, "links from %s to %s", from, to)
	return page.Items[0]
}

func requireCurrent(t *testing.T, s link.Services, l trace.Link, why string) {
	t.Helper()
	got, err := s.Traces.Get(context.Background(), "p", l.ID)
	require.NoError(t, err)
	assert.Equal(t, trace.Current, got.Status, why)
	assert.Nil(t, got.Suspicion, why)
}

func requireSuspect(t *testing.T, s link.Services, l trace.Link, fields ...string) trace.Link {
	t.Helper()
	got, err := s.Traces.Get(context.Background(), "p", l.ID)
	require.NoError(t, err)
	require.Equal(t, trace.Suspect, got.Status, "%s %s %s", got.From, got.Role, got.To)
	require.NotNil(t, got.Suspicion)
	assert.Equal(t, fields, got.Suspicion.Fields)
	return got
}

func opSpec(reqs ...accord.Ref) contract.Spec {
	sp := spec()
	sp.Operations[0].Requirements = reqs
	return sp
}

// Every pair of domains that links today: each link turns suspect on a
// content revision of its target and not on a status-only one.
func TestLinksTurnSuspectOnContentNotStatus(t *testing.T) {
	s, impacts := tracedStores(t)
	ctx := context.Background()
	r1, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)

	t.Run("contract operation implements a requirement", func(t *testing.T) {
		v, err := s.Contracts.Create(bob, "p", contract.NewContract{Version: "1.0.0", Spec: opSpec(accord.Ref{Kind: "requirement", ID: "REQ-1"})})
		require.NoError(t, err)
		l := only(t, s, v.Ref(), r1.Ref())
		assert.Equal(t, trace.Implements, l.Role)
		assert.Equal(t, trace.Declared, l.Origin)
		assert.Equal(t, r1.Revision, l.TargetRevision)
		assert.Equal(t, "operations getOrder", l.Note)

		r, err := s.Requirements.Transition(alice, "p", r1.ID, r1.Revision, requirement.TransitionInput{To: requirement.InReview})
		require.NoError(t, err)
		requireCurrent(t, s, l, "a status change is not content")

		c := content()
		c.Acceptance[1].Text = "A late refund fails with 409 REFUND_WINDOW_CLOSED"
		c.Labels = []string{"payments", "legal"}
		r1, err = s.Requirements.Update(alice, "p", r.ID, r.Revision, requirement.ContentInput{Content: c, Note: "the status code"})
		require.NoError(t, err)
		requireSuspect(t, s, l, "acceptance_criteria[1].text")

		// The operation no longer declares it: the declared link goes.
		_, err = s.Contracts.UpdateVersion(bob, "p", v.ContractID, "1.0.0", v.Revision, contract.SpecInput{Spec: opSpec()})
		require.NoError(t, err)
		page, err := s.Traces.List(ctx, "p", trace.Filter{From: v.Ref()}, accord.PageQuery{})
		require.NoError(t, err)
		assert.Empty(t, page.Items)
	})

	t.Run("requirement links a requirement", func(t *testing.T) {
		c := content()
		c.Title, c.Links = "Refund to the wallet", []accord.Ref{{Kind: "requirement", ID: "REQ-1"}}
		r2, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: c})
		require.NoError(t, err)
		l := only(t, s, r2.Ref(), r1.Ref())
		r1 = statusOnly(t, s, r1)
		requireCurrent(t, s, l, "a status change is not content")
		c = r1.Content.Clone()
		c.Goal = "Fewer refund tickets"
		r1, err = s.Requirements.Update(alice, "p", r1.ID, r1.Revision, requirement.ContentInput{Content: c})
		require.NoError(t, err)
		requireSuspect(t, s, l, "goal")
	})

	var rk risk.Risk
	t.Run("risk links a requirement; a requirement mitigates a risk", func(t *testing.T) {
		rk, err = s.Risks.Create(bob, "p", risk.NewRisk{Title: "Refunds pile up", Cause: "the provider rate-limits", Event: "refunds queue",
			Effect: "late refunds", Category: risk.Dependency, Links: []accord.Ref{r1.Ref()}})
		require.NoError(t, err)
		fromRisk := only(t, s, rk.Ref(), r1.Ref())
		mitigation, err := s.Traces.Link(alice, "p", trace.NewLink{From: accord.Ref{Kind: "requirement", ID: "REQ-1"},
			To: accord.Ref{Kind: "risk", ID: rk.Key}, Role: trace.Mitigates, Note: "batching refunds"})
		require.NoError(t, err)
		assert.Equal(t, rk.Ref(), mitigation.To, "stored by ID")

		rk, err = s.Risks.Transition(bob, "p", rk.ID, rk.Revision, risk.TransitionInput{To: risk.Escalated, Reason: "to the lead"})
		require.NoError(t, err)
		requireCurrent(t, s, mitigation, "a status change of the risk is not content")
		rk, err = s.Risks.Update(bob, "p", rk.ID, rk.Revision, risk.Content{Title: rk.Title, Cause: rk.Cause, Event: rk.Event,
			Effect: "refunds later than the 14 days promised", Category: rk.Category, Links: rk.Links})
		require.NoError(t, err)
		requireSuspect(t, s, mitigation, "effect")
		requireCurrent(t, s, fromRisk, "REQ-1 has not changed since")
		c := r1.Content.Clone()
		c.Description = "A buyer refunds a paid order within 21 days."
		r1, err = s.Requirements.Update(alice, "p", r1.ID, r1.Revision, requirement.ContentInput{Content: c})
		require.NoError(t, err)
		requireSuspect(t, s, fromRisk, "description")
	})

	t.Run("iteration schedules a requirement; a retrospective looks back on the iteration", func(t *testing.T) {
		it, err := s.Plans.CreateIteration(alice, "p", plan.IterationContent{Name: "Sprint 1", Start: plan.Date("2026-03-02"), End: plan.Date("2026-03-13")})
		require.NoError(t, err)
		it, err = s.Plans.Schedule(alice, "p", it.ID, it.Revision, plan.ScheduleInput{Ref: r1.Ref(),
			Override: &plan.Override{Days: 3, Reason: "sized in planning"}})
		require.NoError(t, err)
		scheduled := only(t, s, it.Ref(), r1.Ref())
		rt, err := s.Retros.Create(alice, "p", retro.NewRetro{Title: "Sprint 1", Series: "payments", LooksBackOn: []accord.Ref{it.Ref()}})
		require.NoError(t, err)
		looksBack := only(t, s, rt.Ref(), it.Ref())

		c := r1.Content.Clone()
		c.Description = "A buyer refunds a paid order within 30 days."
		r1, err = s.Requirements.Update(alice, "p", r1.ID, r1.Revision, requirement.ContentInput{Content: c})
		require.NoError(t, err)
		requireSuspect(t, s, scheduled, "description")

		it, err = s.Plans.UpdateIteration(alice, "p", it.ID, it.Revision, plan.IterationContent{Name: "Sprint 1 (renamed)", Start: it.Start, End: it.End})
		require.NoError(t, err)
		requireCurrent(t, s, looksBack, "a new name is not what the retrospective relies on")
		_, err = s.Plans.UpdateIteration(alice, "p", it.ID, it.Revision, plan.IterationContent{Name: it.Name, Start: it.Start, End: plan.Date("2026-03-20")})
		require.NoError(t, err)
		requireSuspect(t, s, looksBack, "end") // named by its JSON path, as every content field is

		ms, err := s.Plans.CreateMilestone(alice, "p", plan.MilestoneContent{Name: "Refunds live", Date: plan.Date("2026-03-27"), Deliverables: []accord.Ref{r1.Ref()}})
		require.NoError(t, err)
		delivers := only(t, s, ms.Ref(), r1.Ref())
		c = r1.Content.Clone()
		c.Exceptions = []requirement.ExceptionCase{{Condition: "the provider is down", Handling: "queue the refund"}}
		r1, err = s.Requirements.Update(alice, "p", r1.ID, r1.Revision, requirement.ContentInput{Content: c})
		require.NoError(t, err)
		requireSuspect(t, s, delivers, "exceptions")
	})

	t.Run("requirement links a contract: a new agreed version", func(t *testing.T) {
		sp := spec()
		sp.Service = "order-view"
		v, err := s.Contracts.Create(bob, "p", contract.NewContract{Version: "1.0.0", Spec: sp})
		require.NoError(t, err)
		c := content()
		c.Title, c.Links = "Show an order", []accord.Ref{{Kind: "contract", ID: v.ContractID}}
		r3, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: c})
		require.NoError(t, err)
		l := only(t, s, r3.Ref(), accord.Ref{Kind: "contract", ID: v.ContractID})
		assert.Equal(t, 0, l.TargetRevision, "no version agreed yet")
		agree(t, s, v)
		l = requireSuspect(t, s, l, "GET /orders/{id}")
		_, err = s.Traces.Confirm(alice, "p", l.ID, l.Revision, trace.ConfirmInput{Note: "REQ-3 reads the first version"})
		require.NoError(t, err)

		next, err := s.Contracts.NewVersion(bob, "p", v.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0"})
		require.NoError(t, err)
		sp.Operations[0].Parameters = append(sp.Operations[0].Parameters, contract.Parameter{Name: "fields", In: contract.InQuery, Schema: json.RawMessage(`{"type":"string"}`)})
		next, err = s.Contracts.UpdateVersion(bob, "p", v.ContractID, "1.1.0", next.Revision, contract.SpecInput{Spec: sp})
		require.NoError(t, err)
		requireCurrent(t, s, l, "a draft changes nothing its callers use")

		im, err := impacts.Of(ctx, "p", next.Ref())
		require.NoError(t, err)
		assert.Equal(t, []string{"GET /orders/{id}"}, im.Fields)
		require.Len(t, im.Links, 1)
		assert.Equal(t, l.ID, im.Links[0].ID)
		agree(t, s, next)
		requireSuspect(t, s, l, "GET /orders/{id}")
	})
}

// A change request: before it is applied, the impact names the links it
// would turn suspect; once applied, they are; confirming needs a note and
// makes them current at the new revision.
func TestChangeRequestImpactThenConfirm(t *testing.T) {
	s, impacts := tracedStores(t)
	ctx := context.Background()
	r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	v, err := s.Contracts.Create(bob, "p", contract.NewContract{Version: "1.0.0", Spec: opSpec(r.Ref())})
	require.NoError(t, err)
	test, err := s.Traces.Link(bob, "p", trace.NewLink{From: accord.Ref{Kind: "contract", ID: v.ContractID}, To: r.Ref(), Role: trace.Verifies, Note: "refund_test.go"})
	require.NoError(t, err)
	r, err = s.Requirements.Transition(alice, "p", r.ID, r.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.NoError(t, err)
	approveRound(t, s, rv.ID)
	r, err = s.Requirements.Transition(alice, "p", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.NoError(t, err)

	changed := r.Content.Clone()
	changed.Acceptance[0].Text = "A refund inside 30 days returns 202"
	changed.Priority = requirement.P0
	cr, err := s.Requirements.ProposeChange(alice, "p", r.ID, requirement.ChangeProposal{Proposed: changed, Reason: "legal asks for 30 days",
		Impact: requirement.Impact{Technical: "window constant"}})
	require.NoError(t, err)
	im, err := impacts.Of(ctx, "p", cr.Ref())
	require.NoError(t, err)
	assert.Equal(t, r.Ref(), im.Target)
	assert.Equal(t, "REQ-1 Refund an order", im.TargetTitle, "the impact names its target by key and title")
	for _, l := range im.Links {
		assert.Equal(t, "REQ-1 Refund an order", l.ToTitle)
		assert.NotEqual(t, l.From.String(), l.FromTitle, "named, not by ref")
	}
	assert.Equal(t, []string{"acceptance_criteria[0].text"}, im.Fields, "priority is not content")
	require.Len(t, im.Links, 2)
	assert.False(t, im.Links[0].AlreadySuspect)
	nb, err := s.Traces.Neighbours(ctx, "p", accord.Ref{Kind: "requirement", ID: r.Key})
	require.NoError(t, err)
	assert.Len(t, nb.Dependents, 2)
	assert.Empty(t, nb.DependsOn)

	cr, err = s.Requirements.DecideChange(bob, "p", cr.ID, cr.Revision, requirement.DecisionInput{To: requirement.ChangeApproved})
	require.NoError(t, err)
	r, _, err = s.Requirements.ApplyChange(alice, "p", cr.ID, cr.Revision)
	require.NoError(t, err)
	implements := requireSuspect(t, s, only(t, s, v.Ref(), r.Ref()), "acceptance_criteria[0].text")
	requireSuspect(t, s, test, "acceptance_criteria[0].text")
	page, err := s.Traces.List(ctx, "p", trace.Filter{Record: accord.Ref{Kind: "requirement", ID: "REQ-1"}, Status: []trace.Status{trace.Suspect}}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, page.Items, 2, "suspect links of REQ-1, by key")

	_, err = s.Traces.Confirm(bob, "p", implements.ID, implements.Revision, trace.ConfirmInput{Note: "  "})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "note")
	_, err = s.Traces.Confirm(bob, "p", implements.ID, implements.Revision+1, trace.ConfirmInput{Note: "stale"})
	require.Equal(t, accord.Conflict, accord.ErrorCode(err))
	ok, err := s.Traces.Confirm(bob, "p", implements.ID, implements.Revision, trace.ConfirmInput{Note: "createRefund already takes 30 days"})
	require.NoError(t, err)
	assert.Equal(t, trace.Current, ok.Status)
	assert.Equal(t, r.Revision, ok.TargetRevision)
	assert.Equal(t, "createRefund already takes 30 days", ok.Confirmed.Note)
	hist, err := s.Traces.History(ctx, "p", ok.ID)
	require.NoError(t, err)
	assert.Equal(t, []accord.RevisionKind{accord.RevisionCreated, "suspected", "confirmed"}, []accord.RevisionKind{hist[0].Kind, hist[1].Kind, hist[2].Kind})

	err = s.Traces.Unlink(bob, "p", ok.ID, "")
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "a declared link goes with its declaration")
	require.NoError(t, s.Traces.Unlink(bob, "p", test.ID, ""))

	// Deleting the contract takes its versions' declared links with it.
	require.NoError(t, s.Contracts.Delete(bob, "p", v.ContractID, ""))
	left, err := s.Traces.All(ctx, "p", trace.Filter{From: v.Ref()})
	require.NoError(t, err)
	assert.Empty(t, left)

	_, err = s.Traces.Link(bob, "p", trace.NewLink{From: r.Ref(), To: accord.Ref{Kind: "requirement", ID: "REQ-9"}, Role: trace.Refines})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "to: no requirement \"REQ-9\"")
	_, err = s.Traces.Link(bob, "p", trace.NewLink{From: r.Ref(), To: r.Ref(), Role: "blocks"})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "role: unknown role")
	_, err = s.Traces.Link(bob, "p", trace.NewLink{From: r.Ref(), To: accord.Ref{Kind: "wiki", ID: "x"}, Role: trace.RelatesTo})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "to.kind")
}

// A link whose event never arrived (the change was made with the links'
// service unwired) is caught by Recheck.
func TestRecheckCatchesUp(t *testing.T) {
	reqs, traces := memory.NewRequirementStore(), memory.NewTraceStore()
	wiredOn, err := link.New(link.Options{Stores: adapters.Stores{Requirements: reqs, Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Traces: traces}})
	require.NoError(t, err)
	unwired, err := link.New(link.Options{Stores: adapters.Stores{Requirements: reqs, Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore()}})
	require.NoError(t, err)
	r, err := wiredOn.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	c := content()
	c.Title, c.Links = "Wallet refunds", []accord.Ref{r.Ref()}
	r2, err := wiredOn.Requirements.Create(alice, "p", requirement.ContentInput{Content: c})
	require.NoError(t, err)
	c = content()
	c.Goal = "Fewer tickets"
	_, err = unwired.Requirements.Update(alice, "p", r.ID, r.Revision, requirement.ContentInput{Content: c})
	require.NoError(t, err)
	requireCurrent(t, wiredOn, only(t, wiredOn, r2.Ref(), r.Ref()), "nobody told the links yet")
	turned, err := wiredOn.Traces.Recheck(alice, "p")
	require.NoError(t, err)
	require.Len(t, turned, 1)
	assert.Equal(t, []string{"goal"}, turned[0].Suspicion.Fields)
}

// agree takes a version through its review to agreed.
func agree(t *testing.T, s link.Services, v contract.Version) contract.Version {
	t.Helper()
	v, err := s.Contracts.Transition(bob, "p", v.ContractID, v.Version, v.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
	rv, err := s.Reviews.Create(bob, "p", review.NewReview{Kind: review.ContractReview, Subject: v.Ref(),
		Participants: []review.NewParticipant{{Actor: "bob", Role: "backend"}, {Actor: "fay", Role: "frontend"}}})
	require.NoError(t, err)
	for _, ctx := range []context.Context{bob, fay} {
		_, err = s.Reviews.Verdict(ctx, "p", rv.ID, review.VerdictInput{Round: rv.Current().Number, Decision: review.Approve})
		require.NoError(t, err)
	}
	v, err = s.Contracts.Transition(bob, "p", v.ContractID, v.Version, v.Revision, contract.TransitionInput{To: contract.Agreed})
	require.NoError(t, err)
	return v
}

// statusOnly gives r a revision that changes only its status.
func statusOnly(t *testing.T, s link.Services, r requirement.Requirement) requirement.Requirement {
	t.Helper()
	to := requirement.InReview
	if r.Status == requirement.InReview {
		to = requirement.Draft
	}
	r, err := s.Requirements.Transition(alice, "p", r.ID, r.Revision, requirement.TransitionInput{To: to, Reason: "status only"})
	require.NoError(t, err)
	return r
}
