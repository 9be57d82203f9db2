package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
	"github.com/accordhq/accord/internal/svc"
)

// Date is a calendar day, written 2026-11-23. Plans count working days
// (Monday to Friday) between dates.
type Date string

// Time is the start of the day in UTC; ok is false for a malformed date.
func (d Date) Time() (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, string(d))
	return t, err == nil
}

func (d Date) validate(field string, errs *accord.FieldErrors, required bool) {
	if d == "" {
		if required {
			errs.Add(field, "required")
		}
		return
	}
	if _, ok := d.Time(); !ok {
		errs.Add(field, "must be a date written YYYY-MM-DD, got %q", string(d))
	}
}

// workingDays counts Monday to Friday from from to to, both included.
func workingDays(from, to Date) int {
	f, ok1 := from.Time()
	t, ok2 := to.Time()
	if !ok1 || !ok2 {
		return 0
	}
	n := 0
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// Iteration is a stretch of work with goals, the people who do it and the
// items scheduled into it.
type Iteration struct {
	ID      string          `json:"id"`
	Project string          `json:"project"`
	Key     string          `json:"key"` // IT-1
	Status  IterationStatus `json:"status"`
	IterationContent
	Items []Item `json:"items"`
	// Commitment is what the last Commit found: the rules that warned.
	Commitment *Commitment `json:"commitment,omitempty"`
	accord.Stamp
}

// IterationContent is what people write about an iteration: the input of
// CreateIteration and UpdateIteration.
type IterationContent struct {
	Name     string     `json:"name"`
	Start    Date       `json:"start"`
	End      Date       `json:"end"` // the last day, included
	Goals    []string   `json:"goals,omitempty"`
	Capacity []Capacity `json:"capacity,omitempty"`
	Note     string     `json:"note,omitempty"` // why, for the revision
}

// Capacity is what one person can give an iteration: DaysPerWeek of each
// working week (5 for full time), less their absences.
type Capacity struct {
	Member      string    `json:"member"`
	DaysPerWeek float64   `json:"days_per_week"`
	Absences    []Absence `json:"absences,omitempty"`
}

// Absence is a stretch of days a member is away, both ends included.
type Absence struct {
	From   Date   `json:"from"`
	To     Date   `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// PersonDays is the member's capacity within the iteration: the working
// days they are there, scaled by their days per week.
func (c Capacity) PersonDays(it IterationContent) float64 {
	total := workingDays(it.Start, it.End)
	away := 0
	for _, a := range c.Absences {
		from, to := a.From, a.To
		if from < it.Start {
			from = it.Start
		}
		if to > it.End {
			to = it.End
		}
		if from <= to {
			away += workingDays(from, to)
		}
	}
	return float64(total-away) * c.DaysPerWeek / 5
}

// Item is a piece of agreed work scheduled into an iteration: a
// requirement, a change request or a contract version.
type Item struct {
	Ref       accord.Ref `json:"ref"`
	Assignees []string   `json:"assignees,omitempty"`
	State     ItemState  `json:"state"`
	// Override is an estimate written into the plan, which replaces the
	// review's; nil when the review's is used.
	Override *Override `json:"override,omitempty"`
	// Trim is the change request proposed to trim the item's scope.
	Trim        *accord.Ref `json:"trim,omitempty"`
	ScheduledBy string      `json:"scheduled_by"`
	ScheduledAt time.Time   `json:"scheduled_at"`
}

// Override is an estimate given in the plan instead of the review's.
type Override struct {
	Days   float64 `json:"days"`
	Reason string  `json:"reason"`
}

// Estimate is an item's effort as the plan counts it, and where it came
// from.
type Estimate struct {
	Days float64 `json:"days"`
	// Source is "override", or the review the days come from (RV-3);
	// empty when the item has no estimate.
	Source string `json:"source,omitempty"`
	// Estimates are the review's separate assessments, when it had
	// several: the plan counts the largest (see Estimator).
	Estimates []float64 `json:"estimates,omitempty"`
}

// Known reports whether the item has an estimate.
func (e Estimate) Known() bool { return e.Source != "" }

// Commitment is the outcome of committing an iteration: when, by whom, and
// the findings of the rules that only warn.
type Commitment struct {
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Findings []Finding `json:"findings,omitempty"`
}

// Finding is one rule an iteration breaks, with the items concerned.
type Finding struct {
	Rule    Rule         `json:"rule"`
	Action  Action       `json:"action"` // what the project's settings do about it
	Message string       `json:"message"`
	Items   []accord.Ref `json:"items,omitempty"`
}

// ScheduleInput puts an item into an iteration.
type ScheduleInput struct {
	Ref       accord.Ref `json:"ref"`
	Assignees []string   `json:"assignees,omitempty"`
	Override  *Override  `json:"override,omitempty"`
	Note      string     `json:"note,omitempty"`
}

// schedulable are the kinds of records an iteration takes.
var schedulable = []string{"requirement", "change_request", "contract_version"}

// Validate reports every problem of the input, naming its field.
func (in ScheduleInput) Validate() error {
	var errs accord.FieldErrors
	in.Ref.Validate("ref", &errs)
	if in.Ref.Kind != "" && !slices.Contains(schedulable, in.Ref.Kind) {
		errs.Add("ref.kind", "an iteration schedules requirements, change requests and contract versions, not %q", in.Ref.Kind)
	}
	for i, a := range in.Assignees {
		svc.CheckID(&errs, fmt.Sprintf("assignees[%d]", i), a)
	}
	if o := in.Override; o != nil {
		if o.Days <= 0 || o.Days > 1000 {
			errs.Add("override.days", "must be more than 0 and at most 1000 person-days, got %v", o.Days)
		}
		svc.CheckText(&errs, "override.reason", o.Reason, svc.MaxText, true)
	}
	svc.CheckText(&errs, "note", in.Note, svc.MaxText, false)
	svc.CheckBounds(&errs, "", in)
	return errs.Err("schedule")
}

// Limits of an iteration. Iterations usually last weeks; a span of years
// is allowed, but not more: every working day of it is a point of its
// burn-up and a term of its capacity.
const (
	MaxIterationDays = 4 * 366 // first to last day, both included
	MaxGoals         = 100
)

// days is the number of calendar days from the start to the end, both
// included; 0 when either date is malformed.
func (c IterationContent) days() int {
	start, ok1 := c.Start.Time()
	end, ok2 := c.End.Time()
	if !ok1 || !ok2 {
		return 0
	}
	return int(end.Sub(start).Hours()/24) + 1
}

// Validate reports every problem of the content, naming its field.
func (c IterationContent) Validate() error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "name", c.Name, svc.MaxName, true)
	c.Start.validate("start", &errs, true)
	c.End.validate("end", &errs, true)
	if c.Start != "" && c.End != "" && c.End < c.Start {
		errs.Add("end", "is before the start (%s)", c.Start)
	} else if n := c.days(); n > MaxIterationDays {
		errs.Add("end", "is %d days from the start (%s); an iteration lasts at most %d days", n, c.Start, MaxIterationDays)
	}
	if len(c.Goals) > MaxGoals {
		errs.Add("goals", "more than %d goals", MaxGoals)
	}
	for i, g := range c.Goals {
		svc.CheckText(&errs, fmt.Sprintf("goals[%d]", i), g, svc.MaxText, true)
	}
	members := map[string]bool{}
	for i, cp := range c.Capacity {
		at := fmt.Sprintf("capacity[%d].", i)
		svc.CheckID(&errs, at+"member", cp.Member)
		if members[cp.Member] {
			errs.Add(at+"member", "%q is listed twice", cp.Member)
		}
		members[cp.Member] = true
		if cp.DaysPerWeek <= 0 || cp.DaysPerWeek > 7 {
			errs.Add(at+"days_per_week", "must be more than 0 and at most 7, got %v", cp.DaysPerWeek)
		}
		for j, a := range cp.Absences {
			aat := fmt.Sprintf("%sabsences[%d].", at, j)
			a.From.validate(aat+"from", &errs, true)
			a.To.validate(aat+"to", &errs, true)
			if a.From != "" && a.To != "" && a.To < a.From {
				errs.Add(aat+"to", "is before from (%s)", a.From)
			}
			svc.CheckText(&errs, aat+"reason", a.Reason, svc.MaxText, false)
		}
	}
	svc.CheckText(&errs, "note", c.Note, svc.MaxText, false)
	svc.CheckBounds(&errs, "", c)
	return errs.Err("iteration")
}

// Ref points at the iteration.
func (it Iteration) Ref() accord.Ref { return accord.Ref{Kind: IterationRefKind, ID: it.ID} }

// item returns the index of the scheduled item, or NotFound.
func (it *Iteration) item(ref accord.Ref) (int, error) {
	if i := slices.IndexFunc(it.Items, func(x Item) bool { return x.Ref == ref }); i >= 0 {
		return i, nil
	}
	return -1, accord.Errorf(accord.NotFound, "%s is not scheduled in %s", ref, it.Key)
}

// has reports whether the item is scheduled.
func (it *Iteration) has(ref accord.Ref) bool { _, err := it.item(ref); return err == nil }

// newItem is an item just scheduled by in.
func newItem(in ScheduleInput, by string, at time.Time) Item {
	item := Item{Ref: in.Ref, Assignees: slices.Clone(in.Assignees), State: NotStarted, ScheduledBy: by, ScheduledAt: at}
	if in.Override != nil {
		o := *in.Override
		item.Override = &o
	}
	return item
}

// PersonDays is the team's capacity in the iteration.
func (it Iteration) PersonDays() float64 {
	total := 0.0
	for _, c := range it.Capacity {
		total += c.PersonDays(it.IterationContent)
	}
	return total
}

// Clone returns a deep copy.
func (it Iteration) Clone() Iteration {
	it.IterationContent = it.IterationContent.clone()
	it.Items = slices.Clone(it.Items)
	for i := range it.Items {
		it.Items[i].Assignees = slices.Clone(it.Items[i].Assignees)
		if o := it.Items[i].Override; o != nil {
			c := *o
			it.Items[i].Override = &c
		}
		if t := it.Items[i].Trim; t != nil {
			c := *t
			it.Items[i].Trim = &c
		}
	}
	if it.Commitment != nil {
		c := *it.Commitment
		c.Findings = slices.Clone(c.Findings)
		for i := range c.Findings {
			c.Findings[i].Items = slices.Clone(c.Findings[i].Items)
		}
		it.Commitment = &c
	}
	return it
}

func (c IterationContent) clone() IterationContent {
	c.Goals = slices.Clone(c.Goals)
	c.Capacity = slices.Clone(c.Capacity)
	for i := range c.Capacity {
		c.Capacity[i].Absences = slices.Clone(c.Capacity[i].Absences)
	}
	return c
}

// Milestone is a date by which deliverables must be done.
type Milestone struct {
	ID      string `json:"id"`
	Project string `json:"project"`
	Key     string `json:"key"` // MS-1
	MilestoneContent
	accord.Stamp
}

// MilestoneContent is what people write about a milestone: the input of
// CreateMilestone and UpdateMilestone.
type MilestoneContent struct {
	Name         string       `json:"name"`
	Date         Date         `json:"date"`
	Deliverables []accord.Ref `json:"deliverables,omitempty"`
	Note         string       `json:"note,omitempty"`
}

// MaxMilestoneYears is how far after today a milestone may be set: a
// plan's horizon is a few years, and forecasts run up to the date.
const MaxMilestoneYears = 10

// checkHorizon refuses a milestone date more than MaxMilestoneYears after
// now.
func (c MilestoneContent) checkHorizon(now time.Time) error {
	d, ok := c.Date.Time()
	if limit := now.AddDate(MaxMilestoneYears, 0, 0); ok && d.After(limit) {
		return accord.InvalidField("milestone", "date", "is more than %d years from today; set a milestone on or before %s", MaxMilestoneYears, limit.Format(time.DateOnly))
	}
	return nil
}

// Validate reports every problem of the content, naming its field.
func (c MilestoneContent) Validate() error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "name", c.Name, svc.MaxName, true)
	c.Date.validate("date", &errs, true)
	for i, d := range c.Deliverables {
		d.Validate(fmt.Sprintf("deliverables[%d]", i), &errs)
	}
	svc.CheckText(&errs, "note", c.Note, svc.MaxText, false)
	svc.CheckBounds(&errs, "", c)
	return errs.Err("milestone")
}

// Ref points at the milestone.
func (m Milestone) Ref() accord.Ref { return accord.Ref{Kind: MilestoneRefKind, ID: m.ID} }

// Clone returns a deep copy.
func (m Milestone) Clone() Milestone {
	m.Deliverables = slices.Clone(m.Deliverables)
	return m
}

// IterationContentChanges lists the content fields that differ from a to
// b: what a link to the iteration relies on, its dates, goals and the
// items it schedules (by ref: efforts and notes move on their own).
func IterationContentChanges(a, b Iteration) []string {
	type content struct {
		Start Date         `json:"start"`
		End   Date         `json:"end"`
		Goals []string     `json:"goals"`
		Items []accord.Ref `json:"items"`
	}
	view := func(it Iteration) content {
		c := content{Start: it.Start, End: it.End, Goals: it.Goals}
		for _, item := range it.Items {
			c.Items = append(c.Items, item.Ref)
		}
		return c
	}
	return diff.Paths(diff.Fields(view(a), view(b)))
}

// MilestoneContentChanges lists the content fields that differ from a to
// b: what a link to the milestone relies on, its date and deliverables.
func MilestoneContentChanges(a, b Milestone) []string {
	type content struct {
		Date         Date         `json:"date"`
		Deliverables []accord.Ref `json:"deliverables"`
	}
	return diff.Paths(diff.Fields(content{a.Date, a.Deliverables}, content{b.Date, b.Deliverables}))
}
