package telemetry_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/telemetry"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// observed serves the requirement API over memory stores wrapped by the
// telemetry, with in-memory trace and metric exporters.
func observed(t *testing.T) (http.Handler, *tracetest.InMemoryExporter, *sdkmetric.ManualReader) {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tel, err := telemetry.New(tp, mp)
	if err != nil {
		t.Fatal(err)
	}
	stores := tel.Stores(memory.New(), "memory")
	reqs, err := requirement.NewService(requirement.Options{Store: stores.Requirements})
	if err != nil {
		t.Fatal(err)
	}
	contracts, err := contract.NewService(contract.Options{Store: stores.Contracts})
	if err != nil {
		t.Fatal(err)
	}
	h, err := httpapi.New(httpapi.Options{Services: link.Services{Requirements: reqs, Contracts: contracts}, TracerProvider: tp, MeterProvider: mp,
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"s3cret": {ID: "alice", Roles: []string{"product"}}})})
	if err != nil {
		t.Fatal(err)
	}
	return h, spans, reader
}

func do(t *testing.T, h http.Handler, method, path, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// The trace of one requirement update over HTTP: the request's span, the
// command's span below it, the store calls below that.
func TestRequirementUpdateTrace(t *testing.T) {
	h, spans, _ := observed(t)
	if rec := do(t, h, "POST", "/v1/projects/shop/requirements", `{"title":"Refund a paid order","priority":"P1","owner":"alice"}`); rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	spans.Reset()
	rec := do(t, h, "PUT", "/v1/projects/shop/requirements/REQ-1", `{"title":"Refund a paid order in full","priority":"P1","owner":"alice"}`, "If-Match", `"1"`)
	if rec.Code != 200 {
		t.Fatalf("update: %d %s", rec.Code, rec.Body)
	}
	got := spans.GetSpans()
	byName := map[string]tracetest.SpanStub{}
	for _, s := range got {
		t.Logf("span %-55s id %s parent %s", s.Name, s.SpanContext.SpanID(), s.Parent.SpanID())
		byName[s.Name] = s
	}
	httpSpan, ok := byName["PUT /v1/projects/{project}/requirements/{id}"]
	if !ok {
		t.Fatalf("no HTTP span named by the route pattern among %d spans", len(got))
	}
	if httpSpan.Parent.IsValid() {
		t.Errorf("the HTTP span has a parent: %v", httpSpan.Parent)
	}
	if !hasAttr(httpSpan.Attributes, attribute.Int("http.response.status_code", 200)) || !hasAttr(httpSpan.Attributes, attribute.String("http.route", "/v1/projects/{project}/requirements/{id}")) {
		t.Errorf("HTTP span attributes: %v", httpSpan.Attributes)
	}
	cmd, ok := byName[requirement.EventUpdated]
	if !ok {
		t.Fatalf("no command span %q", requirement.EventUpdated)
	}
	if cmd.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("the command span's parent is %s, not the HTTP span %s", cmd.Parent.SpanID(), httpSpan.SpanContext.SpanID())
	}
	for _, name := range []string{"store.GetRequirementByKey", "store.UpdateRequirement"} {
		st, ok := byName[name]
		if !ok {
			t.Errorf("no store span %s", name)
			continue
		}
		if st.Parent.SpanID() != cmd.SpanContext.SpanID() {
			t.Errorf("%s's parent is %s, not the command span %s", name, st.Parent.SpanID(), cmd.SpanContext.SpanID())
		}
		if st.SpanContext.TraceID() != httpSpan.SpanContext.TraceID() {
			t.Errorf("%s is in another trace", name)
		}
		if !hasAttr(st.Attributes, attribute.String("db.system.name", "memory")) {
			t.Errorf("%s attributes: %v", name, st.Attributes)
		}
	}
}

// Requests are counted by route pattern and status, never by raw path;
// store calls are timed by engine.
func TestRequestAndStoreMetrics(t *testing.T) {
	h, _, reader := observed(t)
	do(t, h, "POST", "/v1/projects/shop/requirements", `{"title":"Refund a paid order","priority":"P1","owner":"alice"}`)
	do(t, h, "GET", "/v1/projects/shop/requirements/REQ-1", "")
	do(t, h, "GET", "/v1/projects/shop/requirements/REQ-9", "")
	do(t, h, "GET", "/v1/nowhere", "")
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	requests := histogram(t, rm, "http.server.request.duration")
	count := map[string]uint64{}
	for _, p := range requests.DataPoints {
		route, _ := p.Attributes.Value("http.route")
		status, _ := p.Attributes.Value("http.response.status_code")
		method, _ := p.Attributes.Value("http.request.method")
		count[method.AsString()+" "+route.AsString()+" "+status.String()] += p.Count
	}
	want := map[string]uint64{
		"POST /v1/projects/{project}/requirements 201":     1,
		"GET /v1/projects/{project}/requirements/{id} 200": 1,
		"GET /v1/projects/{project}/requirements/{id} 404": 1,
		"GET  404": 1, // no route: no raw path either
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("requests %q: %d, want %d (all: %v)", k, count[k], n, count)
		}
	}
	if len(count) != len(want) {
		t.Errorf("request series: %v", count)
	}
	stores := histogram(t, rm, "accord.store.call.duration")
	calls := map[string]uint64{}
	for _, p := range stores.DataPoints {
		engine, _ := p.Attributes.Value("db.system.name")
		op, _ := p.Attributes.Value("db.operation.name")
		outcome, _ := p.Attributes.Value("outcome")
		calls[engine.AsString()+" "+op.AsString()+" "+outcome.AsString()] += p.Count
	}
	if calls["memory CreateRequirement ok"] != 1 || calls["memory GetRequirementByKey ok"] != 1 || calls["memory GetRequirementByKey not_found"] != 1 {
		t.Errorf("store calls: %v", calls)
	}
}

