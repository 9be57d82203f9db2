package risk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/risk"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type env struct {
	svc    *risk.Service
	clock  *testkit.StepClock
	events *testkit.Events
	bob    context.Context // backend
	pm     context.Context // product
	admin  context.Context
}

func newEnv(t *testing.T) env {
	t.Helper()
	clock, events := testkit.NewStepClock(t0), &testkit.Events{}
	svc, err := risk.NewService(risk.Options{Store: memory.NewRiskStore(), Clock: clock, Events: events})
	require.NoError(t, err)
	as := func(id, role string) context.Context {
		return accord.WithActor(context.Background(), accord.Actor{ID: id, Roles: []string{role}})
	}
	return env{svc: svc, clock: clock, events: events, bob: as("bob", "backend"), pm: as("alice", "product"), admin: as("ada", "admin")}
}

func (e env) file(t *testing.T, title string) risk.Risk {
	t.Helper()
	r, err := e.svc.Create(e.bob, "shop", risk.NewRisk{Title: title, Cause: "the provider rate-limits refunds",
		Event: "refunds queue up at month end", Effect: "miss the 14-day refund window", Category: risk.Dependency,
		Links: []accord.Ref{{Kind: "requirement", ID: "REQ-1"}}})
	require.NoError(t, err)
	return r
}

func (e env) assess(t *testing.T, r risk.Risk, stage risk.Stage, l, i int) risk.Risk {
	t.Helper()
	r, err := e.svc.Assess(e.bob, "shop", r.Key, r.Revision, risk.AssessInput{Stage: stage, Likelihood: l, Impact: map[string]int{"overall": i}})
	require.NoError(t, err)
	return r
}

func TestCreateValidatesAndDefaults(t *testing.T) {
	e := newEnv(t)
	r := e.file(t, "Refunds queue up")
	assert.Equal(t, "RISK-1", r.Key)
	assert.Equal(t, risk.Identified, r.Status)
	assert.Equal(t, "bob", r.Owner, "the owner defaults to the author")
	assert.Equal(t, risk.Threat, r.Kind)
	assert.Equal(t, risk.SourceManual, r.Source.Kind)
	assert.Equal(t, "because of the provider rate-limits refunds, refunds queue up at month end may happen, which would miss the 14-day refund window", r.Statement())

	_, err := e.svc.Create(e.bob, "shop", risk.NewRisk{Title: "x", Category: "weather", Kind: "maybe"})
	var ae *accord.Error
	require.ErrorAs(t, err, &ae)
	var fields []string
	for _, f := range ae.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"cause", "event", "effect", "category", "kind"}, fields)
}

func TestScorers(t *testing.T) {
	ls, is := risk.DefaultLikelihood(), risk.DefaultImpact()[0].Scale
	matrix := risk.DefaultScoring().Matrix
	level, working := matrix.Score(4, 3, ls, is)
	assert.Equal(t, risk.High, level)
	assert.Equal(t, "likelihood 4 (likely) x impact 3 (moderate) → cell (4,3) → high", working)
	for _, tc := range []struct {
		l, i int
		want risk.Level
	}{{1, 1, risk.Low}, {5, 5, risk.Critical}, {3, 2, risk.Medium}, {2, 5, risk.High}} {
		got, _ := matrix.Score(tc.l, tc.i, ls, is)
		assert.Equal(t, tc.want, got, "cell (%d,%d)", tc.l, tc.i)
	}
	product := risk.ProductScorer{Medium: 5, High: 10, Critical: 17}
	for _, tc := range []struct {
		l, i int
		want risk.Level
	}{{1, 4, risk.Low}, {1, 5, risk.Medium}, {2, 5, risk.High}, {4, 4, risk.High}, {4, 5, risk.Critical}} {
		got, w := product.Score(tc.l, tc.i, ls, is)
		assert.Equal(t, tc.want, got, w)
	}
	_, w := product.Score(4, 3, ls, is)
	assert.Equal(t, "likelihood 4 (likely) x impact 3 (moderate) = 12 → high (≥ 10)", w)
	assert.NotEqual(t, matrix.Version(), risk.MatrixScorer{Cells: [][]risk.Level{{risk.Low}}}.Version(), "another matrix is another version")
}

