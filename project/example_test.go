package project_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/project"
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
