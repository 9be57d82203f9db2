package contract

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// paramSpec has a GET with parameters of every kind the one-pass path
// reads, and a response with headers.
func paramSpec() Spec {
	no := false
	param := func(name, in string, required bool, schema string) Parameter {
		return Parameter{Name: name, In: in, Required: required, Schema: json.RawMessage(schema)}
	}
	return Spec{Service: "pets", Schemas: map[string]json.RawMessage{
		"Sort": json.RawMessage(`{"type":"string","enum":["name","age"]}`),
	}, Operations: []Operation{{
		ID: "listPetFriends", Method: "GET", Path: "/pets/{petId}/friends/{ids}",
		Parameters: []Parameter{
			param("petId", InPath, false, `{"type":"integer","minimum":1}`),
			param("ids", InPath, false, `{"type":"array","items":{"type":"integer"},"maxItems":3}`),
			param("limit", InQuery, true, `{"type":"integer","minimum":1,"maximum":100}`),
			param("sort", InQuery, false, `{"$ref":"#/components/schemas/Sort"}`),
			param("tag", InQuery, false, `{"type":"array","items":{"type":"string","minLength":1}}`),
			{Name: "colour", In: InQuery, Style: StyleForm, Explode: &no, Schema: json.RawMessage(`{"type":"array","items":{"enum":["red","blue"]}}`)},
			{Name: "size", In: InQuery, Style: StylePipeDelimited, Schema: json.RawMessage(`{"type":"array","items":{"type":"number","exclusiveMinimum":0}}`)},
			param("score", InQuery, false, `{"type":["number","null"],"maximum":1.5}`),
			param("vaccinated", InQuery, false, `{"type":"boolean"}`),
			param("q", InQuery, false, `{"type":"string","maxLength":8,"pattern":"^[^0-9]*$"}`),
			param("X-Request-ID", InHeader, true, `{"type":"string","format":"uuid"}`),
			param("X-Flags", InHeader, false, `{"type":"array","items":{"type":"integer"}}`),
		},
		Responses: map[string]Response{"200": {Headers: []Header{
			{Name: "X-Rate-Limit", Required: true, Schema: json.RawMessage(`{"type":"integer","minimum":0}`)},
			{Name: "ETag", Schema: json.RawMessage(`{"type":"string","minLength":3}`)},
		}}},
	}}}
}

// TestOnePassParamsGiveTheSameResults checks requests, valid and broken
// in many ways, with the one-pass path on and off: the results are the
// same, violations and messages included.
func TestOnePassParamsGiveTheSameResults(t *testing.T) {
	v, err := Compile(paramSpec())
	require.NoError(t, err)
	full, err := Compile(paramSpec())
	require.NoError(t, err)
	full.onePass = false
	const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
	targets := []string{
		"/pets/42/friends/1,2,3?limit=20",
		"/pets/42/friends/1,%202?limit=20&sort=name&tag=cat&tag=dog&colour=red,blue&size=1.5|2&score=0.5&vaccinated=true&q=a+b",
		"/pets/42/friends/1?limit=20&score=&q=%22quoted%5C%22",
		"/pets/42/friends/1?limit=20&score=null&q=caf%C3%A9",
		"/pets/42/friends/1?limit=20&q=%00%1f",
		"/pets/42/friends/1?limit=20&q=%ff",
		"/pets/42/friends/1?limit=20&unknown=1&;x=1&&limit%3D2",
		"/pets/4%32/friends/1?li%6dit=20",
		"/pets/0/friends/1?limit=20",
		"/pets/x/friends/1?limit=20",
		"/pets/+42/friends/1?limit=20",
		"/pets/042/friends/1?limit=20",
		"/pets/42/friends/1,2,3,4?limit=20",
		"/pets/42/friends/1,x?limit=20",
		"/pets/42/friends/1?",
		"/pets/42/friends/1?limit=20&limit=21",
		"/pets/42/friends/1?limit=101",
		"/pets/42/friends/1?limit=1.0",
		"/pets/42/friends/1?limit=99999999999999999999",
		"/pets/42/friends/1?limit=%zz",
		"/pets/42/friends/1?limit=20&sort=colour",
		"/pets/42/friends/1?limit=20&tag=",
		"/pets/42/friends/1?limit=20&colour=red,green",
		"/pets/42/friends/1?limit=20&colour=red&colour=blue",
		"/pets/42/friends/1?limit=20&size=0|1",
		"/pets/42/friends/1?limit=20&size=1e2",
		"/pets/42/friends/1?limit=20&size=.5",
		"/pets/42/friends/1?limit=20&score=2",
		"/pets/42/friends/1?limit=20&score=1e400",
		"/pets/42/friends/1?limit=20&score=-0.5e1",
		"/pets/42/friends/1?limit=20&vaccinated=1",
		"/pets/42/friends/1?limit=20&vaccinated=TRUE",
		"/pets/42/friends/1?limit=20&q=toolongforit",
		"/pets/42/friends/1?limit=20&q=a1",
	}
	headers := []http.Header{
		{"X-Request-Id": {uuid}},
		{"X-Request-Id": {uuid}, "X-Flags": {"1, 2", "3"}},
		{"X-Request-Id": {uuid, "not a uuid"}},
		{"X-Request-Id": {"not a uuid"}},
		{"X-Request-Id": {uuid}, "X-Flags": {"1,,2"}},
		{"X-Request-Id": {uuid}, "X-Flags": {"1,\u00a02"}},
		{},
	}
	for _, target := range targets {
		for _, h := range headers {
			r := httptest.NewRequest("GET", target, nil)
			r.Header = h
			assert.Equal(t, full.ValidateRequest(r, nil), v.ValidateRequest(r, nil), "%s %v", target, h)
		}
	}
	r := httptest.NewRequest("GET", targets[0], nil)
	for _, h := range []http.Header{
		{"X-Rate-Limit": {"10"}},
		{"X-Rate-Limit": {"10"}, "Etag": {`"abc"`}},
		{"X-Rate-Limit": {"-1"}},
		{"X-Rate-Limit": {"ten"}},
		{"Etag": {`"abc"`}},
		{"X-Rate-Limit": {"10"}, "Etag": {"a"}},
	} {
		assert.Equal(t, full.ValidateResponse(r, 200, h, nil), v.ValidateResponse(r, 200, h, nil), "%v", h)
	}
}

