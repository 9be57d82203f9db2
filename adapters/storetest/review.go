package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

// ReviewStore runs the conformance suite for review.Store implementations.
// newStore must return a fresh, empty store each call.
func ReviewStore(t *testing.T, newStore func(t *testing.T) review.Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, review.Store)
	}{
		{"CreateAssignsKeys", testReviewKeys},
		{"GetByIDKeyAndSubject", testReviewLookups},
		{"OneReviewPerKindAndSubject", testReviewSubjectUnique},
		{"MissingIsNotFound", testReviewMissing},
		{"CopiesInAndOut", testReviewCopies},
		{"StaleUpdateConflicts", testReviewStale},
		{"ConcurrentVerdictsLoseNothing", testReviewConcurrentVerdicts},
		{"DeleteFreesSubject", testReviewDelete},
		{"ListFiltersAndPages", testReviewList},
		{"PaginationStableUnderInsertAndDelete", testReviewPagination},
		{"PageTokenAndSizeErrors", testReviewPageErrors},
		{"SettingsCompareAndSwap", testReviewSettings},
		{"ProjectsAreIsolated", testReviewIsolation},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func reqRef(id string) accord.Ref { return accord.Ref{Kind: "requirement", ID: id} }

// newReview returns a full review record, as a service would create it.
func newReview(project, id string, kind review.Kind, subject accord.Ref) review.Review {
	return review.Review{
		ID: id, Project: project, Kind: kind, Subject: subject, Title: "Refund an order", Due: epoch.AddDate(0, 0, 7),
		Policy: review.DefaultPolicy(kind),
		Participants: []review.Participant{
			{Actor: "alice", Role: review.RoleProduct, AddedAt: epoch, AddedBy: "alice"},
			{Actor: "bob", Role: review.RoleBackend, AddedAt: epoch, AddedBy: "alice"},
		},
		Rounds: []review.Round{{Number: 1, SubjectRevision: 2, State: review.RoundOpen, OpenedAt: epoch, OpenedBy: "alice",
			Criteria: []review.Criterion{{ID: "AC-1", Text: "refund returns 200"}},
			Verdicts: []review.Verdict{{Actor: "alice", Decision: review.Approve, Time: epoch}},
			Assessments: []review.Assessment{{Actor: "bob", Feasibility: review.FeasibleWithRisks, Difficulty: 3, EffortDays: 5, Time: epoch,
				Risks: []review.Risk{{ID: "K1", Title: "idempotency", Category: review.TechnicalRisk}}}},
			Checks:    []review.Check{},
			Overrides: []review.Override{}}},
		Vetoes: []review.Veto{},
		Threads: []review.Thread{{ID: "T1", Anchor: "acceptance_criteria[0]", Round: 1,
			Comments: []review.Comment{{ID: "C1", Actor: "bob", Body: "which status code?", Time: epoch}}}},
		Log:      []review.Entry{{Time: epoch, Actor: "alice", Action: "created", Round: 1, Detail: "created"}},
		Revision: 1, CreatedAt: epoch, CreatedBy: "alice", UpdatedAt: epoch, UpdatedBy: "alice",
	}
}

func mustCreateReview(t *testing.T, s review.Store, project, id string, kind review.Kind, subject accord.Ref) review.Review {
	t.Helper()
	rv, err := s.CreateReview(ctx, newReview(project, id, kind, subject))
	require.NoError(t, err)
	return rv
}

func testReviewKeys(t *testing.T, s review.Store) {
	want := newReview("p", "V1", review.RequirementReview, reqRef("R1"))
	got, err := s.CreateReview(ctx, want)
	require.NoError(t, err)
	want.Key = "RV-1"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("created review (-want +got):\n%s", diff)
	}
	for i := 2; i <= 4; i++ {
		rv := mustCreateReview(t, s, "p", fmt.Sprintf("V%d", i), review.RequirementReview, reqRef(fmt.Sprintf("R%d", i)))
		assert.Equal(t, fmt.Sprintf("RV-%d", i), rv.Key)
	}
	other := mustCreateReview(t, s, "q", "V1", review.RequirementReview, reqRef("R1"))
	assert.Equal(t, "RV-1", other.Key, "keys count per project")
	_, err = s.CreateReview(ctx, newReview("p", "V1", review.ContractReview, accord.Ref{Kind: "contract_version", ID: "C@1.0.0"}))
	requireCode(t, accord.Conflict, err)
}

