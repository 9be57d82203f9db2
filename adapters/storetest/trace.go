package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/trace"
)

// TraceStore checks a trace.Store: the generic record properties, one link
// per pair and role, the filters either way, and one scenario through the
// real Service. open returns a new, empty store for each subtest.
func TraceStore(t *testing.T, open func(t *testing.T) trace.Store) {
	t.Run("links", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[trace.Link] { return linkRecords(open(t)) })
	})
	t.Run("names_and_filters", func(t *testing.T) { testTraceSpecifics(t, open(t)) })
	t.Run("scenario", func(t *testing.T) { traceScenario(t, open(t)) })
}

func newLink(p string, i int) trace.Link {
	return trace.Link{ID: fmt.Sprintf("%s-link-%03d", p, i), Project: p,
		From: accord.Ref{Kind: "contract_version", ID: fmt.Sprintf("C%d@1.0.0", i)}, To: accord.Ref{Kind: "requirement", ID: "R1"},
		Role: trace.Implements, Origin: trace.Manual, TargetRevision: 1, Status: trace.Suspect,
		Suspicion: &trace.Suspicion{Revision: 2, Fields: []string{"goal"}, Since: epoch},
		Confirmed: &trace.Confirmation{Revision: 1, By: "bob", At: epoch, Note: "checked"}, Stamp: accord.NewStamp("bob", epoch)}
}

func linkRecords(s trace.Store) Records[trace.Link] {
	return Records[trace.Link]{
		Name: "link",
		New:  newLink,
		Edit: func(l trace.Link, w int) trace.Link {
			l = l.Clone()
			l.Suspicion.Fields = append(l.Suspicion.Fields, fmt.Sprintf("w%d-%d", w, len(l.Suspicion.Fields)))
			return l
		},
		Edits:    func(l trace.Link) int { return len(l.Suspicion.Fields) - 1 },
		Scribble: func(l *trace.Link) { l.Suspicion.Fields[0] = "scribbled"; l.Confirmed.Note = "scribbled" },
		Stamp:    func(l *trace.Link) *accord.Stamp { return &l.Stamp },
		ID:       func(l trace.Link) string { return l.ID },
		Project:  func(l *trace.Link, p string) { l.Project = p },
		Create:   s.CreateLink, Get: s.GetLink, Update: s.UpdateLink, Tombstone: s.DeleteLink, Restore: s.UpdateLink, ListDeleted: s.ListDeletedLinks,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[trace.Link], error) {
			return s.ListLinks(ctx, p, trace.Filter{}, q)
		},
		Revisions: s.ListLinkRevisions, Revision: s.GetLinkRevision,
	}
}

