package plan_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/plan"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// admin changes project settings (settings.update).
var admin = accord.WithActor(context.Background(), accord.Actor{ID: "ada", Roles: []string{accord.RoleAdmin}})

// reviews stands in for the review and requirement domains that
// adapters/link wires: estimates and standings by item.
type reviews struct {
	mu        sync.Mutex
	estimates map[accord.Ref][]float64
	standings map[accord.Ref]plan.ItemStanding
}

func (r *reviews) Estimates(_ context.Context, _ string, item accord.Ref) (string, []float64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	days, ok := r.estimates[item]
	if !ok {
		return "", nil, accord.Errorf(accord.NotFound, "no approved review of %s", item)
	}
	return "RV-" + item.ID, days, nil
}

func (r *reviews) Standing(_ context.Context, _ string, item accord.Ref) (plan.ItemStanding, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.standings[item]
	if !ok {
		return plan.ItemStanding{}, accord.Errorf(accord.NotFound, "%s not found", item)
	}
	return st, nil
}

type env struct {
	svc     *plan.Service
	clock   *testkit.StepClock
	store   *memory.PlanStore
	reviews *reviews
	events  *testkit.Events
	pm      context.Context
}

func req(id string) accord.Ref { return accord.Ref{Kind: "requirement", ID: id} }

func newEnv(t *testing.T) env {
	t.Helper()
	approved := plan.ItemStanding{Status: "approved", Approved: true}
	rv := &reviews{
		estimates: map[accord.Ref][]float64{req("1"): {3, 5}, req("2"): {4}, req("3"): {2}},
		standings: map[accord.Ref]plan.ItemStanding{req("1"): approved, req("2"): approved, req("3"): approved,
			req("4"): approved, req("5"): {Status: "in_review", ReviewPending: true}},
	}
	events, store, clock := &testkit.Events{}, memory.NewPlanStore(), testkit.NewStepClock(t0)
	svc, err := plan.NewService(plan.Options{Store: store, Clock: clock, Events: events,
		Estimator: rv, Standing: rv})
	require.NoError(t, err)
	pm := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	return env{svc: svc, clock: clock, store: store, reviews: rv, events: events, pm: pm}
}

// sprint runs Monday 23 November to Friday 4 December 2026: ten working
// days. Bob is away Thursday and Friday of the first week; Carol works
// half time.
func sprint() plan.IterationContent {
	return plan.IterationContent{Name: "Sprint 12", Start: "2026-11-23", End: "2026-12-04", Goals: []string{"refunds"},
		Capacity: []plan.Capacity{
			{Member: "bob", DaysPerWeek: 5, Absences: []plan.Absence{{From: "2026-11-26", To: "2026-11-27", Reason: "leave"}}},
			{Member: "carol", DaysPerWeek: 2.5},
		}}
}

func TestCapacityCountsWorkingDaysLessAbsences(t *testing.T) {
	e := newEnv(t)
	it, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	assert.Equal(t, "IT-1", it.Key)
	assert.Equal(t, plan.Planning, it.Status)
	assert.InDelta(t, 8, it.Capacity[0].PersonDays(it.IterationContent), 1e-9, "10 working days less 2 away")
	assert.InDelta(t, 5, it.Capacity[1].PersonDays(it.IterationContent), 1e-9, "half of 10")
	assert.InDelta(t, 13, it.PersonDays(), 1e-9)

	// An absence over a weekend and past the end counts only the working
	// days inside the iteration.
	c := plan.Capacity{Member: "dan", DaysPerWeek: 5, Absences: []plan.Absence{{From: "2026-12-03", To: "2026-12-08"}}}
	assert.InDelta(t, 8, c.PersonDays(it.IterationContent), 1e-9)
}

func TestEffortComesFromTheApprovedReviewOrAnOverride(t *testing.T) {
	e := newEnv(t)
	est, err := e.svc.Estimate(e.pm, "shop", plan.Item{Ref: req("1")})
	require.NoError(t, err)
	assert.Equal(t, plan.Estimate{Days: 5, Source: "RV-1", Estimates: []float64{3, 5}}, est, "the largest of the review's estimates")

	est, err = e.svc.Estimate(e.pm, "shop", plan.Item{Ref: req("1"), Override: &plan.Override{Days: 2, Reason: "scope trimmed"}})
	require.NoError(t, err)
	assert.Equal(t, plan.Estimate{Days: 2, Source: "override"}, est, "an override replaces the review's")

	est, err = e.svc.Estimate(e.pm, "shop", plan.Item{Ref: req("4")})
	require.NoError(t, err)
	assert.False(t, est.Known(), "no approved review, no override: no estimate")
}

