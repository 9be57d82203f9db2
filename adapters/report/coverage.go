package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// GapKind names what a coverage report finds missing.
type GapKind string

// The gaps a coverage report calls out.
const (
	GapNoOperation  GapKind = "no_operation"  // an approved (or later) requirement no contract operation implements
	GapNotExercised GapKind = "not_exercised" // an implementing operation no recorded test run exercised
	GapNoTestRef    GapKind = "no_test_ref"   // an acceptance criterion without a test reference
	GapCheckFailed  GapKind = "check_failed"  // a criterion whose latest acceptance check failed
)

// Coverage reads requirements, contracts with their test runs, and
// acceptance reviews, to trace each requirement to the operations that
// implement it, the tests that exercised them, its criteria and whether
// they were accepted.
type Coverage struct {
	Requirements requirement.Store
	Contracts    contract.Store
	Reviews      review.Store
	Clock        accord.Clock // optional
}

// CoverageReport is a project's requirement → operation → test →
// criterion → acceptance trace, with its gaps.
type CoverageReport struct {
	Project      string                `json:"project"`
	Generated    time.Time             `json:"generated"`
	Totals       CoverageTotals        `json:"totals"`
	Requirements []RequirementCoverage `json:"requirements"`
	Gaps         []Gap                 `json:"gaps"`
}

// CoverageTotals count what the report covers.
type CoverageTotals struct {
	Requirements        int `json:"requirements"`
	Implemented         int `json:"implemented"` // with at least one operation
	Operations          int `json:"operations"`  // implementing operations, once per requirement
	Exercised           int `json:"exercised"`
	Criteria            int `json:"criteria"`
	CriteriaWithTestRef int `json:"criteria_with_test_ref"`
	CriteriaPassed      int `json:"criteria_passed"`
	Accepted            int `json:"accepted"`
}

// RequirementCoverage is one requirement's line of the trace.
type RequirementCoverage struct {
	Ref        accord.Ref          `json:"ref"`
	Key        string              `json:"key"`
	Title      string              `json:"title"`
	Status     requirement.Status  `json:"status"`
	Owner      string              `json:"owner"`
	Operations []OperationCoverage `json:"operations"`
	Criteria   []CriterionCoverage `json:"criteria"`
	Review     string              `json:"acceptance_review,omitempty"` // its key, RV-4
	Accepted   bool                `json:"accepted"`
	Gaps       []GapKind           `json:"gaps"`
}

// OperationCoverage is one operation implementing a requirement, in the
// newest version of its contract, and what its latest test run hit.
type OperationCoverage struct {
	Contract  string   `json:"contract"` // the service name
	Version   string   `json:"version"`
	Operation string   `json:"operation"`
	Method    string   `json:"method"`
	Path      string   `json:"path"`
	Exercised bool     `json:"exercised"`
	Responses []string `json:"responses"`          // declared responses the tests hit
	TestRun   string   `json:"test_run,omitempty"` // the run it comes from
}

// CriterionCoverage is one acceptance criterion and how its latest check
// in the acceptance review went: passed, failed, not_tested, or unchecked
// when nobody checked it.
type CriterionCoverage struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	TestRef string `json:"test_ref,omitempty"`
	Result  string `json:"result"`
	Problem string `json:"problem,omitempty"`
}

// Gap is one thing the report calls out.
type Gap struct {
	Kind        GapKind `json:"kind"`
	Requirement string  `json:"requirement"`         // its key
	Title       string  `json:"title"`               // the requirement's
	Operation   string  `json:"operation,omitempty"` // service operation
	Criterion   string  `json:"criterion,omitempty"` // its ID
	Detail      string  `json:"detail"`
}

// needsOperation says which requirements must be implemented by now.
func needsOperation(s requirement.Status) bool {
	return slices.Contains([]requirement.Status{requirement.Approved, requirement.InDevelopment, requirement.InTesting, requirement.Accepted}, s)
}

// Report traces every requirement of the project. Operations come from
// the newest version of each contract; exercised from that version's
// latest test run. Rejected and deferred requirements are left out. The
// requirements are read a page at a time and each is traced as it is
// read (see coverageTrace): besides the report, only the contracts'
// implementing operations and the acceptance checks are held.
func (c Coverage) Report(ctx context.Context, project string) (CoverageReport, error) {
	if err := accord.ValidateProject(project); err != nil {
		return CoverageReport{}, err
	}
	clock := c.Clock
	if clock == nil {
		clock = accord.SystemClock()
	}
	out := CoverageReport{Project: project, Generated: clock.Now(), Requirements: []RequirementCoverage{}}
	tr, err := c.trace(ctx, project)
	if err != nil {
		return CoverageReport{}, err
	}
	err = eachPage(ctx, project, requirement.Filter{}, c.Requirements.ListRequirements, func(reqs []requirement.Requirement) error {
		for _, r := range reqs {
			if rc, ok := tr.add(r); ok {
				out.Requirements = append(out.Requirements, rc)
			}
		}
		return nil
	})
	if err != nil {
		return CoverageReport{}, err
	}
	out.Totals, out.Gaps = tr.totals, tr.gaps
	return out, nil
}

