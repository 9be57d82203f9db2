package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a hostile or careless client sends is refused with a problem that
// says why, and changes nothing.
func TestHostileInput(t *testing.T) {
	h := newAPI(t)
	created := call(t, h, "POST", "/v1/projects/shop/requirements", pmToken, `{"title":"Only a title"}`)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.Equal(t, "P2", created.body["priority"], "priority defaults to P2")
	assert.NotEmpty(t, created.body["owner"], "owner defaults to the acting user")
	key := "/v1/projects/shop/requirements/" + created.body["key"].(string)

	weak := call(t, h, "PUT", key, pmToken, `{"title":"Changed"}`, "If-Match", `W/"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, weak.status, "a weak tag never matches (RFC 9110 strong comparison): %s", weak.raw)

	badUTF8 := call(t, h, "PUT", key, pmToken, "{\"title\":\"caf\xe9\"}", "If-Match", `"1"`)
	assert.Equal(t, http.StatusBadRequest, badUTF8.status, badUTF8.raw)
	assert.Contains(t, badUTF8.raw, "UTF-8")

	utf16 := call(t, h, "PUT", key, pmToken, `{"title":"Changed"}`, "Content-Type", "application/json; charset=utf-16", "If-Match", `"1"`)
	assert.Equal(t, http.StatusUnsupportedMediaType, utf16.status, utf16.raw)

	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'x'
	}
	note := call(t, h, "PUT", key, pmToken, `{"title":"Changed","note":"`+string(long)+`"}`, "If-Match", `"1"`)
	assert.Equal(t, http.StatusBadRequest, note.status, note.raw)
	assert.Contains(t, note.raw, `"field":"note"`)

	got := call(t, h, "GET", key, pmToken, "")
	assert.Equal(t, "Only a title", got.body["title"], "nothing refused changed the record")
	assert.Equal(t, `"1"`, got.header.Get("ETag"))
}

func TestValidateSampleRefusesBadRequestLines(t *testing.T) {
	h := newAPI(t)
	created := call(t, h, "POST", "/v1/projects/shop/contracts", pmToken, petsContract)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	url := "/v1/projects/shop/contracts/" + created.body["contract_id"].(string) + "/versions/1.0.0/validate"
	for _, tc := range []struct{ name, body, field string }{
		{"bad escape", `{"request":{"method":"GET","path":"/%zz"}}`, "request.path"},
		{"space", `{"request":{"method":"GET","path":"/pets/1 2"}}`, "request.path"},
		{"CR LF", `{"request":{"method":"GET","path":"/pets/1\r\nX: y"}}`, "request.path"},
		{"NUL", `{"request":{"method":"GET","path":"/pets/\u0000"}}`, "request.path"},
		{"method not a token", `{"request":{"method":"GE T","path":"/pets/1"}}`, "request.method"},
		{"header with CR LF", `{"request":{"method":"GET","path":"/pets/1","headers":{"X-A":"b\r\nc"}}}`, "request.headers"},
	} {
		res := call(t, h, "POST", url, devToken, tc.body)
		if assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tc.name, res.raw) {
			assert.Contains(t, res.raw, `"field":"`+tc.field+`"`, tc.name)
		}
	}
}
