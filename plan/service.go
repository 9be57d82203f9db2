package plan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Estimator gives the effort estimates of an item, in person-days, from
// its latest approved review: one per feasibility assessment, and the
// review they come from (RV-3). It returns no estimates when there is no
// approved review with one. adapters/link implements it over reviews.
//
// When the review has several assessments (several engineers estimated),
// the plan counts the largest: an item is done when the slowest reading of
// its scope is, and averaging would plan for a day that never comes.
type Estimator interface {
	Estimates(ctx context.Context, project string, item accord.Ref) (source string, days []float64, err error)
}

// Standing tells where a scheduled item stands in its own lifecycle.
// adapters/link implements it over requirements, change requests,
// contract versions and reviews.
type Standing interface {
	Standing(ctx context.Context, project string, item accord.Ref) (ItemStanding, error)
}

// ItemStanding is where an item stands.
type ItemStanding struct {
	// Ref is how the item is stored (by ID), when it was named otherwise
	// (by key): Schedule keeps this one, so an item is never in twice.
	Ref           accord.Ref
	Name          string // how people know it: its key and title (REQ-3 Refund an order)
	Status        string // its own status, for messages (approved, in_review, …)
	Approved      bool   // approved, or agreed for a contract version
	ReviewPending bool   // a review of it is under way
}

// Options configure a Service. Store is required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; every
	// command asks it for the permission it needs. project.Service is
	// one. Without it, callers hold the roles their accord.Actor carries,
	// under accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Events     accord.EventSink // optional: receives an event after every change
	Clock      accord.Clock     // optional: defaults to accord.SystemClock()
	// Estimator (optional) gives items their effort from reviews; without
	// it only overrides count.
	Estimator Estimator
	// Standing (optional) tells whether items are approved; without it
	// Schedule does not check that an item exists, and Commit does not
	// apply the not_approved and review_pending rules.
	Standing Standing
	// Risks (optional) files the schedule risks of slipping milestones.
	Risks ScheduleRisks
	// ChangeRequests (optional) opens the change requests of TrimScope.
	ChangeRequests ChangeRequests
}

// Service owns planning's rules: iterations with goals and capacity, items
// scheduled with their effort, the checks of a commitment, and
// milestones. It is safe for concurrent use.
type Service struct {
	guard     svc.Guard
	store     Store
	pub       svc.Publisher
	clock     accord.Clock
	estimator Estimator
	standing  Standing
	risks     ScheduleRisks
	changes   ChangeRequests

	iterations svc.Commands[Iteration, *Iteration]
	milestones svc.Commands[Milestone, *Milestone]
	questions  svc.Commands[Question, *Question]
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "plan.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock,
		estimator: opts.Estimator, standing: opts.Standing, risks: opts.Risks, changes: opts.ChangeRequests}
	st := opts.Store
	s.iterations = svc.Commands[Iteration, *Iteration]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Iteration]{
		What: "iteration", Prefix: IterationKeyPrefix, Get: st.GetIteration, ByKey: st.GetIterationByKey, Update: st.UpdateIteration,
		Name: func(it Iteration) (string, string) { return it.Key, it.Name }, Content: IterationContentChanges}}
	s.milestones = svc.Commands[Milestone, *Milestone]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Milestone]{
		What: "milestone", Prefix: MilestoneKeyPrefix, Get: st.GetMilestone, ByKey: st.GetMilestoneByKey, Update: st.UpdateMilestone,
		Name: func(m Milestone) (string, string) { return m.Key, m.Name }, Content: MilestoneContentChanges}}
	s.questions = svc.Commands[Question, *Question]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Question]{
		What: "question", Prefix: QuestionKeyPrefix, Get: st.GetQuestion, ByKey: st.GetQuestionByKey, Update: st.UpdateQuestion,
		Name: func(q Question) (string, string) { return q.Key, q.Text }}}
	return s, nil
}

