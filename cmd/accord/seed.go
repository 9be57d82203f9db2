package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
)

// ordersContract is the contract of the orders service in
// examples/contracttest, as JSON: the server binary does not link example
// code, and a test keeps the two the same.
//
//go:embed seed_orders.json
var ordersContract []byte

// seedContract stores the orders contract: 1.0.0 agreed after a contract
// review by backend and frontend, 1.1.0 a draft.
func seedContract(pm, dev context.Context, s link.Services) error {
	contracts := s.Contracts
	var spec contract.Spec
	if err := json.Unmarshal(ordersContract, &spec); err != nil {
		return err
	}
	v, err := contracts.Create(pm, demoProject, contract.NewContract{Version: "1.0.0", Spec: spec, Note: "from the kickoff"})
	if err != nil {
		return err
	}
	if v, err = contracts.Transition(pm, demoProject, v.ContractID, v.Version, v.Revision, contract.TransitionInput{To: contract.Proposed, Note: "ready for review"}); err != nil {
		return err
	}
	fe := accord.WithActor(pm, accord.Actor{ID: "fay", Name: "Fay (frontend)", Roles: []string{"frontend"}})
	rv, err := s.Reviews.Create(dev, demoProject, review.NewReview{Kind: review.ContractReview, Subject: v.Ref(),
		Participants: []review.NewParticipant{{Actor: "bob", Role: review.RoleBackend}, {Actor: "fay", Role: review.RoleFrontend}}})
	if err != nil {
		return err
	}
	for _, ctx := range []context.Context{dev, fe} {
		if _, err := s.Reviews.Verdict(ctx, demoProject, rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve}); err != nil {
			return err
		}
	}
	if v, err = contracts.Transition(dev, demoProject, v.ContractID, v.Version, v.Revision, contract.TransitionInput{To: contract.Agreed, Note: "reviewed with frontend"}); err != nil {
		return err
	}
	next, err := contracts.NewVersion(pm, demoProject, v.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0", Note: "refunds"})
	if err != nil {
		return err
	}
	// 1.1.0 adds refunds for REQ-1, and reading an order shows one; the
	// orders service's tests exercised all but the new operation.
	spec = next.Spec.Clone()
	refundReq := []accord.Ref{{Kind: requirement.RefKind, ID: "REQ-1"}}
	for i := range spec.Operations {
		if spec.Operations[i].ID == "getOrder" {
			spec.Operations[i].Requirements = refundReq
		}
	}
	refund := spec.Operations[1].Clone() // getOrder's shape: an order by its number
	refund.ID, refund.Method, refund.Path, refund.Summary, refund.Requirements = "refundOrder", "POST", "/orders/{id}/refunds", "Refund a paid order", refundReq
	refund.Responses = map[string]contract.Response{"201": refund.Responses["200"], "404": refund.Responses["404"]}
	spec.Operations = append(spec.Operations, refund)
	if next, err = contracts.UpdateVersion(dev, demoProject, v.ContractID, "1.1.0", next.Revision, contract.SpecInput{Spec: spec, Note: "refunds for REQ-1"}); err != nil {
		return err
	}
	_, err = contracts.RecordTestRun(dev, demoProject, v.ContractID, "1.1.0", contract.TestReport{Source: "ci orders#118", Operations: []contract.ExercisedOperation{
		{ID: "createOrder", Responses: []string{"201", "400"}}, {ID: "getOrder", Responses: []string{"200", "404"}},
		{ID: "listOrders", Responses: []string{"200"}}, {ID: "payOrder", Responses: []string{"200"}}}})
	return err
}

// seedAcceptance opens the acceptance review of REQ-4, where Bob found
// the search results in the wrong order.
func seedAcceptance(ctx context.Context, s link.Services) error {
	pm, dev := accord.WithActor(ctx, alice), accord.WithActor(ctx, bob)
	r, err := s.Requirements.Get(ctx, demoProject, "REQ-4")
	if err != nil {
		return err
	}
	rv, err := s.Reviews.Create(pm, demoProject, review.NewReview{Kind: review.AcceptanceReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}})
	if err != nil {
		return err
	}
	_, err = s.Reviews.Check(dev, demoProject, rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{
		{CriterionID: r.Acceptance[0].ID, Result: review.Failed, Problem: "results come oldest first"}}})
	return err
}