// TestOnePassParamsDoNotAllocate: a valid GET with path, query and header
// parameters, and a response with headers, are checked without
// allocating.
func TestOnePassParamsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		// .ci/run runs this test again without -race.
		t.Skip("under -race sync.Pool drops pooled buffers at random, so allocations cannot be counted; run without -race")
	}
	v, err := Compile(paramSpec())
	require.NoError(t, err)
	// No %20 in the path: url.URL.EscapedPath allocates to escape it again.
	r := httptest.NewRequest("GET", "/pets/42/friends/1,2?limit=20&sort=name&tag=cat&tag=dog&colour=red,blue&size=1.5|2&score=0.5&vaccinated=true&q=a+b", nil)
	r.Header.Set("X-Request-ID", "0f8fad5b-d9cb-469f-a165-70867728950e")
	r.Header.Set("X-Flags", "1, 2")
	header := http.Header{"X-Rate-Limit": {"10"}, "Etag": {`"abc"`}}
	require.True(t, v.ValidateRequest(r, nil).OK())
	require.True(t, v.ValidateResponse(r, 200, header, nil).OK())
	assert.Zero(t, testing.AllocsPerRun(100, func() { v.ValidateRequest(r, nil) }), "request")
	assert.Zero(t, testing.AllocsPerRun(100, func() { v.ValidateResponse(r, 200, header, nil) }), "response")
}

// FuzzOnePassParams: for any path segment, query string and header, the
// one-pass path and the full path give the same result.
func FuzzOnePassParams(f *testing.F) {
	v, err := Compile(paramSpec())
	require.NoError(f, err)
	full, err := Compile(paramSpec())
	require.NoError(f, err)
	full.onePass = false
	f.Add("42", "1,2", "limit=20&sort=name&tag=a&colour=red,blue&size=1|2&score=null&q=x", "0f8fad5b-d9cb-469f-a165-70867728950e", "1,2")
	f.Add("%34", "1", "limit=+1&score=1e5&vaccinated=true", "x", "")
	f.Fuzz(func(t *testing.T, id, ids, query, requestID, flags string) {
		r, err := http.NewRequest("GET", "http://x/pets/"+id+"/friends/"+ids+"?"+query, nil)
		if err != nil {
			return
		}
		r.Header.Set("X-Request-ID", requestID)
		r.Header.Set("X-Flags", flags)
		assert.Equal(t, full.ValidateRequest(r, nil), v.ValidateRequest(r, nil))
	})
}