// stubScorer is an embedder's own scorer: everything is medium.
type stubScorer struct{}

func (stubScorer) Method() string  { return "house" }
func (stubScorer) Version() string { return "7" }
func (stubScorer) Score(l, i int, _, _ risk.Scale) (risk.Level, string) {
	return risk.Medium, "house rule: always medium"
}

func TestAssessKeepsInputsScorerAndWorking(t *testing.T) {
	e := newEnv(t)
	r := e.assess(t, e.file(t, "Refunds queue up"), risk.Current, 4, 3)
	assert.Equal(t, risk.Assessed, r.Status)
	assert.Equal(t, risk.High, r.Current.Level)
	assert.Equal(t, 4, r.Current.Likelihood)
	assert.Equal(t, map[string]int{"overall": 3}, r.Current.Impact)
	assert.Equal(t, "matrix", r.Current.Scorer)
	assert.Contains(t, r.Current.Working, "cell (4,3) → high")
	require.Len(t, r.Assessments, 1)

	_, err := e.svc.Assess(e.bob, "shop", r.Key, r.Revision, risk.AssessInput{Stage: "later", Likelihood: 9, Impact: map[string]int{"cost": 1}})
	var ae *accord.Error
	require.ErrorAs(t, err, &ae)
	var fields []string
	for _, f := range ae.Fields {
		fields = append(fields, f.Field)
	}
	assert.ElementsMatch(t, []string{"stage", "likelihood", "impact.overall", "impact.cost"}, fields)

	// An embedder's scorer is used and named.
	own, err := risk.NewService(risk.Options{Store: memory.NewRiskStore(), Scorer: stubScorer{}})
	require.NoError(t, err)
	x, err := own.Create(e.bob, "shop", risk.NewRisk{Title: "x", Cause: "c", Event: "e", Effect: "f", Category: risk.Technical})
	require.NoError(t, err)
	x, err = own.Assess(e.bob, "shop", x.ID, x.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 5, Impact: map[string]int{"overall": 5}})
	require.NoError(t, err)
	assert.Equal(t, risk.Medium, x.Current.Level)
	assert.Equal(t, "house", x.Current.Scorer)
	assert.Equal(t, "7", x.Current.Version)
}

func TestSeveralImpactDimensionsCombineByTheHighest(t *testing.T) {
	e := newEnv(t)
	st := risk.DefaultSettings("shop")
	scale := st.Impact[0].Scale
	st.Impact = []risk.Dimension{{Name: "schedule", Scale: scale}, {Name: "cost", Scale: scale}, {Name: "quality", Scale: scale}}
	_, err := e.svc.UpdateSettings(e.admin, "shop", 0, st)
	require.NoError(t, err)
	r := e.file(t, "Vendor slips")
	r, err = e.svc.Assess(e.bob, "shop", r.Key, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 3, Impact: map[string]int{"schedule": 2, "cost": 5, "quality": 1}})
	require.NoError(t, err)
	assert.Equal(t, 5, r.Current.Combined)
	assert.Contains(t, r.Current.Working, "impact = highest of schedule 2, cost 5, quality 1")
	assert.Equal(t, risk.High, r.Current.Level)
}

