package trace

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Targets reads the records at either end of a link, in any domain.
// adapters/link implements it over every domain's store.
type Targets interface {
	// Target returns the record ref names (by ID or human key): its ref by
	// ID, its current revision and a title. NotFound if it does not
	// exist; Invalid for a kind it does not know.
	Target(ctx context.Context, project string, ref accord.Ref) (Target, error)
	// Changes lists the content fields that differ between revisions from
	// and to of the record: status and bookkeeping left out. Empty when
	// only those changed.
	Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, error)
}

// Options configure a Service. Store and Targets are required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; every
	// command asks it for the permission it needs. project.Service is
	// one. Without it, callers hold the roles their accord.Actor carries,
	// under accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Targets    Targets
	Events     accord.EventSink // optional: receives an event after every change
	Clock      accord.Clock     // optional: defaults to accord.SystemClock()
}

// Service owns the links' rules: roles, one link per pair and role, the
// target revision each records, suspicion when the target's content
// changes, and confirmation. It is safe for concurrent use.
type Service struct {
	guard   svc.Guard
	store   Store
	targets Targets
	pub     svc.Publisher
	clock   accord.Clock
	cmds    svc.Commands[Link, *Link]
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Targets == nil {
		return nil, accord.Errorf(accord.Invalid, "trace.Options.Store and Targets are required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, targets: opts.Targets, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock}
	s.cmds = svc.Commands[Link, *Link]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Link]{What: "link", Get: opts.Store.GetLink, Update: opts.Store.UpdateLink}}
	return s, nil
}

// resolve reads the record at one end of a link; a record that does not
// exist is bad input naming the field.
func (s *Service) resolve(ctx context.Context, project, field string, ref accord.Ref) (Target, error) {
	t, err := s.targets.Target(ctx, project, ref)
	if accord.ErrorCode(err) == accord.NotFound {
		e := accord.InvalidField("link", field, "no %s %q in project %q", ref.Kind, ref.ID, project)
		e.Err = err
		return t, e
	}
	// A ref Targets refuses names its own fields (kind, id): under this end.
	var e *accord.Error
	if accord.ErrorCode(err) == accord.Invalid && errors.As(err, &e) {
		out := &accord.Error{Code: accord.Invalid, Message: "invalid link", Err: err}
		for _, f := range e.Fields {
			out.Fields = append(out.Fields, accord.FieldError{Field: field + "." + f.Field, Message: f.Message})
		}
		if len(out.Fields) == 0 {
			out.Fields = []accord.FieldError{{Field: field, Message: e.Message}}
		}
		return t, out
	}
	return t, err
}

// Link links in.From to in.To in in.Role, at To's current revision.
// Errors: Unauthenticated, Invalid (an end that does not exist, an unknown
// role, a record linked to itself), Conflict (already linked so).
func (s *Service) Link(ctx context.Context, project string, in NewLink) (Link, error) {
	if err := svc.Bounded("link", in); err != nil {
		return Link{}, err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Link{}, err
	}
	var errs accord.FieldErrors
	in.From.Validate("from", &errs)
	in.To.Validate("to", &errs)
	if !in.Role.Valid() {
		errs.Add("role", "unknown role %q; one of %s", in.Role, svc.Join(Roles()))
	}
	svc.CheckText(&errs, "note", in.Note, svc.MaxText, false)
	if err := errs.Err("link"); err != nil {
		return Link{}, err
	}
	from, err := s.resolve(ctx, project, "from", in.From)
	if err != nil {
		return Link{}, err
	}
	to, err := s.resolve(ctx, project, "to", in.To)
	if err != nil {
		return Link{}, err
	}
	if from.Ref == to.Ref {
		return Link{}, accord.InvalidField("link", "to", "a record cannot depend on itself")
	}
	l, err := s.create(ctx, project, actor, from.Ref, in.Role, to, Manual, in.Note)
	if err != nil {
		return Link{}, err
	}
	s.cmds.Publish(ctx, project, l, actor, EventLinked, "%s now %s %s (%s, revision %d), linked by %s", from.Title, in.Role, to.Title, to.Ref, to.Revision, actor.ID)
	return l, nil
}

