package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

func TestLintRules(t *testing.T) {
	json200 := map[string]contract.Response{"200": {Content: map[string]contract.MediaType{"application/json": {Schema: rawJSON(`{"type":"object"}`)}}}}
	cases := []struct {
		name     string
		edit     func(*contract.Spec)
		rule     string
		field    string
		message  string
		compiles bool
	}{
		{"malformed field", func(s *contract.Spec) { s.Operations[0].Method = "FETCH" },
			contract.RuleInvalid, "operations[0].method", `createOrder (FETCH /orders): unknown method "FETCH"; one of GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, TRACE`, false},
		{"schema that does not compile", func(s *contract.Spec) {
			s.Schemas["Bad"] = rawJSON(`{"type":"whole number"}`)
		}, contract.RuleSchemaInvalid, "schemas.Bad", "", false},
		{"reference to a missing component", func(s *contract.Spec) {
			s.Operations[1].Responses["200"] = contract.Response{Content: map[string]contract.MediaType{"application/json": {Schema: rawJSON(`{"$ref":"#/components/schemas/Nope"}`)}}}
		}, contract.RuleSchemaInvalid, "operations[1].responses.200.content.application/json.schema", "", false},
		{"duplicate operation id", func(s *contract.Spec) { s.Operations[1].ID = s.Operations[0].ID },
			contract.RuleDuplicateOperationID, "operations[1].id", `createOrder (GET /orders/{id}): operation id "createOrder" is also used by createOrder (POST /orders)`, false},
		{"routes that collide", func(s *contract.Spec) {
			s.Operations = append(s.Operations, contract.Operation{ID: "getByNumber", Method: "get", Path: "/orders/{number}",
				Parameters: []contract.Parameter{{Name: "number", In: contract.InPath}}, Responses: json200})
		}, contract.RuleRouteCollision, "operations[6].path", `getByNumber (GET /orders/{number}): collides with getOrder (GET /orders/{id}): a request could match either`, false},
		{"path parameter not in the template", func(s *contract.Spec) {
			s.Operations[3].Parameters = append(s.Operations[3].Parameters, contract.Parameter{Name: "shop", In: contract.InPath})
		}, contract.RulePathParameter, "operations[3].parameters[4].name", `listOrders (GET /orders): path parameter "shop" does not appear in the path /orders`, false},
		{"template parameter not declared", func(s *contract.Spec) { s.Operations[1].Parameters = nil },
			contract.RulePathParameter, "operations[1].parameters", "getOrder (GET /orders/{id}): the path /orders/{id} has {id} but no path parameter declares it", false},
		{"no success response", func(s *contract.Spec) { delete(s.Operations[1].Responses, "200") },
			contract.RuleNoSuccessResponse, "operations[1].responses", "getOrder (GET /orders/{id}): no success response (1XX–3XX) is declared", true},
		{"error code outside the catalogue", func(s *contract.Spec) { s.Operations[1].ErrorCodes = append(s.Operations[1].ErrorCodes, "GONE") },
			contract.RuleUnknownErrorCode, "operations[1].error_codes[1]", `getOrder (GET /orders/{id}): error code "GONE" is not in the error-code catalogue`, true},
		{"error code whose status has no response", func(s *contract.Spec) {
			s.Operations[1].ErrorCodes = append(s.Operations[1].ErrorCodes, "RATE_LIMITED")
		},
			contract.RuleErrorStatusUndeclared, "operations[1].error_codes[1]", `getOrder (GET /orders/{id}): error code "RATE_LIMITED" has status 429, but the operation declares no response for it`, true},
		{"example that does not validate", func(s *contract.Spec) {
			s.Operations[1].Examples = []contract.Example{{Name: "found",
				Request:  &contract.ExampleRequest{PathParams: map[string]string{"id": "42"}},
				Response: &contract.ExampleResponse{Status: 200, Body: rawJSON(`{"id":"42"}`)}}}
		}, contract.RuleExampleInvalid, "operations[1].examples[0]", `getOrder (GET /orders/{id}): example "found": path_parameter "id": format: must be a valid uuid (got "42")`, true},
	}
	require.Empty(t, contract.Lint(ordersSpec(t)), "the fixture is clean")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := ordersSpec(t)
			tc.edit(&spec)
			findings := contract.Lint(spec)
			var match *contract.Finding
			for i, f := range findings {
				if f.Rule == tc.rule && f.Field == tc.field {
					match = &findings[i]
					break
				}
			}
			require.NotNil(t, match, "want %s at %s, got %v", tc.rule, tc.field, findings)
			if tc.message != "" {
				assert.Equal(t, tc.message, match.Message)
			} else {
				assert.Contains(t, match.Message, "schema does not compile")
			}
			v, err := contract.Compile(spec)
			if tc.compiles {
				assert.NoError(t, err)
				assert.NotNil(t, v, "a contract that compiles gives a validator")
			} else {
				require.Error(t, err)
				assert.Nil(t, v)
				assert.Contains(t, err.Error(), tc.field)
				if match.Operation != "" {
					assert.Contains(t, err.Error(), match.Operation+" (", "the error names the operation with its method and path")
				}
			}
		})
	}
}

