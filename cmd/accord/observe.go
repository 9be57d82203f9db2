package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/telemetry"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// observeOptions are accord serve's logging and metrics settings.
type observeOptions struct {
	logFormat       string // text or json (-log-format, ACCORD_LOG_FORMAT)
	logLevel        string // debug, info, warn, error (-log-level, ACCORD_LOG_LEVEL)
	requestLogLevel string // the level of the request lines (-request-log-level, ACCORD_REQUEST_LOG_LEVEL)
	metrics         bool   // serve /metrics (-metrics, ACCORD_METRICS=1)
	metricsAddr     string // serve /metrics there instead (-metrics-addr, ACCORD_METRICS_ADDR)
	logTo           io.Writer
}

// observeFlags registers the logging and metrics flags of accord serve.
func observeFlags(fs *flag.FlagSet) *observeOptions {
	o := &observeOptions{}
	fs.StringVar(&o.logFormat, "log-format", envOr("ACCORD_LOG_FORMAT", "text"), "log format: text or json; default $ACCORD_LOG_FORMAT, else text")
	fs.StringVar(&o.logLevel, "log-level", envOr("ACCORD_LOG_LEVEL", "info"), "the lowest level logged: debug, info, warn or error; default $ACCORD_LOG_LEVEL, else info")
	fs.StringVar(&o.requestLogLevel, "request-log-level", envOr("ACCORD_REQUEST_LOG_LEVEL", "info"),
		"the level of the line logged per request (debug hides them at the default -log-level); default $ACCORD_REQUEST_LOG_LEVEL, else info")
	on := os.Getenv("ACCORD_METRICS")
	fs.BoolVar(&o.metrics, "metrics", on == "1" || on == "true", "serve Prometheus metrics at /metrics; default on when $ACCORD_METRICS is 1")
	fs.StringVar(&o.metricsAddr, "metrics-addr", os.Getenv("ACCORD_METRICS_ADDR"),
		"serve /metrics on this address (127.0.0.1:9464) instead of the API's; implies -metrics; default $ACCORD_METRICS_ADDR")
	return o
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func parseLevel(flagName, s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("-%s %q: want debug, info, warn or error", flagName, s)
	}
	return l, nil
}

// logger returns the server's logger: given's handler when no format or
// level was asked for (as in tests), else a text or JSON one at the
// level; either way every line logged in a request names its request ID.
func (o observeOptions) logger(given *slog.Logger) (*slog.Logger, slog.Level, error) {
	reqLevel := slog.LevelInfo
	if o.requestLogLevel != "" {
		l, err := parseLevel("request-log-level", o.requestLogLevel)
		if err != nil {
			return nil, 0, err
		}
		reqLevel = l
	}
	h := given.Handler()
	if o.logFormat != "" || o.logLevel != "" {
		level := slog.LevelInfo
		if o.logLevel != "" {
			l, err := parseLevel("log-level", o.logLevel)
			if err != nil {
				return nil, 0, err
			}
			level = l
		}
		w := o.logTo
		if w == nil {
			w = os.Stderr
		}
		ho := &slog.HandlerOptions{Level: level}
		switch strings.ToLower(o.logFormat) {
		case "", "text":
			h = slog.NewTextHandler(w, ho)
		case "json":
			h = slog.NewJSONHandler(w, ho)
		default:
			return nil, 0, fmt.Errorf("-log-format %q: want text or json", o.logFormat)
		}
	}
	return slog.New(telemetry.LogHandler(h)), reqLevel, nil
}

// metricsHandler returns the meter provider the server's telemetry uses
// and the handler of /metrics, in Prometheus's text format, over a
// registry of its own (nothing global).
func metricsHandler() (*sdkmetric.MeterProvider, http.Handler, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: %w", err)
	}
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp)), promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), nil
}

// serveMetrics serves /metrics alone on addr until ctx is done.
func serveMetrics(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("-metrics-addr: listening on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := newServer(mux)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", slog.Any("error", err))
		}
	}()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	return "http://" + ln.Addr().String() + "/metrics", nil
}

// readyz answers 200 when ready checks nil, else 503 with the reason as a
// problem: for a load balancer's or orchestrator's readiness probe.
func readyz(ready func(context.Context) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Cache-Control", "no-store")
		if err := ready(ctx); err != nil {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			writeBody(w, httpapi.Problem{Type: "urn:accord:problem:not_ready", Title: "Service Unavailable", Status: http.StatusServiceUnavailable,
				Detail: "not ready: " + err.Error()})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		writeBody(w, map[string]string{"status": "ready"})
	}
}

// logRequests gives every request an ID (a well-formed X-Request-Id it
// came with, else a new one), answers it in X-Request-Id, carries it in
// the context for every line logged meanwhile, and logs one line per
// request at level, with the actor once authenticated.
func logRequests(h http.Handler, log *slog.Logger, level slog.Level) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !telemetry.ValidRequestID(id) {
			id = telemetry.NewRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		info := &telemetry.Request{ID: id}
		r = r.WithContext(telemetry.WithRequest(r.Context(), info))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		if !log.Enabled(r.Context(), level) {
			return
		}
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("took", time.Since(start))}
		if a := info.Actor(); a != "" {
			attrs = append(attrs, slog.String("actor", a))
		}
		log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeBody(w io.Writer, v any) { _ = json.NewEncoder(w).Encode(v) }

// observed is what the server's metrics need wired in; all nil when
// metrics are off.
type observed struct {
	meter   metric.MeterProvider
	metrics http.Handler
	tel     *telemetry.Telemetry
}

// deliveries observes a relay's deliveries when metrics are on.
func (o *observed) deliveries(kind string, deliver func(context.Context, accord.Event) error) func(context.Context, accord.Event) error {
	if o.tel == nil {
		return deliver
	}
	return o.tel.Deliveries(kind, deliver)
}

// observe turns the metrics on when asked: the stores are wrapped to time
// their calls, the outbox lag is read at each scrape, and /metrics is
// served on its own address when one is given (else by the caller, with
// the API).
func (b *backend) observe(ctx context.Context, o observeOptions, log *slog.Logger) (*observed, error) {
	if !o.metrics && o.metricsAddr == "" {
		return &observed{}, nil
	}
	mp, h, err := metricsHandler()
	if err != nil {
		return nil, err
	}
	tel, err := telemetry.New(nil, mp)
	if err != nil {
		return nil, err
	}
	engine := "memory"
	if b.sql != nil {
		engine = b.sql.Dialect.Name
		if err := tel.OutboxLag(b.sql.OutboxLag); err != nil {
			return nil, err
		}
	}
	b.Stores = tel.Stores(b.Stores, engine)
	if o.metricsAddr != "" {
		url, err := serveMetrics(ctx, o.metricsAddr, h, log)
		if err != nil {
			return nil, err
		}
		log.Info("metrics", slog.String("url", url))
	}
	return &observed{meter: mp, metrics: h, tel: tel}, nil
}

// ready is the readiness check: the database answers and is migrated.
func (b *backend) ready(ctx context.Context) error {
	if b.sql == nil {
		return nil
	}
	return b.sql.Ready(ctx)
}
