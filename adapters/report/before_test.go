package report

// The progress and coverage reports as they were before they read the
// requirements a page at a time (issue 29): every requirement was read
// whole, kept for every section and handed to the coverage. Kept here, in
// the tests only, so that TestProgressAsBefore can compare the reports
// deeply on the same data and BenchmarkProgress can measure both paths in
// one run.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/trace"
)

// ProgressBefore is Progress as it was before issue 29.
func (s Reports) ProgressBefore(ctx context.Context, project string, since time.Time) (ProgressReport, error) {
	if err := accord.ValidateProject(project); err != nil {
		return ProgressReport{}, err
	}
	now := s.clock().Now()
	if since.After(now) {
		return ProgressReport{}, accord.InvalidField("period", "since", "is after now")
	}
	r := ProgressReport{Project: project, Since: since, Until: now, Iterations: []IterationStanding{}, Milestones: []MilestoneStanding{},
		Requirements: RequirementsStanding{ByStatus: map[requirement.Status]int{}, ByOwner: []OwnerStanding{}, Done: []RequirementLine{}, InProgress: []RequirementLine{}, Changed: []RequirementLine{}},
		Reviews:      []PendingReview{}, Questions: []OverdueQuestion{}, TopRisks: []RiskLine{}, OverdueRisks: []RiskLine{}, Actions: []OpenAction{},
		Suspect: []SuspectLine{}, Gaps: []Gap{}}
	// The requirements are read once, for their section, the coverage
	// and the names of suspect links' ends.
	reqs, err := svc.All(ctx, project, requirement.Filter{}, s.services.Requirements.List)
	if err != nil {
		return r, err
	}
	if s.items, err = externalItems(ctx, s.external, project); err != nil {
		return r, err
	}
	for _, step := range []func(context.Context, *ProgressReport, []requirement.Requirement) error{
		s.planSectionBefore, s.requirementSectionBefore, s.reviewSectionBefore, s.riskSectionBefore, s.retroSectionBefore, s.traceSectionBefore} {
		if err := step(ctx, &r, reqs); err != nil {
			return r, err
		}
	}
	return r, nil
}

// CoverageBefore is Coverage as it was before issue 29.
func (s Reports) CoverageBefore(ctx context.Context, project string) (CoverageReport, error) {
	return s.coverage.reportAllBefore(ctx, project)
}

func (s Reports) reviewSectionBefore(ctx context.Context, r *ProgressReport, _ []requirement.Requirement) error {
	return s.reviewSection(ctx, r)
}

func (s Reports) riskSectionBefore(ctx context.Context, r *ProgressReport, _ []requirement.Requirement) error {
	return s.riskSection(ctx, r)
}

func (s Reports) retroSectionBefore(ctx context.Context, r *ProgressReport, _ []requirement.Requirement) error {
	return s.retroSection(ctx, r)
}

func (s Reports) planSectionBefore(ctx context.Context, r *ProgressReport, reqs []requirement.Requirement) error {
	if s.services.Plans == nil {
		return nil
	}
	its, err := svc.All(ctx, r.Project, plan.IterationFilter{}, s.services.Plans.ListIterations)
	if err != nil {
		return err
	}
	sinceDay := plan.Date(r.Since.UTC().Format(time.DateOnly))
	for _, it := range its {
		if it.Status == plan.Closed && it.End < sinceDay {
			continue
		}
		p, err := s.services.Plans.IterationProgress(ctx, r.Project, it.ID)
		if err != nil {
			return err
		}
		r.Iterations = append(r.Iterations, IterationStanding{Key: it.Key, Name: it.Name, Status: it.Status, Start: it.Start, End: it.End, Progress: p})
	}
	ms, err := svc.All(ctx, r.Project, struct{}{}, func(ctx context.Context, project string, _ struct{}, q accord.PageQuery) (accord.Page[plan.Milestone], error) {
		return s.services.Plans.ListMilestones(ctx, project, q)
	})
	if err != nil {
		return err
	}
	for _, m := range ms {
		p, err := s.services.Plans.MilestoneProgress(ctx, r.Project, m.ID)
		if err != nil {
			return err
		}
		f, err := s.services.Plans.ForecastMilestone(ctx, r.Project, m.ID)
		if err != nil {
			return err
		}
		r.Milestones = append(r.Milestones, MilestoneStanding{Key: m.Key, Name: m.Name, Date: m.Date, Progress: p, Forecast: f})
	}
	qs, err := s.services.Plans.Overdue(ctx, r.Project)
	if err != nil {
		return err
	}
	for _, q := range qs {
		to := q.To.Actor
		if to == "" {
			to = "role " + q.To.Role
		}
		subject := q.About.String()
		if i := slices.IndexFunc(reqs, func(x requirement.Requirement) bool { return x.Ref() == q.About }); i >= 0 {
			subject = reqs[i].Key + " " + reqs[i].Title
		} else if t, err := s.services.Records.Target(ctx, r.Project, q.About); err == nil {
			subject = t.Title
		}
		r.Questions = append(r.Questions, OverdueQuestion{Key: q.Key, About: q.About, Subject: subject, Text: q.Text, To: to, Blocking: q.Blocking, AskedAt: q.AskedAt})
	}
	return nil
}

