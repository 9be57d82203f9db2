package risk

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
	"github.com/accordhq/accord/internal/svc"
)

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
	// Scorer (optional) replaces the project's built-in scoring method for
	// every assessment this service makes.
	Scorer Scorer
}

// Service owns the register's rules: statements, scoring with the working
// kept, stages, responses and actions, acceptance that lapses, review
// cadence, and the views. It is safe for concurrent use.
type Service struct {
	guard  svc.Guard
	store  Store
	pub    svc.Publisher
	clock  accord.Clock
	scorer Scorer
	cmds   svc.Commands[Risk, *Risk]
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "risk.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock, scorer: opts.Scorer}
	s.cmds = svc.Commands[Risk, *Risk]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Risk]{
		What: "risk", Prefix: KeyPrefix, Get: opts.Store.GetRisk, ByKey: opts.Store.GetRiskByKey, Update: opts.Store.UpdateRisk,
		Name: func(r Risk) (string, string) { return r.Key, r.Title }, Content: ContentChanges,
		Delete: opts.Store.DeleteRisk, History: opts.Store.ListRiskRevisions,
	}}
	return s, nil
}

// Settings returns the project's risk settings, the defaults filled in.
// Errors: Invalid (bad project).
func (s *Service) Settings(ctx context.Context, project string) (Settings, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return st, err
	}
	def := DefaultSettings(project)
	if len(st.Likelihood) == 0 {
		st.Likelihood = def.Likelihood
	}
	if len(st.Impact) == 0 {
		st.Impact = def.Impact
	}
	if st.Scoring.Method == "" {
		st.Scoring = def.Scoring
	}
	// Levels the project left out keep the defaults.
	roles, days := maps.Clone(def.AcceptRoles), maps.Clone(def.ReviewDays)
	maps.Copy(roles, st.AcceptRoles)
	maps.Copy(days, st.ReviewDays)
	st.AcceptRoles, st.ReviewDays = roles, days
	st.Project = project
	return st, nil
}

// Validate checks settings: scales numbered 1, 2, … with names, a matrix
// that covers both scales, thresholds in order, known levels.
func (st Settings) Validate() error {
	var errs accord.FieldErrors
	checkScale := func(field string, sc Scale) {
		if len(sc) < 2 || len(sc) > 10 {
			errs.Add(field, "needs 2 to 10 levels")
		}
		for i, l := range sc {
			if l.Value != i+1 {
				errs.Add(fmt.Sprintf("%s[%d].value", field, i), "must be %d: levels run 1, 2, 3… lowest first", i+1)
			}
			svc.CheckText(&errs, fmt.Sprintf("%s[%d].name", field, i), l.Name, svc.MaxName, true)
		}
	}
	if len(st.Likelihood) > 0 {
		checkScale("likelihood", st.Likelihood)
	}
	for i, d := range st.Impact {
		svc.CheckText(&errs, fmt.Sprintf("impact[%d].name", i), d.Name, svc.MaxName, true)
		checkScale(fmt.Sprintf("impact[%d].scale", i), d.Scale)
		if i > 0 && len(d.Scale) != len(st.Impact[0].Scale) {
			errs.Add(fmt.Sprintf("impact[%d].scale", i), "must have as many levels as impact[0] (%d): the dimensions combine by their highest value", len(st.Impact[0].Scale))
		}
	}
	switch st.Scoring.Method {
	case "", "matrix":
		if st.Scoring.Method == "matrix" {
			rows, cols := len(st.Likelihood), 0
			if len(st.Impact) > 0 {
				cols = len(st.Impact[0].Scale)
			}
			m := st.Scoring.Matrix.Cells
			if rows > 0 && len(m) != rows {
				errs.Add("scoring.matrix.cells", "needs %d rows, one per likelihood level", rows)
			}
			for r, row := range m {
				if cols > 0 && len(row) != cols {
					errs.Add(fmt.Sprintf("scoring.matrix.cells[%d]", r), "needs %d cells, one per impact level", cols)
				}
				for c, l := range row {
					if !l.Valid() {
						errs.Add(fmt.Sprintf("scoring.matrix.cells[%d][%d]", r, c), "unknown level %q; one of low, medium, high, critical", l)
					}
				}
			}
		}
	case "product":
		p := st.Scoring.Product
		if !(0 < p.Medium && p.Medium <= p.High && p.High <= p.Critical) {
			errs.Add("scoring.product", "thresholds must satisfy 0 < medium ≤ high ≤ critical")
		}
	default:
		errs.Add("scoring.method", "unknown method %q; one of matrix, product", st.Scoring.Method)
	}
	for i, c := range st.Categories {
		svc.CheckText(&errs, fmt.Sprintf("categories[%d]", i), c, 64, true)
	}
	for l, days := range st.ReviewDays {
		if !l.Valid() || days < 0 {
			errs.Add("review_days."+string(l), "needs a known level and days ≥ 0")
		}
	}
	for l := range st.AcceptRoles {
		if !l.Valid() {
			errs.Add("accept_roles."+string(l), "unknown level")
		}
	}
	svc.CheckBounds(&errs, "", st)
	return errs.Err("risk settings")
}

