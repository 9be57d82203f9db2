package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
)

// stepClock advances a minute on every reading, so that revisions made in
// a scenario have distinct, ordered times.
type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { c.t = c.t.Add(time.Minute); return c.t }

func as(actor string, roles ...string) context.Context {
	return accord.WithActor(ctx, accord.Actor{ID: actor, Roles: roles})
}

// must fails the test on err, naming the step.
func must[T any](t *testing.T, step string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
}

// requirementScenario runs a requirement through its life with the real
// Service on top of the store: written, revised, reviewed, approved, changed
// through a change request, with a glossary and settings.
func requirementScenario(t *testing.T, s requirement.Store) {
	svc, err := requirement.NewService(requirement.Options{Store: s, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := as("alice", "product", "admin"), as("bob", "backend")
	r := must[requirement.Requirement](t, "create")(svc.Create(alice, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund a paid order"}, Note: "first draft"}))
	if r.Key != "REQ-1" || r.Owner != "alice" || r.Priority != requirement.DefaultPriority {
		t.Errorf("created %s owned by %q at %s; want REQ-1 owned by its author at the default priority", r.Key, r.Owner, r.Priority)
	}
	c := fullContent("Refund a paid order")
	r = must[requirement.Requirement](t, "update")(svc.Update(bob, "shop", r.Key, 1, requirement.ContentInput{Content: c, Note: "filled in"}))
	_, err = svc.Update(alice, "shop", r.Key, 1, requirement.ContentInput{Content: c, Note: "lost update"})
	if checkCode(t, "update from a stale revision", accord.Conflict, err) {
		if got := must[requirement.Requirement](t, "get")(svc.Get(alice, "shop", r.Key)); got.Revision != 2 {
			t.Errorf("a refused update left revision %d, want 2", got.Revision)
		}
	}
	r = must[requirement.Requirement](t, "to review")(svc.Transition(alice, "shop", r.ID, 2, requirement.TransitionInput{To: requirement.InReview, Reason: "ready"}))
	r = must[requirement.Requirement](t, "approve")(svc.Transition(bob, "shop", r.ID, 3, requirement.TransitionInput{To: requirement.Approved, Reason: "agreed"}))
	other := must[requirement.Requirement](t, "create second")(svc.Create(bob, "shop", requirement.ContentInput{Content: fullContent("Export invoices")}))
	if other.Key != "REQ-2" {
		t.Errorf("second requirement got key %s, want REQ-2", other.Key)
	}

	p := requirement.ChangeProposal{Proposed: c, Reason: "support asked for partial refunds", Impact: requirement.Impact{ScheduleDays: 2, Technical: "one more column"}}
	p.Proposed.Description = "Refund all or part of a paid order."
	cr := must[requirement.ChangeRequest](t, "propose")(svc.ProposeChange(alice, "shop", r.Key, p))
	cr = must[requirement.ChangeRequest](t, "decide")(svc.DecideChange(bob, "shop", cr.ID, 1, requirement.DecisionInput{To: requirement.ChangeApproved}))
	r, cr, err = svc.ApplyChange(alice, "shop", cr.ID, 2)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if r.Revision != 5 || r.Status != requirement.InReview || cr.State != requirement.ChangeApplied || cr.AppliedAs != 5 {
		t.Errorf("after apply: %s revision %d %s, change request %s applied as %d; want revision 5 in_review, applied as 5", r.Key, r.Revision, r.Status, cr.State, cr.AppliedAs)
	}
	hist := must[[]accord.Revision[requirement.Requirement]](t, "history")(svc.History(alice, "shop", r.Key))
	var kinds []accord.RevisionKind
	for _, v := range hist {
		kinds = append(kinds, v.Kind)
	}
	wantKinds := []accord.RevisionKind{accord.RevisionCreated, accord.RevisionEdited, accord.RevisionTransitioned, accord.RevisionTransitioned, requirement.ChangeRequestApplied}
	if len(kinds) != len(wantKinds) {
		t.Errorf("history kinds %v, want %v", kinds, wantKinds)
	}
	changes := must[[]accord.FieldChange](t, "diff")(svc.Diff(alice, "shop", r.Key, 4, 5))
	var paths []string
	for _, ch := range changes {
		paths = append(paths, ch.Path)
	}
	if len(paths) != 2 || paths[0] != "status" || paths[1] != "description" {
		t.Errorf("diff of revisions 4 and 5 names %v, want [status description]", paths)
	}
	page := must[accord.Page[requirement.Requirement]](t, "list")(svc.List(alice, "shop", requirement.Filter{Status: []requirement.Status{requirement.InReview}}, accord.PageQuery{}))
	if len(page.Items) != 1 || page.Items[0].Key != "REQ-1" {
		t.Errorf("in_review requirements: %v, want REQ-1", page.Items)
	}

	term := must[requirement.Term](t, "term")(svc.CreateTerm(alice, "shop", requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "A buyer's purchase.", Forbidden: []string{"deal"}}}))
	must[requirement.Term](t, "term update")(svc.UpdateTerm(bob, "shop", term.ID, 1, requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "A buyer's purchase of items.", Forbidden: []string{"deal"}}, Note: "clearer"}))
	settings := must[requirement.Settings](t, "settings")(svc.UpdateSettings(alice, "shop", 0, requirement.Settings{LintBlocksReview: true}))
	if settings.Revision != 1 {
		t.Errorf("first settings at revision %d, want 1", settings.Revision)
	}
	_, err = svc.UpdateSettings(bob, "shop", 1, requirement.Settings{})
	checkCode(t, "settings by a member who is not an admin", accord.PermissionDenied, err)
	_, err = svc.UpdateSettings(alice, "shop", 0, requirement.Settings{})
	checkCode(t, "settings from a stale revision", accord.Conflict, err)
}

