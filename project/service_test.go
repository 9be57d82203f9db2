package project_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/project"
)

func newService(t *testing.T) (*project.Service, *testkit.Events) {
	t.Helper()
	events := &testkit.Events{}
	svc, err := project.NewService(project.Options{Store: memory.NewProjectStore(), Events: events})
	require.NoError(t, err)
	return svc, events
}

func as(id string) context.Context {
	return accord.WithActor(context.Background(), accord.Actor{ID: id})
}

func TestCreateValidates(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.Create(context.Background(), project.NewProject{Key: "shop", Name: "Shop"})
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
	_, err = svc.Create(as("alice"), project.NewProject{Key: "-bad", Name: ""})
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"key", "name"}, fields)
}

func TestMembersAndAdmins(t *testing.T) {
	svc, events := newService(t)
	alice, bob := as("alice"), as("bob")
	_, err := svc.Create(alice, project.NewProject{Key: "shop", Name: "Shop"})
	require.NoError(t, err)

	_, err = svc.SetMember(bob, "shop", "bob", project.MemberInput{Roles: []string{"admin"}})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "a non-member cannot even see the project")
	p, err := svc.SetMember(alice, "shop", "bob", project.MemberInput{Roles: []string{"backend"}})
	require.NoError(t, err)
	assert.Equal(t, 2, p.Revision)
	_, err = svc.SetMember(bob, "shop", "carol", project.MemberInput{Roles: []string{"qa"}})
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err))

	_, err = svc.SetMember(alice, "shop", "bob", project.MemberInput{Roles: []string{"backend", "backend"}})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	_, err = svc.SetMember(alice, "shop", "alice", project.MemberInput{Roles: []string{"product"}})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "the last admin cannot step down")
	_, err = svc.SetMember(alice, "shop", "bob", project.MemberInput{Roles: []string{"backend", "admin"}})
	require.NoError(t, err)
	_, err = svc.SetMember(alice, "shop", "alice", project.MemberInput{Roles: []string{"product"}})
	require.NoError(t, err, "with bob an admin too, alice may step down")
	_, err = svc.RemoveMember(bob, "shop", "bob")
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "bob is now the last admin")
	_, err = svc.RemoveMember(bob, "shop", "nobody")
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))

	page, err := svc.List(alice, accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
	assert.Equal(t, []string{project.EventCreated, project.EventMemberSet, project.EventMemberSet, project.EventMemberSet}, events.Kinds())
}

func TestConcurrentMemberChangesAreAllKept(t *testing.T) {
	svc, _ := newService(t)
	alice := as("alice")
	_, err := svc.Create(alice, project.NewProject{Key: "shop", Name: "Shop"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.SetMember(alice, "shop", "dev"+string(rune('a'+i)), project.MemberInput{Roles: []string{"backend"}})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	p, err := svc.Get(alice, "shop")
	require.NoError(t, err)
	assert.Len(t, p.Members, 17, "every concurrent addition is kept")
	assert.Equal(t, 17, p.Revision)
}