// reviewRequirement opens the requirement review of r with Alice (product)
// and Bob (backend); when approve is set, Bob assesses it and both approve.
func reviewRequirement(pm, dev context.Context, reviews *review.Service, r requirement.Requirement, approve bool) error {
	rv, err := reviews.Create(pm, demoProject, review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}})
	if err != nil || !approve {
		return err
	}
	if _, err := reviews.Assess(dev, demoProject, rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 4}); err != nil {
		return err
	}
	for _, ctx := range []context.Context{pm, dev} {
		if _, err := reviews.Verdict(ctx, demoProject, rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve}); err != nil {
			return err
		}
	}
	return nil
}

const demoProject = "demo"

// seedOnce creates and fills the demo project on a new database, and
// reports whether it did: a database that has it is left alone, and so is
// one where another server instance got there first.
func seedOnce(ctx context.Context, projects *project.Service, s link.Services, b *backend) (bool, error) {
	pm := accord.WithActor(ctx, alice)
	if _, err := projects.Member(ctx, demoProject, alice.ID); err == nil {
		return false, nil
	}
	if _, err := projects.Create(pm, project.NewProject{Key: demoProject, Name: "Demo shop"}); err != nil {
		if accord.ErrorCode(err) == accord.Conflict {
			return false, nil
		}
		return false, err
	}
	if _, err := projects.SetMember(pm, demoProject, alice.ID, project.MemberInput{Roles: []string{project.RoleAdmin, "product"}}); err != nil {
		return false, err
	}
	if _, err := projects.SetMember(pm, demoProject, bob.ID, project.MemberInput{Roles: []string{"backend"}}); err != nil {
		return false, err
	}
	// Fay reviews the checkout page as frontend; she has no token.
	if _, err := projects.SetMember(pm, demoProject, "fay", project.MemberInput{Roles: []string{"frontend"}}); err != nil {
		return false, err
	}
	if err := seed(ctx, s); err != nil {
		return true, err
	}
	if err := seedRisks(ctx, s); err != nil {
		return true, err
	}
	if err := seedRetros(ctx, s); err != nil {
		return true, err
	}
	inputs := link.PlanInputs{Requirements: b.Requirements, Contracts: b.Contracts, Reviews: b.Reviews}
	if err := seedPlans(ctx, s, b.Plans, inputs, b.Risks); err != nil {
		return true, err
	}
	return true, seedAcceptance(ctx, s)
}

// seedRetros holds the payments team's last retrospective, closed with
// two open actions, and opens the next one of the series, collecting: the
// open actions came along by themselves.
func seedRetros(ctx context.Context, s link.Services) error {
	pm, dev := accord.WithActor(ctx, alice), accord.WithActor(ctx, bob)
	last, err := s.Retros.Create(pm, demoProject, retro.NewRetro{Title: "Sprint 14", Series: "payments", LooksBackOn: []accord.Ref{{Kind: "requirement", ID: "REQ-1"}}})
	if err != nil {
		return err
	}
	for _, it := range []retro.ItemInput{{Column: "well", Text: "Refund flow reviewed in one day"}, {Column: "improve", Text: "Flaky payment tests blocked two releases"},
		{Column: "ideas", Text: "Record provider rate limits in the contract"}} {
		if _, err := s.Retros.AddItem(dev, demoProject, last.Key, it); err != nil {
			return err
		}
	}
	for _, ph := range []retro.Phase{retro.Grouping, retro.Voting} {
		if last, err = s.Retros.Transition(pm, demoProject, last.Key, 0, retro.TransitionInput{To: ph}); err != nil {
			return err
		}
	}
	for _, who := range []context.Context{pm, dev} {
		if _, err := s.Retros.Vote(who, demoProject, last.Key, last.Items[1].ID); err != nil {
			return err
		}
	}
	if _, err = s.Retros.Transition(pm, demoProject, last.Key, 0, retro.TransitionInput{To: retro.Discussing}); err != nil {
		return err
	}
	for _, a := range []accord.ActionInput{{Title: "Quarantine flaky payment tests", Owner: "bob", Due: time.Now().UTC().AddDate(0, 0, 7)},
		{Title: "Add the provider's limits to the refunds contract", Owner: "alice"}} {
		if _, err := s.Retros.AddAction(dev, demoProject, last.Key, retro.ActionInput{ActionInput: a}); err != nil {
			return err
		}
	}
	if _, err := s.Retros.AddLesson(pm, demoProject, last.Key, retro.LessonInput{Text: "Rate limits belong in the API contract", Tags: []string{"contracts"}}); err != nil {
		return err
	}
	if _, err := s.Retros.Transition(pm, demoProject, last.Key, 0, retro.TransitionInput{To: retro.Closed}); err != nil {
		return err
	}
	next, err := s.Retros.Create(pm, demoProject, retro.NewRetro{Title: "Sprint 15", Series: "payments", Anonymous: true})
	if err != nil {
		return err
	}
	_, err = s.Retros.AddItem(dev, demoProject, next.Key, retro.ItemInput{Column: "improve", Text: "Reviews wait on one person"})
	return err
}

