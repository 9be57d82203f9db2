package project_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/project"
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