func testTraceSpecifics(t *testing.T, s trace.Store) {
	lr := linkRecords(s)
	req := func(id string) accord.Ref { return accord.Ref{Kind: "requirement", ID: id} }
	mk := func(i int, from, to accord.Ref, role trace.Role, status trace.Status, origin trace.Origin) trace.Link {
		l := newLink("alpha", i)
		l.From, l.To, l.Role, l.Status, l.Origin = from, to, role, status, origin
		got, err := s.CreateLink(ctx, lr.first(l))
		if err != nil {
			t.Fatalf("creating link %d: %v", i, err)
		}
		return got
	}
	a := mk(1, accord.Ref{Kind: "contract_version", ID: "C@1"}, req("R1"), trace.Implements, trace.Current, trace.Declared)
	mk(2, req("R2"), req("R1"), trace.Refines, trace.Suspect, trace.Manual)
	mk(3, req("R1"), accord.Ref{Kind: "risk", ID: "K1"}, trace.Mitigates, trace.Suspect, trace.Manual)
	mk(4, accord.Ref{Kind: "risk", ID: "K1"}, req("R2"), trace.RelatesTo, trace.Current, trace.Declared)

	dup := newLink("alpha", 9)
	dup.From, dup.To, dup.Role = a.From, a.To, a.Role
	_, err := s.CreateLink(ctx, lr.first(dup))
	checkCode(t, "a second link with the same ends and role", accord.Conflict, err)
	dup.Role = trace.Verifies
	if _, err := s.CreateLink(ctx, lr.first(dup)); err != nil {
		t.Errorf("the same ends in another role: %v", err)
	}
	if got, err := s.FindLink(ctx, "alpha", a.Name()); err != nil || got.ID != a.ID {
		t.Errorf("FindLink(%q) = %s (%v), want %s", a.Name(), got.ID, err, a.ID)
	}
	_, err = s.FindLink(ctx, "beta", a.Name())
	checkCode(t, "finding a link in another project", accord.NotFound, err)

	for _, tc := range []struct {
		name string
		f    trace.Filter
		want []string
	}{
		{"from", trace.Filter{From: req("R1")}, []string{"alpha-link-003"}},
		{"to", trace.Filter{To: req("R1")}, []string{"alpha-link-001", "alpha-link-002", "alpha-link-009"}},
		{"record", trace.Filter{Record: req("R1")}, []string{"alpha-link-001", "alpha-link-002", "alpha-link-003", "alpha-link-009"}},
		{"suspect", trace.Filter{Status: []trace.Status{trace.Suspect}}, []string{"alpha-link-002", "alpha-link-003", "alpha-link-009"}},
		{"suspect of a record", trace.Filter{Record: req("R2"), Status: []trace.Status{trace.Suspect}}, []string{"alpha-link-002"}},
		{"role", trace.Filter{Role: []trace.Role{trace.Mitigates, trace.RelatesTo}}, []string{"alpha-link-003", "alpha-link-004"}},
		{"origin", trace.Filter{Origin: trace.Declared}, []string{"alpha-link-001", "alpha-link-004"}},
	} {
		page, err := s.ListLinks(ctx, "alpha", tc.f, accord.PageQuery{Size: 10})
		var ids []string
		for _, l := range page.Items {
			ids = append(ids, l.ID)
		}
		if err != nil || !slices.Equal(ids, tc.want) {
			t.Errorf("filter %s: %v (%v), want %v", tc.name, ids, err, tc.want)
		}
	}
	// Paging through one record's links, and a deleted link gone from them.
	first, err := s.ListLinks(ctx, "alpha", trace.Filter{Record: req("R1")}, accord.PageQuery{Size: 2})
	if err != nil || len(first.Items) != 2 || first.NextPageToken == "" {
		t.Fatalf("first page of R1's links: %d (%v), want 2 and a token", len(first.Items), err)
	}
	if err := linkRecords(s).remove(ctx, "alpha", "alpha-link-002"); err != nil {
		t.Fatal(err)
	}
	rest, err := s.ListLinks(ctx, "alpha", trace.Filter{Record: req("R1")}, accord.PageQuery{Size: 2, Token: first.NextPageToken})
	var ids []string
	for _, l := range rest.Items {
		ids = append(ids, l.ID)
	}
	if err != nil || !slices.Equal(ids, []string{"alpha-link-003", "alpha-link-009"}) || rest.NextPageToken != "" {
		t.Errorf("second page of R1's links after a delete: %v (%v), want alpha-link-003, alpha-link-009 and no token", ids, err)
	}
	if page, err := s.ListLinks(ctx, "alpha", trace.Filter{To: req("R1")}, accord.PageQuery{Size: 10}); err != nil || len(page.Items) != 2 {
		t.Errorf("links to R1 after deleting one: %d (%v), want 2", len(page.Items), err)
	}
	if page, err := s.ListLinks(ctx, "beta", trace.Filter{To: req("R1")}, accord.PageQuery{Size: 10}); err != nil || len(page.Items) != 0 {
		t.Errorf("links to R1 in another project: %d (%v)", len(page.Items), err)
	}
}

// fakeTargets is a two-record world for the scenario: revisions of a
// requirement whose content changed at revision 2 and only its status at
// revision 3.
type fakeTargets map[accord.Ref]int

func (f fakeTargets) Target(_ context.Context, _ string, ref accord.Ref) (trace.Target, error) {
	rev, ok := f[ref]
	if !ok {
		return trace.Target{}, accord.Errorf(accord.NotFound, "%s not found", ref)
	}
	return trace.Target{Ref: ref, Revision: rev, Title: ref.ID}, nil
}

func (f fakeTargets) Changes(_ context.Context, _ string, _ accord.Ref, from, to int) ([]string, error) {
	if from < 2 && to >= 2 {
		return []string{"goal"}, nil
	}
	return nil, nil
}

// traceScenario links a contract to a requirement with the real Service,
// revises the requirement and confirms the link.
func traceScenario(t *testing.T, s trace.Store) {
	req, api := accord.Ref{Kind: "requirement", ID: "R1"}, accord.Ref{Kind: "contract_version", ID: "C@1.0.0"}
	world := fakeTargets{req: 1, api: 1}
	svc, err := trace.NewService(trace.Options{Store: s, Targets: world, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	bob := as("bob")
	l := must[trace.Link](t, "link")(svc.Link(bob, "shop", trace.NewLink{From: api, To: req, Role: trace.Implements}))
	world[req] = 2
	turned, err := svc.TargetRevised(bob, "shop", req)
	if err != nil || len(turned) != 1 || turned[0].Suspicion == nil || !slices.Equal(turned[0].Suspicion.Fields, []string{"goal"}) {
		t.Fatalf("after a content change: %+v (%v), want the link suspect over goal", turned, err)
	}
	l = must[trace.Link](t, "confirm")(svc.Confirm(bob, "shop", l.ID, 0, trace.ConfirmInput{Note: "the contract already serves the new goal"}))
	world[req] = 3
	if turned, err := svc.TargetRevised(bob, "shop", req); err != nil || len(turned) != 0 {
		t.Errorf("a status-only revision turned %d link(s) suspect (%v)", len(turned), err)
	}
	got := must[trace.Link](t, "get")(s.GetLink(ctx, "shop", l.ID))
	if got.Status != trace.Current || got.TargetRevision != 2 || got.Confirmed == nil {
		t.Errorf("stored link after confirmation: %+v", got)
	}
}