// UpdateSettings replaces the project's risk settings at revision base
// (0 when never set). Errors: Unauthenticated, Invalid, Conflict (stale).
func (s *Service) UpdateSettings(ctx context.Context, project string, base int, in Settings) (Settings, error) {
	if err := in.Validate(); err != nil {
		return Settings{}, err
	}
	in.Project = project
	st := svc.Settings[Settings]{Guard: s.guard, What: "risk settings", Event: EventSettingsChanged, Get: s.store.GetSettings, Put: s.store.PutSettings}
	return st.Update(ctx, s.pub, project, base, in, func(x *Settings) *accord.Stamp { return &x.Stamp })
}

func (s *Service) checkStatement(errs *accord.FieldErrors, title, cause, event, effect, category string, labels []string, links []accord.Ref, st Settings) {
	svc.CheckText(errs, "title", title, 200, true)
	svc.CheckText(errs, "cause", cause, svc.MaxText, true)
	svc.CheckText(errs, "event", event, svc.MaxText, true)
	svc.CheckText(errs, "effect", effect, svc.MaxText, true)
	cats := append(BuiltinCategories(), st.Categories...)
	if !slices.Contains(cats, category) {
		errs.Add("category", "unknown category %q; one of %s", category, strings.Join(cats, ", "))
	}
	for i, l := range labels {
		svc.CheckText(errs, fmt.Sprintf("labels[%d]", i), l, 64, true)
	}
	for i, r := range links {
		r.Validate(fmt.Sprintf("links[%d]", i), errs)
	}
}

// Create files a new risk, identified, as revision 1. The owner defaults
// to the author, the kind to threat, the source to manual. Errors:
// Unauthenticated, Invalid, Conflict (a risk from the same source exists).
func (s *Service) Create(ctx context.Context, project string, in NewRisk) (Risk, error) {
	if err := svc.Bounded("risk", in); err != nil {
		return Risk{}, err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Risk{}, err
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return Risk{}, err
	}
	if in.Kind == "" {
		in.Kind = Threat
	}
	if strings.TrimSpace(in.Owner) == "" {
		in.Owner = actor.ID
	}
	src := Source{Kind: SourceManual}
	if in.Source != nil && in.Source.Kind != "" {
		src = *in.Source
	}
	var errs accord.FieldErrors
	s.checkStatement(&errs, in.Title, in.Cause, in.Event, in.Effect, in.Category, in.Labels, in.Links, st)
	if in.Kind != Threat && in.Kind != Opportunity {
		errs.Add("kind", "unknown kind %q; one of threat, opportunity", in.Kind)
	}
	svc.CheckText(&errs, "owner", in.Owner, svc.MaxName, true)
	svc.CheckText(&errs, "note", in.Note, svc.MaxText, false)
	if !slices.Contains([]string{SourceManual, SourceReview, SourceRetro, SourcePlan}, src.Kind) {
		errs.Add("source.kind", "unknown source %q; one of manual, review, retro, plan", src.Kind)
	}
	if err := errs.Err("risk"); err != nil {
		return Risk{}, err
	}
	now := s.clock.Now()
	r := Risk{ID: accord.NewID(now), Project: project, Title: in.Title, Cause: in.Cause, Event: in.Event, Effect: in.Effect,
		Kind: in.Kind, Category: in.Category, Owner: in.Owner, Labels: in.Labels, Links: in.Links, Source: src, Status: Identified,
		Assessments: []Assessment{}, ReviewedAt: now, ReviewedBy: actor.ID, Stamp: accord.NewStamp(actor.ID, now)}
	r, err = s.store.CreateRisk(ctx, svc.Revision(r, accord.RevisionCreated, in.Note))
	if err != nil {
		return Risk{}, err
	}
	s.cmds.Publish(ctx, project, r, actor, EventCreated, "%s %q filed by %s (%s, %s)", r.Key, r.Title, actor.ID, r.Kind, r.Category)
	return r, nil
}

