package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// SubjectInfo is what the review service needs to know about a subject at
// its current revision.
type SubjectInfo struct {
	Ref      accord.Ref  // the subject by ID, when it was named another way (a key); empty: as given
	Revision int         // the subject's current revision
	Title    string      // a readable name: "REQ-7 Refund to wallet"
	Criteria []Criterion // acceptance criteria (for acceptance reviews)
	// Fingerprint identifies the content at Revision (a hash, say); empty
	// if the subject has none. Two revisions with the same fingerprint
	// have the same content, so a round simply follows to the newer one.
	// It matters where Changes cannot list the changes.
	Fingerprint string
	// Notes are what reviewers must see about the subject, listed in the
	// review's summary: a contract version's breaking changes, say.
	Notes []string
}

// Subjects gives the review service read access to what it reviews, so
// that this package need not import the requirement or contract packages.
// adapters/link implements it over the requirement and contract
// stores.
type Subjects interface {
	// Subject returns the current state of ref. NotFound if it does not exist.
	Subject(ctx context.Context, project string, ref accord.Ref) (SubjectInfo, error)
	// Changes returns the JSON paths of the content fields that differ
	// between two revisions of ref (status and bookkeeping excluded).
	// known is false when the subject cannot tell, for example because the
	// older revision was not kept; nothing then carries over.
	Changes(ctx context.Context, project string, ref accord.Ref, from, to int) (paths []string, known bool, err error)
}

// Register finds where a risk raised in a review was filed in a risk
// register, so the review's summary can name it (RISK-4). adapters/link
// implements it over the risk store; this package does not import it.
type Register interface {
	RiskKey(ctx context.Context, project string, review accord.Ref, riskID string) (key string, ok bool)
}

// Options configure a Service. Store and Subjects are required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; every
	// command asks it for the permission it needs. project.Service is
	// one. Without it, callers hold the roles their accord.Actor carries,
	// under accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Subjects   Subjects
	Register   Register         // optional: names the register keys of raised risks in summaries
	Events     accord.EventSink // optional: receives an event after every change
	Clock      accord.Clock     // optional: defaults to accord.SystemClock()
}

// Service owns the review rules: rounds that follow the subject's revisions,
// verdicts, vetoes, assessments, threads, acceptance checks, overrides and
// the policy outcome. It is safe for concurrent use.
type Service struct {
	guard    svc.Guard
	store    Store
	subjects Subjects
	register Register
	pub      svc.Publisher
	clock    accord.Clock
	cmds     svc.Commands[Review, *Review]
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Subjects == nil {
		return nil, accord.Errorf(accord.Invalid, "review.Options: Store and Subjects are required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, subjects: opts.Subjects, register: opts.Register, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock}
	s.cmds = svc.Commands[Review, *Review]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Review]{
		What: "review", Prefix: KeyPrefix, Get: opts.Store.GetReview, ByKey: opts.Store.GetReviewByKey, Update: opts.Store.UpdateReview,
		Name:   func(rv Review) (string, string) { return rv.Key, rv.Title },
		Delete: opts.Store.DeleteReview, History: opts.Store.ListReviewRevisions}}
	return s, nil
}

// NewParticipant names someone to take part in a review, and in which role.
type NewParticipant struct {
	Actor string `json:"actor"`
	Role  string `json:"role"`
}

// NewReview is what Create needs.
type NewReview struct {
	Kind         Kind             `json:"kind"`
	Subject      accord.Ref       `json:"subject"`         // requirement/ID, change_request/ID or contract_version/ID@1.2.0
	Title        string           `json:"title,omitempty"` // defaults to the subject's title
	Participants []NewParticipant `json:"participants,omitempty"`
	Due          time.Time        `json:"due,omitzero"`
}

const maxText = 20000 // bytes in a comment, reason or note

func checkText(errs *accord.FieldErrors, field, text string, required bool) {
	svc.CheckText(errs, field, text, maxText, required)
}

func checkParticipant(errs *accord.FieldErrors, field string, p NewParticipant, roles []string) {
	svc.CheckID(errs, field+".actor", p.Actor)
	if !slices.Contains(roles, p.Role) {
		errs.Add(field+".role", "unknown role %q; known roles: %s", p.Role, strings.Join(roles, ", "))
	}
}

