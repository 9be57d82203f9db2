package contract_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

// Regression tests for what bench/validators' differential harness
// found accord judging wrongly (bench/validators/DIFFERENTIAL.md).

// TestStrictRequestsAcceptRequiredPropertiesNotInProperties: a request
// schema that requires a property without describing it (Readme's
// schema-enums.yaml) accepts it; strict requests still refuse properties
// neither described nor required.
func TestStrictRequestsAcceptRequiredPropertiesNotInProperties(t *testing.T) {
	spec := contract.Spec{Service: "enums", Schemas: map[string]json.RawMessage{
		"Base": json.RawMessage(`{"type":"object","required":["id","kind"],"properties":{"id":{"type":"integer"}}}`),
	}, Operations: []contract.Operation{{
		ID: "put", Method: "PUT", Path: "/things",
		RequestBody: &contract.RequestBody{Required: true, Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(
			`{"type":"object","required":["enum *required","enum (with example) *required"],"properties":{"enum *required":{"type":"boolean"},"base":{"$ref":"#/components/schemas/Base"},"member":{"allOf":[{"required":["x"]},{"properties":{"y":{"type":"string"}}}]}}}`)}}},
		Responses: map[string]contract.Response{"204": {}},
	}}}
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	require.NotNil(t, v)
	for body, ok := range map[string]bool{
		`{"enum *required":true,"enum (with example) *required":"pending"}`:                    true,
		`{"enum *required":true,"enum (with example) *required":1,"base":{"id":1,"kind":"a"}}`: true,
		`{"enum *required":true,"enum (with example) *required":1,"member":{"x":1,"y":"a"}}`:   true,
		`{"enum *required":true}`:                                                                        false,
		`{"enum *required":"yes","enum (with example) *required":1}`:                                     false,
		`{"enum *required":true,"enum (with example) *required":1,"other":1}`:                            false,
		`{"enum *required":true,"enum (with example) *required":1,"base":{"id":1,"kind":"a","other":1}}`: false,
		`{"enum *required":true,"enum (with example) *required":1,"member":{"x":1,"y":"a","z":1}}`:       false,
	} {
		r := httptest.NewRequest("PUT", "/things", nil)
		r.Header.Set("Content-Type", "application/json")
		res := v.ValidateRequest(r, []byte(body))
		assert.Equal(t, ok, res.OK(), "%s: %s", body, res)
	}
}