// Settings returns the project's planning settings, the defaults filled
// in. Errors: Invalid (bad project).
func (s *Service) Settings(ctx context.Context, project string) (Settings, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return st, err
	}
	def := DefaultSettings(project)
	rules := def.Commit
	for r, a := range st.Commit {
		rules[r] = a
	}
	st.Commit, st.Project = rules, project
	if st.ResponseTargetHours == 0 {
		st.ResponseTargetHours = def.ResponseTargetHours
	}
	if st.WorkingHours == (WorkingHours{}) {
		st.WorkingHours = def.WorkingHours
	}
	return st, nil
}

// UpdateSettings replaces the project's planning settings at revision base
// (0 when never set). Errors: Unauthenticated, Invalid, Conflict (stale).
func (s *Service) UpdateSettings(ctx context.Context, project string, base int, in Settings) (Settings, error) {
	if err := in.Validate(); err != nil {
		return Settings{}, err
	}
	in.Project = project
	st := svc.Settings[Settings]{Guard: s.guard, What: "plan settings", Event: EventSettingsChanged, Get: s.store.GetSettings, Put: s.store.PutSettings}
	return st.Update(ctx, s.pub, project, base, in, func(x *Settings) *accord.Stamp { return &x.Stamp })
}

// CreateIteration plans a new iteration, in planning, as revision 1.
// Errors: Unauthenticated, Invalid.
func (s *Service) CreateIteration(ctx context.Context, project string, in IterationContent) (Iteration, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Iteration{}, err
	}
	if err := in.Validate(); err != nil {
		return Iteration{}, err
	}
	note := in.Note
	in.Note = ""
	now := s.clock.Now()
	it := Iteration{ID: accord.NewID(now), Project: project, Status: Planning, IterationContent: in.clone(), Items: []Item{},
		Stamp: accord.NewStamp(actor.ID, now)}
	it, err = s.store.CreateIteration(ctx, svc.Revision(it, accord.RevisionCreated, note))
	if err != nil {
		return Iteration{}, err
	}
	s.iterations.Publish(ctx, project, it, actor, EventIterationCreated, "%s %q planned by %s, %s to %s", it.Key, it.Name, actor.ID, it.Start, it.End)
	return it, nil
}

// GetIteration returns an iteration by ID or key. Errors: Invalid,
// NotFound.
func (s *Service) GetIteration(ctx context.Context, project, id string) (Iteration, error) {
	return s.iterations.Get(ctx, project, id)
}

// ListIterations returns one page of the project's iterations that match
// f, in creation order. Errors: Invalid.
func (s *Service) ListIterations(ctx context.Context, project string, f IterationFilter, q accord.PageQuery) (accord.Page[Iteration], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Iteration]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Iteration]{}, err
	}
	if f.Item.Kind != "" {
		if f.Item, err = s.canonical(ctx, project, f.Item); accord.ErrorCode(err) == accord.NotFound {
			return accord.Page[Iteration]{Items: []Iteration{}}, nil
		} else if err != nil {
			return accord.Page[Iteration]{}, err
		}
	}
	return s.store.ListIterations(ctx, project, f, q)
}

// iterationEdit changes an iteration in place and says what it did.
type iterationEdit func(it *Iteration, actor accord.Actor, now time.Time) (kind accord.RevisionKind, event, summary string, err error)

// changeIteration applies e to the iteration at revision base (0: the
// newest, retrying when a concurrent change got there first) on the one
// command path. A closed iteration takes no change.
func (s *Service) changeIteration(ctx context.Context, project, id string, base int, e iterationEdit) (Iteration, error) {
	return s.iterations.Run(ctx, svc.Change[Iteration]{Project: project, Ref: id, Base: base,
		Edit: func(it *Iteration, c *svc.Cmd) error {
			if it.Status == Closed {
				return accord.Errorf(accord.FailedPrecondition, "iteration %s is closed", it.Key)
			}
			kind, event, summary, err := e(it, c.Actor, c.Now)
			if err == nil {
				c.Did(kind, event, summary)
			}
			return err
		}})
}

