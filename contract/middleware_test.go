package contract_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

type collected struct {
	mu      sync.Mutex
	results []contract.Result
}

func (c *collected) add(_ *http.Request, res contract.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results = append(c.results, res)
}

// ordersHandler answers createOrder with a response that breaks the
// contract (quantity 0) and echoes how many body bytes it saw.
func ordersHandler(seen *int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*seen = len(b)
		if r.URL.Path == "/healthz" {
			io.WriteString(w, "ok")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/orders/"+orderID)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, strings.Replace(validOrder, `"quantity":2`, `"quantity":0`, 1))
	})
}

func TestMiddlewareReportMode(t *testing.T) {
	v := compileOrders(t)
	var seenResults collected
	var seen int
	h := v.Middleware(contract.MiddlewareOptions{OnViolation: seenResults.add})(ordersHandler(&seen))

	bad := strings.Replace(validBody, `"quantity":2`, `"quantity":"2"`, 1)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, request("POST", "/orders", bad))
	assert.Equal(t, http.StatusCreated, rec.Code, "report mode never changes the response")
	assert.Equal(t, len(bad), seen, "the handler sees the whole body")
	assert.Contains(t, rec.Body.String(), `"quantity":0`)
	require.Len(t, seenResults.results, 2)
	assert.Equal(t, []got{{contract.PartRequestBody, "", "/items/0/quantity", "type", "must be an integer"}}, reduce(seenResults.results[0].Violations))
	assert.Equal(t, []got{{contract.PartResponseBody, "", "/items/0/quantity", "minimum", "must be at least 1"}}, reduce(seenResults.results[1].Violations))
}

func TestMiddlewareEnforceMode(t *testing.T) {
	v := compileOrders(t)
	var seenResults collected
	seen := -1
	h := v.Middleware(contract.MiddlewareOptions{Mode: contract.Enforce, OnViolation: seenResults.add})(ordersHandler(&seen))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, request("POST", "/orders", `{"items":[]}`))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
	assert.Equal(t, -1, seen, "the handler never saw the request")
	var problem struct {
		Type       string `json:"type"`
		Status     int    `json:"status"`
		Detail     string `json:"detail"`
		Errors     []struct{ Field, Message string }
		Violations []contract.Violation `json:"violations"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &problem))
	assert.Equal(t, "urn:accord:problem:contract-violation", problem.Type)
	assert.Equal(t, 400, problem.Status)
	assert.Equal(t, "2 contract violation(s) in operation createOrder", problem.Detail)
	assert.Equal(t, []got{
		{contract.PartRequestBody, "", "/customer_email", "required", "is required"},
		{contract.PartRequestBody, "", "/items", "minItems", "must have at least 1 items"},
	}, reduce(problem.Violations))
	assert.Equal(t, "request_body/customer_email", problem.Errors[0].Field)

	// A valid request passes; its invalid response is reported, not changed.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, request("POST", "/orders", validBody))
	assert.Equal(t, http.StatusCreated, rec.Code)
	assert.Equal(t, len(validBody), seen)

	// Routes outside the contract pass through and are reported.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, request("GET", "/healthz", ""))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "ok", rec.Body.String())

	require.Len(t, seenResults.results, 3)
	assert.Equal(t, contract.PartResponseBody, seenResults.results[1].Violations[0].Part)
	assert.Equal(t, contract.PartRoute, seenResults.results[2].Violations[0].Part)
}

func TestMiddlewareBodyLimit(t *testing.T) {
	v := compileOrders(t)
	var seenResults collected
	var seen int
	h := v.Middleware(contract.MiddlewareOptions{Mode: contract.Enforce, OnViolation: seenResults.add, MaxBodyBytes: 64})(ordersHandler(&seen))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, request("POST", "/orders", validBody))
	assert.Equal(t, http.StatusCreated, rec.Code, "an oversized body is not rejected")
	assert.Equal(t, len(validBody), seen, "the handler still sees the full body")
	assert.Equal(t, len(strings.Replace(validOrder, `"quantity":2`, `"quantity":0`, 1)), rec.Body.Len(), "the client gets the full response")
	require.Len(t, seenResults.results, 2)
	for i, part := range []contract.Part{contract.PartRequestBody, contract.PartResponseBody} {
		require.Len(t, seenResults.results[i].Violations, 1)
		assert.Equal(t, part, seenResults.results[i].Violations[0].Part)
		assert.Equal(t, "body_size", seenResults.results[i].Violations[0].Keyword)
		assert.Equal(t, "larger than the 64-byte validation limit; not validated", seenResults.results[i].Violations[0].Message)
	}
}