// Get returns a risk by ID or key. Errors: Invalid, NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Risk, error) {
	return s.cmds.Get(ctx, project, id)
}

// List returns one page of the project's risks that match f, in key
// order. Errors: Invalid.
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Risk], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Risk]{}, err
	}
	var errs accord.FieldErrors
	svc.CheckQuery(&errs, "q", f.Text, false)
	if err := errs.Err("filter"); err != nil {
		return accord.Page[Risk]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Risk]{}, err
	}
	if !f.Overdue.IsZero() {
		return s.listOverdue(ctx, project, f, q)
	}
	page, err := s.store.ListRisks(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []Risk{}
	}
	return page, err
}

// ListDeleted returns one page of the project's deleted risks, in
// creation order, each as its tombstone: Deleted says who deleted it,
// when and why; Restore brings one back within
// accord.RetentionWindow. Members may read it, as they read a deleted
// record's history.
// Errors: Unauthenticated, Invalid (bad project, page size outside 1–500,
// malformed token), NotFound (not a member).
func (s *Service) ListDeleted(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Risk], error) {
	return svc.ListDeleted(ctx, s.guard, project, q, s.store.ListDeletedRisks)
}

// listOverdue pages through the risks with something overdue at
// f.Overdue. It reads the store a page of 500 at a time and resumes with
// the store's own tokens, so a page ends right after its last match.
func (s *Service) listOverdue(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Risk], error) {
	st, err := s.Settings(ctx, project)
	if err != nil {
		return accord.Page[Risk]{}, err
	}
	at := f.Overdue
	f.Overdue = time.Time{}
	out := accord.Page[Risk]{Items: []Risk{}}
	inner := accord.PageQuery{Size: accord.MaxPageSize, Token: q.Token}
	var lastToken string // the inner page and index of the last match kept
	lastIndex := -1
	for {
		page, err := s.store.ListRisks(ctx, project, f, inner)
		if err != nil {
			return out, err
		}
		for j, r := range page.Items {
			rep := overdue(st, []Risk{r}, at)
			if len(rep.Reviews)+len(rep.Actions)+len(rep.Acceptances) == 0 {
				continue
			}
			if len(out.Items) == q.Size {
				// One more match: the next page starts after the last kept.
				after, err := s.store.ListRisks(ctx, project, f, accord.PageQuery{Size: lastIndex + 1, Token: lastToken})
				out.NextPageToken = after.NextPageToken
				return out, err
			}
			out.Items = append(out.Items, r)
			lastToken, lastIndex = inner.Token, j
		}
		if page.NextPageToken == "" {
			return out, nil
		}
		inner.Token = page.NextPageToken
	}
}

// all reads every risk of the project that matches f.
func (s *Service) all(ctx context.Context, project string, f Filter) ([]Risk, error) {
	return svc.All(ctx, project, f, s.store.ListRisks)
}

// edit is one change to a risk: it changes r in place and says what it
// did, for the revision and the event.
type edit func(r *Risk, actor accord.Actor, now time.Time) (kind accord.RevisionKind, event, summary string, err error)

// change applies e to the risk at revision base (0: the newest, retrying
// when a concurrent change got there first) on the one command path.
func (s *Service) change(ctx context.Context, project, id string, base int, e edit) (Risk, error) {
	return s.cmds.Run(ctx, svc.Change[Risk]{Project: project, Ref: id, Base: base,
		Edit: func(r *Risk, c *svc.Cmd) error {
			kind, event, summary, err := e(r, c.Actor, c.Now)
			if err == nil {
				c.Did(kind, event, summary)
			}
			return err
		},
		Stored: func(out Risk, c *svc.Cmd) {
			if out.Acceptance != nil && !out.Acceptance.LapsedAt.IsZero() && out.Acceptance.LapsedAt.Equal(out.UpdatedAt) {
				c.Event(EventAcceptanceLapsed, "%s: acceptance lapsed: %s", out.Key, out.Acceptance.LapsedWhy)
			}
		},
	})
}