// UpdateIteration replaces an iteration's name, dates, goals and capacity
// at revision base. A committed iteration whose capacity or dates change
// goes back to planning: its commitment was to other numbers.
// Errors: Unauthenticated, Invalid, NotFound, Conflict, FailedPrecondition
// (closed).
func (s *Service) UpdateIteration(ctx context.Context, project, id string, base int, in IterationContent) (Iteration, error) {
	if err := in.Validate(); err != nil {
		return Iteration{}, err
	}
	return s.changeIteration(ctx, project, id, base, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		note := in.Note
		in.Note = ""
		before := it.PersonDays()
		datesChanged := it.Start != in.Start || it.End != in.End
		it.IterationContent = in.clone()
		summary := fmt.Sprintf("%s: edited by %s", it.Key, actor.ID)
		if it.Status == Committed && (datesChanged || it.PersonDays() != before) {
			it.Status, it.Commitment = Planning, nil
			summary += "; back to planning: its dates or capacity changed"
		}
		if note != "" {
			summary += ": " + note
		}
		return accord.RevisionEdited, EventIterationUpdated, summary, nil
	})
}

// Schedule puts an item into an iteration at revision base, assigned to
// people, with an optional estimate that overrides the review's. An item
// is in at most one open iteration: moving it is Unschedule then Schedule.
// A committed iteration goes back to planning.
// Errors: Unauthenticated, Invalid, NotFound (the iteration, or the item
// when Standing is set), Conflict (stale, or scheduled already),
// FailedPrecondition (closed).
func (s *Service) Schedule(ctx context.Context, project, id string, base int, in ScheduleInput) (Iteration, error) {
	if err := in.Validate(); err != nil {
		return Iteration{}, err
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, err
	}
	var err error
	var name string
	if in.Ref, name, err = s.named(ctx, project, in.Ref); err != nil {
		return Iteration{}, err
	}
	elsewhere, err := s.openIterationOf(ctx, project, in.Ref)
	if err != nil {
		return Iteration{}, err
	}
	return s.changeIteration(ctx, project, id, base, func(it *Iteration, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		if it.has(in.Ref) {
			return "", "", "", accord.Errorf(accord.Conflict, "%s is already scheduled in %s", in.Ref, it.Key)
		}
		if elsewhere != nil && elsewhere.ID != it.ID {
			return "", "", "", accord.Errorf(accord.Conflict, "%s is already scheduled in %s: unschedule or move it there first", in.Ref, elsewhere.Key)
		}
		it.Items = append(it.Items, newItem(in, actor.ID, now))
		summary := fmt.Sprintf("%s: %s scheduled by %s", it.Key, name, actor.ID)
		if len(in.Assignees) > 0 {
			summary += " for " + strings.Join(in.Assignees, ", ")
		}
		if it.Status == Committed {
			it.Status, it.Commitment = Planning, nil
			summary += "; back to planning"
		}
		if in.Note != "" {
			summary += ": " + in.Note
		}
		return accord.RevisionEdited, EventItemScheduled, summary, nil
	})
}

// openIterationOf returns the open iteration that schedules ref, or nil.
func (s *Service) openIterationOf(ctx context.Context, project string, ref accord.Ref) (*Iteration, error) {
	page, err := s.store.ListIterations(ctx, project, IterationFilter{Item: ref, Status: []IterationStatus{Planning, Committed}}, accord.PageQuery{Size: 1})
	if err != nil || len(page.Items) == 0 {
		return nil, err
	}
	return &page.Items[0], nil
}

// canonical returns how a schedulable record is stored (by ID) when it is
// named by key, through Standing; other refs, and every ref without
// Standing, stay as they are. NotFound when Standing knows no such record.
func (s *Service) canonical(ctx context.Context, project string, ref accord.Ref) (accord.Ref, error) {
	ref, _, err := s.named(ctx, project, ref)
	return ref, err
}

