package link_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

func ExampleNew() {
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore()}})
	if err != nil {
		panic(err)
	}
	pm := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	dev := accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})

	r, _ := s.Requirements.Create(pm, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund an order", Priority: requirement.P1, Owner: "alice",
		Acceptance: []requirement.AcceptanceCriterion{{Text: "A refund inside the window returns 202"}}}})
	r, _ = s.Requirements.Transition(pm, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.InReview})
	rv, _ := s.Reviews.Create(pm, "shop", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}})

	_, err = s.Requirements.Transition(pm, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	fmt.Println(err)

	_, _ = s.Reviews.Assess(dev, "shop", rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 3})
	_, _ = s.Reviews.Verdict(dev, "shop", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	_, _ = s.Reviews.Verdict(pm, "shop", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	r, err = s.Requirements.Transition(pm, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	fmt.Println(r.Key, r.Status, err)
	// Output:
	// failed_precondition: REQ-1 cannot move to approved: requirement review RV-1 (round 1, revision 2) is pending: min_approvals: 0 of 2 approvals; required_roles: no approval from product (alice); required_roles: no approval from backend (bob); feasibility: no feasibility assessment from bob
	// REQ-1 approved <nil>
}
