package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
)

// Mode says what the middleware does with a request that breaks the
// contract.
type Mode int

const (
	// Report passes every request and response through unchanged and
	// reports violations to OnViolation.
	Report Mode = iota
	// Enforce answers a request that breaks the contract with 400 and an
	// application/problem+json body listing the violations; the handler
	// never sees it. Responses are still only reported: by the time they
	// are checked they have been sent. Requests for routes the contract
	// does not describe (health checks, metrics) pass through and are
	// reported.
	Enforce
)

// MiddlewareOptions configure Validator.Middleware.
type MiddlewareOptions struct {
	Mode Mode
	// OnViolation receives every result with violations, request and
	// response alike (Violation.Part tells which). It may be called from
	// many goroutines. Nil logs them with slog.Default at warn level.
	OnViolation func(r *http.Request, res Result)
	// MaxBodyBytes bounds the bytes buffered for validation per body;
	// 0 means 1 MiB. A larger body still reaches the handler (or the
	// client) in full but is not validated; it is reported with keyword
	// body_size and never rejected.
	MaxBodyBytes int64
}

// Middleware returns net/http middleware that validates live traffic
// against the contract.
func (v *Validator) Middleware(opts MiddlewareOptions) func(http.Handler) http.Handler {
	limit := opts.MaxBodyBytes
	if limit <= 0 {
		limit = 1 << 20
	}
	report := opts.OnViolation
	if report == nil {
		report = func(r *http.Request, res Result) {
			slog.Default().Warn("contract violation", "method", r.Method, "path", r.URL.Path, "operation", res.Operation, "violations", res.String())
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, complete, err := buffer(r, limit)
			if err != nil {
				http.Error(w, "reading request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			var res Result
			if complete {
				res = v.ValidateRequest(r, body)
			} else {
				res = v.ValidateRequest(r, nil)
				res.Violations = dropPart(res.Violations, PartRequestBody)
				res.Violations = append(res.Violations, tooLarge(res, PartRequestBody, 0, limit))
			}
			if !res.OK() {
				report(r, res)
				if opts.Mode == Enforce && rejects(res) {
					writeViolations(w, res)
					return
				}
			}
			rec := &recorder{ResponseWriter: w, limit: limit, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			if !rec.wrote {
				rec.header = w.Header().Clone()
			}
			if res.Operation == "" {
				return // the request matched no operation; it has been reported
			}
			var out Result
			if rec.overflow {
				out = v.ValidateResponse(r, rec.status, rec.header, nil)
				out.Violations = dropPart(out.Violations, PartResponseBody)
				out.Violations = append(out.Violations, tooLarge(out, PartResponseBody, rec.status, limit))
			} else {
				out = v.ValidateResponse(r, rec.status, rec.header, rec.body.Bytes())
			}
			if !out.OK() {
				report(r, out)
			}
		})
	}
}

// buffer reads up to limit bytes of the request body for validation and
// gives the handler a body that yields all of it.
func buffer(r *http.Request, limit int64) (body []byte, complete bool, err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, true, nil
	}
	head, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(head)) <= limit {
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(head))
		return head, true, nil
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	return nil, false, nil
}

func rejects(res Result) bool {
	for _, v := range res.Violations {
		if v.Part != PartRoute && v.Keyword != "body_size" {
			return true
		}
	}
	return false
}

func dropPart(vs []Violation, part Part) []Violation {
	out := vs[:0]
	for _, v := range vs {
		if v.Part != part {
			out = append(out, v)
		}
	}
	return out
}

func tooLarge(res Result, part Part, status int, limit int64) Violation {
	return Violation{Operation: res.Operation, label: res.name, Part: part, Status: status, Keyword: "body_size",
		Message: fmt.Sprintf("larger than the %d-byte validation limit; not validated", limit)}
}

// problemBody is the application/problem+json answer to a request that
// breaks the contract (RFC 9457), with the violations as an extension.
type problemBody struct {
	Type       string       `json:"type"`
	Title      string       `json:"title"`
	Status     int          `json:"status"`
	Detail     string       `json:"detail"`
	Errors     []fieldError `json:"errors"`
	Violations []Violation  `json:"violations"`
}

type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeViolations(w http.ResponseWriter, res Result) {
	p := problemBody{
		Type:       "urn:accord:problem:contract-violation",
		Title:      "The request does not match the API contract",
		Status:     http.StatusBadRequest,
		Detail:     fmt.Sprintf("%d contract violation(s) in operation %s", len(res.Violations), res.Operation),
		Violations: res.Violations,
	}
	for _, v := range res.Violations {
		p.Errors = append(p.Errors, fieldError{Field: v.field(), Message: v.Keyword + ": " + v.Message})
	}
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusBadRequest)
	w.Write(body)
}

// recorder passes a response through and keeps a copy of its status,
// headers and up to limit bytes of body.
type recorder struct {
	http.ResponseWriter
	limit    int64
	status   int
	header   http.Header
	body     bytes.Buffer
	overflow bool
	wrote    bool
}

func (rec *recorder) WriteHeader(status int) {
	if !rec.wrote {
		rec.wrote = true
		rec.status = status
		rec.header = rec.ResponseWriter.Header().Clone()
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if !rec.wrote {
		rec.WriteHeader(http.StatusOK)
	}
	if !rec.overflow {
		if int64(rec.body.Len()+len(b)) > rec.limit {
			rec.overflow = true
			rec.body = bytes.Buffer{}
		} else {
			rec.body.Write(b)
		}
	}
	return rec.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
