package requirement

import (
	"context"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
	"github.com/accordhq/accord/internal/svc"
)

// TransitionGate is asked before a requirement changes status; a non-nil
// error refuses the move and is returned to the caller unchanged. The review
// package's approval gate plugs in here, wired by the embedding program, so
// this package does not import it.
type TransitionGate interface {
	CheckTransition(ctx context.Context, r Requirement, to Status) error
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
	Gate       TransitionGate   // optional: may refuse status changes
}

// Service owns the requirement rules: validation, the lifecycle, revisions,
// change requests, the glossary and lint. It is safe for concurrent use.
type Service struct {
	guard svc.Guard
	store Store
	pub   svc.Publisher
	clock accord.Clock
	gate  TransitionGate

	reqs    svc.Commands[Requirement, *Requirement]
	changes svc.Commands[ChangeRequest, *ChangeRequest]
	terms   svc.Commands[Term, *Term]
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "requirement.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock, gate: opts.Gate}
	st := opts.Store
	s.reqs = svc.Commands[Requirement, *Requirement]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Requirement]{
		What: "requirement", Prefix: KeyPrefix, Get: st.GetRequirement, ByKey: st.GetRequirementByKey, Update: st.UpdateRequirement,
		Name: func(r Requirement) (string, string) { return r.Key, r.Title }, Content: ContentChanges,
		Delete: st.DeleteRequirement, History: st.ListRequirementRevisions}}
	s.changes = svc.Commands[ChangeRequest, *ChangeRequest]{Guard: s.guard, Pub: s.pub, Table: svc.Table[ChangeRequest]{
		What: "change request", Get: st.GetChangeRequest, Update: st.UpdateChangeRequest}}
	s.terms = svc.Commands[Term, *Term]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Term]{
		What: "glossary term", Get: st.GetTerm, Update: st.UpdateTerm,
		Name:   func(t Term) (string, string) { return "", t.Term },
		Delete: st.DeleteTerm, History: st.ListTermRevisions}}
	return s, nil
}

// DefaultPriority is the priority of a requirement created without one.
const DefaultPriority = P2

// withDefaults fills what a new requirement may leave out: the owner is the
// author, the priority DefaultPriority. An explicit value always wins.
func withDefaults(c Content, actor accord.Actor) Content {
	if strings.TrimSpace(c.Owner) == "" {
		c.Owner = actor.ID
	}
	if c.Priority == "" {
		c.Priority = DefaultPriority
	}
	return c
}

// keepOwnerAndPriority fills an owner or priority that new content leaves
// out from the content it replaces: leaving them out changes neither.
func keepOwnerAndPriority(c, cur Content) Content {
	if strings.TrimSpace(c.Owner) == "" {
		c.Owner = cur.Owner
	}
	if c.Priority == "" {
		c.Priority = cur.Priority
	}
	return c
}

// checkNote refuses a note or reason longer than svc.MaxText.
func checkNote(field, note string) error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, field, note, svc.MaxText, false)
	return errs.Err("request")
}

// Create stores a new requirement in draft as revision 1 and assigns its key.
// An empty owner defaults to the acting user and an empty priority to
// DefaultPriority.
// Errors: Unauthenticated (no actor), Invalid (bad project, content or note).
func (s *Service) Create(ctx context.Context, project string, in ContentInput) (Requirement, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Requirement{}, err
	}
	c, note := withCriterionIDs(withDefaults(in.Content, actor)), in.Note
	if err := c.Validate(); err != nil {
		return Requirement{}, err
	}
	if err := checkNote("note", note); err != nil {
		return Requirement{}, err
	}
	now := s.clock.Now()
	r := Requirement{ID: accord.NewID(now), Project: project, Status: Draft, Content: c, Stamp: accord.NewStamp(actor.ID, now)}
	r, err = s.store.CreateRequirement(ctx, svc.Revision(r, accord.RevisionCreated, note))
	if err != nil {
		return Requirement{}, err
	}
	s.reqs.Publish(ctx, project, r, actor, EventCreated, "%s %q created by %s", r.Key, r.Title, actor.ID)
	return r, nil
}

// Get returns the current revision of a requirement.
// Errors: Invalid (bad project), NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Requirement, error) {
	return s.reqs.Get(ctx, project, id)
}

// List returns one page of the project's requirements that match f, in
// creation (key) order.
// Errors: Invalid (bad project, page size outside 1–500, malformed token,
// a text svc.CheckQuery refuses).
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Requirement], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Requirement]{}, err
	}
	var errs accord.FieldErrors
	svc.CheckQuery(&errs, "q", f.Text, false)
	if err := errs.Err("filter"); err != nil {
		return accord.Page[Requirement]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Requirement]{}, err
	}
	page, err := s.store.ListRequirements(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []Requirement{} // an empty list, never null
	}
	return page, err
}

