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

// TestDeletedRecordsAreListed: every kind of deleted record is listed
// at .../deleted, to any member (a non-member gets 404), named by key
// and title (or what names its kind) with who deleted it, when and why;
// its history answers by its ID, the tombstone last; once restored it
// leaves the list.
func TestDeletedRecordsAreListed(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"
	created := func(path, body string) map[string]any {
		t.Helper()
		res := call(t, h, "POST", p+path, pmToken, body)
		require.Equal(t, http.StatusCreated, res.status, res.raw)
		return res.body
	}
	created("/requirements", `{"title":"Refund a paid order","priority":"P1","owner":"alice"}`)
	req := created("/requirements", `{"title":"Export invoices","priority":"P2","owner":"alice"}`)
	term := created("/glossary", `{"term":"order","definition":"a commitment to pay"}`)
	c := created("/contracts", petsContract)
	rv := created("/reviews", `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"alice","role":"product"}]}`)
	rk := created("/risks", `{"title":"Refunds queue up","cause":"rate limits","event":"queues","effect":"late refunds","category":"dependency"}`)
	rt := created("/retros", `{"title":"Sprint 1","series":"payments"}`)
	l := created("/links", `{"from":{"kind":"requirement","id":"REQ-2"},"to":{"kind":"requirement","id":"REQ-1"},"role":"refines"}`)

	for _, k := range []struct {
		all, id, name, want string // name: the field that names the record, want its value
	}{
		{"/requirements", req["id"].(string), "title", "Export invoices"},
		{"/glossary", term["id"].(string), "term", "order"},
		{"/contracts", c["contract_id"].(string), "service", "pets"},
		{"/reviews", rv["id"].(string), "key", "RV-1"},
		{"/risks", rk["id"].(string), "title", "Refunds queue up"},
		{"/retros", rt["id"].(string), "title", "Sprint 1"},
		{"/links", l["id"].(string), "role", "refines"},
	} {
		one := p + k.all + "/" + k.id
		empty := call(t, h, "GET", p+k.all+"/deleted", devToken, "")
		require.Equal(t, http.StatusOK, empty.status, empty.raw)
		assert.Empty(t, empty.body["items"], "%s: nothing is deleted yet", k.all)
		require.Equal(t, http.StatusNoContent, call(t, h, "DELETE", one+"?reason=made+by+mistake", pmToken, "").status, k.all)

		res := call(t, h, "GET", p+k.all+"/deleted?page_size=10", devToken, "")
		require.Equal(t, http.StatusOK, res.status, "%s: a member who is no admin reads the deleted records: %s", k.all, res.raw)
		items := res.body["items"].([]any)
		require.Len(t, items, 1, k.all)
		rec := items[0].(map[string]any)
		assert.Equal(t, k.id, rec["id"], k.all)
		assert.Equal(t, k.want, rec[k.name], k.all)
		d, ok := rec["deleted"].(map[string]any)
		require.True(t, ok, "%s: the listed record carries its deletion: %s", k.all, res.raw)
		assert.Equal(t, "alice", d["by"], k.all)
		assert.Equal(t, "made by mistake", d["reason"], k.all)
		assert.NotEmpty(t, d["at"], k.all)
		if k.all == "/requirements" || k.all == "/reviews" || k.all == "/risks" || k.all == "/retros" {
			assert.NotEmpty(t, rec["key"], "%s: a keyed record is listed with its key", k.all)
		}
		assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+k.all+"/deleted", carolToken, "").status, "%s: a non-member sees no project", k.all)

		hist := call(t, h, "GET", one+"/revisions", devToken, "")
		require.Equal(t, http.StatusOK, hist.status, "%s: the history of a deleted record answers by its ID: %s", k.all, hist.raw)
		revs := hist.body["items"].([]any)
		require.NotEmpty(t, revs, k.all)
		last := revs[len(revs)-1].(map[string]any)
		if k.all != "/glossary" { // a term's revision summary has no kind
			assert.Equal(t, "deleted", last["kind"], k.all)
		}
		assert.Equal(t, "alice", last["actor"], k.all)
		assert.Equal(t, "made by mistake", last["note"], "%s: the tombstone ends the history", k.all)

		require.Equal(t, http.StatusOK, call(t, h, "POST", one+"/restore", pmToken, `{"reason":"needed"}`).status, k.all)
		after := call(t, h, "GET", p+k.all+"/deleted", devToken, "")
		require.Equal(t, http.StatusOK, after.status, after.raw)
		assert.Empty(t, after.body["items"], "%s: a restored record leaves the list", k.all)
	}

	bad := call(t, h, "GET", p+"/risks/deleted?page_token=nonsense", devToken, "")
	assert.Equal(t, http.StatusBadRequest, bad.status, bad.raw)
	assert.Equal(t, "application/problem+json", bad.header.Get("Content-Type"))
	big := call(t, h, "GET", p+"/requirements/deleted?page_size=501", devToken, "")
	assert.Equal(t, http.StatusBadRequest, big.status, big.raw)
	odd := call(t, h, "GET", p+"/links/deleted?status=suspect", devToken, "")
	assert.Equal(t, http.StatusBadRequest, odd.status, "the list of deleted records takes no filter: %s", odd.raw)
}
