package review_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/review"
)

// bigReview is a round with 20 participants in five roles, each with a
// changed mind (two verdicts), 8 feasibility assessments with risks, and 50
// threads of 4 comments (200 comments), every other one still open.
func bigReview() review.Review {
	roles := []string{"product", "backend", "frontend", "qa", "architect"}
	rv := review.Review{ID: "V1", Key: "RV-1", Kind: review.RequirementReview, Subject: req1,
		Policy: review.Policy{MinApprovals: 20, RequiredRoles: []string{"product", "backend", "frontend", "qa"}, RequestChangesBlocks: true,
			VetoRoles: []string{"product", "architect"}, ThreadsResolved: true, FeasibilityFrom: []string{"backend", "frontend"}},
		Rounds: []review.Round{{Number: 3, SubjectRevision: 9, State: review.RoundOpen}},
		Vetoes: []review.Veto{{Actor: "p04", Reason: "scope", Round: 1, WithdrawnAt: t0}},
	}
	round := &rv.Rounds[0]
	for i := range 20 {
		actor := fmt.Sprintf("p%02d", i)
		rv.Participants = append(rv.Participants, review.Participant{Actor: actor, Role: roles[i%len(roles)]})
		round.Verdicts = append(round.Verdicts, review.Verdict{Actor: actor, Decision: review.CommentOnly, Comment: "looking", Time: t0})
	}
	for i := range 20 {
		d := review.Approve
		if i == 7 {
			d = review.RequestChanges
		}
		round.Verdicts = append(round.Verdicts, review.Verdict{Actor: fmt.Sprintf("p%02d", i), Decision: d, Comment: "done", Time: t0})
	}
	for i := range 20 {
		if r := roles[i%len(roles)]; r == "backend" || r == "frontend" {
			round.Assessments = append(round.Assessments, review.Assessment{Actor: fmt.Sprintf("p%02d", i), Feasibility: review.FeasibleWithRisks,
				Difficulty: 3, EffortDays: 5, Risks: []review.Risk{{ID: fmt.Sprint(i), Title: "load", Category: accord.RiskTechnical}}})
		}
	}
	for i := range 50 {
		th := review.Thread{ID: fmt.Sprint(i), Anchor: fmt.Sprintf("flow[%d].action", i), Round: 1, Resolved: i%2 == 0}
		for j := range 4 {
			th.Comments = append(th.Comments, review.Comment{ID: fmt.Sprint(i, j), Actor: fmt.Sprintf("p%02d", (i+j)%20), Body: "what about retries?", Time: t0})
		}
		rv.Threads = append(rv.Threads, th)
	}
	return rv
}

// BenchmarkEvaluate: the outcome of a round with 20 participants and 200
// thread comments.
func BenchmarkEvaluate(b *testing.B) {
	rv := bigReview()
	if e := review.Evaluate(rv, t0); e.Outcome != review.ChangesRequested || len(e.Unmet) != 3 {
		b.Fatalf("unexpected evaluation: %s", e.Explain())
	}
	b.ReportAllocs()
	for b.Loop() {
		review.Evaluate(rv, t0)
	}
}

func BenchmarkMarkdown(b *testing.B) {
	rv := bigReview()
	e := review.Evaluate(rv, t0)
	b.ReportAllocs()
	for b.Loop() {
		review.Markdown(rv, e)
	}
}

// BenchmarkVerdict gives a verdict through the service on the same large
// review held in the memory store: read, copy, check, compare-and-swap
// write, and the before/after evaluations for the outcome event.
func BenchmarkVerdict(b *testing.B) {
	var svc *review.Service
	// Every verdict lengthens the review; starting afresh every 50 keeps
	// the measured review the size described above.
	fresh := func() {
		store := memory.NewReviewStore()
		rv := bigReview()
		rv.Project, rv.Revision = "p", 1
		if _, err := store.CreateReview(context.Background(), accord.Revision[review.Review]{Number: 1, Kind: accord.RevisionCreated, Actor: "p01", Time: t0, Record: rv}); err != nil {
			b.Fatal(err)
		}
		var err error
		if svc, err = review.NewService(review.Options{Store: store, Subjects: newSubjects(), Clock: testkit.NewStepClock(t0)}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "p03", Roles: []string{"qa"}}) // the role p03 takes part in
	in := review.VerdictInput{Round: 3, Decision: review.CommentOnly, Comment: "still reading"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%50 == 0 {
			b.StopTimer()
			fresh()
			b.StartTimer()
		}
		i++
		if _, err := svc.Verdict(ctx, "p", "V1", in); err != nil {
			b.Fatal(err)
		}
	}
}