// seedRisks fills the demo register: a risk Bob raises in RV-2's
// assessment (filed by the wiring), a high dependency risk being treated
// with a late action, an accepted resource risk and an opportunity.
func seedRisks(ctx context.Context, s link.Services) error {
	pm := accord.WithActor(ctx, alice)
	admin := accord.WithActor(ctx, accord.Actor{ID: alice.ID, Name: alice.Name, Roles: []string{"product", project.RoleAdmin}})
	dev := accord.WithActor(ctx, bob)
	if _, err := s.Reviews.Assess(dev, demoProject, "RV-2", review.AssessmentInput{Round: 1, Feasibility: review.FeasibleWithRisks, Difficulty: 3, EffortDays: 6,
		Risks: []review.RiskInput{{Title: "The invoice export overloads the reporting database", Category: accord.RiskTechnical,
			Description: "the export reads a month of invoices in one query"}}}); err != nil {
		return err
	}
	now := time.Now().UTC()
	file := func(ctx context.Context, in risk.NewRisk, l, i int) (risk.Risk, error) {
		r, err := s.Risks.Create(ctx, demoProject, in)
		if err != nil {
			return r, err
		}
		return s.Risks.Assess(ctx, demoProject, r.Key, r.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: l, Impact: map[string]int{"overall": i}})
	}
	provider, err := file(dev, risk.NewRisk{Title: "The payment provider rate-limits refunds", Category: risk.Dependency,
		Cause: "the provider allows 20 refunds a minute", Event: "refunds queue up at month end", Effect: "miss the 14-day refund window promised in REQ-1",
		Links: []accord.Ref{{Kind: "requirement", ID: "REQ-1"}}}, 4, 3)
	if err != nil {
		return err
	}
	if provider, err = s.Risks.Respond(dev, demoProject, provider.Key, provider.Revision, risk.ResponseInput{Strategy: risk.Mitigate, Plan: "batch refunds and ask for a higher limit"}); err != nil {
		return err
	}
	if _, err = s.Risks.AddAction(dev, demoProject, provider.Key, accord.ActionInput{Title: "Ask the provider for 100 refunds a minute", Owner: "bob", Due: now.AddDate(0, 0, -2)}); err != nil {
		return err
	}
	leave, err := file(pm, risk.NewRisk{Title: "The only ledger engineer is on leave in May", Category: risk.Resource, Owner: "alice",
		Cause: "one engineer knows the ledger", Event: "a ledger change is needed in May", Effect: "delay the refunds release by two weeks"}, 3, 2)
	if err != nil {
		return err
	}
	if _, err = s.Risks.Accept(admin, demoProject, leave.Key, leave.Revision, risk.AcceptInput{Rationale: "no ledger change is planned for May", Expires: now.AddDate(0, 2, 0)}); err != nil {
		return err
	}
	_, err = file(dev, risk.NewRisk{Title: "Reuse the partner's CSV exporter", Kind: risk.Opportunity, Category: risk.Technical,
		Cause: "the partner team open-sourced its exporter", Event: "we build the invoice export on it", Effect: "save a week on REQ-3",
		Links: []accord.Ref{{Kind: "requirement", ID: "REQ-3"}}}, 3, 3)
	return err
}