// eachPage hands fold the items list returns for f, one page at a time
// (the largest page), so that a caller keeps only what it makes of them.
func eachPage[T, F any](ctx context.Context, project string, f F, list func(context.Context, string, F, accord.PageQuery) (accord.Page[T], error), fold func([]T) error) error {
	q := accord.PageQuery{Size: accord.MaxPageSize}
	for {
		page, err := list(ctx, project, f, q)
		if err != nil {
			return err
		}
		if err := fold(page.Items); err != nil {
			return err
		}
		if page.NextPageToken == "" {
			return nil
		}
		q.Token = page.NextPageToken
	}
}

// coverageTrace traces requirements one at a time (add) to the
// operations that implement them and the acceptance checks of their
// criteria, read beforehand (Coverage.trace), and sums the totals and
// gaps of those it traced. A contract or review names a requirement by
// its ID or by its key; both are filed under the name given, and add
// looks a requirement up under both (IDs and keys never coincide).
type coverageTrace struct {
	ops      []OperationCoverage // each implementing operation of each contract's newest version, in contract and operation order
	opsOf    map[string][]int    // requirement ID or key → indexes into ops, ascending
	checks   []acceptanceChecks  // acceptance reviews with a round, in list order
	checksOf map[string][]int    // requirement ID or key → indexes into checks, ascending
	totals   CoverageTotals
	gaps     []Gap
}

// acceptanceChecks is what coverage takes from an acceptance review: its
// key and the latest check of each criterion in its current round.
type acceptanceChecks struct {
	review string
	latest map[string]review.Check
}

