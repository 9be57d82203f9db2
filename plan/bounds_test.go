package plan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// fieldOf returns the message of the one field err names, failing unless
// err is Invalid naming field.
func fieldOf(t *testing.T, err error, field string) string {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, accord.Invalid, accord.ErrorCode(err), "%v", err)
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	t.Fatalf("%v does not name %s", err, field)
	return ""
}

// An iteration may last years, but not millennia: the burn-up has a point
// per working day. A refused create or update stores nothing.
func TestIterationSpanIsBounded(t *testing.T) {
	e := newEnv(t)
	long := sprint()
	long.Start, long.End = "2026-01-01", "2028-12-31" // three years: fine
	it, err := e.svc.CreateIteration(e.pm, "shop", long)
	require.NoError(t, err)

	huge := sprint()
	huge.Start, huge.End = "0001-01-01", "9999-12-31"
	_, err = e.svc.CreateIteration(e.pm, "shop", huge)
	assert.Contains(t, fieldOf(t, err, "end"), "an iteration lasts at most 1464 days")
	_, err = e.svc.UpdateIteration(e.pm, "shop", it.ID, it.Revision, huge)
	fieldOf(t, err, "end")
	page, err := e.svc.ListIterations(e.pm, "shop", plan.IterationFilter{}, accord.PageQuery{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, plan.Date("2028-12-31"), page.Items[0].End, "the refused update changed nothing")

	// Just over the limit is refused too.
	over := sprint()
	over.Start = "2026-01-01"
	over.End = plan.Date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, plan.MaxIterationDays).Format(time.DateOnly))
	_, err = e.svc.CreateIteration(e.pm, "shop", over)
	fieldOf(t, err, "end")
}

// An iteration stored before the bound existed is not drawn: the burn-up
// is refused instead of taking seconds and gigabytes.
func TestBurnUpOfAnUnboundedStoredIteration(t *testing.T) {
	e := newEnv(t)
	it, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	stored, err := e.store.GetIteration(context.Background(), "shop", it.ID)
	require.NoError(t, err)
	stored.Start, stored.End = "0001-01-01", "9999-12-31"
	stored.Stamp = stored.Stamp.Next("alice", t0)
	_, err = e.store.UpdateIteration(context.Background(), accord.Revision[plan.Iteration]{Number: stored.Revision, Kind: accord.RevisionEdited, Actor: "alice", Time: t0, Record: stored})
	require.NoError(t, err)
	_, err = e.svc.BurnUpChart(e.pm, "shop", it.ID)
	require.Error(t, err)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "more than the 1464 an iteration may")

	// Drawn directly, the picture stays small whatever it is given.
	svg := plan.BurnUpSVG("huge", []plan.BurnUpPoint{{Date: "0001-01-01", Scope: 1}}, "9999-12-31", 1)
	assert.Less(t, len(svg), 200_000)
}

// A milestone lies at most MaxMilestoneYears ahead.
func TestMilestoneHorizonIsBounded(t *testing.T) {
	e := newEnv(t)
	m, err := e.svc.CreateMilestone(e.pm, "shop", plan.MilestoneContent{Name: "GA", Date: "2031-06-30"})
	require.NoError(t, err)
	far := plan.MilestoneContent{Name: "GA", Date: "9999-12-31"}
	_, err = e.svc.CreateMilestone(e.pm, "shop", far)
	assert.Contains(t, fieldOf(t, err, "date"), "more than 10 years from today")
	_, err = e.svc.UpdateMilestone(e.pm, "shop", m.ID, m.Revision, far)
	fieldOf(t, err, "date")
	got, err := e.svc.GetMilestone(e.pm, "shop", m.ID)
	require.NoError(t, err)
	assert.Equal(t, plan.Date("2031-06-30"), got.Date)
}

// Every free-text field and list of the plan's inputs is bounded, even
// those without a limit of their own.
func TestPlanInputsAreBounded(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("x", 70_000)
	c := sprint()
	c.Capacity[0].Absences = append(c.Capacity[0].Absences, plan.Absence{From: "2026-11-23", To: "2026-11-23", Reason: big})
	_, err := e.svc.CreateIteration(e.pm, "shop", c)
	fieldOf(t, err, "capacity[0].absences[1].reason")
	c = sprint()
	c.Goals = make([]string, plan.MaxGoals+1)
	_, err = e.svc.CreateIteration(e.pm, "shop", c)
	assert.Contains(t, fieldOf(t, err, "goals"), "more than 100")
	c = sprint()
	c.Capacity[0].Member = "bob\x1b[31m"
	_, err = e.svc.CreateIteration(e.pm, "shop", c)
	assert.Contains(t, fieldOf(t, err, "capacity[0].member"), "unprintable")
	_, err = e.svc.CreateMilestone(e.pm, "shop", plan.MilestoneContent{Name: "GA", Date: "2027-01-01", Deliverables: make([]accord.Ref, 1001)})
	assert.Contains(t, fieldOf(t, err, "deliverables"), "more than 1000 entries")
	page, err := e.svc.ListIterations(e.pm, "shop", plan.IterationFilter{}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
}