// named is canonical with the name people know the record by (REQ-3
// Refund an order), for summaries: Standing's, else the ref itself.
func (s *Service) named(ctx context.Context, project string, ref accord.Ref) (accord.Ref, string, error) {
	if s.standing == nil || !slices.Contains(schedulable, ref.Kind) {
		return ref, ref.String(), nil
	}
	st, err := s.standing.Standing(ctx, project, ref)
	if err != nil {
		return ref, "", err
	}
	if st.Ref.Kind != "" {
		ref = st.Ref
	}
	return ref, cmp.Or(st.Name, ref.String()), nil
}

// UnscheduleInput names the item Unschedule takes out and why.
type UnscheduleInput struct {
	Ref    accord.Ref `json:"ref"`
	Reason string     `json:"reason"`
}

// Validate checks the item's ref and the reason.
func (in UnscheduleInput) Validate() error {
	var errs accord.FieldErrors
	in.Ref.Validate("ref", &errs)
	svc.CheckText(&errs, "reason", in.Reason, svc.MaxText, true)
	return errs.Err("unschedule")
}

// Unschedule takes an item out of an iteration at revision base, saying
// why. Errors: Unauthenticated, Invalid, NotFound (the iteration, or the
// item in it), Conflict (stale), FailedPrecondition (closed).
func (s *Service) Unschedule(ctx context.Context, project, id string, base int, in UnscheduleInput) (Iteration, error) {
	if err := in.Validate(); err != nil {
		return Iteration{}, err
	}
	item, reason := in.Ref, in.Reason
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, err
	}
	item, name, err := s.named(ctx, project, item)
	if err != nil {
		return Iteration{}, err
	}
	return s.changeIteration(ctx, project, id, base, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		i, err := it.item(item)
		if err != nil {
			return "", "", "", err
		}
		it.Items = slices.Delete(it.Items, i, i+1)
		return accord.RevisionEdited, EventItemUnscheduled, fmt.Sprintf("%s: %s unscheduled by %s: %s", it.Key, name, actor.ID, reason), nil
	})
}

// Estimate is an item's effort as the plan counts it: the override when
// the item has one, else the largest of its approved review's estimates.
// An unknown estimate has an empty Source. Errors: from the Estimator.
func (s *Service) Estimate(ctx context.Context, project string, item Item) (Estimate, error) {
	if item.Override != nil {
		return Estimate{Days: item.Override.Days, Source: "override"}, nil
	}
	if s.estimator == nil {
		return Estimate{}, nil
	}
	source, days, err := s.estimator.Estimates(ctx, project, item.Ref)
	if accord.ErrorCode(err) == accord.NotFound || err == nil && len(days) == 0 {
		return Estimate{}, nil
	}
	if err != nil {
		return Estimate{}, err
	}
	return Estimate{Days: slices.Max(days), Source: source, Estimates: slices.Clone(days)}, nil
}

// Check runs the commit rules on an iteration and returns what they find,
// each with the action the project's settings give it; nothing is changed.
// Errors: Invalid, NotFound, and those of the Estimator and Standing.
func (s *Service) Check(ctx context.Context, project, id string) ([]Finding, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	it, err := s.iterations.Lookup(ctx, project, id)
	if err != nil {
		return nil, err
	}
	return s.check(ctx, project, it)
}

