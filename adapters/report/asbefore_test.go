package report_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/postgres"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// fixedClock always reads the same time.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// The progress and coverage reports that read the requirements a page at
// a time (issue 29) are exactly the reports that read them all at once,
// JSON and Markdown, on a project with every section filled: more than
// two pages of requirements in every status, owned by several people
// and nobody, changed before and in the period; contracts naming
// requirements by ID, by key, both, at the spec level, a rejected one and
// another kind; acceptance checks passed and failed; overdue questions and
// suspect links naming requirements (one deleted) and other records;
// reviews, risks, retrospectives, an iteration, a milestone and tracker
// items. On memory, SQLite, and PostgreSQL when ACCORD_POSTGRES_URL names
// a server.
func TestProgressAsBefore(t *testing.T) {
	t.Run("memory", func(t *testing.T) { progressAsBefore(t, memory.New()) })
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(filepath.Join(t.TempDir(), "asbefore.db"))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		_, err = sqlstore.Migrate(context.Background(), db.DB, db.Dialect)
		require.NoError(t, err)
		progressAsBefore(t, db.Stores)
	})
	t.Run("postgres", func(t *testing.T) { progressAsBefore(t, postgresStores(t).Stores) })
}

// postgresStores returns migrated stores in a schema of their own on the
// server ACCORD_POSTGRES_URL names, dropped when the test ends; without
// it the test skips.
func postgresStores(t *testing.T) *sqlstore.Stores {
	base := os.Getenv("ACCORD_POSTGRES_URL")
	if base == "" {
		t.Skip("set ACCORD_POSTGRES_URL=postgres://user:password@127.0.0.1:5432/db to run it on PostgreSQL")
	}
	schema := "accord_report_" + strings.ToLower(rand.Text()[:12])
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(u.String())
	require.NoError(t, err)
	t.Cleanup(func() { s.DB.Close() })
	require.NoError(t, postgres.Migrate(context.Background(), s.DB))
	return s
}