// A delivery wrapped by Deliveries counts its attempts per event and by result.
func TestDeliveries(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewInMemoryExporter()
	tel, err := telemetry.New(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)), sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	if err != nil {
		t.Fatal(err)
	}
	fail := true
	deliver := tel.Deliveries("webhook", func(context.Context, accord.Event) error {
		if fail {
			fail = false
			return errors.New("receiver down")
		}
		return nil
	})
	e := accord.Event{ID: "01J", Kind: requirement.EventUpdated}
	if deliver(context.Background(), e) == nil || deliver(context.Background(), e) != nil {
		t.Fatal("want a failure then a success")
	}
	got := spans.GetSpans()
	if len(got) != 2 || !hasAttr(got[1].Attributes, attribute.Int("accord.delivery.attempt", 2)) || !hasAttr(got[0].Attributes, attribute.String("accord.delivery.result", "error")) {
		t.Errorf("delivery spans: %v", got)
	}
	if err := tel.OutboxLag(func(context.Context) (time.Duration, error) { return 1500 * time.Millisecond, nil }); err != nil {
		t.Fatal(err)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	byResult := map[string]int64{}
	for _, p := range metric(t, rm, "accord.outbox.delivery.attempts").Data.(metricdata.Sum[int64]).DataPoints {
		r, _ := p.Attributes.Value("result")
		byResult[r.AsString()] += p.Value
	}
	if byResult["ok"] != 1 || byResult["error"] != 1 {
		t.Errorf("attempts by result: %v", byResult)
	}
	lag := metric(t, rm, "accord.outbox.lag").Data.(metricdata.Gauge[float64]).DataPoints
	if len(lag) != 1 || lag[0].Value != 1.5 {
		t.Errorf("outbox lag: %v", lag)
	}
}

func hasAttr(attrs []attribute.KeyValue, want attribute.KeyValue) bool {
	for _, a := range attrs {
		if a == want {
			return true
		}
	}
	return false
}

func metric(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("no metric %s", name)
	return metricdata.Metrics{}
}

func histogram(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Histogram[float64] {
	t.Helper()
	return metric(t, rm, name).Data.(metricdata.Histogram[float64])
}

// Validating sample traffic against a contract is a span with the
// operation and outcome, and counted by them.
func TestContractValidations(t *testing.T) {
	h, spans, reader := observed(t)
	rec := do(t, h, "POST", "/v1/projects/shop/contracts", `{"version":"1.0.0","spec":{"service":"pets","owner":"team-pets",
	  "operations":[{"id":"addPet","method":"POST","path":"/pets",
	    "request_body":{"required":true,"content":{"application/json":{"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}},
	    "responses":{"201":{"content":{"application/json":{"schema":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}}}}}}]}}`)
	if rec.Code != 201 {
		t.Fatalf("contract: %d %s", rec.Code, rec.Body)
	}
	var created struct {
		ID string `json:"contract_id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	v := "/v1/projects/shop/contracts/" + created.ID + "/versions/1.0.0/validate"
	rec = do(t, h, "POST", v, `{"request":{"method":"POST","path":"/pets","body":{"name":"Rex"}},"response":{"status":201,"body":{"id":"one"}}}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"valid":false`) {
		t.Fatalf("validate: %d %s", rec.Code, rec.Body)
	}
	var outcomes []string
	for _, s := range spans.GetSpans() {
		if strings.HasPrefix(s.Name, "contract.validate ") {
			for _, a := range s.Attributes {
				if a.Key == "accord.validation.outcome" {
					outcomes = append(outcomes, s.Name+" "+a.Value.AsString())
				}
			}
		}
	}
	if strings.Join(outcomes, ", ") != "contract.validate request valid, contract.validate response invalid" {
		t.Errorf("validation spans: %v", outcomes)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, p := range metric(t, rm, "accord.contract.validations").Data.(metricdata.Sum[int64]).DataPoints {
		op, _ := p.Attributes.Value("operation")
		outcome, _ := p.Attributes.Value("outcome")
		counts[op.AsString()+" "+outcome.AsString()] += p.Value
	}
	if counts["request valid"] != 1 || counts["response invalid"] != 1 || len(counts) != 2 {
		t.Errorf("validations: %v", counts)
	}
}
