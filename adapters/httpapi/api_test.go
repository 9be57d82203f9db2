package httpapi_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
)

const (
	pmToken  = "pm-token"
	devToken = "dev-token"
	roToken  = "readonly-token"
)

func newAPI(t testing.TB) http.Handler {
	t.Helper()
	svc, err := requirement.NewService(requirement.Options{Store: memory.NewRequirementStore()})
	require.NoError(t, err)
	contracts, err := contract.NewService(contract.Options{Store: memory.NewContractStore()})
	require.NoError(t, err)
	h, err := httpapi.New(httpapi.Options{
		Services: link.Services{Requirements: svc, Contracts: contracts},
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{
			pmToken:  {ID: "alice", Roles: []string{"product", "admin"}},
			devToken: {ID: "bob", Roles: []string{"backend"}},
			roToken:  {ID: "viewer", Roles: []string{"viewer"}},
		}),
		Authorizer: httpapi.AuthorizerFunc(func(r *http.Request, a accord.Actor) (accord.Actor, error) {
			if a.HasRole("viewer") && r.Method != http.MethodGet {
				return a, accord.Errorf(accord.PermissionDenied, "viewers may only read")
			}
			return a, nil
		}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	return h
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends a request; body is JSON unless a Content-Type header says else.
func call(t testing.TB, h http.Handler, method, path, token, body string, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	checkAgainstContract(t, req, []byte(body), rec)
	res := response{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/") && rec.Body.Len() > 0 {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res.body), "body: %s", rec.Body.String())
	}
	return res
}

// apiValidator checks responses against the adapter's own contract.
var apiValidator = sync.OnceValues(func() (*contract.Validator, error) { return contract.Compile(httpapi.Contract()) })

// checkAgainstContract fails t when a response breaks httpapi.Contract, or
// when a request the handler accepted breaks it.
// Every request the tests send through call is checked, so the published
// API description cannot drift from what the handlers answer.
func checkAgainstContract(t testing.TB, req *http.Request, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	v, err := apiValidator()
	require.NoError(t, err)
	res := v.ValidateResponse(req, rec.Code, rec.Header(), rec.Body.Bytes())
	switch {
	case res.Operation == "" && rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed:
		t.Errorf("%s %s answered %d but the API contract has no such operation", req.Method, req.URL, rec.Code)
	case res.Operation == "":
		// a route the API does not have: the tests of 404 and 405
	case !res.OK():
		t.Errorf("%s %s answered %d outside the API contract:\n%s\nbody: %.300s", req.Method, req.URL, rec.Code, res, rec.Body)
	case rec.Code < 300:
		succeeded.Store(res.Operation, true)
		// What the handler accepted, the contract must accept too.
		if in := v.ValidateRequest(req, body); !in.OK() {
			t.Errorf("%s %s succeeded, but the API contract refuses the request:\n%s", req.Method, req.URL, in)
		}
	}
}

// succeeded records the operations that answered with success at least
// once; TestMain checks that every operation in the contract did.
var succeeded sync.Map

func TestMain(m *testing.M) {
	code := m.Run()
	if f := flag.Lookup("test.run"); code == 0 && f != nil && f.Value.String() == "" && !testing.Short() {
		var missing []string
		for _, op := range httpapi.Contract().Operations {
			if _, ok := succeeded.Load(op.ID); !ok {
				missing = append(missing, op.ID)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: these API operations never answered with success in a test: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

const draftJSON = `{
  "title": "Refund an order",
  "background": "Support refunds by hand today.",
  "description": "A buyer can refund a paid order within 14 days of delivery.",
  "exceptions": [{"condition": "window closed", "handling": "refuse with the reason", "error_code": "REFUND_WINDOW_CLOSED"}],
  "performance": [{"metric": "p99 latency", "comparator": "<=", "target": 300, "unit": "ms"}],
  "acceptance_criteria": [{"text": "A refund inside the window returns 200"}],
  "priority": "P1",
  "owner": "alice",
  "note": "first draft"
}`

func create(t testing.TB, h http.Handler) response {
	t.Helper()
	res := call(t, h, "POST", "/v1/projects/shop/requirements", pmToken, draftJSON)
	require.Equal(t, http.StatusCreated, res.status, res.raw)
	return res
}

func TestHealthz(t *testing.T) {
	res := call(t, newAPI(t), "GET", "/healthz", "", "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "ok", res.body["status"])
}

func TestErrorStatuses(t *testing.T) {
	h := newAPI(t)
	created := create(t, h)
	id := created.body["id"].(string)
	path := "/v1/projects/shop/requirements/" + id
	call(t, h, "POST", "/v1/projects/shop/glossary", pmToken, `{"term":"order","definition":"d"}`)

	big := `{"title":"` + strings.Repeat("x", httpapi.DefaultMaxBodyBytes) + `"}`
	for _, tc := range []struct {
		name, method, path, token, body string
		headers                         []string
		status                          int
		detail                          string // substring of detail
		field                           string // first errors[].field
	}{
		{"no token", "GET", path, "", "", nil, 401, "Bearer", ""},
		{"unknown token", "GET", path, "nope", "", nil, 401, "unknown bearer token", ""},
		{"authorizer refuses", "POST", "/v1/projects/shop/requirements", roToken, draftJSON, nil, 403, "viewers may only read", ""},
		{"unknown field", "POST", "/v1/projects/shop/requirements", pmToken, `{"title":"x","colour":"red"}`, nil, 400, "unknown field", "colour"},
		{"malformed JSON", "POST", "/v1/projects/shop/requirements", pmToken, "{\n  \"title\": \"x\",\n  oops\n}", nil, 400, "line 3, column 3", ""},
		{"truncated JSON", "POST", "/v1/projects/shop/requirements", pmToken, `{"title": "x"`, nil, 400, "ends in the middle", ""},
		{"trailing data", "POST", "/v1/projects/shop/requirements", pmToken, `{"title":"x"} {}`, nil, 400, "after the value", ""},
		{"wrong JSON type", "POST", "/v1/projects/shop/requirements", pmToken, `{"title": 7}`, nil, 400, "expected a string", "title"},
		{"invalid content", "POST", "/v1/projects/shop/requirements", pmToken, `{"title":"x","priority":"P9","owner":"a"}`, nil, 400, "invalid requirement", "priority"},
		{"body over 1 MiB", "POST", "/v1/projects/shop/requirements", pmToken, big, nil, 413, "larger than 1048576 bytes", ""},
		{"wrong content type", "POST", "/v1/projects/shop/requirements", pmToken, draftJSON, []string{"Content-Type", "text/plain"}, 415, "application/json", ""},
		{"missing If-Match", "PUT", path, pmToken, draftJSON, nil, 428, "If-Match is required", ""},
		{"stale If-Match", "PUT", path, pmToken, draftJSON, []string{"If-Match", `"7"`}, 412, "revision 1", ""},
		{"malformed If-Match", "PUT", path, pmToken, draftJSON, []string{"If-Match", "abc"}, 400, "quoted revision", "If-Match"},
		{"unknown requirement", "GET", "/v1/projects/shop/requirements/REQ-99", pmToken, "", nil, 404, "REQ-99", ""},
		{"other project", "GET", "/v1/projects/other/requirements/" + id, pmToken, "", nil, 404, "not found", ""},
		{"bad project", "GET", "/v1/projects/b%20d/requirements", pmToken, "", nil, 400, "invalid project", "project"},
		{"unknown route", "GET", "/v1/nothing", pmToken, "", nil, 404, "no resource", ""},
		{"method not allowed", "PATCH", path, pmToken, draftJSON, nil, 405, "allowed", ""},
		{"illegal transition", "POST", path + "/transitions", pmToken, `{"to":"accepted"}`, []string{"If-Match", `"1"`}, 409, "allowed next: in_review, deferred, rejected", ""},
		{"duplicate term", "POST", "/v1/projects/shop/glossary", pmToken, `{"term":"Order","definition":"d"}`, nil, 409, "already has the term", ""},
		{"bad page size", "GET", "/v1/projects/shop/requirements?page_size=x", pmToken, "", nil, 400, "whole number", "page_size"},
		{"page size too big", "GET", "/v1/projects/shop/requirements?page_size=501", pmToken, "", nil, 400, "between 1 and 500", "page_size"},
		{"bad page token", "GET", "/v1/projects/shop/requirements?page_token=zzz", pmToken, "", nil, 400, "invalid page token", "page_token"},
		{"unknown query parameter", "GET", "/v1/projects/shop/requirements?statuss=draft", pmToken, "", nil, 400, "unknown query parameter", "statuss"},
		{"unknown status filter", "GET", "/v1/projects/shop/requirements?status=done", pmToken, "", nil, 400, "unknown status", "status"},
		{"bad diff revision", "GET", path + "/diff?from=1&to=x", pmToken, "", nil, 400, "revision number", "to"},
		{"missing revision", "GET", path + "/revisions/9", pmToken, "", nil, 404, "no revision 9", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := call(t, h, tc.method, tc.path, tc.token, tc.body, tc.headers...)
			require.Equal(t, tc.status, res.status, res.raw)
			assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
			assert.EqualValues(t, tc.status, res.body["status"])
			assert.NotEmpty(t, res.body["type"])
			assert.Equal(t, http.StatusText(tc.status), res.body["title"])
			assert.Contains(t, res.body["detail"], tc.detail)
			if tc.field != "" {
				errs, _ := res.body["errors"].([]any)
				require.NotEmpty(t, errs, res.raw)
				first := errs[0].(map[string]any)
				assert.Equal(t, tc.field, first["field"])
				assert.NotEmpty(t, first["message"])
			}
			switch tc.status {
			case 401:
				assert.Contains(t, res.header.Get("WWW-Authenticate"), "Bearer")
			case 405:
				assert.Contains(t, res.header.Get("Allow"), "GET")
				assert.Contains(t, res.header.Get("Allow"), "PUT")
			}
		})
	}

	// Nothing above changed the requirement.
	res := call(t, h, "GET", path, pmToken, "")
	assert.Equal(t, `"1"`, res.header.Get("ETag"))
	assert.Equal(t, "Refund an order", res.body["title"])
}

func TestRequirementFlowOverHTTP(t *testing.T) {
	h := newAPI(t)
	created := create(t, h)
	assert.Equal(t, `"1"`, created.header.Get("ETag"))
	assert.Equal(t, "REQ-1", created.body["key"])
	assert.Equal(t, "draft", created.body["status"])
	assert.Equal(t, "alice", created.body["created_by"])
	id := created.body["id"].(string)
	assert.Equal(t, "/v1/projects/shop/requirements/"+id, created.header.Get("Location"))
	base := "/v1/projects/shop/requirements/REQ-1"

	got := call(t, h, "GET", base, devToken, "")
	require.Equal(t, 200, got.status)
	assert.Equal(t, id, got.body["id"])

	updated := call(t, h, "PUT", base, devToken, strings.Replace(draftJSON, "14 days", "30 days", 1), "If-Match", `"1"`)
	require.Equal(t, 200, updated.status, updated.raw)
	assert.Equal(t, `"2"`, updated.header.Get("ETag"))
	assert.Equal(t, "bob", updated.body["updated_by"])

	// A read after the update gets the new revision, not the JSON kept
	// for the first; reading it again gives the same bytes.
	again := call(t, h, "GET", base, devToken, "")
	require.Equal(t, 200, again.status)
	assert.Equal(t, `"2"`, again.header.Get("ETag"))
	assert.Equal(t, "application/json", again.header.Get("Content-Type"))
	assert.Contains(t, again.body["description"], "30 days")
	assert.Equal(t, again.raw, call(t, h, "GET", base, devToken, "").raw)
	assert.JSONEq(t, updated.raw, again.raw, "the read gives what the update answered")

	diff := call(t, h, "GET", base+"/diff?from=1&to=2", pmToken, "")
	require.Equal(t, 200, diff.status, diff.raw)
	changes := diff.body["changes"].([]any)
	require.Len(t, changes, 1)
	assert.Equal(t, "description", changes[0].(map[string]any)["path"])

	lint := call(t, h, "GET", base+"/lint", pmToken, "")
	require.Equal(t, 200, lint.status)
	assert.Equal(t, false, lint.body["blocking"])

	draftLint := call(t, h, "POST", "/v1/projects/shop/lint", pmToken, `{"title":"尽快上线","priority":"P1","owner":"a"}`)
	require.Equal(t, 200, draftLint.status, draftLint.raw)
	assert.Equal(t, true, draftLint.body["blocking"])

	for i, to := range []string{"in_review", "approved"} {
		res := call(t, h, "POST", base+"/transitions", pmToken, `{"to":"`+to+`","reason":"ok"}`, "If-Match", etagOf(2+i))
		require.Equal(t, 200, res.status, res.raw)
		assert.Equal(t, to, res.body["status"])
	}

	locked := call(t, h, "PUT", base, pmToken, draftJSON, "If-Match", `"4"`)
	require.Equal(t, 409, locked.status)
	assert.Contains(t, locked.body["detail"], "change request")

	proposal := `{"proposed": ` + strings.Replace(strings.Replace(draftJSON, `,
  "note": "first draft"`, "", 1), "14 days", "60 days", 1) + `, "reason": "legal", "impact": {"schedule_days": 2, "effort_days": 3, "technical": "config flag"}}`
	cr := call(t, h, "POST", base+"/change-requests", pmToken, proposal)
	require.Equal(t, 201, cr.status, cr.raw)
	crPath := "/v1/projects/shop/change-requests/" + cr.body["id"].(string)
	assert.Equal(t, crPath, cr.header.Get("Location"))

	got = call(t, h, "GET", crPath, devToken, "")
	require.Equal(t, 200, got.status, got.raw)
	assert.Equal(t, "proposed", got.body["state"])
	assert.Equal(t, `"1"`, got.header.Get("ETag"))
	decided := call(t, h, "POST", crPath+"/decisions", devToken, `{"to":"approved"}`, "If-Match", `"1"`)
	require.Equal(t, 200, decided.status, decided.raw)
	applied := call(t, h, "POST", crPath+"/apply", pmToken, "", "If-Match", `"2"`)
	require.Equal(t, 200, applied.status, applied.raw)
	assert.Equal(t, "in_review", applied.body["requirement"].(map[string]any)["status"])
	assert.Equal(t, "applied", applied.body["change_request"].(map[string]any)["state"])

	list := call(t, h, "GET", base+"/change-requests", pmToken, "")
	require.Len(t, list.body["items"], 1)

	revs := call(t, h, "GET", base+"/revisions", pmToken, "")
	require.Equal(t, 200, revs.status)
	items := revs.body["items"].([]any)
	require.Len(t, items, 5)
	var who []string
	for _, it := range items {
		m := it.(map[string]any)
		who = append(who, m["actor"].(string)+":"+m["kind"].(string))
	}
	assert.Equal(t, []string{"alice:created", "bob:edited", "alice:transitioned", "alice:transitioned", "alice:change_request_applied"}, who)
	rev := call(t, h, "GET", base+"/revisions/2", pmToken, "")
	require.Equal(t, 200, rev.status)
	assert.Contains(t, rev.body["requirement"].(map[string]any)["description"], "30 days")

	del := call(t, h, "DELETE", base, pmToken, "")
	assert.Equal(t, 204, del.status)
	assert.Equal(t, 404, call(t, h, "GET", base, pmToken, "").status)
}

func etagOf(n int) string { return `"` + string(rune('0'+n)) + `"` }

func TestGlossaryAndSettingsOverHTTP(t *testing.T) {
	h := newAPI(t)
	term := call(t, h, "POST", "/v1/projects/shop/glossary", pmToken, `{"term":"order","definition":"a commitment to pay","forbidden":["deal"],"note":"kickoff"}`)
	require.Equal(t, 201, term.status, term.raw)
	path := "/v1/projects/shop/glossary/" + term.body["id"].(string)
	one := call(t, h, "GET", path, devToken, "")
	require.Equal(t, 200, one.status, one.raw)
	assert.Equal(t, "a commitment to pay", one.body["definition"])
	upd := call(t, h, "PUT", path, devToken, `{"term":"order","definition":"a paid commitment","forbidden":["deal","transaction"]}`, "If-Match", `"1"`)
	require.Equal(t, 200, upd.status, upd.raw)
	revs := call(t, h, "GET", path+"/revisions", pmToken, "")
	require.Len(t, revs.body["items"], 2)
	list := call(t, h, "GET", "/v1/projects/shop/glossary", pmToken, "")
	require.Len(t, list.body["items"], 1)

	lint := call(t, h, "POST", "/v1/projects/shop/lint", pmToken, `{"title":"Refund a deal","priority":"P1","owner":"a"}`)
	var rules []string
	for _, f := range lint.body["findings"].([]any) {
		rules = append(rules, f.(map[string]any)["rule"].(string))
	}
	assert.Contains(t, rules, requirement.RuleForbiddenSynonym)

	unset := call(t, h, "GET", "/v1/projects/shop/settings/requirements", pmToken, "")
	assert.Equal(t, `"0"`, unset.header.Get("ETag"), "settings never written are at revision 0")
	noMatch := call(t, h, "PUT", "/v1/projects/shop/settings/requirements", pmToken, `{"lint_blocks_review":true}`)
	assert.Equal(t, 428, noMatch.status, "settings are changed with If-Match like every record")
	set := call(t, h, "PUT", "/v1/projects/shop/settings/requirements", pmToken, `{"lint_blocks_review":true}`, "If-Match", `"0"`)
	require.Equal(t, 200, set.status, set.raw)
	assert.Equal(t, `"1"`, set.header.Get("ETag"))
	stale := call(t, h, "PUT", "/v1/projects/shop/settings/requirements", pmToken, `{"lint_blocks_review":false}`, "If-Match", `"0"`)
	assert.Equal(t, 412, stale.status, stale.raw)
	got := call(t, h, "GET", "/v1/projects/shop/settings/requirements", pmToken, "")
	assert.Equal(t, true, got.body["lint_blocks_review"])
	assert.Equal(t, `"1"`, got.header.Get("ETag"))
	r := call(t, h, "POST", "/v1/projects/shop/requirements", pmToken, `{"title":"No criteria","priority":"P2","owner":"a"}`)
	require.Equal(t, 201, r.status)
	blocked := call(t, h, "POST", "/v1/projects/shop/requirements/REQ-1/transitions", pmToken, `{"to":"in_review"}`, "If-Match", `"1"`)
	assert.Equal(t, 409, blocked.status)
	assert.Contains(t, blocked.body["detail"], requirement.RuleAcceptanceMissing)

	assert.Equal(t, 204, call(t, h, "DELETE", path, pmToken, "").status)
	assert.Equal(t, 404, call(t, h, "GET", path, pmToken, "").status)
}

func TestListPagesAndFilters(t *testing.T) {
	h := newAPI(t)
	for range 5 {
		create(t, h)
	}
	moved := call(t, h, "POST", "/v1/projects/shop/requirements/REQ-3/transitions", pmToken, `{"to":"deferred","reason":"later"}`, "If-Match", `"1"`)
	require.Equal(t, 200, moved.status, moved.raw)

	var keys []string
	path := "/v1/projects/shop/requirements?page_size=2&status=draft,deferred"
	for range 10 {
		res := call(t, h, "GET", path, pmToken, "")
		require.Equal(t, 200, res.status, res.raw)
		for _, it := range res.body["items"].([]any) {
			keys = append(keys, it.(map[string]any)["key"].(string))
		}
		tok, _ := res.body["next_page_token"].(string)
		if tok == "" {
			break
		}
		path = "/v1/projects/shop/requirements?page_size=2&status=draft,deferred&page_token=" + tok
	}
	assert.Equal(t, []string{"REQ-1", "REQ-2", "REQ-3", "REQ-4", "REQ-5"}, keys)

	res := call(t, h, "GET", "/v1/projects/shop/requirements?status=deferred", pmToken, "")
	require.Len(t, res.body["items"], 1)
	empty := call(t, h, "GET", "/v1/projects/none/requirements", pmToken, "")
	assert.Equal(t, []any{}, empty.body["items"], "an empty list is [], not null")
}

func TestSearchRanksTitleHitsFirst(t *testing.T) {
	h := newAPI(t)
	for _, body := range []string{
		`{"title":"退款流程","priority":"P2","owner":"a"}`,
		`{"title":"Orders","description":"用户申请退款后原路退回","priority":"P2","owner":"a"}`,
		`{"title":"Invoices","priority":"P2","owner":"a"}`,
		`{"title":"Refund 退款 notice","priority":"P2","owner":"a"}`,
	} {
		res := call(t, h, "POST", "/v1/projects/shop/requirements", pmToken, body)
		require.Equal(t, 201, res.status, res.raw)
	}
	var keys []string
	path := "/v1/projects/shop/requirements/search?page_size=2&q=" + url.QueryEscape("退款")
	for range 10 {
		res := call(t, h, "GET", path, pmToken, "")
		require.Equal(t, 200, res.status, res.raw)
		for _, it := range res.body["items"].([]any) {
			keys = append(keys, it.(map[string]any)["key"].(string))
		}
		tok, _ := res.body["next_page_token"].(string)
		if tok == "" {
			break
		}
		path = "/v1/projects/shop/requirements/search?page_size=2&q=" + url.QueryEscape("退款") + "&page_token=" + tok
	}
	assert.Equal(t, []string{"REQ-4", "REQ-1", "REQ-2"}, keys, "title hits first, newest first; then the description hit")

	for _, tc := range []struct{ query, detail string }{
		{"", "required"},
		{"?q=" + url.QueryEscape("two\nlines"), "one line"},
		{"?q=x&status=done", "unknown status"},
	} {
		res := call(t, h, "GET", "/v1/projects/shop/requirements/search"+tc.query, pmToken, "")
		assert.Equal(t, 400, res.status, tc.query)
		assert.Contains(t, res.raw, tc.detail, tc.query)
	}
}
