package client_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
	"github.com/accordhq/accord/webhook"
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

const petsContract = `{"version":"1.0.0","note":"first draft","spec":{
  "service":"pets","owner":"team-pets",
  "schemas":{"Pet":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string","minLength":1}},"required":["id","name"]},
             "Problem":{"type":"object","properties":{"code":{"type":"string"}},"required":["code"]}},
  "error_codes":[{"code":"PET_NOT_FOUND","status":404,"message":"No such pet."}],
  "operations":[
    {"id":"getPet","method":"GET","path":"/pets/{id}",
     "parameters":[{"name":"id","in":"path","schema":{"type":"integer"}}],
     "responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}},
                  "404":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}},
     "error_codes":["PET_NOT_FOUND"]},
    {"id":"addPet","method":"POST","path":"/pets",
     "request_body":{"required":true,"content":{"application/json":{"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}},
     "responses":{"201":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}}}}
  ]}}`

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
		pr, _ = okRev(alice.SetProjectMember(ctx, p, "alice", project.MemberInput{Roles: []string{"admin", "product", "architect"}}))
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
		found := collect(bob.SearchRequirements(ctx, p, &client.SearchRequirementsOptions{Q: "PARCEL", PageSize: 1}))
		eq(t, "ranked search", len(found), 1)
		eq(t, "ranked hit", found[0].Title, "Track a parcel")
		for _, err := range bob.SearchRequirements(ctx, p, &client.SearchRequirementsOptions{Q: "two\nlines"}) {
			fails(t, err, 400, "invalid")
		}

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

	var crID string
	run(t, "change requests", func(t *testing.T) {
		proposed := req.Content
		proposed.Goal = "Money back at once"
		cr, crRev := okRev(bob.ProposeChange(ctx, p, req.Key, requirement.ChangeProposal{Proposed: proposed, Reason: "card refunds are instant", Impact: requirement.Impact{Technical: "none"}}))
		eq(t, "change of", cr.RequirementID, req.ID)
		crID = cr.ID
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

	run(t, "review actions", func(t *testing.T) {
		other, _ := okRev(bob.GetRequirement(ctx, p, "REQ-2"))
		r2, _ := okRev(alice.CreateReview(ctx, p, review.NewReview{Kind: review.RequirementReview, Subject: other.Ref(),
			Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}}}))
		r2, _ = okRev(alice.AddReviewParticipant(ctx, p, r2.ID, review.NewParticipant{Actor: "bob", Role: review.RoleBackend}))
		eq(t, "participants", len(r2.Participants), 2)
		r2, _ = okRev(alice.RemoveReviewParticipant(ctx, p, r2.ID, "bob"))
		eq(t, "participants after removal", len(r2.Participants), 1)
		r2, rev := okRev(alice.GetReview(ctx, p, r2.ID))
		due := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
		r2, _ = okRev(alice.SetReviewDue(ctx, p, r2.ID, rev, client.DueBody{Due: due}))
		eq(t, "due", r2.Due.Equal(due), true)
		r2, _ = okRev(alice.GiveVerdict(ctx, p, r2.ID, review.VerdictInput{Round: 1, Decision: review.Reject, Comment: "not this quarter"}))
		_, _, err := bob.WithdrawVeto(ctx, p, r2.ID, client.ReasonBody{Reason: "not mine"})
		fails(t, err, 409, "failed_precondition") // no veto of his
		r2, _ = okRev(alice.WithdrawVeto(ctx, p, r2.ID, client.ReasonBody{Reason: "it fits after all"}))
		r2, _ = okRev(alice.OpenThread(ctx, p, r2.ID, review.ThreadInput{Anchor: "goal", Body: "Which currency?"}))
		thread := r2.Threads[len(r2.Threads)-1].ID
		r2, _ = okRev(alice.ReplyThread(ctx, p, r2.ID, thread, review.ReplyInput{Body: "The order's"}))
		eq(t, "comments", len(r2.Threads[0].Comments), 2)
		yes := true
		r2, _ = okRev(alice.ResolveThread(ctx, p, r2.ID, thread, client.ResolutionBody{Resolved: &yes}))
		eq(t, "resolved", r2.Threads[0].Resolved, true)
		r2, _ = okRev(alice.OverrideReview(ctx, p, r2.ID, review.OverrideInput{Round: 1, Outcome: review.Approved, Reason: "agreed in the meeting"}))
		eq(t, "overridden outcome", r2.Outcome.Outcome, review.Approved)
		r2, _ = okRev(alice.SyncReview(ctx, p, r2.ID))
		summary := ok(alice.GetReviewSummary(ctx, p, r2.ID))
		if !strings.Contains(summary, "REQ-2") {
			t.Fatalf("the summary does not name its subject:\n%s", summary)
		}
		history := ok(alice.GetReviewHistory(ctx, p, r2.ID))
		if len(history.Items) < 5 {
			t.Fatalf("history: %+v", history.Items)
		}
		revs := ok(alice.ListReviewRevisions(ctx, p, r2.ID))
		if len(revs.Items) < 5 {
			t.Fatalf("revisions: %+v", revs.Items)
		}
		if err := alice.DeleteReview(ctx, p, r2.ID, nil); err != nil {
			t.Fatal(err)
		}
		eq(t, "deleted reviews", len(collect(alice.ListDeletedReviews(ctx, p, nil))), 1)
		back, _ := okRev(alice.RestoreReview(ctx, p, r2.ID, client.ReasonBody{Reason: "kept"}))
		eq(t, "restored review", back.ID, r2.ID)

		_, srev, err := alice.GetReviewSettings(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "revision of settings never set", srev, 0)
		s, _ := okRev(alice.PutReviewSettings(ctx, p, srev, client.ReviewSettingsBody{Roles: []string{"security"}}))
		if !slices.Contains(s.Roles, "security") {
			t.Fatalf("settings: %+v", s)
		}
	})

	run(t, "acceptance", func(t *testing.T) {
		// The applied change request took REQ-1 back to review: its
		// review's next round approves it again.
		eq(t, "status after the change", req.Status, requirement.InReview)
		rv, _ = okRev(bob.GetReview(ctx, p, rv.ID))
		round := len(rv.Rounds)
		eq(t, "rounds", round, 2)
		okRev(bob.AssessFeasibility(ctx, p, rv.ID, review.AssessmentInput{Round: round, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 2}))
		for _, c := range []*client.Client{alice, bob} {
			okRev(c.GiveVerdict(ctx, p, rv.ID, review.VerdictInput{Round: round, Decision: review.Approve}))
		}
		var rev int
		req, rev = okRev(bob.TransitionRequirement(ctx, p, req.Key, reqRev, requirement.TransitionInput{To: requirement.Approved}))
		req, rev = okRev(bob.TransitionRequirement(ctx, p, req.Key, rev, requirement.TransitionInput{To: requirement.InDevelopment}))
		req, reqRev = okRev(bob.TransitionRequirement(ctx, p, req.Key, rev, requirement.TransitionInput{To: requirement.InTesting}))
		acc, _ := okRev(alice.CreateReview(ctx, p, review.NewReview{Kind: review.AcceptanceReview, Subject: req.Ref(),
			Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}}}))
		acc, _ = okRev(alice.CheckCriteria(ctx, p, acc.ID, review.CheckInput{Round: 1,
			Results: []review.CriterionResult{{CriterionID: req.Acceptance[0].ID, Result: review.Passed}}}))
		_, _, err := alice.CheckCriteria(ctx, p, acc.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{{CriterionID: "nope", Result: review.Passed}}})
		fails(t, err, 400, "invalid")
	})

	var lnk trace.Link
	run(t, "links", func(t *testing.T) {
		other, _ := okRev(bob.GetRequirement(ctx, p, "REQ-2"))
		var rev int
		lnk, rev = okRev(bob.CreateLink(ctx, p, trace.NewLink{From: other.Ref(), To: req.Ref(), Role: trace.Refines, Note: "details"}))
		eq(t, "link target revision", lnk.TargetRevision, reqRev)
		got, _ := okRev(bob.GetLink(ctx, p, lnk.ID))
		eq(t, "role", got.Role, trace.Refines)
		_, _, err := bob.CreateLink(ctx, p, trace.NewLink{From: other.Ref(), To: accord.Ref{Kind: "requirement", ID: "nope"}, Role: trace.Refines})
		if err == nil {
			t.Fatal("a link to nothing was made")
		}
		links := collect(bob.ListLinks(ctx, p, nil))
		if !slices.ContainsFunc(links, func(l report.NamedLink) bool { return l.ID == lnk.ID }) {
			t.Fatalf("links: %+v", links)
		}
		of := ok(bob.GetRequirementLinks(ctx, p, req.Key))
		eq(t, "dependents of REQ-1", len(of.Dependents), 1)
		of = ok(bob.GetRecordLinks(ctx, p, "requirement", other.ID))
		eq(t, "REQ-2 depends on", len(of.DependsOn), 1)
		turned := ok(bob.RecheckLinks(ctx, p))
		eq(t, "suspect after recheck", len(turned.Items), 0)
		lnk, rev = okRev(bob.ConfirmLink(ctx, p, lnk.ID, rev, trace.ConfirmInput{Note: "still right"}))
		revs := ok(bob.ListLinkRevisions(ctx, p, lnk.ID))
		eq(t, "link revisions", len(revs.Items), 2)
		_ = rev
		_, err = bob.GetImpact(ctx, p, &client.GetImpactOptions{Of: "change_request/nope"})
		fails(t, err, 404, "not_found")
		impact := ok(bob.GetImpact(ctx, p, &client.GetImpactOptions{Of: "change_request/" + crID}))
		eq(t, "impact on", impact.Target, req.Ref())
		if err := alice.DeleteLink(ctx, p, lnk.ID, &client.DeleteLinkOptions{Reason: "wrong"}); err != nil {
			t.Fatal(err)
		}
		eq(t, "deleted links", len(collect(alice.ListDeletedLinks(ctx, p, nil))), 1)
		back, _ := okRev(alice.RestoreLink(ctx, p, lnk.ID, client.ReasonBody{Reason: "right after all"}))
		eq(t, "restored link", back.ID, lnk.ID)
	})

	run(t, "watches", func(t *testing.T) {
		w, _ := okRev(bob.CreateWatch(ctx, p, client.WatchBody{Target: accord.Ref{Kind: "requirement", ID: "REQ-2"}}))
		eq(t, "watch target", w.Target.ID != "", true)
		eq(t, "watches", len(collect(bob.ListWatches(ctx, p, nil))), 1)
		other, rev := okRev(alice.GetRequirement(ctx, p, "REQ-2"))
		okRev(alice.UpdateRequirement(ctx, p, other.Key, rev, requirement.ContentInput{Content: requirement.Content{Title: "Cancel an unpaid order"}}))
		inbox := ok(bob.GetInbox(ctx, p, nil))
		if len(inbox.Entries) == 0 {
			t.Fatalf("nothing in bob's inbox after a change to what he watches: %+v", inbox)
		}
		mark := ok(bob.MarkInboxRead(ctx, p, client.ReadBody{Through: inbox.Through}))
		eq(t, "read mark", mark.Through, inbox.Through)
		inbox = ok(bob.GetInbox(ctx, p, nil))
		eq(t, "inbox after reading", len(inbox.Entries), 0)
		if err := bob.DeleteWatch(ctx, p, w.ID); err != nil {
			t.Fatal(err)
		}
		fails(t, bob.DeleteWatch(ctx, p, w.ID), 404, "not_found")
	})

	run(t, "reports and export", func(t *testing.T) {
		cov := ok(bob.GetCoverageReport(ctx, p))
		_ = cov
		md := ok(bob.GetCoverageMarkdown(ctx, p))
		if !strings.Contains(md, "REQ-1") {
			t.Fatalf("coverage markdown:\n%s", md)
		}
		csv := ok(bob.GetCoverageCSV(ctx, p))
		if !strings.Contains(csv, "REQ-1") {
			t.Fatalf("coverage csv:\n%s", csv)
		}
		prog := ok(bob.GetProgressReport(ctx, p, nil))
		_ = prog
		pmd := ok(bob.GetProgressMarkdown(ctx, p, &client.GetProgressMarkdownOptions{Since: "2020-01-01"}))
		if pmd == "" {
			t.Fatal("empty progress report")
		}
		_, err := bob.ExportProject(ctx, p)
		fails(t, err, 403, "permission_denied")
		doc := ok(alice.ExportProject(ctx, p))
		_ = doc
	})

	run(t, "webhooks", func(t *testing.T) {
		got := make(chan string, 10)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got <- r.Header.Get("Content-Type")
		}))
		defer receiver.Close()
		_, _, err := bob.CreateWebhook(ctx, p, webhook.NewSubscription{URL: receiver.URL})
		fails(t, err, 403, "permission_denied")
		sub, rev := okRev(alice.CreateWebhook(ctx, p, webhook.NewSubscription{URL: receiver.URL, Kinds: []string{requirement.EventUpdated}}))
		if sub.Secret == "" {
			t.Fatal("no secret in the new subscription")
		}
		one, _ := okRev(alice.GetWebhook(ctx, p, sub.ID))
		eq(t, "url", one.URL, receiver.URL)
		eq(t, "webhooks", len(collect(alice.ListWebhooks(ctx, p, nil))), 1)
		changed, _ := okRev(alice.UpdateWebhook(ctx, p, sub.ID, rev, webhook.Content{URL: receiver.URL, Kinds: []string{requirement.EventUpdated}, Description: "CI", Active: true}))
		eq(t, "description", changed.Description, "CI")
		secret := ok(alice.RotateWebhookSecret(ctx, p, sub.ID))
		if secret.Secret == "" || secret.Secret == sub.Secret {
			t.Fatal("the secret did not change")
		}
		other, orev := okRev(alice.GetRequirement(ctx, p, "REQ-2"))
		okRev(alice.UpdateRequirement(ctx, p, other.Key, orev, requirement.ContentInput{Content: requirement.Content{Title: "Cancel a paid order"}}))
		// Delivery is in the background, on the memory stores.
		select {
		case ct := <-got:
			eq(t, "delivered as", ct, "application/json")
		case <-time.After(10 * time.Second):
			t.Fatal("no delivery reached the receiver")
		}
		var deliveries []webhook.Delivery
		for deadline := time.Now().Add(10 * time.Second); len(deliveries) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			deliveries = collect(alice.ListWebhookDeliveries(ctx, p, sub.ID, nil))
		}
		if len(deliveries) == 0 {
			t.Fatal("no delivery logged")
		}
		eq(t, "delivered", deliveries[0].Status, webhook.Delivered)
		again := ok(alice.ReplayWebhookDelivery(ctx, p, sub.ID, deliveries[0].ID))
		eq(t, "replayed", again.ID != "", true)
		if err := alice.DeleteWebhook(ctx, p, sub.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = alice.GetWebhook(ctx, p, sub.ID)
		fails(t, err, 404, "not_found")
	})

	run(t, "contracts", func(t *testing.T) {
		var in contract.NewContract
		if err := json.Unmarshal([]byte(petsContract), &in); err != nil {
			t.Fatal(err)
		}
		v1, rev := okRev(alice.CreateContract(ctx, p, in))
		eq(t, "first version", v1.Version, "1.0.0")
		eq(t, "status", v1.Status, contract.Draft)
		_, _, err := alice.CreateContract(ctx, p, in)
		fails(t, err, 409, "conflict")
		id := v1.ContractID

		doc := "openapi: 3.0.3\ninfo: {title: inventory, version: '1'}\npaths:\n  /stock/{sku}:\n    get:\n      operationId: getStock\n" +
			"      parameters:\n        - {name: sku, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n"
		inv, _ := okRev(alice.ImportContract(ctx, p, client.ImportBody{Version: "1.0.0", Document: doc, Note: "from the gateway"}))
		eq(t, "imported service", inv.Spec.Service, "inventory")
		inv2, _ := okRev(alice.ImportContractVersion(ctx, p, inv.ContractID, client.ImportBody{Version: "1.1.0", Document: doc}))
		eq(t, "imported version", inv2.Version.Version, "1.1.0")
		_, _, err = alice.ImportContract(ctx, p, client.ImportBody{Version: "1.0.0", Document: "not: [openapi"})
		fails(t, err, 400, "invalid")

		c, _ := okRev(bob.GetContract(ctx, p, id))
		eq(t, "service", c.Service, "pets")
		eq(t, "versions", len(c.Versions), 1)
		pets := collect(bob.ListContracts(ctx, p, &client.ListContractsOptions{Service: "pets"}))
		eq(t, "pets contracts", len(pets), 1)
		eq(t, "all contracts", len(collect(bob.ListContracts(ctx, p, nil))), 2)

		got, _ := okRev(bob.GetContractVersion(ctx, p, id, "1.0.0"))
		eq(t, "operations", len(got.Spec.Operations), 2)
		spec := got.Spec
		spec.Operations = spec.Operations[:1] // drop addPet
		v1, rev = okRev(bob.UpdateContractVersion(ctx, p, id, "1.0.0", rev, contract.SpecInput{Spec: spec, Note: "reads only"}))
		eq(t, "operations after update", len(v1.Spec.Operations), 1)
		_, _, err = bob.UpdateContractVersion(ctx, p, id, "1.0.0", rev-1, contract.SpecInput{Spec: spec})
		fails(t, err, 412, "stale_revision")
		revs := ok(bob.ListContractVersionRevisions(ctx, p, id, "1.0.0"))
		eq(t, "version revisions", len(revs.Items), 2)
		first := ok(bob.GetContractVersionRevision(ctx, p, id, "1.0.0", 1))
		eq(t, "revision 1 operations", len(first.Version.Spec.Operations), 2)
		rdiff := ok(bob.DiffContractVersionRevisions(ctx, p, id, "1.0.0", 1, 2))
		if len(rdiff.Changes) == 0 {
			t.Fatal("no changes between the revisions")
		}
		lint := ok(bob.LintContractVersion(ctx, p, id, "1.0.0"))
		eq(t, "lint blocks", lint.Blocking, false)
		oas := ok(bob.ExportOpenAPI(ctx, p, id, "1.0.0"))
		if _, has := oas["paths"].(map[string]any)["/pets/{id}"]; !has {
			t.Fatalf("the export misses /pets/{id}: %v", oas["paths"])
		}
		valid := ok(bob.ValidateSample(ctx, p, id, "1.0.0", client.ValidateBody{
			Request:  client.SampleRequest{Method: "GET", Path: "/pets/1"},
			Response: &client.SampleResponse{Status: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: json.RawMessage(`{"id":1,"name":"Rex"}`)}}))
		eq(t, "valid sample", valid.Valid, true)
		invalid := ok(bob.ValidateSample(ctx, p, id, "1.0.0", client.ValidateBody{
			Request:  client.SampleRequest{Method: "GET", Path: "/pets/1"},
			Response: &client.SampleResponse{Status: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: json.RawMessage(`{"id":"one"}`)}}))
		eq(t, "invalid sample", invalid.Valid, false)

		tr, _ := okRev(bob.RecordTestRun(ctx, p, id, "1.0.0", contract.TestReport{Service: "pets", Source: "ci#1",
			Operations: []contract.ExercisedOperation{{ID: "getPet", Responses: []string{"200"}, Statuses: []int{200}}}}))
		eq(t, "test run source", tr.Source, "ci#1")
		runs := collect(bob.ListTestRuns(ctx, p, id, "1.0.0", nil))
		eq(t, "test runs", len(runs), 1)

		v2, _ := okRev(bob.CreateContractVersion(ctx, p, id, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0", Note: "next"}))
		eq(t, "new version", v2.Version, "1.1.0")
		eq(t, "versions", len(ok(bob.ListContractVersions(ctx, p, id)).Items), 2)
		vd := ok(bob.DiffContractVersions(ctx, p, id, "1.0.0", "1.1.0"))
		eq(t, "version diff from", vd.From, "1.0.0")
		ch := ok(bob.CompareContractVersions(ctx, p, id, "1.0.0", "1.1.0"))
		eq(t, "breaking between equal specs", ch.Breaking, 0)
		compat := ok(bob.GetContractVersionCompatibility(ctx, p, id, "1.1.0"))
		eq(t, "no agreed base", compat.Base, "")

		v1, rev = okRev(alice.TransitionContractVersion(ctx, p, id, "1.0.0", rev, contract.TransitionInput{To: contract.Proposed}))
		eq(t, "proposed", v1.Status, contract.Proposed)
		_, _, err = alice.AcknowledgeBreakingChanges(ctx, p, id, "1.0.0", rev, contract.AcknowledgeInput{Note: "clients are told"})
		fails(t, err, 409, "failed_precondition") // nothing breaking to acknowledge

		_, srev, err := alice.GetContractSettings(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := okRev(alice.PutContractSettings(ctx, p, srev, client.ContractSettingsBody{BreakingApprovers: []string{"frontend"}}))
		eq(t, "breaking approvers", strings.Join(s.BreakingApprovers, ","), "frontend")

		if err := alice.DeleteContract(ctx, p, inv.ContractID, &client.DeleteContractOptions{Reason: "gateway gone"}); err != nil {
			t.Fatal(err)
		}
		eq(t, "deleted contracts", len(collect(alice.ListDeletedContracts(ctx, p, nil))), 1)
		back, _ := okRev(alice.RestoreContract(ctx, p, inv.ContractID, client.ReasonBody{Reason: "back"}))
		eq(t, "restored", back.ID, inv.ContractID)
		hist := ok(alice.ListContractRevisions(ctx, p, inv.ContractID))
		eq(t, "contract revisions", len(hist.Items), 3)
	})

	run(t, "risks", func(t *testing.T) {
		_, _, err := bob.CreateRisk(ctx, p, risk.NewRisk{Title: "x", Category: "weather"})
		fails(t, err, 400, "invalid")
		rk, rev := okRev(bob.CreateRisk(ctx, p, risk.NewRisk{Title: "The payment provider times out", Cause: "a slow provider",
			Event: "refunds time out", Effect: "customers wait", Category: accord.RiskDependency}))
		eq(t, "risk key", rk.Key, "RISK-1")
		got, _ := okRev(alice.GetRisk(ctx, p, rk.Key))
		eq(t, "cause", got.Cause, "a slow provider")
		rk, rev = okRev(bob.UpdateRisk(ctx, p, rk.Key, rev, risk.Content{Title: rk.Title, Cause: "a slow provider at peak hours",
			Event: rk.Event, Effect: rk.Effect, Category: rk.Category, Note: "peak hours"}))
		eq(t, "updated cause", rk.Cause, "a slow provider at peak hours")
		rk, rev = okRev(bob.AssessRisk(ctx, p, rk.Key, rev, risk.AssessInput{Stage: risk.Current, Likelihood: 4, Impact: map[string]int{"overall": 4}}))
		eq(t, "assessed", rk.Status, risk.Assessed)
		rk, _ = okRev(bob.RespondToRisk(ctx, p, rk.Key, rev, risk.ResponseInput{Strategy: risk.Mitigate, Plan: "retry with backoff"}))
		eq(t, "treating", rk.Status, risk.Treating)
		rk, _ = okRev(bob.AddRiskAction(ctx, p, rk.Key, accord.ActionInput{Title: "Add retries", Owner: "bob"}))
		action := rk.Response.Actions[0].ID
		rk, _ = okRev(bob.UpdateRiskAction(ctx, p, rk.Key, action, accord.ActionInput{Title: "Add retries", Owner: "bob", Status: accord.ActionDone}))
		eq(t, "action done", rk.Response.Actions[0].Status, accord.ActionDone)
		rk, rev = okRev(bob.MarkRiskReviewed(ctx, p, rk.Key, client.NoteBody{Note: "as before"}))
		rk, rev = okRev(bob.TransitionRisk(ctx, p, rk.Key, rev, risk.TransitionInput{To: risk.Monitoring}))
		eq(t, "monitoring", rk.Status, risk.Monitoring)
		_, _, err = bob.AcceptRisk(ctx, p, rk.Key, rev, risk.AcceptInput{Rationale: "cheap enough", Expires: time.Now().Add(24 * time.Hour)})
		fails(t, err, 403, "permission_denied") // a high risk: admins accept it
		rk, _ = okRev(alice.AcceptRisk(ctx, p, rk.Key, rev, risk.AcceptInput{Rationale: "cheap enough", Expires: time.Now().Add(24 * time.Hour)}))
		eq(t, "accepted", rk.Status, risk.Accepted)

		revs := ok(bob.ListRiskRevisions(ctx, p, rk.Key))
		if len(revs.Items) < 7 {
			t.Fatalf("risk revisions: %d", len(revs.Items))
		}
		diff := ok(bob.DiffRisk(ctx, p, rk.Key, 1, 2))
		if !slices.ContainsFunc(diff.Changes, func(c accord.FieldChange) bool { return c.Path == "cause" }) {
			t.Fatalf("the diff misses the cause: %+v", diff.Changes)
		}
		eq(t, "risks", len(collect(bob.ListRisks(ctx, p, nil))), 1)
		over := ok(bob.RiskOverdue(ctx, p, nil))
		eq(t, "overdue acceptances now", len(over.Acceptances), 0)
		later := ok(bob.RiskOverdue(ctx, p, &client.RiskOverdueOptions{At: time.Now().Add(48 * time.Hour).Format(time.RFC3339)}))
		eq(t, "expired acceptances in two days", len(later.Acceptances), 1)
		heat := ok(bob.RiskHeatMap(ctx, p, &client.RiskHeatMapOptions{Stage: "current"}))
		eq(t, "heat map cell 4,4", heat.Cells[3][3].Count, 1)
		svg := ok(bob.RiskHeatMapSVG(ctx, p, nil))
		if !strings.HasPrefix(strings.TrimSpace(svg), "<svg") {
			t.Fatalf("not an SVG: %.80s", svg)
		}
		register := ok(bob.RiskRegister(ctx, p, nil))
		if !strings.Contains(register, "RISK-1") {
			t.Fatalf("register:\n%s", register)
		}
		asOf := ok(bob.RiskRegisterAsOf(ctx, p, &client.RiskRegisterAsOfOptions{At: time.Now().Add(-time.Hour).Format(time.RFC3339)}))
		eq(t, "risks an hour ago", len(asOf.Items), 0)
		counts := ok(bob.RiskLevelCounts(ctx, p, time.Now().Format(time.RFC3339)))
		eq(t, "level counts", len(counts.Items), 1)
		_, err = bob.RescoreRisks(ctx, p, risk.Scoring{Method: "nonsense"})
		fails(t, err, 400, "invalid")
		// A dry run: what a likelihood × impact product would make of it.
		rescored := ok(bob.RescoreRisks(ctx, p, risk.Scoring{Method: "product", Product: risk.ProductScorer{Medium: 5, High: 10, Critical: 15}}))
		if len(rescored.Items) != 1 || rescored.Items[0].To != risk.Critical {
			t.Fatalf("rescored: %+v", rescored.Items)
		}

		_, srev, err := alice.GetRiskSettings(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := okRev(alice.PutRiskSettings(ctx, p, srev, client.RiskSettingsBody{Categories: []string{"weather"}}))
		if !slices.Contains(s.Categories, "weather") {
			t.Fatalf("categories: %v", s.Categories)
		}
		if err := alice.DeleteRisk(ctx, p, rk.Key, &client.DeleteRiskOptions{Reason: "gone"}); err != nil {
			t.Fatal(err)
		}
		eq(t, "deleted risks", len(collect(alice.ListDeletedRisks(ctx, p, nil))), 1)
		back, _ := okRev(alice.RestoreRisk(ctx, p, rk.ID, client.ReasonBody{Reason: "back"}))
		eq(t, "restored", back.Key, "RISK-1")
	})

	run(t, "retros", func(t *testing.T) {
		_, _, err := alice.CreateRetro(ctx, p, retro.NewRetro{Series: "sprints"})
		fails(t, err, 400, "invalid")
		rt, _ := okRev(alice.CreateRetro(ctx, p, retro.NewRetro{Title: "Sprint 1", Series: "sprints"}))
		eq(t, "retro key", rt.Key, "RETRO-1")
		eq(t, "phase", rt.Phase, retro.Collecting)
		got, _ := okRev(bob.GetRetro(ctx, p, rt.Key))
		eq(t, "title", got.Title, "Sprint 1")
		rt, _ = okRev(bob.AddRetroItem(ctx, p, rt.Key, retro.ItemInput{Column: "improve", Text: "refunds were slow"}))
		rt, _ = okRev(bob.AddRetroItem(ctx, p, rt.Key, retro.ItemInput{Column: "improve", Text: "refunds were slower"}))
		rt, _ = okRev(alice.AddRetroItem(ctx, p, rt.Key, retro.ItemInput{Column: "well", Text: "the release"}))
		slow, slower := rt.Items[0].ID, rt.Items[1].ID
		rt, _ = okRev(bob.EditRetroItem(ctx, p, rt.Key, slow, retro.ItemEdit{Text: "refunds were too slow"}))
		eq(t, "edited", rt.Items[0].Text, "refunds were too slow")
		_, _, err = alice.EditRetroItem(ctx, p, rt.Key, slow, retro.ItemEdit{Text: "mine now"})
		if err == nil {
			t.Fatal("alice edited bob's card")
		}
		rt, rev := okRev(alice.AnswerRetroHealth(ctx, p, rt.Key, client.HealthBody{Scores: map[string]int{"pace": 3, "fun": 4, "delivering value": 4, "learning": 3, "teamwork": 5}}))
		rt, _ = okRev(alice.MoveRetroPhase(ctx, p, rt.Key, retro.TransitionInput{To: retro.Grouping}, &client.MoveRetroPhaseOptions{IfMatch: rev}))
		eq(t, "grouping", rt.Phase, retro.Grouping)
		rt, _ = okRev(bob.GroupRetroItems(ctx, p, rt.Key, retro.GroupInput{Title: "Slow refunds", Items: []string{slow, slower}}))
		group := rt.Groups[0].ID
		rt, _ = okRev(alice.MoveRetroPhase(ctx, p, rt.Key, retro.TransitionInput{To: retro.Voting}, nil))
		rt, _ = okRev(bob.VoteInRetro(ctx, p, rt.Key, client.VoteBody{Target: group}))
		rt, _ = okRev(alice.VoteInRetro(ctx, p, rt.Key, client.VoteBody{Target: group}))
		results := ok(bob.GetRetroResults(ctx, p, rt.Key))
		eq(t, "top", results.Items[0].Target, group)
		eq(t, "votes", results.Items[0].Votes, 2)
		rt, _ = okRev(alice.MoveRetroPhase(ctx, p, rt.Key, retro.TransitionInput{To: retro.Discussing}, nil))
		rt, _ = okRev(bob.AddRetroNote(ctx, p, rt.Key, retro.NoteInput{Target: group, Text: "the provider is slow"}))
		rt, _ = okRev(bob.AddRetroAction(ctx, p, rt.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "Retry refunds", Owner: "bob"}, Target: group}))
		action := rt.Actions[0].ID
		rt, _ = okRev(bob.UpdateRetroAction(ctx, p, rt.Key, action, accord.ActionInput{Title: "Retry refunds with backoff", Owner: "bob"}))
		eq(t, "action", rt.Actions[0].Title, "Retry refunds with backoff")
		rt, _ = okRev(bob.AddRetroLesson(ctx, p, rt.Key, retro.LessonInput{Text: "measure the provider", Tags: []string{"payments"}}))
		promoted := ok(bob.PromoteFromRetro(ctx, p, rt.Key, retro.Promotion{Target: action, To: "risk", Category: accord.RiskDependency}))
		eq(t, "promoted to", promoted.Ref.Kind, "risk")
		summary := ok(bob.GetRetroSummary(ctx, p, rt.Key))
		if !strings.Contains(summary, "Slow refunds") {
			t.Fatalf("summary:\n%s", summary)
		}
		rt, _ = okRev(alice.MoveRetroPhase(ctx, p, rt.Key, retro.TransitionInput{To: retro.Closed}, nil))
		trend := ok(bob.RetroHealthTrend(ctx, p, "sprints"))
		eq(t, "health answers", trend.Items[0].Answers, 1)
		lessons := ok(bob.ListLessons(ctx, p, &client.ListLessonsOptions{Q: "provider"}))
		eq(t, "lessons", len(lessons.Items), 1)
		revs := ok(bob.ListRetroRevisions(ctx, p, rt.Key))
		if len(revs.Items) < 10 {
			t.Fatalf("retro revisions: %d", len(revs.Items))
		}
		eq(t, "retros", len(collect(bob.ListRetros(ctx, p, nil))), 1)

		_, srev, err := alice.GetRetroSettings(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := okRev(alice.PutRetroSettings(ctx, p, srev, client.RetroSettingsBody{VotesPerPerson: 5}))
		eq(t, "votes per person", s.VotesPerPerson, 5)
		if err := alice.DeleteRetro(ctx, p, rt.Key, &client.DeleteRetroOptions{Reason: "test"}); err != nil {
			t.Fatal(err)
		}
		eq(t, "deleted retros", len(collect(alice.ListDeletedRetros(ctx, p, nil))), 1)
		back, _ := okRev(alice.RestoreRetro(ctx, p, rt.ID, client.ReasonBody{Reason: "back"}))
		eq(t, "restored", back.Key, "RETRO-1")
	})

	run(t, "plans", func(t *testing.T) {
		today := time.Now().UTC()
		day := func(d int) plan.Date { return plan.Date(today.AddDate(0, 0, d).Format("2006-01-02")) }
		req2, _ := okRev(bob.GetRequirement(ctx, p, "REQ-2"))
		req3, _ := okRev(bob.GetRequirement(ctx, p, "REQ-3"))

		_, srev, err := alice.GetPlanSettings(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		warn := map[plan.Rule]plan.Action{plan.RuleNotApproved: plan.Warn, plan.RuleReviewPending: plan.Warn, plan.RuleNoEstimate: plan.Warn, plan.RuleOverCapacity: plan.Warn}
		s, _ := okRev(alice.PutPlanSettings(ctx, p, srev, client.PlanSettingsBody{Commit: warn, ResponseTargetHours: 8}))
		eq(t, "response target", s.ResponseTargetHours, 8.0)

		_, _, err = alice.CreateIteration(ctx, p, plan.IterationContent{Name: "Sprint 1", Start: day(3), End: day(1)})
		fails(t, err, 400, "invalid")
		it, rev := okRev(alice.CreateIteration(ctx, p, plan.IterationContent{Name: "Sprint 1", Start: day(-2), End: day(11),
			Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 4}}}))
		eq(t, "iteration key", it.Key, "IT-1")
		it2, _ := okRev(alice.CreateIteration(ctx, p, plan.IterationContent{Name: "Sprint 2", Start: day(12), End: day(25)}))
		got, _ := okRev(bob.GetIteration(ctx, p, it.Key))
		eq(t, "name", got.Name, "Sprint 1")
		it, rev = okRev(alice.UpdateIteration(ctx, p, it.Key, rev, plan.IterationContent{Name: "Sprint 1", Start: day(-2), End: day(11),
			Goals: []string{"refunds"}, Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 4}}}))
		eq(t, "goals", len(it.Goals), 1)
		it, rev = okRev(alice.ScheduleItem(ctx, p, it.Key, rev, plan.ScheduleInput{Ref: req.Ref(), Assignees: []string{"bob"}}))
		it, rev = okRev(alice.ScheduleItem(ctx, p, it.Key, rev, plan.ScheduleInput{Ref: req2.Ref(), Override: &plan.Override{Days: 3, Reason: "a guess"}}))
		it, rev = okRev(alice.ScheduleItem(ctx, p, it.Key, rev, plan.ScheduleInput{Ref: req3.Ref(), Override: &plan.Override{Days: 1, Reason: "small"}}))
		eq(t, "items", len(it.Items), 3)
		it, rev = okRev(alice.ReprioritiseItems(ctx, p, it.Key, rev, plan.ReprioritiseInput{Order: []accord.Ref{req2.Ref(), req.Ref(), req3.Ref()}, Reason: "cancel first"}))
		eq(t, "first item", it.Items[0].Ref, req2.Ref())
		it, rev = okRev(alice.UnscheduleItem(ctx, p, it.Key, rev, plan.UnscheduleInput{Ref: req3.Ref(), Reason: "later"}))
		eq(t, "items after unscheduling", len(it.Items), 2)
		it, rev = okRev(alice.SwapScope(ctx, p, it.Key, rev, plan.SwapInput{Out: req2.Ref(), In: plan.ScheduleInput{Ref: req3.Ref(), Override: &plan.Override{Days: 1, Reason: "small"}}, Reason: "swap"}))
		if slices.ContainsFunc(it.Items, func(i plan.Item) bool { return i.Ref == req2.Ref() }) {
			t.Fatal("REQ-2 is still scheduled after the swap")
		}
		findings := ok(alice.CheckIteration(ctx, p, it.Key))
		_ = findings
		estimates := ok(alice.IterationEstimates(ctx, p, it.Key))
		eq(t, "estimates", len(estimates.Items), 2)
		it, _ = okRev(alice.CommitIteration(ctx, p, it.Key, rev, client.NoteBody{Note: "agreed"}))
		eq(t, "committed", it.Status, plan.Committed)
		it, _ = okRev(bob.SetItemState(ctx, p, it.Key, plan.ItemStateInput{Ref: req.Ref(), State: plan.Done}))
		prog := ok(bob.IterationProgress(ctx, p, it.Key))
		eq(t, "items in progress report", len(prog.Items), 2)
		burn := ok(bob.IterationBurnUp(ctx, p, it.Key))
		if len(burn.Items) == 0 {
			t.Fatal("no burn-up points")
		}
		svg := ok(bob.IterationBurnUpSVG(ctx, p, it.Key))
		if !strings.Contains(svg, "<svg") {
			t.Fatalf("not an SVG: %.80s", svg)
		}
		sum := ok(bob.IterationSummary(ctx, p, it.Key))
		if !strings.Contains(sum, "Sprint 1") {
			t.Fatalf("summary:\n%s", sum)
		}
		moved := ok(alice.MoveItem(ctx, p, it.Key, plan.MoveInput{Ref: req3.Ref(), To: it2.Key, Reason: "no time"}))
		eq(t, "moved to", len(moved.To.Items), 1)
		trimmed := req.Content
		trimmed.Description = "Card refunds only."
		proposed, _ := json.Marshal(trimmed)
		trim := ok(alice.TrimScope(ctx, p, it.Key, plan.TrimInput{Requirement: req.Ref(), Proposed: proposed, Reason: "too big"}))
		eq(t, "trim proposes", trim.ChangeRequest.Kind, "change_request")
		_, err = alice.TrimScope(ctx, p, it.Key, plan.TrimInput{Requirement: req2.Ref(), Proposed: proposed, Reason: "not scheduled"})
		if err == nil {
			t.Fatal("trimmed an item the iteration does not hold")
		}
		it, rev = okRev(alice.GetIteration(ctx, p, it.Key))
		it, _ = okRev(alice.CloseIteration(ctx, p, it.Key, rev, plan.CloseInput{Note: "over"}))
		eq(t, "closed", it.Status, plan.Closed)
		eq(t, "iterations", len(collect(bob.ListIterations(ctx, p, nil))), 2)

		ms, mrev := okRev(alice.CreateMilestone(ctx, p, plan.MilestoneContent{Name: "Refunds live", Date: day(30), Deliverables: []accord.Ref{req.Ref(), req3.Ref()}}))
		eq(t, "milestone key", ms.Key, "MS-1")
		got2, _ := okRev(bob.GetMilestone(ctx, p, ms.Key))
		eq(t, "milestone", got2.Name, "Refunds live")
		ms, _ = okRev(alice.UpdateMilestone(ctx, p, ms.Key, mrev, plan.MilestoneContent{Name: "Refunds live", Date: day(40), Deliverables: []accord.Ref{req.Ref(), req3.Ref()}}))
		eq(t, "milestone date", ms.Date, day(40))
		eq(t, "milestones", len(collect(bob.ListMilestones(ctx, p, nil))), 1)
		mprog := ok(bob.MilestoneProgress(ctx, p, ms.Key))
		eq(t, "milestone items", len(mprog.Items), 2)
		fc := ok(bob.MilestoneForecast(ctx, p, ms.Key))
		eq(t, "forecast of", fc.Key, "MS-1")
		slips := ok(alice.CheckSlips(ctx, p, client.NoteBody{Note: "weekly"}))
		_ = slips

		q, _ := okRev(alice.AskQuestion(ctx, p, plan.Ask{About: req3.Ref(), Text: "Partial refunds too?", To: plan.Addressee{Actor: "bob"}, Blocking: true}))
		eq(t, "question key", q.Key, "Q-1")
		gotQ, _ := okRev(bob.GetQuestion(ctx, p, q.Key))
		eq(t, "question", gotQ.Text, "Partial refunds too?")
		q, _ = okRev(bob.ReplyToQuestion(ctx, p, q.Key, plan.ReplyInput{Text: "Yes", Answer: true}))
		eq(t, "messages", len(q.Messages), 1)
		q, _ = okRev(alice.ResolveQuestion(ctx, p, q.Key, client.NoteBody{Note: "clear"}))
		eq(t, "questions", len(collect(bob.ListQuestions(ctx, p, nil))), 1)
		overdue := ok(bob.OverdueQuestions(ctx, p))
		eq(t, "overdue", len(overdue.Items), 0)
		times := ok(bob.QuestionResponseTimes(ctx, p, nil))
		if len(times.Items) == 0 || times.Items[0].Answered != 1 {
			t.Fatalf("response times: %+v", times.Items)
		}
	})

	run(t, "external references", func(t *testing.T) {
		ref, rev := okRev(alice.AddExternalReference(ctx, p, external.NewReference{Record: req.Ref(), System: "jira", Key: "SHOP-123",
			Content: external.Content{URL: "https://example.atlassian.net/browse/SHOP-123", Status: "To Do"}}))
		eq(t, "reference record", ref.Record.ID, req.ID)
		eq(t, "reference revision", rev, 1)
		_, _, err := alice.AddExternalReference(ctx, p, external.NewReference{Record: req.Ref(), System: "jira", Key: "SHOP-123"})
		fails(t, err, 409, "conflict") // one reference per item and system
		got, _ := okRev(bob.GetExternalReference(ctx, p, ref.ID))
		eq(t, "reference key", got.Key, "SHOP-123")
		found, foundRev := okRev(bob.FindExternalReference(ctx, p, "jira", "SHOP-123"))
		eq(t, "reference found by system and key", found.ID, ref.ID)
		eq(t, "found revision", foundRev, 1)
		_, _, err = bob.FindExternalReference(ctx, p, "pingcode", "SHOP-123")
		fails(t, err, 404, "not_found")
		ref, rev = okRev(bob.UpdateExternalReference(ctx, p, ref.ID, rev, client.ReferenceEdit{Content: external.Content{URL: got.URL, Status: "In Progress"}}))
		eq(t, "reference status", ref.Status, "In Progress")
		eq(t, "revision after update", rev, 2)
		_, _, err = bob.UpdateExternalReference(ctx, p, ref.ID, 1, client.ReferenceEdit{Content: external.Content{Status: "Done"}})
		fails(t, err, 412, "stale_revision")
		eq(t, "project references", len(collect(bob.ListExternalReferences(ctx, p, &client.ListExternalReferencesOptions{System: "jira"}))), 1)
		eq(t, "record references", len(collect(bob.ListRecordExternalReferences(ctx, p, "requirement", req.Key, nil))), 1)
		revs := ok(bob.ListExternalReferenceRevisions(ctx, p, ref.ID))
		eq(t, "reference revisions", len(revs.Items), 2)
		if err := alice.RemoveExternalReference(ctx, p, ref.ID, &client.RemoveExternalReferenceOptions{Reason: "moved to another board"}); err != nil {
			fail(err)
		}
		_, _, err = bob.GetExternalReference(ctx, p, ref.ID)
		fails(t, err, 404, "not_found")
	})

	run(t, "trackers", func(t *testing.T) {
		conn := external.Connection{System: "jira", Project: "SHOP",
			Rules:     []external.Rule{{On: "requirement.transitioned", To: "approved", Action: external.Create, Type: "Story"}},
			StatusMap: []external.StatusMapping{{Status: "Done", State: "done"}}}
		_, _, err := bob.PutTrackerSettings(ctx, p, 0, client.TrackerSettingsBody{Trackers: []external.Connection{conn}})
		fails(t, err, 403, "permission_denied")
		bad := conn
		bad.Rules = []external.Rule{{On: "requirement.transitioned", Action: "delete"}}
		_, _, err = alice.PutTrackerSettings(ctx, p, 0, client.TrackerSettingsBody{Trackers: []external.Connection{bad}})
		e := fails(t, err, 400, "invalid")
		eq(t, "field", e.Fields[0].Field, "trackers[0].rules[0].action")
		_, rev := okRev(alice.PutTrackerSettings(ctx, p, 0, client.TrackerSettingsBody{Trackers: []external.Connection{conn}}))
		eq(t, "settings revision", rev, 1)
		st, rev := okRev(bob.GetTrackerSettings(ctx, p))
		eq(t, "settings read back", st.Trackers[0].Project, "SHOP")
		eq(t, "settings ETag", rev, 1)
		trackers := ok(bob.ListTrackers(ctx, p))
		eq(t, "trackers", len(trackers.Items), 1)
		eq(t, "tracker", trackers.Items[0].System, "jira")
		// The test server is started without connectors.
		_, err = bob.SyncTracker(ctx, p, "jira")
		fails(t, err, 501, "unimplemented")
	})

	var missing []string
	for _, op := range client.Operations() {
		if !called[op.ID] {
			missing = append(missing, op.ID)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d operations were not called: %s", len(missing), strings.Join(missing, " "))
	}
	t.Logf("%d of %d operations called", len(called), len(client.Operations()))
}
