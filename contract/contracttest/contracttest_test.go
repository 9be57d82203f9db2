package contracttest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/contract/contracttest"
)

// fakeT records what a helper reports instead of failing the real test.
type fakeT struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeT) output() string { return strings.Join(f.errors, "\n") }

func petSpec() contract.Spec {
	body := func(s string) map[string]contract.MediaType {
		return map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(s)}}
	}
	pet := `{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string","minLength":1}},"required":["id","name"]}`
	problem := `{"type":"object","properties":{"code":{"type":"string"}},"required":["code"]}`
	return contract.Spec{
		Service: "pets",
		Operations: []contract.Operation{
			{ID: "getPet", Method: "GET", Path: "/pets/{id}",
				Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"integer"}`)}},
				Responses:  map[string]contract.Response{"200": {Content: body(pet)}, "404": {Content: body(problem)}},
				ErrorCodes: []string{"PET_NOT_FOUND"},
				Examples: []contract.Example{{Name: "rex", Request: &contract.ExampleRequest{PathParams: map[string]string{"id": "1"}},
					Response: &contract.ExampleResponse{Status: 200, Body: json.RawMessage(`{"id":1,"name":"Rex"}`)}}},
			},
			{ID: "addPet", Method: "POST", Path: "/pets",
				RequestBody: &contract.RequestBody{Required: true, Content: body(`{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}`)},
				Responses:   map[string]contract.Response{"201": {Content: body(pet)}, "4XX": {Content: body(problem)}},
				ErrorCodes:  []string{"PET_INVALID"},
			},
		},
		ErrorCodes: []contract.ErrorCode{
			{Code: "PET_NOT_FOUND", Status: 404, Message: "No such pet."},
			{Code: "PET_INVALID", Status: 400, Message: "Invalid pet."},
		},
	}
}

func newChecker(t *testing.T, spec contract.Spec) *contracttest.Checker {
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	return contracttest.New(v)
}

// pets is a handler with a bug switch: broken makes it answer off-contract.
func pets(broken bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.PathValue("id") != "1" {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"code":"PET_NOT_FOUND"}`)
			return
		}
		if broken {
			io.WriteString(w, `{"id":"1","name":""}`)
			return
		}
		io.WriteString(w, `{"id":1,"name":"Rex"}`)
	})
	mux.HandleFunc("POST /pets", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name string }
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Name == "" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"PET_INVALID"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":2,"name":%q}`, in.Name)
	})
	return mux
}

