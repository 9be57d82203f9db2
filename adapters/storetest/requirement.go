package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// RequirementStore runs the conformance suite for requirement.Store
// implementations. newStore must return a fresh, empty store each call.
func RequirementStore(t *testing.T, newStore func(t *testing.T) requirement.Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, requirement.Store)
	}{
		{"CreateAssignsSequentialKeysPerProject", testCreateKeys},
		{"CreateDuplicateIDConflicts", testCreateDuplicate},
		{"GetMissingIsNotFound", testGetMissing},
		{"GetByKey", testGetByKey},
		{"CopiesInAndOut", testCopies},
		{"RevisionsImmutableAndComplete", testRevisions},
		{"StaleBaseConflicts", testStale},
		{"UpdateMissingIsNotFound", testUpdateMissing},
		{"DeleteRemovesEverything", testDelete},
		{"ConcurrentWritersLoseNothing", testConcurrentWriters},
		{"ConcurrentCreatesKeepKeysUnique", testConcurrentCreates},
		{"PaginationStableUnderInsertAndDelete", testPagination},
		{"PageTokenAndSizeErrors", testPageErrors},
		{"Filters", testFilters},
		{"ProjectsAreIsolated", testIsolation},
		{"ChangeRequests", testChangeRequests},
		{"GlossaryTerms", testTerms},
		{"Settings", testSettings},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

var (
	ctx   = context.Background()
	epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

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

// newRevision builds the first revision of a requirement in project.
func newRevision(project, title string, at time.Time) requirement.Revision {
	r := requirement.Requirement{ID: accord.NewID(at), Project: project, Status: requirement.Draft, Revision: 1,
		Content: fullContent(title), CreatedAt: at, CreatedBy: "alice", UpdatedAt: at, UpdatedBy: "alice"}
	return requirement.Revision{Number: 1, Kind: requirement.Created, Actor: "alice", Time: at, Note: "first", Requirement: r}
}

func create(t *testing.T, s requirement.Store, project, title string) requirement.Requirement {
	t.Helper()
	r, err := s.CreateRequirement(ctx, newRevision(project, title, epoch))
	require.NoError(t, err)
	return r
}

// nextRevision returns cur changed by edit as revision cur.Revision+1.
func nextRevision(cur requirement.Requirement, note string, edit func(*requirement.Requirement)) requirement.Revision {
	next := cur.Clone()
	if edit != nil {
		edit(&next)
	}
	next.Revision = cur.Revision + 1
	next.UpdatedAt = cur.UpdatedAt.Add(time.Minute)
	next.UpdatedBy = "bob"
	return requirement.Revision{Number: next.Revision, Kind: requirement.Edited, Actor: "bob", Time: next.UpdatedAt, Note: note, Requirement: next}
}

func requireCode(t *testing.T, want accord.Code, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equalf(t, want, accord.ErrorCode(err), "error %q has the wrong code", err)
}

func testCreateKeys(t *testing.T, s requirement.Store) {
	a := create(t, s, "alpha", "one")
	b := create(t, s, "alpha", "two")
	c := create(t, s, "beta", "three")
	assert.Equal(t, "REQ-1", a.Key)
	assert.Equal(t, "REQ-2", b.Key)
	assert.Equal(t, "REQ-1", c.Key, "keys are numbered per project")

	want := newRevision("alpha", "one", epoch).Requirement
	want.ID, want.Key = a.ID, "REQ-1"
	if d := cmp.Diff(want, a); d != "" {
		t.Errorf("created requirement (-want +got):\n%s", d)
	}
	got, err := s.GetRequirement(ctx, "alpha", a.ID)
	require.NoError(t, err)
	if d := cmp.Diff(a, got); d != "" {
		t.Errorf("read back (-want +got):\n%s", d)
	}

	// Lists come in creation order, whatever the IDs sort like.
	for i := 3; i <= 12; i++ {
		v := newRevision("alpha", fmt.Sprint(i), epoch)
		v.Requirement.ID = fmt.Sprintf("id-%02d", 20-i) // IDs sort in reverse
		_, err := s.CreateRequirement(ctx, v)
		require.NoError(t, err)
	}
	page, err := s.ListRequirements(ctx, "alpha", requirement.ListQuery{PageSize: 100})
	require.NoError(t, err)
	var keys []string
	for _, r := range page.Items {
		keys = append(keys, r.Key)
	}
	assert.Equal(t, []string{"REQ-1", "REQ-2", "REQ-3", "REQ-4", "REQ-5", "REQ-6", "REQ-7", "REQ-8", "REQ-9", "REQ-10", "REQ-11", "REQ-12"}, keys)
}

func testCreateDuplicate(t *testing.T, s requirement.Store) {
	first := newRevision("alpha", "one", epoch)
	_, err := s.CreateRequirement(ctx, first)
	require.NoError(t, err)
	_, err = s.CreateRequirement(ctx, first)
	requireCode(t, accord.Conflict, err)
}

func testGetMissing(t *testing.T, s requirement.Store) {
	_, err := s.GetRequirement(ctx, "alpha", "missing")
	requireCode(t, accord.NotFound, err)
	_, err = s.GetRevision(ctx, "alpha", "missing", 1)
	requireCode(t, accord.NotFound, err)
	_, err = s.ListRevisions(ctx, "alpha", "missing")
	requireCode(t, accord.NotFound, err)
	r := create(t, s, "alpha", "one")
	_, err = s.GetRevision(ctx, "alpha", r.ID, 2)
	requireCode(t, accord.NotFound, err)
	_, err = s.GetRevision(ctx, "alpha", r.ID, 0)
	requireCode(t, accord.NotFound, err)
}

func testGetByKey(t *testing.T, s requirement.Store) {
	a := create(t, s, "alpha", "one")
	b := create(t, s, "beta", "other")
	got, err := s.GetRequirementByKey(ctx, "alpha", "REQ-1")
	require.NoError(t, err)
	if d := cmp.Diff(a, got); d != "" {
		t.Errorf("by key (-want +got):\n%s", d)
	}
	got, err = s.GetRequirementByKey(ctx, "beta", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, b.ID, got.ID, "keys are per project")
	_, err = s.GetRequirementByKey(ctx, "alpha", "REQ-2")
	requireCode(t, accord.NotFound, err)
	require.NoError(t, s.DeleteRequirement(ctx, "alpha", a.ID))
	_, err = s.GetRequirementByKey(ctx, "alpha", "REQ-1")
	requireCode(t, accord.NotFound, err)
}

func testCopies(t *testing.T, s requirement.Store) {
	in := newRevision("alpha", "one", epoch)
	out, err := s.CreateRequirement(ctx, in)
	require.NoError(t, err)
	want := out.Clone()

	// Change what was passed in and what came back, deep inside.
	in.Requirement.Title = "changed"
	in.Requirement.Acceptance[0].Text = "changed"
	*in.Requirement.Performance[0].Target = 1
	out.Labels[0] = "changed"
	out.Flow[0].Action = "changed"
	*out.Performance[0].Target = 2

	got, err := s.GetRequirement(ctx, "alpha", want.ID)
	require.NoError(t, err)
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("stored data changed through a caller's copy (-want +got):\n%s", d)
	}
	got.Scenarios[0].Name = "changed"
	rev, err := s.GetRevision(ctx, "alpha", want.ID, 1)
	require.NoError(t, err)
	rev.Requirement.KPIs[0] = "changed"
	again, err := s.GetRequirement(ctx, "alpha", want.ID)
	require.NoError(t, err)
	if d := cmp.Diff(want, again); d != "" {
		t.Fatalf("stored data changed through a returned value (-want +got):\n%s", d)
	}
}

func testRevisions(t *testing.T, s requirement.Store) {
	r := create(t, s, "alpha", "one")
	v2 := nextRevision(r, "second", func(n *requirement.Requirement) { n.Title = "two" })
	r2, err := s.UpdateRequirement(ctx, v2)
	require.NoError(t, err)
	assert.Equal(t, 2, r2.Revision)
	assert.Equal(t, "two", r2.Title)
	assert.Equal(t, r.Key, r2.Key)
	v3 := nextRevision(r2, "third", func(n *requirement.Requirement) { n.Acceptance = nil })
	_, err = s.UpdateRequirement(ctx, v3)
	require.NoError(t, err)

	revs, err := s.ListRevisions(ctx, "alpha", r.ID)
	require.NoError(t, err)
	require.Len(t, revs, 3)
	for i, v := range revs {
		assert.Equal(t, i+1, v.Number)
		assert.Equal(t, i+1, v.Requirement.Revision)
	}
	assert.Equal(t, []string{"first", "second", "third"}, []string{revs[0].Note, revs[1].Note, revs[2].Note})
	assert.Equal(t, "bob", revs[1].Actor)

	one, err := s.GetRevision(ctx, "alpha", r.ID, 1)
	require.NoError(t, err)
	if d := cmp.Diff(r, one.Requirement); d != "" {
		t.Errorf("revision 1 changed after later updates (-want +got):\n%s", d)
	}
	want2 := v2
	want2.Requirement.Key = r.Key
	got2, err := s.GetRevision(ctx, "alpha", r.ID, 2)
	require.NoError(t, err)
	if d := cmp.Diff(want2, got2); d != "" {
		t.Errorf("revision 2 (-want +got):\n%s", d)
	}
}

func testStale(t *testing.T, s requirement.Store) {
	r := create(t, s, "alpha", "one")
	_, err := s.UpdateRequirement(ctx, nextRevision(r, "first writer", func(n *requirement.Requirement) { n.Title = "A" }))
	require.NoError(t, err)
	_, err = s.UpdateRequirement(ctx, nextRevision(r, "second writer", func(n *requirement.Requirement) { n.Title = "B" }))
	requireCode(t, accord.Conflict, err)
	assert.True(t, errors.Is(err, accord.ErrStale), "a stale base must wrap accord.ErrStale")

	cur, err := s.GetRequirement(ctx, "alpha", r.ID)
	require.NoError(t, err)
	assert.Equal(t, "A", cur.Title, "a refused update must leave stored data as it was")
	assert.Equal(t, 2, cur.Revision)
	revs, err := s.ListRevisions(ctx, "alpha", r.ID)
	require.NoError(t, err)
	assert.Len(t, revs, 2)

	skip := nextRevision(cur, "skips one", nil)
	skip.Number, skip.Requirement.Revision = 4, 4
	_, err = s.UpdateRequirement(ctx, skip)
	requireCode(t, accord.Conflict, err)
}

func testUpdateMissing(t *testing.T, s requirement.Store) {
	r := newRevision("alpha", "one", epoch).Requirement
	r.Key = "REQ-9"
	_, err := s.UpdateRequirement(ctx, nextRevision(r, "", nil))
	requireCode(t, accord.NotFound, err)
}

func testDelete(t *testing.T, s requirement.Store) {
	keep := create(t, s, "alpha", "keep")
	gone := create(t, s, "alpha", "gone")
	cr := newChange("alpha", gone.ID)
	_, err := s.CreateChangeRequest(ctx, cr)
	require.NoError(t, err)

	require.NoError(t, s.DeleteRequirement(ctx, "alpha", gone.ID))
	_, err = s.GetRequirement(ctx, "alpha", gone.ID)
	requireCode(t, accord.NotFound, err)
	_, err = s.ListRevisions(ctx, "alpha", gone.ID)
	requireCode(t, accord.NotFound, err)
	_, err = s.GetChangeRequest(ctx, "alpha", cr.ID)
	requireCode(t, accord.NotFound, err)
	requireCode(t, accord.NotFound, s.DeleteRequirement(ctx, "alpha", gone.ID))

	_, err = s.GetRequirement(ctx, "alpha", keep.ID)
	require.NoError(t, err)
	page, err := s.ListRequirements(ctx, "alpha", requirement.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, []string{keep.ID}, ids(page.Items))

	// Keys are never reused, even after a delete.
	assert.Equal(t, "REQ-3", create(t, s, "alpha", "after").Key)
}

func testConcurrentWriters(t *testing.T, s requirement.Store) {
	r := create(t, s, "alpha", "contended")
	const writers, updates = 16, 8
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		succeeded []string
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range updates {
				note := fmt.Sprintf("writer %d update %d", w, u)
				for attempt := 0; ; attempt++ {
					if attempt > 10000 {
						t.Errorf("%s: no progress after %d attempts", note, attempt)
						return
					}
					cur, err := s.GetRequirement(ctx, "alpha", r.ID)
					if err != nil {
						t.Error(err)
						return
					}
					_, err = s.UpdateRequirement(ctx, nextRevision(cur, note, func(n *requirement.Requirement) {
						n.Labels = append(n.Labels, note)
					}))
					if accord.ErrorCode(err) == accord.Conflict {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					succeeded = append(succeeded, note)
					mu.Unlock()
					break
				}
			}
		}()
	}
	wg.Wait()

	require.Len(t, succeeded, writers*updates)
	final, err := s.GetRequirement(ctx, "alpha", r.ID)
	require.NoError(t, err)
	assert.Equal(t, 1+len(succeeded), final.Revision, "revisions must equal successful updates")
	revs, err := s.ListRevisions(ctx, "alpha", r.ID)
	require.NoError(t, err)
	require.Len(t, revs, 1+len(succeeded))
	var notes []string
	for i, v := range revs[1:] {
		notes = append(notes, v.Note)
		assert.Equal(t, i+2, v.Number)
		// Each revision builds on the one before it: nothing is lost.
		assert.Equal(t, len(r.Labels)+i+1, len(v.Requirement.Labels))
	}
	sort.Strings(notes)
	sort.Strings(succeeded)
	assert.Equal(t, succeeded, notes)
	assert.Len(t, final.Labels, len(r.Labels)+len(succeeded))
}

