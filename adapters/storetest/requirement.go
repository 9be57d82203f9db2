package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// RequirementStore checks a requirement.Store: the generic record
// properties for requirements, change requests and glossary terms, the
// settings, what is particular to requirements (filters, keys, cascading
// deletes, unique term names), and one realistic scenario through the real
// Service. open returns a new, empty store for each subtest.
func RequirementStore(t *testing.T, open func(t *testing.T) requirement.Store) {
	t.Run("requirements", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[requirement.Requirement] { return requirementRecords(open(t)) })
	})
	t.Run("change_requests", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[requirement.ChangeRequest] { return changeRecords(open(t)) })
	})
	t.Run("terms", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[requirement.Term] { return termRecords(open(t)) })
	})
	t.Run("settings", func(t *testing.T) {
		CheckSettings(t, func(t *testing.T) SettingsRecords[requirement.Settings] {
			s := open(t)
			return SettingsRecords[requirement.Settings]{
				New: func(p string, n int) requirement.Settings {
					return requirement.Settings{Project: p, LintBlocksReview: n%2 == 1}
				},
				Stamp: func(s *requirement.Settings) *accord.Stamp { return &s.Stamp },
				Get:   s.GetSettings, Put: s.PutSettings}
		})
	})
	t.Run("filters", func(t *testing.T) { testRequirementFilters(t, open(t)) })
	t.Run("search", func(t *testing.T) { testRequirementSearch(t, open(t)) })
	t.Run("delete_cascades", func(t *testing.T) { testRequirementCascade(t, open(t)) })
	t.Run("term_names", func(t *testing.T) { testTermNames(t, open(t)) })
	t.Run("scenario", func(t *testing.T) { requirementScenario(t, open(t)) })
	t.Run("delete_restore", func(t *testing.T) { requirementDeletion(t, open(t)) })
}

func target(v float64) *float64 { return &v }

// fullContent returns content with every section filled.
func fullContent(title string) requirement.Content {
	return requirement.Content{
		Title:       title,
		Background:  "Merchants lose orders when checkout times out.",
		Goal:        "Raise checkout completion.",
		KPIs:        []string{"checkout completion rate"},
		Description: "Orders are placed in one step.",
		Flow:        []requirement.FlowStep{{Actor: "buyer", Action: "submits the cart"}, {Actor: "system", Action: "reserves stock"}},
		Scenarios:   []requirement.Scenario{{Name: "repeat buyer", Actor: "buyer", Situation: "saved address", Action: "pays", Outcome: "order confirmed"}},
		Exceptions:  []requirement.ExceptionCase{{Condition: "stock gone", Handling: "reject the order", ErrorCode: "OUT_OF_STOCK"}},
		Performance: []requirement.PerformanceTarget{{Metric: "p99 latency", Comparator: requirement.LessOrEqual, Target: target(200), Unit: "ms"}},
		Acceptance:  []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "an order is created within 200 ms", TestRef: "TestPlaceOrder"}},
		Priority:    requirement.P1,
		Owner:       "pm-alice",
		Labels:      []string{"checkout"},
		Links:       []accord.Ref{{Kind: "contract", ID: "orders"}},
	}
}

func newRequirement(project string, i int) requirement.Requirement {
	return requirement.Requirement{ID: fmt.Sprintf("%s-req-%03d", project, i), Project: project, Status: requirement.Draft,
		Content: fullContent(fmt.Sprintf("Requirement %d", i)), Stamp: accord.NewStamp("alice", epoch)}
}

func requirementRecords(s requirement.Store) Records[requirement.Requirement] {
	return Records[requirement.Requirement]{
		Name: "requirement",
		New:  newRequirement,
		Edit: func(r requirement.Requirement, w int) requirement.Requirement {
			r = r.Clone()
			r.Labels = append(r.Labels, fmt.Sprintf("w%d", w))
			r.Description += "."
			return r
		},
		Edits: func(r requirement.Requirement) int { return len(r.Labels) - 1 },
		Scribble: func(r *requirement.Requirement) {
			r.Labels[0] = "scribbled"
			*r.Performance[0].Target = -1
			r.Title = "scribbled"
		},
		Stamp:   func(r *requirement.Requirement) *accord.Stamp { return &r.Stamp },
		ID:      func(r requirement.Requirement) string { return r.ID },
		Project: func(r *requirement.Requirement, p string) { r.Project = p },
		Create:  s.CreateRequirement, Get: s.GetRequirement, Update: s.UpdateRequirement, Tombstone: s.DeleteRequirement, Restore: s.UpdateRequirement, ListDeleted: s.ListDeletedRequirements,
		List: func(ctx_ context.Context, p string, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
			return s.ListRequirements(ctx_, p, requirement.Filter{}, q)
		},
		Revisions: s.ListRequirementRevisions, Revision: s.GetRequirementRevision,
		Key: func(r requirement.Requirement) string { return r.Key }, KeyOf: requirement.KeyOf, SetKey: func(r *requirement.Requirement, k string) { r.Key = k }, GetByKey: s.GetRequirementByKey,
	}
}

