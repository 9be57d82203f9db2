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