func (s *Service) create(ctx context.Context, project string, actor accord.Actor, from accord.Ref, role Role, to Target, origin Origin, note string) (Link, error) {
	name := Name(from, role, to.Ref)
	if have, err := s.store.FindLink(ctx, project, name); err == nil {
		return Link{}, accord.Errorf(accord.Conflict, "%s already %s %s: link %s", from, role, to.Ref, have.ID)
	}
	now := s.clock.Now()
	l := Link{ID: accord.NewID(now), Project: project, From: from, To: to.Ref, Role: role, Origin: origin, Note: note,
		TargetRevision: to.Revision, Status: Current, Stamp: accord.NewStamp(actor.ID, now)}
	return s.store.CreateLink(ctx, svc.Revision(l, accord.RevisionCreated, note))
}

// Get returns a link. Errors: Invalid, NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Link, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Link{}, err
	}
	return s.store.GetLink(ctx, project, id)
}

// canonical names a record by ID, as links do; a record that no longer
// exists is kept as given, so its links can still be found.
func (s *Service) canonical(ctx context.Context, project string, ref accord.Ref) (accord.Ref, error) {
	if ref.Kind == "" {
		return ref, nil
	}
	t, err := s.targets.Target(ctx, project, ref)
	switch accord.ErrorCode(err) {
	case "":
		return t.Ref, nil
	case accord.NotFound:
		return ref, nil
	}
	return ref, err
}

// List returns one page of the project's links that match f, in creation
// order. The refs in f may name records by key. Suspect links of a
// project: Filter{Status: []Status{Suspect}}; of a record: with Record
// set too. Errors: Invalid.
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Link], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Link]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Link]{}, err
	}
	if f, err = s.canonicalFilter(ctx, project, f); err != nil {
		return accord.Page[Link]{}, err
	}
	page, err := s.store.ListLinks(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []Link{}
	}
	return page, err
}

// ListDeleted returns one page of the project's deleted links, in
// creation order, each as its tombstone: Deleted says who removed it,
// when and why (a declared link is removed when its record stops naming
// it). Restore brings back one removed by hand within
// accord.RetentionWindow. Members may read it, as they read a deleted
// record's history.
// Errors: Unauthenticated, Invalid (bad project, page size outside 1–500,
// malformed token), NotFound (not a member).
func (s *Service) ListDeleted(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Link], error) {
	return svc.ListDeleted(ctx, s.guard, project, q, s.store.ListDeletedLinks)
}

func (s *Service) canonicalFilter(ctx context.Context, project string, f Filter) (Filter, error) {
	var err error
	for _, r := range []*accord.Ref{&f.From, &f.To, &f.Record} {
		if *r, err = s.canonical(ctx, project, *r); err != nil {
			return f, err
		}
	}
	return f, nil
}

// All returns every link of the project that matches f.
func (s *Service) All(ctx context.Context, project string, f Filter) ([]Link, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	f, err := s.canonicalFilter(ctx, project, f)
	if err != nil {
		return nil, err
	}
	return svc.All(ctx, project, f, s.store.ListLinks)
}

// Neighbours returns what the record depends on and what depends on it.
// Errors: Invalid, NotFound (no such record).
func (s *Service) Neighbours(ctx context.Context, project string, record accord.Ref) (Neighbours, error) {
	var errs accord.FieldErrors
	record.Validate("record", &errs)
	if err := errs.Err("record"); err != nil {
		return Neighbours{}, err
	}
	if err := s.guard.Read(ctx, project); err != nil {
		return Neighbours{}, err
	}
	// A record that does not exist has no links to show: say so rather
	// than answer with empty lists, which would look like an orphan.
	t, err := s.targets.Target(ctx, project, record)
	if err != nil {
		return Neighbours{}, err
	}
	record = t.Ref
	links, err := svc.All(ctx, project, Filter{Record: record}, s.store.ListLinks)
	if err != nil {
		return Neighbours{}, err
	}
	out := Neighbours{Record: record, DependsOn: []Link{}, Dependents: []Link{}}
	for _, l := range links {
		if l.From == record {
			out.DependsOn = append(out.DependsOn, l)
		} else {
			out.Dependents = append(out.Dependents, l)
		}
	}
	return out, nil
}

// ConfirmInput is the note a confirmation keeps: the input of Confirm.
type ConfirmInput struct {
	Note string `json:"note"`
}

// Validate checks that the note is there and not too long.
func (in ConfirmInput) Validate() error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "note", in.Note, svc.MaxText, true)
	return errs.Err("confirmation")
}

