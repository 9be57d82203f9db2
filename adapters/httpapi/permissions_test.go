package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/transfer"
)

// shopWithMembers makes the project shop with alice (admin, product), bob
// (backend) and carol (qa), and one requirement of alice's, REQ-1.
func shopWithMembers(t *testing.T) (http.Handler, *memory.TokenStore) {
	t.Helper()
	h, tokens := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"The shop"}`).status)
	for who, roles := range map[string]string{"alice": `["admin","product"]`, "bob": `["backend"]`, "carol": `["qa"]`} {
		res := call(t, h, "PUT", "/v1/projects/shop/members/"+who, pmToken, `{"roles":`+roles+`}`)
		require.Equal(t, http.StatusOK, res.status, res.raw)
	}
	res := call(t, h, "POST", "/v1/projects/shop/requirements", pmToken,
		`{"title":"Refund a paid order","description":"A buyer gets a refund within 14 days.","acceptance_criteria":[{"text":"A refund inside the window returns 202"}],"priority":"P1","owner":"alice"}`)
	require.Equal(t, http.StatusCreated, res.status, res.raw)
	return h, tokens
}

// forbidden checks a 403 problem that names the missing permission.
func forbidden(t *testing.T, res response, perm string) {
	t.Helper()
	require.Equal(t, http.StatusForbidden, res.status, res.raw)
	assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
	assert.Equal(t, "urn:accord:problem:permission_denied", res.body["type"])
	assert.Equal(t, perm, res.body["permission"], res.raw)
	assert.Contains(t, res.body["detail"], perm)
}

// A backend engineer gave backend the override right in the review
// settings and approved a product manager's requirement without product.
func TestAMemberWhoIsNotAdminCannotRewriteSettings(t *testing.T) {
	h, tokens := shopWithMembers(t)
	loose := `{"policies":{"requirement":{"min_approvals":1,"required_roles":["backend"],"override_roles":["backend"]}}}`
	forbidden(t, call(t, h, "PUT", "/v1/projects/shop/settings/reviews", devToken, loose, "If-Match", `"0"`), "settings.update")
	for _, domain := range []string{"requirements", "contracts", "risks", "retros", "plans"} {
		res := call(t, h, "PUT", "/v1/projects/shop/settings/"+domain, devToken, `{}`, "If-Match", `"0"`)
		assert.Equal(t, http.StatusForbidden, res.status, "%s: %s", domain, res.raw)
	}
	got := call(t, h, "GET", "/v1/projects/shop/settings/reviews", devToken, "")
	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, `"0"`, got.header.Get("ETag"), "nothing was written")

	// Nor can he hand himself the rights another way.
	forbidden(t, call(t, h, "PUT", "/v1/projects/shop/members/bob", devToken, `{"roles":["backend","admin"]}`), "members.manage")
	forbidden(t, call(t, h, "PUT", "/v1/projects/shop/settings/permissions", devToken, `{"permissions":{"settings.update":["backend"]}}`, "If-Match", `"4"`), "permissions.update")
	forbidden(t, call(t, h, "GET", "/v1/projects/shop/export", devToken, ""), "project.export")
	doc := call(t, h, "GET", "/v1/projects/shop/export", pmToken, "")
	require.Equal(t, http.StatusOK, doc.status, doc.raw)
	assert.Equal(t, transfer.Format, doc.body["format"])
	assert.Len(t, doc.body["requirements"], 1)
	forbidden(t, call(t, h, "POST", "/v1/projects/shop/webhooks", devToken, `{"url":"https://hooks.example.com/x","kinds":["requirement.created"]}`), "webhook.manage")
	// A non-member still does not see the project at all.
	mallory, err := httpapi.NewToken(context.Background(), tokens, accord.Actor{ID: "mallory", Roles: []string{"admin"}})
	require.NoError(t, err)
	for _, path := range []string{"/v1/projects/shop/settings/reviews", "/v1/projects/shop/settings/permissions"} {
		res := call(t, h, "PUT", path, mallory, loose, "If-Match", `"0"`)
		assert.Equal(t, http.StatusNotFound, res.status, "%s: %s", path, res.raw)
	}

	// The admin may.
	ok := call(t, h, "PUT", "/v1/projects/shop/settings/reviews", pmToken, loose, "If-Match", `"0"`)
	assert.Equal(t, http.StatusOK, ok.status, ok.raw)
}

// Two members who are not product named themselves product and backend
// in a review and approved a requirement.
func TestReviewRolesAreRolesTheMembersHold(t *testing.T) {
	h, _ := shopWithMembers(t)
	require.Equal(t, http.StatusOK, call(t, h, "POST", "/v1/projects/shop/requirements/REQ-1/transitions", pmToken, `{"to":"in_review"}`, "If-Match", `"1"`).status)

	self := call(t, h, "POST", "/v1/projects/shop/reviews", carolToken,
		`{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"carol","role":"product"},{"actor":"bob","role":"backend"}]}`)
	require.Equal(t, http.StatusBadRequest, self.status, self.raw)
	assert.Equal(t, []any{map[string]any{"field": "participants[0].role", "message": "carol does not hold the role product in shop (holds: qa)"}}, self.body["errors"])
	stranger := call(t, h, "POST", "/v1/projects/shop/reviews", devToken,
		`{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"mallory","role":"product"}]}`)
	require.Equal(t, http.StatusBadRequest, stranger.status, stranger.raw)
	assert.Equal(t, "participants[0].actor", stranger.body["errors"].([]any)[0].(map[string]any)["field"])
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", "/v1/projects/shop/reviews/RV-1", pmToken, "").status, "nothing was created")

	// A proper review: alice as product, bob as backend.
	rv := call(t, h, "POST", "/v1/projects/shop/reviews", pmToken,
		`{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"alice","role":"product"},{"actor":"bob","role":"backend"}]}`)
	require.Equal(t, http.StatusCreated, rv.status, rv.raw)
	added := call(t, h, "POST", "/v1/projects/shop/reviews/RV-1/participants", devToken, `{"actor":"carol","role":"product"}`)
	assert.Equal(t, http.StatusBadRequest, added.status, added.raw)

	// Roles change between creation and verdict: bob is moved to qa, and
	// his backend verdict no longer counts as one.
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["qa"]}`).status)
	moved := call(t, h, "POST", "/v1/projects/shop/reviews/RV-1/verdicts", devToken, `{"round":1,"decision":"approve"}`)
	require.Equal(t, http.StatusForbidden, moved.status, moved.raw)
	assert.Contains(t, moved.body["detail"], "does not hold the role backend")

	// Overriding needs review.override and a policy role held in the
	// project: carol (qa) has neither.
	forbidden(t, call(t, h, "POST", "/v1/projects/shop/reviews/RV-1/overrides", carolToken, `{"round":1,"outcome":"approved","reason":"ship it"}`), "review.override")
	approve := call(t, h, "POST", "/v1/projects/shop/requirements/REQ-1/transitions", pmToken, `{"to":"approved"}`, "If-Match", `"2"`)
	assert.Equal(t, http.StatusConflict, approve.status, "still no approved review: %s", approve.raw)
}

