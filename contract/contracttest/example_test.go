package contracttest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/contract/contracttest"
)

// In a real test, pass the test's t; here a recorder stands in for it so
// the example can show the failure it reports.
func ExampleChecker_Serve() {
	v, _ := contract.Compile(contract.Spec{
		Service: "pets",
		Operations: []contract.Operation{{
			ID: "getPet", Method: "GET", Path: "/pets/{id}",
			Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"integer"}`)}},
			Responses: map[string]contract.Response{"200": {Content: map[string]contract.MediaType{"application/json": {
				Schema: json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}`)}}}},
		}},
	})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"nickname":"Rex"}`)
	})

	c := contracttest.New(v)
	t := &printT{}
	rec := c.Serve(t, handler, httptest.NewRequest("GET", "/pets/7", nil))
	fmt.Println("status", rec.Code)
	c.AssertAllOperations(t)
	// Output:
	// contract: GET /pets/7 (getPet) response 200 breaks the contract:
	//     response_body /name: required: is required
	// status 200
}

type printT struct{ testing.TB }

func (printT) Helper()                           {}
func (printT) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
