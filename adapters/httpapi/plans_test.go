package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"
	req := call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order","description":"within 14 days"}`)
	require.Equal(t, http.StatusCreated, req.status, req.raw)

	created := call(t, h, "POST", p+"/iterations", pmToken, `{"name":"Sprint 1","start":"2026-11-23","end":"2026-12-04","goals":["refunds"],
		"capacity":[{"member":"bob","days_per_week":5,"absences":[{"from":"2026-11-26","to":"2026-11-27","reason":"leave"}]}]}`)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.Equal(t, "IT-1", created.body["key"])
	it := p + "/iterations/IT-1"
	bad := call(t, h, "POST", p+"/iterations", pmToken, `{"name":"x","start":"2026-12-04","end":"2026-11-23"}`)
	assert.Equal(t, http.StatusBadRequest, bad.status)
	assert.Contains(t, bad.raw, `"field":"end"`)

	updated := call(t, h, "PUT", it, pmToken, `{"name":"Sprint 1","start":"2026-11-23","end":"2026-12-04","goals":["refunds","vouchers"],
		"capacity":[{"member":"bob","days_per_week":5}]}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, updated.status, updated.raw)
	scheduled := call(t, h, "POST", it+"/items", pmToken, `{"ref":{"kind":"requirement","id":"REQ-1"},"assignees":["bob"]}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, scheduled.status, scheduled.raw)
	assert.Equal(t, `"3"`, scheduled.header.Get("ETag"))

	estimates := call(t, h, "GET", it+"/estimates", pmToken, "")
	require.Equal(t, http.StatusOK, estimates.status, estimates.raw)
	assert.Len(t, estimates.body["items"], 1)
	check := call(t, h, "GET", it+"/check", pmToken, "")
	require.Equal(t, http.StatusOK, check.status, check.raw)
	rules := map[string]bool{}
	for _, f := range check.body["items"].([]any) {
		rules[f.(map[string]any)["rule"].(string)] = true
	}
	assert.Equal(t, map[string]bool{"not_approved": true, "no_estimate": true}, rules, "a draft without a review")

	refused := call(t, h, "POST", it+"/commitment", pmToken, `{}`, "If-Match", `"3"`)
	assert.Equal(t, http.StatusConflict, refused.status, refused.raw)
	assert.Contains(t, refused.raw, `"field":"not_approved"`)
	settings := call(t, h, "PUT", p+"/settings/plans", pmToken, `{"commit":{"not_approved":"warn"},"response_target_hours":2}`, "If-Match", `"0"`)
	require.Equal(t, http.StatusOK, settings.status, settings.raw)
	got := call(t, h, "GET", p+"/settings/plans", pmToken, "")
	require.Equal(t, http.StatusOK, got.status, got.raw)
	assert.Equal(t, "refuse", got.body["commit"].(map[string]any)["over_capacity"])
	committed := call(t, h, "POST", it+"/commitment", pmToken, `{"note":"go"}`, "If-Match", `"3"`)
	require.Equal(t, http.StatusOK, committed.status, committed.raw)
	assert.Equal(t, "committed", committed.body["status"])

	list := call(t, h, "GET", p+"/iterations?status=committed&item=requirement/"+scheduled.body["items"].([]any)[0].(map[string]any)["ref"].(map[string]any)["id"].(string), pmToken, "")
	require.Equal(t, http.StatusOK, list.status, list.raw)
	assert.Len(t, list.body["items"], 1)
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", p+"/iterations?item=REQ-1", pmToken, "").status)
	got1 := call(t, h, "GET", it, devToken, "")
	require.Equal(t, http.StatusOK, got1.status, got1.raw)

	question := call(t, h, "POST", p+"/questions", devToken, `{"about":{"kind":"requirement","id":"REQ-1"},"text":"Which currency?","to":{"role":"product"},"blocking":true}`)
	require.Equal(t, http.StatusCreated, question.status, question.raw)
	q := p + "/questions/Q-1"
	require.Equal(t, http.StatusOK, call(t, h, "GET", q, devToken, "").status)
	blocked := call(t, h, "GET", p+"/questions?blocking=true&status=open&to_role=product&about=requirement/REQ-1", pmToken, "")
	require.Equal(t, http.StatusOK, blocked.status, blocked.raw)
	assert.Len(t, blocked.body["items"], 1)
	overdue := call(t, h, "GET", p+"/questions/overdue", pmToken, "")
	require.Equal(t, http.StatusOK, overdue.status, overdue.raw)
	answered := call(t, h, "POST", q+"/replies", pmToken, `{"text":"The order's.","answer":true}`)
	require.Equal(t, http.StatusOK, answered.status, answered.raw)
	assert.Equal(t, "answered", answered.body["status"])
	resolved := call(t, h, "POST", q+"/resolution", devToken, `{"note":"thanks"}`)
	require.Equal(t, http.StatusOK, resolved.status, resolved.raw)
	times := call(t, h, "GET", p+"/questions/response-times?since=2020-01-01T00:00:00Z", pmToken, "")
	require.Equal(t, http.StatusOK, times.status, times.raw)
	require.Len(t, times.body["items"], 1)
	assert.Equal(t, float64(1), times.body["items"].([]any)[0].(map[string]any)["answered"])

	milestone := call(t, h, "POST", p+"/milestones", pmToken, `{"name":"Refunds live","date":"2026-12-18","deliverables":[{"kind":"requirement","id":"REQ-1"}]}`)
	require.Equal(t, http.StatusCreated, milestone.status, milestone.raw)
	moved := call(t, h, "PUT", p+"/milestones/MS-1", pmToken, `{"name":"Refunds live","date":"2027-01-08","note":"provider late"}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, moved.status, moved.raw)
	require.Equal(t, http.StatusOK, call(t, h, "GET", p+"/milestones/MS-1", pmToken, "").status)
	ms := call(t, h, "GET", p+"/milestones", pmToken, "")
	require.Equal(t, http.StatusOK, ms.status)
	assert.Len(t, ms.body["items"], 1)

	state := call(t, h, "POST", it+"/item-states", devToken, `{"ref":{"kind":"requirement","id":"REQ-1"},"state":"in_progress"}`)
	require.Equal(t, http.StatusOK, state.status, state.raw)
	progress := call(t, h, "GET", it+"/progress", pmToken, "")
	require.Equal(t, http.StatusOK, progress.status, progress.raw)
	assert.Equal(t, float64(1), progress.body["in_progress"].(map[string]any)["items"])
	burnup := call(t, h, "GET", it+"/burnup", pmToken, "")
	require.Equal(t, http.StatusOK, burnup.status, burnup.raw)
	chart := call(t, h, "GET", it+"/burnup.svg", pmToken, "")
	require.Equal(t, http.StatusOK, chart.status, chart.raw)
	assert.Equal(t, "image/svg+xml", chart.header.Get("Content-Type"))
	assert.Contains(t, chart.raw, "<svg")
	summary := call(t, h, "GET", it+"/summary", pmToken, "")
	require.Equal(t, http.StatusOK, summary.status, summary.raw)
	assert.Contains(t, summary.raw, "# IT-1 Sprint 1")
	mprog := call(t, h, "GET", p+"/milestones/MS-1/progress", pmToken, "")
	require.Equal(t, http.StatusOK, mprog.status, mprog.raw)
	forecast := call(t, h, "GET", p+"/milestones/MS-1/forecast", pmToken, "")
	require.Equal(t, http.StatusOK, forecast.status, forecast.raw)
	assert.NotEmpty(t, forecast.body["working"])
	slips := call(t, h, "POST", p+"/milestones/slips", pmToken, `{"note":"weekly check"}`)
	require.Equal(t, http.StatusOK, slips.status, slips.raw)

	// A trim is a change request: only for an approved requirement.
	refused = call(t, h, "POST", it+"/trims", pmToken, `{"requirement":{"kind":"requirement","id":"REQ-1"},"proposed":{"title":"Refund a paid order"},"reason":"keep the date"}`)
	assert.Equal(t, http.StatusConflict, refused.status, refused.raw)
	require.Equal(t, http.StatusOK, call(t, h, "POST", p+"/requirements/REQ-1/transitions", pmToken, `{"to":"in_review"}`, "If-Match", `"1"`).status)
	rv := call(t, h, "POST", p+"/reviews", pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},
		"participants":[{"actor":"alice","role":"product"},{"actor":"bob","role":"backend"}]}`)
	require.Equal(t, http.StatusCreated, rv.status, rv.raw)
	review := p + "/reviews/RV-1"
	require.Equal(t, http.StatusOK, call(t, h, "POST", review+"/assessments", devToken, `{"round":1,"feasibility":"feasible","difficulty":2,"effort_days":3}`).status)
	for _, tok := range []string{devToken, pmToken} {
		require.Equal(t, http.StatusOK, call(t, h, "POST", review+"/verdicts", tok, `{"round":1,"decision":"approve"}`).status)
	}
	approved := call(t, h, "POST", p+"/requirements/REQ-1/transitions", devToken, `{"to":"approved"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, approved.status, approved.raw)
	trim := call(t, h, "POST", it+"/trims", pmToken, `{"requirement":{"kind":"requirement","id":"REQ-1"},"proposed":{"title":"Refund a paid order","description":"within 7 days"},"reason":"keep the date"}`)
	require.Equal(t, http.StatusOK, trim.status, trim.raw)
	assert.Equal(t, "change_request", trim.body["change_request"].(map[string]any)["kind"])

	req2 := call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund part of an order","description":"within 14 days"}`)
	require.Equal(t, http.StatusCreated, req2.status, req2.raw)
	swapped := call(t, h, "POST", it+"/swaps", pmToken, `{"out":{"kind":"requirement","id":"REQ-1"},"in":{"ref":{"kind":"requirement","id":"REQ-2"}},"reason":"keep the date"}`, "If-Match", `"6"`)
	require.Equal(t, http.StatusOK, swapped.status, swapped.raw)
	swappedBack := call(t, h, "POST", it+"/swaps", pmToken, `{"out":{"kind":"requirement","id":"REQ-2"},"in":{"ref":{"kind":"requirement","id":"REQ-1"}},"reason":"after all"}`, "If-Match", `"7"`)
	require.Equal(t, http.StatusOK, swappedBack.status, swappedBack.raw)
	reordered := call(t, h, "POST", it+"/priorities", pmToken, `{"order":[{"kind":"requirement","id":"REQ-1"}],"reason":"only one"}`, "If-Match", `"8"`)
	require.Equal(t, http.StatusOK, reordered.status, reordered.raw)
	sprint2 := call(t, h, "POST", p+"/iterations", pmToken, `{"name":"Sprint 2","start":"2026-12-07","end":"2026-12-18"}`)
	require.Equal(t, http.StatusCreated, sprint2.status, sprint2.raw)
	movedItem := call(t, h, "POST", it+"/moves", pmToken, `{"ref":{"kind":"requirement","id":"REQ-1"},"to":"IT-2","reason":"late"}`)
	require.Equal(t, http.StatusOK, movedItem.status, movedItem.raw)
	assert.Len(t, movedItem.body["to"].(map[string]any)["items"], 1)
	movedBack := call(t, h, "POST", p+"/iterations/IT-2/moves", pmToken, `{"ref":{"kind":"requirement","id":"REQ-1"},"to":"IT-1","reason":"early after all"}`)
	require.Equal(t, http.StatusOK, movedBack.status, movedBack.raw)

	unscheduled := call(t, h, "POST", it+"/unscheduled", pmToken, `{"ref":{"kind":"requirement","id":"REQ-1"},"reason":"moved"}`, "If-Match", `"11"`)
	require.Equal(t, http.StatusOK, unscheduled.status, unscheduled.raw)
	closed := call(t, h, "POST", it+"/closure", pmToken, `{"note":"done"}`, "If-Match", `"12"`)
	require.Equal(t, http.StatusOK, closed.status, closed.raw)
	assert.Equal(t, "closed", closed.body["status"])
}