func (s Reports) requirementSectionBefore(ctx context.Context, r *ProgressReport, reqs []requirement.Requirement) error {
	st := &r.Requirements
	owners := map[string]int{}
	var changed []changedLine
	for _, q := range reqs {
		st.ByStatus[q.Status]++
		i, ok := owners[q.Owner]
		if !ok {
			i = len(st.ByOwner)
			owners[q.Owner] = i
			st.ByOwner = append(st.ByOwner, OwnerStanding{Owner: q.Owner, ByStatus: map[requirement.Status]int{}})
		}
		st.ByOwner[i].ByStatus[q.Status]++
		line := RequirementLine{Key: q.Key, Title: q.Title, Status: q.Status, Owner: q.Owner, External: s.itemsOf(q.Ref(), q.Key)}
		switch q.Status {
		case requirement.Accepted:
			st.Done = append(st.Done, line)
		case requirement.Approved, requirement.InDevelopment, requirement.InTesting:
			st.InProgress = append(st.InProgress, line)
		}
		if q.UpdatedAt.Before(r.Since) {
			continue
		}
		line.By = q.UpdatedBy
		if !q.CreatedAt.Before(r.Since) {
			// "created by" names who created it, whoever edited it since.
			line.Changed, line.By = []string{"created"}, q.CreatedBy
		}
		changed = append(changed, changedLine{line, q})
	}
	// Changed in the period: against the last revision before it, the
	// histories read together.
	var ids []string
	for _, c := range changed {
		if c.line.Changed == nil {
			ids = append(ids, c.req.ID)
		}
	}
	hists, err := s.histories(ctx, r.Project, ids)
	if err != nil {
		return err
	}
	for _, c := range changed {
		if c.line.Changed == nil {
			hist := hists[c.req.ID]
			if len(hist) == 0 {
				return accord.Errorf(accord.Internal, "requirement %s %s has no revisions", c.req.Key, c.req.Title)
			}
			before := hist[0].Record
			for _, h := range hist {
				if h.Time.Before(r.Since) {
					before = h.Record
				}
			}
			for _, d := range requirement.Diff(before, c.req) {
				c.line.Changed = append(c.line.Changed, d.Path)
			}
		}
		if len(c.line.Changed) > 0 {
			st.Changed = append(st.Changed, c.line)
		}
	}
	return nil
}

func (s Reports) traceSectionBefore(ctx context.Context, r *ProgressReport, reqs []requirement.Requirement) error {
	if s.services.Traces != nil {
		links, err := s.services.Traces.All(ctx, r.Project, trace.Filter{Status: []trace.Status{trace.Suspect}})
		if err != nil {
			return err
		}
		titles := make(map[accord.Ref]string, len(reqs))
		for _, q := range reqs {
			titles[q.Ref()] = q.Key + " " + q.Title
		}
		title := func(ref accord.Ref) string {
			t, ok := titles[ref]
			if !ok {
				t = ref.String()
				if got, err := s.services.Records.Target(ctx, r.Project, ref); err == nil {
					t = got.Title
				}
				titles[ref] = t
			}
			return t
		}
		for _, l := range links {
			r.Suspect = append(r.Suspect, NamedLink{Link: l, FromTitle: title(l.From), ToTitle: title(l.To)})
		}
	}
	if s.coverage.Requirements == nil {
		return nil
	}
	cov, err := s.coverage.reportBefore(ctx, r.Project, reqs)
	if err != nil {
		return err
	}
	r.Gaps, r.Coverage = cov.Gaps, &cov.Totals
	return nil
}

func (c Coverage) reportAllBefore(ctx context.Context, project string) (CoverageReport, error) {
	if err := accord.ValidateProject(project); err != nil {
		return CoverageReport{}, err
	}
	reqs, err := svc.All(ctx, project, requirement.Filter{}, c.Requirements.ListRequirements)
	if err != nil {
		return CoverageReport{}, err
	}
	return c.reportBefore(ctx, project, reqs)
}

