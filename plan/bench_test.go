package plan_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/plan"
)

// benchPlan builds a project of 50 two-week iterations of 100 items each
// (5,000 items), every item scheduled, started, blocked a while and done in
// its iteration: 401 revisions an iteration, 20,050 in all. A milestone has the last iteration's items as
// its deliverables.
func benchPlan(b *testing.B) (*plan.Service, plan.Iteration, plan.Milestone) {
	b.Helper()
	clock := testkit.NewStepClock(time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC))
	svc, err := plan.NewService(plan.Options{Store: memory.NewPlanStore(), Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	var last plan.Iteration
	var deliverables []accord.Ref
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		from := start.AddDate(0, 0, 14*i)
		clock.Set(from.Add(8 * time.Hour))
		it, err := svc.CreateIteration(ctx, "bench", plan.IterationContent{Name: fmt.Sprintf("Sprint %d", i+1),
			Start: plan.Date(from.Format(time.DateOnly)), End: plan.Date(from.AddDate(0, 0, 11).Format(time.DateOnly)),
			Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 5}, {Member: "carol", DaysPerWeek: 5}}})
		if err != nil {
			b.Fatal(err)
		}
		refs := make([]accord.Ref, 100)
		for j := range refs {
			refs[j] = accord.Ref{Kind: "requirement", ID: fmt.Sprintf("R%d-%d", i, j)}
			if _, err := svc.Schedule(ctx, "bench", it.ID, 0, plan.ScheduleInput{Ref: refs[j], Assignees: []string{"bob"},
				Override: &plan.Override{Days: 0.2, Reason: "bench"}}); err != nil {
				b.Fatal(err)
			}
		}
		for day, batch := 0, 0; batch < 100; day++ {
			clock.Set(from.AddDate(0, 0, day%12).Add(10 * time.Hour))
			for k := 0; k < 10 && batch < 100; k++ {
				for _, st := range []plan.ItemState{plan.InProgress, plan.Blocked, plan.Done} {
					if _, err := svc.SetItemState(ctx, "bench", it.ID, plan.ItemStateInput{Ref: refs[batch], State: st}); err != nil {
						b.Fatal(err)
					}
				}
				batch++
			}
		}
		if last, err = svc.GetIteration(ctx, "bench", it.ID); err != nil {
			b.Fatal(err)
		}
		if i == 49 {
			deliverables = refs
		}
	}
	m, err := svc.CreateMilestone(ctx, "bench", plan.MilestoneContent{Name: "Release", Date: "2027-06-30", Deliverables: deliverables})
	if err != nil {
		b.Fatal(err)
	}
	return svc, last, m
}

func BenchmarkPlan(b *testing.B) {
	svc, it, m := benchPlan(b)
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	b.Run("iteration_progress", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.IterationProgress(ctx, "bench", it.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("iteration_burnup_401_revisions", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.BurnUp(ctx, "bench", it.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("milestone_progress_100_deliverables", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.MilestoneProgress(ctx, "bench", m.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("milestone_forecast_50_iterations", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.ForecastMilestone(ctx, "bench", m.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
