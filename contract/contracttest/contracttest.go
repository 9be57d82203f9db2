// Package contracttest checks HTTP handlers against an accord contract from
// ordinary go test unit tests.
//
//	v, err := contract.Compile(spec)
//	require.NoError(t, err)
//	c := contracttest.New(v)
//	rec := c.Serve(t, handler, httptest.NewRequest("GET", "/orders/42", nil))
//	...
//	c.AssertAllOperations(t) // at the end: fails naming operations never exercised
//
// Failures are reported with t.Errorf, one line per violation naming the
// operation, status, part, JSON pointer, keyword and message, so a test
// keeps going and shows every problem at once.
package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accordhq/accord/contract"
)

// Checker validates exchanges against one contract and remembers which
// operations and response statuses they exercised. It is safe for
// concurrent use, so parallel subtests may share one.
type Checker struct {
	v    *contract.Validator
	mu   sync.Mutex
	hits map[string]map[string]bool // operation → response key → hit
}

// New returns a Checker for a compiled contract. A nil v (the error from
// contract.Compile went unchecked) gives a Checker whose every check fails
// the test saying so, rather than panicking.
func New(v *contract.Validator) *Checker {
	return &Checker{v: v, hits: map[string]map[string]bool{}}
}

// missing fails t when the Checker has no validator.
func (c *Checker) missing(t testing.TB) bool {
	t.Helper()
	if c == nil || c.v == nil {
		t.Errorf("contracttest: the Checker has no validator: contract.Compile returned an error that was not checked")
		return true
	}
	return false
}

