package contract

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnePassGivesTheSameResults checks exchanges, valid and broken in many
// ways, with the one-pass path on and off: the results, violations and
// messages included, are the same.
func TestOnePassGivesTheSameResults(t *testing.T) {
	v, err := Compile(benchSpec(t))
	require.NoError(t, err)
	full, err := Compile(benchSpec(t))
	require.NoError(t, err)
	full.onePass = false
	for _, c := range v.BodyChecks() {
		assert.True(t, c.OnePass, "%+v", c)
	}

	req, resp := benchBodies(3)
	edit := func(body []byte, from, to string) []byte {
		require.True(t, bytes.Contains(body, []byte(from)), from)
		return bytes.Replace(body, []byte(from), []byte(to), 1)
	}
	requests := map[string][]byte{
		"valid":               req,
		"unknown property":    edit(req, `"note":`, `"notes":`),
		"quantity 0":          edit(req, `"quantity":1,`, `"quantity":0,`),
		"2^53+1 is integral":  edit(req, `"quantity":1,`, `"quantity":9007199254740993,`),
		"fraction":            edit(req, `"quantity":1,`, `"quantity":1.5,`),
		"1.0 is an integer":   edit(req, `"quantity":1,`, `"quantity":1.0,`),
		"bad email":           edit(req, `li.lei@example.com`, `li.lei@`),
		"quoted email":        edit(req, `"li.lei@example.com"`, `"\"li lei\"@example.com"`),
		"bad uuid":            edit(req, `0f8fad5b-`, `0f8fad5-`),
		"escaped text":        edit(req, `"leave at the door"`, `"leave \u00e0 la porte\n"`),
		"bad postal code":     edit(req, `"310000"`, `"31000x"`),
		"country not in enum": edit(req, `"CN"`, `"FR"`),
		"duplicate key":       edit(req, `"note":`, `"note":"a","note":`),
		"no items":            edit(req, `"items":[`, `"items":[],"x":[`),
		"null items":          edit(req, `"items":[`, `"items":null,"x":[`),
		"trailing data":       append(append([]byte{}, req...), []byte(` {}`)...),
		"not JSON":            req[:len(req)-1],
		"whitespace":          append(append([]byte(" \n\t"), req...), '\n'),
	}
	r := httptest.NewRequest("POST", "/orders", nil)
	r.Header.Set("Content-Type", "application/json")
	for name, body := range requests {
		assert.Equal(t, full.ValidateRequest(r, body), v.ValidateRequest(r, body), name)
	}
	responses := map[string][]byte{
		"valid":          resp,
		"bad status":     edit(resp, `"pending"`, `"shipped"`),
		"bad time":       edit(resp, `2026-11-22T10:00:00Z`, `2026-11-31T10:00:00Z`),
		"offset time":    edit(resp, `2026-11-22T10:00:00Z`, `2026-11-22T10:00:00.5+08:00`),
		"leap second":    edit(resp, `2026-11-22T10:00:00Z`, `2026-12-31T23:59:60Z`),
		"extra property": edit(resp, `"id":7`, `"id":7,"extra":true`),
	}
	header := http.Header{"Content-Type": {"application/json"}}
	for name, body := range responses {
		assert.Equal(t, full.ValidateResponse(r, 201, header, body), v.ValidateResponse(r, 201, header, body), name)
	}
}

// TestBodyChecksNameTheFallback: a body schema with a keyword the
// one-pass path does not compile is checked the full way, and BodyChecks
// says which keyword and where; traffic is checked the same either way.
func TestBodyChecksNameTheFallback(t *testing.T) {
	spec := Spec{Service: "s", Schemas: map[string]json.RawMessage{
		"Tree": json.RawMessage(`{"$dynamicAnchor":"node","type":"object","properties":{"kids":{"type":"array","items":{"$dynamicRef":"#node"}}}}`),
	}, Operations: []Operation{{
		ID: "plant", Method: "POST", Path: "/trees",
		RequestBody: &RequestBody{Required: true, Content: map[string]MediaType{"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Tree"}`)}}},
		Responses:   map[string]Response{"201": {Content: map[string]MediaType{"application/json": {Schema: json.RawMessage(`{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}`)}}}},
	}}}
	v, err := Compile(spec)
	require.NoError(t, err)
	assert.Equal(t, []BodyCheck{
		{Operation: "plant", Part: PartRequestBody, MediaType: "application/json", Fallback: "#/components/schemas/Tree/$dynamicAnchor: not compiled"},
		{Operation: "plant", Part: PartResponseBody, Status: "201", MediaType: "application/json", OnePass: true},
	}, v.BodyChecks())

	r := httptest.NewRequest("POST", "/trees", nil)
	r.Header.Set("Content-Type", "application/json")
	assert.True(t, v.ValidateRequest(r, []byte(`{"kids":[{"kids":[]}]}`)).OK())
	assert.False(t, v.ValidateRequest(r, []byte(`{"kids":[{"kids":1}]}`)).OK())
	header := http.Header{"Content-Type": {"application/json"}}
	assert.True(t, v.ValidateResponse(r, 201, header, []byte(`{"id":1}`)).OK())
	res := v.ValidateResponse(r, 201, header, []byte(`{"id":"1"}`))
	require.Len(t, res.Violations, 1)
	assert.Equal(t, "/id", res.Violations[0].Pointer)
}
