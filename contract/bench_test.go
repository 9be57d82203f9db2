package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/accordhq/accord/contract/internal/fastschema"
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

// benchBodies returns an order request with n items (19 make about 2 KB)
// and its response.
func benchBodies(n int) (req, resp []byte) {
	items := make([]benchItem, n)
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

// BenchmarkValidateRequest and BenchmarkValidateResponse measure, on the
// 2 KB order and the one-item order, in one run:
//   - accord: the whole check (route, header, content type, body), one-pass;
//   - full-path: the same with the one-pass path off (decode, then walk);
//   - one-pass-schema: the body schema alone, on the bytes;
//   - decode+santhosh: decoding plus the library's walk of the same schema;
//   - and the floors: json.Valid, json.Unmarshal into any and into the
//     typed struct.
func BenchmarkValidateRequest(b *testing.B) {
	benchValidate(b, true)
}

func BenchmarkValidateResponse(b *testing.B) {
	benchValidate(b, false)
}

func benchValidate(b *testing.B, request bool) {
	v, err := Compile(benchSpec(b))
	if err != nil {
		b.Fatal(err)
	}
	full, err := Compile(benchSpec(b))
	if err != nil {
		b.Fatal(err)
	}
	full.onePass = false
	req := httptest.NewRequest("POST", "/orders", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "0f8fad5b-d9cb-469f-a165-70867728950e")
	header := http.Header{"Content-Type": {"application/json"}}
	op := v.byID["createOrder"]
	schema, fast, typed := op.bodies["application/json"], op.fast["application/json"], func() any { return new(benchOrder) }
	if !request {
		schema, fast, typed = op.responses["201"].bodies["application/json"], op.responses["201"].fast["application/json"], func() any { return new(benchOrderOut) }
	}
	check := func(v *Validator, body []byte) Result {
		if request {
			return v.ValidateRequest(req, body)
		}
		return v.ValidateResponse(req, 201, header, body)
	}
	for _, size := range []struct {
		name  string
		items int
	}{{"2KB", 19}, {"1item", 1}} {
		body, out := benchBodies(size.items)
		if !request {
			body = out
		}
		run := func(name string, fn func() error) {
			b.Run(size.name+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					if err := fn(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		result := func(res Result) error {
			if !res.OK() {
				return errors.New(res.String())
			}
			return nil
		}
		run("accord", func() error { return result(check(v, body)) })
		run("full-path", func() error { return result(check(full, body)) })
		run("one-pass-schema", func() error {
			if fast.Check(body) != fastschema.Valid {
				return errors.New("not valid")
			}
			return nil
		})
		run("decode+santhosh", func() error {
			inst, err := decodeJSON(body)
			if err != nil {
				return err
			}
			return schema.Validate(inst)
		})
		run("floor-json.Valid", func() error {
			if !json.Valid(body) {
				return errors.New("not JSON")
			}
			return nil
		})
		run("floor-unmarshal-any", func() error {
			var x any
			return json.Unmarshal(body, &x)
		})
		run("floor-unmarshal-typed", func() error { return json.Unmarshal(body, typed()) })
	}
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

// BenchmarkValidateGet measures a valid GET with a path parameter, three
// query parameters and no body (bench/validators' BenchmarkGetWithQuery),
// with the one-pass path and with the full path, in one run.
func BenchmarkValidateGet(b *testing.B) {
	for _, path := range []struct {
		name    string
		onePass bool
	}{{"accord", true}, {"full-path", false}} {
		b.Run(path.name, func(b *testing.B) {
			v, err := Compile(Spec{Service: "pets", Operations: []Operation{{
				ID: "listPetFriends", Method: "GET", Path: "/pets/{petId}",
				Parameters: []Parameter{
					{Name: "petId", In: InPath, Schema: json.RawMessage(`{"type":"integer","minimum":1}`)},
					{Name: "limit", In: InQuery, Required: true, Schema: json.RawMessage(`{"type":"integer","minimum":1,"maximum":100}`)},
					{Name: "sort", In: InQuery, Schema: json.RawMessage(`{"type":"string","enum":["name","age"]}`)},
					{Name: "tag", In: InQuery, Schema: json.RawMessage(`{"type":"array","items":{"type":"string","minLength":1}}`)},
				},
				Responses: map[string]Response{"200": {Description: "ok"}},
			}}})
			if err != nil {
				b.Fatal(err)
			}
			v.onePass = path.onePass
			r := httptest.NewRequest("GET", "/pets/42?limit=20&sort=name&tag=cat&tag=dog", nil)
			b.ReportAllocs()
			for b.Loop() {
				if res := v.ValidateRequest(r, nil); !res.OK() {
					b.Fatal(res.String())
				}
			}
		})
	}
}
