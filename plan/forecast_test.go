package plan_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// A pace near zero forecasts no further than about ten years.
func TestForecastIsBounded(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC))
	it, err := e.svc.CreateIteration(e.pm, "shop", plan.IterationContent{Name: "Long", Start: "2025-01-06", End: "2027-12-31",
		Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 5}}})
	require.NoError(t, err)
	for ref, d := range map[accord.Ref]float64{req("1"): 0.01, req("2"): 100} {
		_, err = e.svc.Schedule(e.pm, "shop", it.Key, 0, plan.ScheduleInput{Ref: ref, Override: &plan.Override{Days: d, Reason: "x"}})
		require.NoError(t, err)
	}
	_, err = e.svc.SetItemState(e.pm, "shop", it.Key, plan.ItemStateInput{Ref: req("1"), State: plan.Done})
	require.NoError(t, err)
	m, err := e.svc.CreateMilestone(e.pm, "shop", plan.MilestoneContent{Name: "Someday", Date: "2027-06-30", Deliverables: []accord.Ref{req("2")}})
	require.NoError(t, err)
	e.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	f, err := e.svc.ForecastMilestone(e.pm, "shop", m.Key)
	require.NoError(t, err)
	assert.True(t, f.Slipped)
	assert.Less(t, string(f.Forecast), "2037-01-01")
	assert.Contains(t, f.Working, "at the earliest")
}