// lapse ends a standing acceptance with the reason, and puts the risk back
// to assessed.
func lapse(r *Risk, now time.Time, why string) {
	if r.Acceptance == nil || !r.Acceptance.LapsedAt.IsZero() {
		return
	}
	r.Acceptance.LapsedAt, r.Acceptance.LapsedWhy = now, why
	if r.Status == Accepted {
		r.Status = Assessed
	}
}

// Update replaces the statement and filing of a risk at revision base. A
// changed statement lapses a standing acceptance: it accepted another risk.
// Errors: Unauthenticated, Invalid, NotFound, Conflict (stale base).
func (s *Service) Update(ctx context.Context, project, id string, base int, in Content) (Risk, error) {
	if err := svc.Bounded("risk", in); err != nil {
		return Risk{}, err
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return Risk{}, err
	}
	var errs accord.FieldErrors
	s.checkStatement(&errs, in.Title, in.Cause, in.Event, in.Effect, in.Category, in.Labels, in.Links, st)
	svc.CheckText(&errs, "owner", in.Owner, svc.MaxName, false)
	svc.CheckText(&errs, "note", in.Note, svc.MaxText, false)
	if err := errs.Err("risk"); err != nil {
		return Risk{}, err
	}
	return s.change(ctx, project, id, base, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		before, orig := r.Statement(), r.Clone()
		r.Title, r.Cause, r.Event, r.Effect, r.Category = in.Title, in.Cause, in.Event, in.Effect, in.Category
		if in.Owner != "" {
			r.Owner = in.Owner
		}
		r.Labels, r.Links = in.Labels, in.Links
		if r.Statement() != before {
			lapse(r, now, "the statement changed: the acceptance was of another risk")
		}
		what := diff.Describe(diff.Paths(Diff(orig, *r), "acceptance", "status"))
		summary := fmt.Sprintf("%s %q edited by %s: %s", r.Key, r.Title, actor.ID, what)
		if in.Note != "" {
			summary = fmt.Sprintf("%s %q edited by %s: %s (%s)", r.Key, r.Title, actor.ID, in.Note, what)
		}
		return accord.RevisionEdited, EventUpdated, summary, nil
	})
}

