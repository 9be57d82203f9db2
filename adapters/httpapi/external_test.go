package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExternalReferenceRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order"}`).status)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/risks", pmToken, `{"title":"Refunds queue up","category":"dependency","cause":"a","event":"b","effect":"c"}`).status)
	missing := call(t, h, "POST", p+"/external-references", devToken, `{"record":{"kind":"requirement","id":"REQ-9"},"system":"jira","key":"SHOP-1"}`)
	assert.Equal(t, http.StatusBadRequest, missing.status)
	assert.Contains(t, missing.raw, `"field":"record"`)

	added := call(t, h, "POST", p+"/external-references", devToken,
		`{"record":{"kind":"requirement","id":"REQ-1"},"system":"jira","key":"SHOP-123","url":"https://shop.atlassian.net/browse/SHOP-123","status":"To Do","title":"退款"}`)
	require.Equal(t, http.StatusCreated, added.status, added.raw)
	loc := added.header.Get("Location")
	assert.Equal(t, `"1"`, added.header.Get("ETag"))
	assert.Equal(t, "SHOP-123", added.body["key"])
	got := call(t, h, "GET", loc, pmToken, "")
	require.Equal(t, http.StatusOK, got.status, got.raw)
	assert.Equal(t, "退款", got.body["title"])

	dup := call(t, h, "POST", p+"/external-references", devToken, `{"record":{"kind":"risk","id":"RISK-1"},"system":"jira","key":"SHOP-123"}`)
	assert.Equal(t, http.StatusConflict, dup.status)
	assert.Contains(t, dup.raw, "by requirement REQ-1", "the conflict names who holds the item")
	bad := call(t, h, "POST", p+"/external-references", devToken, `{"record":{"kind":"requirement","id":"REQ-1"},"system":"Jira!","key":""}`)
	assert.Equal(t, http.StatusBadRequest, bad.status)
	assert.Contains(t, bad.raw, `"field":"system"`)
	assert.Contains(t, bad.raw, `"field":"key"`)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/external-references", devToken, `{"record":{"kind":"requirement","id":"REQ-1"},"system":"trello","key":"5f1a"}`).status)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/external-references", devToken, `{"record":{"kind":"risk","id":"RISK-1"},"system":"jira","key":"SHOP-9"}`).status)

	mine := call(t, h, "GET", p+"/records/requirement/REQ-1/external-references", devToken, "")
	require.Equal(t, http.StatusOK, mine.status, mine.raw)
	assert.Len(t, mine.body["items"], 2)
	jira := call(t, h, "GET", p+"/external-references?system=jira", devToken, "")
	require.Equal(t, http.StatusOK, jira.status, jira.raw)
	assert.Len(t, jira.body["items"], 2)
	byQuery := call(t, h, "GET", p+"/external-references?record_kind=requirement&record_id=REQ-1", devToken, "")
	require.Equal(t, http.StatusOK, byQuery.status, byQuery.raw)
	assert.Len(t, byQuery.body["items"], 2, "a record named by key finds the references kept by ID")
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/external-references?record_kind=requirement&record_id=REQ-9", devToken, "").status)
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", p+"/external-references?colour=red", devToken, "").status)

	found := call(t, h, "GET", p+"/external-references/by-item/jira/SHOP-123", devToken, "")
	require.Equal(t, http.StatusOK, found.status, found.raw)
	assert.Equal(t, loc, p+"/external-references/"+found.body["id"].(string), "found by system and key")
	assert.Equal(t, `"1"`, found.header.Get("ETag"))
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/external-references/by-item/pingcode/SHOP-123", devToken, "").status, "another system's key")
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/external-references/by-item/jira/SHOP-404", devToken, "").status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/external-references/by-item/jira/SHOP-123", carolToken, "").status, "not a member")

	edit := call(t, h, "PUT", loc, devToken, `{"url":"https://shop.atlassian.net/browse/SHOP-123","status":"Done","note":"synced"}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, edit.status, edit.raw)
	assert.Equal(t, "Done", edit.body["status"])
	assert.Equal(t, http.StatusPreconditionFailed, call(t, h, "PUT", loc, devToken, `{"status":"To Do"}`, "If-Match", `"1"`).status, "stale")
	assert.Equal(t, http.StatusPreconditionRequired, call(t, h, "PUT", loc, devToken, `{"status":"To Do"}`).status)

	require.Equal(t, http.StatusNoContent, call(t, h, "DELETE", loc+"?reason=wrong+issue", devToken, "").status, "a member with record.write removes a reference")
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", loc, devToken, "").status)
	revs := call(t, h, "GET", loc+"/revisions", devToken, "")
	require.Equal(t, http.StatusOK, revs.status, revs.raw)
	assert.Len(t, revs.body["items"], 3)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/external-references", carolToken, "").status, "not a member")
}
