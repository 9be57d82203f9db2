package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeleteAndRestore: a member who is no admin cannot delete another
// member's record (403 naming record.delete, nothing changes), deletes
// their own draft with a reason kept in the tombstone, and cannot restore
// it; an admin restores every kind of record within the window.
func TestDeleteAndRestore(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"

	alices := call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order","priority":"P1","owner":"alice"}`)
	require.Equal(t, http.StatusCreated, alices.status, alices.raw)
	denied := call(t, h, "DELETE", p+"/requirements/REQ-1?reason=mine+now", devToken, "")
	require.Equal(t, http.StatusForbidden, denied.status, denied.raw)
	assert.Equal(t, "application/problem+json", denied.header.Get("Content-Type"))
	assert.Contains(t, denied.body["detail"], "record.delete")
	kept := call(t, h, "GET", p+"/requirements/REQ-1", pmToken, "")
	require.Equal(t, http.StatusOK, kept.status)
	assert.Equal(t, `"1"`, kept.header.Get("ETag"), "a refused delete changes nothing")

	bobs := call(t, h, "POST", p+"/requirements", devToken, `{"title":"Export invoices","priority":"P2","owner":"bob"}`)
	require.Equal(t, http.StatusCreated, bobs.status, bobs.raw)
	id := bobs.body["id"].(string)
	require.Equal(t, http.StatusNoContent, call(t, h, "DELETE", p+"/requirements/REQ-2?reason=a+duplicate", devToken, "").status, "the author deletes their own draft")
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/requirements/REQ-2", devToken, "").status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/requirements/"+id, devToken, "").status)
	list := call(t, h, "GET", p+"/requirements", devToken, "")
	require.Len(t, list.body["items"], 1, "a deleted requirement leaves the list")
	revs := call(t, h, "GET", p+"/requirements/"+id+"/revisions", pmToken, "")
	require.Equal(t, http.StatusOK, revs.status, revs.raw)
	items := revs.body["items"].([]any)
	require.Len(t, items, 2, "its history stays, ended by the tombstone")
	last := items[1].(map[string]any)
	assert.Equal(t, "deleted", last["kind"])
	assert.Equal(t, "bob", last["actor"])
	assert.Equal(t, "a duplicate", last["note"])

	refused := call(t, h, "POST", p+"/requirements/"+id+"/restore", devToken, `{"reason":"oops"}`)
	require.Equal(t, http.StatusForbidden, refused.status, refused.raw)
	assert.Contains(t, refused.body["detail"], "record.restore")
	back := call(t, h, "POST", p+"/requirements/"+id+"/restore", pmToken, `{"reason":"not a duplicate"}`)
	require.Equal(t, http.StatusOK, back.status, back.raw)
	assert.Equal(t, `"3"`, back.header.Get("ETag"))
	assert.Equal(t, "REQ-2", back.body["key"])
	assert.Equal(t, http.StatusOK, call(t, h, "GET", p+"/requirements/REQ-2", devToken, "").status)
	again := call(t, h, "POST", p+"/requirements/"+id+"/restore", pmToken, `{}`)
	assert.Equal(t, http.StatusConflict, again.status, "a live record has nothing to restore: %s", again.raw)

	// Every other kind: an admin deletes and restores.
	created := func(path, body string) map[string]any {
		t.Helper()
		res := call(t, h, "POST", p+path, pmToken, body)
		require.Equal(t, http.StatusCreated, res.status, res.raw)
		return res.body
	}
	roundTrip := func(one string) {
		t.Helper()
		require.Equal(t, http.StatusNoContent, call(t, h, "DELETE", one+"?reason=cleanup", pmToken, "").status, one)
		assert.Equal(t, http.StatusNotFound, call(t, h, "GET", one, pmToken, "").status, one)
		res := call(t, h, "POST", one+"/restore", pmToken, `{"reason":"needed after all"}`)
		require.Equal(t, http.StatusOK, res.status, res.raw)
		assert.Equal(t, http.StatusOK, call(t, h, "GET", one, pmToken, "").status, one)
	}
	term := created("/glossary", `{"term":"order","definition":"a commitment to pay"}`)
	roundTrip(p + "/glossary/" + term["id"].(string))
	c := created("/contracts", petsContract)
	roundTrip(p + "/contracts/" + c["contract_id"].(string))
	rv := created("/reviews", `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"alice","role":"product"}]}`)
	roundTrip(p + "/reviews/" + rv["id"].(string))
	rk := created("/risks", `{"title":"Refunds queue up","cause":"rate limits","event":"queues","effect":"late refunds","category":"dependency"}`)
	roundTrip(p + "/risks/" + rk["id"].(string))
	rt := created("/retros", `{"title":"Sprint 1","series":"payments"}`)
	roundTrip(p + "/retros/" + rt["id"].(string))
	l := created("/links", `{"from":{"kind":"requirement","id":"REQ-2"},"to":{"kind":"requirement","id":"REQ-1"},"role":"refines"}`)
	roundTrip(p + "/links/" + l["id"].(string))
}