func TestScheduleOnceAndMove(t *testing.T) {
	e := newEnv(t)
	e.reviews.standings[req("1")] = plan.ItemStanding{Name: "REQ-1 Refund an order", Status: "approved", Approved: true}
	a, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	next := sprint()
	next.Name, next.Start, next.End = "Sprint 13", "2026-12-07", "2026-12-18"
	b, err := e.svc.CreateIteration(e.pm, "shop", next)
	require.NoError(t, err)

	a, err = e.svc.Schedule(e.pm, "shop", a.Key, a.Revision, plan.ScheduleInput{Ref: req("1"), Assignees: []string{"bob"}})
	require.NoError(t, err)
	require.Len(t, a.Items, 1)
	assert.Equal(t, plan.NotStarted, a.Items[0].State)
	assert.Equal(t, "alice", a.Items[0].ScheduledBy)
	last := e.events.All()[len(e.events.All())-1]
	assert.Equal(t, "IT-1: REQ-1 Refund an order scheduled by alice for bob", last.Summary, "the item is named as people know it")
	assert.Equal(t, "IT-1", last.Key)
	assert.Equal(t, []string{"items"}, last.Changed, "what it schedules is an iteration's content")

	_, err = e.svc.Schedule(e.pm, "shop", a.Key, 0, plan.ScheduleInput{Ref: req("1")})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "twice in one iteration")
	_, err = e.svc.Schedule(e.pm, "shop", b.Key, 0, plan.ScheduleInput{Ref: req("1")})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "already scheduled in IT-1")
	_, err = e.svc.Schedule(e.pm, "shop", b.Key, 0, plan.ScheduleInput{Ref: req("404")})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "an item that does not exist")
	_, err = e.svc.Schedule(e.pm, "shop", b.Key, 0, plan.ScheduleInput{Ref: accord.Ref{Kind: "risk", ID: "1"}})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "ref.kind")
	_, err = e.svc.Schedule(e.pm, "shop", a.Key, 1, plan.ScheduleInput{Ref: req("2")})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "a stale base")

	a, err = e.svc.Unschedule(e.pm, "shop", a.Key, a.Revision, plan.UnscheduleInput{Ref: req("1"), Reason: "moved to the next sprint"})
	require.NoError(t, err)
	assert.Empty(t, a.Items)
	b, err = e.svc.Schedule(e.pm, "shop", b.Key, b.Revision, plan.ScheduleInput{Ref: req("1")})
	require.NoError(t, err)
	assert.Len(t, b.Items, 1)
	assert.Equal(t, []string{plan.EventIterationCreated, plan.EventIterationCreated, plan.EventItemScheduled, plan.EventItemUnscheduled, plan.EventItemScheduled},
		e.events.Kinds())

	history, err := e.store.ListIterationRevisions(e.pm, "shop", a.ID)
	require.NoError(t, err)
	require.Len(t, history, 3, "every change keeps a revision")
	assert.Equal(t, "IT-1: REQ-1 Refund an order unscheduled by alice: moved to the next sprint", history[2].Note)

	page, err := e.svc.ListIterations(e.pm, "shop", plan.IterationFilter{Item: req("1")}, accord.PageQuery{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "IT-2", page.Items[0].Key)
}