func TestStageFindings(t *testing.T) {
	e := newEnv(t)
	r := e.assess(t, e.file(t, "Refunds queue up"), risk.Current, 4, 3)
	assert.Equal(t, []string{"no-response"}, rules(risk.Check(r)))
	r, err := e.svc.Respond(e.bob, "shop", r.Key, r.Revision, risk.ResponseInput{Strategy: risk.Mitigate, Plan: "batch refunds"})
	require.NoError(t, err)
	assert.Equal(t, risk.Treating, r.Status)
	assert.Equal(t, []string{"target-missing"}, rules(risk.Check(r)))
	r = e.assess(t, r, risk.Target, 5, 5)
	r = e.assess(t, r, risk.Inherent, 2, 2)
	assert.Equal(t, []string{"target-above-current", "current-above-inherent"}, rules(risk.Check(r)))
	r = e.assess(t, r, risk.Target, 2, 2)
	r = e.assess(t, r, risk.Inherent, 5, 5)
	assert.Empty(t, risk.Check(r))

	_, err = e.svc.Respond(e.bob, "shop", r.Key, r.Revision, risk.ResponseInput{Strategy: risk.Exploit})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "a threat cannot be exploited")
}

func rules(fs []risk.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestAcceptanceLapses(t *testing.T) {
	e := newEnv(t)
	r := e.assess(t, e.file(t, "Refunds queue up"), risk.Current, 3, 2) // medium
	_, err := e.svc.Accept(e.bob, "shop", r.Key, r.Revision, risk.AcceptInput{Rationale: "fine", Expires: t0.AddDate(0, 1, 0)})
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "backend may not accept a medium risk")
	_, err = e.svc.Accept(e.pm, "shop", r.Key, r.Revision, risk.AcceptInput{Rationale: "fine", Expires: t0.AddDate(-1, 0, 0)})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "an acceptance needs a future expiry")
	r, err = e.svc.Accept(e.pm, "shop", r.Key, r.Revision, risk.AcceptInput{Rationale: "month-end only", Expires: t0.AddDate(0, 1, 0)})
	require.NoError(t, err)
	assert.Equal(t, risk.Accepted, r.Status)
	assert.Equal(t, risk.Medium, r.Acceptance.Level)
	assert.Equal(t, []string{"product"}, r.Acceptance.Roles)

	// Re-assessed at the same level: it stands. Higher: it lapses.
	r = e.assess(t, r, risk.Current, 2, 3)
	assert.True(t, r.Acceptance.LapsedAt.IsZero())
	r = e.assess(t, r, risk.Current, 4, 4)
	assert.False(t, r.Acceptance.LapsedAt.IsZero())
	assert.Contains(t, r.Acceptance.LapsedWhy, "re-assessed to high, above the accepted medium")
	assert.Equal(t, risk.Assessed, r.Status)
	assert.Contains(t, e.events.Kinds(), risk.EventAcceptanceLapsed)

	// A changed statement lapses it too.
	r, err = e.svc.Accept(e.admin, "shop", r.Key, r.Revision, risk.AcceptInput{Rationale: "we live with it", Expires: t0.AddDate(0, 1, 0)})
	require.NoError(t, err)
	r, err = e.svc.Update(e.bob, "shop", r.Key, r.Revision, risk.Content{Title: r.Title, Cause: "the provider halves its limit", Event: r.Event, Effect: r.Effect, Category: r.Category})
	require.NoError(t, err)
	assert.Contains(t, r.Acceptance.LapsedWhy, "the statement changed")

	// Expiry is read at query time.
	r, err = e.svc.Accept(e.admin, "shop", r.Key, r.Revision, risk.AcceptInput{Rationale: "again", Expires: t0.AddDate(0, 0, 10)})
	require.NoError(t, err)
	before, err := e.svc.Overdue(e.bob, "shop", t0.AddDate(0, 0, 9))
	require.NoError(t, err)
	assert.Empty(t, before.Acceptances)
	after, err := e.svc.Overdue(e.bob, "shop", t0.AddDate(0, 0, 11))
	require.NoError(t, err)
	require.Len(t, after.Acceptances, 1)
	assert.Equal(t, r.Key, after.Acceptances[0].Key)
	assert.False(t, r.Acceptance.Standing(t0.AddDate(0, 0, 11)))
}