// changeRecords describes change requests; each belongs to a requirement
// the kit's Create makes first.
func changeRecords(s requirement.Store) Records[requirement.ChangeRequest] {
	return Records[requirement.ChangeRequest]{
		Name: "change request",
		New: func(project string, i int) requirement.ChangeRequest {
			return requirement.ChangeRequest{ID: fmt.Sprintf("%s-cr-%03d", project, i), Project: project, RequirementID: project + "-parent",
				BaseRevision: 1, Proposed: fullContent("proposed"), Reason: "scope grew", State: requirement.ChangeProposed,
				Impact: requirement.Impact{ScheduleDays: 2, Technical: "one more table", Affected: []accord.Ref{{Kind: "contract", ID: "orders"}}},
				Stamp:  accord.NewStamp("alice", epoch)}
		},
		Edit: func(c requirement.ChangeRequest, w int) requirement.ChangeRequest {
			c = c.Clone()
			c.Decisions = append(c.Decisions, requirement.ChangeDecision{From: c.State, To: c.State, Actor: fmt.Sprintf("w%d", w), Time: epoch, Reason: "noted"})
			return c
		},
		Edits: func(c requirement.ChangeRequest) int { return len(c.Decisions) },
		Scribble: func(c *requirement.ChangeRequest) {
			c.Impact.Affected[0].ID = "scribbled"
			c.Proposed.Labels[0] = "scribbled"
		},
		Stamp:   func(c *requirement.ChangeRequest) *accord.Stamp { return &c.Stamp },
		ID:      func(c requirement.ChangeRequest) string { return c.ID },
		Project: func(c *requirement.ChangeRequest, p string) { c.Project = p },
		Create: func(ctx_ context.Context, first accord.Revision[requirement.ChangeRequest]) (requirement.ChangeRequest, error) {
			parent := newRequirement(first.Record.Project, 0)
			parent.ID = first.Record.RequirementID
			if _, err := s.GetRequirement(ctx_, parent.Project, parent.ID); accord.ErrorCode(err) == accord.NotFound {
				if _, err := s.CreateRequirement(ctx_, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: epoch, Record: parent}); err != nil {
					return requirement.ChangeRequest{}, err
				}
			}
			return s.CreateChangeRequest(ctx_, first)
		},
		Get: s.GetChangeRequest, Update: s.UpdateChangeRequest, Revisions: s.ListChangeRequestRevisions,
	}
}

func termRecords(s requirement.Store) Records[requirement.Term] {
	return Records[requirement.Term]{
		Name: "glossary term",
		New: func(project string, i int) requirement.Term {
			return requirement.Term{ID: fmt.Sprintf("%s-term-%03d", project, i), Project: project, Term: fmt.Sprintf("order %d", i),
				Definition: "A buyer's request to purchase.", Aliases: []string{fmt.Sprintf("purchase %d", i)}, Forbidden: []string{fmt.Sprintf("deal %d", i)},
				Stamp: accord.NewStamp("alice", epoch)}
		},
		Edit: func(t requirement.Term, w int) requirement.Term {
			t = t.Clone()
			t.Definition += fmt.Sprintf(" (w%d)", w)
			return t
		},
		Edits:    func(t requirement.Term) int { return strings.Count(t.Definition, " (w") },
		Scribble: func(t *requirement.Term) { t.Aliases[0] = "scribbled" },
		Stamp:    func(t *requirement.Term) *accord.Stamp { return &t.Stamp },
		ID:       func(t requirement.Term) string { return t.ID },
		Project:  func(t *requirement.Term, p string) { t.Project = p },
		Create:   s.CreateTerm, Get: s.GetTerm, Update: s.UpdateTerm, Tombstone: s.DeleteTerm, Restore: s.UpdateTerm, ListDeleted: s.ListDeletedTerms, Revisions: s.ListTermRevisions,
	}
}

