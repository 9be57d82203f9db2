package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetroRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const retros = "/v1/projects/shop/retros"

	created := call(t, h, "POST", retros, pmToken, `{"title":"Sprint 1","series":"payments","anonymous":true}`)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.Equal(t, "RETRO-1", created.body["key"])
	one := retros + "/RETRO-1"
	phase := func(to string) {
		t.Helper()
		res := call(t, h, "POST", one+"/phase", pmToken, `{"to":"`+to+`"}`)
		require.Equal(t, http.StatusOK, res.status, res.raw)
	}

	item := call(t, h, "POST", one+"/items", devToken, `{"column":"improve","text":"reviews take days"}`)
	require.Equal(t, http.StatusOK, item.status, item.raw)
	assert.NotContains(t, item.raw, "bob", "an anonymous card names nobody")
	itemID := item.body["items"].([]any)[0].(map[string]any)["id"].(string)
	edit := call(t, h, "PUT", one+"/items/"+itemID, devToken, `{"text":"reviews take three days"}`)
	require.Equal(t, http.StatusOK, edit.status, edit.raw)
	notMine := call(t, h, "PUT", one+"/items/"+itemID, pmToken, `{"text":"hijacked"}`)
	assert.Equal(t, http.StatusForbidden, notMine.status)
	health := call(t, h, "POST", one+"/health", devToken, `{"scores":{"pace":3,"fun":4,"delivering value":3,"learning":4,"teamwork":5}}`)
	require.Equal(t, http.StatusOK, health.status, health.raw)
	early := call(t, h, "POST", one+"/votes", devToken, `{"target":"`+itemID+`"}`)
	assert.Equal(t, http.StatusConflict, early.status, "no votes while collecting: %s", early.raw)
	assert.Equal(t, http.StatusForbidden, call(t, h, "POST", one+"/phase", devToken, `{"to":"grouping"}`).status, "only the facilitator moves phases")
	stale := call(t, h, "POST", one+"/phase", pmToken, `{"to":"grouping"}`, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, stale.status, "a named revision must be current: %s", stale.raw)

	grouped := call(t, h, "POST", one+"/phase", pmToken, `{"to":"grouping","reason":"the cards are in"}`, "If-Match", `"`+strconv.Itoa(int(health.body["revision"].(float64)))+`"`)
	require.Equal(t, http.StatusOK, grouped.status, grouped.raw)
	group := call(t, h, "POST", one+"/groups", devToken, `{"title":"reviews","items":["`+itemID+`"]}`)
	require.Equal(t, http.StatusOK, group.status, group.raw)
	phase("voting")
	vote := call(t, h, "POST", one+"/votes", devToken, `{"target":"`+itemID+`"}`)
	require.Equal(t, http.StatusOK, vote.status, vote.raw)
	phase("discussing")
	results := call(t, h, "GET", one+"/results", devToken, "")
	require.Equal(t, http.StatusOK, results.status)
	assert.Contains(t, results.raw, `"votes":1`)
	require.Equal(t, http.StatusOK, call(t, h, "POST", one+"/notes", devToken, `{"target":"`+itemID+`","text":"one reviewer is the bottleneck"}`).status)
	action := call(t, h, "POST", one+"/actions", devToken, `{"title":"two reviewers per team","owner":"bob"}`)
	require.Equal(t, http.StatusOK, action.status, action.raw)
	actionID := action.body["actions"].([]any)[0].(map[string]any)["id"].(string)
	require.Equal(t, http.StatusOK, call(t, h, "POST", one+"/lessons", devToken, `{"text":"spread review load","tags":["review"]}`).status)
	promo := call(t, h, "POST", one+"/promotions", devToken, `{"target":"`+itemID+`","to":"risk","category":"resource"}`)
	require.Equal(t, http.StatusCreated, promo.status, promo.raw)
	assert.Equal(t, "risk", promo.body["ref"].(map[string]any)["kind"])
	phase("closed")
	done := call(t, h, "PUT", one+"/actions/"+actionID, devToken, `{"title":"two reviewers per team","owner":"bob","status":"done"}`)
	require.Equal(t, http.StatusOK, done.status, "actions are marked done after closing: %s", done.raw)

	summary := call(t, h, "GET", one+"/summary", pmToken, "")
	require.Equal(t, http.StatusOK, summary.status)
	assert.True(t, strings.HasPrefix(summary.raw, "# RETRO-1: Sprint 1"))
	assert.Contains(t, summary.raw, "- reviews take three days (1 vote(s))\n", "a card with no author in an anonymous summary")
	revs := call(t, h, "GET", one+"/revisions", pmToken, "")
	require.Equal(t, http.StatusOK, revs.status)
	assert.Contains(t, revs.raw, `"actor":"anonymous"`)
	for _, path := range []string{retros + "?series=payments", retros + "/health-trend?series=payments", "/v1/projects/shop/lessons?q=review", one} {
		res := call(t, h, "GET", path, pmToken, "")
		require.Equal(t, http.StatusOK, res.status, "%s: %s", path, res.raw)
	}
	settings := call(t, h, "GET", "/v1/projects/shop/settings/retros", pmToken, "")
	require.Equal(t, http.StatusOK, settings.status)
	put := call(t, h, "PUT", "/v1/projects/shop/settings/retros", pmToken, `{"votes_per_person":7}`, "If-Match", `"0"`)
	require.Equal(t, http.StatusOK, put.status, put.raw)
	assert.Equal(t, http.StatusNoContent, call(t, h, "DELETE", one, pmToken, "").status)
}
