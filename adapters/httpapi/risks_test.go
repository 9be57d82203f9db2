package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRiskRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const risks = "/v1/projects/shop/risks"

	created := call(t, h, "POST", risks, devToken, `{"title":"Refunds queue up","cause":"the provider rate-limits refunds",
		"event":"refunds queue up at month end","effect":"miss the refund window","category":"dependency",
		"links":[{"kind":"requirement","id":"REQ-1"}]}`)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.Equal(t, "RISK-1", created.body["key"])
	assert.Equal(t, `"1"`, created.header.Get("ETag"))
	one := risks + "/RISK-1"

	bad := call(t, h, "POST", risks, devToken, `{"title":"x","category":"weather"}`)
	assert.Equal(t, http.StatusBadRequest, bad.status)
	assert.Contains(t, bad.raw, `"field":"category"`)

	noMatch := call(t, h, "POST", one+"/assessments", devToken, `{"stage":"current","likelihood":4,"impact":{"overall":3}}`)
	assert.Equal(t, http.StatusPreconditionRequired, noMatch.status)
	assessed := call(t, h, "POST", one+"/assessments", devToken, `{"stage":"current","likelihood":4,"impact":{"overall":3}}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, assessed.status, assessed.raw)
	current := assessed.body["current"].(map[string]any)
	assert.Equal(t, "high", current["level"])
	assert.Equal(t, "likelihood 4 (likely) x impact 3 (moderate) → cell (4,3) → high", current["working"])
	assert.Equal(t, "no-response", assessed.body["findings"].([]any)[0].(map[string]any)["rule"])

	resp := call(t, h, "PUT", one+"/response", devToken, `{"strategy":"mitigate","plan":"batch refunds"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, resp.status, resp.raw)
	assert.Equal(t, "treating", resp.body["status"])
	due := time.Now().UTC().AddDate(0, 0, -1).Format(time.RFC3339)
	action := call(t, h, "POST", one+"/actions", devToken, `{"title":"ask for a higher limit","owner":"bob","due":"`+due+`"}`)
	require.Equal(t, http.StatusOK, action.status, action.raw)
	actionID := action.body["response"].(map[string]any)["actions"].([]any)[0].(map[string]any)["id"].(string)
	over := call(t, h, "GET", risks+"/overdue", devToken, "")
	require.Equal(t, http.StatusOK, over.status, over.raw)
	assert.Len(t, over.body["actions"], 1, "the action is past its due date")
	listOver := call(t, h, "GET", risks+"?overdue=true", devToken, "")
	require.Equal(t, http.StatusOK, listOver.status, listOver.raw)
	assert.Len(t, listOver.body["items"], 1)
	done := call(t, h, "PUT", one+"/actions/"+actionID, devToken, `{"title":"ask for a higher limit","owner":"bob","status":"done"}`)
	require.Equal(t, http.StatusOK, done.status, done.raw)

	denied := call(t, h, "POST", one+"/acceptance", devToken, `{"rationale":"cheap","expires":"2099-01-01T00:00:00Z"}`, "If-Match", done.header.Get("ETag"))
	assert.Equal(t, http.StatusForbidden, denied.status, "a high risk is accepted by an admin: %s", denied.raw)
	accepted := call(t, h, "POST", one+"/acceptance", pmToken, `{"rationale":"fixed by the provider in Q3","expires":"2099-01-01T00:00:00Z"}`, "If-Match", done.header.Get("ETag"))
	require.Equal(t, http.StatusOK, accepted.status, accepted.raw)
	assert.Equal(t, "accepted", accepted.body["status"])

	reviewed := call(t, h, "POST", one+"/reviewed", devToken, `{"note":"limits unchanged"}`)
	require.Equal(t, http.StatusOK, reviewed.status, reviewed.raw)
	moved := call(t, h, "POST", one+"/transitions", devToken, `{"to":"treating"}`, "If-Match", reviewed.header.Get("ETag"))
	require.Equal(t, http.StatusOK, moved.status, moved.raw)
	edited := call(t, h, "PUT", one, devToken, `{"title":"Refunds queue up","cause":"the provider halves its limit","event":"refunds queue up","effect":"miss the window","category":"dependency","links":[{"kind":"requirement","id":"REQ-1"}]}`,
		"If-Match", moved.header.Get("ETag"))
	require.Equal(t, http.StatusOK, edited.status, edited.raw)

	got := call(t, h, "GET", one, devToken, "")
	require.Equal(t, http.StatusOK, got.status)
	revs := call(t, h, "GET", one+"/revisions", devToken, "")
	require.Equal(t, http.StatusOK, revs.status)
	n := len(revs.body["items"].([]any))
	d := call(t, h, "GET", fmt.Sprintf("%s/diff?from=%d&to=%d", one, n-1, n), devToken, "")
	require.Equal(t, http.StatusOK, d.status, d.raw)
	assert.Contains(t, d.raw, `"path":"cause"`)

	for _, q := range []string{"?status=treating", "?level=high", "?link=requirement/REQ-1", "?category=dependency&kind=threat&owner=bob&q=refund"} {
		res := call(t, h, "GET", risks+q, devToken, "")
		require.Equal(t, http.StatusOK, res.status, res.raw)
		assert.Len(t, res.body["items"], 1, q)
	}
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", risks+"?level=huge", devToken, "").status)

	heat := call(t, h, "GET", risks+"/heatmap?stage=current", devToken, "")
	require.Equal(t, http.StatusOK, heat.status, heat.raw)
	cells := heat.body["cells"].([]any)
	assert.Equal(t, float64(1), cells[3].([]any)[2].(map[string]any)["count"])
	svg := call(t, h, "GET", risks+"/heatmap.svg", devToken, "")
	require.Equal(t, http.StatusOK, svg.status)
	assert.Equal(t, "image/svg+xml", svg.header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(svg.raw, "<svg"))
	reg := call(t, h, "GET", risks+"/register", devToken, "")
	require.Equal(t, http.StatusOK, reg.status)
	assert.Contains(t, reg.raw, "| RISK-1 | Refunds queue up | high |")
	rescore := call(t, h, "POST", risks+"/rescore", devToken, `{"method":"product","product":{"medium":5,"high":13,"critical":20}}`)
	require.Equal(t, http.StatusOK, rescore.status, rescore.raw)
	assert.Len(t, rescore.body["items"], 1)

	asOf := call(t, h, "GET", risks+"/as-of?at="+time.Now().UTC().Add(time.Hour).Format(time.RFC3339), devToken, "")
	require.Equal(t, http.StatusOK, asOf.status, asOf.raw)
	assert.Len(t, asOf.body["items"], 1)
	before := call(t, h, "GET", risks+"/as-of?at=2000-01-01T00:00:00Z", devToken, "")
	require.Equal(t, http.StatusOK, before.status)
	assert.Len(t, before.body["items"], 0, "nothing was filed in 2000")
	counts := call(t, h, "GET", risks+"/level-counts?at=2000-01-01T00:00:00Z,"+time.Now().UTC().Add(time.Hour).Format(time.RFC3339), devToken, "")
	require.Equal(t, http.StatusOK, counts.status, counts.raw)
	require.Len(t, counts.body["items"], 2)
	assert.Equal(t, map[string]any{"high": float64(1)}, counts.body["items"].([]any)[1].(map[string]any)["counts"])
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", risks+"/level-counts?at=yesterday", devToken, "").status)

	settings := call(t, h, "GET", "/v1/projects/shop/settings/risks", pmToken, "")
	require.Equal(t, http.StatusOK, settings.status)
	assert.Equal(t, `"0"`, settings.header.Get("ETag"))
	put := call(t, h, "PUT", "/v1/projects/shop/settings/risks", pmToken, `{"categories":["vendor"],"review_days":{"high":7}}`, "If-Match", `"0"`)
	require.Equal(t, http.StatusOK, put.status, put.raw)
	assert.Equal(t, `"1"`, put.header.Get("ETag"))

	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", risks, carolToken, "").status, "not a member")
	gone := call(t, h, "DELETE", one, pmToken, "")
	assert.Equal(t, http.StatusNoContent, gone.status)
}
