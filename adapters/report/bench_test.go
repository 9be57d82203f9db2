package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/trace"
)

// The traceability benchmarks' project: 10,000 requirements (two criteria
// each, half with a test reference), 10 contracts of 100 operations (each
// implementing a requirement) with a test run that reached 80% of them,
// and 30,000 links of which 10% are suspect.
const (
	benchReqs      = 10_000
	benchContracts = 10
	benchOps       = 100 // per contract
	benchLinks     = 30_000
	benchProject   = "bench"
)

var benchT0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

type benchStores struct {
	reqs      requirement.Store
	contracts contract.Store
	traces    trace.Store
	services  link.Services
	reports   report.Reports
}

func loadTraceWorld(b *testing.B, s benchStores) {
	ctx := context.Background()
	statuses := []requirement.Status{requirement.Draft, requirement.InReview, requirement.Approved, requirement.Approved, requirement.Approved,
		requirement.InDevelopment, requirement.InDevelopment, requirement.InTesting, requirement.Accepted, requirement.Accepted}
	rid := func(i int) string { return fmt.Sprintf("R%06d", i) }
	for i := range benchReqs {
		crit := []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "a refund inside the window returns 201", TestRef: "TestRefund"}, {ID: "AC-2", Text: "a late refund fails"}}
		r := requirement.Requirement{ID: rid(i), Project: benchProject, Status: statuses[i%len(statuses)],
			Content: requirement.Content{Title: fmt.Sprintf("Requirement %d", i), Description: "Orders are refunded in one step.",
				Priority: requirement.P2, Owner: fmt.Sprintf("pm-%d", i%7), Acceptance: crit}, Stamp: accord.NewStamp("alice", benchT0)}
		if _, err := s.reqs.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: benchT0, Record: r}); err != nil {
			b.Fatal(err)
		}
	}
	for c := range benchContracts {
		id := fmt.Sprintf("C%02d", c)
		spec := contract.Spec{Service: fmt.Sprintf("svc-%d", c)}
		var exercised []contract.ExercisedOperation
		for o := range benchOps {
			n := c*benchOps + o
			op := contract.Operation{ID: fmt.Sprintf("op%d", o), Method: "GET", Path: fmt.Sprintf("/things%d/{id}", o),
				Parameters:   []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"string"}`)}},
				Responses:    map[string]contract.Response{"200": {}},
				Requirements: []accord.Ref{{Kind: requirement.RefKind, ID: rid((n * 7) % benchReqs)}}}
			spec.Operations = append(spec.Operations, op)
			if o%5 != 0 {
				exercised = append(exercised, contract.ExercisedOperation{ID: op.ID, Responses: []string{"200"}})
			}
		}
		v := contract.Version{ContractID: id, Project: benchProject, Version: "1.0.0", Status: contract.Agreed, Spec: spec, Stamp: accord.NewStamp("bob", benchT0)}
		if _, err := s.contracts.CreateContract(ctx, contract.Contract{ID: id, Project: benchProject, Service: spec.Service, Stamp: accord.NewStamp("bob", benchT0)},
			accord.Revision[contract.Version]{Number: 1, Kind: accord.RevisionCreated, Actor: "bob", Time: benchT0, Record: v}); err != nil {
			b.Fatal(err)
		}
		run := contract.TestRun{ID: "run-" + id, Project: benchProject, ContractID: id, Version: "1.0.0",
			TestReport: contract.TestReport{Service: spec.Service, Operations: exercised}, Stamp: accord.NewStamp("ci", benchT0)}
		if _, err := s.contracts.CreateTestRun(ctx, accord.Revision[contract.TestRun]{Number: 1, Kind: accord.RevisionCreated, Actor: "ci", Time: benchT0, Record: run}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range benchLinks {
		from, to := i%benchReqs, (i%benchReqs+1+i/benchReqs)%benchReqs
		l := trace.Link{ID: fmt.Sprintf("L%06d", i), Project: benchProject, From: accord.Ref{Kind: requirement.RefKind, ID: rid(from)},
			To: accord.Ref{Kind: requirement.RefKind, ID: rid(to)}, Role: trace.Refines, Origin: trace.Manual, TargetRevision: 1, Status: trace.Current,
			Stamp: accord.NewStamp("alice", benchT0)}
		if i%10 == 0 {
			l.Status, l.Suspicion = trace.Suspect, &trace.Suspicion{Revision: 2, Fields: []string{"description"}, Since: benchT0}
		}
		if _, err := s.traces.CreateLink(ctx, accord.Revision[trace.Link]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: benchT0, Record: l}); err != nil {
			b.Fatal(err)
		}
	}
}

// runTraceBenchmarks measures the queries and reports on a loaded world,
// with reading every requirement through the store as the floor: no
// report can do less than that.
func runTraceBenchmarks(b *testing.B, s benchStores) {
	ctx := context.Background()
	alice := accord.WithActor(ctx, accord.Actor{ID: "alice"})
	suspect := trace.Filter{Status: []trace.Status{trace.Suspect}}
	b.Run("floor_read_every_requirement", func(b *testing.B) {
		for b.Loop() {
			q := accord.PageQuery{Size: accord.MaxPageSize}
			for {
				page, err := s.reqs.ListRequirements(ctx, benchProject, requirement.Filter{}, q)
				if err != nil {
					b.Fatal(err)
				}
				if q.Token = page.NextPageToken; q.Token == "" {
					break
				}
			}
		}
	})
	b.Run("suspect_links_of_project_page", func(b *testing.B) {
		for b.Loop() {
			if page, err := s.services.Traces.List(alice, benchProject, suspect, accord.PageQuery{Size: 50}); err != nil || len(page.Items) != 50 {
				b.Fatal(len(page.Items), err)
			}
		}
	})
	b.Run("suspect_links_of_project_all", func(b *testing.B) {
		for b.Loop() {
			if links, err := s.services.Traces.All(alice, benchProject, suspect); err != nil || len(links) != benchLinks/10 {
				b.Fatal(len(links), err)
			}
		}
	})
	b.Run("links_to_record", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.services.Traces.List(alice, benchProject, trace.Filter{To: accord.Ref{Kind: requirement.RefKind, ID: fmt.Sprintf("R%06d", (i*10)%benchReqs)}}, accord.PageQuery{}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("suspect_links_of_record", func(b *testing.B) {
		i := 0
		for b.Loop() {
			f := suspect
			f.Record = accord.Ref{Kind: requirement.RefKind, ID: fmt.Sprintf("R%06d", (i*10)%benchReqs)}
			if _, err := s.services.Traces.List(alice, benchProject, f, accord.PageQuery{}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("coverage_report", func(b *testing.B) {
		for b.Loop() {
			r, err := s.reports.Coverage(alice, benchProject)
			if err != nil || r.Totals.Operations != benchContracts*benchOps {
				b.Fatal(r.Totals, err)
			}
		}
	})
	b.Run("progress_report", func(b *testing.B) {
		for b.Loop() {
			r, err := s.reports.Progress(alice, benchProject, benchT0.Add(24*time.Hour))
			if err != nil || len(r.Suspect) != benchLinks/10 {
				b.Fatal(len(r.Suspect), err)
			}
		}
	})
}

func BenchmarkTraceability(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		s := benchStores{reqs: memory.NewRequirementStore(), contracts: memory.NewContractStore(), traces: memory.NewTraceStore()}
		wire(b, &s, link.Options{Stores: adapters.Stores{Reviews: memory.NewReviewStore(), Risks: memory.NewRiskStore(), Retros: memory.NewRetroStore(), Plans: memory.NewPlanStore()}})
		loadTraceWorld(b, s)
		runTraceBenchmarks(b, s)
	})
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := sqlstore.Migrate(context.Background(), db.DB, db.Dialect); err != nil {
			b.Fatal(err)
		}
		s := benchStores{reqs: db.Requirements, contracts: db.Contracts, traces: db.Traces}
		wire(b, &s, link.Options{Stores: adapters.Stores{Reviews: db.Reviews, Risks: db.Risks, Retros: db.Retros, Plans: db.Plans}})
		db.DB.SetMaxOpenConns(1) // the relaxed setting holds for the whole load
		if _, err := db.DB.Exec("PRAGMA synchronous=OFF"); err != nil {
			b.Fatal(err)
		}
		loadTraceWorld(b, s)
		if _, err := db.DB.Exec("PRAGMA synchronous=FULL"); err != nil {
			b.Fatal(err)
		}
		db.DB.SetMaxOpenConns(0)
		runTraceBenchmarks(b, s)
	})
}

// wire builds the services over the stores, every domain included.
func wire(b *testing.B, s *benchStores, o link.Options) {
	o.Requirements, o.Contracts, o.Traces = s.reqs, s.contracts, s.traces
	var err error
	if s.services, err = link.New(o); err != nil {
		b.Fatal(err)
	}
	if s.reports, err = report.New(report.Options{Services: s.services, Stores: o.Stores}); err != nil {
		b.Fatal(err)
	}
}