func (s *Service) check(ctx context.Context, project string, it Iteration) ([]Finding, error) {
	st, err := s.Settings(ctx, project)
	if err != nil {
		return nil, err
	}
	byRule := map[Rule][]accord.Ref{}
	var messages []string
	effort := 0.0
	blocked, err := s.blockers(ctx, project)
	if err != nil {
		return nil, err
	}
	for _, item := range it.Items {
		if blocked[item.Ref] {
			byRule[RuleBlocked] = append(byRule[RuleBlocked], item.Ref)
		}
		est, err := s.Estimate(ctx, project, item)
		if err != nil {
			return nil, err
		}
		if !est.Known() {
			byRule[RuleNoEstimate] = append(byRule[RuleNoEstimate], item.Ref)
		}
		effort += est.Days
		if s.standing == nil {
			continue
		}
		standing, err := s.standing.Standing(ctx, project, item.Ref)
		if err != nil {
			return nil, err
		}
		if !standing.Approved {
			byRule[RuleNotApproved] = append(byRule[RuleNotApproved], item.Ref)
			messages = append(messages, fmt.Sprintf("%s is %s", item.Ref, standing.Status))
		}
		if standing.ReviewPending {
			byRule[RuleReviewPending] = append(byRule[RuleReviewPending], item.Ref)
		}
	}
	capacity := it.PersonDays()
	var findings []Finding
	for _, rule := range Rules() {
		var msg string
		items := byRule[rule]
		switch rule {
		case RuleOverCapacity:
			if effort <= capacity {
				continue
			}
			msg = fmt.Sprintf("the items need %s person-days; the team has %s", days(effort), days(capacity))
		case RuleNotApproved:
			if len(items) == 0 {
				continue
			}
			msg = "not approved: " + strings.Join(messages, "; ")
		case RuleReviewPending:
			if len(items) == 0 {
				continue
			}
			msg = fmt.Sprintf("%d item(s) still in review", len(items))
		case RuleBlocked:
			if len(items) == 0 {
				continue
			}
			msg = fmt.Sprintf("%d item(s) blocked by a question nobody has answered", len(items))
		case RuleNoEstimate:
			if len(items) == 0 {
				continue
			}
			msg = fmt.Sprintf("%d item(s) without an estimate from a review or an override", len(items))
		}
		findings = append(findings, Finding{Rule: rule, Action: st.Commit[rule], Message: msg, Items: items})
	}
	return findings, nil
}

func days(d float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", d), "0"), ".")
}

// Commit commits the team to an iteration at revision base. The commit
// rules are checked first: a rule the project's settings refuse fails the
// commit, naming the rule and the items (FailedPrecondition); the rules
// that only warn are recorded with the commitment.
// Errors: Unauthenticated, Invalid, NotFound, Conflict, FailedPrecondition.
func (s *Service) Commit(ctx context.Context, project, id string, base int) (Iteration, error) {
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, err
	}
	return s.changeIteration(ctx, project, id, base, func(it *Iteration, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		if it.Status != Planning {
			return "", "", "", accord.Errorf(accord.FailedPrecondition, "iteration %s is %s, not planning", it.Key, it.Status)
		}
		findings, err := s.check(ctx, project, *it)
		if err != nil {
			return "", "", "", err
		}
		var refused accord.FieldErrors
		var warned []Finding
		for _, f := range findings {
			if f.Action == Refuse {
				refused.Add(string(f.Rule), "%s", f.Message+itemList(f.Items))
			} else {
				warned = append(warned, f)
			}
		}
		if len(refused) > 0 {
			return "", "", "", &accord.Error{Code: accord.FailedPrecondition, Message: fmt.Sprintf("iteration %s cannot be committed", it.Key), Fields: refused}
		}
		it.Status, it.Commitment = Committed, &Commitment{By: actor.ID, At: now, Findings: warned}
		summary := fmt.Sprintf("%s committed by %s", it.Key, actor.ID)
		if len(warned) > 0 {
			rules := make([]string, len(warned))
			for i, f := range warned {
				rules[i] = string(f.Rule)
			}
			summary += " with warnings: " + strings.Join(rules, ", ")
		}
		return accord.RevisionTransitioned, EventIterationCommitted, summary, nil
	})
}

