package link_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/webhook"
)

// member is an actor as an embedder authenticates it: no roles of its
// own; what it may do comes from the project.
func member(id string) context.Context {
	return accord.WithActor(context.Background(), accord.Actor{ID: id})
}

// guarded wires every service to the projects, as an embedder would, with
// the project shop: alice (admin, product), bob (backend), carol (qa).
func guarded(t *testing.T) (link.Services, *project.Service, *webhook.Service) {
	t.Helper()
	projects, err := project.NewService(project.Options{Store: memory.NewProjectStore()})
	require.NoError(t, err)
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Risks: memory.NewRiskStore()}, Authorizer: projects})
	require.NoError(t, err)
	hooks, err := webhook.NewService(webhook.Options{Store: memory.NewWebhookStore(), Authorizer: projects})
	require.NoError(t, err)
	_, err = projects.Create(member("alice"), project.NewProject{Key: "shop", Name: "Shop"})
	require.NoError(t, err)
	for who, roles := range map[string][]string{"alice": {"admin", "product"}, "bob": {"backend"}, "carol": {"qa"}} {
		_, err := projects.SetMember(member("alice"), "shop", who, project.MemberInput{Roles: roles})
		require.NoError(t, err)
	}
	return s, projects, hooks
}

func denied(t *testing.T, err error, perm accord.Permission) {
	t.Helper()
	require.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "%v", err)
	got, ok := accord.MissingPermission(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, perm, got)
}

// The attacks of the HTTP tests, made by an embedder calling the services:
// the same answers, and nothing changes.
func TestServicesRefuseWhatTheProjectDoesNotGrant(t *testing.T) {
	s, projects, hooks := guarded(t)
	alice, bob, carol := member("alice"), member("bob"), member("carol")

	// Settings of every domain are the admins'.
	loose := review.Settings{Policies: map[review.Kind]review.Policy{review.RequirementReview: {MinApprovals: 1, RequiredRoles: []string{"backend"}, OverrideRoles: []string{"backend"}}}}
	_, err := s.Reviews.UpdateSettings(bob, "shop", 0, loose)
	denied(t, err, accord.PermSettingsUpdate)
	_, err = s.Requirements.UpdateSettings(bob, "shop", 0, requirement.Settings{LintBlocksReview: true})
	denied(t, err, accord.PermSettingsUpdate)
	_, err = s.Risks.UpdateSettings(bob, "shop", 0, risk.DefaultSettings("shop"))
	denied(t, err, accord.PermSettingsUpdate)
	st, err := s.Reviews.Settings(alice, "shop")
	require.NoError(t, err)
	assert.Equal(t, 0, st.Revision, "nothing was written")

	// Members and the permission table too; only admins make admins.
	_, err = projects.SetMember(bob, "shop", "bob", project.MemberInput{Roles: []string{"backend", "admin"}})
	denied(t, err, accord.PermMembersManage)
	_, err = projects.SetPermissions(bob, "shop", 4, project.PermissionsInput{Permissions: accord.Permissions{accord.PermSettingsUpdate: {"backend"}}})
	denied(t, err, accord.PermPermissionsUpdate)
	_, _, err = hooks.Subscribe(bob, "shop", webhook.NewSubscription{URL: "https://hooks.example.com/x", Kinds: []string{"requirement.created"}})
	denied(t, err, accord.PermWebhookManage)

	// Review roles are roles held in the project.
	r, err := s.Requirements.Create(alice, "shop", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	r, err = s.Requirements.Transition(alice, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	_, err = s.Reviews.Create(carol, "shop", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "carol", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err), "%v", err)
	assert.Contains(t, err.Error(), "participants[0].role: carol does not hold the role product in shop")
	rv, err := s.Reviews.Create(alice, "shop", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.NoError(t, err)
	_, err = projects.SetMember(alice, "shop", "bob", project.MemberInput{Roles: []string{"qa"}})
	require.NoError(t, err)
	_, err = s.Reviews.Verdict(bob, "shop", rv.ID, review.VerdictInput{Round: 1, Decision: review.Approve})
	require.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "bob no longer holds backend: %v", err)
	_, err = s.Reviews.Override(carol, "shop", rv.ID, review.OverrideInput{Round: 1, Outcome: review.Approved, Reason: "ship it"})
	denied(t, err, accord.PermReviewOverride)
	_, err = s.Requirements.Transition(alice, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "still not approved: %v", err)

	// Deleting someone else's record needs record.delete.
	err = s.Requirements.Delete(carol, "shop", r.ID, "")
	denied(t, err, accord.PermRecordDelete)
	_, err = s.Requirements.Get(alice, "shop", r.ID)
	require.NoError(t, err, "still there")

	// Outside the project nobody can do anything, whatever roles their
	// credentials carry: the project does not exist for them.
	mallory := accord.WithActor(context.Background(), accord.Actor{ID: "mallory", Roles: []string{"admin", "product"}})
	_, err = s.Requirements.Create(mallory, "shop", requirement.ContentInput{Content: content()})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	_, err = s.Reviews.UpdateSettings(mallory, "shop", 0, loose)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(s.Requirements.Delete(mallory, "shop", r.ID, "")))
	// Nor read anything: the same NotFound as for a project that does not
	// exist. The embedding program's own reads (no actor) pass.
	_, err = s.Requirements.Get(mallory, "shop", r.ID)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	_, err = s.Requirements.List(mallory, "shop", requirement.Filter{}, accord.PageQuery{})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	_, err = s.Reviews.Get(mallory, "shop", rv.ID)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	_, err = s.Requirements.Get(context.Background(), "shop", r.ID)
	assert.NoError(t, err)
	// An admin of another project is no one here.
	_, err = projects.Create(member("mallory"), project.NewProject{Key: "mine", Name: "Mine"})
	require.NoError(t, err)
	_, err = s.Reviews.UpdateSettings(member("mallory"), "shop", 0, loose)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)

	// The admin's table applies at once: backend may delete now, QA may
	// no longer write.
	table, err := projects.Permissions(alice, "shop")
	require.NoError(t, err)
	_, err = projects.SetPermissions(alice, "shop", table.Revision, project.PermissionsInput{Permissions: accord.Permissions{
		accord.PermRecordDelete: {"qa"}, accord.PermRecordWrite: {"product", "backend"}}})
	require.NoError(t, err)
	_, err = s.Requirements.Create(carol, "shop", requirement.ContentInput{Content: content()})
	denied(t, err, accord.PermRecordWrite)
	require.NoError(t, s.Requirements.Delete(carol, "shop", r.ID, "not needed"))
}