// Create opens a review of in.Subject with its first round on the
// subject's current revision, under the project's policy for in.Kind.
// Errors: Unauthenticated, Invalid (bad project or input), NotFound (the
// subject), Conflict (the subject already has a review of that kind),
// FailedPrecondition (an acceptance review of a requirement without
// acceptance criteria).
func (s *Service) Create(ctx context.Context, project string, in NewReview) (Review, error) {
	if err := svc.Bounded("review", in); err != nil {
		return Review{}, err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Review{}, err
	}
	settings, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return Review{}, err
	}
	now := s.clock.Now()
	var errs accord.FieldErrors
	if !in.Kind.Valid() {
		errs.Add("kind", "unknown review kind %q; one of %s", in.Kind, joinKinds())
	} else if in.Subject.Kind != in.Kind.SubjectKind() {
		errs.Add("subject.kind", "a %s review is about a %s, not %q", in.Kind, in.Kind.SubjectKind(), in.Subject.Kind)
	}
	if in.Subject.ID == "" {
		errs.Add("subject.id", "required")
	}
	checkText(&errs, "title", in.Title, false)
	roles := settings.AllRoles()
	for i, p := range in.Participants {
		f := fmt.Sprintf("participants[%d]", i)
		checkParticipant(&errs, f, p, roles)
		if slices.IndexFunc(in.Participants, func(q NewParticipant) bool { return q.Actor == p.Actor }) != i {
			errs.Add(f+".actor", "%q is listed twice; a participant has one role", p.Actor)
		}
	}
	if !in.Due.IsZero() && !in.Due.After(now) {
		errs.Add("due", "must be in the future")
	}
	if err := errs.Err("review"); err != nil {
		return Review{}, err
	}
	if err := s.checkHeld(ctx, project, func(i int) string { return fmt.Sprintf("participants[%d]", i) }, in.Participants...); err != nil {
		return Review{}, err
	}
	info, err := s.subjects.Subject(ctx, project, in.Subject)
	if err != nil {
		return Review{}, err
	}
	if info.Ref.ID != "" {
		in.Subject = info.Ref
	}
	if in.Kind == AcceptanceReview && len(info.Criteria) == 0 {
		return Review{}, accord.Errorf(accord.FailedPrecondition,
			"%s has no acceptance criteria to accept the delivery against: add them first", in.Subject)
	}
	rv := Review{ID: accord.NewID(now), Project: project, Kind: in.Kind, Subject: in.Subject, Title: in.Title, Due: in.Due,
		Policy: settings.Policy(in.Kind), Participants: []Participant{}, Vetoes: []Veto{}, Threads: []Thread{}, Log: []Entry{},
		Stamp: accord.NewStamp(actor.ID, now)}
	rv.SubjectName = info.Title
	if rv.Title == "" {
		rv.Title = info.Title
	}
	for _, p := range in.Participants {
		rv.Participants = append(rv.Participants, Participant{Actor: p.Actor, Role: p.Role, AddedAt: now, AddedBy: actor.ID})
	}
	t := &txn{rv: &rv, actor: actor, now: now}
	t.record("created", EventCreated, "%s review of %s opened by %s", in.Kind, rv.SubjectTitle(), actor.ID)
	rv.Rounds = []Round{newRound(1, in.Kind, info, t)}
	t.record("round_opened", EventRoundOpened, "round 1 opened on revision %d", info.Revision)
	stored, err := s.store.CreateReview(ctx, svc.Revision(rv, accord.RevisionCreated, t.note(0)))
	if err != nil {
		return Review{}, err
	}
	for _, e := range t.events {
		s.cmds.Publish(ctx, project, stored, actor, e.kind, "%s: %s", stored.Key, e.summary)
	}
	return stored, nil
}

func newRound(n int, kind Kind, info SubjectInfo, t *txn) Round {
	r := Round{Number: n, SubjectRevision: info.Revision, Fingerprint: info.Fingerprint, State: RoundOpen, OpenedAt: t.now, OpenedBy: t.actor.ID,
		Verdicts: []Verdict{}, Assessments: []Assessment{}, Checks: []Check{}, Overrides: []Override{}}
	if kind == AcceptanceReview {
		r.Criteria = slices.Clone(info.Criteria)
	}
	return r
}

// Get returns a review by ID or key.
// Errors: Invalid (bad project), NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Review, error) {
	return s.cmds.Get(ctx, project, id)
}

