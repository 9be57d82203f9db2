package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/contract"
)

// A contract for one endpoint, with the request body generated from a Go
// type.
func exampleSpec() contract.Spec {
	type NewPet struct {
		Name string `json:"name" jsonschema:"minLength=1"`
		Age  int    `json:"age,omitempty" jsonschema:"minimum=0"`
	}
	set := contract.NewSchemaSet()
	return contract.Spec{
		Service: "pets",
		Operations: []contract.Operation{{
			ID: "addPet", Method: "POST", Path: "/pets",
			RequestBody: &contract.RequestBody{Required: true, Content: map[string]contract.MediaType{
				"application/json": {Schema: set.MustRef(NewPet{})}}},
			Responses: map[string]contract.Response{"201": {Description: "added"}},
		}},
		Schemas: set.Schemas(),
	}
}

func ExampleCompile() {
	v, err := contract.Compile(exampleSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Operations())
	// Output: [addPet]
}

func ExampleValidator_ValidateRequest() {
	v, _ := contract.Compile(exampleSpec())
	body := `{"name":"","age":-1,"colour":"brown"}`
	req := httptest.NewRequest("POST", "/pets", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res := v.ValidateRequest(req, []byte(body))
	fmt.Println(res)
	// Output:
	// addPet (POST /pets) request_body /age: minimum: must be at least 0 (got -1)
	// addPet (POST /pets) request_body /colour: unevaluatedProperties: is not a property the contract declares (got "brown")
	// addPet (POST /pets) request_body /name: minLength: must be at least 1 characters long (got "")
}

func ExampleValidator_ValidateResponse() {
	v, _ := contract.Compile(exampleSpec())
	req := httptest.NewRequest("POST", "/pets", nil)
	res := v.ValidateResponse(req, 200, http.Header{}, nil)
	fmt.Println(res)
	// Output: addPet (POST /pets) 200 response_status: status: status 200 is not declared; declared: 201
}

func ExampleValidator_Middleware() {
	v, _ := contract.Compile(exampleSpec())
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	h := v.Middleware(contract.MiddlewareOptions{Mode: contract.Enforce,
		OnViolation: func(r *http.Request, res contract.Result) { fmt.Println("reported:", res.Violations[0].Message) }})(handler)

	req := httptest.NewRequest("POST", "/pets", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	// Output:
	// reported: is required
	// 400 application/problem+json
}

func ExampleSchemaSet() {
	type Money struct {
		Cents    int64  `json:"cents"`
		Currency string `json:"currency,omitempty"`
	}
	set := contract.NewSchemaSet()
	ref, _ := set.Ref(Money{})
	fmt.Println(string(ref))
	fmt.Println(string(set.Schemas()["contract_test.Money"]))
	// Output:
	// {"$ref":"#/components/schemas/contract_test.Money"}
	// {"properties":{"cents":{"type":"integer"},"currency":{"type":"string"}},"required":["cents"],"type":"object"}
}

func ExampleLint() {
	spec := exampleSpec()
	spec.Operations[0].Responses = map[string]contract.Response{"400": {}}
	for _, f := range contract.Lint(spec) {
		fmt.Println(f)
	}
	// Output:
	// error no-success-response /paths/~1pets/post/responses: addPet (POST /pets): no success response (1XX–3XX) is declared
	// warning unknown-error-code /paths/~1pets/post/responses/400: addPet (POST /pets): response 400 is an error response, but the contract has no error-code catalogue
}

func ExampleOpenAPI() {
	doc, _ := contract.OpenAPI(exampleSpec(), "1.0.0")
	var parsed struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	json.Unmarshal(doc, &parsed)
	fmt.Println(parsed.OpenAPI, len(parsed.Paths["/pets"]))
	// Output: 3.1.0 1
}

// Versions keep every revision of their drafts; DiffRevisions says what
// changed between two of them, DiffVersions between two versions.
func ExampleService_DiffRevisions() {
	svc, _ := contract.NewService(contract.Options{Store: memory.NewContractStore()})
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	v, _ := svc.Create(ctx, "shop", contract.NewContract{Version: "1.0.0", Spec: exampleSpec(), Note: "first draft"})

	spec := exampleSpec()
	spec.Operations[0].Summary = "Add a pet to the shop"
	v, _ = svc.UpdateVersion(ctx, "shop", v.ContractID, "1.0.0", v.Revision, contract.SpecInput{Spec: spec, Note: "summary"})

	changes, _ := svc.DiffRevisions(ctx, "shop", v.ContractID, "1.0.0", 1, 2)
	for _, c := range changes {
		fmt.Printf("%s: %q -> %q\n", c.Path, c.Before, c.After)
	}
	history, _ := svc.History(ctx, "shop", v.ContractID, "1.0.0")
	fmt.Println(len(history), "revisions, the last:", history[len(history)-1].Note)
	// Output:
	// spec.operations[0].summary: "" -> "Add a pet to the shop"
	// 2 revisions, the last: summary
}

// Compare judges every change between two versions of a spec for the
// callers of the older one.
func ExampleCompare() {
	op := func(request string) contract.Spec {
		return contract.Spec{Service: "orders", Operations: []contract.Operation{{
			ID: "createOrder", Method: "POST", Path: "/orders",
			RequestBody: &contract.RequestBody{Required: true, Content: map[string]contract.MediaType{
				"application/json": {Schema: json.RawMessage(request)}}},
			Responses: map[string]contract.Response{"201": {}},
		}}}
	}
	old := op(`{"type":"object","properties":{"sku":{"type":"string"},"quantity":{"type":"integer","maximum":100}},"required":["sku"]}`)
	new := op(`{"type":"object","properties":{"sku":{"type":"string"},"quantity":{"type":"integer","maximum":10},"currency":{"type":"string"}},"required":["sku","currency"]}`)
	for _, ch := range contract.Compare(old, new) {
		fmt.Printf("%s %s %s\n  %s: %s\n", ch.Level, ch.ID, ch.Operation, ch.Location, ch.Message)
	}
	// Output:
	// breaking new-required-request-property POST /orders
	//   /operations/0/request_body/content/application~1json/schema/properties/currency: the request body: the new property "currency" is required
	// breaking request-property-max-decreased POST /orders
	//   /operations/0/request_body/content/application~1json/schema/properties/quantity: the request body property "quantity": maximum changed from 100 to 10
}

// Bodies are checked in one pass over their bytes; BodyChecks says so for
// each body schema, or names the keyword that sends one the full way.
func ExampleValidator_BodyChecks() {
	v, err := contract.Compile(exampleSpec())
	if err != nil {
		panic(err)
	}
	for _, c := range v.BodyChecks() {
		fmt.Println(c.Operation, c.Part, c.MediaType, "one pass:", c.OnePass)
	}
	// Output: addPet request_body application/json one pass: true
}

func ExampleViolation_String() {
	v, _ := contract.Compile(exampleSpec())
	body := `{"name":""}`
	req := httptest.NewRequest("POST", "/pets", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	violation := v.ValidateRequest(req, []byte(body)).Violations[0]
	fmt.Println(violation)
	fmt.Println(violation.Operation)
	// Output:
	// addPet (POST /pets) request_body /name: minLength: must be at least 1 characters long (got "")
	// addPet
}
