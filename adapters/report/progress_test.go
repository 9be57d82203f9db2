package report_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/risk"
)

var (
	alice = accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	bob   = accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})
)

func content() requirement.Content {
	return requirement.Content{Title: "Refund an order", Description: "A buyer refunds a paid order within 14 days.",
		Priority: requirement.P1, Owner: "alice", Labels: []string{"payments"},
		Acceptance: []requirement.AcceptanceCriterion{{Text: "A refund inside the window returns 202"}, {Text: "A late refund fails with REFUND_WINDOW_CLOSED"}}}
}

// The progress report's requirement section: counts by status and owner,
// what changed in the period field by field, and suspect links by name.
// On SQLite the changed requirements' histories are read together
// (RequirementRevisionsOf); the report is the same.
func TestProgressReportSections(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		progressSections(t, adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(),
			Risks: memory.NewRiskStore(), Traces: memory.NewTraceStore()})
	})
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(filepath.Join(t.TempDir(), "report.db"))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		_, err = sqlstore.Migrate(context.Background(), db.DB, db.Dialect)
		require.NoError(t, err)
		_, ok := db.Requirements.(interface {
			RequirementRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[requirement.Requirement], error)
		})
		require.True(t, ok, "the SQL store reads histories together")
		progressSections(t, db.Stores)
	})
}

func progressSections(t *testing.T, stores adapters.Stores) {
	clock := testkit.NewStepClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s, err := link.New(link.Options{Stores: stores, Clock: clock})
	require.NoError(t, err)
	reports, err := report.New(report.Options{Services: s, Stores: stores, Clock: clock})
	require.NoError(t, err)
	ctx := context.Background()
	old, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	c := content()
	c.Title, c.Owner, c.Links = "Refund to the wallet", "carol", []accord.Ref{old.Ref()}
	_, err = s.Requirements.Create(alice, "p", requirement.ContentInput{Content: c})
	require.NoError(t, err)
	clock.Set(time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC))
	since := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	edited := content()
	edited.Goal = "No refund tickets"
	_, err = s.Requirements.Update(alice, "p", old.ID, old.Revision, requirement.ContentInput{Content: edited})
	require.NoError(t, err)
	fresh, err := s.Requirements.Create(bob, "p", requirement.ContentInput{Content: requirement.Content{Title: "Partial refunds"}})
	require.NoError(t, err)
	// Edited by alice the same day: still created by bob.
	_, err = s.Requirements.Update(alice, "p", fresh.ID, fresh.Revision, requirement.ContentInput{Content: requirement.Content{Title: "Partial refunds", Description: "Part of an order."}})
	require.NoError(t, err)
	_, err = s.Risks.Create(bob, "p", risk.NewRisk{Title: "Provider limits", Cause: "a limit", Event: "queues", Effect: "late refunds", Category: risk.Dependency})
	require.NoError(t, err)

	r, err := reports.Progress(ctx, "p", since)
	require.NoError(t, err)
	assert.Equal(t, map[requirement.Status]int{requirement.Draft: 3}, r.Requirements.ByStatus)
	require.Len(t, r.Requirements.ByOwner, 3)
	assert.Equal(t, report.OwnerStanding{Owner: "carol", ByStatus: map[requirement.Status]int{requirement.Draft: 1}}, r.Requirements.ByOwner[1])
	require.Len(t, r.Requirements.Changed, 2, "the edit and the new one; REQ-2 did not change in the period")
	assert.Equal(t, []string{"goal"}, r.Requirements.Changed[0].Changed)
	assert.Equal(t, fresh.Key, r.Requirements.Changed[1].Key)
	assert.Equal(t, []string{"created"}, r.Requirements.Changed[1].Changed)
	assert.Equal(t, "bob", r.Requirements.Changed[1].By, "created by its creator, not its last editor")
	require.Len(t, r.Suspect, 1)
	assert.Equal(t, "REQ-2 Refund to the wallet", r.Suspect[0].FromTitle)
	assert.Equal(t, "REQ-1 Refund an order", r.Suspect[0].ToTitle)
	require.Len(t, r.TopRisks, 1)
	md := r.Markdown()
	for _, want := range []string{"# Progress report: p, 2026-03-09 to 2026-03-09", "- Requirements: draft 3", "  - owned by carol: draft 1",
		"## Changed since 2026-03-09", "- REQ-1 Refund an order (draft, alice): goal by alice", "- REQ-3 Partial refunds (draft, bob): created by bob", "not assessed",
		"- REQ-2 Refund to the wallet relates_to REQ-1 Refund an order: goal changed (revision 1 to 2)"} {
		assert.Contains(t, md, want)
	}
	_, err = reports.Progress(ctx, "p", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "a period that starts in the future")
}

// The requirements and risks the progress report lists name the items
// that stand for them in other systems, with their status there, in its
// JSON and its Markdown.
func TestProgressReportNamesTrackerItems(t *testing.T) {
	clock := testkit.NewStepClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	stores := adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Risks: memory.NewRiskStore(),
		External: memory.NewExternalStore()}
	s, err := link.New(link.Options{Stores: stores, Clock: clock})
	require.NoError(t, err)
	reports, err := report.New(report.Options{Services: s, Stores: stores, Clock: clock})
	require.NoError(t, err)
	refs, err := external.NewService(external.Options{Store: stores.External, Records: s.Records, Clock: clock})
	require.NoError(t, err)
	tracked, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	_, err = s.Requirements.Create(alice, "p", requirement.ContentInput{Content: requirement.Content{Title: "Partial refunds"}})
	require.NoError(t, err)
	rk, err := s.Risks.Create(bob, "p", risk.NewRisk{Title: "Provider limits", Cause: "a limit", Event: "queues", Effect: "late refunds", Category: risk.Dependency})
	require.NoError(t, err)
	_, err = refs.Add(alice, "p", external.NewReference{Record: tracked.Ref(), System: external.Jira, Key: "SHOP-1", Content: external.Content{Status: "In Progress"}})
	require.NoError(t, err)
	_, err = refs.Add(alice, "p", external.NewReference{Record: accord.Ref{Kind: "risk", ID: rk.Key}, System: external.PingCode, Key: "PAY-7", Content: external.Content{Status: "进行中"}})
	require.NoError(t, err)

	r, err := reports.Progress(alice, "p", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	var lines []report.RequirementLine
	lines = append(lines, r.Requirements.Changed...)
	require.Len(t, lines, 2)
	for _, l := range lines {
		if l.Key == tracked.Key {
			assert.Equal(t, []accord.ExternalItem{{System: "jira", Key: "SHOP-1", Status: "In Progress"}}, l.External)
		} else {
			assert.Empty(t, l.External, l.Key)
		}
	}
	require.Len(t, r.TopRisks, 1)
	assert.Equal(t, []accord.ExternalItem{{System: "pingcode", Key: "PAY-7", Status: "进行中"}}, r.TopRisks[0].External)
	md := r.Markdown()
	assert.Contains(t, md, tracked.Key+" Refund an order (draft, alice): created by alice · jira SHOP-1 (In Progress)\n")
	assert.Contains(t, md, rk.Key+" Provider limits: not assessed, identified, owner bob · pingcode PAY-7 (进行中)\n")
}
