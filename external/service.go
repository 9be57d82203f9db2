package external

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Records says which record a ref names, so a reference never points at
// nothing and a record's references are found whether it is named by key
// or by ID. adapters/link's Records is one.
type Records interface {
	// Canonical returns ref by ID (requirement/REQ-3 → requirement/01J…).
	// NotFound if there is no such record; Invalid for an unknown kind.
	Canonical(ctx context.Context, project string, ref accord.Ref) (accord.Ref, error)
}

// Options configure a Service. Store is required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; without
	// it, callers hold the roles their accord.Actor carries, under
	// accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Events     accord.EventSink // optional: receives an event after every change
	Clock      accord.Clock     // optional: defaults to accord.SystemClock()
	// Records (optional) checks the record of every reference added and
	// keeps it by ID; without it, a record is kept as given.
	Records Records
	// PlanStates (optional) lists the plan item states a tracker status
	// may map onto (Settings.Trackers[].StatusMap[].State); adapters/link
	// or the embedding program hands in plan's. Without it any non-empty
	// state is accepted.
	PlanStates []string
}

// Service owns the rules of references: validation, uniqueness of a
// system's key, revisions, permissions and events. It is safe for
// concurrent use.
type Service struct {
	guard   svc.Guard
	store   Store
	records Records
	pub     svc.Publisher
	clock   accord.Clock
	cmds    svc.Commands[Reference, *Reference]
	states  []string
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "external.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, records: opts.Records,
		pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock, states: opts.PlanStates}
	s.cmds = svc.Commands[Reference, *Reference]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Reference]{
		What: "external reference", Get: opts.Store.GetReference, Update: opts.Store.UpdateReference,
		Name:   func(r Reference) (string, string) { return "", r.Name() },
		Label:  func(r Reference) string { return "external reference " + r.Name() },
		Delete: opts.Store.DeleteReference, History: opts.Store.ListReferenceRevisions,
		External: func(r Reference) []accord.ExternalItem { return []accord.ExternalItem{r.Item()} },
	}}
	return s, nil
}

// Add ties a record to an item of another system, as revision 1. Errors:
// Unauthenticated, Invalid (naming the field), NotFound (not a member),
// PermissionDenied (no record.write), Conflict (the system's key is
// already referenced in the project: the message names by which record).
func (s *Service) Add(ctx context.Context, project string, in NewReference) (Reference, error) {
	if err := in.Validate(); err != nil {
		return Reference{}, err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Reference{}, err
	}
	named := in.Record
	if in.Record, err = s.canonical(ctx, project, in.Record); err != nil {
		if accord.ErrorCode(err) == accord.NotFound {
			return Reference{}, &accord.Error{Code: accord.Invalid, Message: "invalid external reference",
				Fields: []accord.FieldError{{Field: "record", Message: fmt.Sprintf("no %s %s in project %s", named.Kind, named.ID, project)}}}
		}
		return Reference{}, err
	}
	now := s.clock.Now()
	r := Reference{ID: accord.NewID(now), Project: project, Record: in.Record, RecordName: named.ID, System: in.System, Key: in.Key,
		Content: in.Content, Stamp: accord.NewStamp(actor.ID, now)}
	r, err = s.store.CreateReference(ctx, svc.Revision(r, accord.RevisionCreated, in.Note))
	if err != nil {
		return Reference{}, err
	}
	s.pub.Send(ctx, accord.Event{Kind: EventAdded, Project: project, Ref: r.Ref(), Title: r.Name(), Revision: r.Revision, Actor: actor, Time: now,
		Summary: fmt.Sprintf("%s: added by %s", r.describe(), actor.ID), External: []accord.ExternalItem{r.Item()}})
	return r, nil
}

// Get returns a reference by ID. Errors: Invalid, NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Reference, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Reference{}, err
	}
	return s.store.GetReference(ctx, project, id)
}

// Find returns the reference to system's key (jira, SHOP-123): what a
// sync or an import looks up before it adds anything. Errors: Invalid,
// NotFound.
func (s *Service) Find(ctx context.Context, project, system, key string) (Reference, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Reference{}, err
	}
	return s.store.FindReference(ctx, project, system, key)
}

