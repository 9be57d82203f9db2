package requirement_test

import (
	"context"
	"fmt"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/requirement"
)

func exampleService() *requirement.Service {
	svc, err := requirement.NewService(requirement.Options{
		Store: memory.NewRequirementStore(),
		Clock: accord.ClockFunc(func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }),
	})
	if err != nil {
		panic(err)
	}
	return svc
}

func ExampleService_Create() {
	svc := exampleService()
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})

	r, err := svc.Create(ctx, "shop", requirement.ContentInput{Content: requirement.Content{
		Title:    "Refund a paid order",
		Priority: requirement.P1,
		Owner:    "alice",
		Acceptance: []requirement.AcceptanceCriterion{
			{Text: "A refund inside the window returns 201"},
		},
	}, Note: "first draft"})
	if err != nil {
		fmt.Println(accord.ErrorCode(err), err)
		return
	}
	fmt.Println(r.Key, r.Status, r.Revision, r.Acceptance[0].ID)

	// Only a title: the owner defaults to the author, the priority to P2.
	quick, _ := svc.Create(ctx, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Export orders as CSV"}})
	fmt.Println(quick.Key, quick.Owner, quick.Priority)

	_, err = svc.Create(ctx, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Bad priority", Priority: "P7"}})
	fmt.Println(err)
	// Output:
	// REQ-1 draft 1 AC-1
	// REQ-2 alice P2
	// invalid: invalid requirement: priority: unknown priority "P7"; one of P0, P1, P2, P3
}

func ExampleService_Diff() {
	svc := exampleService()
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	c := requirement.Content{Title: "Refund a paid order", Priority: requirement.P1, Owner: "alice",
		Acceptance: []requirement.AcceptanceCriterion{{Text: "A refund after 14 days fails"}}}
	r, _ := svc.Create(ctx, "shop", requirement.ContentInput{Content: c})

	c.Acceptance[0].Text = "A refund after 30 days fails"
	c.Priority = requirement.P0
	r, err := svc.Update(ctx, "shop", r.ID, r.Revision, requirement.ContentInput{Content: c, Note: "legal asked for 30 days"})
	if err != nil {
		panic(err)
	}
	changes, _ := svc.Diff(ctx, "shop", r.Key, 1, 2)
	for _, ch := range changes {
		fmt.Printf("%s: %v -> %v\n", ch.Path, ch.Before, ch.After)
	}
	// Output:
	// acceptance_criteria[0].text: A refund after 14 days fails -> A refund after 30 days fails
	// priority: P1 -> P0
}

func ExampleService_Transition() {
	svc := exampleService()
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	r, _ := svc.Create(ctx, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Export invoices", Priority: requirement.P3, Owner: "alice"}})

	_, err := svc.Transition(ctx, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Accepted})
	fmt.Println(accord.ErrorCode(err), err)

	r, _ = svc.Transition(ctx, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.InReview, Reason: "ready"})
	fmt.Println(r.Status, r.Revision)
	// Output:
	// failed_precondition failed_precondition: REQ-1 cannot move from draft to accepted; allowed next: in_review, deferred, rejected
	// in_review 2
}

func ExampleLint() {
	c := requirement.Content{
		Title:       "Stack coupons",
		Description: "Checkout must apply coupons fast, 尽快上线.",
		Acceptance:  []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "Coupons work nicely"}},
		Exceptions:  []requirement.ExceptionCase{{Condition: "coupon expired", Handling: "refuse it"}},
	}
	for _, f := range requirement.Lint(c, nil) {
		fmt.Println(f.Severity, f.Rule, f.Path)
	}
	// Output:
	// error acceptance-criterion-unverifiable acceptance_criteria[0].text
	// warning vague-wording description
	// warning vague-wording description
}

func ExampleService_ProposeChange() {
	svc := exampleService()
	pm := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	dev := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	c := requirement.Content{Title: "Refund a paid order", Priority: requirement.P1, Owner: "alice",
		Description: "Refunds within 14 days."}
	r, _ := svc.Create(pm, "shop", requirement.ContentInput{Content: c})
	r, _ = svc.Transition(pm, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.InReview})
	r, _ = svc.Transition(dev, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.Approved})

	// Approved content is locked: changes go through a change request.
	c.Description = "Refunds within 30 days."
	cr, err := svc.ProposeChange(pm, "shop", r.Key, requirement.ChangeProposal{
		Proposed: c, Reason: "new consumer law",
		Impact: requirement.Impact{ScheduleDays: 2, EffortDays: 3, Technical: "window becomes configurable"},
	})
	if err != nil {
		panic(err)
	}
	cr, _ = svc.DecideChange(dev, "shop", cr.ID, cr.Revision, requirement.DecisionInput{To: requirement.ChangeApproved})
	r, cr, _ = svc.ApplyChange(pm, "shop", cr.ID, cr.Revision)
	fmt.Println(r.Status, r.Revision, r.Description, cr.State)
	// Output:
	// in_review 4 Refunds within 30 days. applied
}

// Search finds requirements by text in any language, without word
// boundaries (two-character Chinese words included), best first: key or
// title hits, then background or description hits, the newest first
// within each.
func ExampleService_Search() {
	svc := exampleService()
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	for _, c := range []requirement.Content{
		{Title: "退款流程", Description: "买家申请退款，三天内原路退回"},
		{Title: "Order history", Description: "订单列表显示退款状态"},
		{Title: "支付API 接入"},
	} {
		if _, err := svc.Create(ctx, "shop", requirement.ContentInput{Content: c}); err != nil {
			fmt.Println(err)
			return
		}
	}
	page, err := svc.Search(ctx, "shop", requirement.Filter{Text: "退款"}, accord.PageQuery{})
	if err != nil {
		fmt.Println(accord.ErrorCode(err), err)
		return
	}
	for _, r := range page.Items {
		fmt.Println(r.Key, r.Title)
	}
	_, err = svc.Search(ctx, "shop", requirement.Filter{}, accord.PageQuery{})
	fmt.Println(accord.ErrorCode(err))
	// Output:
	// REQ-1 退款流程
	// REQ-2 Order history
	// invalid
}