func post(body string) *http.Request {
	r := httptest.NewRequest("POST", "/pets", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func TestServePassesAGoodHandler(t *testing.T) {
	c := newChecker(t, petSpec())
	ft := &fakeT{TB: t}
	rec := c.Serve(ft, pets(false), httptest.NewRequest("GET", "/pets/1", nil))
	assert.Equal(t, 200, rec.Code)
	rec = c.Serve(ft, pets(false), post(`{"name":"Tom"}`))
	assert.Equal(t, 201, rec.Code)
	assert.JSONEq(t, `{"id":2,"name":"Tom"}`, rec.Body.String(), "the handler saw the whole body")
	assert.Empty(t, ft.errors)
}

func TestServeReportsBothDirections(t *testing.T) {
	c := newChecker(t, petSpec())
	ft := &fakeT{TB: t}
	c.Serve(ft, pets(true), httptest.NewRequest("GET", "/pets/1", nil))
	c.Serve(ft, pets(true), post(`{"name":"Tom","age":3}`))
	assert.Equal(t, `contract: GET /pets/1 (getPet) response 200 breaks the contract:
    response_body /id: type: must be an integer (got "1")
    response_body /name: minLength: must be at least 1 characters long (got "")
contract: POST /pets (addPet) request breaks the contract:
    request_body /age: unevaluatedProperties: is not a property the contract declares (got 3)`, ft.output())
}

func TestValidateRecordedResponses(t *testing.T) {
	c := newChecker(t, petSpec())
	srv := httptest.NewServer(pets(true))
	defer srv.Close()
	req, err := http.NewRequest("GET", srv.URL+"/pets/1", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()

	ft := &fakeT{TB: t}
	res := c.ValidateResponse(ft, req, resp)
	assert.Equal(t, "getPet", res.Operation)
	assert.Len(t, res.Violations, 2)
	assert.Contains(t, ft.output(), "response_body /id: type: must be an integer")
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, `{"id":"1","name":""}`, string(body), "the body is put back for the test")

	ft = &fakeT{TB: t}
	c.ValidateResponse(ft, req, "not a response")
	assert.Equal(t, "contracttest: ValidateResponse needs an *httptest.ResponseRecorder or *http.Response, got string", ft.output())

	ft = &fakeT{TB: t}
	c.ValidateRequest(ft, httptest.NewRequest("GET", "/pets/one", nil))
	assert.Equal(t, "contract: GET /pets/one (getPet) request breaks the contract:\n    path_parameter \"id\": type: must be an integer (got \"one\")", ft.output())
}

func TestAssertExamples(t *testing.T) {
	ft := &fakeT{TB: t}
	newChecker(t, petSpec()).AssertExamples(ft)
	assert.Empty(t, ft.errors)

	spec := petSpec()
	spec.Operations[0].Examples[0].Response.Body = json.RawMessage(`{"id":1}`)
	newChecker(t, spec).AssertExamples(ft)
	assert.Equal(t, "contract: 1 example violation(s):\n    getPet (GET /pets/{id}): example \"rex\": 200 response_body /name: required: is required", ft.output())
}

func TestCoverage(t *testing.T) {
	c := newChecker(t, petSpec())
	ok := &fakeT{TB: t}
	c.Serve(ok, pets(false), httptest.NewRequest("GET", "/pets/1", nil))
	c.Serve(ok, pets(false), post(`{"name":""}`)) // 400 counts for 4XX
	require.Empty(t, ok.errors)
	assert.Equal(t, map[string][]string{"getPet": {"200"}, "addPet": {"4XX"}}, c.Exercised())

	ft := &fakeT{TB: t}
	c.AssertAllOperations(ft)
	assert.Empty(t, ft.errors, "both operations were exercised")

	c.AssertAllResponses(ft)
	require.Len(t, ft.errors, 1)
	assert.Contains(t, ft.errors[0], "declared responses never exercised (-declared +exercised)")
	assert.Contains(t, ft.errors[0], `"201"`)
	assert.Contains(t, ft.errors[0], `"404"`)

	fresh := newChecker(t, petSpec())
	ft = &fakeT{TB: t}
	fresh.AssertAllOperations(ft)
	assert.Equal(t, "contract: 2 operation(s) never exercised: addPet, getPet", ft.output())

	// Once everything is hit, both assertions pass.
	c.Serve(ok, pets(false), post(`{"name":"Tom"}`))
	c.Serve(ok, pets(false), httptest.NewRequest("GET", "/pets/9", nil))
	ft = &fakeT{TB: t}
	c.AssertAllResponses(ft)
	assert.Empty(t, ft.errors)
}

func TestAssertCompatible(t *testing.T) {
	old := petSpec()
	assert.True(t, contracttest.AssertCompatible(t, old, old), "a spec is compatible with itself")

	changed := petSpec()
	ops := slices.Clone(changed.Operations)
	ops[0].Responses = map[string]contract.Response{} // every status of getPet removed
	changed.Operations = ops
	f := &fakeT{TB: t}
	assert.False(t, contracttest.AssertCompatible(f, old, changed))
	require.NotEmpty(t, f.errors)
	for _, line := range f.errors {
		assert.True(t, strings.HasPrefix(line, "contract: breaking change "), line)
		assert.NotContains(t, line, "\n", "one line per change")
	}
	assert.Contains(t, f.output(), "response-success-status-removed at GET /pets/{id}")
}

func TestReportForUpload(t *testing.T) {
	c := newChecker(t, petSpec())
	c.Serve(&fakeT{TB: t}, pets(false), httptest.NewRequest("GET", "/pets/1", nil))
	path := filepath.Join(t.TempDir(), "exercised.json")
	require.NoError(t, c.WriteReport(path, "ci pets#12"))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var got contract.TestReport
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, contract.TestReport{Service: petSpec().Service, Source: "ci pets#12", Operations: []contract.ExercisedOperation{
		{ID: "getPet", Responses: []string{"200"}, Statuses: []int{200}}, {ID: "addPet", Responses: []string{}}}}, got)
}

// TestNilValidator: a Checker made from the nil of an unchecked Compile
// error fails each check saying so, and never panics.
func TestNilValidator(t *testing.T) {
	c := contracttest.New(nil)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) })
	ft := &fakeT{TB: t}
	assert.Nil(t, c.Serve(ft, h, httptest.NewRequest("GET", "/pets/1", nil)))
	c.ValidateRequest(ft, httptest.NewRequest("GET", "/pets/1", nil))
	c.ValidateResponse(ft, httptest.NewRequest("GET", "/pets/1", nil), httptest.NewRecorder())
	c.AssertExamples(ft)
	c.AssertAllOperations(ft)
	c.AssertAllResponses(ft)
	require.Len(t, ft.errors, 6)
	for _, e := range ft.errors {
		assert.Contains(t, e, "contracttest: the Checker has no validator")
	}
	assert.Empty(t, c.Exercised())
	assert.Empty(t, c.Report("ci").Operations)
}
