package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
)

func TestAPIContractLintsClean(t *testing.T) {
	spec := httpapi.Contract()
	assert.Empty(t, contract.Lint(spec))
	ids := map[string]bool{}
	for _, op := range spec.Operations {
		assert.False(t, ids[op.ID], "operation %s twice", op.ID)
		ids[op.ID] = true
	}
}

func TestOpenAPIIsServedWithoutAToken(t *testing.T) {
	h, _ := newWiredAPI(t)
	res := call(t, h, "GET", "/v1/openapi.json", "", "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "3.1.0", res.body["openapi"])
	assert.Equal(t, httpapi.APIVersion, res.body["info"].(map[string]any)["version"])
	paths := res.body["paths"].(map[string]any)
	for _, p := range []string{"/v1/projects/{project}/requirements/{id}", "/v1/projects/{project}/contracts/{id}/versions/{version}",
		"/v1/projects/{project}/reviews/{id}/verdicts", "/healthz"} {
		assert.Contains(t, paths, p)
	}
	assert.Len(t, res.body["x-accord-error-codes"], 13)

	bare := call(t, newAPIWithout(t), "GET", "/v1/openapi.json", "", "")
	require.Equal(t, http.StatusOK, bare.status)
	barePaths := bare.body["paths"].(map[string]any)
	assert.Contains(t, barePaths, "/v1/projects/{project}/requirements")
	assert.NotContains(t, barePaths, "/v1/projects/{project}/reviews", "only the routes this handler serves")
	assert.NotContains(t, barePaths, "/v1/projects/{project}/contracts")
}

func TestContractVersionReadAndDelete(t *testing.T) {
	h := newAPI(t)
	const c = "/v1/projects/shop/contracts"
	created := call(t, h, "POST", c, pmToken, petsContract)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	version := created.header.Get("Location")
	got := call(t, h, "GET", version, devToken, "")
	require.Equal(t, http.StatusOK, got.status, got.raw)
	assert.Equal(t, "pets", got.body["spec"].(map[string]any)["service"])
	del := call(t, h, "DELETE", c+"/"+created.body["contract_id"].(string), pmToken, "")
	assert.Equal(t, http.StatusNoContent, del.status, del.raw)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", version, devToken, "").status)
}

// newAPIWithout serves requirements only: no contracts, no reviews.
func newAPIWithout(t testing.TB) http.Handler {
	t.Helper()
	svc, err := requirement.NewService(requirement.Options{Store: memory.NewRequirementStore()})
	require.NoError(t, err)
	h, err := httpapi.New(httpapi.Options{Services: link.Services{Requirements: svc}, Authenticator: httpapi.BearerTokens(map[string]accord.Actor{pmToken: {ID: "alice"}})})
	require.NoError(t, err)
	return h
}
