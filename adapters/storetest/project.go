package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/project"
)

// ProjectStore checks a project.Store with the generic kit and one
// scenario through the real Service. Projects are not scoped by another
// project, so the kit's "project" is played by a member: the records of
// project p are those p-member belongs to, and their keys start with p-.
func ProjectStore(t *testing.T, open func(t *testing.T) project.Store) {
	t.Run("projects", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[project.Project] { return projectRecords(open(t)) })
	})
	t.Run("scenario", func(t *testing.T) { projectScenario(t, open(t)) })
}

func projectRecords(s project.Store) Records[project.Project] {
	mine := func(p, key string) bool { return strings.HasPrefix(key, p+"-") }
	notFound := func(key string) error { return accord.Errorf(accord.NotFound, "project %q not found", key) }
	return Records[project.Project]{
		Name: "project",
		New: func(p string, i int) project.Project {
			return project.Project{Key: fmt.Sprintf("%s-%03d", p, i), Name: fmt.Sprintf("Project %d", i), Stamp: accord.NewStamp("alice", epoch),
				Members: []project.Member{{Actor: p + "-member", Roles: []string{project.RoleAdmin, "product"}, AddedAt: epoch, AddedBy: "alice"}}}
		},
		Edit: func(p project.Project, w int) project.Project {
			p = p.Clone()
			p.Members = append(p.Members, project.Member{Actor: fmt.Sprintf("w%d-%d", w, len(p.Members)), Roles: []string{"backend"}, AddedAt: epoch})
			return p
		},
		Edits:    func(p project.Project) int { return len(p.Members) - 1 },
		Scribble: func(p *project.Project) { p.Members[0].Roles[0] = "scribbled"; p.Name = "scribbled" },
		Stamp:    func(p *project.Project) *accord.Stamp { return &p.Stamp },
		ID:       func(p project.Project) string { return p.Key },
		Project:  func(p *project.Project, to string) { p.Key = to + p.Key[strings.IndexByte(p.Key, '-'):] },
		Create:   s.CreateProject,
		Get: func(ctx context.Context, p, key string) (project.Project, error) {
			if !mine(p, key) {
				return project.Project{}, notFound(key)
			}
			return s.GetProject(ctx, key)
		},
		Update: s.UpdateProject,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[project.Project], error) {
			return s.ListProjects(ctx, project.Filter{Member: p + "-member"}, q)
		},
		Revisions: func(ctx context.Context, p, key string) ([]accord.Revision[project.Project], error) {
			if !mine(p, key) {
				return nil, notFound(key)
			}
			return s.ListProjectRevisions(ctx, key)
		},
	}
}

// projectScenario runs a project's membership through the real Service.
func projectScenario(t *testing.T, s project.Store) {
	svc, err := project.NewService(project.Options{Store: s, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := as("alice"), as("bob")
	p := must[project.Project](t, "create")(svc.Create(alice, project.NewProject{Key: "shop", Name: "The shop"}))
	if m, ok := p.Member("alice"); !ok || m.Roles[0] != project.RoleAdmin {
		t.Errorf("the creator is not the first admin: %+v", p.Members)
	}
	_, err = svc.Create(bob, project.NewProject{Key: "shop", Name: "Mine"})
	checkCode(t, "a second project with the same key", accord.Conflict, err)
	_, err = svc.Get(bob, "shop")
	checkCode(t, "a project bob is no member of", accord.NotFound, err)
	must[project.Project](t, "add bob")(svc.SetMember(alice, "shop", "bob", project.MemberInput{Roles: []string{"backend"}}))
	if m := must[project.Member](t, "member")(svc.Member(ctx, "shop", "bob")); m.Roles[0] != "backend" {
		t.Errorf("bob's roles: %v", m.Roles)
	}
	_, err = svc.SetMember(bob, "shop", "carol", project.MemberInput{Roles: []string{"qa"}})
	checkCode(t, "a member who is not an admin adding another", accord.PermissionDenied, err)
	_, err = svc.RemoveMember(alice, "shop", "alice")
	checkCode(t, "removing the last admin", accord.FailedPrecondition, err)
	page := must[accord.Page[project.Project]](t, "list")(svc.List(bob, accord.PageQuery{}))
	if len(page.Items) != 1 || page.Items[0].Key != "shop" {
		t.Errorf("bob's projects: %v", page.Items)
	}
	must[project.Project](t, "remove bob")(svc.RemoveMember(alice, "shop", "bob"))
	_, err = svc.Member(ctx, "shop", "bob")
	checkCode(t, "a removed member", accord.NotFound, err)
	revs, err := s.ListProjectRevisions(ctx, "shop")
	if err != nil || len(revs) != 3 {
		t.Errorf("%d revisions of the project (%v), want 3: created, bob added, bob removed", len(revs), err)
	}
}
