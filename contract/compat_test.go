package contract_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// obj is a JSON object in a test spec, edited in place by the cases.
type obj = map[string]any

// compatDoc is the editable form of a small orders spec: two schemas
// behind $refs, three operations, error codes.
type compatDoc struct {
	spec    contract.Spec
	schemas map[string]obj
	body    obj // the request schema of createOrder (a $ref, or an allOf in some cases)
}

func newCompatDoc() *compatDoc {
	d := &compatDoc{schemas: map[string]obj{
		"NewOrder": {"type": "object", "required": []any{"sku", "quantity"}, "properties": obj{
			"sku":      obj{"type": "string", "maxLength": 32},
			"quantity": obj{"type": "integer", "minimum": 1, "maximum": 100},
			"note":     obj{"type": []any{"string", "null"}},
			"weight":   obj{"type": "number"},
			"channel":  obj{"enum": []any{"web", "app"}},
			"tags":     obj{"type": "array", "items": obj{"type": "string"}, "maxItems": 10},
			"delivery": obj{"oneOf": []any{obj{"type": "object", "properties": obj{"shop": obj{"type": "string"}}}, obj{"type": "object", "properties": obj{"address": obj{"type": "string"}}}}},
		}},
		"Customer": {"type": "object", "required": []any{"email"}, "properties": obj{"email": obj{"type": "string"}}},
		"Order": {"type": "object", "required": []any{"id", "status", "total"}, "properties": obj{
			"id":         obj{"type": "integer"},
			"status":     obj{"type": "string", "enum": []any{"open", "paid"}},
			"total":      obj{"type": "number"},
			"coupon":     obj{"type": "string"},
			"created_at": obj{"type": "string", "format": "date-time"},
			"customer":   obj{"$ref": "#/components/schemas/Customer"},
			"payment":    obj{"oneOf": []any{obj{"type": "object", "properties": obj{"card": obj{"type": "string"}}}, obj{"type": "object", "properties": obj{"iban": obj{"type": "string"}}}}},
		}},
	}}
	d.body = obj{"$ref": "#/components/schemas/NewOrder"}
	d.spec = contract.Spec{
		Service: "orders",
		ErrorCodes: []contract.ErrorCode{
			{Code: "OUT_OF_STOCK", Status: 409, Message: "out of stock"},
			{Code: "ORDER_NOT_FOUND", Status: 404, Message: "no such order"},
		},
		Operations: []contract.Operation{
			{ID: "createOrder", Method: "POST", Path: "/orders",
				Parameters: []contract.Parameter{
					{Name: "dry_run", In: contract.InQuery, Schema: json.RawMessage(`{"type":"boolean"}`)},
					{Name: "Idempotency-Key", In: contract.InHeader, Schema: json.RawMessage(`{"type":"string"}`)},
				},
				Responses: map[string]contract.Response{
					"201": {Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Order"}`)}}},
					"400": {Description: "bad input"},
					"409": {Description: "conflict"},
				},
				ErrorCodes: []string{"OUT_OF_STOCK"}},
			{ID: "getOrder", Method: "GET", Path: "/orders/{id}",
				Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Required: true, Schema: json.RawMessage(`{"type":"integer"}`)}},
				Responses: map[string]contract.Response{
					"200": {Headers: []contract.Header{{Name: "ETag", Required: true}}, Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Order"}`)}}},
					"404": {},
				},
				ErrorCodes: []string{"ORDER_NOT_FOUND"}},
			{ID: "cancelOrder", Method: "DELETE", Path: "/orders/{id}",
				Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Required: true, Schema: json.RawMessage(`{"type":"integer"}`)}},
				Responses:  map[string]contract.Response{"204": {}}},
		},
	}
	return d
}

func (d *compatDoc) build(t *testing.T) contract.Spec {
	t.Helper()
	s := d.spec
	s.Operations = slices.Clone(s.Operations)
	s.Schemas = map[string]json.RawMessage{}
	for name, sch := range d.schemas {
		raw, err := json.Marshal(sch)
		require.NoError(t, err)
		s.Schemas[name] = raw
	}
	raw, err := json.Marshal(d.body)
	require.NoError(t, err)
	create := s.Operations[0]
	create.RequestBody = &contract.RequestBody{Required: true, Content: map[string]contract.MediaType{
		"application/json":                  {Schema: raw},
		"application/x-www-form-urlencoded": {Schema: raw},
	}}
	s.Operations[0] = create
	return s
}

