package contract_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	other "github.com/accordhq/accord/contract/internal/testtypes/orders"
)

// oneBodySpec is a contract with one POST operation whose request and
// response bodies use schema.
func oneBodySpec(schema string, components map[string]json.RawMessage) contract.Spec {
	body := map[string]contract.MediaType{"application/json": {Schema: rawJSON(schema)}}
	return contract.Spec{
		Service: "things",
		Schemas: components,
		Operations: []contract.Operation{{
			ID: "put", Method: "POST", Path: "/things",
			RequestBody: &contract.RequestBody{Content: body},
			Responses:   map[string]contract.Response{"200": {Content: body}},
		}},
	}
}

func validateBoth(t *testing.T, v *contract.Validator, body string) (req, resp contract.Result) {
	t.Helper()
	r := request("POST", "/things", body)
	return v.ValidateRequest(r, []byte(body)), v.ValidateResponse(r, 200, jsonHeader(), []byte(body))
}

func TestEmptyEnumRejectsEveryValue(t *testing.T) {
	v, err := contract.Compile(oneBodySpec(`{"type":"object","properties":{"kind":{"enum":[]}}}`, nil))
	require.NoError(t, err)
	for _, value := range []string{`"a"`, `1`, `null`, `{}`, `[]`, `true`} {
		req, _ := validateBoth(t, v, `{"kind":`+value+`}`)
		require.Len(t, req.Violations, 1, value)
		assert.Equal(t, "/kind", req.Violations[0].Pointer)
		assert.Equal(t, "enum", req.Violations[0].Keyword)
		assert.Equal(t, "no value is allowed: the enum is empty", req.Violations[0].Message)
	}
	req, _ := validateBoth(t, v, `{}`)
	assert.Empty(t, req.Violations, "an absent property is not checked")
}

