package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// ProgressReport is a project's 进度报告 for a period: where the plan
// stands, what was done and is under way, what changed, and the problems
// and risks: reviews waiting, questions past their response target, top
// and overdue risks, open actions, suspect links and coverage gaps. A
// section whose domain is not wired is left empty.
type ProgressReport struct {
	Project      string               `json:"project"`
	Since        time.Time            `json:"since"`
	Until        time.Time            `json:"until"`
	Iterations   []IterationStanding  `json:"iterations"`
	Milestones   []MilestoneStanding  `json:"milestones"`
	Requirements RequirementsStanding `json:"requirements"`
	Reviews      []PendingReview      `json:"reviews_pending"`
	Questions    []OverdueQuestion    `json:"questions_overdue"`
	TopRisks     []RiskLine           `json:"top_risks"`
	OverdueRisks []RiskLine           `json:"overdue_risks"`
	Actions      []OpenAction         `json:"open_actions"`
	Suspect      []SuspectLine        `json:"suspect_links"`
	Gaps         []Gap                `json:"coverage_gaps"`
	Coverage     *CoverageTotals      `json:"coverage,omitempty"`
}

// IterationStanding is an open iteration (or one that ended in the
// period) with its progress.
type IterationStanding struct {
	Key      string               `json:"key"`
	Name     string               `json:"name"`
	Status   plan.IterationStatus `json:"status"`
	Start    plan.Date            `json:"start"`
	End      plan.Date            `json:"end"`
	Progress plan.Progress        `json:"progress"`
}

// MilestoneStanding is a milestone with its progress and forecast.
type MilestoneStanding struct {
	Key      string        `json:"key"`
	Name     string        `json:"name"`
	Date     plan.Date     `json:"date"`
	Progress plan.Progress `json:"progress"`
	Forecast plan.Forecast `json:"forecast"`
}

// RequirementsStanding counts requirements by status and lists what is
// done, what is under way (with owners), and what changed in the period.
type RequirementsStanding struct {
	ByStatus   map[requirement.Status]int `json:"by_status"`
	ByOwner    []OwnerStanding            `json:"by_owner"`
	Done       []RequirementLine          `json:"done"`
	InProgress []RequirementLine          `json:"in_progress"`
	Changed    []RequirementLine          `json:"changed"`
}

// OwnerStanding is how many requirements one person owns, by status.
type OwnerStanding struct {
	Owner    string                     `json:"owner"`
	ByStatus map[requirement.Status]int `json:"by_status"`
}

// RequirementLine is one requirement in a report.
type RequirementLine struct {
	Key     string             `json:"key"`
	Title   string             `json:"title"`
	Status  requirement.Status `json:"status"`
	Owner   string             `json:"owner"`
	Changed []string           `json:"changed,omitempty"` // fields changed in the period; "created" when new
	By      string             `json:"by,omitempty"`      // who created it (when new in the period), else who changed it last
	// External are the items that stand for it in other systems (its
	// Jira issue), with their status there.
	External []accord.ExternalItem `json:"external,omitempty"`
}

// PendingReview is a review not yet decided and what it waits on.
type PendingReview struct {
	Key     string         `json:"key"`
	Title   string         `json:"title"`
	Kind    review.Kind    `json:"kind"`
	Outcome review.Outcome `json:"outcome"`
	WaitsOn []string       `json:"waits_on"`
	Due     time.Time      `json:"due,omitzero"`
}

// OverdueQuestion is a question that waited past the response target.
type OverdueQuestion struct {
	Key      string     `json:"key"`
	About    accord.Ref `json:"about"`
	Subject  string     `json:"subject"` // what About names, as people read it
	Text     string     `json:"text"`
	To       string     `json:"to"`
	Blocking bool       `json:"blocking"`
	AskedAt  time.Time  `json:"asked_at"`
}

// RiskLine is one risk in a report.
type RiskLine struct {
	Key    string      `json:"key"`
	Title  string      `json:"title"`
	Level  risk.Level  `json:"level"`
	Status risk.Status `json:"status"`
	Owner  string      `json:"owner"`
	Why    string      `json:"why,omitempty"` // what is overdue
	// External are the items that stand for it in other systems.
	External []accord.ExternalItem `json:"external,omitempty"`
}

// SuspectLine is a suspect link with both ends named as people read
// them (RISK-2 The payment provider…, REQ-1 Refund a paid order).
type SuspectLine = NamedLink

