package contract_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

// pairDoc is a minimal OpenAPI 3.1 document: POST /things takes body and
// answers 200 with resp and, when header is set, an X-Rate header of
// that schema. extra is spliced in at the top level (components, …).
func pairDoc(body, resp, header, extra string) []byte {
	if header == "" {
		header = `{"type":"integer"}`
	}
	return []byte(`{"openapi":"3.1.0","info":{"title":"things","version":"1"},` + extra + `
"paths":{"/things":{"post":{"operationId":"make",` + body + `
"responses":{"200":{"description":"ok","headers":{"X-Rate":{"schema":` + header + `}},
"content":{"application/json":{"schema":` + resp + `}}}}}}}}`)
}

func reqBody(schema string) string {
	return `"requestBody":{"content":{"application/json":{"schema":` + schema + `}}},`
}

// TestCompareMinimalPairs holds one small pair per rule family that
// accord missed before (issue 23), and one for each place where oasdiff
// answers otherwise and accord is right. want is the rule that must be
// reported as breaking; an empty want means nothing breaking.
func TestCompareMinimalPairs(t *testing.T) {
	const obj = `{"type":"object"}`
	cases := []struct {
		name, want string
		old, new   []byte
	}{
		{"request body removed", "request-body-removed",
			pairDoc(reqBody(obj), obj, "", ""), pairDoc("", obj, "", "")},
		{"constraint inside additionalProperties", "response-property-type-changed",
			pairDoc("", `{"type":"object","additionalProperties":{"type":"object","properties":{"n":{"type":"integer"}}}}`, "", ""),
			pairDoc("", `{"type":"object","additionalProperties":{"type":"object","properties":{"n":{"type":"string"}}}}`, "", "")},
		{"required property removed inside additionalProperties", "response-required-property-removed",
			pairDoc("", `{"type":"object","additionalProperties":{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}}`, "", ""),
			pairDoc("", `{"type":"object","additionalProperties":{"type":"object","properties":{}}}`, "", "")},
		{"new required property in items through $ref and allOf", "new-required-request-property",
			pairDoc(reqBody(`{"type":"array","items":{"$ref":"#/components/schemas/Line"}}`), obj, "", `"components":{"schemas":{"Line":{"allOf":[{"type":"object","properties":{"sku":{"type":"string"}}}]}}},`),
			pairDoc(reqBody(`{"type":"array","items":{"$ref":"#/components/schemas/Line"}}`), obj, "", `"components":{"schemas":{"Line":{"allOf":[{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}},"required":["qty"]}]}}},`)},
		{"constraint inside then", "request-property-min-increased",
			pairDoc(reqBody(`{"type":"object","properties":{"d":{"type":"object","if":{"required":["k"]},"then":{"properties":{"v":{"type":"integer","minimum":0}}}}}}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"object","properties":{"d":{"type":"object","if":{"required":["k"]},"then":{"properties":{"v":{"type":"integer","minimum":5}}}}}}`), obj, "", "")},
		{"dependentRequired added", "request-body-dependent-required-added",
			pairDoc(reqBody(`{"type":"object","properties":{"a":{},"b":{}}}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"object","properties":{"a":{},"b":{}},"dependentRequired":{"a":["b"]}}`), obj, "", "")},
		{"maxContains lowered", "request-body-max-contains-decreased",
			pairDoc(reqBody(`{"type":"array","contains":{"type":"string"},"maxContains":3}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"array","contains":{"type":"string"},"maxContains":2}`), obj, "", "")},
		{"items became false", "request-property-schema-became-false",
			pairDoc(reqBody(`{"type":"array","prefixItems":[{"type":"string"}]}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"array","prefixItems":[{"type":"string"}],"items":false}`), obj, "", "")},
		{"not loosened inside", "request-body-not-changed",
			pairDoc(reqBody(`{"type":"object","not":{"required":["a","b"],"properties":{"a":{},"b":{}}}}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"object","not":{"required":["a"],"properties":{"a":{},"b":{}}}}`), obj, "", "")},
		{"required response property became writeOnly", "response-required-property-became-write-only",
			pairDoc("", `{"type":"object","required":["pw"],"properties":{"pw":{"type":"string"}}}`, "", ""),
			pairDoc("", `{"type":"object","required":["pw"],"properties":{"pw":{"type":"string","writeOnly":true}}}`, "", "")},
		{"readOnly property tightened in a request binds nobody", "",
			pairDoc(reqBody(`{"type":"object","properties":{"id":{"type":"string","readOnly":true}}}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"object","properties":{"id":{"type":"string","readOnly":true,"maxLength":3}}}`), obj, "", "")},
		{"pattern removed from a response", "response-property-pattern-removed",
			pairDoc("", `{"type":"object","properties":{"c":{"type":"string","pattern":"^[A-Z]{3}$"}}}`, "", ""),
			pairDoc("", `{"type":"object","properties":{"c":{"type":"string"}}}`, "", "")},
		{"pattern .* added to a request refuses nothing", "",
			pairDoc(reqBody(`{"type":"object","properties":{"c":{"type":"string"}}}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"object","properties":{"c":{"type":"string","pattern":".*"}}}`), obj, "", "")},
		{"response header type changed", "response-header-type-changed",
			pairDoc("", obj, `{"type":"integer"}`, ""), pairDoc("", obj, `{"type":"string"}`, "")},
		{"x-extensible-enum value removed", "request-property-x-extensible-enum-value-removed",
			pairDoc(reqBody(`{"type":"object","properties":{"s":{"type":"string","x-extensible-enum":["a","b"]}}}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"object","properties":{"s":{"type":"string","x-extensible-enum":["a"]}}}`), obj, "", "")},
		{"anyOf branch removed", "request-body-any-of-removed",
			pairDoc(reqBody(`{"anyOf":[{"type":"string"},{"type":"integer"}]}`), obj, "", ""),
			pairDoc(reqBody(`{"anyOf":[{"type":"string"}]}`), obj, "", "")},
		{"oneOf branch added to a response", "response-body-one-of-added",
			pairDoc("", `{"oneOf":[{"type":"string"}]}`, "", ""),
			pairDoc("", `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, "", "")},
		{"allOf branch added with a required property", "new-required-request-property",
			pairDoc(reqBody(`{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}}]}`), obj, "", ""),
			pairDoc(reqBody(`{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"required":["b"],"properties":{"b":{"type":"string"}}}]}`), obj, "", "")},

		// Where oasdiff answers otherwise, accord is right.
		{"oasdiff misses: a oneOf branch tightened and moved", "request-body-max-length-decreased",
			pairDoc(reqBody(`{"oneOf":[{"type":"string","maxLength":10},{"type":"integer"}]}`), obj, "", ""),
			pairDoc(reqBody(`{"oneOf":[{"type":"integer"},{"type":"string","maxLength":5}]}`), obj, "", "")},
		{"oasdiff misses: an overlapping oneOf branch added", "request-body-one-of-overlapping-branch-added",
			pairDoc(reqBody(`{"oneOf":[{"type":"string"},{"type":"integer"}]}`), obj, "", ""),
			pairDoc(reqBody(`{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"string","maxLength":3}]}`), obj, "", "")},
		{"a oneOf branch kept apart by a const is no overlap", "",
			pairDoc(reqBody(`{"oneOf":[{"type":"object","required":["kind"],"properties":{"kind":{"const":"a"}}}]}`), obj, "", ""),
			pairDoc(reqBody(`{"oneOf":[{"type":"object","required":["kind"],"properties":{"kind":{"const":"a"}}},{"type":"object","required":["kind"],"properties":{"kind":{"const":"b"}}}]}`), obj, "", "")},
		{"oasdiff misses: additionalProperties false added to a request", "request-unknown-properties-refused",
			pairDoc(reqBody(`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":true}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`), obj, "", "")},
		{"oasdiff wrong: anyOf branches renamed, same content", "",
			pairDoc(reqBody(`{"anyOf":[{"$ref":"#/components/schemas/Cat"}]}`), obj, "", `"components":{"schemas":{"Cat":{"type":"object","properties":{"name":{"type":"string"}}},"Rabbit":{"type":"object","properties":{"name":{"type":"string"}}}}},`),
			pairDoc(reqBody(`{"anyOf":[{"$ref":"#/components/schemas/Rabbit"}]}`), obj, "", `"components":{"schemas":{"Cat":{"type":"object","properties":{"name":{"type":"string"}}},"Rabbit":{"type":"object","properties":{"name":{"type":"string"}}}}},`)},
		{"oasdiff wrong: an allOf branch that adds nothing", "",
			pairDoc(reqBody(`{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}}]}`), obj, "", ""),
			pairDoc(reqBody(`{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"a":{"type":"string"}}}]}`), obj, "", "")},
		{"oasdiff wrong: maxItems on string items is inert", "",
			pairDoc(reqBody(`{"type":"array","items":{"type":"string","maxItems":20}}`), obj, "", ""),
			pairDoc(reqBody(`{"type":"array","items":{"type":"string","maxItems":10}}`), obj, "", "")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, _, err := contract.ImportOpenAPI(tc.old)
			require.NoError(t, err)
			new, _, err := contract.ImportOpenAPI(tc.new)
			require.NoError(t, err)
			breaking := contract.BreakingChanges(contract.Compare(old, new))
			var ids []string
			for _, c := range breaking {
				ids = append(ids, c.ID)
				assert.True(t, strings.HasPrefix(c.Location, "/"), "%+v", c)
				assert.NotEmpty(t, c.Message)
			}
			if tc.want == "" {
				assert.Empty(t, ids)
				return
			}
			assert.Contains(t, ids, tc.want)
			// The reverse is compatible, or at least not the same break.
			assert.Empty(t, contract.BreakingChanges(contract.Compare(old, old)))
		})
	}
}
