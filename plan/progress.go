package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// EventItemStateChanged is published when a scheduled item moves on.
const EventItemStateChanged = "plan.item_state_changed"

// ItemStateInput names a scheduled item and how far it is: the input of
// SetItemState.
type ItemStateInput struct {
	Ref   accord.Ref `json:"ref"`
	State ItemState  `json:"state"`
	Note  string     `json:"note,omitempty"`
	// Base (optional) is the iteration's revision the caller read: the
	// change is refused as stale (Conflict wrapping accord.ErrStale) when
	// the iteration changed since. 0 applies it to the newest revision.
	Base int `json:"base,omitempty"`
}

// SetItemState records how far a scheduled item is. Errors:
// Unauthenticated, Invalid, NotFound (the iteration, or the item in it),
// FailedPrecondition (closed), Conflict (a stale in.Base).
func (s *Service) SetItemState(ctx context.Context, project, id string, in ItemStateInput) (Iteration, error) {
	item, state, note := in.Ref, in.State, in.Note
	var errs accord.FieldErrors
	item.Validate("ref", &errs)
	if !state.Valid() {
		errs.Add("state", "unknown state %q; one of not_started, in_progress, done, blocked", state)
	}
	svc.CheckText(&errs, "note", note, svc.MaxText, false)
	if in.Base < 0 {
		errs.Add("base", "must be 0 (the newest revision) or a revision number")
	}
	if err := errs.Err("item state"); err != nil {
		return Iteration{}, err
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, err
	}
	item, err := s.canonical(ctx, project, item)
	if err != nil {
		return Iteration{}, err
	}
	return s.changeIteration(ctx, project, id, in.Base, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		i, err := it.item(item)
		if err != nil {
			return "", "", "", err
		}
		from := it.Items[i].State
		it.Items[i].State = state
		summary := fmt.Sprintf("%s: %s %s → %s by %s", it.Key, item, from, state, actor.ID)
		if note != "" {
			summary += ": " + note
		}
		return accord.RevisionEdited, EventItemStateChanged, summary, nil
	})
}

// Tally is a number of items and their effort in person-days.
type Tally struct {
	Items int     `json:"items"`
	Days  float64 `json:"days"`
}

func (t *Tally) add(days float64) {
	t.Items++
	t.Days += days
}

// ItemProgress is one item as progress counts it.
type ItemProgress struct {
	Ref       accord.Ref `json:"ref"`
	Name      string     `json:"name,omitempty"` // its key and title, when the Service has Standing
	State     ItemState  `json:"state"`          // blocked when a blocking question is open, whatever was recorded
	Assignees []string   `json:"assignees,omitempty"`
	Estimate  Estimate   `json:"estimate"`
}

// Progress is where an iteration or a milestone stands: items and effort
// by state.
type Progress struct {
	Done       Tally          `json:"done"`
	InProgress Tally          `json:"in_progress"`
	NotStarted Tally          `json:"not_started"`
	Blocked    Tally          `json:"blocked"`
	Total      Tally          `json:"total"`
	Items      []ItemProgress `json:"items"`
	// Capacity is the iteration's person-days (zero for a milestone).
	Capacity float64 `json:"capacity"`
	// Unscheduled lists a milestone's deliverables no open or closed
	// iteration has.
	Unscheduled []accord.Ref `json:"unscheduled,omitempty"`
	// OverdueQuestions are the keys of the questions about the items that
	// have waited past the project's response target for an answer.
	OverdueQuestions []string `json:"overdue_questions,omitempty"`
}

func (p *Progress) count(ip ItemProgress) {
	p.Items = append(p.Items, ip)
	p.Total.add(ip.Estimate.Days)
	switch ip.State {
	case Done:
		p.Done.add(ip.Estimate.Days)
	case InProgress:
		p.InProgress.add(ip.Estimate.Days)
	case Blocked:
		p.Blocked.add(ip.Estimate.Days)
	default:
		p.NotStarted.add(ip.Estimate.Days)
	}
}

// blockers returns the records with an open blocking question.
func (s *Service) blockers(ctx context.Context, project string) (map[accord.Ref]bool, error) {
	qs, err := svc.All(ctx, project, QuestionFilter{Status: []QuestionStatus{Open}, Blocking: true}, s.store.ListQuestions)
	if err != nil {
		return nil, err
	}
	out := make(map[accord.Ref]bool, len(qs))
	for _, q := range qs {
		out[q.About] = true
	}
	return out, nil
}

