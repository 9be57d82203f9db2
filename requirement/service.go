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
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "requirement.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	return &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock, gate: opts.Gate}, nil
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

// lookup reads a requirement by ID or key.
func (s *Service) lookup(ctx context.Context, project, ref string) (Requirement, error) {
	if _, key := ParseKey(ref); key {
		return s.store.GetRequirementByKey(ctx, project, ref)
	}
	return s.store.GetRequirement(ctx, project, ref)
}

// at reads the requirement a change starts from, which must be at
// revision base.
func (s *Service) at(ctx context.Context, project, id string, base int) (Requirement, error) {
	cur, err := s.lookup(ctx, project, id)
	if err != nil {
		return Requirement{}, err
	}
	return cur, svc.CheckBase("requirement "+cur.Key, base, cur.Revision)
}

// idOf returns the ID of the requirement named by ID or key.
func (s *Service) idOf(ctx context.Context, project, ref string) (string, error) {
	if _, key := ParseKey(ref); !key {
		return ref, nil
	}
	r, err := s.store.GetRequirementByKey(ctx, project, ref)
	return r.ID, err
}

// Create stores a new requirement in draft as revision 1 and assigns its key.
// An empty owner defaults to the acting user and an empty priority to
// DefaultPriority.
// Errors: Unauthenticated (no actor), Invalid (bad project, content or note).
func (s *Service) Create(ctx context.Context, project string, c Content, note string) (Requirement, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Requirement{}, err
	}
	c = withCriterionIDs(withDefaults(c, actor))
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
	s.pub.Publish(ctx, EventCreated, project, r.Ref(), actor, "%s %q created by %s", r.Key, r.Title, actor.ID)
	return r, nil
}

// Get returns the current revision of a requirement.
// Errors: Invalid (bad project), NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Requirement, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Requirement{}, err
	}
	return s.lookup(ctx, project, id)
}

// List returns one page of the project's requirements that match f, in
// creation (key) order.
// Errors: Invalid (bad project, page size outside 1–500, malformed token).
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Requirement], error) {
	if err := s.guard.Read(ctx, project); err != nil {
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

// Update replaces the content of a requirement, making revision base+1.
// An empty owner or priority keeps the current one.
// Errors: Unauthenticated, Invalid, NotFound, Conflict (base is stale),
// FailedPrecondition (the requirement is approved or later: propose a
// change request instead).
func (s *Service) Update(ctx context.Context, project, id string, base int, c Content, note string) (Requirement, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Requirement{}, err
	}
	cur, err := s.at(ctx, project, id, base)
	if err != nil {
		return Requirement{}, err
	}
	c = withCriterionIDs(keepOwnerAndPriority(c, cur.Content))
	if err := c.Validate(); err != nil {
		return Requirement{}, err
	}
	if err := checkNote("note", note); err != nil {
		return Requirement{}, err
	}
	if cur.Status.Locked() {
		return Requirement{}, accord.Errorf(accord.FailedPrecondition,
			"%s is %s: its content can no longer be edited directly; propose a change request instead", cur.Key, cur.Status)
	}
	next, err := s.save(ctx, cur, actor, accord.RevisionEdited, note, func(r *Requirement) { r.Content = c })
	if err != nil {
		return Requirement{}, err
	}
	s.pub.Publish(ctx, EventUpdated, project, next.Ref(), actor, "%s %q edited by %s: %s (revision %d)", next.Key, next.Title, actor.ID, diff.Describe(diff.Paths(Diff(cur, next))), next.Revision)
	return next, nil
}

// save stores cur changed by edit as the next revision. cur must be the
// caller's own copy (as the store returns it): edit changes it in place, and
// the store copies it in.
func (s *Service) save(ctx context.Context, cur Requirement, actor accord.Actor, kind accord.RevisionKind, note string, edit func(*Requirement)) (Requirement, error) {
	next := cur
	edit(&next)
	next.Stamp = cur.Stamp.Next(actor.ID, s.clock.Now())
	return s.store.UpdateRequirement(ctx, svc.Revision(next, kind, note))
}

// Transition moves a requirement to another status along the lifecycle,
// making revision base+1 with the reason as its note. Sending back, rejecting
// and deferring need a reason. Moving to in_review runs the lint gate when
// the project enables it; every move asks the TransitionGate.
// Errors: Unauthenticated, Invalid (unknown status, missing reason),
// NotFound, Conflict (stale base), FailedPrecondition (not allowed from the
// current status, or refused by a gate).
func (s *Service) Transition(ctx context.Context, project, id string, base int, to Status, reason string) (Requirement, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Requirement{}, err
	}
	cur, err := s.at(ctx, project, id, base)
	if err != nil {
		return Requirement{}, err
	}
	if err := transitions.Check(cur.Key, cur.Status, to, Statuses()); err != nil {
		return Requirement{}, err
	}
	if err := checkNote("reason", reason); err != nil {
		return Requirement{}, err
	}
	if strings.TrimSpace(reason) == "" && (to == Rejected || to == Deferred || (cur.Status == InReview && to == Draft)) {
		return Requirement{}, &accord.Error{Code: accord.Invalid, Message: "invalid transition",
			Fields: []accord.FieldError{{Field: "reason", Message: "required when moving to " + string(to) + ": tell the others why"}}}
	}
	if err := s.admit(ctx, cur, cur.Content, to); err != nil {
		return Requirement{}, err
	}
	next, err := s.save(ctx, cur, actor, accord.RevisionTransitioned, reason, func(r *Requirement) { r.Status = to })
	if err != nil {
		return Requirement{}, err
	}
	s.pub.Publish(ctx, EventTransitioned, project, next.Ref(), actor, "%s %q moved from %s to %s by %s", next.Key, next.Title, cur.Status, to, actor.ID)
	return next, nil
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
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return err
	}
	if err := svc.CheckReason(reason); err != nil {
		return err
	}
	cur, err := s.lookup(ctx, project, id)
	if err != nil {
		return err
	}
	if err := s.guard.MayDelete(ctx, project, actor, cur.Key, cur.CreatedBy, cur.Status == Draft); err != nil {
		return err
	}
	if err := s.store.DeleteRequirement(ctx, svc.Tombstone(cur, actor.ID, s.clock.Now(), reason)); err != nil {
		return err
	}
	s.pub.Publish(ctx, EventDeleted, project, cur.Ref(), actor, "%s %q deleted by %s%s", cur.Key, cur.Title, actor.ID, svc.Because(reason))
	return nil
}

