package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLinkRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order","description":"within 14 days"}`).status)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund to the wallet","description":"as credit"}`).status)

	made := call(t, h, "POST", p+"/links", devToken, `{"from":{"kind":"requirement","id":"REQ-2"},"to":{"kind":"requirement","id":"REQ-1"},"role":"refines","note":"the wallet case"}`)
	require.Equal(t, http.StatusCreated, made.status, made.raw)
	assert.Equal(t, "current", made.body["status"])
	assert.EqualValues(t, 1, made.body["target_revision"])
	link := made.header.Get("Location")
	require.NotEmpty(t, link)
	dup := call(t, h, "POST", p+"/links", devToken, `{"from":{"kind":"requirement","id":"REQ-2"},"to":{"kind":"requirement","id":"REQ-1"},"role":"refines"}`)
	assert.Equal(t, http.StatusConflict, dup.status, dup.raw)
	bad := call(t, h, "POST", p+"/links", devToken, `{"from":{"kind":"requirement","id":"REQ-2"},"to":{"kind":"requirement","id":"REQ-7"},"role":"refines"}`)
	assert.Equal(t, http.StatusBadRequest, bad.status, bad.raw)
	assert.Contains(t, bad.raw, `"field":"to"`)

	// A status-only change leaves the link current; a content change
	// turns it suspect, naming the field.
	moved := call(t, h, "POST", p+"/requirements/REQ-1/transitions", pmToken, `{"to":"in_review"}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, moved.status, moved.raw)
	assert.Equal(t, "current", call(t, h, "GET", link, devToken, "").body["status"])
	edited := call(t, h, "PUT", p+"/requirements/REQ-1", pmToken, `{"title":"Refund a paid order","description":"within 30 days"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, edited.status, edited.raw)
	got := call(t, h, "GET", link, devToken, "")
	require.Equal(t, http.StatusOK, got.status, got.raw)
	assert.Equal(t, "suspect", got.body["status"])
	assert.Equal(t, []any{"description"}, got.body["suspicion"].(map[string]any)["fields"])

	suspect := call(t, h, "GET", p+"/links?status=suspect&record=requirement/REQ-1", devToken, "")
	require.Equal(t, http.StatusOK, suspect.status, suspect.raw)
	assert.Len(t, suspect.body["items"], 1)
	named := suspect.body["items"].([]any)[0].(map[string]any)
	assert.Equal(t, "REQ-2 Refund to the wallet", named["from_title"], "a link list names both ends by key and title")
	assert.Equal(t, "REQ-1 Refund a paid order", named["to_title"])
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", p+"/links?status=stale", devToken, "").status)
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", p+"/links?record=REQ-1", devToken, "").status)
	nb := call(t, h, "GET", p+"/links/of/requirement/REQ-1", devToken, "")
	require.Equal(t, http.StatusOK, nb.status, nb.raw)
	assert.Len(t, nb.body["dependents"], 1)
	assert.Len(t, nb.body["depends_on"], 0)
	assert.Equal(t, "REQ-1 Refund a paid order", nb.body["record_title"])
	assert.Equal(t, "REQ-2 Refund to the wallet", nb.body["dependents"].([]any)[0].(map[string]any)["from_title"])
	page := call(t, h, "GET", p+"/requirements/REQ-2/links", devToken, "")
	require.Equal(t, http.StatusOK, page.status, page.raw)
	assert.Len(t, page.body["depends_on"], 1, "REQ-2 refines REQ-1")

	noNote := call(t, h, "POST", link+"/confirmations", devToken, `{"note":""}`, "If-Match", got.header.Get("ETag"))
	assert.Equal(t, http.StatusBadRequest, noNote.status, noNote.raw)
	assert.Contains(t, noNote.raw, `"field":"note"`)
	confirmed := call(t, h, "POST", link+"/confirmations", devToken, `{"note":"the wallet case holds for 30 days"}`, "If-Match", got.header.Get("ETag"))
	require.Equal(t, http.StatusOK, confirmed.status, confirmed.raw)
	assert.Equal(t, "current", confirmed.body["status"])
	assert.EqualValues(t, 3, confirmed.body["target_revision"])
	revs := call(t, h, "GET", link+"/revisions", devToken, "")
	require.Equal(t, http.StatusOK, revs.status, revs.raw)
	assert.Len(t, revs.body["items"], 3)
	recheck := call(t, h, "POST", p+"/links/recheck", pmToken, "")
	require.Equal(t, http.StatusOK, recheck.status, recheck.raw)
	assert.Len(t, recheck.body["items"], 0)

	impact := call(t, h, "GET", p+"/impact?of=change_request/nope", pmToken, "")
	assert.Equal(t, http.StatusNotFound, impact.status, impact.raw)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/contracts", devToken, `{"version":"1.0.0","spec":{"service":"refunds","operations":[
		{"id":"createRefund","method":"POST","path":"/refunds","requirements":[{"kind":"requirement","id":"REQ-1"}],"responses":{"202":{}}}]}}`).status)
	contracts := call(t, h, "GET", p+"/contracts", devToken, "")
	id := contracts.body["items"].([]any)[0].(map[string]any)["id"].(string)
	impact = call(t, h, "GET", p+"/impact?of=contract_version/"+id+"@1.0.0", pmToken, "")
	require.Equal(t, http.StatusOK, impact.status, impact.raw)
	implements := call(t, h, "GET", p+"/links?from=contract_version/"+id+"@1.0.0&role=implements&origin=declared", devToken, "")
	require.Equal(t, http.StatusOK, implements.status, implements.raw)
	assert.Len(t, implements.body["items"], 1, "the operation's requirements are declared links")
	version := p + "/contracts/" + id + "/versions/1.0.0"
	run := call(t, h, "POST", version+"/test-runs", devToken, `{"source":"ci #12","operations":[{"id":"createRefund","responses":["202"]}]}`)
	require.Equal(t, http.StatusCreated, run.status, run.raw)
	assert.Equal(t, "refunds", run.body["service"])
	badRun := call(t, h, "POST", version+"/test-runs", devToken, `{"operations":[{"id":"createRefnud","responses":[]}]}`)
	assert.Equal(t, http.StatusBadRequest, badRun.status, badRun.raw)
	assert.Contains(t, badRun.raw, `"field":"operations[0].id"`)
	runs := call(t, h, "GET", version+"/test-runs", devToken, "")
	require.Equal(t, http.StatusOK, runs.status, runs.raw)
	assert.Len(t, runs.body["items"], 1)

	cov := call(t, h, "GET", p+"/reports/coverage", pmToken, "")
	require.Equal(t, http.StatusOK, cov.status, cov.raw)
	assert.EqualValues(t, 2, cov.body["totals"].(map[string]any)["requirements"])
	assert.EqualValues(t, 1, cov.body["totals"].(map[string]any)["exercised"])
	md := call(t, h, "GET", p+"/reports/coverage.md", pmToken, "")
	require.Equal(t, http.StatusOK, md.status, md.raw)
	assert.Contains(t, md.raw, "| REQ-1 Refund a paid order |")
	csv := call(t, h, "GET", p+"/reports/coverage.csv", pmToken, "")
	require.Equal(t, http.StatusOK, csv.status, csv.raw)
	assert.Equal(t, "text/csv; charset=utf-8", csv.header.Get("Content-Type"))
	assert.Contains(t, csv.raw, "REQ-1,Refund a paid order,in_review,false,operation,refunds,1.0.0,createRefund,POST,/refunds,true,202")
	prog := call(t, h, "GET", p+"/reports/progress?since=2020-01-01", pmToken, "")
	require.Equal(t, http.StatusOK, prog.status, prog.raw)
	assert.Len(t, prog.body["requirements"].(map[string]any)["changed"], 2, "both requirements were created in the period")
	progMD := call(t, h, "GET", p+"/reports/progress.md", pmToken, "")
	require.Equal(t, http.StatusOK, progMD.status, progMD.raw)
	assert.Contains(t, progMD.raw, "## Problems and risks")
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", p+"/reports/progress?since=last+week", pmToken, "").status)

	assert.Equal(t, http.StatusNoContent, call(t, h, "DELETE", link, devToken, "").status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", link, devToken, "").status)
}
