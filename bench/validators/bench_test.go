// Package validators_test measures accord's contract validation side by
// side with kin-openapi and libopenapi-validator on the same contract and
// the same bytes, in one run. It is a module of its own so that accord does
// not depend on them.
//
//	cd bench/validators && go test -run '^$' -bench . -benchtime 2000x
package validators_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	validationerrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/accordhq/accord/contract"
)

type address struct {
	Line1      string `json:"line1" jsonschema:"minLength=1"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code" jsonschema:"pattern=^[0-9]{6}$"`
	Country    string `json:"country" jsonschema:"enum=CN,enum=US,enum=DE"`
}

type item struct {
	SKU       string            `json:"sku" jsonschema:"minLength=1"`
	Quantity  int               `json:"quantity" jsonschema:"minimum=1"`
	UnitCents int64             `json:"unit_cents" jsonschema:"minimum=0"`
	Options   map[string]string `json:"options,omitempty"`
	Tags      []string          `json:"tags,omitempty"`
}

type order struct {
	CustomerEmail string  `json:"customer_email" jsonschema:"format=email"`
	RequestID     string  `json:"request_id" jsonschema:"format=uuid"`
	Shipping      address `json:"shipping"`
	Items         []item  `json:"items" jsonschema:"minItems=1"`
	Note          string  `json:"note,omitempty"`
}

type orderOut struct {
	ID        int       `json:"id"`
	Status    string    `json:"status" jsonschema:"enum=pending,enum=paid"`
	CreatedAt time.Time `json:"created_at"`
	Shipping  address   `json:"shipping"`
	Items     []item    `json:"items"`
}

func spec() contract.Spec {
	set := contract.NewSchemaSet()
	body := func(v any) map[string]contract.MediaType {
		return map[string]contract.MediaType{"application/json": {Schema: set.MustRef(v)}}
	}
	s := contract.Spec{Service: "orders", Operations: []contract.Operation{{
		ID: "createOrder", Method: "POST", Path: "/orders",
		Parameters:  []contract.Parameter{{Name: "X-Request-ID", In: contract.InHeader, Schema: json.RawMessage(`{"type":"string","format":"uuid"}`)}},
		RequestBody: &contract.RequestBody{Required: true, Content: body(order{})},
		Responses:   map[string]contract.Response{"201": {Content: body(orderOut{})}},
	}}}
	s.Schemas = set.Schemas()
	return s
}

// bodies returns an order request with n items (19 make about 2 KB) and
// its response.
func bodies(n int) (req, resp []byte) {
	items := make([]item, n)
	for i := range items {
		items[i] = item{SKU: fmt.Sprintf("SKU-%04d", i), Quantity: i + 1, UnitCents: int64(100 * (i + 1)),
			Options: map[string]string{"colour": "blue"}, Tags: []string{"gift"}}
	}
	addr := address{Line1: "1 Renmin Road", City: "Hangzhou", PostalCode: "310000", Country: "CN"}
	req, _ = json.Marshal(order{CustomerEmail: "li.lei@example.com", RequestID: "0f8fad5b-d9cb-469f-a165-70867728950e",
		Shipping: addr, Items: items, Note: "leave at the door"})
	resp, _ = json.Marshal(orderOut{ID: 7, Status: "pending", CreatedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), Shipping: addr, Items: items})
	return req, resp
}