func testReviewLookups(t *testing.T, s review.Store) {
	a := mustCreateReview(t, s, "p", "V1", review.RequirementReview, reqRef("R1"))
	b := mustCreateReview(t, s, "p", "V2", review.AcceptanceReview, reqRef("R1"))
	for _, tc := range []struct {
		name string
		get  func() (review.Review, error)
		want review.Review
	}{
		{"by id", func() (review.Review, error) { return s.GetReview(ctx, "p", "V2") }, b},
		{"by key", func() (review.Review, error) { return s.GetReviewByKey(ctx, "p", "RV-1") }, a},
		{"by kind and subject", func() (review.Review, error) {
			return s.FindReview(ctx, "p", review.AcceptanceReview, reqRef("R1"))
		}, b},
	} {
		got, err := tc.get()
		require.NoError(t, err, tc.name)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func testReviewSubjectUnique(t *testing.T, s review.Store) {
	mustCreateReview(t, s, "p", "V1", review.RequirementReview, reqRef("R1"))
	_, err := s.CreateReview(ctx, newReview("p", "V2", review.RequirementReview, reqRef("R1")))
	requireCode(t, accord.Conflict, err)
	_, err = s.GetReview(ctx, "p", "V2")
	requireCode(t, accord.NotFound, err)
	mustCreateReview(t, s, "p", "V3", review.AcceptanceReview, reqRef("R1"))  // another kind is fine
	mustCreateReview(t, s, "q", "V4", review.RequirementReview, reqRef("R1")) // and another project
}

func testReviewMissing(t *testing.T, s review.Store) {
	_, err := s.GetReview(ctx, "p", "nope")
	requireCode(t, accord.NotFound, err)
	_, err = s.GetReviewByKey(ctx, "p", "RV-9")
	requireCode(t, accord.NotFound, err)
	_, err = s.FindReview(ctx, "p", review.RequirementReview, reqRef("R1"))
	requireCode(t, accord.NotFound, err)
	rv := newReview("p", "nope", review.RequirementReview, reqRef("R1"))
	rv.Revision = 2
	_, err = s.UpdateReview(ctx, rv)
	requireCode(t, accord.NotFound, err)
	requireCode(t, accord.NotFound, s.DeleteReview(ctx, "p", "nope"))
}

func testReviewCopies(t *testing.T, s review.Store) {
	in := newReview("p", "V1", review.RequirementReview, reqRef("R1"))
	created, err := s.CreateReview(ctx, in)
	require.NoError(t, err)
	want := created.Clone()
	// Change everything the caller holds: the input and the returned value.
	for _, rv := range []*review.Review{&in, &created} {
		rv.Participants[0].Role = "changed"
		rv.Rounds[0].Verdicts[0].Decision = review.Reject
		rv.Rounds[0].Assessments[0].Risks[0].Title = "changed"
		rv.Rounds[0].Criteria[0].Text = "changed"
		rv.Threads[0].Comments[0].Body = "changed"
		rv.Policy.RequiredRoles[0] = "changed"
		rv.Log[0].Detail = "changed"
	}
	got, err := s.GetReview(ctx, "p", "V1")
	require.NoError(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored review changed through a caller's copy (-want +got):\n%s", diff)
	}
	got.Threads[0].Comments[0].Body = "changed again"
	again, err := s.GetReview(ctx, "p", "V1")
	require.NoError(t, err)
	assert.Equal(t, "which status code?", again.Threads[0].Comments[0].Body)
}

func testReviewStale(t *testing.T, s review.Store) {
	rv := mustCreateReview(t, s, "p", "V1", review.RequirementReview, reqRef("R1"))
	first := rv.Clone()
	first.Revision, first.Title = 2, "first"
	_, err := s.UpdateReview(ctx, first)
	require.NoError(t, err)
	lost := rv.Clone()
	lost.Revision, lost.Title = 2, "lost"
	_, err = s.UpdateReview(ctx, lost)
	requireCode(t, accord.Conflict, err)
	assert.True(t, errors.Is(err, accord.ErrStale), "a stale revision wraps accord.ErrStale: %v", err)
	skip := rv.Clone()
	skip.Revision = 9
	_, err = s.UpdateReview(ctx, skip)
	requireCode(t, accord.Conflict, err)
	got, err := s.GetReview(ctx, "p", "V1")
	require.NoError(t, err)
	assert.Equal(t, "first", got.Title, "the stale writes left nothing behind")
	assert.Equal(t, 2, got.Revision)
}

// testReviewConcurrentVerdicts has many participants give verdicts on one
// round at once, each re-reading and retrying when it loses a race, the way
// review.Service does: every verdict must be in the round afterwards.
func testReviewConcurrentVerdicts(t *testing.T, s review.Store) {
	mustCreateReview(t, s, "p", "V1", review.RequirementReview, reqRef("R1"))
	const writers, each = 16, 8
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; {
				cur, err := s.GetReview(ctx, "p", "V1")
				if err != nil {
					t.Error(err)
					return
				}
				next := cur.Clone()
				next.Revision++
				round := &next.Rounds[len(next.Rounds)-1]
				round.Verdicts = append(round.Verdicts, review.Verdict{Actor: fmt.Sprintf("w%d", w), Decision: review.CommentOnly,
					Comment: fmt.Sprintf("w%d-%d", w, i), Time: epoch})
				_, err = s.UpdateReview(ctx, next)
				if errors.Is(err, accord.ErrStale) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				i++
			}
		}()
	}
	wg.Wait()
	got, err := s.GetReview(ctx, "p", "V1")
	require.NoError(t, err)
	assert.Equal(t, 1+writers*each, got.Revision)
	seen := map[string]bool{}
	for _, v := range got.Rounds[0].Verdicts[1:] {
		assert.False(t, seen[v.Comment], "verdict %s stored twice", v.Comment)
		seen[v.Comment] = true
	}
	assert.Len(t, seen, writers*each, "no verdict lost")
}

