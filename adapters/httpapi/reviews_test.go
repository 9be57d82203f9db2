package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
)

// newWiredAPI serves requirements, contracts and reviews with the review
// gates in place, as the reference server does.
func newWiredAPI(t testing.TB) (http.Handler, *[]accord.Event) {
	t.Helper()
	var mu sync.Mutex
	var events []accord.Event
	s, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore()}, Clock: testkit.NewStepClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)), Events: accord.EventSinkFunc(func(_ context.Context, e accord.Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	})})
	require.NoError(t, err)
	h, err := httpapi.New(httpapi.Options{Services: link.Services{Requirements: s.Requirements, Contracts: s.Contracts, Reviews: s.Reviews},
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{
			pmToken:   {ID: "alice", Roles: []string{"product", "admin"}},
			devToken:  {ID: "bob", Roles: []string{"backend"}},
			qaToken:   {ID: "qin", Roles: []string{"qa"}},
			archToken: {ID: "zed", Roles: []string{"architect"}},
		}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	return h, &events
}

const (
	qaToken   = "qa-token"
	archToken = "arch-token"
)

func outcomeOf(res response) string { return res.body["outcome"].(map[string]any)["outcome"].(string) }

func currentRound(res response) map[string]any {
	rounds := res.body["rounds"].([]any)
	return rounds[len(rounds)-1].(map[string]any)
}

// TestReviewEndToEnd: a product manager drafts a requirement and submits it
// for review; a backend engineer requests changes with a feasibility
// assessment; the requirement is revised; the new round is approved; the
// requirement is approved; the history shows who did what and when.
func TestReviewEndToEnd(t *testing.T) {
	h, events := newWiredAPI(t)
	const reqs = "/v1/projects/shop/requirements"
	const reviews = "/v1/projects/shop/reviews"

	// Alice (product) drafts REQ-1 and submits it for review.
	draft := create(t, h)
	req := reqs + "/" + draft.body["id"].(string)
	inReview := call(t, h, "POST", req+"/transitions", pmToken, `{"to":"in_review"}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, inReview.status, inReview.raw)
	rv := call(t, h, "POST", reviews, pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},
		"participants":[{"actor":"alice","role":"product"},{"actor":"bob","role":"backend"}],"due":"2026-03-09T18:00:00Z"}`)
	require.Equal(t, http.StatusCreated, rv.status, rv.raw)
	review := reviews + "/" + rv.body["id"].(string)
	assert.Equal(t, review, rv.header.Get("Location"))
	assert.Equal(t, "RV-1", rv.body["key"])
	assert.Equal(t, "REQ-1 Refund an order", rv.body["title"])
	assert.Equal(t, float64(2), currentRound(rv)["subject_revision"])
	assert.Equal(t, "pending", outcomeOf(rv))

	// Approving now is refused and says why.
	early := call(t, h, "POST", req+"/transitions", pmToken, `{"to":"approved"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusConflict, early.status, early.raw)
	assert.Equal(t, "urn:accord:problem:failed_precondition", early.body["type"])
	assert.Contains(t, early.body["detail"], "REQ-1 cannot move to approved: requirement review RV-1 (round 1, revision 2) is pending: min_approvals: 0 of 2 approvals")

	// Bob (backend) assesses feasibility, raises a risk and requests changes.
	res := call(t, h, "POST", review+"/assessments", devToken, `{"round":1,"feasibility":"feasible_with_risks","difficulty":4,"effort_days":8,
		"risks":[{"title":"The payment provider refunds asynchronously","category":"dependency"}],"notes":"needs a refund_pending state"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	res = call(t, h, "POST", review+"/verdicts", devToken, `{"round":1,"decision":"request_changes","comment":"say what the buyer sees while the refund is pending"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "changes_requested", outcomeOf(res))
	res = call(t, h, "POST", review+"/threads", devToken, `{"anchor":"acceptance_criteria[0]","body":"200 or 202? the refund completes later"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	threads := res.body["threads"].([]any)
	thread := review + "/threads/" + threads[len(threads)-1].(map[string]any)["id"].(string)

	refused := call(t, h, "POST", req+"/transitions", pmToken, `{"to":"approved"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusConflict, refused.status)
	assert.Contains(t, refused.body["detail"], "is changes_requested: request_changes: changes requested by bob")

	// Alice revises the requirement: round 2 opens on revision 3.
	revised := strings.Replace(draftJSON, "returns 200", "returns 202 and the order shows refund_pending", 1)
	res = call(t, h, "PUT", req, pmToken, revised, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	rv = call(t, h, "GET", "/v1/projects/shop/reviews/RV-1", pmToken, "")
	require.Equal(t, http.StatusOK, rv.status, rv.raw)
	round := currentRound(rv)
	assert.Equal(t, float64(2), round["number"])
	assert.Equal(t, float64(3), round["subject_revision"])
	assert.Equal(t, []any{"acceptance_criteria[0].text"}, round["changes"])
	assert.Equal(t, "superseded", rv.body["rounds"].([]any)[0].(map[string]any)["state"])
	assert.Equal(t, "pending", outcomeOf(rv), "bob's request for changes was about revision 2")

	stale := call(t, h, "POST", review+"/verdicts", devToken, `{"round":1,"decision":"approve"}`)
	assert.Equal(t, http.StatusPreconditionFailed, stale.status, stale.raw)
	assert.Contains(t, stale.body["detail"], "round 1 of RV-1 was superseded by round 2 on revision 3")

	// The thread is answered and resolved; round 2 is assessed and approved.
	require.Equal(t, http.StatusOK, call(t, h, "POST", thread+"/comments", pmToken, `{"body":"202; the criterion says so now"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "POST", thread+"/resolution", devToken, `{"resolved":true}`).status)
	res = call(t, h, "POST", review+"/assessments", devToken, `{"round":2,"feasibility":"feasible","difficulty":3,"effort_days":6}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	require.Equal(t, http.StatusOK, call(t, h, "POST", review+"/verdicts", devToken, `{"round":2,"decision":"approve"}`).status)
	res = call(t, h, "POST", review+"/verdicts", pmToken, `{"round":2,"decision":"approve"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "approved", outcomeOf(res))
	outcome := call(t, h, "GET", review+"/outcome", devToken, "")
	assert.Equal(t, "approved", outcome.body["outcome"])
	assert.Equal(t, float64(2), outcome.body["approvals"])

	// Now the requirement can be approved.
	approved := call(t, h, "POST", req+"/transitions", pmToken, `{"to":"approved"}`, "If-Match", `"3"`)
	require.Equal(t, http.StatusOK, approved.status, approved.raw)
	assert.Equal(t, "approved", approved.body["status"])

	// The history shows who did what, and when.
	hist := call(t, h, "GET", review+"/history", pmToken, "")
	require.Equal(t, http.StatusOK, hist.status)
	var trail []string
	var last time.Time
	for _, it := range hist.body["items"].([]any) {
		e := it.(map[string]any)
		at, err := time.Parse(time.RFC3339, e["time"].(string))
		require.NoError(t, err)
		assert.False(t, at.Before(last), "history is in time order")
		last = at
		trail = append(trail, fmt.Sprintf("r%v %s %s", e["round"], e["actor"], e["action"]))
	}
	assert.Equal(t, []string{
		"r0 alice created", "r1 alice round_opened",
		"r1 bob assessed", "r1 bob verdict", "r1 bob thread_opened",
		"r2 alice round_opened", // opened by alice's edit of the requirement
		"r2 alice comment_added", "r2 bob thread_resolved",
		"r2 bob assessed", "r2 bob verdict", "r2 alice verdict",
		"r2 alice round_followed", // the move to approved changes no content
	}, trail)
	revs := call(t, h, "GET", req+"/revisions", pmToken, "")
	var revTrail []string
	for _, it := range revs.body["items"].([]any) {
		e := it.(map[string]any)
		revTrail = append(revTrail, fmt.Sprintf("%v %s %s %s", e["number"], e["actor"], e["kind"], e["status"]))
	}
	assert.Equal(t, []string{"1 alice created draft", "2 alice transitioned in_review", "3 alice edited in_review", "4 alice transitioned approved"}, revTrail)

	// The summary is Markdown for sharing.
	sum := call(t, h, "GET", review+"/summary", pmToken, "")
	require.Equal(t, http.StatusOK, sum.status)
	assert.Equal(t, "text/markdown; charset=utf-8", sum.header.Get("Content-Type"))
	for _, want := range []string{"# RV-1: Requirement review of REQ-1 Refund an order", "- **Outcome:** **approved**",
		"| bob | backend | approve |", "| bob | feasible | 3/5 | 6 |", "## Open threads (0 of 1)",
		"| 2 | 4 | open |", "| acceptance_criteria[0].text | no |"} {
		assert.Contains(t, sum.raw, want)
	}

	var kinds []string
	for _, e := range *events {
		if strings.HasPrefix(e.Kind, "review.") {
			kinds = append(kinds, e.Kind)
		}
	}
	for _, want := range []string{"review.round_opened", "review.verdict_given", "review.outcome_changed"} {
		assert.Contains(t, kinds, want)
	}
}

func TestReviewRoutesRefuseBadInput(t *testing.T) {
	h, _ := newWiredAPI(t)
	create(t, h)
	const reviews = "/v1/projects/shop/reviews"
	rv := call(t, h, "POST", reviews, pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"bob","role":"backend"}]}`)
	require.Equal(t, http.StatusCreated, rv.status, rv.raw)
	review := reviews + "/" + rv.body["id"].(string)
	for _, tc := range []struct {
		name, method, path, token, body string
		headers                         []string
		status                          int
		field, detail                   string
	}{
		{"unknown kind", "POST", reviews, pmToken, `{"kind":"design","subject":{"kind":"requirement","id":"REQ-1"}}`, nil, 400, "kind", ""},
		{"duplicate review", "POST", reviews, pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"}}`, nil, 409, "", "already has a requirement review"},
		{"unknown subject", "POST", reviews, pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-9"}}`, nil, 404, "", ""},
		{"unknown field", "POST", review + "/verdicts", devToken, `{"round":1,"decision":"approve","vote":1}`, nil, 400, "vote", ""},
		{"not a participant", "POST", review + "/verdicts", pmToken, `{"round":1,"decision":"approve"}`, nil, 403, "", "alice is not a participant"},
		{"backend cannot veto", "POST", review + "/verdicts", devToken, `{"round":1,"decision":"reject","comment":"no"}`, nil, 409, "", "lets only product, architect veto"},
		{"bad assessment", "POST", review + "/assessments", devToken, `{"round":1,"feasibility":"maybe","difficulty":9,"effort_days":1}`, nil, 400, "feasibility", ""},
		{"resolution needs a value", "POST", review + "/threads/x/resolution", devToken, `{}`, nil, 400, "resolved", ""},
		{"no such thread", "POST", review + "/threads/x/resolution", devToken, `{"resolved":true}`, nil, 404, "", "thread \"x\" not found"},
		{"override needs the role", "POST", review + "/overrides", pmToken, `{"round":1,"outcome":"approved","reason":"ship"}`, nil, 403, "", "lets only architect override"},
		{"acceptance checks on a requirement review", "POST", review + "/checks", devToken, `{"round":1,"results":[{"criterion_id":"AC-1","result":"passed"}]}`, nil, 409, "", "only acceptance reviews"},
		{"unknown review", "GET", reviews + "/nope", pmToken, "", nil, 404, "", ""},
		{"bad subject filter", "GET", reviews + "?subject=REQ-1", pmToken, "", nil, 400, "subject", ""},
		{"unknown filter", "GET", reviews + "?state=open", pmToken, "", nil, 400, "state", ""},
		{"settings need If-Match", "PUT", "/v1/projects/shop/settings/reviews", pmToken, `{}`, nil, 428, "", ""},
		{"stale settings", "PUT", "/v1/projects/shop/settings/reviews", pmToken, `{}`, []string{"If-Match", `"4"`}, 412, "", ""},
		{"bad settings", "PUT", "/v1/projects/shop/settings/reviews", pmToken, `{"policies":{"contract":{"min_approvals":0}}}`, []string{"If-Match", `"0"`}, 400, "policies.contract.min_approvals", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := call(t, h, tc.method, tc.path, tc.token, tc.body, tc.headers...)
			require.Equal(t, tc.status, res.status, res.raw)
			assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
			if tc.field != "" {
				errs, _ := res.body["errors"].([]any)
				require.NotEmpty(t, errs, res.raw)
				assert.Equal(t, tc.field, errs[0].(map[string]any)["field"])
			}
			if tc.detail != "" {
				assert.Contains(t, res.body["detail"], tc.detail)
			}
		})
	}
	got := call(t, h, "GET", review, pmToken, "")
	assert.Equal(t, `"1"`, got.header.Get("ETag"), "refused requests changed nothing")
}

func TestReviewRoutes(t *testing.T) {
	h, _ := newWiredAPI(t)
	create(t, h)
	const reviews = "/v1/projects/shop/reviews"
	rv := call(t, h, "POST", reviews, pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"}}`)
	require.Equal(t, http.StatusCreated, rv.status, rv.raw)
	review := reviews + "/" + rv.body["id"].(string)

	res := call(t, h, "POST", review+"/participants", pmToken, `{"actor":"bob","role":"backend"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	res = call(t, h, "POST", review+"/participants", pmToken, `{"actor":"zed","role":"architect"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	res = call(t, h, "PUT", review+"/due", pmToken, `{"due":"2030-01-01T00:00:00Z"}`)
	require.Equal(t, http.StatusPreconditionRequired, res.status, "a due date is set with If-Match: %s", res.raw)
	res = call(t, h, "PUT", review+"/due", pmToken, `{"due":"2030-01-01T00:00:00Z"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusPreconditionFailed, res.status, "a stale If-Match is refused: %s", res.raw)
	res = call(t, h, "PUT", review+"/due", pmToken, `{"due":"2030-01-01T00:00:00Z"}`, "If-Match", `"3"`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "2030-01-01T00:00:00Z", res.body["due"])

	list := call(t, h, "GET", reviews+"?participant=bob&kind=requirement", pmToken, "")
	require.Equal(t, http.StatusOK, list.status, list.raw)
	items := list.body["items"].([]any)
	require.Len(t, items, 1)
	assert.Equal(t, "pending", items[0].(map[string]any)["outcome"].(map[string]any)["outcome"])
	none := call(t, h, "GET", reviews+"?participant=carol", pmToken, "")
	assert.Empty(t, none.body["items"])

	res = call(t, h, "DELETE", review+"/participants/zed", pmToken, "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Len(t, res.body["participants"], 1)

	res = call(t, h, "POST", review+"/sync", pmToken, "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, `"5"`, res.header.Get("ETag"), "nothing to sync: nothing changed")

	settings := call(t, h, "GET", "/v1/projects/shop/settings/reviews", pmToken, "")
	require.Equal(t, http.StatusOK, settings.status, settings.raw)
	assert.Equal(t, `"0"`, settings.header.Get("ETag"))
	put := call(t, h, "PUT", "/v1/projects/shop/settings/reviews", pmToken,
		`{"roles":["dba"],"policies":{"contract":{"min_approvals":1,"required_roles":["dba"]}}}`, "If-Match", `"0"`)
	require.Equal(t, http.StatusOK, put.status, put.raw)
	assert.Equal(t, `"1"`, put.header.Get("ETag"))

	require.Equal(t, http.StatusNoContent, call(t, h, "DELETE", review, pmToken, "").status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", review, pmToken, "").status)
}

// TestAcceptanceVetoAndOverrideRoutes drives the review routes the main
// flow does not: acceptance checks, a veto and its withdrawal, an override.
func TestAcceptanceVetoAndOverrideRoutes(t *testing.T) {
	h, _ := newWiredAPI(t)
	create(t, h)
	const reviews = "/v1/projects/shop/reviews"
	acc := call(t, h, "POST", reviews, pmToken, `{"kind":"acceptance","subject":{"kind":"requirement","id":"REQ-1"},
		"participants":[{"actor":"alice","role":"product"},{"actor":"qin","role":"qa"}]}`)
	require.Equal(t, http.StatusCreated, acc.status, acc.raw)
	path := reviews + "/" + acc.body["id"].(string)
	assert.Equal(t, []any{map[string]any{"id": "AC-1", "text": "A refund inside the window returns 200"}}, currentRound(acc)["criteria"])

	res := call(t, h, "POST", path+"/checks", qaToken, `{"round":1,"results":[{"criterion_id":"AC-1","result":"failed","problem":"returns 500"}]}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "changes_requested", outcomeOf(res))
	res = call(t, h, "POST", path+"/checks", qaToken, `{"round":1,"results":[{"criterion_id":"AC-1","result":"passed"}]}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)

	res = call(t, h, "POST", path+"/verdicts", pmToken, `{"round":1,"decision":"reject","comment":"the refund page is missing"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "rejected", outcomeOf(res))
	res = call(t, h, "POST", path+"/veto-withdrawals", pmToken, `{"reason":"the page shipped"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "pending", outcomeOf(res))
	assert.Equal(t, "the page shipped", res.body["vetoes"].([]any)[0].(map[string]any)["withdrawn_reason"])

	denied := call(t, h, "POST", path+"/overrides", archToken, `{"round":1,"outcome":"approved","reason":"ship it"}`)
	assert.Equal(t, http.StatusForbidden, denied.status, "acceptance overrides belong to product")
	res = call(t, h, "POST", path+"/overrides", pmToken, `{"round":1,"outcome":"approved","reason":"launch is fixed; the rest follows in a week"}`)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "approved", outcomeOf(res))
	assert.Equal(t, "alice", res.body["outcome"].(map[string]any)["override"].(map[string]any)["actor"])
}
