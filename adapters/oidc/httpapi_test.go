package oidc_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/oidc"
	"github.com/accordhq/accord/project"
)

// apiWithIdP serves the JSON API with bearer tokens and the provider's
// tokens side by side, logging everything into log. The project shop has
// alice (admin, by a bearer token) and dave (backend), whose tokens come
// from the provider.
func apiWithIdP(t *testing.T, a *oidc.Authenticator, log *bytes.Buffer) http.Handler {
	t.Helper()
	stores := memory.New()
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	require.NoError(t, err)
	s, err := link.New(link.Options{Stores: stores, Authorizer: projects})
	require.NoError(t, err)
	h, err := httpapi.New(httpapi.Options{Services: link.Services{Requirements: s.Requirements, Reviews: s.Reviews}, Projects: projects,
		Authenticator: httpapi.AnyOf(httpapi.BearerTokens(map[string]accord.Actor{"acc_alice": {ID: "alice"}}), a),
		Logger:        slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/v1/projects", `{"key":"shop","name":"The shop"}`},
		{"PUT", "/v1/projects/shop/members/dave", `{"roles":["backend"]}`},
	} {
		res := do(h, c.method, c.path, "acc_alice", c.body)
		require.Less(t, res.Code, 300, res.Body.String())
	}
	return h
}

func do(h http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// The roles claim counts in the projects the subject is a member of, as
// the member's own roles do; it never makes a non-member a member.
func TestTokenRolesMapToProjectPermissions(t *testing.T) {
	k := rsaKey(t, "k1")
	p := newIdP(t, k)
	var log bytes.Buffer
	h := apiWithIdP(t, authenticator(t, options(p)), &log)
	roles := func(r ...any) map[string]any { return map[string]any{"realm_access": map[string]any{"roles": r}} }

	// Adding a member needs members.manage, which only admins hold.
	plain := k.sign(t, p.claims("dave", roles("backend")))
	res := do(h, "PUT", "/v1/projects/shop/members/erin", plain, `{"roles":["qa"]}`)
	require.Equal(t, http.StatusForbidden, res.Code, res.Body.String())
	assert.Contains(t, res.Body.String(), `"permission":"members.manage"`)

	admin := k.sign(t, p.claims("dave", roles("admin")))
	res = do(h, "PUT", "/v1/projects/shop/members/erin", admin, `{"roles":["qa"]}`)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())

	// The same claim for someone who is not a member: the project does
	// not exist for them.
	outsider := k.sign(t, p.claims("mallory", roles("admin")))
	res = do(h, "PUT", "/v1/projects/shop/members/mallory", outsider, `{"roles":["admin"]}`)
	assert.Equal(t, http.StatusNotFound, res.Code, res.Body.String())
	res = do(h, "GET", "/v1/projects/shop/requirements", outsider, "")
	assert.Equal(t, http.StatusNotFound, res.Code, res.Body.String())

	// Bearer tokens keep working beside the provider's.
	assert.Equal(t, http.StatusOK, do(h, "GET", "/v1/projects/shop/requirements", "acc_alice", "").Code)
	assert.Equal(t, http.StatusOK, do(h, "GET", "/v1/projects/shop/requirements", plain, "").Code)
	assert.NotContains(t, log.String(), plain)
	assert.NotContains(t, log.String(), admin)
}

// A refused token answers 401 problem+json with the reason, and neither the
// answer nor any log line holds the token.
func TestRefusalsAre401ProblemsWithoutTheToken(t *testing.T) {
	k, impostor := rsaKey(t, "k1"), rsaKey(t, "k9")
	p := newIdP(t, k)
	var log bytes.Buffer
	h := apiWithIdP(t, authenticator(t, options(p)), &log)
	for reason, tok := range map[string]string{
		"token expired":        k.sign(t, p.claims("dave", map[string]any{"exp": now.Add(-time.Hour).Unix()})),
		"wrong audience":       k.sign(t, p.claims("dave", map[string]any{"aud": []any{"billing", "crm"}})),
		"unknown signing key":  impostor.sign(t, p.claims("dave", nil)),
		"malformed token":      "eyJhbGciOiJSUzI1NiJ9.e30.bm90IGEgc2lnbmF0dXJl!",
		"unknown bearer token": "acc_nobody",
	} {
		res := do(h, "GET", "/v1/projects/shop/requirements", tok, "")
		require.Equal(t, http.StatusUnauthorized, res.Code, reason)
		assert.Equal(t, "application/problem+json", res.Header().Get("Content-Type"))
		assert.Equal(t, `Bearer realm="accord"`, res.Header().Get("WWW-Authenticate"))
		var problem httpapi.Problem
		require.NoError(t, json.Unmarshal(res.Body.Bytes(), &problem))
		assert.Equal(t, reason, problem.Detail)
		assert.Equal(t, "urn:accord:problem:unauthenticated", problem.Type)
		assert.NotContains(t, res.Body.String(), tok)
		assert.NotContains(t, log.String(), tok)
	}
}
