package review_test

import (
	"context"
	"fmt"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/review"
)

// exampleService returns a review service whose only subject is REQ-1 at
// revision 2, with two acceptance criteria.
func exampleService() (*review.Service, *subjects) {
	subj := newSubjects()
	subj.revise(req1, map[string]string{"title": "REQ-1 Refund an order", "criterion:AC-1": "refund returns 202"})
	subj.revise(req1, map[string]string{"criterion:AC-2": "late refund fails with REFUND_WINDOW_CLOSED"})
	svc, err := review.NewService(review.Options{Store: memory.NewReviewStore(), Subjects: subj,
		Clock: accord.ClockFunc(func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) })})
	if err != nil {
		panic(err)
	}
	return svc, subj
}

func ExampleService_Create() {
	svc, _ := exampleService()
	pm := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	rv, err := svc.Create(pm, "shop", review.NewReview{
		Kind:    review.RequirementReview,
		Subject: accord.Ref{Kind: "requirement", ID: "R1"},
		Participants: []review.NewParticipant{
			{Actor: "alice", Role: review.RoleProduct},
			{Actor: "bob", Role: review.RoleBackend},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rv.Key, rv.Title, "round", rv.Current().Number, "on revision", rv.Current().SubjectRevision)
	fmt.Println(svc.Evaluate(rv).Explain())
	// Output:
	// RV-1 REQ-1 Refund an order round 1 on revision 2
	// pending: min_approvals: 0 of 2 approvals; required_roles: no approval from product (alice); required_roles: no approval from backend (bob); feasibility: no feasibility assessment from bob
}

func ExampleService_Verdict() {
	svc, subj := exampleService()
	pm := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	dev := accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})
	rv, _ := svc.Create(pm, "shop", review.NewReview{Kind: review.RequirementReview, Subject: req1,
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}})

	// Bob assesses feasibility and asks for a change; Alice approves.
	_, _ = svc.Assess(dev, "shop", rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.FeasibleWithRisks, Difficulty: 4, EffortDays: 8,
		Risks: []review.RiskInput{{Title: "the payment provider refunds asynchronously", Category: accord.RiskDependency}}})
	_, _ = svc.Verdict(dev, "shop", rv.ID, review.VerdictInput{Round: 1, Decision: review.RequestChanges, Comment: "name the pending state"})
	rv, _ = svc.Verdict(pm, "shop", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	fmt.Println(svc.Evaluate(rv).Explain())

	// Alice revises the requirement: round 2 opens and the old verdicts no longer count.
	subj.revise(req1, map[string]string{"criterion:AC-1": "refund returns 202 and shows refund_pending"})
	rv, _ = svc.Sync(pm, "shop", rv.ID)
	fmt.Println(rv.Log[len(rv.Log)-1].Detail)
	_, err := svc.Verdict(dev, "shop", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	fmt.Println(accord.ErrorCode(err))
	// Output:
	// changes_requested: request_changes: changes requested by bob; min_approvals: 1 of 2 approvals; required_roles: no approval from backend (bob)
	// round 2 opened on revision 3, superseding round 1 on revision 2: changed criterion:AC-1; verdicts start afresh (not editorial: criterion:AC-1)
	// conflict
}

func ExampleEvaluate() {
	rv := review.Review{
		Policy:       review.Policy{MinApprovals: 1, AllCriteriaPassed: true},
		Participants: []review.Participant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "qin", Role: review.RoleQA}},
		Rounds: []review.Round{{Number: 1, SubjectRevision: 7,
			Criteria: []review.Criterion{{ID: "AC-1", Text: "refund returns 202"}, {ID: "AC-2", Text: "late refund fails"}},
			Verdicts: []review.Verdict{{Actor: "alice", Decision: review.Approve}},
			Checks: []review.Check{{CriterionID: "AC-1", Result: review.Passed, Actor: "qin"},
				{CriterionID: "AC-2", Result: review.Failed, Problem: "returns 500 on day 15", Actor: "qin"}}}},
	}
	e := review.Evaluate(rv, time.Now())
	fmt.Println(e.Outcome)
	for _, u := range e.Unmet {
		fmt.Println(u.Rule, u.Participants, u.Message)
	}
	// Output:
	// changes_requested
	// criteria_failed [qin] failed: AC-2 (returns 500 on day 15)
}