// Serve sends r to h, validates the request and the response against the
// contract, records the operation and status as exercised, and returns the
// recorded response for the test's own assertions. r's body is read once
// and handed to h unchanged.
func (c *Checker) Serve(t testing.TB, h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	if c.missing(t) {
		return nil
	}
	body, ok := readAll(t, "request", &r.Body)
	if !ok {
		return nil
	}
	c.report(t, r, 0, c.v.ValidateRequest(r, body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	c.checkResponse(t, r, rec.Result().StatusCode, rec.Result().Header, rec.Body.Bytes())
	return rec
}

// ValidateRequest validates a request built by a test. r's body is read and
// put back.
func (c *Checker) ValidateRequest(t testing.TB, r *http.Request) contract.Result {
	t.Helper()
	if c.missing(t) {
		return contract.Result{}
	}
	body, ok := readAll(t, "request", &r.Body)
	if !ok {
		return contract.Result{}
	}
	res := c.v.ValidateRequest(r, body)
	c.report(t, r, 0, res)
	return res
}

// ValidateResponse validates a response to r that a test recorded, given as
// an *httptest.ResponseRecorder or an *http.Response (whose body is read and
// put back), and records the operation and status as exercised.
func (c *Checker) ValidateResponse(t testing.TB, r *http.Request, resp any) contract.Result {
	t.Helper()
	if c.missing(t) {
		return contract.Result{}
	}
	switch resp := resp.(type) {
	case *httptest.ResponseRecorder:
		result := resp.Result()
		return c.checkResponse(t, r, result.StatusCode, result.Header, resp.Body.Bytes())
	case *http.Response:
		body, ok := readAll(t, "response", &resp.Body)
		if !ok {
			return contract.Result{}
		}
		return c.checkResponse(t, r, resp.StatusCode, resp.Header, body)
	default:
		t.Errorf("contracttest: ValidateResponse needs an *httptest.ResponseRecorder or *http.Response, got %T", resp)
		return contract.Result{}
	}
}

func (c *Checker) checkResponse(t testing.TB, r *http.Request, status int, header http.Header, body []byte) contract.Result {
	t.Helper()
	res := c.v.ValidateResponse(r, status, header, body)
	if res.Operation != "" {
		c.hit(res.Operation, status)
	}
	c.report(t, r, status, res)
	return res
}

func (c *Checker) hit(operation string, status int) {
	key := strconv.Itoa(status)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hits[operation] == nil {
		c.hits[operation] = map[string]bool{}
	}
	c.hits[operation][key] = true
}

func (c *Checker) report(t testing.TB, r *http.Request, status int, res contract.Result) {
	t.Helper()
	if res.OK() {
		return
	}
	var b strings.Builder
	what := "request"
	if status != 0 {
		what = "response " + strconv.Itoa(status)
	}
	op := res.Operation
	if op == "" {
		op = "no operation"
	}
	fmt.Fprintf(&b, "contract: %s %s (%s) %s breaks the contract:", r.Method, r.URL.Path, op, what)
	for _, v := range res.Violations {
		v.Operation, v.Status = "", 0
		b.WriteString("\n    " + v.String())
	}
	t.Errorf("%s", b.String())
}

// AssertExamples fails listing every example in the contract that does not
// validate against it.
func (c *Checker) AssertExamples(t testing.TB) {
	t.Helper()
	if c.missing(t) {
		return
	}
	findings := c.v.ValidateExamples()
	if len(findings) == 0 {
		return
	}
	lines := make([]string, len(findings))
	for i, f := range findings {
		lines[i] = "    " + f.Message
	}
	t.Errorf("contract: %d example violation(s):\n%s", len(findings), strings.Join(lines, "\n"))
}

// Exercised returns, per operation ID, the declared response keys ("200",
// "4XX", "default") that the checked responses hit. Operations never hit
// map to an empty list.
func (c *Checker) Exercised() map[string][]string {
	out := map[string][]string{}
	if c.v == nil {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, op := range c.v.Operations() {
		keys := []string{}
		for _, key := range c.v.Responses(op) {
			if c.hitKey(op, key) {
				keys = append(keys, key)
			}
		}
		out[op] = keys
	}
	return out
}

// hitKey reports whether a recorded status falls under a declared key. A
// status counts for the most specific key that declares it.
func (c *Checker) hitKey(op, key string) bool {
	declared := c.v.Responses(op)
	for status := range c.hits[op] {
		if responseKey(declared, status) == key {
			return true
		}
	}
	return false
}

func responseKey(declared []string, status string) string {
	if slices.Contains(declared, status) {
		return status
	}
	if rng := status[:1] + "XX"; slices.Contains(declared, rng) {
		return rng
	}
	if slices.Contains(declared, "default") {
		return "default"
	}
	return ""
}

// Report returns what the checked exchanges exercised, every operation of
// the contract included (the declared responses hit and the statuses
// seen), as the contract.TestReport a CI job uploads for
// the version it tested (POST …/contracts/{id}/versions/{version}/test-runs).
func (c *Checker) Report(source string) contract.TestReport {
	ex := c.Exercised()
	if c.v == nil {
		return contract.TestReport{Source: source, Operations: []contract.ExercisedOperation{}}
	}
	r := contract.TestReport{Service: c.v.Spec().Service, Source: source, Operations: make([]contract.ExercisedOperation, 0, len(ex))}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, op := range c.v.Operations() {
		var statuses []int
		for st := range c.hits[op] {
			if n, err := strconv.Atoi(st); err == nil {
				statuses = append(statuses, n)
			}
		}
		slices.Sort(statuses)
		r.Operations = append(r.Operations, contract.ExercisedOperation{ID: op, Responses: ex[op], Statuses: statuses})
	}
	return r
}

// WriteReport writes Report(source) to path as JSON, for a CI job to
// upload. Call it at the end of the tests, in TestMain or t.Cleanup.
func (c *Checker) WriteReport(path, source string) error {
	b, err := json.MarshalIndent(c.Report(source), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// AssertAllOperations fails listing the operations no checked response
// exercised.
func (c *Checker) AssertAllOperations(t testing.TB) {
	t.Helper()
	if c.missing(t) {
		return
	}
	var missing []string
	for op, keys := range c.Exercised() {
		if len(keys) == 0 {
			missing = append(missing, op)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("contract: %d operation(s) never exercised: %s", len(missing), strings.Join(missing, ", "))
	}
}

// AssertAllResponses fails listing every declared response (operation and
// status) no checked response exercised, as a diff of declared against
// exercised.
func (c *Checker) AssertAllResponses(t testing.TB) {
	t.Helper()
	if c.missing(t) {
		return
	}
	declared := map[string][]string{}
	for _, op := range c.v.Operations() {
		declared[op] = c.v.Responses(op)
	}
	if diff := cmp.Diff(declared, c.Exercised()); diff != "" {
		t.Errorf("contract: declared responses never exercised (-declared +exercised):\n%s", diff)
	}
}

// readAll reads a body and puts an unread copy back.
func readAll(t testing.TB, what string, body *io.ReadCloser) ([]byte, bool) {
	t.Helper()
	if *body == nil || *body == http.NoBody {
		return nil, true
	}
	b, err := io.ReadAll(*body)
	(*body).Close()
	if err != nil {
		t.Errorf("contracttest: reading the %s body: %v", what, err)
		return nil, false
	}
	*body = io.NopCloser(bytes.NewReader(b))
	return b, true
}