func (d *compatDoc) prop(schema, name string) obj {
	return d.schemas[schema]["properties"].(obj)[name].(obj)
}

func TestCompareRules(t *testing.T) {
	cases := []struct {
		name, rule string
		level      contract.ChangeLevel
		location   string // a suffix of the change's location
		change     func(d *compatDoc)
	}{
		{"operation removed", "api-removed-without-deprecation", contract.Breaking, "/operations/1", func(d *compatDoc) {
			d.spec.Operations = slices.Delete(slices.Clone(d.spec.Operations), 1, 2)
		}},
		{"path removed", "api-path-removed-without-deprecation", contract.Breaking, "/operations/1", func(d *compatDoc) {
			d.spec.Operations = d.spec.Operations[:1]
		}},
		{"success status removed", "response-success-status-removed", contract.Breaking, "/responses/201", func(d *compatDoc) {
			d.spec.Operations[0].Responses = map[string]contract.Response{"200": {}, "400": {}, "409": {}}
		}},
		{"error status removed", "response-non-success-status-removed", contract.Warning, "/responses/409", func(d *compatDoc) {
			r := d.spec.Operations[0].Responses
			d.spec.Operations[0].Responses = map[string]contract.Response{"201": r["201"], "400": r["400"]}
		}},
		{"error code removed from the catalogue", "error-code-removed", contract.Breaking, "/error_codes/0", func(d *compatDoc) {
			d.spec.ErrorCodes = d.spec.ErrorCodes[1:]
		}},
		{"error code maps to another status", "error-code-status-changed", contract.Breaking, "/error_codes/0/status", func(d *compatDoc) {
			d.spec.ErrorCodes = []contract.ErrorCode{{Code: "OUT_OF_STOCK", Status: 422, Message: "x"}, d.spec.ErrorCodes[1]}
		}},
		{"error code no longer returned by the operation", "response-error-code-removed", contract.Breaking, "/operations/0/error_codes/0", func(d *compatDoc) {
			d.spec.Operations[0].ErrorCodes = nil
		}},
		{"new required header", "new-required-request-parameter", contract.Breaking, "/operations/0/parameters/2", func(d *compatDoc) {
			d.spec.Operations[0].Parameters = append(slices.Clone(d.spec.Operations[0].Parameters), contract.Parameter{Name: "x-tenant", In: contract.InHeader, Required: true})
		}},
		{"parameter became required", "request-parameter-became-required", contract.Breaking, "/operations/0/parameters/0/required", func(d *compatDoc) {
			ps := slices.Clone(d.spec.Operations[0].Parameters)
			ps[0].Required = true
			d.spec.Operations[0].Parameters = ps
		}},
		{"parameter style changed", "request-parameter-style-changed", contract.Breaking, "/operations/1/parameters/0/style", func(d *compatDoc) {
			ps := slices.Clone(d.spec.Operations[1].Parameters)
			ps[0].Style = contract.StyleMatrix
			d.spec.Operations[1].Parameters = ps
		}},
		{"array parameter explode changed", "request-parameter-explode-changed", contract.Breaking, "/operations/0/parameters/0/explode", func(d *compatDoc) {
			ps := slices.Clone(d.spec.Operations[0].Parameters)
			explode := false
			ps[0].Schema, ps[0].Explode = json.RawMessage(`{"type":"array","items":{"type":"string"}}`), &explode
			d.spec.Operations[0].Parameters = ps
		}},
		{"parameter type changed", "request-parameter-type-changed", contract.Breaking, "/parameters/0/schema", func(d *compatDoc) {
			ps := slices.Clone(d.spec.Operations[0].Parameters)
			ps[0].Schema = json.RawMessage(`{"type":"integer"}`)
			d.spec.Operations[0].Parameters = ps
		}},
		{"new required property", "new-required-request-property", contract.Breaking, "/properties/currency", func(d *compatDoc) {
			d.schemas["NewOrder"]["properties"].(obj)["currency"] = obj{"type": "string"}
			d.schemas["NewOrder"]["required"] = []any{"sku", "quantity", "currency"}
		}},
		{"new required property with a default is still required", "new-required-request-property", contract.Breaking, "/properties/currency", func(d *compatDoc) {
			d.schemas["NewOrder"]["properties"].(obj)["currency"] = obj{"type": "string", "default": "EUR"}
			d.schemas["NewOrder"]["required"] = []any{"sku", "quantity", "currency"}
		}},
		{"property became required", "request-property-became-required", contract.Breaking, "/properties/note", func(d *compatDoc) {
			d.schemas["NewOrder"]["required"] = []any{"sku", "quantity", "note"}
		}},
		{"property type changed", "request-property-type-changed", contract.Breaking, "/properties/quantity", func(d *compatDoc) {
			d.prop("NewOrder", "quantity")["type"] = "string"
		}},
		{"array to object", "request-property-type-changed", contract.Breaking, "/properties/tags", func(d *compatDoc) {
			d.schemas["NewOrder"]["properties"].(obj)["tags"] = obj{"type": "object"}
		}},
		{"number to integer in a request", "request-property-type-changed", contract.Breaking, "/properties/weight", func(d *compatDoc) {
			d.prop("NewOrder", "weight")["type"] = "integer"
		}},
		{"integer to number in a response", "response-property-type-changed", contract.Breaking, "/properties/id", func(d *compatDoc) {
			d.prop("Order", "id")["type"] = "number"
		}},
		{"nullable dropped in a request", "request-property-became-not-nullable", contract.Breaking, "/properties/note", func(d *compatDoc) {
			d.prop("NewOrder", "note")["type"] = "string"
		}},
		{"new nullable in a response", "response-property-became-nullable", contract.Breaking, "/properties/coupon", func(d *compatDoc) {
			d.prop("Order", "coupon")["type"] = []any{"string", "null"}
		}},
		{"OpenAPI 3.0 nullable in a response", "response-property-became-nullable", contract.Breaking, "/properties/coupon", func(d *compatDoc) {
			d.prop("Order", "coupon")["nullable"] = true
		}},
		{"maximum decreased", "request-property-max-decreased", contract.Breaking, "/properties/quantity", func(d *compatDoc) {
			d.prop("NewOrder", "quantity")["maximum"] = 50
		}},
		{"maximum made exclusive", "request-property-max-decreased", contract.Breaking, "/properties/quantity", func(d *compatDoc) {
			delete(d.prop("NewOrder", "quantity"), "maximum")
			d.prop("NewOrder", "quantity")["exclusiveMaximum"] = 100
		}},
		{"minimum increased", "request-property-min-increased", contract.Breaking, "/properties/quantity", func(d *compatDoc) {
			d.prop("NewOrder", "quantity")["minimum"] = 2
		}},
		{"max length decreased", "request-property-max-length-decreased", contract.Breaking, "/properties/sku", func(d *compatDoc) {
			d.prop("NewOrder", "sku")["maxLength"] = 16
		}},
		{"min length set", "request-property-min-length-set", contract.Breaking, "/properties/sku", func(d *compatDoc) {
			d.prop("NewOrder", "sku")["minLength"] = 3
		}},
		{"max items decreased", "request-property-max-items-decreased", contract.Breaking, "/properties/tags", func(d *compatDoc) {
			d.prop("NewOrder", "tags")["maxItems"] = 5
		}},
		{"pattern added", "request-property-pattern-added", contract.Breaking, "/properties/sku", func(d *compatDoc) {
			d.prop("NewOrder", "sku")["pattern"] = "^[A-Z]+$"
		}},
		{"format added to a request", "request-property-type-changed", contract.Breaking, "/properties/sku", func(d *compatDoc) {
			d.prop("NewOrder", "sku")["format"] = "uuid"
		}},
		{"enum value removed", "request-property-enum-value-removed", contract.Breaking, "/properties/channel", func(d *compatDoc) {
			d.prop("NewOrder", "channel")["enum"] = []any{"web"}
		}},
		{"became enum", "request-property-became-enum", contract.Breaking, "/properties/sku", func(d *compatDoc) {
			d.prop("NewOrder", "sku")["enum"] = []any{"A", "B"}
		}},
		{"response enum value added", "response-property-enum-value-added", contract.Breaking, "/properties/status", func(d *compatDoc) {
			d.prop("Order", "status")["enum"] = []any{"open", "paid", "shipped"}
		}},
		{"response property no longer required", "response-property-became-optional", contract.Breaking, "/properties/status", func(d *compatDoc) {
			d.schemas["Order"]["required"] = []any{"id", "total"}
		}},
		{"required response property removed", "response-required-property-removed", contract.Breaking, "/properties/total", func(d *compatDoc) {
			delete(d.schemas["Order"]["properties"].(obj), "total")
		}},
		{"response format changed", "response-property-type-changed", contract.Breaking, "/properties/created_at", func(d *compatDoc) {
			d.prop("Order", "created_at")["format"] = "date"
		}},
		{"required response header removed", "required-response-header-removed", contract.Breaking, "/operations/1/responses/200/headers/0", func(d *compatDoc) {
			d.spec.Operations[1].Responses = map[string]contract.Response{"200": {Content: d.spec.Operations[1].Responses["200"].Content}, "404": {}}
		}},
		{"request property removed under strict requests", "request-property-removed", contract.Breaking, "/properties/note", func(d *compatDoc) {
			delete(d.schemas["NewOrder"]["properties"].(obj), "note")
		}},
		{"strict requests", "request-unknown-properties-refused", contract.Breaking, "/unknown_properties/request", func(d *compatDoc) {
			// The old spec of this case allows unknown properties (set below).
		}},
		{"schema closed with additionalProperties", "request-unknown-properties-refused", contract.Breaking, "/schema", func(d *compatDoc) {
			d.schemas["NewOrder"]["additionalProperties"] = false
		}},
		{"through allOf", "request-property-max-length-decreased", contract.Breaking, "/properties/sku", func(d *compatDoc) {
			d.prop("NewOrder", "sku")["maxLength"] = 8
		}},
		{"oneOf alternative removed in a request", "request-property-one-of-removed", contract.Breaking, "/properties/delivery", func(d *compatDoc) {
			p := d.prop("NewOrder", "delivery")
			p["oneOf"] = p["oneOf"].([]any)[:1]
		}},
		{"inside a oneOf alternative", "request-property-type-changed", contract.Breaking, "/properties/delivery/oneOf/1/properties/address", func(d *compatDoc) {
			d.prop("NewOrder", "delivery")["oneOf"].([]any)[1].(obj)["properties"].(obj)["address"] = obj{"type": "object"}
		}},
		{"oneOf alternative added in a response", "response-property-one-of-added", contract.Breaking, "/properties/payment", func(d *compatDoc) {
			p := d.prop("Order", "payment")
			p["oneOf"] = append(p["oneOf"].([]any), obj{"type": "object", "properties": obj{"wallet": obj{"type": "string"}}})
		}},
		{"through a nested $ref", "response-property-became-optional", contract.Breaking, "/properties/customer/properties/email", func(d *compatDoc) {
			d.schemas["Customer"]["required"] = []any{}
		}},
		{"request media type removed", "request-body-media-type-removed", contract.Breaking, "/content/application~1x-www-form-urlencoded", func(d *compatDoc) {
			// Built below: the new spec takes JSON only.
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldDoc, newDoc := newCompatDoc(), newCompatDoc()
			if strings.HasPrefix(tc.name, "through allOf") {
				for _, d := range []*compatDoc{oldDoc, newDoc} {
					d.body = obj{"allOf": []any{obj{"$ref": "#/components/schemas/NewOrder"}, obj{"required": []any{"sku"}}}}
				}
			}
			switch tc.name {
			case "strict requests":
				oldDoc.spec.UnknownProperties.Request = contract.Allow
			case "schema closed with additionalProperties":
				oldDoc.spec.UnknownProperties.Request = contract.Allow
				newDoc.spec.UnknownProperties.Request = contract.Allow
			}
			tc.change(newDoc)
			old, new := oldDoc.build(t), newDoc.build(t)
			if tc.name == "request media type removed" {
				rb := *new.Operations[0].RequestBody
				rb.Content = map[string]contract.MediaType{"application/json": rb.Content["application/json"]}
				new.Operations[0].RequestBody = &rb
			}
			changes := contract.Compare(old, new)
			var found *contract.Change
			for i, ch := range changes {
				if ch.ID == tc.rule && strings.HasSuffix(ch.Location, tc.location) {
					found = &changes[i]
				}
			}
			require.NotNil(t, found, "want %s at …%s, got %+v", tc.rule, tc.location, changes)
			assert.Equal(t, tc.level, found.Level)
			assert.NotEmpty(t, found.Message)
			assert.Len(t, found.Fingerprint, 16)
			if strings.Contains(tc.name, "default") {
				assert.Contains(t, found.Message, "default")
			}
			if found.Direction != "" {
				assert.Equal(t, found.Direction == contract.DirectionRequest, strings.HasPrefix(found.ID, "request") || strings.HasPrefix(found.ID, "new-required-request"), found.ID)
			}
		})
	}
}

