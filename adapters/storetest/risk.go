package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/risk"
)

// RiskStore checks a risk.Store: the generic record properties, settings,
// a source that files once, the filters, and one scenario through the real
// Service. open returns a new, empty store for each subtest.
func RiskStore(t *testing.T, open func(t *testing.T) risk.Store) {
	t.Run("risks", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[risk.Risk] { return riskRecords(open(t)) })
	})
	t.Run("settings", func(t *testing.T) {
		CheckSettings(t, func(t *testing.T) SettingsRecords[risk.Settings] {
			s := open(t)
			return SettingsRecords[risk.Settings]{
				New: func(p string, n int) risk.Settings {
					st := risk.DefaultSettings(p)
					st.Categories = []string{fmt.Sprintf("vendor-%d", n)}
					return st
				},
				Stamp: func(s *risk.Settings) *accord.Stamp { return &s.Stamp },
				Get:   s.GetSettings, Put: s.PutSettings}
		})
	})
	t.Run("sources_and_filters", func(t *testing.T) { testRiskSpecifics(t, open(t)) })
	t.Run("scenario", func(t *testing.T) { riskScenario(t, open(t)) })
}

func newRisk(p string, i int) risk.Risk {
	a := risk.Assessment{Stage: risk.Current, Likelihood: 3, Impact: map[string]int{"overall": 4}, Combined: 4, Level: risk.High,
		Scorer: "matrix", Version: "1", Working: "likelihood 3 (possible) x impact 4 (major) → cell (3,4) → high", Actor: "bob", Time: epoch}
	return risk.Risk{ID: fmt.Sprintf("%s-risk-%03d", p, i), Project: p, Title: fmt.Sprintf("Risk %d", i),
		Cause: "the payment provider rate-limits refunds", Event: "refunds queue up at month end", Effect: "delay refunds past the promised window",
		Kind: risk.Threat, Category: risk.Dependency, Owner: "bob", Labels: []string{"payments"}, Links: []accord.Ref{{Kind: "requirement", ID: "R1"}},
		Source: risk.Source{Kind: risk.SourceManual}, Status: risk.Assessed, Current: &a, Assessments: []risk.Assessment{a},
		Response:   &risk.Response{Strategy: risk.Mitigate, Plan: "batch refunds", Actions: []accord.Action{{ID: "A1", Title: "ask for a higher limit", Owner: "bob", Status: accord.ActionOpen, Due: epoch.AddDate(0, 0, 7)}}},
		ReviewedAt: epoch, ReviewedBy: "bob", Stamp: accord.NewStamp("bob", epoch)}
}

func riskRecords(s risk.Store) Records[risk.Risk] {
	return Records[risk.Risk]{
		Name: "risk",
		New:  newRisk,
		Edit: func(r risk.Risk, w int) risk.Risk {
			r = r.Clone()
			r.Response.Actions = append(r.Response.Actions, accord.Action{ID: fmt.Sprintf("w%d-%d", w, len(r.Response.Actions)), Title: "more", Owner: "bob", Status: accord.ActionOpen})
			return r
		},
		Edits: func(r risk.Risk) int { return len(r.Response.Actions) - 1 },
		Scribble: func(r *risk.Risk) {
			r.Labels[0] = "scribbled"
			r.Current.Impact["overall"] = 1
			r.Response.Actions[0].Title = "scribbled"
			r.Assessments[0].Impact["overall"] = 2
		},
		Stamp:   func(r *risk.Risk) *accord.Stamp { return &r.Stamp },
		ID:      func(r risk.Risk) string { return r.ID },
		Project: func(r *risk.Risk, p string) { r.Project = p },
		Create:  s.CreateRisk, Get: s.GetRisk, Update: s.UpdateRisk, Tombstone: s.DeleteRisk, Restore: s.UpdateRisk, ListDeleted: s.ListDeletedRisks,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[risk.Risk], error) {
			return s.ListRisks(ctx, p, risk.Filter{}, q)
		},
		Revisions: s.ListRiskRevisions, Revision: s.GetRiskRevision,
		Key: func(r risk.Risk) string { return r.Key }, KeyOf: risk.KeyOf, SetKey: func(r *risk.Risk, k string) { r.Key = k }, GetByKey: s.GetRiskByKey,
	}
}