func target(v float64) *float64 { return &v }

// seed fills the demo project: a glossary, requirements in several states
// with their reviews (RV-1 approved REQ-1, which has a pending change
// request; RV-2 is open on REQ-3; RV-3 approved REQ-4), and the orders API
// contract agreed at 1.0.0 after review RV-4, with 1.1.0 in draft.
func seed(ctx context.Context, s link.Services) error {
	svc := s.Requirements
	pm := accord.WithActor(ctx, alice)
	dev := accord.WithActor(ctx, bob)

	for _, d := range []requirement.TermDefinition{
		{Term: "order", Definition: "A buyer's confirmed commitment to pay for items.", Aliases: []string{"purchase"}, Forbidden: []string{"deal", "单子"}},
		{Term: "refund", Definition: "Money paid back to the buyer for an order, in full or in part.", Forbidden: []string{"chargeback"}},
	} {
		if _, err := svc.CreateTerm(pm, demoProject, requirement.TermInput{TermDefinition: d, Note: "agreed at kickoff"}); err != nil {
			return err
		}
	}

	refund := requirement.Content{
		Title:       "Refund a paid order",
		Background:  "Support staff refund orders by hand; each refund takes two working days.",
		Goal:        "Buyers get their money back without opening a support ticket.",
		KPIs:        []string{"refund tickets per week", "refund completion time"},
		Description: "A buyer can refund a paid order within 14 days of delivery.",
		Flow: []requirement.FlowStep{
			{Actor: "buyer", Action: "opens the order and chooses Refund"},
			{Actor: "system", Action: "checks the refund window and the payment state"},
			{Actor: "system", Action: "pays the amount back to the original payment method"},
		},
		Scenarios: []requirement.Scenario{{Name: "late refund", Actor: "buyer", Situation: "day 15 after delivery",
			Action: "asks for a refund", Outcome: "refusal that states the window"}},
		Exceptions: []requirement.ExceptionCase{
			{Condition: "the refund window has closed", Handling: "refuse and show the last refundable day", ErrorCode: "REFUND_WINDOW_CLOSED"},
			{Condition: "the payment provider times out", Handling: "retry three times, then queue for support", ErrorCode: "PAYMENT_PROVIDER_TIMEOUT"},
		},
		Performance: []requirement.PerformanceTarget{{Metric: "p99 latency of POST /refunds", Comparator: requirement.LessOrEqual, Target: target(300), Unit: "ms"}},
		Acceptance: []requirement.AcceptanceCriterion{
			{Text: "A refund inside the window returns 201 and the order shows refunded", TestRef: "TestRefundInsideWindow"},
			{Text: "A refund after 14 days fails with REFUND_WINDOW_CLOSED", TestRef: "TestRefundAfterWindow"},
		},
		Priority: requirement.P1, Owner: "alice", Labels: []string{"payments"},
		Links: []accord.Ref{{Kind: "contract", ID: "refunds-api"}},
	}
	coupons := requirement.Content{
		Title:       "Stack coupons at checkout",
		Background:  "Marketing wants buyers to combine a shop coupon with a platform coupon.",
		Description: "Checkout should apply coupons fast and show a user-friendly summary, etc. 尽快上线。",
		Acceptance:  []requirement.AcceptanceCriterion{{Text: "Coupons work nicely together"}},
		Performance: []requirement.PerformanceTarget{{Metric: "checkout latency", Comparator: requirement.LessOrEqual}},
		Priority:    requirement.P2, Owner: "alice", Labels: []string{"checkout"},
	}
	export := requirement.Content{
		Title:       "Export invoices as CSV",
		Description: "Finance downloads last month's invoices as one CSV file.",
		Exceptions:  []requirement.ExceptionCase{{Condition: "more than 100000 invoices", Handling: "export in the background and email a link", ErrorCode: "EXPORT_QUEUED"}},
		Acceptance:  []requirement.AcceptanceCriterion{{Text: "The CSV has one row per invoice and opens in a spreadsheet"}},
		Priority:    requirement.P3, Owner: "alice", Labels: []string{"finance"},
	}
	search := requirement.Content{
		Title:       "Search orders by buyer phone number",
		Description: "Support finds a buyer's orders from the phone number given on a call.",
		Exceptions:  []requirement.ExceptionCase{{Condition: "no order matches", Handling: "show an empty list with the number searched"}},
		Performance: []requirement.PerformanceTarget{{Metric: "p95 search latency", Comparator: requirement.LessOrEqual, Target: target(150), Unit: "ms"}},
		Acceptance:  []requirement.AcceptanceCriterion{{Text: "Searching a known number returns its orders, newest first"}},
		Priority:    requirement.P0, Owner: "alice", Labels: []string{"support"},
	}

	// REQ-1 refund: approved, with a change request waiting for a decision.
	r, err := svc.Create(pm, demoProject, requirement.ContentInput{Content: refund, Note: "first draft"})
	if err != nil {
		return err
	}
	if r, err = walk(pm, dev, svc, r, requirement.InReview); err != nil {
		return err
	}
	if err := reviewRequirement(pm, dev, s.Reviews, r, true); err != nil {
		return err
	}
	if r, err = walk(pm, dev, svc, r, requirement.Approved); err != nil {
		return err
	}
	longer := refund.Clone()
	longer.Description = "A buyer can refund a paid order within 30 days of delivery."
	longer.Acceptance[1].Text = "A refund after 30 days fails with REFUND_WINDOW_CLOSED"
	if _, err := svc.ProposeChange(pm, demoProject, r.ID, requirement.ChangeProposal{Proposed: longer,
		Reason: "Consumer law in two new markets requires a 30-day window",
		Impact: requirement.Impact{ScheduleDays: 2, EffortDays: 3, Technical: "the window becomes a per-market setting",
			Affected: []accord.Ref{{Kind: "contract", ID: "refunds-api"}}}}); err != nil {
		return err
	}
	// REQ-2 coupons: a vague draft for lint to find fault with.
	if _, err := svc.Create(pm, demoProject, requirement.ContentInput{Content: coupons, Note: "rough idea from marketing"}); err != nil {
		return err
	}
	// REQ-3 export: in review; REQ-4 search: reviewed, approved, in development.
	for _, seeded := range []struct {
		content  requirement.Content
		approved bool
		then     []requirement.Status
	}{
		{export, false, nil},
		{search, true, []requirement.Status{requirement.Approved, requirement.InDevelopment}},
	} {
		r, err = svc.Create(pm, demoProject, requirement.ContentInput{Content: seeded.content})
		if err != nil {
			return err
		}
		if r, err = walk(pm, dev, svc, r, requirement.InReview); err != nil {
			return err
		}
		if err := reviewRequirement(pm, dev, s.Reviews, r, seeded.approved); err != nil {
			return err
		}
		if _, err = walk(pm, dev, svc, r, seeded.then...); err != nil {
			return err
		}
	}
	return seedContract(pm, dev, s)
}