// peerDocument is accord's OpenAPI export of the contract, made equivalent
// for the peers: accord refuses unknown request properties (the
// contract's x-accord-unknown-properties), which they only do with
// additionalProperties: false on each object schema. version "3.0.3" also
// turns nullable types into 3.0's nullable, for kin-openapi.
func peerDocument(tb testing.TB, version string) []byte {
	raw, err := contract.OpenAPI(spec(), "1.0.0")
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	doc["openapi"] = version
	if version != "3.1.0" {
		delete(doc, "jsonSchemaDialect")
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["properties"]; ok {
				if _, set := x["additionalProperties"]; !set {
					x["additionalProperties"] = false
				}
			}
			if types, ok := x["type"].([]any); ok && version != "3.1.0" && len(types) == 2 && types[1] == "null" {
				x["type"], x["nullable"] = types[0], true
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc["components"])
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// checker is one validator's end-to-end check of an exchange: routing,
// the header parameter, the content type and the body.
type checker struct {
	request  func(body []byte) error
	response func(body []byte) error
}

func newAccord(tb testing.TB) checker {
	v, err := contract.Compile(spec())
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/orders", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "0f8fad5b-d9cb-469f-a165-70867728950e")
	header := http.Header{"Content-Type": {"application/json"}}
	return checker{
		request: func(body []byte) error {
			if res := v.ValidateRequest(req, body); !res.OK() {
				return errors.New(res.String())
			}
			return nil
		},
		response: func(body []byte) error {
			if res := v.ValidateResponse(req, 201, header, body); !res.OK() {
				return errors.New(res.String())
			}
			return nil
		},
	}
}

func newKin(tb testing.TB) checker {
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(peerDocument(tb, "3.0.3"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := doc.Validate(ctx); err != nil {
		tb.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/orders", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "0f8fad5b-d9cb-469f-a165-70867728950e")
	header := http.Header{"Content-Type": {"application/json"}}
	options := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	input := func(body []byte) (*openapi3filter.RequestValidationInput, error) {
		req.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := router.FindRoute(req)
		if err != nil {
			return nil, err
		}
		return &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: options}, nil
	}
	return checker{
		request: func(body []byte) error {
			in, err := input(body)
			if err != nil {
				return err
			}
			return openapi3filter.ValidateRequest(ctx, in)
		},
		response: func(body []byte) error {
			in, err := input(nil)
			if err != nil {
				return err
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 201, Header: header, Options: options}
			return openapi3filter.ValidateResponse(ctx, out.SetBodyBytes(body))
		},
	}
}

// failed joins libopenapi-validator's errors into one.
func failed(errs []*validationerrors.ValidationError) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "; "))
}

func newLibopenapi(tb testing.TB) checker {
	doc, err := libopenapi.NewDocument(peerDocument(tb, "3.1.0"))
	if err != nil {
		tb.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	req := httptest.NewRequest("POST", "/orders", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "0f8fad5b-d9cb-469f-a165-70867728950e")
	return checker{
		request: func(body []byte) error {
			req.Body = io.NopCloser(bytes.NewReader(body))
			if ok, errs := v.ValidateHttpRequest(req); !ok {
				return failed(errs)
			}
			return nil
		},
		response: func(body []byte) error {
			resp := &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}}, Request: req,
				Body: io.NopCloser(bytes.NewReader(body))}
			if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
				return failed(errs)
			}
			return nil
		},
	}
}

// TestSameVerdicts checks that the three validators accept the benchmark's
// exchanges and refuse broken ones, so that they are measured doing the
// same work.
func TestSameVerdicts(t *testing.T) {
	req, resp := bodies(19)
	broken := map[string][]byte{
		"a quantity of 0":             bytes.Replace(req, []byte(`"quantity":1,`), []byte(`"quantity":0,`), 1),
		"an unknown request property": bytes.Replace(req, []byte(`"note":`), []byte(`"notes":`), 1),
		"a bad postal code":           bytes.Replace(req, []byte(`"310000"`), []byte(`"31000"`), 1),
	}
	for name, c := range map[string]checker{"accord": newAccord(t), "kin-openapi": newKin(t), "libopenapi-validator": newLibopenapi(t)} {
		if err := c.request(req); err != nil {
			t.Errorf("%s refuses the request: %v", name, err)
		}
		if err := c.response(resp); err != nil {
			t.Errorf("%s refuses the response: %v", name, err)
		}
		for what, body := range broken {
			if err := c.request(body); err == nil {
				t.Errorf("%s accepts %s", name, what)
			}
		}
	}
}

// BenchmarkExchange measures each validator's end-to-end check of the same
// request and response bytes, beside the floor of decoding them into the
// typed structs.
func BenchmarkExchange(b *testing.B) {
	checkers := []struct {
		name string
		new  func(testing.TB) checker
	}{{"accord", newAccord}, {"kin-openapi", newKin}, {"libopenapi-validator", newLibopenapi}}
	for _, size := range []struct {
		name  string
		items int
	}{{"2KB", 19}, {"1item", 1}} {
		req, resp := bodies(size.items)
		for _, dir := range []struct {
			name string
			body []byte
			pick func(checker) func([]byte) error
			into func() any
		}{
			{"request", req, func(c checker) func([]byte) error { return c.request }, func() any { return new(order) }},
			{"response", resp, func(c checker) func([]byte) error { return c.response }, func() any { return new(orderOut) }},
		} {
			for _, c := range checkers {
				b.Run(size.name+"/"+dir.name+"/"+c.name, func(b *testing.B) {
					check := dir.pick(c.new(b))
					b.SetBytes(int64(len(dir.body)))
					b.ReportAllocs()
					for b.Loop() {
						if err := check(dir.body); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run(size.name+"/"+dir.name+"/floor-unmarshal-typed", func(b *testing.B) {
				b.SetBytes(int64(len(dir.body)))
				b.ReportAllocs()
				for b.Loop() {
					if err := json.Unmarshal(dir.body, dir.into()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
