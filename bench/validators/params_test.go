package validators_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/accordhq/accord/contract"
)

// getTarget is a GET with a path parameter and three query parameters:
// an integer in range, an enum and an exploded array.
const getTarget = "/pets/42?limit=20&sort=name&tag=cat&tag=dog"

func getSpec() contract.Spec {
	return contract.Spec{Service: "pets", Operations: []contract.Operation{{
		ID: "listPetFriends", Method: "GET", Path: "/pets/{petId}",
		Parameters: []contract.Parameter{
			{Name: "petId", In: contract.InPath, Schema: json.RawMessage(`{"type":"integer","minimum":1}`)},
			{Name: "limit", In: contract.InQuery, Required: true, Schema: json.RawMessage(`{"type":"integer","minimum":1,"maximum":100}`)},
			{Name: "sort", In: contract.InQuery, Schema: json.RawMessage(`{"type":"string","enum":["name","age"]}`)},
			{Name: "tag", In: contract.InQuery, Schema: json.RawMessage(`{"type":"array","items":{"type":"string","minLength":1}}`)},
		},
		Responses: map[string]contract.Response{"200": {Description: "ok"}},
	}}}
}

func getDocument(tb testing.TB, version string) []byte {
	raw, err := contract.OpenAPI(getSpec(), "1.0.0")
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
	out, _ := json.Marshal(doc)
	return out
}

// getCheckers returns each validator's check of a GET request.
func getCheckers(tb testing.TB) map[string]func(*http.Request) error {
	v, err := contract.Compile(getSpec())
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	kdoc, err := openapi3.NewLoader().LoadFromData(getDocument(tb, "3.0.3"))
	if err != nil {
		tb.Fatal(err)
	}
	router, err := gorillamux.NewRouter(kdoc)
	if err != nil {
		tb.Fatal(err)
	}
	options := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	ldoc, err := libopenapi.NewDocument(getDocument(tb, "3.1.0"))
	if err != nil {
		tb.Fatal(err)
	}
	lv, errs := validator.NewValidator(ldoc)
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	return map[string]func(*http.Request) error{
		"accord": func(r *http.Request) error {
			if res := v.ValidateRequest(r, nil); !res.OK() {
				return errors.New(res.String())
			}
			return nil
		},
		"kin-openapi": func(r *http.Request) error {
			route, params, err := router.FindRoute(r)
			if err != nil {
				return err
			}
			return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: options})
		},
		"libopenapi-validator": func(r *http.Request) error {
			if ok, errs := lv.ValidateHttpRequest(r); !ok {
				return failed(errs)
			}
			return nil
		},
	}
}

// TestGetSameVerdicts checks that the validators accept the benchmark's
// GET and refuse broken parameters.
func TestGetSameVerdicts(t *testing.T) {
	broken := []string{
		"/pets/0?limit=20",        // path parameter below its minimum
		"/pets/x?limit=20",        // path parameter not an integer
		"/pets/42",                // missing required limit
		"/pets/42?limit=101",      // above the maximum
		"/pets/42?limit=2.5",      // not an integer
		"/pets/42?limit=2&sort=x", // not in the enum
	}
	for name, check := range getCheckers(t) {
		if err := check(httptest.NewRequest("GET", getTarget, nil)); err != nil {
			t.Errorf("%s refuses %s: %v", name, getTarget, err)
		}
		for _, target := range broken {
			if check(httptest.NewRequest("GET", target, nil)) == nil {
				t.Errorf("%s accepts %s", name, target)
			}
		}
	}
}

// BenchmarkGetWithQuery measures each validator's check of the same GET
// (routing, one path and three query parameters, no body).
//
// Before parameters took accord's one-pass path (commit 2ac10c8), one
// run with -benchtime 20000x gave accord 12961 ns/op, 2840 B/op, 90
// allocs/op; kin-openapi 7585 ns/op, 1816 B/op, 36 allocs/op;
// libopenapi-validator 137586 ns/op, 27878 B/op, 359 allocs/op. After,
// accord: 0 allocs/op (contract's BenchmarkValidateGet compares both
// paths in one run).
func BenchmarkGetWithQuery(b *testing.B) {
	for _, name := range []string{"accord", "kin-openapi", "libopenapi-validator"} {
		b.Run(name, func(b *testing.B) {
			check := getCheckers(b)[name]
			r := httptest.NewRequest("GET", getTarget, nil)
			b.ReportAllocs()
			for b.Loop() {
				if err := check(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