func TestFormatsAreAsserted(t *testing.T) {
	v, err := contract.Compile(oneBodySpec(`{"type":"object","properties":{
		"id":{"format":"uuid"},"email":{"format":"email"},"at":{"format":"date-time"},"day":{"format":"date"},"ip":{"format":"ipv4"},"site":{"format":"uri"}}}`, nil))
	require.NoError(t, err)
	req, _ := validateBoth(t, v, `{"id":"`+orderID+`","email":"a@b.cn","at":"2026-11-22T08:00:00+08:00","day":"2026-11-22","ip":"10.0.0.1","site":"https://example.com/x"}`)
	assert.Empty(t, req.Violations, req.String())
	req, _ = validateBoth(t, v, `{"id":"123","email":"a.b.cn","at":"2026-11-22 08:00","day":"22/11/2026","ip":"10.0.0.256","site":"not a uri"}`)
	want := []got{
		{contract.PartRequestBody, "", "/at", "format", "must be a valid date-time"},
		{contract.PartRequestBody, "", "/day", "format", "must be a valid date"},
		{contract.PartRequestBody, "", "/email", "format", "must be a valid email"},
		{contract.PartRequestBody, "", "/id", "format", "must be a valid uuid"},
		{contract.PartRequestBody, "", "/ip", "format", "must be a valid ipv4"},
		{contract.PartRequestBody, "", "/site", "format", "must be a valid uri"},
	}
	if diff := cmp.Diff(want, reduce(req.Violations)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestStrictRequestsTolerantResponses(t *testing.T) {
	components := map[string]json.RawMessage{
		"Base":  rawJSON(`{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}`),
		"Named": rawJSON(`{"allOf":[{"$ref":"#/components/schemas/Base"},{"properties":{"name":{"type":"string"}}}]}`),
		"Open":  rawJSON(`{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":true}`),
	}
	schema := `{"type":"object","properties":{
		"base":{"$ref":"#/components/schemas/Base"},
		"named":{"$ref":"#/components/schemas/Named"},
		"open":{"$ref":"#/components/schemas/Open"},
		"maybe":{"anyOf":[{"$ref":"#/components/schemas/Base"},{"type":"null"}]},
		"free":{"type":"object"}}}`
	body := `{"base":{"id":"1","x":1},"named":{"id":"1","name":"n","x":1},"open":{"id":"1","x":1},"maybe":{"id":"1","x":1},"free":{"x":1},"x":1}`
	wantUnknown := []string{"/base/x", "/maybe/x", "/named/x", "/x"}
	unknown := func(r contract.Result) []string {
		var out []string
		for _, v := range r.Violations {
			if v.Keyword == "unevaluatedProperties" {
				out = append(out, v.Pointer)
			}
		}
		return out
	}

	t.Run("defaults", func(t *testing.T) {
		v, err := contract.Compile(oneBodySpec(schema, components))
		require.NoError(t, err)
		req, resp := validateBoth(t, v, body)
		assert.Equal(t, wantUnknown, unknown(req), "requests reject unknown properties, also through $ref, allOf and anyOf")
		assert.Len(t, req.Violations, len(wantUnknown))
		assert.Empty(t, resp.Violations, "responses accept added properties")
		// Composition keeps declared properties valid.
		req, _ = validateBoth(t, v, `{"named":{"id":"1","name":"n"},"maybe":null}`)
		assert.Empty(t, req.Violations, req.String())
	})
	t.Run("configured the other way", func(t *testing.T) {
		spec := oneBodySpec(schema, components)
		spec.UnknownProperties = contract.UnknownProperties{Request: contract.Allow, Response: contract.Reject}
		v, err := contract.Compile(spec)
		require.NoError(t, err)
		req, resp := validateBoth(t, v, body)
		assert.Empty(t, req.Violations)
		assert.Equal(t, wantUnknown, unknown(resp))
	})
	t.Run("unknown setting", func(t *testing.T) {
		spec := oneBodySpec(schema, components)
		spec.UnknownProperties.Request = "ignore"
		_, err := contract.Compile(spec)
		requireField(t, err, "unknown_properties.request", `unknown value "ignore"; one of reject, allow`)
	})
}

func TestRawBytesAreValidated(t *testing.T) {
	// 2^53+1 is above the maximum; as a float64 it would round down to it.
	v, err := contract.Compile(oneBodySpec(`{"type":"object","properties":{"n":{"type":"integer","maximum":9007199254740992}}}`, nil))
	require.NoError(t, err)
	req, _ := validateBoth(t, v, `{"n":9007199254740993}`)
	require.Len(t, req.Violations, 1)
	assert.Equal(t, "maximum", req.Violations[0].Keyword)
	assert.Equal(t, "9007199254740993", req.Violations[0].Value)

	req, _ = validateBoth(t, v, `{"n":9007199254740992}`)
	assert.Empty(t, req.Violations)
}

func TestRedactValues(t *testing.T) {
	spec := oneBodySpec(`{"type":"object","properties":{"phone":{"type":"string","pattern":"^1[0-9]{10}$"}}}`, nil)
	plain, err := contract.Compile(spec)
	require.NoError(t, err)
	redacted, err := contract.Compile(spec, contract.RedactValues())
	require.NoError(t, err)
	body := `{"phone":"555-0100"}`
	req, _ := validateBoth(t, plain, body)
	require.Len(t, req.Violations, 1)
	assert.Equal(t, `"555-0100"`, req.Violations[0].Value)
	req, _ = validateBoth(t, redacted, body)
	require.Len(t, req.Violations, 1)
	assert.Empty(t, req.Violations[0].Value)
	assert.NotContains(t, req.String(), "555")
	assert.Equal(t, "must match the pattern ^1[0-9]{10}$", req.Violations[0].Message)
}

type Tagged struct {
	Plain    string            `json:"plain"`
	Omitted  string            `json:"omitted,omitempty"`
	Zero     int               `json:"zero,omitzero"`
	Forced   string            `json:"forced,omitempty" jsonschema:"required"`
	Pointer  *string           `json:"pointer"`
	OptPtr   *int              `json:"opt_ptr,omitempty"`
	List     []string          `json:"list"`
	Map      map[string]int    `json:"map"`
	Child    *Money            `json:"child"`
	Skipped  string            `json:"-"`
	unexport string            //lint:ignore U1000 an unexported field, which must not appear in the schema
	Labels   map[string]string `json:"labels,omitempty"`
	Embedded
}

type Embedded struct {
	Inner *string `json:"inner"`
}

func TestRequiredRule(t *testing.T) {
	set := contract.NewSchemaSet()
	ref, err := set.Ref(Tagged{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"$ref":"#/components/schemas/contract_test.Tagged"}`, string(ref))
	schemas := set.Schemas()
	require.Contains(t, schemas, "contract_test.Tagged")
	require.Contains(t, schemas, "contract_test.Money")
	var tagged struct {
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(schemas["contract_test.Tagged"], &tagged))
	assert.ElementsMatch(t, []string{"plain", "forced", "pointer", "list", "map", "child", "inner"}, tagged.Required)
	assert.NotContains(t, tagged.Properties, "Skipped")
	assert.NotContains(t, tagged.Properties, "unexport")
	assert.JSONEq(t, `{"type":["string","null"]}`, string(tagged.Properties["pointer"]))
	assert.JSONEq(t, `{"type":["string","null"]}`, string(tagged.Properties["inner"]))
	assert.JSONEq(t, `{"type":"integer"}`, string(tagged.Properties["opt_ptr"]), "omitempty: absent rather than null")
	assert.JSONEq(t, `{"anyOf":[{"$ref":"#/components/schemas/contract_test.Money"},{"type":"null"}]}`, string(tagged.Properties["child"]))

	// What encoding/json writes for the zero value validates.
	spec := oneBodySpec(string(ref), schemas)
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	zero, err := json.Marshal(Tagged{Forced: "set"})
	require.NoError(t, err)
	req, _ := validateBoth(t, v, string(zero))
	assert.Empty(t, req.Violations, "%s\n%s", zero, req.String())
	req, _ = validateBoth(t, v, `{}`)
	assert.Len(t, req.Violations, 7, req.String())
}

func TestSchemaNamesNeverCollideSilently(t *testing.T) {
	set := contract.NewSchemaSet()
	_, err := set.Ref(Order{})
	require.NoError(t, err)
	// Same package name and type name, different package.
	_, err = set.Ref(other.Order{})
	require.NoError(t, err, "contract_test.Order and orders.Order have different names")
	_, err = set.Ref(other.Money{})
	require.NoError(t, err)

	set2 := contract.NewSchemaSet()
	_, err = set2.Ref(other.Order{})
	require.NoError(t, err)
	_, err = set2.Ref(other.Clash{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `schema name "orders.Order" is taken by github.com/accordhq/accord/contract/internal/testtypes/orders.Order and github.com/accordhq/accord/contract/internal/testtypes/orders/v2/orders.Order`)

	// Generic instances get readable, distinct names.
	set3 := contract.NewSchemaSet()
	_, err = set3.Ref(other.Page[Order]{})
	require.NoError(t, err)
	_, err = set3.Ref(other.Page[other.Order]{})
	require.NoError(t, err)
	assert.Contains(t, set3.Schemas(), "orders.Page_contract_test.Order")
	assert.Contains(t, set3.Schemas(), "orders.Page_orders.Order")
}

func requireField(t *testing.T, err error, field, message string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, accord.Invalid, accord.ErrorCode(err), err.Error())
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	for _, f := range e.Fields {
		if f.Field == field {
			assert.Equal(t, message, f.Message)
			return
		}
	}
	t.Fatalf("no error for field %s in %v", field, err)
}

var _ = http.MethodGet

func TestForgottenSchemasSayWhatToDo(t *testing.T) {
	set := contract.NewSchemaSet()
	spec := contract.Spec{Service: "s", Operations: []contract.Operation{{ID: "get", Method: "GET", Path: "/x",
		Responses: map[string]contract.Response{"200": {Content: map[string]contract.MediaType{"application/json": {Schema: set.MustRef(hintOrder{})}}}}}}}
	_, err := contract.Compile(spec) // spec.Schemas = set.Schemas() forgotten
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.Schemas = set.Schemas()")
}

type hintOrder struct {
	ID int `json:"id"`
}