// OpenAction is an action not finished, from a risk or a retrospective.
type OpenAction struct {
	From      string    `json:"from"`       // RISK-2, RETRO-1
	FromTitle string    `json:"from_title"` // RISK-2 Provider limits, RETRO-1 Sprint 9
	Title     string    `json:"title"`
	Owner     string    `json:"owner"`
	Due       time.Time `json:"due,omitzero"`
	Overdue   bool      `json:"overdue"`
}

// topRisks is how many of the highest risks a report lists.
const topRisks = 5

// Progress reports on the project for the period from since to now (the
// clock's). The requirements are read a page at a time and folded into
// the report as they come: besides the report's own lines, it holds one
// page of them, the names of those the overdue questions and suspect
// links name, and the contracts' operations and acceptance checks the
// coverage traces them to, so a project of a few hundred thousand
// requirements costs the report's lines, not every requirement whole.
// Errors: Invalid (bad project, since after now).
func (s Reports) Progress(ctx context.Context, project string, since time.Time) (ProgressReport, error) {
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
	var err error
	if s.items, err = externalItems(ctx, s.external, project); err != nil {
		return r, err
	}
	// The requirements are read last, a page at a time, and each page is
	// folded into the requirement section and the coverage; of each
	// requirement only its lines stay, and the names of the ones the
	// overdue questions and suspect links name, read first for that.
	var questions []plan.Question
	if s.services.Plans != nil {
		if questions, err = s.services.Plans.Overdue(ctx, project); err != nil {
			return r, err
		}
	}
	var suspect []trace.Link
	if s.services.Traces != nil {
		if suspect, err = s.services.Traces.All(ctx, project, trace.Filter{Status: []trace.Status{trace.Suspect}}); err != nil {
			return r, err
		}
	}
	names := map[accord.Ref]string{} // "" until the requirement is read
	for _, q := range questions {
		wantName(names, q.About)
	}
	for _, l := range suspect {
		wantName(names, l.From)
		wantName(names, l.To)
	}
	var cov *coverageTrace
	if s.coverage.Requirements != nil {
		if cov, err = s.coverage.trace(ctx, project); err != nil {
			return r, err
		}
	}
	owners := map[string]int{}
	err = eachPage(ctx, project, requirement.Filter{}, s.services.Requirements.List, func(reqs []requirement.Requirement) error {
		for _, q := range reqs {
			if _, ok := names[q.Ref()]; ok {
				names[q.Ref()] = q.Key + " " + q.Title
			}
			if cov != nil {
				cov.add(q)
			}
		}
		return s.requirementSection(ctx, &r, owners, reqs)
	})
	if err != nil {
		return r, err
	}
	if err := s.planSection(ctx, &r, questions, names); err != nil {
		return r, err
	}
	for _, step := range []func(context.Context, *ProgressReport) error{s.reviewSection, s.riskSection, s.retroSection} {
		if err := step(ctx, &r); err != nil {
			return r, err
		}
	}
	s.traceSection(ctx, &r, suspect, names)
	if cov != nil {
		r.Gaps, r.Coverage = cov.gaps, &cov.totals
	}
	return r, nil
}

// wantName notes that the report names the record ref: when it is a
// requirement, its name is kept as the requirements are read.
func wantName(names map[accord.Ref]string, ref accord.Ref) {
	if ref.Kind == requirement.RefKind {
		names[ref] = ""
	}
}

func (s Reports) clock() accord.Clock {
	if s.coverage.Clock != nil {
		return s.coverage.Clock
	}
	return accord.SystemClock()
}

// planSection reports the iterations, milestones and the overdue
// questions (read already), naming each question's subject from names
// (requirements) or else through Records.
func (s Reports) planSection(ctx context.Context, r *ProgressReport, questions []plan.Question, names map[accord.Ref]string) error {
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
	for _, q := range questions {
		to := q.To.Actor
		if to == "" {
			to = "role " + q.To.Role
		}
		subject := q.About.String()
		if n := names[q.About]; n != "" {
			subject = n
		} else if t, err := s.services.Records.Target(ctx, r.Project, q.About); err == nil {
			subject = t.Title
		}
		r.Questions = append(r.Questions, OverdueQuestion{Key: q.Key, About: q.About, Subject: subject, Text: q.Text, To: to, Blocking: q.Blocking, AskedAt: q.AskedAt})
	}
	return nil
}