// Any member deleted any other member's records.
func TestDeletingOthersRecordsNeedsRecordDelete(t *testing.T) {
	h, _ := shopWithMembers(t)
	p := "/v1/projects/shop"
	created := map[string]string{
		p + "/glossary":  `{"term":"order","definition":"A buyer's purchase."}`,
		p + "/risks":     `{"title":"Refunds overload the ledger","cause":"month-end refunds","event":"the ledger locks","effect":"refunds fail","category":"technical","owner":"alice"}`,
		p + "/retros":    `{"title":"Sprint 1","series":"shop"}`,
		p + "/contracts": petsContract,
	}
	for path, body := range created {
		res := call(t, h, "POST", path, pmToken, body)
		require.Equal(t, http.StatusCreated, res.status, "%s: %s", path, res.raw)
	}
	link := call(t, h, "POST", p+"/links", pmToken, `{"from":{"kind":"requirement","id":"REQ-1"},"to":{"kind":"risk","id":"RISK-1"},"role":"relates_to"}`)
	require.Equal(t, http.StatusCreated, link.status, link.raw)

	targets := []string{p + "/requirements/REQ-1", p + "/risks/RISK-1", p + "/retros/RETRO-1", p + "/links/" + link.body["id"].(string)}
	for _, path := range targets {
		forbidden(t, call(t, h, "DELETE", path, devToken, ""), "record.delete")
		assert.Equal(t, http.StatusOK, call(t, h, "GET", path, pmToken, "").status, "%s is still there", path)
	}
	// The author deletes their own draft.
	mine := call(t, h, "POST", p+"/requirements", devToken, `{"title":"Bob's idea","priority":"P3","owner":"bob"}`)
	require.Equal(t, http.StatusCreated, mine.status, mine.raw)
	forbidden(t, call(t, h, "DELETE", p+"/requirements/REQ-2", carolToken, ""), "record.delete")
	assert.Equal(t, http.StatusNoContent, call(t, h, "DELETE", p+"/requirements/REQ-2", devToken, "").status)
	// An admin deletes anyone's.
	assert.Equal(t, http.StatusNoContent, call(t, h, "DELETE", p+"/risks/RISK-1", pmToken, "").status)
}

