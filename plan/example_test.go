package plan_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/plan"
)

// An iteration with two people, one item with an estimate written into
// the plan, committed.
func ExampleService_Commit() {
	svc, err := plan.NewService(plan.Options{Store: memory.NewPlanStore()})
	if err != nil {
		panic(err)
	}
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	it, err := svc.CreateIteration(ctx, "shop", plan.IterationContent{Name: "Sprint 1", Start: "2026-11-23", End: "2026-12-04",
		Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 5}, {Member: "carol", DaysPerWeek: 2.5}}})
	if err != nil {
		panic(err)
	}
	it, err = svc.Schedule(ctx, "shop", it.Key, it.Revision, plan.ScheduleInput{Ref: accord.Ref{Kind: "requirement", ID: "REQ-1"},
		Assignees: []string{"bob"}, Override: &plan.Override{Days: 6, Reason: "agreed at planning"}})
	if err != nil {
		panic(err)
	}
	it, err = svc.Commit(ctx, "shop", it.Key, it.Revision)
	if err != nil {
		panic(err)
	}
	fmt.Println(it.Key, it.Status, it.PersonDays(), "person-days")
	// Output: IT-1 committed 15 person-days
}