func itemList(items []accord.Ref) string {
	if len(items) == 0 {
		return ""
	}
	s := make([]string, len(items))
	for i, r := range items {
		s[i] = r.String()
	}
	return " (" + strings.Join(s, ", ") + ")"
}

// CloseInput is the input of Close: an optional note.
type CloseInput struct {
	Note string `json:"note"`
}

// Validate checks the note's length.
func (in CloseInput) Validate() error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "note", in.Note, svc.MaxText, false)
	return errs.Err("close")
}

// Close ends an iteration at revision base. Errors: Unauthenticated,
// Invalid, NotFound, Conflict, FailedPrecondition (closed already).
func (s *Service) Close(ctx context.Context, project, id string, base int, in CloseInput) (Iteration, error) {
	if err := in.Validate(); err != nil {
		return Iteration{}, err
	}
	note := in.Note
	return s.changeIteration(ctx, project, id, base, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		it.Status = Closed
		summary := fmt.Sprintf("%s closed by %s", it.Key, actor.ID)
		if note != "" {
			summary += ": " + note
		}
		return accord.RevisionTransitioned, EventIterationClosed, summary, nil
	})
}

// CreateMilestone sets a milestone, as revision 1. Errors:
// Unauthenticated, Invalid.
func (s *Service) CreateMilestone(ctx context.Context, project string, in MilestoneContent) (Milestone, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Milestone{}, err
	}
	if err := in.Validate(); err != nil {
		return Milestone{}, err
	}
	if err := in.checkHorizon(s.clock.Now()); err != nil {
		return Milestone{}, err
	}
	note := in.Note
	in.Note = ""
	now := s.clock.Now()
	m := Milestone{ID: accord.NewID(now), Project: project, MilestoneContent: in, Stamp: accord.NewStamp(actor.ID, now)}
	m.Deliverables = slices.Clone(in.Deliverables)
	m, err = s.store.CreateMilestone(ctx, svc.Revision(m, accord.RevisionCreated, note))
	if err != nil {
		return Milestone{}, err
	}
	s.milestones.Publish(ctx, project, m, actor, EventMilestoneCreated, "%s %q set for %s by %s", m.Key, m.Name, m.Date, actor.ID)
	return m, nil
}

// GetMilestone returns a milestone by ID or key. Errors: Invalid,
// NotFound.
func (s *Service) GetMilestone(ctx context.Context, project, id string) (Milestone, error) {
	return s.milestones.Get(ctx, project, id)
}

// ListMilestones returns one page of the project's milestones, in
// creation order. Errors: Invalid.
func (s *Service) ListMilestones(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Milestone], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Milestone]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Milestone]{}, err
	}
	return s.store.ListMilestones(ctx, project, q)
}

// UpdateMilestone replaces a milestone's name, date and deliverables at
// revision base. Errors: Unauthenticated, Invalid, NotFound, Conflict.
func (s *Service) UpdateMilestone(ctx context.Context, project, id string, base int, in MilestoneContent) (Milestone, error) {
	if err := in.Validate(); err != nil {
		return Milestone{}, err
	}
	if err := in.checkHorizon(s.clock.Now()); err != nil {
		return Milestone{}, err
	}
	note := in.Note
	in.Note = ""
	return s.milestones.Run(ctx, svc.Change[Milestone]{Project: project, Ref: id, Base: base, RequireBase: true,
		Edit: func(m *Milestone, c *svc.Cmd) error {
			moved := m.Date != in.Date
			m.MilestoneContent = in
			m.Deliverables = slices.Clone(in.Deliverables)
			summary := fmt.Sprintf("%s: edited by %s", m.Key, c.Actor.ID)
			if moved {
				summary = fmt.Sprintf("%s: moved to %s by %s", m.Key, m.Date, c.Actor.ID)
			}
			if note != "" {
				summary += ": " + note
			}
			c.Did("", EventMilestoneUpdated, summary)
			return nil
		}})
}