// Confirm records that the link was checked against its target's current
// revision, with a note saying so: the link is current again and records
// that revision. base is the link's revision (If-Match; 0: the newest).
// Errors: Unauthenticated, Invalid (no note), NotFound, Conflict (stale),
// FailedPrecondition (the target no longer exists).
func (s *Service) Confirm(ctx context.Context, project, id string, base int, in ConfirmInput) (Link, error) {
	if err := in.Validate(); err != nil {
		return Link{}, err
	}
	note := in.Note
	return s.cmds.Run(ctx, svc.Change[Link]{Project: project, Ref: id, Base: base,
		Edit: func(l *Link, c *svc.Cmd) error {
			target, err := s.targets.Target(ctx, project, l.To)
			if err != nil {
				if accord.ErrorCode(err) == accord.NotFound {
					err = accord.Errorf(accord.FailedPrecondition, "%s no longer exists: remove the link instead of confirming it", l.To)
				}
				return err
			}
			l.TargetRevision, l.Status, l.Suspicion = target.Revision, Current, nil
			l.Confirmed = &Confirmation{Revision: target.Revision, By: c.Actor.ID, At: c.Now, Note: note}
			c.Kind, c.Note = "confirmed", note
			c.Event(EventConfirmed, "%s %s %s confirmed at revision %d by %s: %s", s.title(ctx, project, l.From), l.Role, target.Title, target.Revision, c.Actor.ID, note)
			return nil
		}})
}

// title names ref for a person ("REQ-3 Login by SMS"); by its Ref when it
// cannot be read (it was deleted).
func (s *Service) title(ctx context.Context, project string, ref accord.Ref) string {
	if t, err := s.targets.Target(ctx, project, ref); err == nil && t.Title != "" {
		return t.Title
	}
	return ref.String()
}

// Unlink removes a link made by hand, for reason (may be empty): it
// leaves a tombstone revision saying who, when and why and leaves the
// lists; Restore brings it back within accord.RetentionWindow. A declared
// link goes when its record stops declaring it. Errors: Unauthenticated,
// Invalid (reason too long), NotFound, PermissionDenied,
// FailedPrecondition (declared).
func (s *Service) Unlink(ctx context.Context, project, id, reason string) error {
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return err
	}
	if err := svc.CheckReason(reason); err != nil {
		return err
	}
	l, err := s.store.GetLink(ctx, project, id)
	if err != nil {
		return err
	}
	if l.Origin == Declared {
		return accord.Errorf(accord.FailedPrecondition, "%s declares this link itself: remove %s from it instead", l.From, l.To)
	}
	if err := s.guard.MayDelete(ctx, project, actor, "link "+l.ID, l.CreatedBy, true); err != nil {
		return err
	}
	if err := s.store.DeleteLink(ctx, svc.Tombstone(l, actor.ID, s.clock.Now(), reason)); err != nil {
		return err
	}
	s.cmds.Publish(ctx, project, l, actor, EventUnlinked, "%s no longer %s %s (removed by %s%s)", s.title(ctx, project, l.From), l.Role, s.title(ctx, project, l.To), actor.ID, svc.Because(reason))
	return nil
}

// Restore brings back a link removed by hand, as a new revision, for
// reason: within accord.RetentionWindow of its removal, with
// accord.PermRecordRestore (admins). A declared link comes back when its
// record declares it again. Errors: Unauthenticated, Invalid, NotFound,
// PermissionDenied, FailedPrecondition (declared, not removed, or the
// window has passed), Conflict (the same link was made again meanwhile).
func (s *Service) Restore(ctx context.Context, project, id, reason string) (Link, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordRestore)
	if err != nil {
		return Link{}, err
	}
	if err := svc.CheckReason(reason); err != nil {
		return Link{}, err
	}
	revs, err := s.store.ListLinkRevisions(ctx, project, id)
	if err != nil {
		return Link{}, err
	}
	if len(revs) > 0 && revs[0].Record.Origin == Declared {
		l := revs[0].Record
		return Link{}, accord.Errorf(accord.FailedPrecondition, "%s declared this link itself: it comes back when %s names %s again", l.From, l.From, l.To)
	}
	next, err := svc.Restoration(func(l Link) string { return fmt.Sprintf("link %s %s %s", l.From, l.Role, l.To) }, revs, actor.ID, s.clock.Now(), reason)
	if err != nil {
		return Link{}, err
	}
	l, err := s.store.UpdateLink(ctx, next)
	if err != nil {
		return Link{}, err
	}
	s.cmds.Publish(ctx, project, l, actor, EventRestored, "%s %s %s again (restored by %s%s)", s.title(ctx, project, l.From), l.Role, s.title(ctx, project, l.To), actor.ID, svc.Because(reason))
	return l, nil
}

