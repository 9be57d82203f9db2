package contract_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

// TestViolationPointersAreJSONPointers: a property whose name holds a
// space, a slash, a tilde or a percent sign is pointed at as JSON pointer
// writes it, not percent-encoded as the JSON Schema library does, and the
// value it found is shown. A violation printed alone names its operation
// as the document does.
func TestViolationPointersAreJSONPointers(t *testing.T) {
	doc := `{"openapi":"3.1.0","info":{"title":"p","version":"1"},"paths":{"/p":{"post":{"operationId":"addThing",
"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{
"first name":{"type":"string"},"a/b~c":{"type":"integer"},"x%y":{"type":"integer"}}}}}},"responses":{"200":{"description":"ok"}}}}}}`
	spec, _, err := contract.ImportOpenAPI([]byte(doc))
	require.NoError(t, err)
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	body := `{"first name":1,"a/b~c":"x","x%y":"z"}`
	req := httptest.NewRequest("POST", "/p", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res := v.ValidateRequest(req, []byte(body))
	var got []string
	for _, vl := range res.Violations {
		got = append(got, vl.String())
		assert.Equal(t, "addThing", vl.Operation, "the JSON field keeps the ID")
	}
	assert.Equal(t, []string{
		`addThing (POST /p) request_body /a~1b~0c: type: must be an integer (got "x")`,
		`addThing (POST /p) request_body /first name: type: must be a string (got 1)`,
		`addThing (POST /p) request_body /x%y: type: must be an integer (got "z")`,
	}, got)
}
