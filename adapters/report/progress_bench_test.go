package report_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/trace"
)

// BenchmarkProgress makes the progress report of a generated project on
// SQLite, at 5,000 and 20,000 requirements (ACCORD_BENCH_PROGRESS
// overrides the sizes): descriptions of about 400 bytes, three acceptance
// criteria each, every status, seven owners, one in ten changed in the
// period, 20 contracts of 50 operations implementing requirements with a
// test run, and a suspect link per 50 requirements. It runs three paths
// over the same data:
//
//   - before: the report as it was (ProgressBefore, tests only), which
//     read every requirement whole and kept them for every section;
//   - paged: Progress, which folds each page of requirements into the
//     report and keeps only the report's lines;
//   - coverage_before and coverage_paged: the coverage report (GET
//     .../reports/coverage) the old way and the new, whose output lists
//     every requirement that is not rejected or deferred;
//   - floor_read_pages: reading every requirement a page at a time through
//     the service and dropping it, which no report can do with less.
//
// Besides ns/op, B/op and allocs/op it reports peak-heap-MB, the most heap
// in use (objects and the free space of their spans, sampled every
// millisecond) above what was in use before; report-MB, what the report
// it returns holds once it is made (the heap in use after a collection,
// above the same base); and report-lines, how many
// requirement, gap and link lines the report holds (its output, which
// grows with the project by contract; for coverage, its requirements and
// gaps).
func BenchmarkProgress(b *testing.B) {
	ctx := context.Background()
	for _, n := range testkit.Sizes("ACCORD_BENCH_PROGRESS", []int{5_000, 20_000}) {
		reports, services := progressWorld(b, n)
		since := benchT0.Add(24 * time.Hour)
		run := func(name string, progress func() (any, int, error)) {
			b.Run(fmt.Sprintf("%s/requirements=%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				var peak, kept uint64
				var lines int
				for b.Loop() {
					var out any
					p, k := testkit.PeakHeap(func() {
						var err error
						if out, lines, err = progress(); err != nil {
							b.Fatal(err)
						}
					})
					runtime.KeepAlive(out)
					peak, kept = max(peak, p), max(kept, k)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(kept)/(1<<20), "report-MB")
				b.ReportMetric(float64(lines), "report-lines")
			})
		}
		count := func(r report.ProgressReport, err error) (any, int, error) {
			st := r.Requirements
			return r, len(st.Done) + len(st.InProgress) + len(st.Changed) + len(r.Gaps) + len(r.Suspect), err
		}
		run("before", func() (any, int, error) { return count(reports.ProgressBefore(ctx, benchProject, since)) })
		run("paged", func() (any, int, error) { return count(reports.Progress(ctx, benchProject, since)) })
		covCount := func(r report.CoverageReport, err error) (any, int, error) {
			return r, len(r.Requirements) + len(r.Gaps), err
		}
		run("coverage_before", func() (any, int, error) { return covCount(reports.CoverageBefore(ctx, benchProject)) })
		run("coverage_paged", func() (any, int, error) { return covCount(reports.Coverage(ctx, benchProject)) })
		run("floor_read_pages", func() (any, int, error) {
			read := 0
			q := accord.PageQuery{Size: accord.MaxPageSize}
			for {
				page, err := services.Requirements.List(ctx, benchProject, requirement.Filter{}, q)
				if err != nil {
					return nil, 0, err
				}
				read += len(page.Items)
				if q.Token = page.NextPageToken; q.Token == "" {
					break
				}
			}
			if read != n {
				return nil, 0, fmt.Errorf("read %d requirements of %d", read, n)
			}
			return read, 0, nil
		})
	}
}