func testRiskSpecifics(t *testing.T, s risk.Store) {
	rr := riskRecords(s)
	fromReview := func(i int, item string) risk.Risk {
		r := newRisk("alpha", i)
		r.Source = risk.Source{Kind: risk.SourceReview, Ref: accord.Ref{Kind: "review", ID: "RV1"}, Item: item}
		return r
	}
	first, err := s.CreateRisk(ctx, rr.first(fromReview(1, "K1")))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	_, err = s.CreateRisk(ctx, rr.first(fromReview(2, "K1")))
	checkCode(t, "a second risk from the same review risk", accord.Conflict, err)
	if _, err := s.CreateRisk(ctx, rr.first(fromReview(3, "K2"))); err != nil {
		t.Errorf("another risk of the same review: %v", err)
	}
	found, err := s.FindRiskBySource(ctx, "alpha", first.Source)
	if err != nil || found.ID != first.ID {
		t.Errorf("find by source: %s (%v), want %s", found.ID, err, first.ID)
	}
	_, err = s.FindRiskBySource(ctx, "beta", first.Source)
	checkCode(t, "find by source in another project", accord.NotFound, err)

	// Manual risks have no source name: any number of them.
	low := newRisk("alpha", 4)
	low.Current.Level, low.Kind, low.Category, low.Owner, low.Links = risk.Low, risk.Opportunity, risk.Schedule, "ann", nil
	low.Assessments[0].Level = risk.Low
	low.Title = "上游限流 upstream throttling"
	if _, err := s.CreateRisk(ctx, rr.first(low)); err != nil {
		t.Fatal(err)
	}
	closed := newRisk("alpha", 5)
	closed.Status = risk.Closed
	if _, err := s.CreateRisk(ctx, rr.first(closed)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    risk.Filter
		want []string
	}{
		{"status", risk.Filter{Status: []risk.Status{risk.Closed}}, []string{"alpha-risk-005"}},
		{"level", risk.Filter{Level: []risk.Level{risk.Low}}, []string{"alpha-risk-004"}},
		{"kind", risk.Filter{Kind: risk.Opportunity}, []string{"alpha-risk-004"}},
		{"category", risk.Filter{Category: risk.Schedule}, []string{"alpha-risk-004"}},
		{"owner", risk.Filter{Owner: "ann"}, []string{"alpha-risk-004"}},
		{"link", risk.Filter{Link: accord.Ref{Kind: "requirement", ID: "R1"}}, []string{"alpha-risk-001", "alpha-risk-003", "alpha-risk-005"}},
		{"text", risk.Filter{Text: "RATE-LIMITS", Status: []risk.Status{risk.Closed}}, []string{"alpha-risk-005"}},
		{"two Chinese characters", risk.Filter{Text: "限流"}, []string{"alpha-risk-004"}},
		{"three characters across languages", risk.Filter{Text: "流 UP"}, []string{"alpha-risk-004"}},
		{"one character", risk.Filter{Text: "游"}, []string{"alpha-risk-004"}},
	} {
		page, err := s.ListRisks(ctx, "alpha", tc.f, accord.PageQuery{Size: 50})
		var got []string
		for _, r := range page.Items {
			got = append(got, r.ID)
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("filter %s: %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
}

// riskScenario runs a risk through its life with the real Service.
func riskScenario(t *testing.T, s risk.Store) {
	clock := &stepClock{t: epoch}
	svc, err := risk.NewService(risk.Options{Store: s, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	bob := accord.WithActor(ctx, accord.Actor{ID: "bob", Roles: []string{"backend"}})
	admin := accord.WithActor(ctx, accord.Actor{ID: "ada", Roles: []string{"admin"}})
	r := must[risk.Risk](t, "create")(svc.Create(bob, "shop", risk.NewRisk{Title: "Refunds queue up", Cause: "the provider rate-limits",
		Event: "refunds queue at month end", Effect: "miss the refund window", Category: risk.Dependency}))
	r = must[risk.Risk](t, "assess")(svc.Assess(bob, "shop", r.Key, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 4, Impact: map[string]int{"overall": 3}}))
	if r.Status != risk.Assessed || r.Level() != risk.High || r.Current.Working == "" {
		t.Errorf("after assessing: %s at %q, working %q", r.Status, r.Level(), r.Current.Working)
	}
	_, err = svc.Accept(bob, "shop", r.Key, r.Revision, risk.AcceptInput{Rationale: "cheap", Expires: epoch.AddDate(0, 1, 0)})
	checkCode(t, "backend accepting a high risk", accord.PermissionDenied, err)
	r = must[risk.Risk](t, "accept")(svc.Accept(admin, "shop", r.Key, r.Revision, risk.AcceptInput{Rationale: "the provider fixes it in Q3", Expires: epoch.AddDate(0, 2, 0)}))
	r = must[risk.Risk](t, "reassess")(svc.Assess(bob, "shop", r.Key, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 5, Impact: map[string]int{"overall": 5}}))
	if r.Acceptance == nil || r.Acceptance.LapsedAt.IsZero() || r.Status != risk.Assessed {
		t.Errorf("a re-assessment to critical did not lapse the acceptance: %+v, %s", r.Acceptance, r.Status)
	}
	rep := must[risk.OverdueReport](t, "overdue")(svc.Overdue(bob, "shop", epoch.AddDate(0, 0, 20)))
	if len(rep.Reviews) != 1 {
		t.Errorf("a critical risk not reviewed for 20 days (cadence 14): %d due", len(rep.Reviews))
	}
	hist := must[[]accord.Revision[risk.Risk]](t, "history")(svc.History(bob, "shop", r.Key))
	if len(hist) != r.Revision {
		t.Errorf("%d revisions for revision %d", len(hist), r.Revision)
	}
	past := must[[]risk.Risk](t, "as of")(svc.AsOf(bob, "shop", hist[1].Time))
	if len(past) != 1 || past[0].Level() != risk.High {
		t.Errorf("the register as of the first assessment: %v", past)
	}
}