// walk moves r through the statuses: product submits, engineering decides.
func walk(pm, dev context.Context, svc *requirement.Service, r requirement.Requirement, to ...requirement.Status) (requirement.Requirement, error) {
	var err error
	for _, s := range to {
		ctx := dev
		if s == requirement.InReview {
			ctx = pm
		}
		if r, err = svc.Transition(ctx, r.Project, r.ID, r.Revision, requirement.TransitionInput{To: s, Reason: "demo"}); err != nil {
			return r, err
		}
	}
	return r, nil
}

// seedClock is the clock the demo plan is written with: moved by hand, so
// that the iteration has a history of days behind it.
type seedClock struct{ now time.Time }

func (c *seedClock) Now() time.Time { return c.now }

// seedPlans plans the demo's current two-week iteration, written as if
// over its past days so that its burn-up has a history: Sprint 15 started
// on Monday of last week with REQ-4 (done on its fourth day) and REQ-1 (in
// progress, now blocked by Bob's question to product, still unanswered).
// The "Refunds live" milestone, three working days away, wants REQ-1 and
// REQ-3: at the pace so far it slips, and the check raises its schedule
// risk in the register.
func seedPlans(ctx context.Context, s link.Services, store plan.Store, inputs link.PlanInputs, riskStore risk.Store) error {
	now := time.Now().UTC()
	monday := now.AddDate(0, 0, -int((now.Weekday()+6)%7)-7)
	monday = time.Date(monday.Year(), monday.Month(), monday.Day(), 9, 0, 0, 0, time.UTC)
	clock := &seedClock{now: monday.AddDate(0, 0, -3)}
	// Its events go to the links, so the iteration's items are traced.
	plans, err := plan.NewService(plan.Options{Store: store, Clock: clock, Estimator: inputs, Standing: inputs,
		Risks: link.PlanRisks{Risks: s.Risks, Store: riskStore}, Events: link.Trace(s.Traces, s.Records, nil)})
	if err != nil {
		return err
	}
	pm, dev := accord.WithActor(ctx, alice), accord.WithActor(ctx, bob)
	day := func(n int) plan.Date { return plan.Date(monday.AddDate(0, 0, n).Format(time.DateOnly)) }
	it, err := plans.CreateIteration(pm, demoProject, plan.IterationContent{Name: "Sprint 15", Start: day(0), End: day(11),
		Goals:    []string{"Refunds in production", "Order search for support"},
		Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 5, Absences: []plan.Absence{{From: day(4), To: day(4), Reason: "training"}}}}})
	if err != nil {
		return err
	}
	clock.now = monday.Add(time.Hour)
	for _, in := range []plan.ScheduleInput{{Ref: accord.Ref{Kind: "requirement", ID: "REQ-4"}, Assignees: []string{"bob"}},
		{Ref: accord.Ref{Kind: "requirement", ID: "REQ-1"}, Assignees: []string{"bob"}}} {
		if it, err = plans.Schedule(pm, demoProject, it.Key, 0, in); err != nil {
			return err
		}
	}
	if it, err = plans.Commit(pm, demoProject, it.Key, it.Revision); err != nil {
		return err
	}
	req1, req4 := accord.Ref{Kind: "requirement", ID: "REQ-1"}, accord.Ref{Kind: "requirement", ID: "REQ-4"}
	for _, step := range []struct {
		days  int
		item  accord.Ref
		state plan.ItemState
	}{{0, req4, plan.InProgress}, {3, req4, plan.Done}, {4, req1, plan.InProgress}} {
		clock.now = monday.AddDate(0, 0, step.days).Add(8 * time.Hour)
		if _, err := plans.SetItemState(dev, demoProject, it.Key, plan.ItemStateInput{Ref: step.item, State: step.state}); err != nil {
			return err
		}
	}
	clock.now = monday.AddDate(0, 0, 7).Add(2 * time.Hour)
	if _, err := plans.Ask(dev, demoProject, plan.Ask{About: req1, To: plan.Addressee{Role: "product"}, Blocking: true,
		Text: "Does a partial refund give back the coupon, or only the money?"}); err != nil {
		return err
	}
	milestone := now
	for n := 0; n < 3; {
		milestone = milestone.AddDate(0, 0, 1)
		if wd := milestone.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	if _, err := plans.CreateMilestone(pm, demoProject, plan.MilestoneContent{Name: "Refunds live", Date: plan.Date(milestone.Format(time.DateOnly)),
		Deliverables: []accord.Ref{req1, {Kind: "requirement", ID: "REQ-3"}}}); err != nil {
		return err
	}
	clock.now = now
	_, err = plans.CheckSlips(pm, demoProject)
	return err
}