// TransitionInput moves a risk to another status; closing and escalating
// need a reason.
type TransitionInput struct {
	To     Status `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// Transition moves a risk along its lifecycle at revision base (0: the
// newest). Accepting takes a decision (Accept), not a transition.
// Errors: Unauthenticated, Invalid, NotFound, Conflict, FailedPrecondition.
func (s *Service) Transition(ctx context.Context, project, id string, base int, in TransitionInput) (Risk, error) {
	to, reason := in.To, in.Reason
	if to == Accepted {
		return Risk{}, accord.InvalidField("transition", "to", "accepting a risk is a decision: use acceptance, with a rationale and an expiry")
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "reason", reason, svc.MaxText, to == Closed || to == Escalated)
	if err := errs.Err("transition"); err != nil {
		return Risk{}, err
	}
	return s.change(ctx, project, id, base, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		if err := transitions.Check(r.Key, r.Status, to, Statuses()); err != nil {
			return "", "", "", err
		}
		from := r.Status
		r.Status = to
		if from == Accepted {
			lapse(r, now, "moved from accepted to "+string(to))
		}
		return accord.RevisionTransitioned, EventTransitioned, fmt.Sprintf("%s moved from %s to %s by %s: %s", r.Key, from, to, actor.ID, reason), nil
	})
}

// AssessInput scores one stage of a risk.
type AssessInput struct {
	Stage      Stage          `json:"stage"`
	Likelihood int            `json:"likelihood"`
	Impact     map[string]int `json:"impact"` // per dimension of the project's impact scales
	Note       string         `json:"note,omitempty"`
}

// Score computes an assessment with the project's scales and the scorer
// (the service's own, else the project's method). It stores nothing.
// Errors: Invalid (unknown stage, values off the scales).
func (s *Service) Score(st Settings, in AssessInput) (Assessment, error) {
	var errs accord.FieldErrors
	if !slices.Contains(Stages(), in.Stage) {
		errs.Add("stage", "unknown stage %q; one of inherent, current, target", in.Stage)
	}
	if in.Likelihood < 1 || in.Likelihood > len(st.Likelihood) {
		errs.Add("likelihood", "must be 1 to %d on the project's likelihood scale", len(st.Likelihood))
	}
	combined := 0
	for _, d := range st.Impact {
		v, ok := in.Impact[d.Name]
		switch {
		case !ok:
			errs.Add("impact."+d.Name, "required: 1 to %d", len(d.Scale))
		case v < 1 || v > len(d.Scale):
			errs.Add("impact."+d.Name, "must be 1 to %d", len(d.Scale))
		}
		combined = max(combined, v)
	}
	for name := range in.Impact {
		if !slices.ContainsFunc(st.Impact, func(d Dimension) bool { return d.Name == name }) {
			errs.Add("impact."+name, "not an impact dimension of the project")
		}
	}
	svc.CheckText(&errs, "note", in.Note, svc.MaxText, false)
	if err := errs.Err("assessment"); err != nil {
		return Assessment{}, err
	}
	scorer := s.scorer
	if scorer == nil {
		scorer = st.Scoring.Scorer()
	}
	level, working := scorer.Score(in.Likelihood, combined, st.Likelihood, st.Impact[0].Scale)
	if len(st.Impact) > 1 {
		working = fmt.Sprintf("impact = highest of %s; ", describeImpact(in.Impact, st.Impact)) + working
	}
	return Assessment{Stage: in.Stage, Likelihood: in.Likelihood, Impact: in.Impact, Combined: combined, Level: level,
		Scorer: scorer.Method(), Version: scorer.Version(), Working: working, Note: in.Note}, nil
}

func describeImpact(v map[string]int, dims []Dimension) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = fmt.Sprintf("%s %d", d.Name, v[d.Name])
	}
	return strings.Join(parts, ", ")
}

// Assess scores a stage of a risk at revision base and keeps the
// assessment with its inputs and working. A first assessment moves an
// identified risk to assessed; a current level above the accepted one
// lapses the acceptance. Assessing counts as reviewing.
// Errors: Unauthenticated, Invalid, NotFound, Conflict.
func (s *Service) Assess(ctx context.Context, project, id string, base int, in AssessInput) (Risk, error) {
	if err := svc.Bounded("assessment", in); err != nil {
		return Risk{}, err
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return Risk{}, err
	}
	a, err := s.Score(st, in)
	if err != nil {
		return Risk{}, err
	}
	return s.change(ctx, project, id, base, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		a.Actor, a.Time = actor.ID, now
		r.Assessments = append(r.Assessments, a)
		stored := r.Assessments[len(r.Assessments)-1].clone()
		switch a.Stage {
		case Inherent:
			r.Inherent = &stored
		case Current:
			r.Current = &stored
		case Target:
			r.Target = &stored
		}
		if r.Status == Identified {
			r.Status = Assessed
		}
		if acc := r.Acceptance; acc != nil && acc.LapsedAt.IsZero() && r.Level().rank() > acc.Level.rank() {
			lapse(r, now, fmt.Sprintf("re-assessed to %s, above the accepted %s", r.Level(), acc.Level))
		}
		r.ReviewedAt, r.ReviewedBy = now, actor.ID
		return "assessed", EventAssessed, fmt.Sprintf("%s %s assessed by %s: %s", r.Key, a.Stage, actor.ID, a.Working), nil
	})
}

// ResponseInput sets a risk's response strategy and plan.
type ResponseInput struct {
	Strategy Strategy `json:"strategy"`
	Plan     string   `json:"plan,omitempty"`
}

// Respond sets the response at revision base; an assessed risk moves to
// treating. Errors: Unauthenticated, Invalid (a strategy the risk's kind
// does not have), NotFound, Conflict.
func (s *Service) Respond(ctx context.Context, project, id string, base int, in ResponseInput) (Risk, error) {
	if err := svc.Bounded("response", in); err != nil {
		return Risk{}, err
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "plan", in.Plan, svc.MaxText, false)
	if err := errs.Err("response"); err != nil {
		return Risk{}, err
	}
	return s.change(ctx, project, id, base, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		if !slices.Contains(strategies[r.Kind], in.Strategy) {
			return "", "", "", accord.InvalidField("response", "strategy", "%q is not a response to a %s; one of %s", in.Strategy, r.Kind, svc.Join(strategies[r.Kind]))
		}
		if r.Response == nil {
			r.Response = &Response{Actions: []accord.Action{}}
		}
		r.Response.Strategy, r.Response.Plan = in.Strategy, in.Plan
		if r.Status == Assessed || r.Status == Identified {
			r.Status = Treating
		}
		r.ReviewedAt, r.ReviewedBy = now, actor.ID
		return "responded", EventResponded, fmt.Sprintf("%s: response %s set by %s", r.Key, in.Strategy, actor.ID), nil
	})
}

// AddAction adds a mitigation action to the risk's response (there must
// be one). Errors: Unauthenticated, Invalid, NotFound, FailedPrecondition.
func (s *Service) AddAction(ctx context.Context, project, id string, in accord.ActionInput) (Risk, error) {
	if err := svc.Bounded("action", in); err != nil {
		return Risk{}, err
	}
	var errs accord.FieldErrors
	in.Validate("", &errs)
	if err := errs.Err("action"); err != nil {
		return Risk{}, err
	}
	if in.Status == "" {
		in.Status = accord.ActionOpen
	}
	return s.change(ctx, project, id, 0, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		if r.Response == nil {
			return "", "", "", accord.Errorf(accord.FailedPrecondition, "%s has no response yet: set its strategy before its actions", r.Key)
		}
		a := accord.Action{ID: accord.NewID(now), Title: in.Title, Owner: in.Owner, Due: in.Due, Status: in.Status, Note: in.Note,
			CreatedAt: now, CreatedBy: actor.ID, UpdatedAt: now, UpdatedBy: actor.ID}
		r.Response.Actions = append(r.Response.Actions, a)
		return "action_added", EventActionChanged, fmt.Sprintf("%s: action %q for %s added by %s", r.Key, a.Title, a.Owner, actor.ID), nil
	})
}

// UpdateAction replaces an action of the risk's response.
// Errors: Unauthenticated, Invalid, NotFound (risk or action).
func (s *Service) UpdateAction(ctx context.Context, project, id, actionID string, in accord.ActionInput) (Risk, error) {
	if err := svc.Bounded("action", in); err != nil {
		return Risk{}, err
	}
	var errs accord.FieldErrors
	in.Validate("", &errs)
	if err := errs.Err("action"); err != nil {
		return Risk{}, err
	}
	return s.change(ctx, project, id, 0, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		i := -1
		if r.Response != nil {
			i = slices.IndexFunc(r.Response.Actions, func(a accord.Action) bool { return a.ID == actionID })
		}
		if i < 0 {
			return "", "", "", accord.Errorf(accord.NotFound, "%s has no action %q", r.Key, actionID)
		}
		a := &r.Response.Actions[i]
		a.Title, a.Owner, a.Due, a.Note = in.Title, in.Owner, in.Due, in.Note
		if in.Status != "" {
			a.Status = in.Status
		}
		a.UpdatedAt, a.UpdatedBy = now, actor.ID
		return "action_changed", EventActionChanged, fmt.Sprintf("%s: action %q is %s (%s)", r.Key, a.Title, a.Status, actor.ID), nil
	})
}

// AcceptInput is a decision to live with a risk.
type AcceptInput struct {
	Rationale string    `json:"rationale"`
	Expires   time.Time `json:"expires"`
}

// Accept records the decision to live with the risk at its current level,
// at revision base. Only someone with a role the project's settings allow
// for that level may accept; the acceptance holds until it expires, the
// risk is re-assessed higher, or its statement changes.
// Errors: Unauthenticated, Invalid, NotFound, Conflict, PermissionDenied,
// FailedPrecondition (not assessed, or closed).
func (s *Service) Accept(ctx context.Context, project, id string, base int, in AcceptInput) (Risk, error) {
	if err := svc.Bounded("acceptance", in); err != nil {
		return Risk{}, err
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return Risk{}, err
	}
	now := s.clock.Now()
	var errs accord.FieldErrors
	svc.CheckText(&errs, "rationale", in.Rationale, svc.MaxText, true)
	if !in.Expires.After(now) {
		errs.Add("expires", "required, in the future: every acceptance is revisited")
	}
	if err := errs.Err("acceptance"); err != nil {
		return Risk{}, err
	}
	return s.change(ctx, project, id, base, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		level := r.Level()
		if level == "" {
			return "", "", "", accord.Errorf(accord.FailedPrecondition, "%s is not assessed: assess it before accepting it", r.Key)
		}
		if r.Status == Closed {
			return "", "", "", accord.Errorf(accord.FailedPrecondition, "%s is closed", r.Key)
		}
		if err := s.guard.Allows(ctx, project, actor, accord.PermRiskAccept); err != nil {
			return "", "", "", err
		}
		allowed := st.AcceptRoles[level]
		var roles []string
		for _, role := range allowed {
			if actor.HasRole(role) {
				roles = append(roles, role)
			}
		}
		if len(roles) == 0 {
			return "", "", "", accord.Errorf(accord.PermissionDenied, "accepting a %s risk takes one of the roles %s", level, orNobody(allowed))
		}
		r.Acceptance = &Acceptance{By: actor.ID, Roles: roles, Rationale: in.Rationale, Expires: in.Expires, At: now, Level: level, Statement: r.Statement()}
		r.Status = Accepted
		r.ReviewedAt, r.ReviewedBy = now, actor.ID
		return "accepted", EventAccepted, fmt.Sprintf("%s accepted at %s by %s until %s: %s", r.Key, level, actor.ID, in.Expires.Format("2006-01-02"), in.Rationale), nil
	})
}

func orNobody(roles []string) string {
	if len(roles) == 0 {
		return "(none: the project's settings allow nobody)"
	}
	return strings.Join(roles, ", ")
}

// MarkReviewed records that the risk was looked at and nothing changed:
// one call, a note, and the cadence starts over.
// Errors: Unauthenticated, Invalid, NotFound.
func (s *Service) MarkReviewed(ctx context.Context, project, id, note string) (Risk, error) {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "note", note, svc.MaxText, true)
	if err := errs.Err("review"); err != nil {
		return Risk{}, err
	}
	return s.change(ctx, project, id, 0, func(r *Risk, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		r.ReviewedAt, r.ReviewedBy = now, actor.ID
		return "reviewed", EventReviewed, fmt.Sprintf("%s reviewed by %s: %s", r.Key, actor.ID, note), nil
	})
}

// Delete deletes a risk for reason (may be empty): it leaves a tombstone
// revision saying who, when and why and leaves the register; Restore
// brings it back within accord.RetentionWindow.
// Errors: Unauthenticated, Invalid (reason too long), NotFound,
// PermissionDenied, Conflict (changed meanwhile).
func (s *Service) Delete(ctx context.Context, project, id, reason string) error {
	return s.cmds.Delete(ctx, project, id, reason, func(r Risk) bool { return r.Status == Identified }, EventDeleted)
}

// Restore brings back a deleted risk (named by its ID: its key no longer resolves) as it
// was, as a new revision, for reason: within accord.RetentionWindow of its
// deletion, with accord.PermRecordRestore (admins). Errors:
// Unauthenticated, Invalid, NotFound, PermissionDenied, FailedPrecondition
// (not deleted, or the window has passed), Conflict (restored meanwhile).
func (s *Service) Restore(ctx context.Context, project, id, reason string) (Risk, error) {
	return s.cmds.Restore(ctx, project, id, reason, EventRestored)
}

// History returns every revision of a risk, oldest first. A deleted risk
// answers by its ID, its tombstone last.
// Errors: Invalid (bad project), NotFound.
func (s *Service) History(ctx context.Context, project, id string) ([]accord.Revision[Risk], error) {
	return s.cmds.History(ctx, project, id)
}

// Diff returns the field-level changes between two revisions of a risk
// (of a deleted one too, by its ID).
func (s *Service) Diff(ctx context.Context, project, id string, from, to int) ([]accord.FieldChange, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	id, err := s.cmds.IDOf(ctx, project, id)
	if err != nil {
		return nil, err
	}
	a, err := s.store.GetRiskRevision(ctx, project, id, from)
	if err != nil {
		return nil, err
	}
	b, err := s.store.GetRiskRevision(ctx, project, id, to)
	if err != nil {
		return nil, err
	}
	return Diff(a.Record, b.Record), nil
}

// ContentChanges lists the content fields that differ from a to b: what a
// link to the risk (a mitigation, a test) relies on. The statement and the
// response are content; scores, reviews, decisions, filing and
// bookkeeping move on their own.
func ContentChanges(a, b Risk) []string {
	return diff.Paths(Diff(a, b), "status", "current", "assessments", "acceptance",
		"reviewed_at", "reviewed_by", "labels", "links", "owner", "review_due_notified")
}

// Diff returns the field-level changes from a to b; bookkeeping is left out.
func Diff(a, b Risk) []accord.FieldChange {
	a.Stamp, b.Stamp = accord.Stamp{}, accord.Stamp{}
	return diff.Fields(a, b)
}
