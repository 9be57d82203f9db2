package project_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// A project starts with its creator as admin, who adds the others.
func ExampleService_SetMember() {
	svc, _ := project.NewService(project.Options{Store: memory.NewProjectStore()})
	alice := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})

	p, _ := svc.Create(alice, project.NewProject{Key: "shop", Name: "The shop"})
	fmt.Println(p.Key, p.Members[0].Actor, p.Members[0].Roles)

	p, _ = svc.SetMember(alice, "shop", "bob", project.MemberInput{Roles: []string{"backend"}})
	m, err := svc.Member(context.Background(), "shop", "bob")
	fmt.Println(len(p.Members), m.Roles, err)

	_, err = svc.Member(context.Background(), "shop", "mallory")
	fmt.Println(accord.ErrorCode(err))
	// Output:
	// shop alice [admin]
	// 2 [backend] <nil>
	// not_found
}

// The project is the authorizer of every service: here an admin lets
// backend delete records, and a requirement service wired to the project
// follows the table at once.
func ExampleService_SetPermissions() {
	projects, _ := project.NewService(project.Options{Store: memory.NewProjectStore()})
	reqs, _ := requirement.NewService(requirement.Options{Store: memory.NewRequirementStore(), Authorizer: projects})
	alice := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})

	_, _ = projects.Create(alice, project.NewProject{Key: "shop", Name: "The shop"})
	_, _ = projects.SetMember(alice, "shop", "bob", project.MemberInput{Roles: []string{"backend"}})
	r, _ := reqs.Create(alice, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund an order", Priority: requirement.P2, Owner: "alice"}})

	err := reqs.Delete(bob, "shop", r.Key, "duplicate")
	perm, _ := accord.MissingPermission(err)
	fmt.Println(accord.ErrorCode(err), perm)

	_, err = projects.SetPermissions(bob, "shop", 2, project.PermissionsInput{Permissions: accord.Permissions{accord.PermRecordDelete: {"backend"}}})
	fmt.Println(accord.ErrorCode(err))

	table, _ := projects.Permissions(alice, "shop")
	table, _ = projects.SetPermissions(alice, "shop", table.Revision, project.PermissionsInput{Permissions: accord.Permissions{accord.PermRecordDelete: {"backend"}}})
	fmt.Println(table.Permissions[accord.PermRecordDelete])
	fmt.Println(reqs.Delete(bob, "shop", r.Key, "duplicate"))
	// Output:
	// permission_denied record.delete
	// permission_denied
	// [backend]
	// <nil>
}
