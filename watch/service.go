package watch

import (
	"context"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/pagetoken"
	"github.com/accordhq/accord/internal/svc"
)

// Records names records the way their events do: by ID. adapters/link's
// Records is one. Without it a watch keeps its target as given, and only
// events that name the record so reach it.
type Records interface {
	// Canonical returns ref by ID (requirement/REQ-3 → requirement/01J…).
	// NotFound if there is no such record.
	Canonical(ctx context.Context, project string, ref accord.Ref) (accord.Ref, error)
}

// Options configure a Service. Store is required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; every
	// command asks it for the permission it needs. project.Service is
	// one. Without it, callers hold the roles their accord.Actor carries,
	// under accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Records    Records          // optional: watch records by key too
	Events     accord.EventSink // optional
	Clock      accord.Clock     // optional
}

// Service manages watches and reads inboxes. It is safe for concurrent use.
type Service struct {
	guard   svc.Guard
	store   Store
	records Records
	pub     svc.Publisher
	clock   accord.Clock
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "watch.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	return &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, records: opts.Records, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock}, nil
}

// Watch starts the caller watching target, a record (requirement/REQ-3,
// kept by ID when the Service has Records) or the project itself
// (project/<key>). Events from now on reach their inbox. Errors:
// Unauthenticated, Invalid (no such record), Conflict (watched already).
func (s *Service) Watch(ctx context.Context, project string, target accord.Ref) (Watch, error) {
	if err := svc.Bounded("watch", target); err != nil {
		return Watch{}, err
	}
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return Watch{}, err
	}
	var errs accord.FieldErrors
	target.Validate("target", &errs)
	if target.Kind == ProjectKind && target.ID != project {
		errs.Add("target.id", "a project watch names this project, %q", project)
	}
	svc.CheckText(&errs, "target.id", target.ID, svc.MaxName, false)
	if err := errs.Err("watch"); err != nil {
		return Watch{}, err
	}
	if s.records != nil && target.Kind != ProjectKind {
		canonical, err := s.records.Canonical(ctx, project, target)
		if accord.ErrorCode(err) == accord.NotFound {
			e := accord.InvalidField("watch", "target", "no %s %q in project %q", target.Kind, target.ID, project)
			e.Err = err
			return Watch{}, e
		}
		if err != nil {
			return Watch{}, err
		}
		target = canonical
	}
	now := s.clock.Now()
	w := Watch{ID: accord.NewID(now), Project: project, Actor: actor.ID, Target: target, Stamp: accord.NewStamp(actor.ID, now)}
	w, err = s.store.CreateWatch(ctx, svc.Revision(w, accord.RevisionCreated, ""))
	if err != nil {
		return Watch{}, err
	}
	s.pub.Publish(ctx, EventStarted, project, w.Ref(), actor, "%s watches %s", actor.ID, target)
	return w, nil
}

// Unwatch stops one of the caller's watches. Errors: NotFound (also for
// someone else's).
func (s *Service) Unwatch(ctx context.Context, project, id string) error {
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return err
	}
	w, err := s.store.GetWatch(ctx, project, id)
	if err == nil && w.Actor != actor.ID {
		err = accord.Errorf(accord.NotFound, "watch %q not found in project %q", id, project)
	}
	if err != nil {
		return err
	}
	if err := s.store.DeleteWatch(ctx, project, id); err != nil {
		return err
	}
	s.pub.Publish(ctx, EventStopped, project, w.Ref(), actor, "%s no longer watches %s", actor.ID, w.Target)
	return nil
}

// Watches returns one page of the caller's watches in the project.
func (s *Service) Watches(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Watch], error) {
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return accord.Page[Watch]{}, err
	}
	if q, err = q.Normalize(); err != nil {
		return accord.Page[Watch]{}, err
	}
	return s.store.ListWatches(ctx, project, actor.ID, q)
}

// scan is how many log entries one Inbox call reads at most.
const scan = 2000

// Inbox returns one page of the caller's unread events in the project,
// oldest first: those after their read mark that one of their watches
// takes. Their own watch events are left out. It changes nothing:
// MarkRead(inbox.Through) marks what it showed read, and the page's
// NextPageToken reads on without marking. Errors: Invalid (page size
// outside 1–500, malformed token), NotFound (not a member).
func (s *Service) Inbox(ctx context.Context, project string, q accord.PageQuery) (in Inbox, err error) {
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return Inbox{}, err
	}
	q, err = q.Normalize()
	if err != nil {
		return Inbox{}, err
	}
	after, err := pagetoken.Decode("inbox:", q.Token)
	if err != nil {
		return Inbox{}, err
	}
	mark, err := s.store.ReadMark(ctx, project, actor.ID)
	if err != nil {
		return Inbox{}, err
	}
	watches, err := svc.All(ctx, project, actor.ID, s.store.ListWatches)
	if err != nil {
		return Inbox{}, err
	}
	in = Inbox{Actor: actor.ID, Project: project, ReadTo: mark, Entries: []Entry{}, Through: max(mark, int64(after))}
	defer func() {
		if in.More && in.Through > 0 {
			in.NextPageToken = pagetoken.Encode("inbox:", int(in.Through))
		}
	}()
	if len(watches) == 0 {
		return in, nil
	}
	for read := 0; read < scan; {
		batch, err := s.store.Log(ctx, project, in.Through, min(accord.MaxPageSize, scan-read))
		if err != nil {
			return in, err
		}
		if len(batch) == 0 {
			return in, nil
		}
		read += len(batch)
		for _, e := range batch {
			if len(in.Entries) == q.Size {
				in.More = true
				return in, nil
			}
			in.Through = e.Seq
			if e.Event.Kind == EventStarted || e.Event.Kind == EventStopped {
				continue
			}
			for _, w := range watches {
				if w.Takes(e.Event) {
					in.Entries = append(in.Entries, e)
					break
				}
			}
		}
	}
	in.More = true // the scan stopped before the end of the log
	return in, nil
}

// MarkRead moves the caller's read mark in the project to seq (never
// back): what Inbox showed up to Through is read. Errors: Invalid.
func (s *Service) MarkRead(ctx context.Context, project string, seq int64) error {
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return err
	}
	if seq < 0 {
		return accord.InvalidField("read mark", "through", "must be 0 or more")
	}
	return s.store.SetReadMark(ctx, project, actor.ID, seq)
}
