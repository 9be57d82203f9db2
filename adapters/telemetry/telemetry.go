// Package telemetry instruments accord with OpenTelemetry, with the
// providers an embedding program hands it and no global state: spans and
// metrics for HTTP requests (by route pattern and status), store calls (by
// engine), contract validations (by outcome) and the outbox's relays
// (deliveries by result, and the lag of the oldest undelivered event).
//
// The service commands' spans need no wiring: internal/svc starts each
// command's span with the tracer provider of the span already in the
// context (the HTTP request's), so a program that gives the HTTP API a
// tracer provider gets the request, command and store spans as one trace.
//
// A nil provider is OpenTelemetry's no-op one. New(nil, nil) is cheap but
// not free; leave the telemetry out where nothing is observed.
package telemetry

//go:generate go run gen_stores.go

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// Scope is the instrumentation scope of accord's tracers and meters.
const Scope = "github.com/accordhq/accord"

// Telemetry holds the tracer and the instruments made from the providers.
// Its methods are safe for concurrent use.
type Telemetry struct {
	tracer     trace.Tracer
	meter      metric.Meter
	requests   metric.Float64Histogram
	storeCalls metric.Float64Histogram
	validated  metric.Int64Counter
	deliveries metric.Int64Counter
	delivery   metric.Float64Histogram
	// attrs holds the measurement options made so far, by a key of
	// their values (storeKey, requestAttrs): a request records without
	// building and sorting its attribute set again. Their values are
	// bounded: methods outside the standard ones are counted as _OTHER.
	attrs sync.Map
}

type storeKey struct{ engine, op, outcome string }

type requestAttrs struct {
	method, route string
	status        int
}

// options returns the cached measurement option of k, made by mk once.
func (t *Telemetry) options(k any, mk func() metric.MeasurementOption) metric.MeasurementOption {
	if o, ok := t.attrs.Load(k); ok {
		return o.(metric.MeasurementOption)
	}
	o, _ := t.attrs.LoadOrStore(k, mk())
	return o.(metric.MeasurementOption)
}

// method is r's method when it is a standard one, else "_OTHER": a client
// cannot make new series by inventing methods.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "_OTHER"
}

// New makes the telemetry from the providers; nil stands for no-op.
func New(tp trace.TracerProvider, mp metric.MeterProvider) (*Telemetry, error) {
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	t := &Telemetry{tracer: tp.Tracer(Scope), meter: mp.Meter(Scope)}
	var err error
	seconds := metric.WithExplicitBucketBoundaries(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
	if t.requests, err = t.meter.Float64Histogram("http.server.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP requests, by route pattern, method and status."), seconds); err != nil {
		return nil, err
	}
	if t.storeCalls, err = t.meter.Float64Histogram("accord.store.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of store calls, by engine, operation and outcome."), seconds); err != nil {
		return nil, err
	}
	if t.validated, err = t.meter.Int64Counter("accord.contract.validations",
		metric.WithDescription("Contract validations of sample traffic, by operation (request, response) and outcome (valid, invalid).")); err != nil {
		return nil, err
	}
	if t.deliveries, err = t.meter.Int64Counter("accord.outbox.delivery.attempts",
		metric.WithDescription("Delivery attempts of outbox events by relays, by destination kind and result (ok, error).")); err != nil {
		return nil, err
	}
	if t.delivery, err = t.meter.Float64Histogram("accord.outbox.delivery.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of outbox delivery attempts, by destination kind and result."), seconds); err != nil {
		return nil, err
	}
	return t, nil
}

// Stores returns s with every store's calls timed (accord.store.call.duration)
// and made child spans named "store.<Method>", engine naming the database
// ("sqlite", "postgresql", "memory"). Nil stores stay nil.
func (t *Telemetry) Stores(s adapters.Stores, engine string) adapters.Stores {
	return t.wrap(s, engine)
}

