package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/accordhq/accord"
)

// Problem is an RFC 9457 problem details body. Errors lists the invalid
// fields of a 400.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail,omitempty"`
	Errors []accord.FieldError `json:"errors,omitempty"`
	// Permission names the permission a 403 lacks.
	Permission accord.Permission `json:"permission,omitempty"`
}

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[accord.Code]int{
	accord.Invalid:            http.StatusBadRequest,
	accord.NotFound:           http.StatusNotFound,
	accord.Conflict:           http.StatusConflict,
	accord.FailedPrecondition: http.StatusConflict,
	accord.Unauthenticated:    http.StatusUnauthorized,
	accord.PermissionDenied:   http.StatusForbidden,
	accord.Unimplemented:      http.StatusNotImplemented,
	accord.Internal:           http.StatusInternalServerError,
}

// httpSlugs names the problem types of failures that only exist at the
// HTTP layer.
var httpSlugs = map[int]string{
	http.StatusBadRequest:            "invalid",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusPreconditionRequired:  "precondition_required",
	http.StatusPreconditionFailed:    "stale_revision",
}

// httpError is a failure that only exists at the HTTP layer (415, 413, 428…).
type httpError struct {
	status int
	detail string
	fields []accord.FieldError
}

func (e *httpError) Error() string { return e.detail }

func problemType(slug string) string { return "urn:accord:problem:" + slug }

// problemFor turns any error into a problem. Internal errors keep their
// detail out of the response (it may hold anything); the caller logs it.
func problemFor(err error) Problem {
	var he *httpError
	if errors.As(err, &he) {
		slug := httpSlugs[he.status]
		return Problem{Type: problemType(slug), Title: http.StatusText(he.status), Status: he.status, Detail: he.detail, Errors: he.fields}
	}
	code := accord.ErrorCode(err)
	status := statusOf[code]
	slug := string(code)
	if code == accord.Conflict && errors.Is(err, accord.ErrStale) {
		// The If-Match revision is no longer current.
		status, slug = http.StatusPreconditionFailed, "stale_revision"
	}
	p := Problem{Type: problemType(slug), Title: http.StatusText(status), Status: status}
	if status == http.StatusInternalServerError {
		p.Detail = "internal error"
		return p
	}
	p.Detail = strings.TrimPrefix(err.Error(), string(code)+": ")
	var e *accord.Error
	if errors.As(err, &e) {
		p.Errors = e.Fields
	}
	p.Permission, _ = accord.MissingPermission(err)
	return p
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFor(err)
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="accord"`)
	}
	writeProblem(w, p)
}