func testReviewDelete(t *testing.T, s review.Store) {
	mustCreateReview(t, s, "p", "V1", review.RequirementReview, reqRef("R1"))
	require.NoError(t, s.DeleteReview(ctx, "p", "V1"))
	_, err := s.GetReview(ctx, "p", "V1")
	requireCode(t, accord.NotFound, err)
	_, err = s.GetReviewByKey(ctx, "p", "RV-1")
	requireCode(t, accord.NotFound, err)
	_, err = s.FindReview(ctx, "p", review.RequirementReview, reqRef("R1"))
	requireCode(t, accord.NotFound, err)
	again := mustCreateReview(t, s, "p", "V2", review.RequirementReview, reqRef("R1"))
	assert.Equal(t, "RV-2", again.Key, "keys are never reused")
}

func testReviewList(t *testing.T, s review.Store) {
	mustCreateReview(t, s, "p", "V1", review.RequirementReview, reqRef("R1"))
	mustCreateReview(t, s, "p", "V2", review.AcceptanceReview, reqRef("R1"))
	mustCreateReview(t, s, "p", "V3", review.RequirementReview, reqRef("R2"))
	carol := newReview("p", "V4", review.ContractReview, accord.Ref{Kind: "contract_version", ID: "C1@1.0.0"})
	carol.Participants = []review.Participant{{Actor: "carol", Role: review.RoleFrontend}}
	_, err := s.CreateReview(ctx, carol)
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		filter review.Filter
		want   []string
	}{
		{"all", review.Filter{}, []string{"V1", "V2", "V3", "V4"}},
		{"kind", review.Filter{Kind: review.RequirementReview}, []string{"V1", "V3"}},
		{"subject", review.Filter{Subject: reqRef("R1")}, []string{"V1", "V2"}},
		{"kind and subject", review.Filter{Kind: review.AcceptanceReview, Subject: reqRef("R1")}, []string{"V2"}},
		{"participant", review.Filter{Participant: "carol"}, []string{"V4"}},
		{"nothing", review.Filter{Participant: "nobody"}, nil},
	} {
		var got []string
		q := review.ListQuery{Filter: tc.filter, PageSize: 1}
		for {
			page, err := s.ListReviews(ctx, "p", q)
			require.NoError(t, err, tc.name)
			for _, rv := range page.Items {
				got = append(got, rv.ID)
			}
			if page.NextPageToken == "" {
				break
			}
			q.PageToken = page.NextPageToken
		}
		assert.Equal(t, tc.want, got, tc.name)
	}
}