func testRequirementFilters(t *testing.T, s requirement.Store) {
	mk := func(i int, status requirement.Status, p requirement.Priority, owner string, labels ...string) requirement.Requirement {
		r := newRequirement("alpha", i)
		r.Title = []string{"Refund flow", "Invoice export", "Search orders", "Coupon limits"}[i]
		r.Status, r.Priority, r.Owner, r.Labels = status, p, owner, labels
		r.Description = "About " + r.Title
		got, err := s.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: epoch, Record: r})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		return got
	}
	a := mk(0, requirement.Draft, requirement.P0, "ann", "payments")
	b := mk(1, requirement.Approved, requirement.P1, "ben", "finance", "payments")
	c := mk(2, requirement.InReview, requirement.P1, "ann")
	d := mk(3, requirement.Draft, requirement.P3, "cal", "promo")
	for _, tc := range []struct {
		name   string
		filter requirement.Filter
		want   []requirement.Requirement
	}{
		{"none", requirement.Filter{}, []requirement.Requirement{a, b, c, d}},
		{"status", requirement.Filter{Status: []requirement.Status{requirement.Draft}}, []requirement.Requirement{a, d}},
		{"any of statuses", requirement.Filter{Status: []requirement.Status{requirement.Approved, requirement.InReview}}, []requirement.Requirement{b, c}},
		{"priority", requirement.Filter{Priority: []requirement.Priority{requirement.P1}}, []requirement.Requirement{b, c}},
		{"owner", requirement.Filter{Owner: "ann"}, []requirement.Requirement{a, c}},
		{"label", requirement.Filter{Label: "payments"}, []requirement.Requirement{a, b}},
		{"text in title, any case", requirement.Filter{Text: "sEARCH oRD"}, []requirement.Requirement{c}},
		{"text in key", requirement.Filter{Text: d.Key}, []requirement.Requirement{d}},
		{"combined", requirement.Filter{Status: []requirement.Status{requirement.Draft}, Owner: "ann"}, []requirement.Requirement{a}},
		{"no match", requirement.Filter{Owner: "nobody"}, nil},
	} {
		var got, want []string
		q := accord.PageQuery{Size: 1}
		for pages := 0; pages < 100; pages++ {
			page, err := s.ListRequirements(ctx, "alpha", tc.filter, q)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			for _, r := range page.Items {
				got = append(got, r.Key)
			}
			if page.NextPageToken == "" {
				break
			}
			q.Token = page.NextPageToken
		}
		for _, r := range tc.want {
			want = append(want, r.Key)
		}
		if !slices.Equal(got, want) {
			t.Errorf("filter %s: %v, want %v in key order", tc.name, got, want)
		}
	}
}

func testRequirementCascade(t *testing.T, s requirement.Store) {
	cr := changeRecords(s)
	first := cr.first(cr.New("alpha", 1))
	created, err := cr.Create(ctx, first)
	if err != nil {
		t.Fatalf("create change request: %v", err)
	}
	second := cr.New("alpha", 2)
	if _, err := cr.Create(ctx, cr.first(second)); err != nil {
		t.Fatalf("create change request: %v", err)
	}
	list, err := s.ListChangeRequests(ctx, "alpha", created.RequirementID)
	if err != nil || len(list) != 2 || list[0].ID != created.ID {
		t.Errorf("change requests of the requirement: %d, first %v (%v); want 2, oldest first", len(list), list, err)
	}
	orphan := cr.New("alpha", 3)
	orphan.RequirementID = "missing"
	_, err = s.CreateChangeRequest(ctx, cr.first(orphan))
	checkCode(t, "change request of a missing requirement", accord.NotFound, err)
	_, err = s.ListChangeRequests(ctx, "alpha", "missing")
	checkCode(t, "change requests of a missing requirement", accord.NotFound, err)
	if err := requirementRecords(s).remove(ctx, "alpha", created.RequirementID); err != nil {
		t.Fatalf("delete requirement: %v", err)
	}
	_, err = s.GetChangeRequest(ctx, "alpha", created.ID)
	checkCode(t, "change request after its requirement was deleted", accord.NotFound, err)
	_, err = s.ListChangeRequests(ctx, "alpha", created.RequirementID)
	checkCode(t, "change requests of a deleted requirement", accord.NotFound, err)
	_, err = s.CreateChangeRequest(ctx, cr.first(cr.New("alpha", 4)))
	checkCode(t, "a change request of a deleted requirement", accord.NotFound, err)
}

func testTermNames(t *testing.T, s requirement.Store) {
	tr := termRecords(s)
	a, err := tr.Create(ctx, tr.first(tr.New("alpha", 1)))
	if err != nil {
		t.Fatalf("create term: %v", err)
	}
	dup := tr.New("alpha", 2)
	dup.Term = strings.ToUpper(a.Term)
	_, err = tr.Create(ctx, tr.first(dup))
	checkCode(t, "a second term with the same name in another case", accord.Conflict, err)
	if _, err := tr.Create(ctx, tr.first(tr.New("beta", 1))); err != nil {
		t.Errorf("the same name in another project: %v", err)
	}
	b, err := tr.Create(ctx, tr.first(tr.New("alpha", 3)))
	if err != nil {
		t.Fatalf("create term: %v", err)
	}
	rename := tr.next(b, 1)
	rename.Record.Term = a.Term
	_, err = s.UpdateTerm(ctx, rename)
	checkCode(t, "renaming a term onto another's name", accord.Conflict, err)
	rename.Record.Term = "order zero"
	if _, err := s.UpdateTerm(ctx, rename); err != nil {
		t.Errorf("renaming a term to a free name: %v", err)
	}
	free := tr.New("alpha", 4)
	free.Term = b.Term // the old name is free again
	if _, err := tr.Create(ctx, tr.first(free)); err != nil {
		t.Errorf("a new term with a renamed term's old name: %v", err)
	}
	terms, err := s.ListTerms(ctx, "alpha")
	if err != nil {
		t.Fatalf("list terms: %v", err)
	}
	if !slices.IsSortedFunc(terms, func(x, y requirement.Term) int {
		return strings.Compare(strings.ToLower(x.Term), strings.ToLower(y.Term))
	}) || len(terms) != 3 {
		t.Errorf("terms: %d, sorted by name: %v; want 3 sorted", len(terms), terms)
	}
}
