package client_test

import (
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// failure is what ok, okRev and collect panic with, and run reports.
type failure struct{ msg string }

func fail(err error) {
	_, file, line, _ := runtime.Caller(2)
	panic(failure{fmt.Sprintf("%s:%d: %v", filepath.Base(file), line, err)})
}

// ok returns v, failing the step that called it on err.
func ok[T any](v T, err error) T {
	if err != nil {
		fail(err)
	}
	return v
}

// okRev returns v and its revision, failing the step on err or on a
// response without one.
func okRev[T any](v T, rev int, err error) (T, int) {
	if err != nil {
		fail(err)
	}
	if rev < 1 {
		fail(fmt.Errorf("no revision in the ETag of %+v", v))
	}
	return v, rev
}

// collect reads a list to its end.
func collect[T any](seq iter.Seq2[T, error]) []T {
	var out []T
	for v, err := range seq {
		if err != nil {
			fail(err)
		}
		out = append(out, v)
	}
	return out
}

// run runs a step of the scenario as a subtest, turning ok's panics into
// t.Fatal; a failed step stops the scenario, whose later steps build on it.
func run(t *testing.T, name string, step func(t *testing.T)) {
	t.Helper()
	passed := t.Run(name, func(t *testing.T) {
		defer func() {
			if r := recover(); r != nil {
				f, isFailure := r.(failure)
				if !isFailure {
					panic(r)
				}
				t.Fatal(f.msg)
			}
		}()
		step(t)
	})
	if !passed {
		t.FailNow()
	}
}

// fails checks that err is a *client.Error with the status and code.
func fails(t *testing.T, err error, status int, code string) *client.Error {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a %d %s *client.Error, got %v", status, code, err)
	}
	if e.Status != status || e.Code != code {
		t.Fatalf("want %d %s, got %d %s (%v)", status, code, e.Status, e.Code, e)
	}
	return e
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// pending lists the operations the scenario below does not call yet;
// the test fails when one of them is called (take it off) and when an
// operation is neither called nor listed.
var pending = func() map[string]bool {
	m := map[string]bool{}
	for _, op := range strings.Fields(`
	acceptRisk acknowledgeBreakingChanges addRetroAction addRetroItem addRetroLesson addRetroNote addReviewParticipant
	addRiskAction answerRetroHealth askQuestion assessRisk checkCriteria checkIteration checkSlips closeIteration
	commitIteration compareContractVersions confirmLink createContract createContractVersion createIteration createLink
	createMilestone createRetro createRisk createWatch createWebhook deleteContract deleteLink deleteRetro deleteReview
	deleteRisk deleteWatch deleteWebhook diffContractVersionRevisions diffContractVersions diffRisk editRetroItem
	exportOpenAPI exportProject getContract getContractSettings getContractVersion getContractVersionCompatibility
	getContractVersionRevision getCoverageCSV getCoverageMarkdown getCoverageReport getImpact getInbox getIteration getLink
	getMilestone getPlanSettings getProgressMarkdown getProgressReport getQuestion getRecordLinks getRequirementLinks
	getRetro getRetroResults getRetroSettings getRetroSummary getReviewHistory getReviewSettings getReviewSummary getRisk
	getRiskSettings getWebhook groupRetroItems importContract importContractVersion iterationBurnUp iterationBurnUpSVG
	iterationEstimates iterationProgress iterationSummary lintContractVersion listContractRevisions
	listContractVersionRevisions listContractVersions listContracts listDeletedContracts listDeletedLinks listDeletedRetros
	listDeletedReviews listDeletedRisks listIterations listLessons listLinkRevisions listLinks listMilestones listQuestions
	listRetroRevisions listRetros listReviewRevisions listRiskRevisions listRisks listTestRuns listWatches
	listWebhookDeliveries listWebhooks markInboxRead markRiskReviewed milestoneForecast milestoneProgress moveItem
	moveRetroPhase openThread overdueQuestions overrideReview promoteFromRetro putContractSettings putPlanSettings
	putRetroSettings putReviewSettings putRiskSettings questionResponseTimes recheckLinks recordTestRun
	removeReviewParticipant replayWebhookDelivery replyThread replyToQuestion reprioritiseItems rescoreRisks resolveQuestion
	resolveThread respondToRisk restoreContract restoreLink restoreRetro restoreReview restoreRisk retroHealthTrend
	riskHeatMap riskHeatMapSVG riskLevelCounts riskOverdue riskRegister riskRegisterAsOf rotateWebhookSecret scheduleItem
	setItemState setReviewDue swapScope syncReview transitionContractVersion transitionRisk trimScope unscheduleItem
	updateContractVersion updateIteration updateMilestone updateRetroAction updateRisk updateRiskAction updateWebhook
	validateSample voteInRetro withdrawVeto
`) {
		m[op] = true
	}
	return m
}()

// TestEveryOperationAgainstAServer calls every operation of the API
// through the client against the whole reference server, checking what
// comes back, and the failures as *client.Error with their codes.
func TestEveryOperationAgainstAServer(t *testing.T) {
	alice, bob := testServer(t)
	called := map[string]bool{}
	client.OnSend(alice, func(op string) { called[op] = true })
	client.OnSend(bob, func(op string) { called[op] = true })
	const p = "shop"

	run(t, "service", func(t *testing.T) {
		h := ok(alice.Healthz(ctx))
		eq(t, "healthz", h["status"], "ok")
		doc := ok(alice.GetOpenAPI(ctx))
		eq(t, "openapi", doc["openapi"].(string)[:3], "3.1")
	})

	run(t, "projects", func(t *testing.T) {
		_, _, err := alice.CreateProject(ctx, project.NewProject{Key: "no spaces", Name: "x"})
		e := fails(t, err, 400, "invalid")
		eq(t, "field", e.Fields[0].Field, "key")
		eq(t, "accord code", accord.ErrorCode(err), accord.Invalid)
		pr, rev := okRev(alice.CreateProject(ctx, project.NewProject{Key: p, Name: "Shop"}))
		eq(t, "name", pr.Name, "Shop")
		eq(t, "revision", rev, 1)
		pr, _ = okRev(alice.SetProjectMember(ctx, p, "bob", project.MemberInput{Roles: []string{"backend"}}))
		eq(t, "members", len(pr.Members), 2)
		pr, _ = okRev(alice.SetProjectMember(ctx, p, "alice", project.MemberInput{Roles: []string{"admin", "product"}}))
		pr, _ = okRev(alice.SetProjectMember(ctx, p, "carol", project.MemberInput{Roles: []string{"qa"}}))
		pr, _ = okRev(alice.RemoveProjectMember(ctx, p, "carol"))
		eq(t, "members after removal", len(pr.Members), 2)
		got, rev := okRev(bob.GetProject(ctx, p))
		eq(t, "key", got.Key, p)
		_, _, err = bob.SetProjectMember(ctx, p, "mallory", project.MemberInput{Roles: []string{"admin"}})
		fails(t, err, 403, "permission_denied")
		projects := collect(bob.ListProjects(ctx, nil))
		eq(t, "bob's projects", len(projects), 1)
		table, trev := okRev(alice.GetProjectPermissions(ctx, p))
		eq(t, "permission table revision is the project's", trev, rev)
		_, _, err = alice.PutProjectPermissions(ctx, p, trev-1, project.PermissionsInput{})
		fails(t, err, 412, "stale_revision")
		_, next := okRev(alice.PutProjectPermissions(ctx, p, trev, project.PermissionsInput{Permissions: accord.Permissions{accord.PermRecordDelete: {"admin", "backend"}}}))
		table, trev = okRev(alice.GetProjectPermissions(ctx, p))
		eq(t, "revision after the change", trev, next)
		if !slices.Contains(table.Permissions[accord.PermRecordDelete], "backend") {
			t.Fatalf("the permission table did not keep its change: %+v", table)
		}
		_, _, err = bob.GetProject(ctx, "nowhere")
		fails(t, err, 404, "not_found")
	})

	var req requirement.Requirement
	var reqRev int
	run(t, "requirements", func(t *testing.T) {
		_, _, err := alice.CreateRequirement(ctx, p, requirement.ContentInput{})
		e := fails(t, err, 400, "invalid")
		eq(t, "field", e.Fields[0].Field, "title")
		content := requirement.Content{Title: "Refund an order", Goal: "Money back within a day", Description: "A customer asks for a refund of a paid order.",
			Acceptance: []requirement.AcceptanceCriterion{{Text: "A refund of a paid order is paid back within a day"}}}
		req, reqRev = okRev(alice.CreateRequirement(ctx, p, requirement.ContentInput{Content: content}))
		eq(t, "key", req.Key, "REQ-1")
		eq(t, "status", req.Status, requirement.Draft)
		got, rev := okRev(bob.GetRequirement(ctx, p, "REQ-1"))
		eq(t, "id", got.ID, req.ID)
		eq(t, "revision", rev, reqRev)
		content.Goal = "Money back within an hour"
		req, reqRev = okRev(alice.UpdateRequirement(ctx, p, req.Key, reqRev, requirement.ContentInput{Content: content, Note: "faster"}))
		eq(t, "goal", req.Goal, content.Goal)
		_, _, err = bob.UpdateRequirement(ctx, p, req.Key, reqRev-1, requirement.ContentInput{Content: content})
		fails(t, err, 412, "stale_revision")
		if !errors.Is(err, accord.ErrStale) {
			t.Fatal("a stale update is not accord.ErrStale")
		}
		revs := ok(bob.ListRequirementRevisions(ctx, p, req.Key))
		eq(t, "revisions", len(revs.Items), 2)
		eq(t, "note", revs.Items[1].Note, "faster")
		one := ok(bob.GetRequirementRevision(ctx, p, req.Key, 1))
		eq(t, "revision 1 goal", one.Requirement.Goal, "Money back within a day")
		_, err = bob.GetRequirementRevision(ctx, p, req.Key, 9)
		fails(t, err, 404, "not_found")
		diff := ok(bob.DiffRequirement(ctx, p, req.Key, 1, 2))
		if !slices.ContainsFunc(diff.Changes, func(c accord.FieldChange) bool { return c.Path == "goal" }) {
			t.Fatalf("the diff misses the goal: %+v", diff)
		}
		lint := ok(bob.LintRequirement(ctx, p, req.Key))
		eq(t, "stored requirement blocks", lint.Blocking, false)
		draft := ok(bob.LintDraft(ctx, p, requirement.Content{Title: "x"}))
		if len(draft.Findings) == 0 {
			t.Fatal("a bare draft has no lint findings")
		}
		for _, title := range []string{"Cancel an order", "Track a parcel"} {
			okRev(alice.CreateRequirement(ctx, p, requirement.ContentInput{Content: requirement.Content{Title: title}}))
		}
		all := collect(bob.ListRequirements(ctx, p, &client.ListRequirementsOptions{PageSize: 2}))
		eq(t, "requirements over pages", len(all), 3)
		page := ok(bob.ListRequirementsPage(ctx, p, &client.ListRequirementsOptions{PageSize: 2}))
		eq(t, "first page", len(page.Items), 2)
		if page.NextPageToken == "" {
			t.Fatal("no next page token")
		}
		for _, err := range bob.ListRequirements(ctx, p, &client.ListRequirementsOptions{Status: "nonsense"}) {
			fails(t, err, 400, "invalid")
		}
		tracked := collect(bob.ListRequirements(ctx, p, &client.ListRequirementsOptions{Q: "parcel"}))
		eq(t, "search", len(tracked), 1)

		// The permission table above lets backend engineers delete.
		if err := bob.DeleteRequirement(ctx, p, "REQ-3", &client.DeleteRequirementOptions{Reason: "duplicate"}); err != nil {
			t.Fatal(err)
		}
		_, _, err = bob.GetRequirement(ctx, p, "REQ-3")
		fails(t, err, 404, "not_found")
		deleted := collect(alice.ListDeletedRequirements(ctx, p, nil))
		eq(t, "deleted", len(deleted), 1)
		_, _, err = bob.RestoreRequirement(ctx, p, deleted[0].ID, client.ReasonBody{Reason: "mine"})
		fails(t, err, 403, "permission_denied")
		back, _ := okRev(alice.RestoreRequirement(ctx, p, deleted[0].ID, client.ReasonBody{Reason: "not a duplicate"}))
		eq(t, "restored", back.Key, "REQ-3")

		req, reqRev = okRev(alice.TransitionRequirement(ctx, p, req.Key, reqRev, requirement.TransitionInput{To: requirement.InReview}))
		eq(t, "status", req.Status, requirement.InReview)
		_, _, err = bob.TransitionRequirement(ctx, p, req.Key, reqRev, requirement.TransitionInput{To: requirement.Approved})
		fails(t, err, 409, "failed_precondition") // no approved review yet
	})

	var rv client.ReviewResponse
	run(t, "reviews", func(t *testing.T) {
		rv, _ = okRev(alice.CreateReview(ctx, p, review.NewReview{Kind: review.RequirementReview, Subject: req.Ref(),
			Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}}))
		eq(t, "subject", rv.Subject, req.Ref())
		got, _ := okRev(bob.GetReview(ctx, p, rv.ID))
		eq(t, "review", got.ID, rv.ID)
		rv, _ = okRev(bob.AssessFeasibility(ctx, p, rv.ID, review.AssessmentInput{Round: 1, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 3}))
		for _, c := range []*client.Client{alice, bob} {
			rv, _ = okRev(c.GiveVerdict(ctx, p, rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve}))
		}
		out := ok(bob.GetReviewOutcome(ctx, p, rv.ID))
		eq(t, "outcome", out.Outcome, review.Approved)
		reviews := collect(bob.ListReviews(ctx, p, nil))
		eq(t, "reviews", len(reviews), 1)
		req, reqRev = okRev(bob.TransitionRequirement(ctx, p, req.Key, reqRev, requirement.TransitionInput{To: requirement.Approved}))
		eq(t, "approved after the review", req.Status, requirement.Approved)
	})

	run(t, "change requests", func(t *testing.T) {
		proposed := req.Content
		proposed.Goal = "Money back at once"
		cr, crRev := okRev(bob.ProposeChange(ctx, p, req.Key, requirement.ChangeProposal{Proposed: proposed, Reason: "card refunds are instant", Impact: requirement.Impact{Technical: "none"}}))
		eq(t, "change of", cr.RequirementID, req.ID)
		got, _ := okRev(alice.GetChangeRequest(ctx, p, cr.ID))
		eq(t, "reason", got.Reason, "card refunds are instant")
		crs := collect(alice.ListChangeRequests(ctx, p, req.Key, nil))
		eq(t, "change requests", len(crs), 1)
		_, _, err := alice.ApplyChangeRequest(ctx, p, cr.ID, crRev)
		fails(t, err, 409, "failed_precondition") // not approved yet
		cr, crRev = okRev(alice.DecideChangeRequest(ctx, p, cr.ID, crRev, requirement.DecisionInput{To: requirement.ChangeApproved}))
		applied, _ := okRev(alice.ApplyChangeRequest(ctx, p, cr.ID, crRev))
		eq(t, "applied goal", applied.Requirement.Goal, "Money back at once")
		req, reqRev = okRev(alice.GetRequirement(ctx, p, req.Key))
	})

	run(t, "glossary and settings", func(t *testing.T) {
		term, rev := okRev(alice.CreateTerm(ctx, p, requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "refund", Definition: "money paid back"}}))
		got, _ := okRev(bob.GetTerm(ctx, p, term.ID))
		eq(t, "definition", got.Definition, "money paid back")
		term, _ = okRev(bob.UpdateTerm(ctx, p, term.ID, rev, requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "refund", Definition: "money paid back to the customer"}}))
		hist := ok(bob.ListTermRevisions(ctx, p, term.ID))
		eq(t, "term revisions", len(hist.Items), 2)
		eq(t, "terms", len(collect(bob.ListTerms(ctx, p, nil))), 1)
		if err := alice.DeleteTerm(ctx, p, term.ID, &client.DeleteTermOptions{Reason: "renamed"}); err != nil {
			t.Fatal(err)
		}
		eq(t, "deleted terms", len(collect(alice.ListDeletedTerms(ctx, p, nil))), 1)
		back, _ := okRev(alice.RestoreTerm(ctx, p, term.ID, client.ReasonBody{Reason: "back"}))
		eq(t, "restored term", back.Definition, "money paid back to the customer")

		_, srev, err := bob.GetRequirementSettings(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = bob.PutRequirementSettings(ctx, p, srev, client.RequirementSettingsBody{LintBlocksReview: true})
		fails(t, err, 403, "permission_denied")
		s, _ := okRev(alice.PutRequirementSettings(ctx, p, srev, client.RequirementSettingsBody{LintBlocksReview: true}))
		eq(t, "lint blocks review", s.LintBlocksReview, true)
		_, _, err = alice.PutRequirementSettings(ctx, p, srev, client.RequirementSettingsBody{})
		fails(t, err, 412, "stale_revision")
	})

	var missing, stale []string
	for _, op := range client.Operations {
		switch {
		case !called[op.ID] && !pending[op.ID]:
			missing = append(missing, op.ID)
		case called[op.ID] && pending[op.ID]:
			stale = append(stale, op.ID)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d operations were not called: %s", len(missing), strings.Join(missing, " "))
	}
	if len(stale) > 0 {
		t.Errorf("called, so take them off pending: %s", strings.Join(stale, " "))
	}
	t.Logf("%d of %d operations called", len(called), len(client.Operations))
}
