package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/watch"
	"github.com/accordhq/accord/webhook"
)

const carolToken = "carol-token"

// newProjectAPI serves every domain with projects and membership
// authorization, and stored (hashed) tokens beside the fixed ones.
func newProjectAPI(t *testing.T) (http.Handler, *memory.TokenStore) {
	t.Helper()
	stores := memory.New()
	hookStore, watchStore := stores.Webhooks, stores.Watches.(*memory.WatchStore)
	// Every service asks the projects who may do what.
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	require.NoError(t, err)
	// The test receivers listen on 127.0.0.1: only the allow-list lets deliveries reach them.
	hooks, err := webhook.NewService(webhook.Options{Store: hookStore, Retry: webhook.RetryPolicy{Attempts: 1}, Allow: []string{"127.0.0.1/32"}, Authorizer: projects})
	require.NoError(t, err)
	s, err := link.New(link.Options{Stores: stores, Events: webhook.Direct(hooks, hookStore, watchStore), Authorizer: projects})
	require.NoError(t, err)
	watches, err := watch.NewService(watch.Options{Store: watchStore, Records: s.Records, Authorizer: projects})
	require.NoError(t, err)
	refs, err := external.NewService(external.Options{Store: stores.External, Authorizer: projects, Records: s.Records})
	require.NoError(t, err)
	tokens := memory.NewTokenStore()
	reports, err := report.New(report.Options{Services: s, Stores: stores})
	require.NoError(t, err)
	h, err := httpapi.New(httpapi.Options{Services: s, Projects: projects, Impacts: reports.Impacts, Names: s.Records, Reports: reports, Webhooks: hooks, Watches: watches, External: refs, Trackers: rerunner{refs}, Promoter: s,
		Exports: &transfer.Exporter{Stores: stores, Authorizer: projects},
		Authenticator: httpapi.AnyOf(httpapi.BearerTokens(map[string]accord.Actor{
			pmToken:    {ID: "alice", Roles: []string{"product"}},
			devToken:   {ID: "bob"},
			carolToken: {ID: "carol"},
		}), httpapi.StoredTokens(tokens)),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	return h, tokens
}

func TestProjectsAndMembership(t *testing.T) {
	h, tokens := newProjectAPI(t)

	created := call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"The shop"}`)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.Equal(t, "/v1/projects/shop", created.header.Get("Location"))
	members := created.body["members"].([]any)
	require.Len(t, members, 1)
	assert.Equal(t, "alice", members[0].(map[string]any)["actor"])
	assert.Equal(t, []any{"admin"}, members[0].(map[string]any)["roles"])

	dup := call(t, h, "POST", "/v1/projects", devToken, `{"key":"shop","name":"Mine"}`)
	assert.Equal(t, http.StatusConflict, dup.status, dup.raw)
	bad := call(t, h, "POST", "/v1/projects", devToken, `{"key":"-x","name":""}`)
	assert.Equal(t, http.StatusBadRequest, bad.status, bad.raw)

	req := call(t, h, "POST", "/v1/projects/shop/requirements", pmToken, `{"title":"Refund a paid order"}`)
	require.Equal(t, http.StatusCreated, req.status, req.raw)

	// bob is no member: the project does not exist for him, and a
	// misspelt project is no different.
	for _, path := range []string{"/v1/projects/shop/requirements", "/v1/projects/shop", "/v1/projects/shop/requirements/REQ-1", "/v1/projects/shpo/requirements"} {
		res := call(t, h, "GET", path, devToken, "")
		assert.Equal(t, http.StatusNotFound, res.status, "%s: %s", path, res.raw)
		assert.Equal(t, "urn:accord:problem:not_found", res.body["type"], path)
	}
	write := call(t, h, "POST", "/v1/projects/shop/requirements", devToken, `{"title":"sneaky"}`)
	assert.Equal(t, http.StatusNotFound, write.status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "POST", "/v1/projects/shpo/requirements", pmToken, `{"title":"typo"}`).status,
		"a misspelt project is not created silently")

	// alice adds bob as backend; now he sees the project and its requirement.
	set := call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`)
	require.Equal(t, http.StatusOK, set.status, set.raw)
	assert.Equal(t, http.StatusOK, call(t, h, "GET", "/v1/projects/shop/requirements/REQ-1", devToken, "").status)
	list := call(t, h, "GET", "/v1/projects", devToken, "")
	require.Equal(t, http.StatusOK, list.status)
	assert.Len(t, list.body["items"], 1)
	assert.Len(t, call(t, h, "GET", "/v1/projects", carolToken, "").body["items"], 0)

	// Only admins manage members; the last admin stays.
	notAdmin := call(t, h, "PUT", "/v1/projects/shop/members/carol", devToken, `{"roles":["qa"]}`)
	assert.Equal(t, http.StatusForbidden, notAdmin.status, notAdmin.raw)
	last := call(t, h, "DELETE", "/v1/projects/shop/members/alice", pmToken, "")
	assert.Equal(t, http.StatusConflict, last.status, last.raw)
	demote := call(t, h, "PUT", "/v1/projects/shop/members/alice", pmToken, `{"roles":["product"]}`)
	assert.Equal(t, http.StatusConflict, demote.status, demote.raw)
	noRoles := call(t, h, "PUT", "/v1/projects/shop/members/carol", pmToken, `{"roles":[]}`)
	assert.Equal(t, http.StatusBadRequest, noRoles.status)

	// A member's project roles count: carol, with no roles of her own,
	// overrides a review outcome as the project's architect would.
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/carol", pmToken, `{"roles":["architect"]}`).status)
	got := call(t, h, "GET", "/v1/projects/shop", carolToken, "")
	require.Equal(t, http.StatusOK, got.status)
	rv := call(t, h, "POST", "/v1/projects/shop/reviews", pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"alice","role":"product"}]}`)
	require.Equal(t, http.StatusCreated, rv.status, rv.raw)
	override := call(t, h, "POST", "/v1/projects/shop/reviews/RV-1/overrides", carolToken, `{"round":1,"outcome":"approved","reason":"signed off in the steering meeting"}`)
	assert.Equal(t, http.StatusOK, override.status, "project roles count for override roles: %s", override.raw)

	removed := call(t, h, "DELETE", "/v1/projects/shop/members/bob", pmToken, "")
	require.Equal(t, http.StatusOK, removed.status, removed.raw)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", "/v1/projects/shop/requirements", devToken, "").status, "a removed member loses the project")

	// A stored token works like a fixed one; only its hash is kept.
	tok, err := httpapi.NewToken(context.Background(), tokens, accord.Actor{ID: "alice"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, call(t, h, "GET", "/v1/projects/shop/requirements", tok, "").status)
	assert.Equal(t, http.StatusUnauthorized, call(t, h, "GET", "/v1/projects/shop/requirements", tok+"x", "").status)
	_, err = tokens.ActorOfToken(context.Background(), tok)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the store does not know the token itself, only its hash")
}