func TestCommitRules(t *testing.T) {
	e := newEnv(t)
	it, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	schedule := func(ref accord.Ref, override *plan.Override) {
		t.Helper()
		var err error
		it, err = e.svc.Schedule(e.pm, "shop", it.Key, 0, plan.ScheduleInput{Ref: ref, Override: override})
		require.NoError(t, err)
	}
	schedule(req("1"), nil) // 5 days
	schedule(req("2"), nil) // 4 days
	schedule(req("4"), nil) // no estimate

	committed, err := e.svc.Commit(e.pm, "shop", it.Key, it.Revision)
	require.NoError(t, err, "9 of 13 person-days, all approved: only the missing estimate warns")
	assert.Equal(t, plan.Committed, committed.Status)
	require.NotNil(t, committed.Commitment)
	require.Len(t, committed.Commitment.Findings, 1)
	f := committed.Commitment.Findings[0]
	assert.Equal(t, plan.RuleNoEstimate, f.Rule)
	assert.Equal(t, plan.Warn, f.Action)
	assert.Equal(t, []accord.Ref{req("4")}, f.Items)

	// Scheduling more puts it back to planning; over capacity is refused.
	it = committed
	schedule(req("3"), &plan.Override{Days: 6, Reason: "the review missed the migration"})
	assert.Equal(t, plan.Planning, it.Status)
	_, err = e.svc.Commit(e.pm, "shop", it.Key, it.Revision)
	require.Error(t, err)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "over_capacity: the items need 15 person-days; the team has 13")

	// Not approved and pending review, named with their items.
	it, err = e.svc.Unschedule(e.pm, "shop", it.Key, 0, plan.UnscheduleInput{Ref: req("3"), Reason: "too much"})
	require.NoError(t, err)
	schedule(req("5"), &plan.Override{Days: 1, Reason: "small"})
	findings, err := e.svc.Check(e.pm, "shop", it.Key)
	require.NoError(t, err)
	rules := map[plan.Rule]plan.Finding{}
	for _, f := range findings {
		rules[f.Rule] = f
	}
	assert.Equal(t, plan.Refuse, rules[plan.RuleNotApproved].Action)
	assert.Equal(t, []accord.Ref{req("5")}, rules[plan.RuleNotApproved].Items)
	assert.Contains(t, rules[plan.RuleNotApproved].Message, "requirement/5 is in_review")
	assert.Equal(t, plan.Warn, rules[plan.RuleReviewPending].Action)
	_, err = e.svc.Commit(e.pm, "shop", it.Key, 0)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "not_approved")
	assert.Contains(t, err.Error(), "requirement/5")

	// The project relaxes the rule: the commit goes through and keeps the
	// warnings.
	_, err = e.svc.UpdateSettings(admin, "shop", 0, plan.Settings{Commit: map[plan.Rule]plan.Action{plan.RuleNotApproved: plan.Warn}})
	require.NoError(t, err)
	st, err := e.svc.Settings(e.pm, "shop")
	require.NoError(t, err)
	assert.Equal(t, plan.Refuse, st.Commit[plan.RuleOverCapacity], "rules the project left out keep their defaults")
	committed, err = e.svc.Commit(e.pm, "shop", it.Key, 0)
	require.NoError(t, err)
	var warned []plan.Rule
	for _, f := range committed.Commitment.Findings {
		warned = append(warned, f.Rule)
	}
	assert.Equal(t, []plan.Rule{plan.RuleNotApproved, plan.RuleReviewPending, plan.RuleNoEstimate}, warned)
	assert.Equal(t, plan.EventIterationCommitted, e.events.Kinds()[len(e.events.Kinds())-1])

	_, err = e.svc.Commit(e.pm, "shop", it.Key, 0)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "committed already")

	_, err = e.svc.UpdateSettings(admin, "shop", 1, plan.Settings{Commit: map[plan.Rule]plan.Action{"vibes": plan.Warn, plan.RuleNoEstimate: "shrug"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "commit.vibes")
	assert.Contains(t, err.Error(), "commit.no_estimate")
}

func TestChangingCapacityReopensACommitment(t *testing.T) {
	e := newEnv(t)
	it, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	it, err = e.svc.Commit(e.pm, "shop", it.Key, it.Revision)
	require.NoError(t, err)
	content := sprint()
	content.Capacity[1].DaysPerWeek = 5
	it, err = e.svc.UpdateIteration(e.pm, "shop", it.Key, it.Revision, content)
	require.NoError(t, err)
	assert.Equal(t, plan.Planning, it.Status)
	assert.Nil(t, it.Commitment)

	it, err = e.svc.Close(e.pm, "shop", it.Key, it.Revision, plan.CloseInput{Note: "done"})
	require.NoError(t, err)
	_, err = e.svc.Schedule(e.pm, "shop", it.Key, 0, plan.ScheduleInput{Ref: req("1")})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "a closed iteration takes nothing")
}

func TestIterationInputIsChecked(t *testing.T) {
	e := newEnv(t)
	bad := plan.IterationContent{Name: "", Start: "2026-11-31", End: "2026-11-01",
		Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 9}, {Member: "bob", DaysPerWeek: 1, Absences: []plan.Absence{{From: "2026-11-05", To: "2026-11-02"}}}}}
	_, err := e.svc.CreateIteration(e.pm, "shop", bad)
	require.Error(t, err)
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	for _, field := range []string{"name", "start", "capacity[0].days_per_week", "capacity[1].member", "capacity[1].absences[0].to"} {
		assert.Contains(t, err.Error(), field+":")
	}
	_, err = e.svc.CreateIteration(context.Background(), "shop", sprint())
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
}

func TestMilestones(t *testing.T) {
	e := newEnv(t)
	m, err := e.svc.CreateMilestone(e.pm, "shop", plan.MilestoneContent{Name: "Refunds live", Date: "2026-12-18", Deliverables: []accord.Ref{req("1"), req("2")}})
	require.NoError(t, err)
	assert.Equal(t, "MS-1", m.Key)
	m, err = e.svc.UpdateMilestone(e.pm, "shop", "MS-1", m.Revision, plan.MilestoneContent{Name: m.Name, Date: "2027-01-08", Deliverables: m.Deliverables, Note: "payments provider late"})
	require.NoError(t, err)
	assert.Equal(t, plan.Date("2027-01-08"), m.Date)
	assert.Equal(t, 2, m.Revision)
	_, err = e.svc.UpdateMilestone(e.pm, "shop", "MS-1", 1, plan.MilestoneContent{Name: "x", Date: "2027-01-08"})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	events := e.events.All()
	assert.Equal(t, "MS-1: moved to 2027-01-08 by alice: payments provider late", events[len(events)-1].Summary)
	_, err = e.svc.CreateMilestone(e.pm, "shop", plan.MilestoneContent{Name: "x", Date: "soon"})
	assert.Contains(t, err.Error(), "date:")
}

func TestParseKey(t *testing.T) {
	for key, want := range map[string]string{"IT-5": plan.IterationRefKind, "MS-2": plan.MilestoneRefKind, "Q-1": plan.QuestionRefKind} {
		kind, n, ok := plan.ParseKey(key)
		assert.True(t, ok, key)
		assert.Equal(t, want, kind, key)
		assert.Positive(t, n, key)
	}
	for _, bad := range []string{"", "IT-", "IT-0", "REQ-3", "it-5", "Q-1x"} {
		_, _, ok := plan.ParseKey(bad)
		assert.False(t, ok, bad)
	}
}