func TestValidExamplesPassLint(t *testing.T) {
	spec := ordersSpec(t)
	spec.Operations[0].Examples = []contract.Example{{
		Name:     "two items",
		Request:  &contract.ExampleRequest{Body: rawJSON(validBody)},
		Response: &contract.ExampleResponse{Status: 201, Headers: map[string]string{"Location": "/orders/" + orderID}, Body: rawJSON(validOrder)},
	}}
	spec.Operations[1].Examples = []contract.Example{{
		Name:     "missing",
		Response: &contract.ExampleResponse{Status: 404, Body: rawJSON(`{"code":"ORDER_NOT_FOUND","message":"No such order."}`)},
	}}
	assert.Empty(t, contract.Lint(spec))
}

func TestValidateNamesEveryField(t *testing.T) {
	spec := contract.Spec{
		BasePath: "api/",
		Schemas:  map[string]json.RawMessage{"bad name": rawJSON(`{}`), "NotJSON": rawJSON(`{`), "Array": rawJSON(`[]`)},
		ErrorCodes: []contract.ErrorCode{
			{Code: "A", Status: 200, Message: "m"}, {Code: "A", Status: 404}, {Code: "HAS SPACE", Status: 500, Message: "m"},
		},
		Operations: []contract.Operation{{
			ID: "", Method: "GET", Path: "orders/{id}",
			Parameters: []contract.Parameter{{Name: "", In: "cookie"}},
			Responses:  map[string]contract.Response{"20": {}, "600": {}},
			Examples:   []contract.Example{{}},
		}, {ID: "x", Method: "GET", Path: "/files/{name}{ext}"}},
	}
	err := spec.Validate()
	for field, message := range map[string]string{
		"service":                           "required",
		"base_path":                         "must start with / and not end with /, without {, }, ? or #",
		"schemas.bad name":                  "name may only contain letters, digits, '.', '-' and '_'",
		"schemas.NotJSON":                   "not valid JSON",
		"schemas.Array":                     "a schema must be a JSON object or a boolean",
		"error_codes[0].status":             "must be an HTTP error status (400–599), got 200",
		"error_codes[1].code":               `duplicate code "A"`,
		"error_codes[1].message":            "required",
		"error_codes[2].code":               "must not contain spaces",
		"operations[0].id":                  "required",
		"operations[0].path":                "must start with /",
		"operations[0].parameters[0].name":  "required",
		"operations[0].parameters[0].in":    `unknown location "cookie"; one of path, query, header`,
		"operations[0].responses.20":        "status must be a code 100–599, a range such as 4XX, or default",
		"operations[0].responses.600":       "status must be a code 100–599, a range such as 4XX, or default",
		"operations[0].examples[0].name":    "required",
		"operations[0].examples[0].request": "an example needs a request, a response or both",
		"operations[1].path":                `the parameters of "{name}{ext}" need text between them in "/files/{name}{ext}"`,
		"operations[1].responses":           "at least one response is required",
	} {
		requireField(t, err, field, message)
	}
}

// TestDefaultOnlyResponse: an operation that declares only a default
// response (the classic Petstore's) is valid OpenAPI. It compiles, its
// responses are checked against the default, and Lint warns.
func TestDefaultOnlyResponse(t *testing.T) {
	spec := contract.Spec{Service: "pets", Operations: []contract.Operation{{
		ID: "listPets", Method: "GET", Path: "/pets",
		Responses: map[string]contract.Response{"default": {Content: map[string]contract.MediaType{
			"application/json": {Schema: rawJSON(`{"type":"array","items":{"type":"string"}}`)}}}},
	}}}
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	require.NotNil(t, v)
	req := httptest.NewRequest("GET", "/pets", nil)
	ct := http.Header{"Content-Type": {"application/json"}}
	assert.True(t, v.ValidateResponse(req, 200, ct, []byte(`["rex"]`)).OK())
	bad := v.ValidateResponse(req, 500, ct, []byte(`[1]`))
	require.Len(t, bad.Violations, 1, "%v", bad)
	assert.Equal(t, "/0", bad.Violations[0].Pointer)

	findings := contract.Lint(spec)
	require.Len(t, findings, 1)
	assert.Equal(t, contract.SeverityWarning, findings[0].Severity)
	assert.Equal(t, contract.RuleNoSuccessResponse, findings[0].Rule)
	assert.Equal(t, "/paths/~1pets/get/responses", findings[0].Pointer)
	assert.Equal(t, "listPets (GET /pets): only a default response is declared, so every status is accepted; declare the success response (200, 201…)", findings[0].Message)
}