// An admin changes the table; the services follow it at once.
func TestAdminsChangeThePermissionTable(t *testing.T) {
	h, _ := shopWithMembers(t)
	got := call(t, h, "GET", "/v1/projects/shop/settings/permissions", devToken, "")
	require.Equal(t, http.StatusOK, got.status, got.raw)
	perms := got.body["permissions"].(map[string]any)
	assert.Equal(t, []any{"admin"}, perms["settings.update"])
	assert.Equal(t, []any{"member"}, perms["record.write"])
	etag := got.header.Get("ETag")

	bad := call(t, h, "PUT", "/v1/projects/shop/settings/permissions", pmToken,
		`{"permissions":{"record.erase":["backend"],"permissions.update":["backend"],"record.delete":["back end"]}}`, "If-Match", etag)
	require.Equal(t, http.StatusBadRequest, bad.status, bad.raw)
	var fields []string
	for _, e := range bad.body["errors"].([]any) {
		fields = append(fields, e.(map[string]any)["field"].(string))
	}
	assert.ElementsMatch(t, []string{"permissions.record.erase", "permissions.permissions.update", "permissions.record.delete[0]"}, fields)

	// Account managers read only; backend may delete.
	put := call(t, h, "PUT", "/v1/projects/shop/settings/permissions", pmToken,
		`{"permissions":{"record.write":["product","backend"],"record.delete":["backend"]}}`, "If-Match", etag)
	require.Equal(t, http.StatusOK, put.status, put.raw)
	assert.NotEqual(t, etag, put.header.Get("ETag"))
	stale := call(t, h, "PUT", "/v1/projects/shop/settings/permissions", pmToken, `{"permissions":{}}`, "If-Match", etag)
	assert.Equal(t, http.StatusPreconditionFailed, stale.status, stale.raw)

	forbidden(t, call(t, h, "POST", "/v1/projects/shop/requirements", carolToken, `{"title":"QA's wish","priority":"P3","owner":"carol"}`), "record.write")
	assert.Equal(t, http.StatusOK, call(t, h, "GET", "/v1/projects/shop/requirements/REQ-1", carolToken, "").status, "reading needs only membership")
	assert.Equal(t, http.StatusNoContent, call(t, h, "DELETE", "/v1/projects/shop/requirements/REQ-1", devToken, "").status)
}
