package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type benchAddress struct {
	Line1      string `json:"line1" jsonschema:"minLength=1"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code" jsonschema:"pattern=^[0-9]{6}$"`
	Country    string `json:"country" jsonschema:"enum=CN,enum=US,enum=DE"`
}

type benchItem struct {
	SKU       string            `json:"sku" jsonschema:"minLength=1"`
	Quantity  int               `json:"quantity" jsonschema:"minimum=1"`
	UnitCents int64             `json:"unit_cents" jsonschema:"minimum=0"`
	Options   map[string]string `json:"options,omitempty"`
	Tags      []string          `json:"tags,omitempty"`
}

type benchOrder struct {
	CustomerEmail string       `json:"customer_email" jsonschema:"format=email"`
	RequestID     string       `json:"request_id" jsonschema:"format=uuid"`
	Shipping      benchAddress `json:"shipping"`
	Items         []benchItem  `json:"items" jsonschema:"minItems=1"`
	Note          string       `json:"note,omitempty"`
}

type benchOrderOut struct {
	ID        int          `json:"id"`
	Status    string       `json:"status" jsonschema:"enum=pending,enum=paid"`
	CreatedAt time.Time    `json:"created_at"`
	Shipping  benchAddress `json:"shipping"`
	Items     []benchItem  `json:"items"`
}

func benchSpec(b testing.TB) Spec {
	set := NewSchemaSet()
	body := func(v any) map[string]MediaType {
		return map[string]MediaType{"application/json": {Schema: set.MustRef(v)}}
	}
	spec := Spec{Service: "orders", Operations: []Operation{{
		ID: "createOrder", Method: "POST", Path: "/orders",
		Parameters:  []Parameter{{Name: "X-Request-ID", In: InHeader, Schema: json.RawMessage(`{"type":"string","format":"uuid"}`)}},
		RequestBody: &RequestBody{Required: true, Content: body(benchOrder{})},
		Responses:   map[string]Response{"201": {Content: body(benchOrderOut{})}},
	}}}
	spec.Schemas = set.Schemas()
	return spec
}

// benchBodies returns an order request of about 2 KB and its response.
func benchBodies(b testing.TB) (req, resp []byte) {
	items := make([]benchItem, 19)
	for i := range items {
		items[i] = benchItem{SKU: fmt.Sprintf("SKU-%04d", i), Quantity: i + 1, UnitCents: int64(100 * (i + 1)),
			Options: map[string]string{"colour": "blue"}, Tags: []string{"gift"}}
	}
	addr := benchAddress{Line1: "1 Renmin Road", City: "Hangzhou", PostalCode: "310000", Country: "CN"}
	req, _ = json.Marshal(benchOrder{CustomerEmail: "li.lei@example.com", RequestID: "0f8fad5b-d9cb-469f-a165-70867728950e",
		Shipping: addr, Items: items, Note: "leave at the door"})
	resp, _ = json.Marshal(benchOrderOut{ID: 7, Status: "pending", CreatedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), Shipping: addr, Items: items})
	return req, resp
}