// requirementSection folds one page of the requirements into the
// requirement section: the counts (owners says where each owner's are),
// the done and in-progress lines, and the lines of those changed in the
// period, against their histories read together for the page.
func (s Reports) requirementSection(ctx context.Context, r *ProgressReport, owners map[string]int, reqs []requirement.Requirement) error {
	st := &r.Requirements
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

// changedLine is a requirement changed in the report's period, with its
// line.
type changedLine struct {
	line RequirementLine
	req  requirement.Requirement
}

// histories reads the revisions of the requirements ids names: from the
// store in one query per few hundred when it offers that
// (adapters/sqlstore's RequirementRevisionsOf; the report's reader passed
// the service's read check when it listed them), else one History call
// each.
func (s Reports) histories(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[requirement.Requirement], error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if b, ok := s.coverage.Requirements.(interface {
		RequirementRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[requirement.Requirement], error)
	}); ok {
		return b.RequirementRevisionsOf(ctx, project, ids)
	}
	out := make(map[string][]accord.Revision[requirement.Requirement], len(ids))
	for _, id := range ids {
		hist, err := s.services.Requirements.History(ctx, project, id)
		if err != nil {
			return nil, err
		}
		out[id] = hist
	}
	return out, nil
}

func (s Reports) reviewSection(ctx context.Context, r *ProgressReport) error {
	if s.services.Reviews == nil {
		return nil
	}
	rvs, err := svc.All(ctx, r.Project, review.Filter{}, s.services.Reviews.List)
	if err != nil {
		return err
	}
	for _, rv := range rvs {
		ev := s.services.Reviews.Evaluate(rv)
		if ev.Outcome == review.Approved || ev.Outcome == review.Rejected {
			continue
		}
		waits := []string{}
		for _, u := range ev.Unmet {
			waits = append(waits, u.Message)
		}
		r.Reviews = append(r.Reviews, PendingReview{Key: rv.Key, Title: rv.Title, Kind: rv.Kind, Outcome: ev.Outcome, WaitsOn: waits, Due: rv.Due})
	}
	return nil
}

func (s Reports) riskSection(ctx context.Context, r *ProgressReport) error {
	if s.services.Risks == nil {
		return nil
	}
	risks, err := svc.All(ctx, r.Project, risk.Filter{}, s.services.Risks.List)
	if err != nil {
		return err
	}
	open := slices.DeleteFunc(slices.Clone(risks), func(k risk.Risk) bool { return !k.Status.Open() })
	rank := func(l risk.Level) int { return slices.Index(risk.Levels(), l) }
	slices.SortStableFunc(open, func(a, b risk.Risk) int { return rank(b.Level()) - rank(a.Level()) })
	line := func(k risk.Risk, why string) RiskLine {
		return RiskLine{Key: k.Key, Title: k.Title, Level: k.Level(), Status: k.Status, Owner: k.Owner, Why: why,
			External: s.itemsOf(accord.Ref{Kind: risk.RefKind, ID: k.ID}, k.Key)}
	}
	// Unassessed risks have no level yet: they come after the scored ones.
	for _, k := range open[:min(topRisks, len(open))] {
		r.TopRisks = append(r.TopRisks, line(k, ""))
	}
	od, err := s.services.Risks.Overdue(ctx, r.Project, r.Until)
	if err != nil {
		return err
	}
	why := map[string][]string{}
	var order []string
	note := func(key, what string) {
		if _, ok := why[key]; !ok {
			order = append(order, key)
		}
		why[key] = append(why[key], what)
	}
	for _, d := range od.Reviews {
		note(d.Key, "review due "+d.Due.Format(time.DateOnly))
	}
	for _, a := range od.Actions {
		note(a.Key, "action late: "+a.Action.Title)
	}
	for _, a := range od.Acceptances {
		note(a.Key, "acceptance expired "+a.Acceptance.Expires.Format(time.DateOnly))
	}
	byKey := map[string]risk.Risk{}
	for _, k := range risks {
		byKey[k.Key] = k
	}
	for _, key := range order {
		r.OverdueRisks = append(r.OverdueRisks, line(byKey[key], strings.Join(why[key], "; ")))
	}
	for _, k := range open {
		if k.Response == nil {
			continue
		}
		for _, a := range k.Response.Actions {
			r.Actions = append(r.Actions, openAction(k.Key, k.Key+" "+k.Title, a, r.Until)...)
		}
	}
	return nil
}