func TestOverdueAtQueryTime(t *testing.T) {
	e := newEnv(t)
	high := e.assess(t, e.file(t, "Refunds queue up"), risk.Current, 4, 3) // high: every 30 days
	low := e.assess(t, e.file(t, "Logo colour"), risk.Current, 1, 1)       // low: every 180 days
	high, err := e.svc.Respond(e.bob, "shop", high.Key, high.Revision, risk.ResponseInput{Strategy: risk.Mitigate})
	require.NoError(t, err)
	high, err = e.svc.AddAction(e.bob, "shop", high.Key, accord.ActionInput{Title: "ask for a higher limit", Owner: "bob", Due: t0.AddDate(0, 0, 5)})
	require.NoError(t, err)

	rep, err := e.svc.Overdue(e.bob, "shop", t0.AddDate(0, 0, 3))
	require.NoError(t, err)
	assert.Empty(t, rep.Reviews)
	assert.Empty(t, rep.Actions)

	rep, err = e.svc.Overdue(e.bob, "shop", t0.AddDate(0, 0, 31))
	require.NoError(t, err)
	require.Len(t, rep.Reviews, 1)
	assert.Equal(t, high.Key, rep.Reviews[0].Key)
	require.Len(t, rep.Actions, 1)
	assert.Equal(t, "ask for a higher limit", rep.Actions[0].Action.Title)

	// Reviewing with no change restarts the cadence; finishing the action clears it.
	e.clock.Set(t0.AddDate(0, 0, 31))
	_, err = e.svc.MarkReviewed(e.bob, "shop", high.Key, "limits unchanged, still watching")
	require.NoError(t, err)
	_, err = e.svc.UpdateAction(e.bob, "shop", high.Key, high.Response.Actions[0].ID, accord.ActionInput{Title: "ask for a higher limit", Owner: "bob", Status: accord.ActionDone})
	require.NoError(t, err)
	rep, err = e.svc.Overdue(e.bob, "shop", t0.AddDate(0, 0, 32))
	require.NoError(t, err)
	assert.Empty(t, rep.Reviews)
	assert.Empty(t, rep.Actions)
	rep, err = e.svc.Overdue(e.bob, "shop", t0.AddDate(0, 0, 200))
	require.NoError(t, err)
	assert.Len(t, rep.Reviews, 2, "by day 200 both are due, %s on its 180-day cadence", low.Key)

	// The due notice goes out once per due date.
	n, err := e.svc.NotifyDue(e.bob, "shop", t0.AddDate(0, 0, 200))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = e.svc.NotifyDue(e.bob, "shop", t0.AddDate(0, 0, 201))
	require.NoError(t, err)
	assert.Equal(t, 0, n, "the same due dates are not announced again")
	count := 0
	for _, k := range e.events.Kinds() {
		if k == risk.EventReviewDue {
			count++
		}
	}
	assert.Equal(t, 2, count)
}