func TestCompareCompatibleChanges(t *testing.T) {
	cases := []struct {
		name string
		doc  func(d *compatDoc)     // edits before building
		spec func(s *contract.Spec) // edits after building
		none bool                   // not even a warning or an info
	}{
		{name: "nothing"},
		{name: "integer to number in a request", doc: func(d *compatDoc) { d.prop("NewOrder", "quantity")["type"] = "number" }},
		{name: "number to integer in a response", doc: func(d *compatDoc) { d.prop("Order", "total")["type"] = "integer" }},
		{name: "response enum value removed", doc: func(d *compatDoc) { d.prop("Order", "status")["enum"] = []any{"paid"} }},
		{name: "request enum value added", doc: func(d *compatDoc) {
			d.prop("NewOrder", "channel")["enum"] = []any{"web", "app", "pos"}
		}},
		{name: "request maximum raised", doc: func(d *compatDoc) { d.prop("NewOrder", "quantity")["maximum"] = 1000 }},
		{name: "explode on a scalar parameter", doc: func(d *compatDoc) {
			ps := slices.Clone(d.spec.Operations[0].Parameters)
			explode := false
			ps[0].Explode = &explode
			d.spec.Operations[0].Parameters = ps
		}},
		{name: "the default style written out", none: true, doc: func(d *compatDoc) {
			ps := slices.Clone(d.spec.Operations[0].Parameters)
			ps[0].Style = contract.StyleForm
			d.spec.Operations[0].Parameters = ps
		}},
		{name: "response property became required", doc: func(d *compatDoc) {
			d.schemas["Order"]["required"] = []any{"id", "status", "total", "coupon"}
		}},
		{name: "new optional request property", doc: func(d *compatDoc) {
			d.schemas["NewOrder"]["properties"].(obj)["gift"] = obj{"type": "boolean", "default": false}
		}},
		{name: "nullable added in a request", doc: func(d *compatDoc) {
			d.prop("NewOrder", "sku")["type"] = []any{"string", "null"}
		}},
		{name: "path parameter renamed", spec: func(s *contract.Spec) {
			ops := slices.Clone(s.Operations)
			ops[1].Path = "/orders/{order_id}"
			ops[1].Parameters = []contract.Parameter{{Name: "order_id", In: contract.InPath, Required: true, Schema: json.RawMessage(`{"type":"integer"}`)}}
			ops[2].Path = "/orders/{order_id}"
			s.Operations = ops
		}},
		{name: "inlined $ref", spec: func(s *contract.Spec) {
			ops := slices.Clone(s.Operations)
			ops[1].Responses = map[string]contract.Response{
				"200": {Headers: ops[1].Responses["200"].Headers, Content: map[string]contract.MediaType{"application/json": {Schema: s.Schemas["Order"]}}},
				"404": {},
			}
			s.Operations = ops
		}},
		{name: "oneOf alternatives reordered", none: true, doc: func(d *compatDoc) {
			p := d.prop("Order", "payment")
			alts := p["oneOf"].([]any)
			p["oneOf"] = []any{alts[1], alts[0]}
		}},
		{name: "operations reordered", none: true, spec: func(s *contract.Spec) { slices.Reverse(s.Operations) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := newCompatDoc().build(t)
			d := newCompatDoc()
			if tc.doc != nil {
				tc.doc(d)
			}
			new := d.build(t)
			if tc.spec != nil {
				tc.spec(&new)
			}
			changes := contract.Compare(old, new)
			assert.Empty(t, contract.BreakingChanges(changes))
			if tc.none {
				assert.Empty(t, changes)
			}
		})
	}
}