func testReviewPagination(t *testing.T, s review.Store) {
	for i := range 7 {
		mustCreateReview(t, s, "p", fmt.Sprintf("V%d", i), review.RequirementReview, reqRef(fmt.Sprintf("R%d", i)))
	}
	var seen []string
	page, err := s.ListReviews(ctx, "p", review.ListQuery{PageSize: 3})
	require.NoError(t, err)
	for _, rv := range page.Items {
		seen = append(seen, rv.ID)
	}
	require.NotEmpty(t, page.NextPageToken)
	require.NoError(t, s.DeleteReview(ctx, "p", "V2")) // listed already
	require.NoError(t, s.DeleteReview(ctx, "p", "V3")) // not yet listed
	mustCreateReview(t, s, "p", "V9", review.RequirementReview, reqRef("R9"))
	for page.NextPageToken != "" {
		page, err = s.ListReviews(ctx, "p", review.ListQuery{PageSize: 3, PageToken: page.NextPageToken})
		require.NoError(t, err)
		for _, rv := range page.Items {
			seen = append(seen, rv.ID)
		}
	}
	assert.Equal(t, []string{"V0", "V1", "V2", "V4", "V5", "V6", "V9"}, seen, "nothing skipped, nothing repeated")
}

func testReviewPageErrors(t *testing.T, s review.Store) {
	for _, q := range []review.ListQuery{{PageSize: -1}, {PageSize: review.MaxPageSize + 1}, {PageToken: "%%%"}, {PageToken: "bm9wZQ"}} {
		_, err := s.ListReviews(ctx, "p", q)
		requireCode(t, accord.Invalid, err)
	}
	page, err := s.ListReviews(ctx, "empty", review.ListQuery{})
	require.NoError(t, err)
	assert.NotNil(t, page.Items, "an empty list, not null")
	assert.Empty(t, page.Items)
}

func testReviewSettings(t *testing.T, s review.Store) {
	got, err := s.GetSettings(ctx, "p")
	require.NoError(t, err)
	assert.Equal(t, 0, got.Revision, "never set")
	assert.Empty(t, got.Policies)
	want := review.Settings{Project: "p", Roles: []string{"dba"}, Revision: 1,
		Policies: map[review.Kind]review.Policy{review.ContractReview: {MinApprovals: 1, RequiredRoles: []string{"dba"}}}}
	stored, err := s.PutSettings(ctx, want)
	require.NoError(t, err)
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored settings (-want +got):\n%s", diff)
	}
	stale := want.Clone()
	stale.Roles = []string{"lost"}
	_, err = s.PutSettings(ctx, stale) // revision 1 again
	requireCode(t, accord.Conflict, err)
	assert.True(t, errors.Is(err, accord.ErrStale), "a stale revision wraps accord.ErrStale: %v", err)
	stored.Policies[review.ContractReview].RequiredRoles[0] = "changed"
	got, err = s.GetSettings(ctx, "p")
	require.NoError(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings after a stale write and a caller's change (-want +got):\n%s", diff)
	}
	other, err := s.GetSettings(ctx, "q")
	require.NoError(t, err)
	assert.Equal(t, 0, other.Revision, "settings are per project")
}

func testReviewIsolation(t *testing.T, s review.Store) {
	rv := mustCreateReview(t, s, "p", "V1", review.RequirementReview, reqRef("R1"))
	_, err := s.GetReview(ctx, "q", "V1")
	requireCode(t, accord.NotFound, err)
	_, err = s.GetReviewByKey(ctx, "q", "RV-1")
	requireCode(t, accord.NotFound, err)
	_, err = s.FindReview(ctx, "q", review.RequirementReview, reqRef("R1"))
	requireCode(t, accord.NotFound, err)
	requireCode(t, accord.NotFound, s.DeleteReview(ctx, "q", "V1"))
	moved := rv.Clone()
	moved.Project, moved.Revision = "q", 2
	_, err = s.UpdateReview(ctx, moved)
	requireCode(t, accord.NotFound, err)
	page, err := s.ListReviews(ctx, "q", review.ListQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
}