func (s *Service) itemProgress(ctx context.Context, project string, item Item, blocked map[accord.Ref]bool) (ItemProgress, error) {
	est, err := s.Estimate(ctx, project, item)
	if err != nil {
		return ItemProgress{}, err
	}
	state := item.State
	if blocked[item.Ref] && state != Done {
		state = Blocked
	}
	ip := ItemProgress{Ref: item.Ref, State: state, Assignees: item.Assignees, Estimate: est}
	if s.standing != nil {
		if st, err := s.standing.Standing(ctx, project, item.Ref); err == nil {
			ip.Name = st.Name
		}
	}
	return ip, nil
}

// IterationProgress reports an iteration's items and effort by state.
// Errors: Invalid, NotFound, and the Estimator's.
func (s *Service) IterationProgress(ctx context.Context, project, id string) (Progress, error) {
	it, err := s.GetIteration(ctx, project, id)
	if err != nil {
		return Progress{}, err
	}
	blocked, err := s.blockers(ctx, project)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Items: []ItemProgress{}, Capacity: it.PersonDays()}
	for _, item := range it.Items {
		ip, err := s.itemProgress(ctx, project, item, blocked)
		if err != nil {
			return Progress{}, err
		}
		p.count(ip)
	}
	if p.OverdueQuestions, err = s.overdueAbout(ctx, project, it.Items); err != nil {
		return Progress{}, err
	}
	return p, nil
}

// overdueAbout lists the keys of the overdue questions about the items.
func (s *Service) overdueAbout(ctx context.Context, project string, items []Item) ([]string, error) {
	late, _, err := s.overdue(ctx, project)
	var keys []string
	for _, q := range late {
		if slices.ContainsFunc(items, func(i Item) bool { return i.Ref == q.About }) {
			keys = append(keys, q.Key)
		}
	}
	return keys, err
}

// MilestoneProgress reports a milestone's deliverables by state, as the
// iterations that schedule them record it (the latest iteration of each).
// Errors: Invalid, NotFound, and the Estimator's.
func (s *Service) MilestoneProgress(ctx context.Context, project, id string) (Progress, error) {
	m, err := s.GetMilestone(ctx, project, id)
	if err != nil {
		return Progress{}, err
	}
	blocked, err := s.blockers(ctx, project)
	if err != nil {
		return Progress{}, err
	}
	// The iterations are read once; the latest that schedules an item says
	// where it stands.
	its, err := svc.All(ctx, project, IterationFilter{}, s.store.ListIterations)
	if err != nil {
		return Progress{}, err
	}
	latest := map[accord.Ref]Item{}
	for _, it := range its {
		for _, item := range it.Items {
			latest[item.Ref] = item
		}
	}
	p := Progress{Items: []ItemProgress{}}
	for _, d := range m.Deliverables {
		ref, err := s.canonical(ctx, project, d)
		if err != nil {
			return Progress{}, err
		}
		item, scheduled := latest[ref]
		if !scheduled {
			p.Unscheduled = append(p.Unscheduled, ref)
			item = Item{Ref: ref, State: NotStarted}
		}
		ip, err := s.itemProgress(ctx, project, item, blocked)
		if err != nil {
			return Progress{}, err
		}
		p.count(ip)
	}
	return p, nil
}

// BurnUpPoint is the end of one day of an iteration: the scope (the effort
// scheduled) and the effort done.
type BurnUpPoint struct {
	Date  Date    `json:"date"`
	Scope float64 `json:"scope"`
	Done  float64 `json:"done"`
}

