package risk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/risk"
)

// register10k is a project of 10,000 risks, assessed at every level, with
// responses and actions: the size the views must stay quick at.
func register10k(b *testing.B) *risk.Service {
	b.Helper()
	svc, err := risk.NewService(risk.Options{Store: memory.NewRiskStore(), Clock: testkit.NewStepClock(t0)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	for i := range 10_000 {
		r, err := svc.Create(ctx, "big", risk.NewRisk{Title: fmt.Sprintf("Risk %d", i), Cause: "a cause", Event: "an event", Effect: "an effect",
			Category: risk.BuiltinCategories()[i%7], Owner: fmt.Sprintf("owner-%d", i%25)})
		if err != nil {
			b.Fatal(err)
		}
		if r, err = svc.Assess(ctx, "big", r.ID, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 1 + i%5, Impact: map[string]int{"overall": 1 + (i/5)%5}}); err != nil {
			b.Fatal(err)
		}
		if i%3 == 0 {
			if r, err = svc.Respond(ctx, "big", r.ID, r.Revision, risk.ResponseInput{Strategy: risk.Mitigate}); err != nil {
				b.Fatal(err)
			}
			if _, err = svc.AddAction(ctx, "big", r.ID, accord.ActionInput{Title: "do it", Owner: "bob", Due: t0.AddDate(0, 0, i%60)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	return svc
}

func BenchmarkRegister10k(b *testing.B) {
	svc := register10k(b)
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	now := t0.Add(45 * 24 * time.Hour)
	b.Run("filtered_first_page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.List(ctx, "big", risk.Filter{Level: []risk.Level{risk.High}, Category: risk.Technical}, accord.PageQuery{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("overdue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Overdue(ctx, "big", now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("heat_map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.HeatMap(ctx, "big", risk.Current); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("markdown_register", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Register(ctx, "big", now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