// progressWorld stores BenchmarkProgress's project of n requirements in a
// new SQLite database, in one unit of work.
func progressWorld(b *testing.B, n int) (report.Reports, link.Services) {
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(b.TempDir(), "progress.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := sqlstore.Migrate(ctx, db.DB, db.Dialect); err != nil {
		b.Fatal(err)
	}
	statuses := requirement.Statuses()
	description := strings.Repeat("A buyer refunds a paid order within 14 days; the refund goes back to the original payment method. ", 4)
	in := benchT0.Add(36 * time.Hour) // in the period
	err = db.Atomically(ctx, func(ctx context.Context) error {
		var ids []string
		for i := range n {
			crit := []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "A refund inside the window returns 202", TestRef: "TestRefund"},
				{ID: "AC-2", Text: "A late refund fails with REFUND_WINDOW_CLOSED", TestRef: "TestLateRefund"},
				{ID: "AC-3", Text: "The buyer is told by e-mail when the money is on its way back"}}
			r := requirement.Requirement{ID: fmt.Sprintf("R%06d", i), Project: benchProject, Status: statuses[i%len(statuses)],
				Content: requirement.Content{Title: fmt.Sprintf("Refund an order, case %d", i), Description: description, Goal: "No refund tickets",
					Priority: requirement.P2, Owner: fmt.Sprintf("pm-%d", i%7), Labels: []string{"payments", "refunds"}, Acceptance: crit},
				Stamp: accord.NewStamp("alice", benchT0)}
			r, err := db.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: benchT0, Record: r})
			if err != nil {
				return err
			}
			if i%10 == 3 {
				next := r
				next.Content = r.Content.Clone()
				next.Description += " Partial refunds too."
				next.Stamp = r.Stamp.Next("bob", in)
				if _, err := db.Requirements.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: next.Revision, Kind: accord.RevisionEdited,
					Actor: "bob", Time: in, Record: next}); err != nil {
					return err
				}
			}
			ids = append(ids, r.ID)
		}
		for c := range 20 {
			id := fmt.Sprintf("C%02d", c)
			spec := contract.Spec{Service: fmt.Sprintf("svc-%d", c)}
			var exercised []contract.ExercisedOperation
			for o := range 50 {
				op := contract.Operation{ID: fmt.Sprintf("op%d", o), Method: "GET", Path: fmt.Sprintf("/things%d/{id}", o),
					Responses:    map[string]contract.Response{"200": {}},
					Requirements: []accord.Ref{{Kind: requirement.RefKind, ID: ids[((c*50+o)*7)%n]}}}
				spec.Operations = append(spec.Operations, op)
				if o%5 != 0 {
					exercised = append(exercised, contract.ExercisedOperation{ID: op.ID, Responses: []string{"200"}})
				}
			}
			v := contract.Version{ContractID: id, Project: benchProject, Version: "1.0.0", Status: contract.Agreed, Spec: spec, Stamp: accord.NewStamp("bob", benchT0)}
			if _, err := db.Contracts.CreateContract(ctx, contract.Contract{ID: id, Project: benchProject, Service: spec.Service, Stamp: accord.NewStamp("bob", benchT0)},
				accord.Revision[contract.Version]{Number: 1, Kind: accord.RevisionCreated, Actor: "bob", Time: benchT0, Record: v}); err != nil {
				return err
			}
			run := contract.TestRun{ID: "run-" + id, Project: benchProject, ContractID: id, Version: "1.0.0",
				TestReport: contract.TestReport{Service: spec.Service, Operations: exercised}, Stamp: accord.NewStamp("ci", benchT0)}
			if _, err := db.Contracts.CreateTestRun(ctx, accord.Revision[contract.TestRun]{Number: 1, Kind: accord.RevisionCreated, Actor: "ci", Time: benchT0, Record: run}); err != nil {
				return err
			}
		}
		for i := 0; i < n; i += 50 {
			l := trace.Link{ID: fmt.Sprintf("L%06d", i), Project: benchProject, From: accord.Ref{Kind: requirement.RefKind, ID: ids[i]},
				To: accord.Ref{Kind: requirement.RefKind, ID: ids[(i+1)%n]}, Role: trace.Refines, Origin: trace.Manual, TargetRevision: 1, Status: trace.Suspect,
				Suspicion: &trace.Suspicion{Revision: 2, Fields: []string{"description"}, Since: in}, Stamp: accord.NewStamp("alice", benchT0)}
			if _, err := db.Traces.CreateLink(ctx, accord.Revision[trace.Link]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: benchT0, Record: l}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	services, err := link.New(link.Options{Stores: db.Stores})
	if err != nil {
		b.Fatal(err)
	}
	reports, err := report.New(report.Options{Services: services, Stores: db.Stores})
	if err != nil {
		b.Fatal(err)
	}
	return reports, services
}