func testConcurrentCreates(t *testing.T, s requirement.Store) {
	const workers, each = 16, 20
	keys := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r, err := s.CreateRequirement(ctx, newRevision("alpha", fmt.Sprintf("w%d-%d", w, i), epoch))
				if err != nil {
					t.Error(err)
					return
				}
				keys <- r.Key
			}
		}()
	}
	wg.Wait()
	close(keys)
	seen := map[string]bool{}
	for k := range keys {
		assert.False(t, seen[k], "key %s assigned twice", k)
		seen[k] = true
	}
	for n := 1; n <= workers*each; n++ {
		assert.True(t, seen[fmt.Sprintf("REQ-%d", n)], "REQ-%d missing: keys must be sequential", n)
	}
}

func ids(rs []requirement.Requirement) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func testPagination(t *testing.T, s requirement.Store) {
	var all []requirement.Requirement
	for i := range 30 {
		r, err := s.CreateRequirement(ctx, newRevision("alpha", fmt.Sprintf("r%d", i), epoch.Add(time.Duration(i)*time.Millisecond)))
		require.NoError(t, err)
		all = append(all, r)
	}
	// Page through while deleting some records and inserting others. Every
	// record that exists from start to end must appear exactly once.
	deleted := map[string]bool{}
	seen := map[string]int{}
	var q requirement.ListQuery
	q.PageSize = 7
	for pageNo := 0; ; pageNo++ {
		require.Less(t, pageNo, 20, "pagination does not end")
		page, err := s.ListRequirements(ctx, "alpha", q)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(page.Items), 7)
		for _, r := range page.Items {
			seen[r.ID]++
		}
		// Delete one record not yet seen and one already seen, insert a new one.
		for _, r := range all {
			if seen[r.ID] == 0 && !deleted[r.ID] {
				require.NoError(t, s.DeleteRequirement(ctx, "alpha", r.ID))
				deleted[r.ID] = true
				break
			}
		}
		for _, r := range all {
			if seen[r.ID] > 0 && !deleted[r.ID] {
				require.NoError(t, s.DeleteRequirement(ctx, "alpha", r.ID))
				deleted[r.ID] = true
				break
			}
		}
		_, err = s.CreateRequirement(ctx, newRevision("alpha", "late", epoch.Add(time.Hour+time.Duration(pageNo)*time.Millisecond)))
		require.NoError(t, err)
		if page.NextPageToken == "" {
			break
		}
		q.PageToken = page.NextPageToken
	}
	for _, r := range all {
		if deleted[r.ID] {
			assert.LessOrEqual(t, seen[r.ID], 1, "%s listed twice", r.Key)
			continue
		}
		assert.Equal(t, 1, seen[r.ID], "%s existed throughout and must be listed exactly once", r.Key)
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, "%s listed %d times", id, n)
	}
}