func TestCompareFingerprintsAreStable(t *testing.T) {
	oldDoc, newDoc := newCompatDoc(), newCompatDoc()
	newDoc.prop("NewOrder", "sku")["maxLength"] = 8
	newDoc.spec.Operations = slices.Delete(slices.Clone(newDoc.spec.Operations), 2, 3)
	old, new := oldDoc.build(t), newDoc.build(t)
	first := contract.Compare(old, new)
	require.Len(t, contract.BreakingChanges(first), 3, "%+v", first) // maxLength in two media types, the removed operation

	// Reordering the operations moves every location but no fingerprint.
	slices.Reverse(new.Operations)
	second := contract.Compare(old, new)
	fingerprints := func(cs []contract.Change) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Fingerprint)
		}
		slices.Sort(out)
		return out
	}
	assert.Equal(t, fingerprints(first), fingerprints(second))
	assert.Equal(t, contract.Breaking, first[0].Level, "breaking changes come first")
}

func TestCompareRecursiveSchemasReportOnce(t *testing.T) {
	tree := func(maxLength int) contract.Spec {
		return contract.Spec{Service: "tree", Schemas: map[string]json.RawMessage{
			"Node": json.RawMessage(`{"type":"object","properties":{"name":{"type":"string","maxLength":` + strconv.Itoa(maxLength) + `},"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}}}}`),
		}, Operations: []contract.Operation{{ID: "put", Method: "PUT", Path: "/tree",
			RequestBody: &contract.RequestBody{Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Node"}`)}}},
			Responses:   map[string]contract.Response{"204": {}}}}}
	}
	changes := contract.Compare(tree(100), tree(10))
	require.Len(t, changes, 1, "%+v", changes)
	assert.Equal(t, "request-property-max-length-decreased", changes[0].ID)
}

func TestChangesNameTheRequirementsOfTheirOperation(t *testing.T) {
	oldDoc, newDoc := newCompatDoc(), newCompatDoc()
	for _, d := range []*compatDoc{oldDoc, newDoc} {
		d.spec.Requirements = []accord.Ref{{Kind: "requirement", ID: "REQ-1"}}
		ops := slices.Clone(d.spec.Operations)
		ops[1].Requirements = []accord.Ref{{Kind: "requirement", ID: "REQ-7"}}
		d.spec.Operations = ops
	}
	newDoc.spec.Operations = newDoc.spec.Operations[:1] // the path with getOrder is gone
	changes := contract.Compare(oldDoc.build(t), newDoc.build(t))
	require.NotEmpty(t, changes)
	assert.Equal(t, []accord.Ref{{Kind: "requirement", ID: "REQ-7"}, {Kind: "requirement", ID: "REQ-1"}}, changes[0].Requirements,
		"the operation's requirement, then the spec's")
}

func TestPolicyLevelsAndIgnoresThatExpire(t *testing.T) {
	oldDoc, newDoc := newCompatDoc(), newCompatDoc()
	newDoc.prop("NewOrder", "quantity")["maximum"] = 50                 // breaking
	newDoc.prop("Order", "status")["enum"] = []any{"open", "paid", "x"} // breaking
	changes := contract.Compare(oldDoc.build(t), newDoc.build(t))
	require.Len(t, contract.BreakingChanges(changes), 4, "%+v", changes) // quantity in two media types, status in two responses

	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	policy := contract.Settings{Levels: map[string]contract.ChangeLevel{"request-property-max-decreased": contract.Warning}}
	for _, ch := range changes {
		if ch.ID == "response-property-enum-value-added" {
			policy.Ignore = append(policy.Ignore, contract.Ignore{Fingerprint: ch.Fingerprint, Reason: "clients ignore unknown statuses", Expires: now.Add(time.Hour)})
		}
	}
	require.NoError(t, policy.Validate())
	kept, ignored := policy.Apply(changes, now)
	assert.Empty(t, contract.BreakingChanges(kept))
	assert.Len(t, kept, len(changes)-2)
	require.Len(t, ignored, 2)
	assert.Equal(t, "response-property-enum-value-added", ignored[0].ID)

	kept, ignored = policy.Apply(changes, now.Add(2*time.Hour))
	assert.Empty(t, ignored, "an expired ignore no longer applies")
	assert.Len(t, contract.BreakingChanges(kept), 2)
}
