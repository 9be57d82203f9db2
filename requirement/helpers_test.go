package requirement_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
)

var (
	pm  = accord.WithActor(context.Background(), accord.Actor{ID: "pm-alice", Name: "Alice", Roles: []string{"product"}})
	dev = accord.WithActor(context.Background(), accord.Actor{ID: "dev-bob", Name: "Bob", Roles: []string{"backend"}})
	// admin holds every permission: settings, deleting others' records.
	admin = accord.WithActor(context.Background(), accord.Actor{ID: "ada", Name: "Ada", Roles: []string{"admin"}})
)

func newService(t testing.TB, opts ...func(*requirement.Options)) (*requirement.Service, *testkit.Events) {
	t.Helper()
	rec := &testkit.Events{}
	o := requirement.Options{Store: memory.NewRequirementStore(), Events: rec,
		Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))}
	for _, f := range opts {
		f(&o)
	}
	svc, err := requirement.NewService(o)
	require.NoError(t, err)
	return svc, rec
}

func ptr(v float64) *float64 { return &v }

// goodContent is a requirement lint finds nothing wrong with.
func goodContent() requirement.Content {
	return requirement.Content{
		Title:       "Refund an order",
		Background:  "Support refunds orders by hand today; it takes two days per refund.",
		Goal:        "Buyers get their money back without a support ticket.",
		KPIs:        []string{"refund tickets per week"},
		Description: "A buyer can refund a paid order within 14 days of delivery.",
		Flow: []requirement.FlowStep{
			{Actor: "buyer", Action: "opens the order and chooses refund"},
			{Actor: "system", Action: "checks the refund window and pays back"},
		},
		Scenarios:  []requirement.Scenario{{Name: "late refund", Actor: "buyer", Situation: "day 15 after delivery", Action: "asks for a refund", Outcome: "refusal with the reason"}},
		Exceptions: []requirement.ExceptionCase{{Condition: "refund window closed", Handling: "refuse with the reason", ErrorCode: "REFUND_WINDOW_CLOSED"}},
		Performance: []requirement.PerformanceTarget{
			{Metric: "p99 latency of the refund call", Comparator: requirement.LessOrEqual, Target: ptr(300), Unit: "ms"},
		},
		Acceptance: []requirement.AcceptanceCriterion{
			{ID: "AC-1", Text: "A refund inside the window returns 200 and the order shows refunded"},
			{ID: "AC-2", Text: "A refund after 14 days fails with REFUND_WINDOW_CLOSED"},
		},
		Priority: requirement.P1,
		Owner:    "pm-alice",
		Labels:   []string{"payments"},
	}
}