// Declare keeps the links that record from declares itself in step with
// decls, its whole current list: new ones are made at their target's
// current revision, ones it no longer declares are removed. A declared
// target that does not exist makes no link (a record may name one before
// it is written). adapters/link calls it after every change of a record
// that declares links. Errors: Unauthenticated, Invalid.
func (s *Service) Declare(ctx context.Context, project string, from accord.Ref, decls []Declaration) error {
	if err := svc.Bounded("declarations", map[string]any{"declarations": decls}); err != nil {
		return err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return err
	}
	var errs accord.FieldErrors
	from.Validate("from", &errs)
	for i, d := range decls {
		d.To.Validate(fmt.Sprintf("declarations[%d].to", i), &errs)
		if !d.Role.Valid() {
			errs.Add(fmt.Sprintf("declarations[%d].role", i), "unknown role %q; one of %s", d.Role, svc.Join(Roles()))
		}
	}
	if err := errs.Err("declaration"); err != nil {
		return err
	}
	fromTitle := sync.OnceValue(func() string { return s.title(ctx, project, from) }) // read only when a link is made
	have, err := svc.All(ctx, project, Filter{From: from}, s.store.ListLinks)
	if err != nil {
		return err
	}
	byName := map[string]Link{}
	for _, l := range have {
		byName[l.Name()] = l
	}
	keep := map[string]bool{}
	for _, d := range decls {
		// A declaration already linked, by the ID the link keeps, needs no
		// read: this runs after every change of the declaring record.
		if name := Name(from, d.Role, d.To); byName[name].ID != "" {
			keep[name] = true
			continue
		}
		to, err := s.targets.Target(ctx, project, d.To)
		if accord.ErrorCode(err) == accord.NotFound || (err == nil && to.Ref == from) {
			continue
		}
		if err != nil {
			return err
		}
		name := Name(from, d.Role, to.Ref)
		if keep[name] {
			continue
		}
		keep[name] = true
		if _, ok := byName[name]; ok {
			continue // declared already, or linked by hand the same way
		}
		l, err := s.create(ctx, project, actor, from, d.Role, to, Declared, d.Note)
		if accord.ErrorCode(err) == accord.Conflict {
			continue // a concurrent Declare made it
		}
		if err != nil {
			return err
		}
		s.cmds.Publish(ctx, project, l, actor, EventDeclared, "%s %s %s (%s, revision %d)", fromTitle(), d.Role, to.Title, to.Ref, to.Revision)
	}
	for name, l := range byName {
		if l.Origin != Declared || keep[name] {
			continue
		}
		why := fmt.Sprintf("%s no longer declares it", l.From)
		if _, err := s.targets.Target(ctx, project, from); accord.ErrorCode(err) == accord.NotFound {
			why = fmt.Sprintf("%s was deleted", l.From)
		}
		err := s.store.DeleteLink(ctx, svc.Tombstone(l, actor.ID, s.clock.Now(), why))
		if err != nil && accord.ErrorCode(err) != accord.NotFound && !errors.Is(err, accord.ErrStale) {
			return err
		}
		s.cmds.Publish(ctx, project, l, actor, EventUnlinked, "%s no longer declares that it %s %s (%s)", s.title(ctx, project, l.From), l.Role, s.title(ctx, project, l.To), why)
	}
	return nil
}

// TargetRevised examines the links to target after it changed: each link
// whose recorded revision differs in content from the target's current
// one turns suspect, naming the fields; one whose target no longer exists
// turns suspect as gone. It returns the links that turned suspect.
// adapters/link calls it for the record of every event.
func (s *Service) TargetRevised(ctx context.Context, project string, target accord.Ref) ([]Link, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	links, err := svc.All(ctx, project, Filter{To: target}, s.store.ListLinks)
	if err != nil || len(links) == 0 {
		return nil, err
	}
	actor, ok := accord.ActorFrom(ctx)
	if !ok {
		actor = accord.Actor{ID: "accord"}
	}
	cur, err := s.targets.Target(ctx, project, target)
	gone := accord.ErrorCode(err) == accord.NotFound
	if err != nil && !gone {
		return nil, err
	}
	changes := map[int][]string{} // by the revision a link records
	var turned []Link
	for _, l := range links {
		var fields []string
		switch {
		case gone:
			fields = []string{}
		case l.TargetRevision == cur.Revision:
			continue
		case l.Suspicion != nil && l.Suspicion.Revision == cur.Revision:
			continue
		default:
			f, seen := changes[l.TargetRevision]
			if !seen {
				if f, err = s.targets.Changes(ctx, project, target, l.TargetRevision, cur.Revision); err != nil {
					return turned, err
				}
				changes[l.TargetRevision] = f
			}
			fields = f
		}
		if gone && l.Suspicion != nil && l.Suspicion.Gone {
			continue
		}
		if !gone && len(fields) == 0 && l.Status == Current {
			continue // status or bookkeeping only
		}
		was := l.Status
		next, err := s.suspect(ctx, project, l, actor, cur.Revision, fields, gone)
		if err != nil {
			return turned, err
		}
		if next.Status == Suspect && was == Current {
			turned = append(turned, next)
			what := "changed: " + strings.Join(fields, ", ")
			if gone {
				what = "no longer exists"
			}
			s.cmds.Publish(ctx, project, next, actor, EventSuspect, "%s %s %s, which %s", s.title(ctx, project, next.From), next.Role, cmp.Or(cur.Title, next.To.String()), what)
		}
	}
	return turned, nil
}

