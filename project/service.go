package project

import (
	"context"
	"slices"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Options configure a Service. Store is required.
type Options struct {
	Store  Store
	Events accord.EventSink // optional: receives an event after every change
	Clock  accord.Clock     // optional: defaults to accord.SystemClock()
}

// Service owns the project rules: who may create, who may manage members,
// and that a project always keeps an admin. It is safe for concurrent use.
type Service struct {
	store Store
	pub   svc.Publisher
	clock accord.Clock
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "project.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	return &Service{store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock}, nil
}

// Create makes a project whose first member, an admin, is the acting user.
// Errors: Unauthenticated, Invalid, Conflict (the key is taken).
func (s *Service) Create(ctx context.Context, in NewProject) (Project, error) {
	actor, err := accord.RequireActor(ctx)
	if err != nil {
		return Project{}, err
	}
	if err := in.Validate(); err != nil {
		return Project{}, err
	}
	now := s.clock.Now()
	p := Project{Key: in.Key, Name: in.Name, Stamp: accord.NewStamp(actor.ID, now),
		Members: []Member{{Actor: actor.ID, Roles: []string{RoleAdmin}, AddedAt: now, AddedBy: actor.ID}}}
	p, err = s.store.CreateProject(ctx, svc.Revision(p, accord.RevisionCreated, "created"))
	if err != nil {
		return Project{}, err
	}
	s.pub.Publish(ctx, EventCreated, p.Key, p.Ref(), actor, "project %s (%s) created by %s", p.Key, p.Name, actor.ID)
	return p, nil
}

// Get returns a project the acting user is a member of. A project that
// does not exist and one the user may not see answer alike: NotFound.
// Errors: Unauthenticated, Invalid, NotFound.
func (s *Service) Get(ctx context.Context, key string) (Project, error) {
	actor, err := svc.Begin(ctx, key)
	if err != nil {
		return Project{}, err
	}
	p, err := s.store.GetProject(ctx, key)
	if err != nil {
		return Project{}, err
	}
	if _, ok := p.Member(actor.ID); !ok {
		return Project{}, notFound(key)
	}
	return p, nil
}

func notFound(key string) error {
	return accord.Errorf(accord.NotFound, "project %q not found", key)
}

// List returns one page of the projects the acting user is a member of.
// Errors: Unauthenticated, Invalid (page size, token).
func (s *Service) List(ctx context.Context, q accord.PageQuery) (accord.Page[Project], error) {
	actor, err := accord.RequireActor(ctx)
	if err != nil {
		return accord.Page[Project]{}, err
	}
	if q, err = q.Normalize(); err != nil {
		return accord.Page[Project]{}, err
	}
	page, err := s.store.ListProjects(ctx, Filter{Member: actor.ID}, q)
	if page.Items == nil && err == nil {
		page.Items = []Project{}
	}
	return page, err
}

// Member returns actor's membership of a project: what an authorizer asks
// on every request. It needs no actor in the context.
// Errors: Invalid (bad key), NotFound (no such project, or actor is not a
// member: the two are not told apart).
func (s *Service) Member(ctx context.Context, key, actor string) (Member, error) {
	if err := accord.ValidateProject(key); err != nil {
		return Member{}, err
	}
	p, err := s.store.GetProject(ctx, key)
	if err != nil {
		return Member{}, notFound(key)
	}
	m, ok := p.Member(actor)
	if !ok {
		return Member{}, notFound(key)
	}
	return m, nil
}

// SetMember adds actor to the project with roles, or replaces the roles of
// a member. Only admins may; a change that would leave the project without
// an admin is refused.
// Errors: Unauthenticated, Invalid, NotFound (project, or the caller is not
// a member), PermissionDenied (not an admin), FailedPrecondition (last admin).
func (s *Service) SetMember(ctx context.Context, key, actor string, in MemberInput) (Project, error) {
	var errs accord.FieldErrors
	svc.CheckID(&errs, "actor", actor)
	if err := errs.Err("member"); err != nil {
		return Project{}, err
	}
	if err := in.Validate(); err != nil {
		return Project{}, err
	}
	return s.change(ctx, key, EventMemberSet, func(p *Project, by accord.Actor, now func() Member) (string, error) {
		i := slices.IndexFunc(p.Members, func(m Member) bool { return m.Actor == actor })
		if i < 0 {
			m := now()
			m.Actor, m.Roles = actor, slices.Clone(in.Roles)
			p.Members = append(p.Members, m)
		} else {
			p.Members[i].Roles = slices.Clone(in.Roles)
		}
		if p.admins() == 0 {
			return "", accord.Errorf(accord.FailedPrecondition, "%s is the last admin of %s: make another member an admin first", actor, p.Key)
		}
		return actor + " is a member of " + p.Key + " as " + joinRoles(in.Roles) + ", set by " + by.ID, nil
	})
}

// RemoveMember removes actor from the project. Only admins may, and never
// the last admin.
// Errors: Unauthenticated, NotFound (project, member, or the caller is not
// a member), PermissionDenied (not an admin), FailedPrecondition (last admin).
func (s *Service) RemoveMember(ctx context.Context, key, actor string) (Project, error) {
	return s.change(ctx, key, EventMemberRemoved, func(p *Project, by accord.Actor, _ func() Member) (string, error) {
		i := slices.IndexFunc(p.Members, func(m Member) bool { return m.Actor == actor })
		if i < 0 {
			return "", accord.Errorf(accord.NotFound, "%q is not a member of %s", actor, p.Key)
		}
		p.Members = slices.Delete(p.Members, i, i+1)
		if p.admins() == 0 {
			return "", accord.Errorf(accord.FailedPrecondition, "%s is the last admin of %s: make another member an admin first", actor, p.Key)
		}
		return actor + " removed from " + p.Key + " by " + by.ID, nil
	})
}

// change applies edit to the newest project as an admin, retrying when a
// concurrent change got there first.
func (s *Service) change(ctx context.Context, key, event string, edit func(p *Project, by accord.Actor, newMember func() Member) (string, error)) (Project, error) {
	actor, err := svc.Begin(ctx, key)
	if err != nil {
		return Project{}, err
	}
	var out Project
	var summary string
	err = svc.Retry(func() error {
		p, err := s.store.GetProject(ctx, key)
		if err != nil {
			return svc.Final(err)
		}
		me, ok := p.Member(actor.ID)
		if !ok {
			return svc.Final(notFound(key))
		}
		if !slices.Contains(me.Roles, RoleAdmin) {
			return svc.Final(accord.Errorf(accord.PermissionDenied, "only an admin of %s may manage its members", key))
		}
		now := s.clock.Now()
		if summary, err = edit(&p, actor, func() Member { return Member{AddedAt: now, AddedBy: actor.ID} }); err != nil {
			return svc.Final(err)
		}
		p.Stamp = p.Stamp.Next(actor.ID, now)
		out, err = s.store.UpdateProject(ctx, svc.Revision(p, accord.RevisionEdited, summary))
		return err
	})
	if err != nil {
		return Project{}, err
	}
	s.pub.Publish(ctx, event, key, out.Ref(), actor, "%s", summary)
	return out, nil
}

func joinRoles(roles []string) string { return svc.Join(roles) }
