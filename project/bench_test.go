package project_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// BenchmarkMember is the lookup the authorizer makes on every request, in a
// project of 50 members.
func BenchmarkMember(b *testing.B) {
	svc, err := project.NewService(project.Options{Store: memory.NewProjectStore()})
	if err != nil {
		b.Fatal(err)
	}
	alice := as("alice")
	if _, err := svc.Create(alice, project.NewProject{Key: "shop", Name: "Shop"}); err != nil {
		b.Fatal(err)
	}
	for i := range 49 {
		if _, err := svc.SetMember(alice, "shop", fmt.Sprintf("dev%d", i), project.MemberInput{Roles: []string{"backend"}}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Member(ctx, "shop", "dev48"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommandGuard is what the permission check costs a command: a
// requirement update on memory stores, first with no Authorizer (the
// actor's own roles, no lookup), then with the project of 50 members as
// the Authorizer (membership and the table read on every command).
func BenchmarkCommandGuard(b *testing.B) {
	for _, wired := range []bool{false, true} {
		name := "actor_roles"
		if wired {
			name = "project_authorizer"
		}
		b.Run(name, func(b *testing.B) {
			projects, err := project.NewService(project.Options{Store: memory.NewProjectStore()})
			if err != nil {
				b.Fatal(err)
			}
			alice := as("alice")
			if _, err := projects.Create(alice, project.NewProject{Key: "shop", Name: "Shop"}); err != nil {
				b.Fatal(err)
			}
			for i := range 49 {
				if _, err := projects.SetMember(alice, "shop", fmt.Sprintf("dev%d", i), project.MemberInput{Roles: []string{"backend"}}); err != nil {
					b.Fatal(err)
				}
			}
			opts := requirement.Options{Store: memory.NewRequirementStore()}
			if wired {
				opts.Authorizer = projects
			}
			reqs, err := requirement.NewService(opts)
			if err != nil {
				b.Fatal(err)
			}
			c := requirement.Content{Title: "Refund an order", Description: "A buyer refunds a paid order.", Priority: requirement.P2, Owner: "alice"}
			r, err := reqs.Create(alice, "shop", requirement.ContentInput{Content: c})
			if err != nil {
				b.Fatal(err)
			}
			dev := as("dev48")
			b.ReportAllocs()
			for b.Loop() {
				if r, err = reqs.Update(dev, "shop", r.ID, r.Revision, requirement.ContentInput{Content: c}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