// BenchmarkValidateRequest compares accord's whole request check (route,
// header, content type, decoding, schema, violations) with decoding plus
// santhosh-tekuri validation of the same bytes against the same compiled
// schema.
func BenchmarkValidateRequest(b *testing.B) {
	v, err := Compile(benchSpec(b))
	if err != nil {
		b.Fatal(err)
	}
	body, _ := benchBodies(b)
	req := httptest.NewRequest("POST", "/orders", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "0f8fad5b-d9cb-469f-a165-70867728950e")
	b.Logf("request body: %d bytes", len(body))
	b.Run("accord", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if res := v.ValidateRequest(req, body); !res.OK() {
				b.Fatal(res.String())
			}
		}
	})
	schema := v.byID["createOrder"].bodies["application/json"]
	b.Run("decode+santhosh", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			inst, err := decodeJSON(body)
			if err != nil {
				b.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkValidateResponse is the same comparison for the response.
func BenchmarkValidateResponse(b *testing.B) {
	v, err := Compile(benchSpec(b))
	if err != nil {
		b.Fatal(err)
	}
	_, body := benchBodies(b)
	req := httptest.NewRequest("POST", "/orders", nil)
	header := http.Header{"Content-Type": {"application/json"}}
	b.Run("accord", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if res := v.ValidateResponse(req, 201, header, body); !res.OK() {
				b.Fatal(res.String())
			}
		}
	})
	schema := v.byID["createOrder"].responses["201"].bodies["application/json"]
	b.Run("decode+santhosh", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			inst, err := decodeJSON(body)
			if err != nil {
				b.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// manyOperations builds a contract of n operations over n/4 resources, each
// with a collection, an item, a sub-collection and a sub-item route.
func manyOperations(n int) Spec {
	spec := Spec{Service: "big"}
	id := func(name string) Parameter {
		return Parameter{Name: name, In: InPath, Schema: json.RawMessage(`{"type":"string"}`)}
	}
	ok := map[string]Response{"200": {Content: map[string]MediaType{"application/json": {Schema: json.RawMessage(`{"type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer","minimum":0}}}`)}}}}
	for i := 0; len(spec.Operations) < n; i++ {
		res := fmt.Sprintf("/resource%d", i)
		for j, p := range []struct {
			path   string
			params []Parameter
		}{
			{res, nil},
			{res + "/{id}", []Parameter{id("id")}},
			{res + "/{id}/items", []Parameter{id("id")}},
			{res + "/{id}/items/{item}", []Parameter{id("id"), id("item")}},
		} {
			if len(spec.Operations) == n {
				break
			}
			spec.Operations = append(spec.Operations, Operation{ID: fmt.Sprintf("op%d_%d", i, j), Method: "GET", Path: p.path, Parameters: p.params, Responses: ok})
		}
	}
	return spec
}

// BenchmarkMatch finds the operation of a request among 10, 100 and 1,000
// operations; the time should not grow with the count.
func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		v, err := Compile(manyOperations(n))
		if err != nil {
			b.Fatal(err)
		}
		last := n/4 - 1 // the last resource with all four routes
		req := httptest.NewRequest("GET", fmt.Sprintf("/resource%d/abc/items/def", last), nil)
		b.Run(fmt.Sprintf("ops=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var caps [maxSegments]string
			for b.Loop() {
				if op, bad := v.match(req, &caps); bad != nil || op == nil {
					b.Fatal("no match")
				}
			}
		})
	}
}

// BenchmarkCompile compiles a contract of 100 operations.
func BenchmarkCompile(b *testing.B) {
	spec := manyOperations(100)
	set := NewSchemaSet()
	ref := set.MustRef(benchOrder{})
	spec.Schemas = set.Schemas()
	for i := range spec.Operations {
		if i%4 == 0 {
			spec.Operations[i].Method = "POST"
			spec.Operations[i].RequestBody = &RequestBody{Content: map[string]MediaType{"application/json": {Schema: ref}}}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// comparePair is two versions of a 1,000-operation contract: a quarter of
// the operations take an order body (Go types through $refs) and every
// one answers an object; the newer version tightens ten request bodies,
// removes ten operations and adds a response enum value to another ten.
func comparePair(b testing.TB) (old, new Spec) {
	old = manyOperations(1000)
	set := NewSchemaSet()
	ref := set.MustRef(benchOrder{})
	out := set.MustRef(benchOrderOut{})
	old.Schemas = set.Schemas()
	for i := range old.Operations {
		old.Operations[i].Responses = map[string]Response{"200": {Content: map[string]MediaType{"application/json": {Schema: out}}}, "404": {}}
		if i%4 == 0 {
			old.Operations[i].Method = "POST"
			old.Operations[i].RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{"application/json": {Schema: ref}}}
		}
	}
	new = old
	new.Operations = nil
	for i, op := range old.Operations {
		switch {
		case i%100 == 1:
			continue // removed
		case i%100 == 4:
			op.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{"application/json": {Schema: json.RawMessage(
				`{"allOf":[{"$ref":"#/components/schemas/benchOrder"},{"properties":{"note":{"maxLength":10}}}]}`)}}}
		case i%100 == 7:
			op.Responses = map[string]Response{"200": {Content: map[string]MediaType{"application/json": {Schema: json.RawMessage(
				`{"allOf":[{"$ref":"#/components/schemas/benchOrderOut"},{"properties":{"status":{"enum":["pending","paid","refunded"]}}}]}`)}}}, "404": {}}
		}
		new.Operations = append(new.Operations, op)
	}
	return old, new
}

// BenchmarkCompare judges a 1,000-operation pair. BenchmarkCompareFloor,
// the floor it is read against, is the generic field-level Diff of the
// same two versions, which judges nothing.
func BenchmarkCompare(b *testing.B) {
	old, new := comparePair(b)
	if got := len(BreakingChanges(Compare(old, new))); got < 30 {
		b.Fatalf("%d breaking changes, want at least 30", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		Compare(old, new)
	}
}

func BenchmarkCompareFloor(b *testing.B) {
	old, new := comparePair(b)
	b.ReportAllocs()
	for b.Loop() {
		Diff(Version{Spec: old}, Version{Spec: new})
	}
}
