package risk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/risk"
)

// A risk is filed, scored with its working shown, and answered.
func ExampleService_Assess() {
	svc, _ := risk.NewService(risk.Options{Store: memory.NewRiskStore()})
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})

	r, _ := svc.Create(bob, "shop", risk.NewRisk{Title: "Refunds queue up", Category: risk.Dependency,
		Cause: "the payment provider rate-limits refunds", Event: "refunds queue up at month end", Effect: "miss the refund window"})
	r, _ = svc.Assess(bob, "shop", r.Key, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 4, Impact: map[string]int{"overall": 3}})
	fmt.Println(r.Key, r.Status, r.Level())
	fmt.Println(r.Current.Working)
	for _, f := range risk.Check(r) {
		fmt.Println(f.Rule)
	}
	// Output:
	// RISK-1 assessed high
	// likelihood 4 (likely) x impact 3 (moderate) → cell (4,3) → high
	// no-response
}

// Overdue is computed from the time asked about, not from a scheduler.
func ExampleService_Overdue() {
	svc, _ := risk.NewService(risk.Options{Store: memory.NewRiskStore()})
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	r, _ := svc.Create(bob, "shop", risk.NewRisk{Title: "Vendor slips", Category: risk.Schedule, Cause: "one vendor", Event: "it slips", Effect: "delay launch"})
	_, _ = svc.Assess(bob, "shop", r.Key, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 5, Impact: map[string]int{"overall": 5}})

	soon, _ := svc.Overdue(bob, "shop", time.Now().AddDate(0, 0, 1))
	later, _ := svc.Overdue(bob, "shop", time.Now().AddDate(0, 0, 15))
	fmt.Println(len(soon.Reviews), len(later.Reviews), later.Reviews[0].Level)
	// Output: 0 1 critical
}