func openAction(from, fromTitle string, a accord.Action, now time.Time) []OpenAction {
	if a.Status.Finished() {
		return nil
	}
	return []OpenAction{{From: from, FromTitle: fromTitle, Title: a.Title, Owner: a.Owner, Due: a.Due, Overdue: !a.Due.IsZero() && a.Due.Before(now)}}
}

func (s Reports) retroSection(ctx context.Context, r *ProgressReport) error {
	if s.services.Retros == nil {
		return nil
	}
	retros, err := svc.All(ctx, r.Project, retro.Filter{}, s.services.Retros.List)
	if err != nil {
		return err
	}
	// An action carried forward appears in every retrospective since;
	// the newest holds its current state.
	type held struct {
		from, title string
		action      accord.Action
	}
	latest := map[string]held{}
	var order []string
	for _, rt := range retros {
		for _, a := range rt.Actions {
			key := a.Origin.String() + "#" + a.ID
			if _, ok := latest[key]; !ok {
				order = append(order, key)
			}
			latest[key] = held{rt.Key, rt.Key + " " + rt.Title, a.Action}
		}
	}
	for _, key := range order {
		r.Actions = append(r.Actions, openAction(latest[key].from, latest[key].title, latest[key].action, r.Until)...)
	}
	return nil
}