// Search returns one page of the project's requirements whose key, title,
// background or description contain f.Text (case-insensitive; Chinese
// and English alike, no word boundaries), that also match the rest of f,
// best first: those whose key or title holds the text before those where
// only the background or description does (Filter.Rank), then the newest
// first. Page tokens resume in that order.
// Errors: Unauthenticated, Invalid (no text, text longer than
// svc.MaxTitle bytes or holding a line break or another control
// character, bad project, page size outside 1–500, malformed token),
// NotFound (not a member).
func (s *Service) Search(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Requirement], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Requirement]{}, err
	}
	var errs accord.FieldErrors
	svc.CheckQuery(&errs, "q", f.Text, true)
	if err := errs.Err("search"); err != nil {
		return accord.Page[Requirement]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Requirement]{}, err
	}
	page, err := s.store.SearchRequirements(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []Requirement{}
	}
	return page, err
}

// ListDeleted returns one page of the project's deleted requirements, in
// creation order, each as its tombstone: Deleted says who deleted it,
// when and why; Restore brings one back within
// accord.RetentionWindow. Members may read it, as they read a deleted
// record's history.
// Errors: Unauthenticated, Invalid (bad project, page size outside 1–500,
// malformed token), NotFound (not a member).
func (s *Service) ListDeleted(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Requirement], error) {
	return svc.ListDeleted(ctx, s.guard, project, q, s.store.ListDeletedRequirements)
}

// Update replaces the content of a requirement, making revision base+1;
// in.Note lands in the revision. An empty owner or priority keeps the
// current one.
// Errors: Unauthenticated, Invalid, NotFound, Conflict (base is stale),
// FailedPrecondition (the requirement is approved or later: propose a
// change request instead).
func (s *Service) Update(ctx context.Context, project, id string, base int, in ContentInput) (Requirement, error) {
	if err := checkNote("note", in.Note); err != nil {
		return Requirement{}, err
	}
	var before Requirement
	return s.reqs.Run(ctx, svc.Change[Requirement]{Project: project, Ref: id, Base: base, RequireBase: true,
		Edit: func(r *Requirement, c *svc.Cmd) error {
			content := withCriterionIDs(keepOwnerAndPriority(in.Content, r.Content))
			if err := content.Validate(); err != nil {
				return err
			}
			if r.Status.Locked() {
				return accord.Errorf(accord.FailedPrecondition,
					"%s is %s: its content can no longer be edited directly; propose a change request instead", r.Key, r.Status)
			}
			before = r.Clone()
			r.Content = content
			c.Note = in.Note
			return nil
		},
		Stored: func(next Requirement, c *svc.Cmd) {
			c.Event(EventUpdated, "%s %q edited by %s: %s (revision %d)", next.Key, next.Title, c.Actor.ID, diff.Describe(diff.Paths(Diff(before, next))), next.Revision)
		}})
}

// Transition moves a requirement to another status along the lifecycle,
// making revision base+1 with the reason as its note. Sending back, rejecting and
// deferring need a reason. Moving to in_review runs the lint gate when
// the project enables it; every move asks the TransitionGate.
// Errors: Unauthenticated, Invalid (unknown status, missing reason),
// NotFound, Conflict (stale base), FailedPrecondition (not allowed from the
// current status, or refused by a gate).
func (s *Service) Transition(ctx context.Context, project, id string, base int, in TransitionInput) (Requirement, error) {
	to := in.To
	return s.reqs.Run(ctx, svc.Change[Requirement]{Project: project, Ref: id, Base: base, RequireBase: true,
		Edit: func(r *Requirement, c *svc.Cmd) error {
			if err := transitions.Check(r.Key, r.Status, to, Statuses()); err != nil {
				return err
			}
			if err := checkNote("reason", in.Reason); err != nil {
				return err
			}
			if strings.TrimSpace(in.Reason) == "" && (to == Rejected || to == Deferred || (r.Status == InReview && to == Draft)) {
				return accord.InvalidField("transition", "reason", "required when moving to %s: tell the others why", to)
			}
			if err := s.admit(ctx, *r, r.Content, to); err != nil {
				return err
			}
			from := r.Status
			r.Status = to
			c.Kind, c.Note = accord.RevisionTransitioned, in.Reason
			c.Event(EventTransitioned, "%s %q moved from %s to %s by %s", r.Key, r.Title, from, to, c.Actor.ID)
			return nil
		}})
}