// Find returns the review of kind about subject.
// Errors: Invalid (bad project), NotFound.
func (s *Service) Find(ctx context.Context, project string, kind Kind, subject accord.Ref) (Review, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Review{}, err
	}
	return s.store.FindReview(ctx, project, kind, subject)
}

// List returns one page of the project's reviews that match f, in
// creation order.
// Errors: Invalid (bad project, unknown kind, page size outside 1–500,
// malformed token).
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Review], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Review]{}, err
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return accord.Page[Review]{}, accord.InvalidField("filter", "kind", "unknown review kind %q; one of %s", f.Kind, joinKinds())
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Review]{}, err
	}
	page, err := s.store.ListReviews(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []Review{}
	}
	return page, err
}

// ListDeleted returns one page of the project's deleted reviews, in
// creation order, each as its tombstone: Deleted says who deleted it,
// when and why; Restore brings one back within
// accord.RetentionWindow. Members may read it, as they read a deleted
// record's history.
// Errors: Unauthenticated, Invalid (bad project, page size outside 1–500,
// malformed token), NotFound (not a member).
func (s *Service) ListDeleted(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Review], error) {
	return svc.ListDeleted(ctx, s.guard, project, q, s.store.ListDeletedReviews)
}

// History returns every revision of a review, oldest first: one per
// change, each the whole review as it stood. A deleted review answers by
// its ID, its tombstone last.
// Errors: Invalid (bad project), NotFound.
func (s *Service) History(ctx context.Context, project, id string) ([]accord.Revision[Review], error) {
	return s.cmds.History(ctx, project, id)
}

// Delete deletes a review for reason (may be empty): it leaves a
// tombstone revision saying who, when and why and disappears from gets
// and lists; Restore brings it back within accord.RetentionWindow.
// Errors: Unauthenticated, Invalid (bad project, reason too long),
// NotFound, PermissionDenied, Conflict (changed meanwhile).
func (s *Service) Delete(ctx context.Context, project, id, reason string) error {
	draft := func(rv Review) bool {
		return !slices.ContainsFunc(rv.Rounds, func(r Round) bool { return len(r.Verdicts) > 0 })
	}
	return s.cmds.Delete(ctx, project, id, reason, draft, EventDeleted)
}

// Restore brings back a deleted review (named by its ID: its key no longer resolves) as it
// was, as a new revision, for reason: within accord.RetentionWindow of its
// deletion, with accord.PermRecordRestore (admins). Errors:
// Unauthenticated, Invalid, NotFound, PermissionDenied, FailedPrecondition
// (not deleted, or the window has passed), Conflict (restored meanwhile).
func (s *Service) Restore(ctx context.Context, project, id, reason string) (Review, error) {
	return s.cmds.Restore(ctx, project, id, reason, EventRestored)
}

// Outcome evaluates the review's open round now.
// Errors: Invalid (bad project), NotFound.
func (s *Service) Outcome(ctx context.Context, project, id string) (Evaluation, error) {
	rv, err := s.Get(ctx, project, id)
	if err != nil {
		return Evaluation{}, err
	}
	return Evaluate(rv, s.clock.Now()), nil
}

// Evaluate evaluates rv at the service clock's time.
func (s *Service) Evaluate(rv Review) Evaluation { return Evaluate(rv, s.clock.Now()) }

// Summary returns the review as Markdown for sharing (see Markdown).
// Errors: Invalid (bad project), NotFound.
func (s *Service) Summary(ctx context.Context, project, id string) (string, error) {
	rv, err := s.Get(ctx, project, id)
	if err != nil {
		return "", err
	}
	var keys map[string]string
	if s.register != nil {
		keys = map[string]string{}
		for _, r := range rv.Risks() {
			if key, ok := s.register.RiskKey(ctx, project, rv.Ref(), r.ID); ok {
				keys[r.ID] = key
			}
		}
	}
	var notes []string
	if info, err := s.subjects.Subject(ctx, project, rv.Subject); err == nil {
		notes = info.Notes
	}
	return markdown(rv, Evaluate(rv, s.clock.Now()), keys, notes), nil
}

// txn is one change to a review: the copy being edited, who edits it,
// when, and the history entries and events it makes.
type txn struct {
	rv     *Review
	actor  accord.Actor
	now    time.Time
	events []pendingEvent
}

type pendingEvent struct{ kind, summary string }