func testPageErrors(t *testing.T, s requirement.Store) {
	create(t, s, "alpha", "one")
	_, err := s.ListRequirements(ctx, "alpha", requirement.ListQuery{PageToken: "not a token"})
	requireCode(t, accord.Invalid, err)
	_, err = s.ListRequirements(ctx, "alpha", requirement.ListQuery{PageSize: requirement.MaxPageSize + 1})
	requireCode(t, accord.Invalid, err)
	_, err = s.ListRequirements(ctx, "alpha", requirement.ListQuery{PageSize: -1})
	requireCode(t, accord.Invalid, err)
	page, err := s.ListRequirements(ctx, "empty", requirement.ListQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.Empty(t, page.NextPageToken)
}

func testFilters(t *testing.T, s requirement.Store) {
	mk := func(title string, status requirement.Status, p requirement.Priority, owner string, labels ...string) requirement.Requirement {
		v := newRevision("alpha", title, epoch)
		v.Requirement.Status, v.Requirement.Priority, v.Requirement.Owner, v.Requirement.Labels = status, p, owner, labels
		v.Requirement.Description = "About " + title
		r, err := s.CreateRequirement(ctx, v)
		require.NoError(t, err)
		return r
	}
	a := mk("Refund flow", requirement.Draft, requirement.P0, "ann", "payments")
	b := mk("Invoice export", requirement.Approved, requirement.P1, "ben", "finance", "payments")
	c := mk("Search orders", requirement.InReview, requirement.P1, "ann")
	d := mk("Coupon limits", requirement.Draft, requirement.P3, "cal", "promo")

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
		t.Run(tc.name, func(t *testing.T) {
			var got []requirement.Requirement
			q := requirement.ListQuery{Filter: tc.filter, PageSize: 1}
			for {
				page, err := s.ListRequirements(ctx, "alpha", q)
				require.NoError(t, err)
				got = append(got, page.Items...)
				if page.NextPageToken == "" {
					break
				}
				q.PageToken = page.NextPageToken
			}
			sortByID := func(rs []requirement.Requirement) []string { x := ids(rs); sort.Strings(x); return x }
			assert.Equal(t, sortByID(tc.want), sortByID(got))
		})
	}
}