// BurnUp returns the iteration's scope and done effort at the end of each
// working day from its start to its end, or to today for one under way,
// read from its revisions: any past day is shown as it was recorded then.
// Efforts are today's estimates of the items.
// Errors: Invalid, NotFound, and the Estimator's.
func (s *Service) BurnUp(ctx context.Context, project, id string) ([]BurnUpPoint, error) {
	it, err := s.GetIteration(ctx, project, id)
	if err != nil {
		return nil, err
	}
	// An iteration stored before its span was bounded could run for
	// millennia: refuse to draw it rather than build a point per day.
	if n := it.days(); n > MaxIterationDays {
		return nil, accord.Errorf(accord.FailedPrecondition, "%s runs %d days, more than the %d an iteration may; change its dates to see its burn-up", it.Key, n, MaxIterationDays)
	}
	revs, err := s.store.ListIterationRevisions(ctx, project, it.ID)
	if err != nil {
		return nil, err
	}
	estimates := map[accord.Ref]float64{}
	effort := func(item Item) (float64, error) {
		if item.Override != nil {
			return item.Override.Days, nil
		}
		if d, ok := estimates[item.Ref]; ok {
			return d, nil
		}
		est, err := s.Estimate(ctx, project, item)
		estimates[item.Ref] = est.Days
		return est.Days, err
	}
	start, _ := it.Start.Time()
	end, _ := it.End.Time()
	today := s.clock.Now()
	points := []BurnUpPoint{}
	r := -1
	for day := start; !day.After(end) && !day.After(today); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		endOfDay := day.AddDate(0, 0, 1)
		for r+1 < len(revs) && revs[r+1].Time.Before(endOfDay) {
			r++
		}
		pt := BurnUpPoint{Date: Date(day.Format(time.DateOnly))}
		if r >= 0 {
			for _, item := range revs[r].Record.Items {
				d, err := effort(item)
				if err != nil {
					return nil, err
				}
				pt.Scope += d
				if item.State == Done {
					pt.Done += d
				}
			}
		}
		points = append(points, pt)
	}
	return points, nil
}

// BurnUpChart draws the iteration's burn-up as SVG (BurnUpSVG).
// Errors: those of BurnUp.
func (s *Service) BurnUpChart(ctx context.Context, project, id string) ([]byte, error) {
	it, err := s.GetIteration(ctx, project, id)
	if err != nil {
		return nil, err
	}
	points, err := s.BurnUp(ctx, project, it.ID)
	if err != nil {
		return nil, err
	}
	return BurnUpSVG(it.Key+" "+it.Name, points, it.End, it.PersonDays()), nil
}

// Summary writes an iteration as Markdown to share: dates, goals,
// capacity, progress, each item with its state, assignees and estimate,
// and the commitment's warnings. Errors: those of IterationProgress.
func (s *Service) Summary(ctx context.Context, project, id string) (string, error) {
	it, err := s.GetIteration(ctx, project, id)
	if err != nil {
		return "", err
	}
	p, err := s.IterationProgress(ctx, project, it.ID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n\n%s to %s, %s. Capacity %s person-days", it.Key, it.Name, it.Start, it.End, it.Status, days(p.Capacity))
	for i, c := range it.Capacity {
		sep := ": "
		if i > 0 {
			sep = ", "
		}
		fmt.Fprintf(&b, "%s%s %s", sep, c.Member, days(c.PersonDays(it.IterationContent)))
	}
	b.WriteString(".\n")
	if len(it.Goals) > 0 {
		b.WriteString("\n## Goals\n\n")
		for _, g := range it.Goals {
			fmt.Fprintf(&b, "- %s\n", g)
		}
	}
	fmt.Fprintf(&b, "\n## Progress\n\n%s of %s person-days done (%d of %d items); %d in progress, %d not started, %d blocked.\n",
		days(p.Done.Days), days(p.Total.Days), p.Done.Items, p.Total.Items, p.InProgress.Items, p.NotStarted.Items, p.Blocked.Items)
	if len(p.Items) > 0 {
		b.WriteString("\n| Item | State | Assignees | Estimate |\n|---|---|---|---|\n")
		for _, ip := range p.Items {
			est := "none"
			if ip.Estimate.Known() {
				est = days(ip.Estimate.Days) + " (" + ip.Estimate.Source + ")"
			}
			name := ip.Name
			if name == "" {
				name = ip.Ref.String()
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, strings.ReplaceAll(string(ip.State), "_", " "), strings.Join(ip.Assignees, ", "), est)
		}
	}
	if it.Commitment != nil && len(it.Commitment.Findings) > 0 {
		fmt.Fprintf(&b, "\n## Committed by %s with warnings\n\n", it.Commitment.By)
		for _, f := range it.Commitment.Findings {
			fmt.Fprintf(&b, "- %s: %s%s\n", f.Rule, f.Message, itemList(f.Items))
		}
	}
	return b.String(), nil
}