// record adds a history entry and, when event is not empty, queues an event
// that is published once the change is stored.
func (t *txn) record(action, event, format string, args ...any) {
	detail := fmt.Sprintf(format, args...)
	round := 0
	if c := t.rv.Current(); c != nil {
		round = c.Number
	}
	t.rv.Log = append(t.rv.Log, Entry{Time: t.now, Actor: t.actor.ID, Action: action, Round: round, Detail: detail})
	if event != "" {
		t.events = append(t.events, pendingEvent{event, detail})
	}
}

// participant returns the acting participant, or PermissionDenied. The
// participant must still hold their review role in the project: roles can
// change between the review's creation and a verdict.
func (t *txn) participant() (Participant, error) {
	p, ok := t.rv.Participant(t.actor.ID)
	if !ok {
		return p, accord.Errorf(accord.PermissionDenied, "%s is not a participant of %s; add them first", t.actor.ID, t.rv.Key)
	}
	if !t.actor.HasRole(p.Role) {
		return p, accord.Errorf(accord.PermissionDenied, "%s takes part in %s as %s but does not hold the role %s in project %s",
			t.actor.ID, t.rv.Key, p.Role, p.Role, t.rv.Project)
	}
	return p, nil
}

// checkHeld refuses participants named in a role they do not hold in the
// project. Without a project authorizer only the caller's own roles are
// known; the others' are checked when they act.
func (s *Service) checkHeld(ctx context.Context, project string, field func(i int) string, ps ...NewParticipant) error {
	var errs accord.FieldErrors
	for i, p := range ps {
		roles, known, err := s.guard.Roles(ctx, project, p.Actor)
		switch {
		case accord.ErrorCode(err) == accord.Invalid:
			errs.Add(field(i)+".actor", "%s is not a member of %s", p.Actor, project)
		case err != nil:
			return err
		case known && !slices.Contains(roles, p.Role):
			errs.Add(field(i)+".role", "%s does not hold the role %s in %s (holds: %s)", p.Actor, p.Role, project, orNobody(roles))
		}
	}
	return errs.Err("participants")
}

// participantIn returns the acting participant and the open round, which
// n must name: what every verdict, assessment and check needs.
func (t *txn) participantIn(n int) (Participant, *Round, error) {
	p, err := t.participant()
	if err != nil {
		return p, nil, err
	}
	round, err := t.openRound(n)
	return p, round, err
}

// openRound returns the open round if n names it. Naming an older round is
// a stale read: the subject has moved on since the caller looked.
func (t *txn) openRound(n int) (*Round, error) {
	cur := t.rv.Current()
	switch {
	case n == cur.Number:
		return cur, nil
	case n >= 1 && n < cur.Number:
		return nil, &accord.Error{Code: accord.Conflict, Err: accord.ErrStale, Message: fmt.Sprintf(
			"round %d of %s was superseded by round %d on revision %d of %s: review that revision and name round %d",
			n, t.rv.Key, cur.Number, cur.SubjectRevision, t.rv.SubjectTitle(), cur.Number)}
	default:
		return nil, accord.InvalidField("round", "round", "%s has no round %d; the open round is %d", t.rv.Key, n, cur.Number)
	}
}

// change applies edit to the latest stored review and stores the result,
// re-reading and re-applying when a concurrent change got there first:
// verdicts, comments and assessments are additions, so each retry checks
// them against the newest state instead of failing the caller.
func (s *Service) change(ctx context.Context, project, id string, edit func(t *txn) error) (Review, error) {
	return s.changeAt(ctx, project, id, 0, edit)
}

// changeAt is change for a caller that names the revision it read (If-Match):
// base 0 applies the edit to whatever is newest; any other base must be the
// current revision, and a lost race is reported instead of retried. An
// edit that logs nothing changes nothing.
func (s *Service) changeAt(ctx context.Context, project, id string, base int, edit func(t *txn) error) (Review, error) {
	var t *txn
	var before Evaluation
	return s.cmds.Run(ctx, svc.Change[Review]{Project: project, Ref: id, Base: base,
		Edit: func(rv *Review, c *svc.Cmd) error {
			t = &txn{rv: rv, actor: c.Actor, now: c.Now}
			logged := len(rv.Log)
			before = Evaluate(*rv, t.now)
			if err := edit(t); err != nil {
				return err
			}
			if len(rv.Log) == logged {
				c.Unchanged()
				return nil
			}
			c.Kind, c.Note = accord.RevisionKind(rv.Log[logged].Action), t.note(logged)
			return nil
		},
		Stored: func(out Review, c *svc.Cmd) { t.announce(c, &before, out) },
	})
}