func TestHeatMapAndRescore(t *testing.T) {
	e := newEnv(t)
	e.assess(t, e.file(t, "a"), risk.Current, 4, 3)
	e.assess(t, e.file(t, "b"), risk.Current, 4, 3)
	e.assess(t, e.file(t, "c"), risk.Current, 1, 5)
	e.file(t, "not assessed")
	closed := e.assess(t, e.file(t, "closed"), risk.Current, 5, 5)
	_, err := e.svc.Transition(e.bob, "shop", closed.Key, closed.Revision, risk.TransitionInput{To: risk.Closed, Reason: "provider fixed it"})
	require.NoError(t, err)

	h, err := e.svc.HeatMap(e.bob, "shop", risk.Current)
	require.NoError(t, err)
	assert.Equal(t, 2, h.Cells[3][2].Count)
	assert.Equal(t, []string{"RISK-1", "RISK-2"}, h.Cells[3][2].Keys)
	assert.Equal(t, risk.High, h.Cells[3][2].Level)
	assert.Equal(t, 1, h.Cells[0][4].Count)
	assert.Equal(t, 0, h.Cells[4][4].Count, "closed risks are not on the map")
	assert.Equal(t, 1, h.Unassessed)
	svg := string(h.SVG())
	assert.True(t, strings.HasPrefix(svg, "<svg"))
	assert.Contains(t, svg, "almost certain")
	assert.Contains(t, svg, ">2</text>")

	changes, err := e.svc.Rescore(e.bob, "shop", risk.Scoring{Method: "product", Product: risk.ProductScorer{Medium: 5, High: 13, Critical: 20}})
	require.NoError(t, err)
	require.Len(t, changes, 2, "4x3=12 drops from high to medium for RISK-1 and RISK-2; 1x5=5 stays medium")
	assert.Equal(t, risk.High, changes[0].From)
	assert.Equal(t, risk.Medium, changes[0].To)
	again, err := e.svc.Get(e.bob, "shop", "RISK-1")
	require.NoError(t, err)
	assert.Equal(t, risk.High, again.Level(), "a dry run changes nothing")
	_, err = e.svc.Rescore(e.bob, "shop", risk.Scoring{Method: "product", Product: risk.ProductScorer{Medium: 9, High: 3}})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
}

func TestRegisterAsOfAndOverTime(t *testing.T) {
	e := newEnv(t)
	r := e.assess(t, e.file(t, "Refunds queue up"), risk.Current, 3, 2) // medium
	mid := e.clock.Now()
	e.assess(t, r, risk.Current, 5, 5) // critical
	e.file(t, "Later")

	past, err := e.svc.AsOf(e.bob, "shop", mid)
	require.NoError(t, err)
	require.Len(t, past, 1, "the later risk did not exist yet")
	assert.Equal(t, risk.Medium, past[0].Level())

	counts, err := e.svc.LevelCounts(e.bob, "shop", mid, e.clock.Now())
	require.NoError(t, err)
	assert.Equal(t, map[risk.Level]int{risk.Medium: 1}, counts[0])
	assert.Equal(t, map[risk.Level]int{risk.Critical: 1}, counts[1])

	md, err := e.svc.Register(e.bob, "shop", t0.AddDate(0, 0, 30))
	require.NoError(t, err)
	assert.Contains(t, md, "# Risk register of shop")
	assert.Contains(t, md, "| RISK-1 | Refunds queue up | critical | bob | assessed | — | 0 |")
	assert.Contains(t, md, "RISK-1 review due since")
}

func TestEvents(t *testing.T) {
	e := newEnv(t)
	r := e.assess(t, e.file(t, "Refunds queue up"), risk.Current, 4, 3)
	r, err := e.svc.Respond(e.bob, "shop", r.Key, r.Revision, risk.ResponseInput{Strategy: risk.Mitigate})
	require.NoError(t, err)
	_, err = e.svc.MarkReviewed(e.bob, "shop", r.Key, "no change")
	require.NoError(t, err)
	assert.Equal(t, []string{risk.EventCreated, risk.EventAssessed, risk.EventResponded, risk.EventReviewed}, e.events.Kinds())
}

func TestListOverduePages(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		r := e.file(t, fmt.Sprintf("r%d", i))
		if i%2 == 0 {
			e.assess(t, r, risk.Current, 5, 5) // critical: due after 14 days
		}
	}
	var keys []string
	q := accord.PageQuery{Size: 2}
	for pages := 0; pages < 10; pages++ {
		page, err := e.svc.List(e.bob, "shop", risk.Filter{Overdue: t0.AddDate(0, 0, 15)}, q)
		require.NoError(t, err)
		for _, r := range page.Items {
			keys = append(keys, r.Key)
		}
		if page.NextPageToken == "" {
			break
		}
		q.Token = page.NextPageToken
	}
	assert.Equal(t, []string{"RISK-1", "RISK-3", "RISK-5", "RISK-7"}, keys)
}