// suspect stores l as suspect over fields at target revision rev; with no
// fields (the content is back to what the link records) it is current. A
// link confirmed meanwhile is judged again from the revision it was
// confirmed at.
func (s *Service) suspect(ctx context.Context, project string, l Link, actor accord.Actor, rev int, fields []string, gone bool) (Link, error) {
	return s.cmds.Run(ctx, svc.Change[Link]{Project: project, Ref: l.ID, As: &actor,
		Edit: func(cur *Link, c *svc.Cmd) error {
			if cur.TargetRevision != l.TargetRevision && !gone {
				if cur.TargetRevision >= rev {
					c.Unchanged() // confirmed at this revision or a later one
					return nil
				}
				var err error
				if fields, err = s.targets.Changes(ctx, project, cur.To, cur.TargetRevision, rev); err != nil {
					return err
				}
				l = *cur
			}
			if len(fields) == 0 && !gone {
				if cur.Status == Current {
					c.Unchanged()
					return nil
				}
				cur.Status, cur.Suspicion = Current, nil
			} else {
				since := c.Now
				if cur.Suspicion != nil {
					since = cur.Suspicion.Since
				}
				cur.Status, cur.Suspicion = Suspect, &Suspicion{Revision: rev, Fields: fields, Since: since, Gone: gone}
			}
			c.Kind, c.Note = "suspected", fmt.Sprintf("%s revision %d", cur.To, rev)
			return nil
		}})
}

// Recheck examines every link of the project against its target, as
// TargetRevised does after an event, and returns the links that turned
// suspect: for links whose event never arrived (a crash, a change made
// while no service was listening).
func (s *Service) Recheck(ctx context.Context, project string) ([]Link, error) {
	links, err := s.All(ctx, project, Filter{})
	if err != nil {
		return nil, err
	}
	seen := map[accord.Ref]bool{}
	var turned []Link
	for _, l := range links {
		if seen[l.To] {
			continue
		}
		seen[l.To] = true
		t, err := s.TargetRevised(ctx, project, l.To)
		turned = append(turned, t...)
		if err != nil {
			return turned, err
		}
	}
	return turned, nil
}

// Impact lists the links to target that a change of fields (its content
// paths, as Targets.Changes names them) would turn suspect, and those
// suspect already. No fields: a change of status or bookkeeping only,
// which turns nothing suspect. Errors: Invalid.
func (s *Service) Impact(ctx context.Context, project string, target accord.Ref, fields []string) (Impact, error) {
	if err := svc.Bounded("fields", map[string]any{"fields": fields}); err != nil {
		return Impact{}, err
	}
	links, err := s.All(ctx, project, Filter{To: target})
	if err != nil {
		return Impact{}, err
	}
	out := Impact{Target: target, Fields: slices.Clone(fields), Links: []ImpactLink{}}
	if out.Fields == nil {
		out.Fields = []string{}
	}
	if len(links) > 0 {
		out.Target = links[0].To
	}
	if len(fields) == 0 {
		return out, nil
	}
	for _, l := range links {
		out.Links = append(out.Links, ImpactLink{Link: l, AlreadySuspect: l.Status == Suspect})
	}
	return out, nil
}

// History returns every revision of a link, oldest first: when it was
// made, turned suspect and confirmed.
func (s *Service) History(ctx context.Context, project, id string) ([]accord.Revision[Link], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListLinkRevisions(ctx, project, id)
}