func progressAsBefore(t *testing.T, stores adapters.Stores) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	since := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	t1 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	at := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	clock := testkit.NewStepClock(t0)
	s, err := link.New(link.Options{Stores: stores, Clock: clock})
	require.NoError(t, err)
	reports, err := report.New(report.Options{Services: s, Stores: stores, Clock: fixedClock(at)})
	require.NoError(t, err)
	fay := accord.WithActor(ctx, accord.Actor{ID: "fay", Roles: []string{"qa"}})
	const p = "p"

	// Requirements, straight into the store: every status, three owners
	// and nobody, criteria with and without a test reference.
	statuses := requirement.Statuses()
	owners := []string{"alice", "bob", "carol", ""}
	var reqs []requirement.Requirement
	for i := range 1100 {
		created, by := t0, "alice"
		if i%9 == 4 {
			created, by = t1, "bob" // new in the period
		}
		r := requirement.Requirement{ID: fmt.Sprintf("r%05d", i), Project: p, Status: statuses[i%len(statuses)],
			Content: requirement.Content{Title: fmt.Sprintf("Requirement %d", i), Description: "Orders are refunded in one step.", Priority: requirement.P2,
				Owner: owners[i%len(owners)], Acceptance: []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "a refund returns 201", TestRef: "TestRefund"}, {ID: "AC-2", Text: "a late refund fails"}}},
			Stamp: accord.NewStamp(by, created)}
		r, err := stores.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: by, Time: created, Record: r})
		require.NoError(t, err)
		edit := func(when time.Time, who string, change func(c *requirement.Content)) {
			next := r
			next.Content = r.Content.Clone()
			change(&next.Content)
			next.Stamp = r.Stamp.Next(who, when)
			r, err = stores.Requirements.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: next.Revision, Kind: accord.RevisionEdited, Actor: who, Time: when, Record: next})
			require.NoError(t, err)
		}
		switch i % 7 {
		case 1: // changed before the period only
			edit(t0.Add(time.Hour), "bob", func(c *requirement.Content) { c.Goal = "fewer tickets" })
		case 2: // changed before and in the period
			edit(t0.Add(time.Hour), "bob", func(c *requirement.Content) { c.Goal = "fewer tickets" })
			edit(t1.Add(time.Hour), "carol", func(c *requirement.Content) { c.Description = "Orders are refunded in two steps." })
		case 3: // in the period, back to what it was: no line
			if created.Before(since) {
				edit(t1, "bob", func(c *requirement.Content) { c.Goal = "x" })
				edit(t1.Add(time.Hour), "bob", func(c *requirement.Content) { c.Goal = "" })
			}
		case 5: // its title and a criterion in the period, by someone else
			edit(t1.Add(2*time.Hour), "dave", func(c *requirement.Content) {
				c.Title += " (revised)"
				c.Acceptance[1].TestRef = "TestLateRefund"
			})
		}
		reqs = append(reqs, r)
	}
	find := func(st requirement.Status, n int) requirement.Requirement {
		for _, r := range reqs {
			if r.Status == st {
				if n == 0 {
					return r
				}
				n--
			}
		}
		t.Fatalf("no %d more %s requirements", n, st)
		return requirement.Requirement{}
	}
	approved, developing, testing, accepted, rejected := find(requirement.Approved, 0), find(requirement.InDevelopment, 0), find(requirement.InTesting, 0),
		find(requirement.Accepted, 0), find(requirement.Rejected, 0)
	gone := find(requirement.Draft, 3)

	// Contracts: one with an older version, the newest naming requirements
	// by ID, by key, both, at the spec level, a rejected one and a risk,
	// with a test run that reached two operations; one with no run.
	byID := func(r requirement.Requirement) accord.Ref { return r.Ref() }
	byKey := func(r requirement.Requirement) accord.Ref { return accord.Ref{Kind: requirement.RefKind, ID: r.Key} }
	op := func(id string, refs ...accord.Ref) contract.Operation {
		return contract.Operation{ID: id, Method: "POST", Path: "/" + id, Responses: map[string]contract.Response{"201": {}, "404": {}}, Requirements: refs}
	}
	version := func(id, v string, spec contract.Spec) accord.Revision[contract.Version] {
		return accord.Revision[contract.Version]{Number: 1, Kind: accord.RevisionCreated, Actor: "bob", Time: t0,
			Record: contract.Version{ContractID: id, Project: p, Version: v, Status: contract.Agreed, Spec: spec, Stamp: accord.NewStamp("bob", t0)}}
	}
	old := contract.Spec{Service: "orders", Operations: []contract.Operation{op("legacy", byID(accepted))}}
	_, err = stores.Contracts.CreateContract(ctx, contract.Contract{ID: "c1", Project: p, Service: "orders", Stamp: accord.NewStamp("bob", t0)}, version("c1", "1.0.0", old))
	require.NoError(t, err)
	_, err = stores.Contracts.CreateVersion(ctx, version("c1", "1.1.0", contract.Spec{Service: "orders", Requirements: []accord.Ref{byKey(accepted)},
		Operations: []contract.Operation{op("refund", byID(approved)), op("cancel", byKey(developing)), op("pay", byID(testing), byKey(testing)),
			op("void", byID(rejected)), op("audit", accord.Ref{Kind: "risk", ID: "RISK-1"}, byID(gone))}}))
	require.NoError(t, err)
	_, err = stores.Contracts.CreateTestRun(ctx, accord.Revision[contract.TestRun]{Number: 1, Kind: accord.RevisionCreated, Actor: "ci", Time: t0,
		Record: contract.TestRun{ID: "run-1", Project: p, ContractID: "c1", Version: "1.1.0", Stamp: accord.NewStamp("ci", t0),
			TestReport: contract.TestReport{Service: "orders", Operations: []contract.ExercisedOperation{{ID: "refund", Responses: []string{"201"}}, {ID: "pay", Responses: []string{"201", "404"}}}}}})
	require.NoError(t, err)
	_, err = stores.Contracts.CreateContract(ctx, contract.Contract{ID: "c2", Project: p, Service: "wallet", Stamp: accord.NewStamp("bob", t0)},
		version("c2", "0.1.0", contract.Spec{Service: "wallet", Operations: []contract.Operation{op("credit", byID(approved), byKey(approved))}}))
	require.NoError(t, err)

	// Reviews: acceptance checks on two requirements (one passed and one
	// failed), a pending requirement review.
	clock.Set(t0.Add(3 * time.Hour))
	participants := []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "fay", Role: "qa"}}
	for _, subject := range []requirement.Requirement{testing, accepted} {
		rv, err := s.Reviews.Create(alice, p, review.NewReview{Kind: review.AcceptanceReview, Subject: subject.Ref(), Participants: participants})
		require.NoError(t, err)
		_, err = s.Reviews.Check(fay, p, rv.ID, review.CheckInput{Round: 1, Results: []review.CriterionResult{
			{CriterionID: "AC-1", Result: review.Passed}, {CriterionID: "AC-2", Result: review.Failed, Problem: "returns 500"}}})
		require.NoError(t, err)
	}
	_, err = s.Reviews.Create(alice, p, review.NewReview{Kind: review.RequirementReview, Subject: find(requirement.InReview, 0).Ref(), Participants: participants,
		Due: at.Add(-48 * time.Hour)})
	require.NoError(t, err)

	// Risks: one assessed with a late action and a finished one, one
	// unassessed; a retrospective with an open action.
	rk, err := s.Risks.Create(bob, p, risk.NewRisk{Title: "Provider limits", Cause: "a limit", Event: "queues", Effect: "late refunds", Category: risk.Dependency,
		Links: []accord.Ref{approved.Ref()}})
	require.NoError(t, err)
	rk, err = s.Risks.Assess(bob, p, rk.ID, rk.Revision, risk.AssessInput{Stage: risk.Current, Likelihood: 4, Impact: map[string]int{"overall": 4}})
	require.NoError(t, err)
	rk, err = s.Risks.Respond(bob, p, rk.ID, rk.Revision, risk.ResponseInput{Strategy: risk.Mitigate, Plan: "raise the limit"})
	require.NoError(t, err)
	_, err = s.Risks.AddAction(bob, p, rk.ID, accord.ActionInput{Title: "Ask for a higher limit", Owner: "bob", Due: t1})
	require.NoError(t, err)
	_, err = s.Risks.AddAction(bob, p, rk.ID, accord.ActionInput{Title: "Queue refunds", Owner: "carol", Due: t1, Status: accord.ActionDone})
	require.NoError(t, err)
	_, err = s.Risks.Create(bob, p, risk.NewRisk{Title: "Chargebacks", Cause: "fraud", Event: "disputes", Effect: "losses", Category: risk.Dependency})
	require.NoError(t, err)
	rt, err := s.Retros.Create(alice, p, retro.NewRetro{Title: "Sprint 9", Series: "team"})
	require.NoError(t, err)
	for _, to := range []retro.Phase{retro.Grouping, retro.Voting, retro.Discussing} {
		rt, err = s.Retros.Transition(alice, p, rt.ID, rt.Revision, retro.TransitionInput{To: to})
		require.NoError(t, err)
	}
	_, err = s.Retros.AddAction(alice, p, rt.ID, retro.ActionInput{ActionInput: accord.ActionInput{Title: "Write the runbook", Owner: "alice", Due: at.Add(72 * time.Hour)}})
	require.NoError(t, err)

	// Plans: an open iteration, a milestone, questions past their target
	// about a requirement, the deleted one and a risk.
	it, err := s.Plans.CreateIteration(alice, p, plan.IterationContent{Name: "Sprint 10", Start: "2026-03-09", End: "2026-03-20"})
	require.NoError(t, err)
	_, err = s.Plans.Schedule(alice, p, it.ID, it.Revision, plan.ScheduleInput{Ref: approved.Ref()})
	require.NoError(t, err)
	_, err = s.Plans.CreateMilestone(alice, p, plan.MilestoneContent{Name: "Refunds live", Date: "2026-04-01", Deliverables: []accord.Ref{approved.Ref()}})
	require.NoError(t, err)
	for _, about := range []accord.Ref{developing.Ref(), gone.Ref(), {Kind: risk.RefKind, ID: rk.ID}} {
		_, err = s.Plans.Ask(alice, p, plan.Ask{About: about, Text: "Which provider limit applies?", To: plan.Addressee{Actor: "bob"}, Blocking: about == developing.Ref()})
		require.NoError(t, err)
	}

	// Suspect links between requirements (one end deleted), from a risk,
	// and from a record nobody can name.
	for i, l := range [][2]accord.Ref{{approved.Ref(), developing.Ref()}, {{Kind: risk.RefKind, ID: rk.ID}, testing.Ref()}, {accepted.Ref(), gone.Ref()},
		{{Kind: "contract_version", ID: "nothing@1.0.0"}, approved.Ref()}} {
		_, err := stores.Traces.CreateLink(ctx, accord.Revision[trace.Link]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: t0,
			Record: trace.Link{ID: fmt.Sprintf("L%d", i), Project: p, From: l[0], To: l[1], Role: trace.Refines, Origin: trace.Manual, TargetRevision: 1,
				Status: trace.Suspect, Suspicion: &trace.Suspicion{Revision: 2, Fields: []string{"description"}, Since: t1}, Stamp: accord.NewStamp("alice", t0)}})
		require.NoError(t, err)
	}

	// Items in a tracker, by ID and by key.
	refs, err := external.NewService(external.Options{Store: stores.External, Records: s.Records, Clock: clock})
	require.NoError(t, err)
	_, err = refs.Add(alice, p, external.NewReference{Record: accepted.Ref(), System: external.Jira, Key: "SHOP-1", Content: external.Content{Status: "Done"}})
	require.NoError(t, err)
	_, err = refs.Add(alice, p, external.NewReference{Record: byKey(developing), System: external.Jira, Key: "SHOP-2", Content: external.Content{Status: "In Progress"}})
	require.NoError(t, err)
	_, err = refs.Add(alice, p, external.NewReference{Record: accord.Ref{Kind: risk.RefKind, ID: rk.Key}, System: external.PingCode, Key: "PAY-7"})
	require.NoError(t, err)

	// One requirement asked about and linked to is deleted since.
	require.NoError(t, stores.Requirements.DeleteRequirement(ctx, accord.Revision[requirement.Requirement]{Number: gone.Revision + 1, Kind: accord.RevisionDeleted,
		Actor: "alice", Time: t1, Record: func() requirement.Requirement {
			g := gone
			g.Stamp = g.Stamp.Next("alice", t1)
			g.Deleted = &accord.Deletion{By: "alice", At: t1, Reason: "duplicate"}
			return g
		}()}))
	clock.Set(at)
	before, err := reports.ProgressBefore(alice, p, since)
	require.NoError(t, err)
	after, err := reports.Progress(alice, p, since)
	require.NoError(t, err)

	// The project fills every section, so the comparison means something.
	assert.Len(t, after.Iterations, 1)
	assert.Len(t, after.Milestones, 1)
	assert.Len(t, after.Requirements.ByStatus, len(statuses))
	assert.Len(t, after.Requirements.ByOwner, len(owners))
	assert.Greater(t, len(after.Requirements.Done), 100)
	assert.Greater(t, len(after.Requirements.InProgress), 300)
	assert.Greater(t, len(after.Requirements.Changed), 300)
	assert.NotEmpty(t, after.Reviews)
	assert.Len(t, after.Questions, 3)
	assert.NotEmpty(t, after.TopRisks)
	assert.NotEmpty(t, after.OverdueRisks)
	assert.Len(t, after.Actions, 2)
	assert.Len(t, after.Suspect, 4)
	kinds := map[report.GapKind]int{}
	for _, g := range after.Gaps {
		kinds[g.Kind]++
	}
	assert.Len(t, kinds, 4, "a gap of every kind: %v", kinds)
	require.NotNil(t, after.Coverage)
	assert.Equal(t, 9, after.Coverage.Operations, "refund, cancel, pay (by ID and key: once), credit (likewise), and the spec-level accepted on each of the five")

	assert.Equal(t, before, after)
	bj, err := json.Marshal(before)
	require.NoError(t, err)
	aj, err := json.Marshal(after)
	require.NoError(t, err)
	assert.JSONEq(t, string(bj), string(aj))
	assert.Equal(t, before.Markdown(), after.Markdown())

	covBefore, err := reports.CoverageBefore(alice, p)
	require.NoError(t, err)
	cov, err := reports.Coverage(alice, p)
	require.NoError(t, err)
	assert.Equal(t, covBefore, cov)
	assert.Equal(t, covBefore.Markdown(), cov.Markdown())
	assert.Equal(t, string(covBefore.CSV()), string(cov.CSV()))
	assert.Equal(t, *after.Coverage, cov.Totals)
	assert.Equal(t, after.Gaps, cov.Gaps)
}
