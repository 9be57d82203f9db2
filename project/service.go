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
	cmds  svc.Commands[Project, *Project]
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "project.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock}
	s.cmds = svc.Commands[Project, *Project]{Pub: s.pub, Table: svc.Table[Project]{What: "project",
		Get:    func(ctx context.Context, _, key string) (Project, error) { return opts.Store.GetProject(ctx, key) },
		Update: opts.Store.UpdateProject,
		Name:   func(p Project) (string, string) { return p.Key, p.Name }}}
	return s, nil
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
	s.cmds.Publish(ctx, p.Key, p, actor, EventCreated, "project %s (%s) created by %s", p.Key, p.Name, actor.ID)
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
	m, _, err := s.member(ctx, key, actor)
	return m, err
}

func (s *Service) member(ctx context.Context, key, actor string) (Member, Project, error) {
	if err := accord.ValidateProject(key); err != nil {
		return Member{}, Project{}, err
	}
	p, err := s.store.GetProject(ctx, key)
	if err != nil {
		if accord.ErrorCode(err) == accord.NotFound {
			return Member{}, Project{}, notFound(key)
		}
		return Member{}, Project{}, err
	}
	m, ok := p.Member(actor)
	if !ok {
		return Member{}, Project{}, notFound(key)
	}
	return m, p, nil
}

// SetMember adds actor to the project with roles, or replaces the roles of
// a member. It needs members.manage (admins, by default); only admins make
// or unmake admins, and a change that would leave the project without an
// admin is refused.
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
	return s.change(ctx, key, 0, EventMemberSet, accord.PermMembersManage, func(p *Project, by accord.Actor, now func() Member) (string, error) {
		i := slices.IndexFunc(p.Members, func(m Member) bool { return m.Actor == actor })
		var before []string
		if i >= 0 {
			before = p.Members[i].Roles
		}
		if slices.Contains(before, RoleAdmin) != slices.Contains(in.Roles, RoleAdmin) && !by.HasRole(RoleAdmin) {
			return "", accord.Denied(by, p.Key, accord.PermPermissionsUpdate, p.Permissions.Merged())
		}
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

// RemoveMember removes actor from the project. It needs members.manage;
// only admins remove an admin, and never the last one.
// Errors: Unauthenticated, NotFound (project, member, or the caller is not
// a member), PermissionDenied (not an admin), FailedPrecondition (last admin).
func (s *Service) RemoveMember(ctx context.Context, key, actor string) (Project, error) {
	return s.change(ctx, key, 0, EventMemberRemoved, accord.PermMembersManage, func(p *Project, by accord.Actor, _ func() Member) (string, error) {
		i := slices.IndexFunc(p.Members, func(m Member) bool { return m.Actor == actor })
		if i < 0 {
			return "", accord.Errorf(accord.NotFound, "%q is not a member of %s", actor, p.Key)
		}
		if slices.Contains(p.Members[i].Roles, RoleAdmin) && !by.HasRole(RoleAdmin) {
			return "", accord.Denied(by, p.Key, accord.PermPermissionsUpdate, p.Permissions.Merged())
		}
		p.Members = slices.Delete(p.Members, i, i+1)
		if p.admins() == 0 {
			return "", accord.Errorf(accord.FailedPrecondition, "%s is the last admin of %s: make another member an admin first", actor, p.Key)
		}
		return actor + " removed from " + p.Key + " by " + by.ID, nil
	})
}

// change applies edit to the project at revision base (0: the newest,
// retrying when a concurrent change got there first) for an actor holding
// perm in it. The permission is checked against the very revision the
// edit changes, so a change of roles cannot slip between the check and
// the write.
func (s *Service) change(ctx context.Context, key string, base int, event string, perm accord.Permission, edit func(p *Project, by accord.Actor, newMember func() Member) (string, error)) (Project, error) {
	actor, err := svc.Begin(ctx, key)
	if err != nil {
		return Project{}, err
	}
	return s.cmds.Run(ctx, svc.Change[Project]{Project: key, Ref: key, Base: base, As: &actor,
		Edit: func(p *Project, c *svc.Cmd) error {
			me, ok := p.Member(actor.ID)
			if !ok {
				return notFound(key)
			}
			by := actor
			by.Roles = append(slices.Clone(actor.Roles), me.Roles...)
			if perms := p.Permissions.Merged(); !perms.Allows(perm, by.Roles) {
				return accord.Denied(by, key, perm, perms)
			}
			summary, err := edit(p, by, func() Member { return Member{AddedAt: c.Now, AddedBy: actor.ID} })
			if err == nil {
				c.Did("", event, summary)
			}
			return err
		}})
}

func joinRoles(roles []string) string { return svc.Join(roles) }

// Access implements accord.Authorizer: the roles member holds in the
// project and its permission table, defaults filled in. It needs no actor
// in the context: services ask it on every command.
// Errors: Invalid (bad key), NotFound (no such project, or not a member).
func (s *Service) Access(ctx context.Context, key, member string) (accord.Access, error) {
	m, p, err := s.member(ctx, key, member)
	if err != nil {
		return accord.Access{}, err
	}
	return accord.Access{Roles: slices.Clone(m.Roles), Permissions: p.Permissions.Merged()}, nil
}

// Permissions returns the project's permission table, defaults filled in,
// to a member. Errors: Unauthenticated, Invalid, NotFound.
func (s *Service) Permissions(ctx context.Context, key string) (PermissionTable, error) {
	p, err := s.Get(ctx, key)
	if err != nil {
		return PermissionTable{}, err
	}
	return p.PermissionTable(), nil
}

// SetPermissions replaces the project's permission table, at project
// revision base. Only admins may (permissions.update cannot be granted);
// entries equal to the defaults are not stored.
// Errors: Unauthenticated, Invalid, NotFound, PermissionDenied,
// Conflict wrapping accord.ErrStale.
func (s *Service) SetPermissions(ctx context.Context, key string, base int, in PermissionsInput) (PermissionTable, error) {
	if err := in.Validate(); err != nil {
		return PermissionTable{}, err
	}
	var out Project
	var err error
	if base < 1 {
		return PermissionTable{}, svc.CheckBase("", base, 0)
	}
	out, err = s.change(ctx, key, base, EventPermissionsSet, accord.PermPermissionsUpdate, func(p *Project, by accord.Actor, _ func() Member) (string, error) {
		defaults := accord.DefaultPermissions()
		next := accord.Permissions{}
		for perm, roles := range in.Permissions {
			if !slices.Equal(roles, defaults[perm]) {
				next[perm] = slices.Clone(roles)
			}
		}
		if len(next) == 0 {
			next = nil
		}
		p.Permissions = next
		return "permissions of " + p.Key + " changed by " + by.ID, nil
	})
	if err != nil {
		return PermissionTable{}, err
	}
	return out.PermissionTable(), nil
}

var _ accord.Authorizer = (*Service)(nil)