// List returns one page of the project's references that match f (all of
// them, a record's, a system's), in creation order. Errors: Invalid;
// NotFound for a record (kind and ID) that does not exist, when the
// Service has Records.
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Reference], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Reference]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Reference]{}, err
	}
	if f.Record.Kind != "" && f.Record.ID != "" {
		// References keep their record by ID when the Service has Records.
		if f.Record, err = s.canonical(ctx, project, f.Record); err != nil {
			return accord.Page[Reference]{}, err
		}
	}
	page, err := s.store.ListReferences(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []Reference{}
	}
	return page, err
}

// ListByRecord returns one page of a record's references.
func (s *Service) ListByRecord(ctx context.Context, project string, record accord.Ref, q accord.PageQuery) (accord.Page[Reference], error) {
	var errs accord.FieldErrors
	checkRecord(&errs, record)
	if err := errs.Err("record"); err != nil {
		return accord.Page[Reference]{}, err
	}
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Reference]{}, err
	}
	return s.List(ctx, project, Filter{Record: record}, q)
}

// canonical returns ref by ID when the Service has Records: NotFound for
// a record that does not exist, Invalid naming "record" for a kind that
// cannot be referenced.
func (s *Service) canonical(ctx context.Context, project string, ref accord.Ref) (accord.Ref, error) {
	if s.records == nil {
		return ref, nil
	}
	out, err := s.records.Canonical(ctx, project, ref)
	if e, ok := err.(*accord.Error); ok && e.Code == accord.Invalid {
		for i := range e.Fields {
			e.Fields[i].Field = "record." + e.Fields[i].Field
		}
	}
	return out, err
}

// Update replaces a reference's content (URL, title, status, sync marks)
// at revision base; its record, system and key stay. An unchanged content
// makes no revision. Errors: Unauthenticated, Invalid, NotFound,
// PermissionDenied, Conflict (stale base).
func (s *Service) Update(ctx context.Context, project, id string, base int, c Content, note string) (Reference, error) {
	if err := c.Validate(); err != nil {
		return Reference{}, err
	}
	if err := svc.CheckReason(note); err != nil {
		return Reference{}, err
	}
	return s.cmds.Run(ctx, svc.Change[Reference]{Project: project, Ref: id, Base: base, RequireBase: true,
		Edit: func(r *Reference, cmd *svc.Cmd) error {
			if sameContent(r.Content, c) {
				cmd.Unchanged()
				return nil
			}
			r.Content = c
			cmd.Note = note
			return nil
		},
		Stored: func(out Reference, cmd *svc.Cmd) {
			cmd.Event(EventUpdated, "%s: updated by %s (revision %d%s)", out.describe(), cmd.Actor.ID, out.Revision, statusNote(out))
		}})
}

// Remove removes a reference: a tombstone revision ends its history, which
// stays, and the system's key may be referenced again. Errors:
// Unauthenticated, Invalid, NotFound, PermissionDenied.
func (s *Service) Remove(ctx context.Context, project, id, reason string) error {
	if err := svc.CheckReason(reason); err != nil {
		return err
	}
	// A reference is removed as a link is: its author with record.write,
	// anyone else with record.delete.
	return s.cmds.Delete(ctx, project, id, reason, func(Reference) bool { return true }, EventRemoved)
}

// History returns every revision of a reference, oldest first; a removed
// one's too. Errors: Invalid, NotFound.
func (s *Service) History(ctx context.Context, project, id string) ([]accord.Revision[Reference], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListReferenceRevisions(ctx, project, id)
}

func sameContent(a, b Content) bool {
	sameTime := (a.SyncedAt == nil) == (b.SyncedAt == nil) && (a.SyncedAt == nil || a.SyncedAt.Equal(*b.SyncedAt))
	a.SyncedAt, b.SyncedAt = nil, nil
	return sameTime && a == b
}

func statusNote(r Reference) string {
	switch {
	case r.SyncError != "":
		return "; last sync failed: " + r.SyncError
	case r.Status != "":
		return "; status there: " + r.Status
	}
	return ""
}