// admit runs the gates for moving r (with content c) to status to.
func (s *Service) admit(ctx context.Context, r Requirement, c Content, to Status) error {
	if to == InReview {
		settings, err := s.store.GetSettings(ctx, r.Project)
		if err != nil {
			return err
		}
		if settings.LintBlocksReview {
			findings, err := s.Lint(ctx, r.Project, c)
			if err != nil {
				return err
			}
			if HasErrors(findings) {
				var msgs []string
				for _, f := range findings {
					if f.Severity == SeverityError {
						msgs = append(msgs, f.Path+": "+f.Message+" ("+f.Rule+")")
					}
				}
				return accord.Errorf(accord.FailedPrecondition, "%s cannot go to review: the project requires a lint without errors; %s",
					r.Key, strings.Join(msgs, "; "))
			}
		}
	}
	if s.gate != nil {
		probe := r.Clone()
		probe.Content = c
		return s.gate.CheckTransition(ctx, probe, to)
	}
	return nil
}

// Delete deletes a requirement for reason (may be empty): it leaves a
// tombstone revision saying who, when and why, and disappears from gets
// and lists with its change requests; History still answers by its ID,
// and Restore brings it back within accord.RetentionWindow.
// Errors: Unauthenticated, Invalid (bad project, reason too long),
// NotFound, PermissionDenied, Conflict (changed meanwhile).
func (s *Service) Delete(ctx context.Context, project, id, reason string) error {
	return s.reqs.Delete(ctx, project, id, reason, func(r Requirement) bool { return r.Status == Draft }, EventDeleted)
}

// Restore brings back a deleted requirement (named by its ID: its key
// no longer resolves) as it was, as a new revision, for reason. Only
// within accord.RetentionWindow of its deletion, and only with
// accord.PermRecordRestore (admins). Errors: Unauthenticated, Invalid,
// NotFound, PermissionDenied, FailedPrecondition (not deleted, or the
// window has passed), Conflict (restored meanwhile).
func (s *Service) Restore(ctx context.Context, project, id, reason string) (Requirement, error) {
	return s.reqs.Restore(ctx, project, id, reason, EventRestored)
}

// History returns every revision of a requirement, oldest first.
// Errors: Invalid (bad project), NotFound.
func (s *Service) History(ctx context.Context, project, id string) ([]accord.Revision[Requirement], error) {
	return s.reqs.History(ctx, project, id)
}

// Revision returns revision n of a requirement.
// Errors: Invalid (bad project), NotFound (requirement or revision).
func (s *Service) Revision(ctx context.Context, project, id string, n int) (accord.Revision[Requirement], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Revision[Requirement]{}, err
	}
	id, err := s.reqs.IDOf(ctx, project, id)
	if err != nil {
		return accord.Revision[Requirement]{}, err
	}
	return s.store.GetRequirementRevision(ctx, project, id, n)
}

// Diff returns the field-level changes from revision from to revision to.
// Errors: Invalid (bad project), NotFound (requirement or either revision).
func (s *Service) Diff(ctx context.Context, project, id string, from, to int) ([]accord.FieldChange, error) {
	a, err := s.Revision(ctx, project, id, from)
	if err != nil {
		return nil, err
	}
	b, err := s.store.GetRequirementRevision(ctx, project, a.Record.ID, to)
	if err != nil {
		return nil, err
	}
	return Diff(a.Record, b.Record), nil
}

// Lint checks content against the lint rules and the project's glossary.
// Errors: Invalid (bad project).
func (s *Service) Lint(ctx context.Context, project string, c Content) ([]Finding, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	terms, err := s.store.ListTerms(ctx, project)
	if err != nil {
		return nil, err
	}
	return Lint(c, terms), nil
}

// Settings returns the project's requirement settings; revision 0 if they
// were never set.
// Errors: Invalid (bad project).
func (s *Service) Settings(ctx context.Context, project string) (Settings, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, project)
	st.Project = project
	return st, err
}

// UpdateSettings replaces the project's requirement settings, making
// revision base+1 (base 0 when they were never set).
// Errors: Unauthenticated, Invalid (bad project), Conflict wrapping
// accord.ErrStale (stale base).
func (s *Service) UpdateSettings(ctx context.Context, project string, base int, in Settings) (Settings, error) {
	if err := svc.Bounded("requirement settings", in); err != nil {
		return Settings{}, err
	}
	in.Project = project // in is the caller's copy; the store copies it in
	st := svc.Settings[Settings]{Guard: s.guard, What: "requirement settings", Event: EventSettingsChanged, Get: s.store.GetSettings, Put: s.store.PutSettings}
	return st.Update(ctx, s.pub, project, base, in, func(x *Settings) *accord.Stamp { return &x.Stamp })
}