// trace reads what coverage needs besides the requirements: each
// contract's newest version with its latest test run, and the acceptance
// reviews.
func (c Coverage) trace(ctx context.Context, project string) (*coverageTrace, error) {
	tr := &coverageTrace{opsOf: map[string][]int{}, checksOf: map[string][]int{}, gaps: []Gap{}}
	file := func(index map[string][]int, ref accord.Ref, i int) {
		if ref.Kind != requirement.RefKind {
			return
		}
		if at := index[ref.ID]; len(at) == 0 || at[len(at)-1] != i {
			index[ref.ID] = append(at, i)
		}
	}
	if c.Contracts != nil {
		contracts, err := svc.All(ctx, project, contract.Filter{}, c.Contracts.ListContracts)
		if err != nil {
			return nil, err
		}
		for _, ct := range contracts {
			versions, err := c.Contracts.ListVersions(ctx, project, ct.ID)
			if err != nil || len(versions) == 0 {
				if accord.ErrorCode(err) == accord.NotFound {
					continue // deleted meanwhile
				}
				return nil, err
			}
			v := versions[len(versions)-1]
			var last *contract.TestRun
			err = eachPage(ctx, project, contract.TestRunFilter{ContractID: ct.ID, Version: v.Version}, c.Contracts.ListTestRuns, func(runs []contract.TestRun) error {
				if len(runs) > 0 {
					last = &runs[len(runs)-1]
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			hit := map[string][]string{}
			var runID string
			if last != nil {
				runID = last.ID
				for _, o := range last.Operations {
					hit[o.ID] = o.Responses
				}
			}
			for _, op := range v.Spec.Operations {
				i := len(tr.ops)
				for _, refs := range [][]accord.Ref{v.Spec.Requirements, op.Requirements} {
					for _, ref := range refs {
						file(tr.opsOf, ref, i)
					}
				}
				responses := slices.Clone(hit[op.ID])
				if responses == nil {
					responses = []string{}
				}
				tr.ops = append(tr.ops, OperationCoverage{Contract: v.Spec.Service, Version: v.Version,
					Operation: op.ID, Method: op.Method, Path: op.Path, Exercised: len(responses) > 0, Responses: responses, TestRun: runID})
			}
		}
	}
	if c.Reviews != nil {
		err := eachPage(ctx, project, review.Filter{Kind: review.AcceptanceReview}, c.Reviews.ListReviews, func(reviews []review.Review) error {
			for _, rv := range reviews {
				round := rv.Current()
				if round == nil || rv.Subject.Kind != requirement.RefKind {
					continue
				}
				latest := map[string]review.Check{}
				for _, ch := range round.Checks {
					latest[ch.CriterionID] = ch
				}
				file(tr.checksOf, rv.Subject, len(tr.checks))
				tr.checks = append(tr.checks, acceptanceChecks{review: rv.Key, latest: latest})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return tr, nil
}

// filed returns the indexes index holds for r, under its ID and under
// its key, in order and each once.
func filed(index map[string][]int, r requirement.Requirement) []int {
	byID := index[r.ID]
	if r.Key == "" || r.Key == r.ID {
		return byID
	}
	byKey := index[r.Key]
	if len(byKey) == 0 {
		return byID
	}
	if len(byID) == 0 {
		return byKey
	}
	out := make([]int, 0, len(byID)+len(byKey))
	i, j := 0, 0
	for i < len(byID) || j < len(byKey) {
		var next int
		switch {
		case j == len(byKey) || (i < len(byID) && byID[i] < byKey[j]):
			next, i = byID[i], i+1
		case i == len(byID) || byKey[j] < byID[i]:
			next, j = byKey[j], j+1
		default: // the same on both
			next, i, j = byID[i], i+1, j+1
		}
		out = append(out, next)
	}
	return out
}

// add traces r, adds it to the totals and its gaps to the gaps, and
// returns its line; a rejected or deferred requirement is left out
// (false).
func (t *coverageTrace) add(r requirement.Requirement) (RequirementCoverage, bool) {
	if r.Status == requirement.Rejected || r.Status == requirement.Deferred {
		return RequirementCoverage{}, false
	}
	rc := RequirementCoverage{Ref: r.Ref(), Key: r.Key, Title: r.Title, Status: r.Status, Owner: r.Owner,
		Operations: []OperationCoverage{}, Criteria: []CriterionCoverage{}, Accepted: r.Status == requirement.Accepted, Gaps: []GapKind{}}
	for _, a := range r.Acceptance {
		rc.Criteria = append(rc.Criteria, CriterionCoverage{ID: a.ID, Text: a.Text, TestRef: a.TestRef, Result: "unchecked"})
	}
	for _, i := range filed(t.opsOf, r) {
		op := t.ops[i]
		op.Responses = slices.Clone(op.Responses)
		rc.Operations = append(rc.Operations, op)
	}
	for _, i := range filed(t.checksOf, r) {
		rc.Review = t.checks[i].review
		for j := range rc.Criteria {
			if ch, ok := t.checks[i].latest[rc.Criteria[j].ID]; ok {
				rc.Criteria[j].Result, rc.Criteria[j].Problem = string(ch.Result), ch.Problem
			}
		}
	}

	gap := func(g Gap) {
		g.Requirement, g.Title = rc.Key, rc.Title
		t.gaps = append(t.gaps, g)
		if !slices.Contains(rc.Gaps, g.Kind) {
			rc.Gaps = append(rc.Gaps, g.Kind)
		}
	}
	tot := &t.totals
	tot.Requirements++
	if len(rc.Operations) > 0 {
		tot.Implemented++
	} else if needsOperation(rc.Status) {
		gap(Gap{Kind: GapNoOperation, Detail: fmt.Sprintf("%s is %s and no contract operation implements it", rc.Key, rc.Status)})
	}
	for _, op := range rc.Operations {
		tot.Operations++
		if op.Exercised {
			tot.Exercised++
			continue
		}
		why := "no test run was recorded for " + op.Contract + " " + op.Version
		if op.TestRun != "" {
			why = "the latest test run of " + op.Contract + " " + op.Version + " did not reach it"
		}
		gap(Gap{Kind: GapNotExercised, Operation: op.Contract + " " + op.Operation, Detail: fmt.Sprintf("%s (%s %s): %s", op.Operation, op.Method, op.Path, why)})
	}
	for _, cr := range rc.Criteria {
		tot.Criteria++
		if cr.TestRef != "" {
			tot.CriteriaWithTestRef++
		} else {
			gap(Gap{Kind: GapNoTestRef, Criterion: cr.ID, Detail: fmt.Sprintf("criterion %s %q names no test", cr.ID, cr.Text)})
		}
		switch cr.Result {
		case string(review.Passed):
			tot.CriteriaPassed++
		case string(review.Failed):
			gap(Gap{Kind: GapCheckFailed, Criterion: cr.ID, Detail: fmt.Sprintf("criterion %s failed in %s: %s", cr.ID, rc.Review, cr.Problem)})
		}
	}
	if rc.Accepted {
		tot.Accepted++
	}
	return rc, true
}

// Markdown renders the report for sharing: totals, a table of every
// requirement, then the gaps by kind.
func (r CoverageReport) Markdown() string {
	var b strings.Builder
	t := r.Totals
	fmt.Fprintf(&b, "# Coverage of %s\n\n", r.Project)
	fmt.Fprintf(&b, "Generated %s.\n\n", r.Generated.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "- Requirements: %d, %d implemented by a contract operation\n", t.Requirements, t.Implemented)
	fmt.Fprintf(&b, "- Operations exercised by tests: %d of %d\n", t.Exercised, t.Operations)
	fmt.Fprintf(&b, "- Acceptance criteria with a test reference: %d of %d; passed: %d\n", t.CriteriaWithTestRef, t.Criteria, t.CriteriaPassed)
	fmt.Fprintf(&b, "- Accepted: %d\n\n", t.Accepted)
	b.WriteString("| Requirement | Status | Operations (exercised) | Criteria (test ref, result) | Accepted | Gaps |\n|---|---|---|---|---|---|\n")
	for _, rc := range r.Requirements {
		ops := make([]string, len(rc.Operations))
		for i, op := range rc.Operations {
			mark := "✗"
			if op.Exercised {
				mark = "✓ " + strings.Join(op.Responses, ",")
			}
			ops[i] = fmt.Sprintf("%s `%s %s` (%s)", op.Contract, op.Method, op.Path, mark)
		}
		crs := make([]string, len(rc.Criteria))
		for i, cr := range rc.Criteria {
			ref := cr.TestRef
			if ref == "" {
				ref = "no test"
			}
			crs[i] = fmt.Sprintf("%s: %s, %s", cr.ID, ref, cr.Result)
		}
		accepted := "no"
		if rc.Accepted {
			accepted = "yes"
		}
		gaps := make([]string, len(rc.Gaps))
		for i, g := range rc.Gaps {
			gaps[i] = string(g)
		}
		fmt.Fprintf(&b, "| %s %s | %s | %s | %s | %s | %s |\n", rc.Key, cell(rc.Title), rc.Status, orDash(strings.Join(ops, "<br>")),
			orDash(strings.Join(crs, "<br>")), accepted, orDash(strings.Join(gaps, ", ")))
	}
	b.WriteString("\n## Gaps\n\n")
	if len(r.Gaps) == 0 {
		b.WriteString("None.\n")
	}
	for _, kind := range []GapKind{GapNoOperation, GapNotExercised, GapNoTestRef, GapCheckFailed} {
		var lines []string
		for _, g := range r.Gaps {
			if g.Kind == kind {
				lines = append(lines, fmt.Sprintf("- %s %s: %s", g.Requirement, g.Title, g.Detail))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "### %s (%d)\n\n%s\n\n", kind, len(lines), strings.Join(lines, "\n"))
		}
	}
	return b.String()
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ").Replace(s)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// CSV renders the report as one row per requirement and operation, and
// per requirement and criterion (a requirement with neither has one row),
// for a spreadsheet.
func (r CoverageReport) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"requirement", "title", "status", "accepted", "row", "contract", "version", "operation", "method", "path", "exercised", "responses",
		"criterion", "criterion_text", "test_ref", "result", "gaps"})
	for _, rc := range r.Requirements {
		head := []string{rc.Key, rc.Title, string(rc.Status), fmt.Sprint(rc.Accepted)}
		gaps := make([]string, len(rc.Gaps))
		for i, g := range rc.Gaps {
			gaps[i] = string(g)
		}
		tail := strings.Join(gaps, " ")
		for _, op := range rc.Operations {
			_ = w.Write(append(slices.Clone(head), "operation", op.Contract, op.Version, op.Operation, op.Method, op.Path, fmt.Sprint(op.Exercised),
				strings.Join(op.Responses, " "), "", "", "", "", tail))
		}
		for _, cr := range rc.Criteria {
			_ = w.Write(append(slices.Clone(head), "criterion", "", "", "", "", "", "", "", cr.ID, cr.Text, cr.TestRef, cr.Result, tail))
		}
		if len(rc.Operations)+len(rc.Criteria) == 0 {
			_ = w.Write(append(slices.Clone(head), "requirement", "", "", "", "", "", "", "", "", "", "", "", tail))
		}
	}
	w.Flush()
	return buf.Bytes()
}
