package httpapi_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every read under a record that does not exist answers 404 with a
// problem, never 200 with an empty list: the links of REQ-0, the test
// runs of a version nobody made, the history of a risk never filed. The
// routes come from the API's own description, so a route added later is
// checked too.
func TestReadsUnderAMissingRecordAre404(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	doc := call(t, h, "GET", "/v1/openapi.json", "", "")
	require.Equal(t, http.StatusOK, doc.status)
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal([]byte(doc.raw), &spec))
	fill := strings.NewReplacer("{project}", "shop", "{id}", "NOPE", "{version}", "9.9.9", "{n}", "1", "{kind}", "requirement",
		"{record}", "REQ-999", "{cr}", "CR-999", "{term}", "nope", "{delivery}", "NOPE", "{actor}", "nobody")
	var paths []string
	for path, ops := range spec.Paths {
		if _, ok := ops["get"]; ok && strings.Count(path, "{") > 1 {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	require.NotEmpty(t, paths)
	for _, path := range paths {
		url := fill.Replace(path)
		switch {
		case strings.HasSuffix(path, "/contracts/{id}/diff"), strings.HasSuffix(path, "/contracts/{id}/changes"):
			url += "?from=1.0.0&to=2.0.0"
		case strings.HasSuffix(path, "/diff"):
			url += "?from=1&to=2"
		}
		res := call(t, h, "GET", url, pmToken, "")
		if assert.Equal(t, http.StatusNotFound, res.status, "GET %s: %s", url, res.raw) {
			assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"), url)
			assert.Equal(t, "urn:accord:problem:not_found", res.body["type"], url)
		}
	}
}

// Reads that name their record in the query answer 404 for a missing one
// too.
func TestQueryNamedRecordsMustExist(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	for _, url := range []string{
		"/v1/projects/shop/impact?of=change_request/NOPE",
		"/v1/projects/shop/impact?of=contract_version/NOPE@1.0.0",
	} {
		res := call(t, h, "GET", url, pmToken, "")
		assert.Equal(t, http.StatusNotFound, res.status, "GET %s: %s", url, res.raw)
		assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"), url)
	}
}

// Input that sizes work is bounded over HTTP as through the services: each
// over-limit input is a 400 problem naming the field and the limit, and
// nothing changes.
func TestOverLimitInputIsRefusedOverHTTP(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	const p = "/v1/projects/shop"
	made := call(t, h, "POST", p+"/iterations", pmToken, `{"name":"Sprint 1","start":"2026-11-23","end":"2026-12-04"}`)
	require.Equal(t, http.StatusCreated, made.status, made.raw)
	req := call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order","description":"within 14 days"}`)
	require.Equal(t, http.StatusCreated, req.status, req.raw)
	risk := call(t, h, "POST", p+"/risks", pmToken, `{"title":"Refunds may double-pay","cause":"retries","event":"a refund runs twice","effect":"money lost","category":"technical"}`)
	require.Equal(t, http.StatusCreated, risk.status, risk.raw)
	big := strings.Repeat("x", 70_000)
	labels := `[` + strings.Repeat(`"l",`, 1000) + `"l"]`

	for _, tc := range []struct {
		name, method, path, body, ifMatch, field, message string
	}{
		{"iteration of millennia", "POST", p + "/iterations", `{"name":"Forever","start":"0001-01-01","end":"9999-12-31"}`, "", "end", "at most 1464 days"},
		{"iteration update of millennia", "PUT", p + "/iterations/IT-1", `{"name":"Forever","start":"0001-01-01","end":"9999-12-31"}`, `"1"`, "end", "at most 1464 days"},
		{"milestone far ahead", "POST", p + "/milestones", `{"name":"GA","date":"9999-12-31"}`, "", "date", "more than 10 years"},
		{"risk labels", "PUT", p + "/risks/RISK-1", `{"title":"Refunds may double-pay","cause":"retries","event":"a refund runs twice","effect":"money lost","category":"technical","labels":` + labels + `}`, `"1"`, "labels", "more than"},
		{"member id with a control character", "PUT", p + "/members/bo%1Bb", `{"roles":["backend"]}`, "", "actor", "unprintable"},
		{"member id too long", "PUT", p + "/members/" + strings.Repeat("a", 201), `{"roles":["backend"]}`, "", "actor", "longer than 200 bytes"},
		{"link note", "POST", p + "/links", `{"from":{"kind":"requirement","id":"REQ-1"},"to":{"kind":"requirement","id":"REQ-1"},"role":"refines","note":"` + big + `"}`, "", "", "longer than"},
	} {
		var headers []string
		if tc.ifMatch != "" {
			headers = []string{"If-Match", tc.ifMatch}
		}
		res := call(t, h, tc.method, tc.path, pmToken, tc.body, headers...)
		if !assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tc.name, res.raw) {
			continue
		}
		assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"), tc.name)
		if tc.field != "" {
			assert.Contains(t, res.raw, `"field":"`+tc.field+`"`, tc.name)
		}
		assert.Contains(t, res.raw, tc.message, tc.name)
	}

	it := call(t, h, "GET", p+"/iterations/IT-1", pmToken, "")
	assert.Equal(t, `"1"`, it.header.Get("ETag"), "the iteration is unchanged")
	assert.Equal(t, "2026-12-04", it.body["end"])
	ms := call(t, h, "GET", p+"/milestones", pmToken, "")
	assert.Empty(t, ms.body["items"])
	rk := call(t, h, "GET", p+"/risks/RISK-1", pmToken, "")
	assert.Equal(t, `"1"`, rk.header.Get("ETag"), "the risk is unchanged")
	proj := call(t, h, "GET", p, pmToken, "")
	assert.Len(t, proj.body["members"], 1, "no member was added")
	ats := strings.TrimSuffix(strings.Repeat("2026-01-01T00:00:00Z,", 101), ",")
	counts := call(t, h, "GET", p+"/risks/level-counts?at="+ats, pmToken, "")
	assert.Equal(t, http.StatusBadRequest, counts.status, counts.raw)
	assert.Contains(t, counts.raw, `"field":"at"`)
	assert.Contains(t, counts.raw, "100 moments")
	svg := call(t, h, "GET", p+"/iterations/IT-1/burnup.svg", pmToken, "")
	assert.Equal(t, http.StatusOK, svg.status)
	assert.Less(t, len(svg.raw), 100_000)
}