// contractScenario runs a contract through versions with the real Service.
func contractScenario(t *testing.T, s contract.Store) {
	svc, err := contract.NewService(contract.Options{Store: s, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	alice := as("alice")
	v := must[contract.Version](t, "create")(svc.Create(alice, "shop", contract.NewContract{Version: "1.0.0", Spec: sampleSpec("orders"), Note: "first"}))
	spec := sampleSpec("orders")
	spec.Operations[0].Summary = "Read a thing"
	v = must[contract.Version](t, "update")(svc.UpdateVersion(alice, "shop", v.ContractID, "1.0.0", 1, contract.SpecInput{Spec: spec, Note: "summary"}))
	v = must[contract.Version](t, "propose")(svc.Transition(alice, "shop", v.ContractID, "1.0.0", 2, contract.TransitionInput{To: contract.Proposed}))
	v = must[contract.Version](t, "agree")(svc.Transition(alice, "shop", v.ContractID, "1.0.0", 3, contract.TransitionInput{To: contract.Agreed}))
	_, err = svc.UpdateVersion(alice, "shop", v.ContractID, "1.0.0", 4, contract.SpecInput{Spec: spec})
	checkCode(t, "editing an agreed version", accord.FailedPrecondition, err)
	next := must[contract.Version](t, "new version")(svc.NewVersion(alice, "shop", v.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0", Note: "next"}))
	spec.Operations[0].Summary = "Read one thing"
	must[contract.Version](t, "update 1.1.0")(svc.UpdateVersion(alice, "shop", next.ContractID, "1.1.0", 1, contract.SpecInput{Spec: spec}))
	hist := must[[]accord.Revision[contract.Version]](t, "history")(svc.History(alice, "shop", v.ContractID, "1.0.0"))
	if len(hist) != 4 || hist[1].Note != "summary" || hist[3].Record.Status != contract.Agreed {
		t.Errorf("history of 1.0.0: %d revisions; want 4, the second noted \"summary\", the last agreed", len(hist))
	}
	d := must[[]accord.FieldChange](t, "diff revisions")(svc.DiffRevisions(alice, "shop", v.ContractID, "1.0.0", 1, 2))
	if len(d) != 1 || d[0].Path != "spec.operations[0].summary" {
		t.Errorf("diff of revisions 1 and 2: %v, want one change at spec.operations[0].summary", d)
	}
	d = must[[]accord.FieldChange](t, "diff versions")(svc.DiffVersions(alice, "shop", v.ContractID, "1.0.0", "1.1.0"))
	if len(d) != 2 {
		t.Errorf("diff of 1.0.0 and 1.1.0: %v, want status and spec.operations[0].summary", d)
	}
	page := must[accord.Page[contract.Contract]](t, "list")(svc.List(alice, "shop", contract.Filter{Service: "orders"}, accord.PageQuery{}))
	if len(page.Items) != 1 {
		t.Errorf("contracts for orders: %d, want 1", len(page.Items))
	}
	_, err = svc.Create(alice, "shop", contract.NewContract{Version: "1.0.0", Spec: sampleSpec("orders")})
	checkCode(t, "a second contract for the same service", accord.Conflict, err)
}

// requirementDeletion deletes and restores a requirement through the real
// Service: only admins restore, only within accord.RetentionWindow, and a
// refused command changes nothing.
func requirementDeletion(t *testing.T, s requirement.Store) {
	clock := &stepClock{t: epoch}
	svc, err := requirement.NewService(requirement.Options{Store: s, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	admin, bob, carol := as("alice", "admin"), as("bob", "backend"), as("carol", "qa")
	r := must[requirement.Requirement](t, "create")(svc.Create(bob, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund a paid order"}}))
	err = svc.Delete(carol, "shop", r.Key, "not needed")
	if checkCode(t, "a member deleting another's draft", accord.PermissionDenied, err) {
		if perm, _ := accord.MissingPermission(err); perm != accord.PermRecordDelete {
			t.Errorf("refused delete names the permission %q, want %s", perm, accord.PermRecordDelete)
		}
	}
	if err := svc.Delete(bob, "shop", r.Key, "a duplicate of REQ-9"); err != nil {
		t.Fatalf("the author deletes their draft: %v", err)
	}
	_, err = svc.Get(bob, "shop", r.ID)
	checkCode(t, "get of a deleted requirement", accord.NotFound, err)
	hist := must[[]accord.Revision[requirement.Requirement]](t, "history of a deleted requirement")(svc.History(admin, "shop", r.ID))
	if last := hist[len(hist)-1]; last.Kind != accord.RevisionDeleted || last.Actor != "bob" || last.Note != "a duplicate of REQ-9" || last.Record.Deleted == nil {
		t.Errorf("the last revision is %s by %s (%q, %+v); want the tombstone by bob with his reason", last.Kind, last.Actor, last.Note, last.Record.Deleted)
	}
	for who, ctx := range map[string]context.Context{"the author": bob, "another member": carol} {
		_, err = svc.Restore(ctx, "shop", r.ID, "")
		if checkCode(t, who+" restoring", accord.PermissionDenied, err) {
			if perm, _ := accord.MissingPermission(err); perm != accord.PermRecordRestore {
				t.Errorf("refused restore names the permission %q, want %s", perm, accord.PermRecordRestore)
			}
		}
	}
	back := must[requirement.Requirement](t, "restore")(svc.Restore(admin, "shop", r.ID, "needed after all"))
	if back.Revision != 3 || back.Key != r.Key || back.Deleted != nil || back.UpdatedBy != "alice" {
		t.Errorf("restored %s at revision %d by %s (deleted %+v); want %s at 3 by alice", back.Key, back.Revision, back.UpdatedBy, back.Deleted, r.Key)
	}
	must[requirement.Requirement](t, "get after restore")(svc.Get(bob, "shop", r.Key))
	_, err = svc.Restore(admin, "shop", r.ID, "")
	checkCode(t, "restoring a live requirement", accord.FailedPrecondition, err)

	if err := svc.Delete(admin, "shop", r.Key, "really gone"); err != nil {
		t.Fatalf("an admin deletes: %v", err)
	}
	clock.t = clock.t.Add(accord.RetentionWindow + time.Hour)
	_, err = svc.Restore(admin, "shop", r.ID, "too late")
	checkCode(t, "restoring after the retention window", accord.FailedPrecondition, err)
	_, err = svc.Get(admin, "shop", r.ID)
	checkCode(t, "get after a refused late restore", accord.NotFound, err)
	if hist := must[[]accord.Revision[requirement.Requirement]](t, "history")(svc.History(admin, "shop", r.ID)); len(hist) != 4 {
		t.Errorf("%d revisions after create, delete, restore, delete and a refused restore; want 4", len(hist))
	}
}
