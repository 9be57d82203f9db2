package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonLines decodes the JSON log lines written so far.
func jsonLines(t *testing.T, logs *syncBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "not a JSON line: %s", line)
		out = append(out, m)
	}
	return out
}

func TestServeReadyzRequestIDsAndJSONLogs(t *testing.T) {
	logs := &syncBuffer{}
	s := start(t, filepath.Join(t.TempDir(), "accord.db"), "", func(o *serveOptions) {
		o.observe = observeOptions{logFormat: "json", logLevel: "info", logTo: logs}
	})
	defer s.stop()

	res := do(t, "GET", s.url+"/readyz", "", "", nil)
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, 200, do(t, "GET", s.url+"/healthz", "", "", nil).StatusCode)
	assert.Regexp(t, `^[0-9a-f]{16}$`, res.Header.Get("X-Request-Id"), "a request without an ID gets one")

	// A well-formed incoming ID is kept, on the answer and on every line
	// the request logs: its request line (with the actor) and its event.
	res = do(t, "POST", s.url+"/v1/projects/demo/requirements", s.pm, `{"title":"Export orders as CSV","priority":"P2","owner":"alice"}`, nil,
		"X-Request-Id", "tour-42")
	require.Equal(t, 201, res.StatusCode)
	assert.Equal(t, "tour-42", res.Header.Get("X-Request-Id"))
	// One that is not (too long, or with characters a log should not
	// repeat) is replaced.
	res = do(t, "GET", s.url+"/healthz", "", "", nil, "X-Request-Id", strings.Repeat("x", 129))
	assert.Regexp(t, `^[0-9a-f]{16}$`, res.Header.Get("X-Request-Id"))
	res = do(t, "GET", s.url+"/healthz", "", "", nil, "X-Request-Id", `a"b`)
	assert.Regexp(t, `^[0-9a-f]{16}$`, res.Header.Get("X-Request-Id"))

	var request, event map[string]any
	for _, l := range jsonLines(t, logs) {
		if l["request_id"] != "tour-42" {
			continue
		}
		switch l["msg"] {
		case "request":
			request = l
		case "event":
			event = l
		}
	}
	require.NotNil(t, request, "no request line for tour-42 in %s", logs)
	assert.Equal(t, "alice", request["actor"])
	assert.Equal(t, "INFO", request["level"])
	assert.EqualValues(t, 201, request["status"])
	require.NotNil(t, event, "the event logged in the request carries its ID: %s", logs)
	assert.Equal(t, "requirement.created", event["kind"])
}

func TestServeRequestLinesAtALevelAnOperatorLowers(t *testing.T) {
	logs := &syncBuffer{}
	s := start(t, "memory", "", func(o *serveOptions) {
		o.observe = observeOptions{logFormat: "text", logLevel: "info", requestLogLevel: "debug", logTo: logs}
	})
	do(t, "GET", s.url+"/healthz", "", "", nil)
	s.stop()
	assert.Contains(t, logs.String(), "accord server listening")
	assert.NotContains(t, logs.String(), "msg=request", "request lines at debug are hidden at -log-level info")

	_, _, err := observeOptions{logLevel: "loud"}.logger(quiet)
	assert.ErrorContains(t, err, "-log-level")
	_, _, err = observeOptions{logFormat: "xml"}.logger(quiet)
	assert.ErrorContains(t, err, "-log-format")
}

func TestReadyzAnswers503WithTheReason(t *testing.T) {
	rec := httptest.NewRecorder()
	readyz(func(context.Context) error { return errors.New("the schema is at version 4 of 5: run accord migrate") }).
		ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	assert.Equal(t, 503, rec.Code)
	assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Body.String(), "run accord migrate")
}

func TestServeMetrics(t *testing.T) {
	s := start(t, filepath.Join(t.TempDir(), "accord.db"), "", func(o *serveOptions) { o.observe = observeOptions{metrics: true} })
	defer s.stop()
	do(t, "GET", s.url+"/v1/projects/demo/requirements?page_size=5", s.pm, "", nil)
	do(t, "GET", s.url+"/v1/projects/demo/requirements/REQ-2", s.pm, "", nil)
	do(t, "GET", s.url+"/v1/projects/demo/requirements/REQ-99", s.pm, "", nil)
	res, err := http.Get(s.url + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	text := string(body)
	for _, want := range []string{
		`http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/v1/projects/{project}/requirements/{id}"`,
		`http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="404",http_route="/v1/projects/{project}/requirements/{id}"`,
		`accord_store_call_duration_seconds_count{db_operation_name="GetRequirementByKey",db_system_name="sqlite"`,
		`accord_outbox_lag_seconds{`,
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "REQ-2", "routes, never raw paths")
}

func TestServeMetricsOnTheirOwnAddress(t *testing.T) {
	logs := &syncBuffer{}
	s := start(t, "memory", "", func(o *serveOptions) {
		o.observe = observeOptions{metricsAddr: "127.0.0.1:0", logFormat: "text", logTo: logs}
	})
	defer s.stop()
	m := regexp.MustCompile(`msg=metrics url=(\S+)`).FindStringSubmatch(logs.String())
	require.NotNil(t, m, "the metrics address is logged: %s", logs)
	do(t, "GET", s.url+"/v1/projects/demo/requirements", s.pm, "", nil)
	var text string
	require.Eventually(t, func() bool {
		res, err := http.Get(m[1])
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		text = string(b)
		return res.StatusCode == 200
	}, 10*time.Second, 20*time.Millisecond)
	assert.Contains(t, text, `db_system_name="memory"`)
	res, err := http.Get(s.url + "/metrics")
	require.NoError(t, err)
	res.Body.Close()
	assert.NotEqual(t, 200, res.StatusCode, "not on the API's address as well")
}