func (t *Telemetry) storeCall(ctx context.Context, engine, op string) (context.Context, func(error)) {
	start := time.Now()
	ctx, span := t.tracer.Start(ctx, "store."+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", engine), attribute.String("db.operation.name", op)))
	return ctx, func(err error) {
		outcome := "ok"
		if err != nil {
			outcome = string(accord.ErrorCode(err))
			if outcome == string(accord.Internal) {
				span.RecordError(err)
				span.SetStatus(codes.Error, "store call failed")
			}
			span.SetAttributes(attribute.String("accord.error.code", outcome))
		}
		span.End()
		t.storeCalls.Record(ctx, time.Since(start).Seconds(), t.options(storeKey{engine, op, outcome}, func() metric.MeasurementOption {
			return metric.WithAttributes(attribute.String("db.system.name", engine), attribute.String("db.operation.name", op), attribute.String("outcome", outcome))
		}))
	}
}

// Validation starts the span of a contract validation of operation
// ("request", "response") against the contract version named; the
// function it returns ends it with the outcome and counts it in
// accord.contract.validations.
func (t *Telemetry) Validation(ctx context.Context, operation, contract, version string) (context.Context, func(valid bool)) {
	ctx, span := t.tracer.Start(ctx, "contract.validate "+operation, trace.WithAttributes(
		attribute.String("accord.validation.operation", operation), attribute.String("accord.contract", contract), attribute.String("accord.contract.version", version)))
	return ctx, func(valid bool) {
		outcome := "invalid"
		if valid {
			outcome = "valid"
		}
		span.SetAttributes(attribute.String("accord.validation.outcome", outcome))
		span.End()
		t.validated.Add(ctx, 1, metric.WithAttributes(attribute.String("operation", operation), attribute.String("outcome", outcome)))
	}
}

// Deliveries wraps a relay's delivery function: each attempt is a span
// ("outbox.deliver", with the event, its attempt number and latency) and
// is counted by result in accord.outbox.delivery.attempts. kind names the
// destination ("webhook"). Attempts are counted per event: the relay
// retries one event until it is delivered, in order.
func (t *Telemetry) Deliveries(kind string, deliver func(context.Context, accord.Event) error) func(context.Context, accord.Event) error {
	var mu sync.Mutex
	var last string
	var attempt int
	return func(ctx context.Context, e accord.Event) error {
		mu.Lock()
		if e.ID != last {
			last, attempt = e.ID, 0
		}
		attempt++
		n := attempt
		mu.Unlock()
		start := time.Now()
		ctx, span := t.tracer.Start(ctx, "outbox.deliver", trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(
			attribute.String("accord.destination", kind), attribute.String("accord.event.id", e.ID), attribute.String("accord.event.kind", e.Kind),
			attribute.Int("accord.delivery.attempt", n)))
		err := deliver(ctx, e)
		took := time.Since(start)
		result := "ok"
		if err != nil {
			result = "error"
			span.RecordError(err)
			span.SetStatus(codes.Error, "delivery failed")
		}
		span.SetAttributes(attribute.Float64("accord.delivery.latency_seconds", took.Seconds()), attribute.String("accord.delivery.result", result))
		span.End()
		attrs := metric.WithAttributes(attribute.String("destination", kind), attribute.String("result", result))
		t.deliveries.Add(ctx, 1, attrs)
		t.delivery.Record(ctx, took.Seconds(), attrs)
		return err
	}
}

// OutboxLag registers accord.outbox.lag, an observable gauge read at each
// collection from lag: the age of the oldest event a relay has not yet
// delivered (sqlstore.Stores.OutboxLag). A read that fails is skipped.
func (t *Telemetry) OutboxLag(lag func(context.Context) (time.Duration, error)) error {
	_, err := t.meter.Float64ObservableGauge("accord.outbox.lag", metric.WithUnit("s"),
		metric.WithDescription("Age of the oldest outbox event some relay has not delivered; 0 when all are delivered."),
		metric.WithFloat64Callback(func(ctx context.Context, o metric.Float64Observer) error {
			d, err := lag(ctx)
			if err != nil {
				return nil
			}
			o.Observe(d.Seconds())
			return nil
		}))
	return err
}

// Handler wraps an http.Handler served by an http.ServeMux (or one that
// serves through one): each request is a server span named by its route
// pattern ("GET /v1/projects/{project}/requirements/{id}"), never the raw
// path, and is timed in http.server.request.duration by pattern, method
// and status. A request no pattern matched is named by its method alone.
func (t *Telemetry) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m := method(r.Method)
		ctx, span := t.tracer.Start(r.Context(), m, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", m)))
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(ctx)
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := routeOf(r.Pattern)
			if route != "" {
				span.SetName(m + " " + route)
			}
			span.SetAttributes(attribute.String("http.route", route), attribute.Int("http.response.status_code", status))
			if status >= 500 {
				span.SetStatus(codes.Error, strconv.Itoa(status))
			}
			span.End()
			t.requests.Record(ctx, time.Since(start).Seconds(), t.options(requestAttrs{m, route, status}, func() metric.MeasurementOption {
				return metric.WithAttributes(attribute.String("http.request.method", m), attribute.String("http.route", route), attribute.Int("http.response.status_code", status))
			}))
		}()
		h.ServeHTTP(sw, r)
	})
}

// routeOf strips the method from a ServeMux pattern; the catch-all "/" is
// no route.
func routeOf(pattern string) string {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '/' {
			pattern = pattern[i:]
			break
		}
	}
	if pattern == "/" {
		return ""
	}
	return pattern
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