// traceSection names both ends of the suspect links (read already):
// requirements from names, other records through Records, each read once.
func (s Reports) traceSection(ctx context.Context, r *ProgressReport, links []trace.Link, names map[accord.Ref]string) {
	titles := map[accord.Ref]string{}
	title := func(ref accord.Ref) string {
		if n := names[ref]; n != "" {
			return n
		}
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

// Markdown renders the report to share: current state, done, in
// progress, problems and risks.
func (r ProgressReport) Markdown() string {
	var b strings.Builder
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	fmt.Fprintf(&b, "# Progress report: %s, %s to %s\n\n", r.Project, day(r.Since), day(r.Until))

	b.WriteString("## Current state\n\n")
	for _, it := range r.Iterations {
		p := it.Progress
		fmt.Fprintf(&b, "- %s %s (%s, %s to %s): %d of %d item(s) done, %.1f of %.1f day(s); %d in progress, %d blocked\n", it.Key, it.Name, it.Status,
			it.Start, it.End, p.Done.Items, p.Total.Items, p.Done.Days, p.Total.Days, p.InProgress.Items, p.Blocked.Items)
	}
	for _, m := range r.Milestones {
		state := "on track"
		if m.Forecast.Slipped {
			state = "slipping"
		}
		forecast := string(m.Forecast.Forecast)
		if forecast == "" {
			forecast = "no forecast yet"
		}
		fmt.Fprintf(&b, "- Milestone %s %s, due %s: %s (forecast %s; %.1f day(s) remaining)\n", m.Key, m.Name, m.Date, state, forecast, m.Forecast.Remaining)
	}
	counts := make([]string, 0, len(r.Requirements.ByStatus))
	for _, st := range requirement.Statuses() {
		if n := r.Requirements.ByStatus[st]; n > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", st, n))
		}
	}
	fmt.Fprintf(&b, "- Requirements: %s\n", orDash(strings.Join(counts, ", ")))
	for _, o := range r.Requirements.ByOwner {
		var mine []string
		for _, st := range requirement.Statuses() {
			if n := o.ByStatus[st]; n > 0 {
				mine = append(mine, fmt.Sprintf("%s %d", st, n))
			}
		}
		fmt.Fprintf(&b, "  - owned by %s: %s\n", orDash(o.Owner), strings.Join(mine, ", "))
	}
	if c := r.Coverage; c != nil {
		fmt.Fprintf(&b, "- Coverage: %d of %d requirement(s) implemented; %d of %d operation(s) exercised; %d of %d criteria passed\n",
			c.Implemented, c.Requirements, c.Exercised, c.Operations, c.CriteriaPassed, c.Criteria)
	}

	reqLines := func(title string, lines []RequirementLine) {
		fmt.Fprintf(&b, "\n## %s\n\n", title)
		if len(lines) == 0 {
			b.WriteString("None.\n")
		}
		for _, l := range lines {
			fmt.Fprintf(&b, "- %s %s (%s, %s)", l.Key, l.Title, l.Status, l.Owner)
			if len(l.Changed) > 0 {
				fmt.Fprintf(&b, ": %s by %s", strings.Join(l.Changed, ", "), l.By)
			}
			b.WriteString(itemsText(l.External))
			b.WriteString("\n")
		}
	}
	reqLines("Done", r.Requirements.Done)
	reqLines("In progress", r.Requirements.InProgress)
	reqLines("Changed since "+day(r.Since), r.Requirements.Changed)

	b.WriteString("\n## Problems and risks\n\n")
	list := func(title string, lines []string) {
		fmt.Fprintf(&b, "### %s (%d)\n\n", title, len(lines))
		if len(lines) == 0 {
			b.WriteString("None.\n\n")
			return
		}
		b.WriteString(strings.Join(lines, "\n") + "\n\n")
	}
	var lines []string
	for _, rv := range r.Reviews {
		lines = append(lines, fmt.Sprintf("- %s %s (%s): waits on %s", rv.Key, rv.Title, rv.Outcome, strings.Join(rv.WaitsOn, "; ")))
	}
	list("Reviews pending", lines)
	lines = nil
	for _, q := range r.Questions {
		blocking := ""
		if q.Blocking {
			blocking = ", blocking"
		}
		lines = append(lines, fmt.Sprintf("- %s about %s, to %s%s, asked %s: %s", q.Key, q.Subject, q.To, blocking, q.AskedAt.UTC().Format("2006-01-02 15:04"), q.Text))
	}
	list("Questions past their response target", lines)
	lines = nil
	for _, k := range r.TopRisks {
		level := string(k.Level)
		if level == "" {
			level = "not assessed"
		}
		lines = append(lines, fmt.Sprintf("- %s %s: %s, %s, owner %s%s", k.Key, k.Title, level, k.Status, k.Owner, itemsText(k.External)))
	}
	list("Top risks", lines)
	lines = nil
	for _, k := range r.OverdueRisks {
		lines = append(lines, fmt.Sprintf("- %s %s (owner %s): %s%s", k.Key, k.Title, k.Owner, k.Why, itemsText(k.External)))
	}
	list("Overdue risks", lines)
	lines = nil
	for _, a := range r.Actions {
		due := ""
		if !a.Due.IsZero() {
			due = ", due " + day(a.Due)
			if a.Overdue {
				due += " (overdue)"
			}
		}
		lines = append(lines, fmt.Sprintf("- %s: %s, owner %s%s", a.FromTitle, a.Title, a.Owner, due))
	}
	list("Open actions", lines)
	lines = nil
	for _, l := range r.Suspect {
		why := "it no longer exists"
		if l.Suspicion != nil && !l.Suspicion.Gone {
			why = fmt.Sprintf("%s changed (revision %d to %d)", strings.Join(l.Suspicion.Fields, ", "), l.TargetRevision, l.Suspicion.Revision)
		}
		lines = append(lines, fmt.Sprintf("- %s %s %s: %s", l.FromTitle, l.Role, l.ToTitle, why))
	}
	list("Suspect links", lines)
	lines = nil
	for _, g := range r.Gaps {
		lines = append(lines, fmt.Sprintf("- %s, %s %s: %s", g.Kind, g.Requirement, g.Title, g.Detail))
	}
	list("Coverage gaps", lines)
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// externalItems reads every reference of the project once, a page at a
// time, and keeps its item by the record it stands for: by ID, and by
// the name it was referenced by (a key).
func externalItems(ctx context.Context, refs external.Store, project string) (map[accord.Ref][]accord.ExternalItem, error) {
	out := map[accord.Ref][]accord.ExternalItem{}
	if refs == nil {
		return out, nil
	}
	err := eachPage(ctx, project, external.Filter{}, refs.ListReferences, func(page []external.Reference) error {
		for _, r := range page {
			out[r.Record] = append(out[r.Record], r.Item())
			if r.RecordName != "" && r.RecordName != r.Record.ID {
				named := accord.Ref{Kind: r.Record.Kind, ID: r.RecordName}
				out[named] = append(out[named], r.Item())
			}
		}
		return nil
	})
	return out, err
}

// itemsOf returns the items of the record ref, which has key.
func (s Reports) itemsOf(ref accord.Ref, key string) []accord.ExternalItem {
	if items := s.items[ref]; items != nil {
		return items
	}
	return s.items[accord.Ref{Kind: ref.Kind, ID: key}]
}

// itemsText names items for the Markdown report: " · jira SHOP-1 (Done)".
func itemsText(items []accord.ExternalItem) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, " · %s %s", it.System, it.Key)
		if it.Status != "" {
			fmt.Fprintf(&b, " (%s)", it.Status)
		}
	}
	return b.String()
}