// note sums up the history entries from index from on, for the revision.
func (t *txn) note(from int) string {
	parts := make([]string, 0, len(t.rv.Log)-from)
	for _, e := range t.rv.Log[from:] {
		parts = append(parts, e.Detail)
	}
	return strings.Join(parts, "; ")
}

// announce queues the change's events on c and, when the outcome moved,
// an outcome_changed event.
func (t *txn) announce(c *svc.Cmd, before *Evaluation, after Review) {
	for _, e := range t.events {
		c.Event(e.kind, "%s: %s", after.Key, e.summary)
	}
	if before == nil {
		return
	}
	if is := Evaluate(after, t.now); before.Outcome != is.Outcome {
		c.Event(EventOutcomeChanged, "%s: outcome changed from %s to %s (%s)", after.Key, before.Outcome, is.Outcome, is.Explain())
	}
}

// AddParticipant adds someone to the review in a role.
// Errors: Unauthenticated, Invalid (bad actor or role), NotFound,
// Conflict (already a participant).
func (s *Service) AddParticipant(ctx context.Context, project, id string, p NewParticipant) (Review, error) {
	if err := svc.Bounded("participant", p); err != nil {
		return Review{}, err
	}
	settings, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return Review{}, err
	}
	var errs accord.FieldErrors
	checkParticipant(&errs, "participant", p, settings.AllRoles())
	if err := errs.Err("participant"); err != nil {
		return Review{}, err
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Review{}, err
	}
	if err := s.checkHeld(ctx, project, func(int) string { return "participant" }, p); err != nil {
		return Review{}, err
	}
	return s.change(ctx, project, id, func(t *txn) error {
		if have, ok := t.rv.Participant(p.Actor); ok {
			return accord.Errorf(accord.Conflict, "%s already takes part in %s as %s; remove them first to change the role", p.Actor, t.rv.Key, have.Role)
		}
		t.rv.Participants = append(t.rv.Participants, Participant{Actor: p.Actor, Role: p.Role, AddedAt: t.now, AddedBy: t.actor.ID})
		t.record("participant_added", EventParticipantAdded, "%s added as %s by %s", p.Actor, p.Role, t.actor.ID)
		return nil
	})
}

// RemoveParticipant removes someone from the review. Their verdicts stay
// in the history but no longer count; a veto they gave stands until they
// withdraw it.
// Errors: Unauthenticated, NotFound (review or participant).
func (s *Service) RemoveParticipant(ctx context.Context, project, id, actor string) (Review, error) {
	return s.change(ctx, project, id, func(t *txn) error {
		i := slices.IndexFunc(t.rv.Participants, func(p Participant) bool { return p.Actor == actor })
		if i < 0 {
			return accord.Errorf(accord.NotFound, "%q is not a participant of %s", actor, t.rv.Key)
		}
		role := t.rv.Participants[i].Role
		t.rv.Participants = slices.Delete(t.rv.Participants, i, i+1)
		t.record("participant_removed", EventParticipantRemoved, "%s (%s) removed by %s", actor, role, t.actor.ID)
		return nil
	})
}

// SetDue sets the due date of the review at revision base; the zero time
// clears it. A review still pending after its due date evaluates as
// expired.
// Errors: Unauthenticated, Invalid (in the past, or base below 1),
// NotFound, Conflict wrapping accord.ErrStale (base is not current).
func (s *Service) SetDue(ctx context.Context, project, id string, base int, due time.Time) (Review, error) {
	if !due.IsZero() && !due.After(s.clock.Now()) {
		return Review{}, accord.InvalidField("due date", "due", "must be in the future")
	}
	if base < 1 {
		return Review{}, svc.CheckBase("review", base, 0)
	}
	return s.changeAt(ctx, project, id, base, func(t *txn) error {
		if t.rv.Due.Equal(due) {
			return nil
		}
		t.rv.Due = due
		if due.IsZero() {
			t.record("due_changed", EventDueChanged, "due date cleared by %s", t.actor.ID)
		} else {
			t.record("due_changed", EventDueChanged, "due %s, set by %s", due.UTC().Format(time.RFC3339), t.actor.ID)
		}
		return nil
	})
}