func testIsolation(t *testing.T, s requirement.Store) {
	a := create(t, s, "alpha", "secret")
	create(t, s, "beta", "other")
	_, err := s.GetRequirement(ctx, "beta", a.ID)
	requireCode(t, accord.NotFound, err)
	_, err = s.GetRevision(ctx, "beta", a.ID, 1)
	requireCode(t, accord.NotFound, err)
	_, err = s.ListRevisions(ctx, "beta", a.ID)
	requireCode(t, accord.NotFound, err)
	requireCode(t, accord.NotFound, s.DeleteRequirement(ctx, "beta", a.ID))
	moved := nextRevision(a, "", nil)
	moved.Requirement.Project = "beta"
	_, err = s.UpdateRequirement(ctx, moved)
	requireCode(t, accord.NotFound, err)

	page, err := s.ListRequirements(ctx, "beta", requirement.ListQuery{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "other", page.Items[0].Title)

	cr := newChange("alpha", a.ID)
	_, err = s.CreateChangeRequest(ctx, cr)
	require.NoError(t, err)
	_, err = s.GetChangeRequest(ctx, "beta", cr.ID)
	requireCode(t, accord.NotFound, err)
	_, err = s.ListChangeRequests(ctx, "beta", a.ID)
	requireCode(t, accord.NotFound, err)
	foreign := newChange("beta", a.ID)
	_, err = s.CreateChangeRequest(ctx, foreign)
	requireCode(t, accord.NotFound, err)

	term, err := s.CreateTerm(ctx, newTerm("alpha", "order"))
	require.NoError(t, err)
	_, err = s.GetTerm(ctx, "beta", term.ID)
	requireCode(t, accord.NotFound, err)
	terms, err := s.ListTerms(ctx, "beta")
	require.NoError(t, err)
	assert.Empty(t, terms)
	_, err = s.CreateTerm(ctx, newTerm("beta", "order"))
	require.NoError(t, err, "the same term may exist in two projects")

	// Neither project sees the other's settings.
	require.NoError(t, s.PutSettings(ctx, "alpha", requirement.Settings{LintBlocksReview: true}))
	got, err := s.GetSettings(ctx, "beta")
	require.NoError(t, err)
	assert.False(t, got.LintBlocksReview)
}

func newChange(project, requirementID string) requirement.ChangeRequest {
	return requirement.ChangeRequest{ID: accord.NewID(epoch), Project: project, RequirementID: requirementID, BaseRevision: 1,
		Proposed: fullContent("changed"), Reason: "market moved", Impact: requirement.Impact{ScheduleDays: 3, EffortDays: 5, Technical: "new index",
			Affected: []accord.Ref{{Kind: "contract", ID: "orders"}}},
		State: requirement.ChangeProposed, Revision: 1, CreatedAt: epoch, CreatedBy: "alice", UpdatedAt: epoch, UpdatedBy: "alice"}
}

func testChangeRequests(t *testing.T, s requirement.Store) {
	r := create(t, s, "alpha", "one")
	other := create(t, s, "alpha", "two")
	_, err := s.CreateChangeRequest(ctx, newChange("alpha", "missing"))
	requireCode(t, accord.NotFound, err)

	first := newChange("alpha", r.ID)
	got, err := s.CreateChangeRequest(ctx, first)
	require.NoError(t, err)
	if d := cmp.Diff(first, got); d != "" {
		t.Errorf("created (-want +got):\n%s", d)
	}
	_, err = s.CreateChangeRequest(ctx, first)
	requireCode(t, accord.Conflict, err)
	second := newChange("alpha", r.ID)
	_, err = s.CreateChangeRequest(ctx, second)
	require.NoError(t, err)
	_, err = s.CreateChangeRequest(ctx, newChange("alpha", other.ID))
	require.NoError(t, err)

	list, err := s.ListChangeRequests(ctx, "alpha", r.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, []string{first.ID, second.ID}, []string{list[0].ID, list[1].ID})

	next := got.Clone()
	next.Revision, next.State = 2, requirement.ChangeApproved
	next.Decisions = append(next.Decisions, requirement.ChangeDecision{From: requirement.ChangeProposed, To: requirement.ChangeApproved, Actor: "bob", Time: epoch})
	updated, err := s.UpdateChangeRequest(ctx, next)
	require.NoError(t, err)
	assert.Equal(t, requirement.ChangeApproved, updated.State)
	_, err = s.UpdateChangeRequest(ctx, next)
	requireCode(t, accord.Conflict, err)
	assert.True(t, errors.Is(err, accord.ErrStale))

	updated.Decisions[0].Actor = "mallory"
	again, err := s.GetChangeRequest(ctx, "alpha", first.ID)
	require.NoError(t, err)
	assert.Equal(t, "bob", again.Decisions[0].Actor, "a returned change request must be a copy")
	_, err = s.GetChangeRequest(ctx, "alpha", "missing")
	requireCode(t, accord.NotFound, err)
	missing := next
	missing.ID = "missing"
	_, err = s.UpdateChangeRequest(ctx, missing)
	requireCode(t, accord.NotFound, err)
}

func newTerm(project, name string) requirement.TermRevision {
	t := requirement.Term{ID: accord.NewID(epoch), Project: project, Term: name, Definition: "a buyer's commitment to pay",
		Aliases: []string{"purchase"}, Forbidden: []string{"deal"}, Revision: 1, CreatedAt: epoch, CreatedBy: "alice", UpdatedAt: epoch, UpdatedBy: "alice"}
	return requirement.TermRevision{Number: 1, Actor: "alice", Time: epoch, Note: "agreed", Term: t}
}

func testTerms(t *testing.T, s requirement.Store) {
	order, err := s.CreateTerm(ctx, newTerm("alpha", "order"))
	require.NoError(t, err)
	_, err = s.CreateTerm(ctx, newTerm("alpha", "Order"))
	requireCode(t, accord.Conflict, err)
	account, err := s.CreateTerm(ctx, newTerm("alpha", "Account"))
	require.NoError(t, err)

	terms, err := s.ListTerms(ctx, "alpha")
	require.NoError(t, err)
	require.Len(t, terms, 2)
	assert.Equal(t, []string{"Account", "order"}, []string{terms[0].Term, terms[1].Term}, "terms sort by name, ignoring case")

	next := order.Clone()
	next.Revision, next.Definition, next.Forbidden = 2, "a confirmed purchase", []string{"deal", "transaction"}
	updated, err := s.UpdateTerm(ctx, requirement.TermRevision{Number: 2, Actor: "bob", Time: epoch, Note: "tightened", Term: next})
	require.NoError(t, err)
	assert.Equal(t, "a confirmed purchase", updated.Definition)
	_, err = s.UpdateTerm(ctx, requirement.TermRevision{Number: 2, Actor: "bob", Time: epoch, Term: next})
	requireCode(t, accord.Conflict, err)
	assert.True(t, errors.Is(err, accord.ErrStale))

	renamed := account.Clone()
	renamed.Revision, renamed.Term = 2, "ORDER"
	_, err = s.UpdateTerm(ctx, requirement.TermRevision{Number: 2, Actor: "bob", Time: epoch, Term: renamed})
	requireCode(t, accord.Conflict, err)
	assert.False(t, errors.Is(err, accord.ErrStale), "a name clash is not a stale revision")

	revs, err := s.ListTermRevisions(ctx, "alpha", order.ID)
	require.NoError(t, err)
	require.Len(t, revs, 2)
	assert.Equal(t, "a buyer's commitment to pay", revs[0].Term.Definition)
	assert.Equal(t, "tightened", revs[1].Note)

	require.NoError(t, s.DeleteTerm(ctx, "alpha", order.ID))
	_, err = s.GetTerm(ctx, "alpha", order.ID)
	requireCode(t, accord.NotFound, err)
	_, err = s.ListTermRevisions(ctx, "alpha", order.ID)
	requireCode(t, accord.NotFound, err)
	requireCode(t, accord.NotFound, s.DeleteTerm(ctx, "alpha", order.ID))
	_, err = s.CreateTerm(ctx, newTerm("alpha", "order"))
	require.NoError(t, err, "a deleted term's name is free again")
}

func testSettings(t *testing.T, s requirement.Store) {
	got, err := s.GetSettings(ctx, "alpha")
	require.NoError(t, err)
	assert.Equal(t, requirement.Settings{}, got)
	require.NoError(t, s.PutSettings(ctx, "alpha", requirement.Settings{LintBlocksReview: true}))
	got, err = s.GetSettings(ctx, "alpha")
	require.NoError(t, err)
	assert.True(t, got.LintBlocksReview)
}