// Restore brings back a deleted requirement (named by its ID: its key
// no longer resolves) as it was, as a new revision, for reason. Only
// within accord.RetentionWindow of its deletion, and only with
// accord.PermRecordRestore (admins). Errors: Unauthenticated, Invalid,
// NotFound, PermissionDenied, FailedPrecondition (not deleted, or the
// window has passed), Conflict (restored meanwhile).
func (s *Service) Restore(ctx context.Context, project, id, reason string) (Requirement, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordRestore)
	if err != nil {
		return Requirement{}, err
	}
	if err := svc.CheckReason(reason); err != nil {
		return Requirement{}, err
	}
	revs, err := s.store.ListRequirementRevisions(ctx, project, id)
	if err != nil {
		return Requirement{}, err
	}
	next, err := svc.Restoration(func(r Requirement) string { return "requirement " + r.Key }, revs, actor.ID, s.clock.Now(), reason)
	if err != nil {
		return Requirement{}, err
	}
	r, err := s.store.UpdateRequirement(ctx, next)
	if err != nil {
		return Requirement{}, err
	}
	s.pub.Publish(ctx, EventRestored, project, r.Ref(), actor, "%s %q restored by %s%s", r.Key, r.Title, actor.ID, svc.Because(reason))
	return r, nil
}

// History returns every revision of a requirement, oldest first.
// Errors: Invalid (bad project), NotFound.
func (s *Service) History(ctx context.Context, project, id string) ([]accord.Revision[Requirement], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	id, err := s.idOf(ctx, project, id)
	if err != nil {
		return nil, err
	}
	return s.store.ListRequirementRevisions(ctx, project, id)
}

// Revision returns revision n of a requirement.
// Errors: Invalid (bad project), NotFound (requirement or revision).
func (s *Service) Revision(ctx context.Context, project, id string, n int) (accord.Revision[Requirement], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Revision[Requirement]{}, err
	}
	id, err := s.idOf(ctx, project, id)
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
