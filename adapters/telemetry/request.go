package telemetry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// Request is what a server learns about a request while serving it, for
// its log lines: the request ID and, once authenticated, the actor.
type Request struct {
	ID string

	mu    sync.Mutex
	actor string
}

// SetActor records who the request acts as; r may be nil.
func (r *Request) SetActor(id string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.actor = id
	r.mu.Unlock()
}

// Actor returns who the request acts as, "" before it is authenticated.
func (r *Request) Actor() string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.actor
}

type requestKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request ctx carries, or nil.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// NewRequestID returns a random request ID of 16 hex digits.
func NewRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ValidRequestID reports whether id, taken from a client's X-Request-Id,
// is safe to repeat in logs and headers: 1 to 128 letters, digits and
// "-", "_", ".", ":".
func ValidRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// LogHandler adds to every record logged with a context the request ID
// (request_id) of the request it carries and, when a span is recording,
// its trace ID (trace_id): every line a request logs can be told apart.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, rec slog.Record) error {
	if r := RequestFrom(ctx); r != nil {
		rec.AddAttrs(slog.String("request_id", r.ID))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		rec.AddAttrs(slog.String("trace_id", sc.TraceID().String()))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.Handler.WithGroup(name)} }
