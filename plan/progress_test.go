package plan_test

import (
	"context"
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// TestProgressAndBurnUp scripts two weeks: three items scheduled on the
// first Monday (5 + 4 + 2 days), one more on Wednesday of the second week
// (scope grows by 3), items done on the first Thursday and the second
// Tuesday, one blocked by a question. The burn-up reads each past day as
// the revisions recorded it.
func TestProgressAndBurnUp(t *testing.T) {
	e := newEnv(t)
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})
	e.clock.Set(at(20, 9, 0))
	it, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	e.clock.Set(at(23, 9, 0))
	for _, ref := range []accord.Ref{req("1"), req("2"), req("3")} {
		it, err = e.svc.Schedule(e.pm, "shop", it.Key, 0, plan.ScheduleInput{Ref: ref, Assignees: []string{"bob"}})
		require.NoError(t, err)
	}
	e.clock.Set(at(24, 10, 0))
	_, err = e.svc.SetItemState(bob, "shop", it.Key, plan.ItemStateInput{Ref: req("1"), State: plan.InProgress})
	require.NoError(t, err)
	e.clock.Set(at(26, 17, 0))
	_, err = e.svc.SetItemState(bob, "shop", it.Key, plan.ItemStateInput{Ref: req("3"), State: plan.Done, Note: "merged"})
	require.NoError(t, err)
	e.clock.Set(at(30, 11, 0))
	_, err = e.svc.Ask(bob, "shop", plan.Ask{About: req("2"), Text: "Which rounding?", To: plan.Addressee{Role: "product"}, Blocking: true})
	require.NoError(t, err)
	e.clock.Set(dec(1, 15))
	_, err = e.svc.SetItemState(bob, "shop", it.Key, plan.ItemStateInput{Ref: req("1"), State: plan.Done})
	require.NoError(t, err)
	e.clock.Set(dec(2, 9))
	_, err = e.svc.Schedule(e.pm, "shop", it.Key, 0, plan.ScheduleInput{Ref: req("4"), Override: &plan.Override{Days: 3, Reason: "late ask"}})
	require.NoError(t, err)

	// Thursday 3 December, noon.
	e.clock.Set(dec(3, 12))
	p, err := e.svc.IterationProgress(e.pm, "shop", it.Key)
	require.NoError(t, err)
	assert.Equal(t, plan.Tally{Items: 2, Days: 7}, p.Done)
	assert.Equal(t, plan.Tally{Items: 1, Days: 4}, p.Blocked, "an open blocking question blocks the item")
	assert.Equal(t, plan.Tally{Items: 1, Days: 3}, p.NotStarted)
	assert.Equal(t, plan.Tally{Items: 4, Days: 14}, p.Total)
	assert.InDelta(t, 13, p.Capacity, 1e-9)
	assert.Equal(t, []string{"Q-1"}, p.OverdueQuestions, "asked on Monday, unanswered on Thursday")

	points, err := e.svc.BurnUp(e.pm, "shop", it.Key)
	require.NoError(t, err)
	want := []plan.BurnUpPoint{
		{Date: "2026-11-23", Scope: 11, Done: 0}, {Date: "2026-11-24", Scope: 11}, {Date: "2026-11-25", Scope: 11},
		{Date: "2026-11-26", Scope: 11, Done: 2}, {Date: "2026-11-27", Scope: 11, Done: 2},
		{Date: "2026-11-30", Scope: 11, Done: 2}, {Date: "2026-12-01", Scope: 11, Done: 7}, {Date: "2026-12-02", Scope: 14, Done: 7},
		{Date: "2026-12-03", Scope: 14, Done: 7},
	}
	assert.Equal(t, want, points, "weekends skipped, the future not drawn")

	m, err := e.svc.CreateMilestone(e.pm, "shop", plan.MilestoneContent{Name: "Refunds live", Date: "2026-12-18", Deliverables: []accord.Ref{req("1"), req("2"), req("5")}})
	require.NoError(t, err)
	mp, err := e.svc.MilestoneProgress(e.pm, "shop", m.Key)
	require.NoError(t, err)
	assert.Equal(t, plan.Tally{Items: 1, Days: 5}, mp.Done)
	assert.Equal(t, plan.Tally{Items: 1, Days: 4}, mp.Blocked)
	assert.Equal(t, []accord.Ref{req("5")}, mp.Unscheduled)

	svg := plan.BurnUpSVG("IT-1 Sprint 12", points, it.End, p.Capacity)
	require.NoError(t, xml.Unmarshal(svg, new(struct{ XMLName xml.Name })), "well-formed SVG")
	for _, s := range []string{"scope", "done", "capacity", "11-23", "12-04", "IT-1 Sprint 12"} {
		assert.Contains(t, string(svg), s)
	}
	assert.Equal(t, 2, strings.Count(string(svg), "<polyline"), "the scope and the done lines")
	if path := os.Getenv("ACCORD_BURNUP_SVG"); path != "" {
		require.NoError(t, os.WriteFile(path, svg, 0o644))
	}

	md, err := e.svc.Summary(e.pm, "shop", it.Key)
	require.NoError(t, err)
	for _, line := range []string{"# IT-1 Sprint 12", "Capacity 13 person-days: bob 8, carol 5.", "7 of 14 person-days done (2 of 4 items); 0 in progress, 1 not started, 1 blocked.",
		"| requirement/1 | done | bob | 5 (RV-1) |", "| requirement/4 | not started |  | 3 (override) |"} {
		assert.Contains(t, md, line)
	}
	chart, err := e.svc.BurnUpChart(e.pm, "shop", it.Key)
	require.NoError(t, err)
	assert.Equal(t, svg, chart)

	_, err = e.svc.SetItemState(bob, "shop", it.Key, plan.ItemStateInput{Ref: req("9"), State: plan.Done})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	_, err = e.svc.SetItemState(bob, "shop", it.Key, plan.ItemStateInput{Ref: req("1"), State: "finished"})
	assert.Contains(t, err.Error(), "state:")
}

// dec is a day of December 2026 at an hour, UTC.
func dec(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 0, 0, 0, time.UTC) }
