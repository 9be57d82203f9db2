package link_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// calls counts store calls by store and method.
type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *calls) count(store, method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[store+"."+method]++
}

// take returns the counts since the last take, and starts again.
func (c *calls) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.n
	c.n = map[string]int{}
	return out
}

func perStore(n map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range n {
		store, _, _ := strings.Cut(k, ".")
		out[store] += v
	}
	return out
}

func describe(n map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(n)) {
		fmt.Fprintf(&b, "%s=%d ", k, n[k])
	}
	return b.String()
}

// counted wires every domain on memory stores whose calls c counts.
func counted(t *testing.T, c *calls) link.Services {
	t.Helper()
	s, err := link.New(link.Options{Stores: adapters.Stores{
		Requirements: countedRequirement{memory.NewRequirementStore(), c.count},
		Contracts:    countedContract{memory.NewContractStore(), c.count},
		Reviews:      countedReview{memory.NewReviewStore(), c.count},
		Risks:        countedRisk{memory.NewRiskStore(), c.count},
		Retros:       countedRetro{memory.NewRetroStore(), c.count},
		Plans:        countedPlan{memory.NewPlanStore(), c.count},
		Traces:       countedTrace{memory.NewTraceStore(), c.count},
	}, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	return s
}

// One requirement update under review, every domain wired on memory
// stores: the store calls it costs while the caller waits.
func TestCallsPerRequirementUpdate(t *testing.T) {
	c := &calls{n: map[string]int{}}
	s := counted(t, c)
	r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.NoError(t, err)
	c.take()

	changed := r.Content
	changed.Description += " Partial refunds too."
	_, err = s.Requirements.Update(alice, "p", r.ID, r.Revision, requirement.ContentInput{Content: changed, Note: "partial refunds"})
	require.NoError(t, err)
	got := c.take()
	t.Logf("calls: %s", describe(got))
	// Before the subscribers shared one read of the event's record, the
	// update cost requirement 6 (1 write, 5 reads: the service's read, one
	// each for traceability and review rounds, and both revisions the round
	// compared), review 3 and trace 2. Now traceability and review rounds
	// share one read, which is also the newer revision the round compares.
	require.Equal(t, map[string]int{
		"requirement.UpdateRequirement":      1,
		"requirement.GetRequirement":         2, // the service's, and one for every subscriber
		"requirement.GetRequirementRevision": 1, // the revision the open round covers
		"review.ListReviews":                 1,
		"review.GetReview":                   1,
		"review.UpdateReview":                1, // the next round opens
		"trace.ListLinks":                    2, // the links it declares, the links to it
	}, got, describe(got))
	require.Equal(t, map[string]int{"requirement": 4, "review": 3, "trace": 2}, perStore(got))

	// What the shared read saw is what the reads it replaced saw.
	rv, err = s.Reviews.Get(context.Background(), "p", rv.ID)
	require.NoError(t, err)
	require.Len(t, rv.Rounds, 2)
	round := rv.Current()
	require.Equal(t, 2, round.SubjectRevision)
	require.True(t, round.ChangesKnown)
	require.Equal(t, []string{"description"}, round.Changes)
}

// The same update when a risk links the requirement: traceability reads
// the requirement and the revision the link last saw, which the review's
// round saw too, and turns the link suspect.
func TestCallsPerLinkedRequirementUpdate(t *testing.T) {
	c := &calls{n: map[string]int{}}
	s := counted(t, c)
	r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	_, err = s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.NoError(t, err)
	k, err := s.Risks.Create(bob, "p", risk.NewRisk{Title: "Refunds queue up", Cause: "a rate limit", Event: "refunds queue", Effect: "miss the window",
		Category: risk.Dependency, Links: []accord.Ref{r.Ref()}})
	require.NoError(t, err)
	c.take()

	changed := r.Content
	changed.Description += " Partial refunds too."
	_, err = s.Requirements.Update(alice, "p", r.ID, r.Revision, requirement.ContentInput{Content: changed, Note: "partial refunds"})
	require.NoError(t, err)
	got := c.take()
	t.Logf("calls: %s", describe(got))
	// Before the subscribers shared their reads: requirement 9 (1 write;
	// the service's read, one each for traceability's declarations, its
	// target and review rounds, and four revision reads: 1 and 2 for the
	// link, 1 and 2 for the round), review 3, trace 4.
	require.Equal(t, map[string]int{
		"requirement.UpdateRequirement":      1,
		"requirement.GetRequirement":         2, // the service's, and one for every subscriber
		"requirement.GetRequirementRevision": 1, // revision 1, which the link and the open round both saw
		"review.ListReviews":                 1,
		"review.GetReview":                   1,
		"review.UpdateReview":                1,
		"risk.GetRisk":                       1, // the link's holder, named by key and title in trace.suspect's summary
		"trace.ListLinks":                    2,
		"trace.GetLink":                      1,
		"trace.UpdateLink":                   1, // it turns suspect
	}, got, describe(got))
	require.Equal(t, map[string]int{"requirement": 4, "review": 3, "risk": 1, "trace": 4}, perStore(got))

	links, err := s.Traces.All(context.Background(), "p", trace.Filter{From: k.Ref(), To: r.Ref()})
	require.NoError(t, err)
	require.Len(t, links, 1)
	require.Equal(t, trace.Suspect, links[0].Status)
	require.Equal(t, []string{"description"}, links[0].Suspicion.Fields)
}

// BenchmarkRequirementUpdateUnderReview is the update TestCallsPerRequirementUpdate
// counts, every domain wired on memory stores and on SQLite: what the
// caller waits for. Every update opens a round, so every 20 a fresh
// requirement and review keep the review from growing without bound.
func BenchmarkRequirementUpdateUnderReview(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchUpdateUnderReview(b, memory.New()) })
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := sqlstore.Migrate(context.Background(), db.DB, db.Dialect); err != nil {
			b.Fatal(err)
		}
		benchUpdateUnderReview(b, db.Stores)
	})
}

func benchUpdateUnderReview(b *testing.B, stores adapters.Stores) {
	s, err := link.New(link.Options{Stores: stores, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	if err != nil {
		b.Fatal(err)
	}
	var r requirement.Requirement
	fresh := func() {
		if r, err = s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()}); err != nil {
			b.Fatal(err)
		}
		if _, err = s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
			Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%20 == 0 {
			b.StopTimer()
			fresh()
			b.StartTimer()
		}
		c := r.Content
		c.Description = fmt.Sprintf("A buyer refunds a paid order within %d days.", i)
		if r, err = s.Requirements.Update(alice, "p", r.ID, r.Revision, requirement.ContentInput{Content: c}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
