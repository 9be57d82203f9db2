package contract

import (
	"context"
	"fmt"
	"slices"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// TestRunRefKind is the kind of accord.Ref that points at a test run.
const TestRunRefKind = "contract_test_run"

// TestReport is what a test suite exercised of a contract: for each
// operation, the declared responses ("200", "4XX", "default") its checked
// exchanges hit. contracttest.Checker.Report makes one, WriteReport writes
// it to a file, and a CI job uploads it for the version it tested.
type TestReport struct {
	Service    string               `json:"service,omitempty"` // checked against the contract when given
	Source     string               `json:"source,omitempty"`  // the job or suite that ran: "ci payments#4821"
	Operations []ExercisedOperation `json:"operations"`
}

// ExercisedOperation is one operation of a TestReport: the declared
// responses its checked exchanges fell under, and the HTTP statuses they
// had. An operation no test reached has no responses.
type ExercisedOperation struct {
	ID        string   `json:"id"`
	Responses []string `json:"responses"`
	Statuses  []int    `json:"statuses,omitempty"`
}

// Exercised reports whether any test reached the operation.
func (o ExercisedOperation) Exercised() bool { return len(o.Responses) > 0 }

// TestRun is a TestReport recorded for one version of a contract.
type TestRun struct {
	ID         string `json:"id"`
	Project    string `json:"project"`
	ContractID string `json:"contract_id"`
	Version    string `json:"version"`
	TestReport
	accord.Stamp
}

// Clone returns a deep copy.
func (r TestRun) Clone() TestRun {
	r.Operations = slices.Clone(r.Operations)
	for i := range r.Operations {
		r.Operations[i].Responses = slices.Clone(r.Operations[i].Responses)
		r.Operations[i].Statuses = slices.Clone(r.Operations[i].Statuses)
	}
	return r
}

// TestRunFilter selects test runs: those of a contract, or of one of its
// versions.
type TestRunFilter struct {
	ContractID string
	Version    string // with ContractID
}

// Match reports whether r passes the filter.
func (f TestRunFilter) Match(r *TestRun) bool {
	return (f.ContractID == "" || r.ContractID == f.ContractID) && (f.Version == "" || r.Version == f.Version)
}

// RecordTestRun records what a test suite exercised of a version. Every
// operation in the report must be one of the version's, and every
// response one it declares; operations the report leaves out count as not
// exercised. Errors: Unauthenticated, Invalid (naming the operation or
// response), NotFound (the version).
func (s *Service) RecordTestRun(ctx context.Context, project, id, version string, report TestReport) (TestRun, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return TestRun{}, err
	}
	v, err := s.store.GetVersion(ctx, project, id, version)
	if err != nil {
		return TestRun{}, err
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "source", report.Source, svc.MaxName, false)
	if report.Service != "" && report.Service != v.Spec.Service {
		errs.Add("service", "the report is of %q; this contract is %q", report.Service, v.Spec.Service)
	}
	ops := map[string]*Operation{}
	for i := range v.Spec.Operations {
		ops[v.Spec.Operations[i].ID] = &v.Spec.Operations[i]
	}
	seen := map[string]bool{}
	for i, o := range report.Operations {
		field := fmt.Sprintf("operations[%d]", i)
		op := ops[o.ID]
		switch {
		case op == nil:
			errs.Add(field+".id", "%s %s has no operation %q", v.Spec.Service, version, o.ID)
			continue
		case seen[o.ID]:
			errs.Add(field+".id", "operation %q is reported twice", o.ID)
		}
		seen[o.ID] = true
		// As many operations as the contract has, but each one's lists
		// are bounded.
		svc.CheckBounds(&errs, field, o)
		for j, key := range o.Responses {
			if _, ok := op.Responses[key]; !ok {
				errs.Add(fmt.Sprintf("%s.responses[%d]", field, j), "%s declares no response %q", o.ID, key)
			}
		}
		for j, st := range o.Statuses {
			if st < 100 || st > 599 {
				errs.Add(fmt.Sprintf("%s.statuses[%d]", field, j), "%d is not an HTTP status", st)
			}
		}
	}
	if err := errs.Err("test report"); err != nil {
		return TestRun{}, err
	}
	report.Service = v.Spec.Service
	// Every operation appears, in the contract's order, so a reader sees
	// what was not exercised too.
	byID := map[string]ExercisedOperation{}
	for _, o := range report.Operations {
		byID[o.ID] = o
	}
	report.Operations = make([]ExercisedOperation, len(v.Spec.Operations))
	for i, op := range v.Spec.Operations {
		got := byID[op.ID]
		report.Operations[i] = ExercisedOperation{ID: op.ID, Responses: slices.Clone(got.Responses), Statuses: slices.Clone(got.Statuses)}
		if report.Operations[i].Responses == nil {
			report.Operations[i].Responses = []string{}
		}
	}
	now := s.clock.Now()
	run := TestRun{ID: accord.NewID(now), Project: project, ContractID: v.ContractID, Version: v.Version, TestReport: report, Stamp: accord.NewStamp(actor.ID, now)}
	run, err = s.store.CreateTestRun(ctx, svc.Revision(run, accord.RevisionCreated, report.Source))
	if err != nil {
		return TestRun{}, err
	}
	exercised := 0
	for _, o := range run.Operations {
		if o.Exercised() {
			exercised++
		}
	}
	s.pub.Publish(ctx, EventTestRunRecorded, project, accord.Ref{Kind: TestRunRefKind, ID: run.ID}, actor, "%s %s: tests exercised %d of %d operation(s) (%s)",
		v.Spec.Service, version, exercised, len(run.Operations), orDefault(report.Source, "uploaded by "+actor.ID))
	return run, nil
}

// TestRuns returns one page of the test runs recorded for a contract (and
// a version, when f names one), oldest first. Errors: Invalid, NotFound
// (the contract or version f names).
func (s *Service) TestRuns(ctx context.Context, project string, f TestRunFilter, q accord.PageQuery) (accord.Page[TestRun], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[TestRun]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[TestRun]{}, err
	}
	// Runs of a contract or version that does not exist are NotFound, not
	// an empty page that looks like a version nobody has tested.
	switch {
	case f.Version != "":
		_, err = s.store.GetVersion(ctx, project, f.ContractID, f.Version)
	case f.ContractID != "":
		_, err = s.store.GetContract(ctx, project, f.ContractID)
	}
	if err != nil {
		return accord.Page[TestRun]{}, err
	}
	page, err := s.store.ListTestRuns(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []TestRun{}
	}
	return page, err
}