func (c Coverage) reportBefore(ctx context.Context, project string, reqs []requirement.Requirement) (CoverageReport, error) {
	clock := c.Clock
	if clock == nil {
		clock = accord.SystemClock()
	}
	out := CoverageReport{Project: project, Generated: clock.Now(), Requirements: []RequirementCoverage{}, Gaps: []Gap{}}
	byRef := map[accord.Ref]int{}
	byKey := map[string]int{}
	for _, r := range reqs {
		if r.Status == requirement.Rejected || r.Status == requirement.Deferred {
			continue
		}
		rc := RequirementCoverage{Ref: r.Ref(), Key: r.Key, Title: r.Title, Status: r.Status, Owner: r.Owner,
			Operations: []OperationCoverage{}, Criteria: []CriterionCoverage{}, Accepted: r.Status == requirement.Accepted, Gaps: []GapKind{}}
		for _, a := range r.Acceptance {
			rc.Criteria = append(rc.Criteria, CriterionCoverage{ID: a.ID, Text: a.Text, TestRef: a.TestRef, Result: "unchecked"})
		}
		byRef[rc.Ref] = len(out.Requirements)
		byKey[r.Key] = len(out.Requirements)
		out.Requirements = append(out.Requirements, rc)
	}
	find := func(ref accord.Ref) (int, bool) {
		if ref.Kind != requirement.RefKind {
			return 0, false
		}
		if i, ok := byRef[ref]; ok {
			return i, true
		}
		i, ok := byKey[ref.ID]
		return i, ok
	}

	if c.Contracts != nil {
		contracts, err := svc.All(ctx, project, contract.Filter{}, c.Contracts.ListContracts)
		if err != nil {
			return out, err
		}
		for _, ct := range contracts {
			versions, err := c.Contracts.ListVersions(ctx, project, ct.ID)
			if err != nil || len(versions) == 0 {
				if accord.ErrorCode(err) == accord.NotFound {
					continue // deleted meanwhile
				}
				return out, err
			}
			v := versions[len(versions)-1]
			runs, err := svc.All(ctx, project, contract.TestRunFilter{ContractID: ct.ID, Version: v.Version}, c.Contracts.ListTestRuns)
			if err != nil {
				return out, err
			}
			hit := map[string][]string{}
			var runID string
			if len(runs) > 0 {
				last := runs[len(runs)-1]
				runID = last.ID
				for _, o := range last.Operations {
					hit[o.ID] = o.Responses
				}
			}
			for _, op := range v.Spec.Operations {
				refs := append(slices.Clone(v.Spec.Requirements), op.Requirements...)
				seen := map[int]bool{}
				for _, ref := range refs {
					i, ok := find(ref)
					if !ok || seen[i] {
						continue
					}
					seen[i] = true
					responses := slices.Clone(hit[op.ID])
					if responses == nil {
						responses = []string{}
					}
					out.Requirements[i].Operations = append(out.Requirements[i].Operations, OperationCoverage{Contract: v.Spec.Service, Version: v.Version,
						Operation: op.ID, Method: op.Method, Path: op.Path, Exercised: len(responses) > 0, Responses: responses, TestRun: runID})
				}
			}
		}
	}

	if c.Reviews != nil {
		reviews, err := svc.All(ctx, project, review.Filter{Kind: review.AcceptanceReview}, c.Reviews.ListReviews)
		if err != nil {
			return out, err
		}
		for _, rv := range reviews {
			i, ok := find(rv.Subject)
			round := rv.Current()
			if !ok || round == nil {
				continue
			}
			rc := &out.Requirements[i]
			rc.Review = rv.Key
			latest := map[string]review.Check{}
			for _, ch := range round.Checks {
				latest[ch.CriterionID] = ch
			}
			for j := range rc.Criteria {
				if ch, ok := latest[rc.Criteria[j].ID]; ok {
					rc.Criteria[j].Result, rc.Criteria[j].Problem = string(ch.Result), ch.Problem
				}
			}
		}
	}

	for i := range out.Requirements {
		rc := &out.Requirements[i]
		gap := func(g Gap) {
			g.Requirement, g.Title = rc.Key, rc.Title
			out.Gaps = append(out.Gaps, g)
			if !slices.Contains(rc.Gaps, g.Kind) {
				rc.Gaps = append(rc.Gaps, g.Kind)
			}
		}
		t := &out.Totals
		t.Requirements++
		if len(rc.Operations) > 0 {
			t.Implemented++
		} else if needsOperation(rc.Status) {
			gap(Gap{Kind: GapNoOperation, Detail: fmt.Sprintf("%s is %s and no contract operation implements it", rc.Key, rc.Status)})
		}
		for _, op := range rc.Operations {
			t.Operations++
			if op.Exercised {
				t.Exercised++
				continue
			}
			why := "no test run was recorded for " + op.Contract + " " + op.Version
			if op.TestRun != "" {
				why = "the latest test run of " + op.Contract + " " + op.Version + " did not reach it"
			}
			gap(Gap{Kind: GapNotExercised, Operation: op.Contract + " " + op.Operation, Detail: fmt.Sprintf("%s (%s %s): %s", op.Operation, op.Method, op.Path, why)})
		}
		for _, cr := range rc.Criteria {
			t.Criteria++
			if cr.TestRef != "" {
				t.CriteriaWithTestRef++
			} else {
				gap(Gap{Kind: GapNoTestRef, Criterion: cr.ID, Detail: fmt.Sprintf("criterion %s %q names no test", cr.ID, cr.Text)})
			}
			switch cr.Result {
			case string(review.Passed):
				t.CriteriaPassed++
			case string(review.Failed):
				gap(Gap{Kind: GapCheckFailed, Criterion: cr.ID, Detail: fmt.Sprintf("criterion %s failed in %s: %s", cr.ID, rc.Review, cr.Problem)})
			}
		}
		if rc.Accepted {
			t.Accepted++
		}
	}
	return out, nil
}
