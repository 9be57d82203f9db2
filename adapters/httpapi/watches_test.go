package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWatchRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"
	req := call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order"}`)
	require.Equal(t, http.StatusCreated, req.status)
	id := req.body["id"].(string)

	made := call(t, h, "POST", p+"/watches", devToken, `{"target":{"kind":"requirement","id":"REQ-1"}}`)
	require.Equal(t, http.StatusCreated, made.status, made.raw)
	assert.Equal(t, id, made.body["target"].(map[string]any)["id"], "kept by ID, as events name it")
	assert.Equal(t, http.StatusConflict, call(t, h, "POST", p+"/watches", devToken, `{"target":{"kind":"requirement","id":"`+id+`"}}`).status)
	missing := call(t, h, "POST", p+"/watches", devToken, `{"target":{"kind":"requirement","id":"REQ-9"}}`)
	assert.Equal(t, http.StatusBadRequest, missing.status)
	assert.Contains(t, missing.raw, `"field":"target"`)
	assert.Equal(t, http.StatusBadRequest, call(t, h, "POST", p+"/watches", devToken, `{"target":{"kind":"project","id":"other"}}`).status)
	mine := call(t, h, "GET", p+"/watches", devToken, "")
	require.Equal(t, http.StatusOK, mine.status, mine.raw)
	assert.Len(t, mine.body["items"], 1)

	require.Equal(t, http.StatusOK, call(t, h, "PUT", p+"/requirements/REQ-1", pmToken, `{"title":"Refund a paid order within 30 days"}`, "If-Match", `"1"`).status)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Not watched"}`).status)
	in := call(t, h, "GET", p+"/inbox", devToken, "")
	require.Equal(t, http.StatusOK, in.status, in.raw)
	entries := in.body["entries"].([]any)
	require.Len(t, entries, 1, "only what bob watches, since he started")
	assert.Equal(t, "requirement.updated", entries[0].(map[string]any)["event"].(map[string]any)["kind"])
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", p+"/inbox?page_size=0", devToken, "").status)
	through := strconv.FormatFloat(in.body["through"].(float64), 'f', -1, 64)
	read := call(t, h, "POST", p+"/inbox/read", devToken, `{"through":`+through+`}`)
	require.Equal(t, http.StatusOK, read.status, read.raw)
	again := call(t, h, "GET", p+"/inbox?page_size=10", devToken, "")
	require.Equal(t, http.StatusOK, again.status)
	assert.Empty(t, again.body["entries"])
	assert.Equal(t, http.StatusNoContent, call(t, h, "DELETE", made.header.Get("Location"), devToken, "").status)
}
