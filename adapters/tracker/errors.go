package tracker

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
)

// Kind classifies a tracker error by what the caller should do about it.
type Kind string

// The kinds of tracker errors.
const (
	RateLimited  Kind = "rate_limited" // wait Error.RetryAfter, then retry
	Unauthorized Kind = "unauthorized" // credentials wrong or lacking permission: do not retry
	NotFound     Kind = "not_found"    // the item (or project) does not exist
	Conflict     Kind = "conflict"     // the tracker refused because of the item's state
	Temporary    Kind = "temporary"    // network failure or 5xx: retry with backoff
	Invalid      Kind = "invalid"      // the tracker rejected the input: see Fields
)

// Error is the error every connector returns for a failed call. It names
// the system and, for Invalid, the fields the tracker complained about.
type Error struct {
	Kind   Kind
	System string // "jira", "pingcode"
	Op     string // "create", "move", …
	Status int    // HTTP status, 0 for network failures
	// RetryAfter is the wait the tracker asked for (Retry-After or a reset
	// time); zero when it said nothing.
	RetryAfter time.Duration
	Message    string
	Fields     []accord.FieldError
	Err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", e.System, e.Op, e.Kind)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for i, f := range e.Fields {
		if i == 0 && e.Message == "" {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field + ": " + f.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil && e.Message == "" && len(e.Fields) == 0 {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, looking through wrapping; errors that are
// not *Error (a context cancellation, say) have the empty kind.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// KindForStatus classifies an HTTP status the way both vendors document
// them. 503 counts as rate-limited only when it carries a wait.
func KindForStatus(status int, wait bool) Kind {
	switch {
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status == http.StatusServiceUnavailable && wait:
		return RateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return Unauthorized
	case status == http.StatusNotFound:
		return NotFound
	case status == http.StatusConflict:
		return Conflict
	case status >= 500 || status == http.StatusRequestTimeout:
		return Temporary
	default:
		return Invalid
	}
}

// RetryAfter reads the wait a response asks for: Retry-After in seconds or
// as an HTTP date, else X-RateLimit-Reset as an ISO 8601 time (Atlassian
// documents yyyy-MM-ddTHH:mmZ) or Unix seconds. It reports false when the
// response names no wait.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		for _, layout := range []string{"2006-01-02T15:04Z07:00", time.RFC3339, "2006-01-02T15:04:05.000Z07:00"} {
			if t, err := time.Parse(layout, v); err == nil {
				return max(t.Sub(now), 0), true
			}
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Unix(n, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
