package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

func TestResponsesToASlipAreRecorded(t *testing.T) {
	e := newEnv(t)
	a, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	next := sprint()
	next.Name, next.Start, next.End = "Sprint 13", "2026-12-07", "2026-12-18"
	b, err := e.svc.CreateIteration(e.pm, "shop", next)
	require.NoError(t, err)
	for _, r := range []accord.Ref{req("1"), req("2"), req("3")} {
		a, err = e.svc.Schedule(e.pm, "shop", a.Key, 0, plan.ScheduleInput{Ref: r, Assignees: []string{"bob"}})
		require.NoError(t, err)
	}

	// Move: the item keeps its assignees; both iterations say who and why.
	a, b, err = e.svc.MoveItem(e.pm, "shop", a.Key, plan.MoveInput{To: b.Key, Ref: req("2"), Reason: "payments provider late"})
	require.NoError(t, err)
	assert.Len(t, a.Items, 2)
	require.Len(t, b.Items, 1)
	assert.Equal(t, []string{"bob"}, b.Items[0].Assignees)
	history, err := e.store.ListIterationRevisions(e.pm, "shop", a.ID)
	require.NoError(t, err)
	assert.Equal(t, "IT-1: requirement/2 moved to IT-2 by alice: payments provider late", history[len(history)-1].Note)
	_, _, err = e.svc.MoveItem(e.pm, "shop", a.Key, plan.MoveInput{To: b.Key, Ref: req("9"), Reason: "x"})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	_, _, err = e.svc.MoveItem(e.pm, "shop", a.Key, plan.MoveInput{To: b.Key, Ref: req("1"), Reason: ""})
	assert.Contains(t, err.Error(), "reason: required")

	// Reprioritise: every item once.
	a, err = e.svc.Reprioritise(e.pm, "shop", a.Key, a.Revision, plan.ReprioritiseInput{Order: []accord.Ref{req("3"), req("1")}, Reason: "refund codes first"})
	require.NoError(t, err)
	assert.Equal(t, req("3"), a.Items[0].Ref)
	_, err = e.svc.Reprioritise(e.pm, "shop", a.Key, 0, plan.ReprioritiseInput{Order: []accord.Ref{req("3"), req("3")}, Reason: "x"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))

	// Swap: one out, one in, in one revision.
	before := a.Revision
	a, err = e.svc.SwapScope(e.pm, "shop", a.Key, a.Revision, plan.SwapInput{Out: req("1"), In: plan.ScheduleInput{Ref: req("4"), Override: &plan.Override{Days: 1, Reason: "small"}}, Reason: "keep the date"})
	require.NoError(t, err)
	assert.Equal(t, before+1, a.Revision)
	assert.Equal(t, []accord.Ref{req("3"), req("4")}, []accord.Ref{a.Items[0].Ref, a.Items[1].Ref})
	_, err = e.svc.SwapScope(e.pm, "shop", a.Key, 0, plan.SwapInput{Out: req("3"), In: plan.ScheduleInput{Ref: req("2")}, Reason: "x"})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "REQ-2 is in IT-2: move it instead")

	kinds := e.events.Kinds()
	for _, k := range []string{plan.EventItemMoved, plan.EventReprioritised, plan.EventScopeSwapped} {
		assert.Contains(t, kinds, k)
	}
}
