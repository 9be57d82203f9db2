// Package client is a typed Go client of accord's HTTP API (the reference
// server of adapters/httpapi and accord serve).
//
// It cannot drift from the API: operations.go is generated from the same
// endpoint tables that serve the routes and describe them in
// /v1/openapi.json (go generate ./client), and a test fails when the
// checked-in file differs from what the generator writes. Every operation
// has a method named after its operationId (getRequirement is
// GetRequirement), with path parameters as arguments, optional query
// parameters in an options struct, and the domain types
// (requirement.ContentInput, requirement.Requirement, …) as bodies.
//
// Revisions: a method whose response carries an ETag returns the revision
// it names beside the body; a method whose change needs If-Match takes the
// base revision as an argument and sends it.
//
// Errors: a problem+json answer is returned as *Error, with its status,
// code, message and field errors. It unwraps to an *accord.Error, so
// accord.ErrorCode(err) classifies it as it would a local call, and a
// stale If-Match is errors.Is(err, accord.ErrStale).
//
// Lists: each list operation has a Page method that reads one page and a
// method of the operation's own name that yields every item, following
// next_page_token.
package client

//go:generate go run ./internal/gen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/accordhq/accord"
)

// Options configure a Client.
type Options struct {
	// BaseURL is where the server listens, such as http://localhost:8080;
	// operation paths (/v1/…) are appended to it.
	BaseURL string
	// Token, when set, is sent as Authorization: Bearer.
	Token string
	// HTTPClient sends the requests; http.DefaultClient when nil. Give one
	// with a timeout, or transport of your own (tracing, retries).
	HTTPClient *http.Client
	// UserAgent, when set, is sent as User-Agent.
	UserAgent string
}

// Client calls one accord server. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	agent string
	hc    *http.Client
	// sent, when set (by tests), hears the operationId of each request.
	sent func(op string)
}

// New returns a client of the server at opts.BaseURL.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: BaseURL %q must be an absolute http or https URL", opts.BaseURL)
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimSuffix(opts.BaseURL, "/"), token: opts.Token, agent: opts.UserAgent, hc: hc}, nil
}

// Operation names one operation of the API: its operationId, whose
// method of Client has the same name with a capital letter, and its route.
type Operation struct {
	ID, Method, Path string
}

// Operations returns every operation of the API the client was generated
// for, in the order of its description.
func Operations() []Operation { return slices.Clone(operations) }

// Items is the body of the lists the API answers whole, without pages.
type Items[T any] struct {
	Items []T `json:"items"`
}

// Error is a failed call: the problem (RFC 9457) the server answered
// with, or the status when it sent none.
type Error struct {
	Operation string // the operationId
	Status    int
	// Code is the problem type's last part: not_found, invalid,
	// stale_revision, precondition_required…
	Code    string
	Type    string // the problem type, urn:accord:problem:<code>
	Title   string
	Message string // the problem's detail
	// Fields names each invalid field of an invalid request.
	Fields []accord.FieldError
	// Permission names what the actor lacks, on permission_denied.
	Permission accord.Permission
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s", e.Operation, e.Status, e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		if !strings.Contains(e.Message, f.Message) {
			fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
		}
	}
	return b.String()
}

// accordCodes maps the problem codes that only exist in HTTP onto
// accord's codes; the others have the same names.
var accordCodes = map[string]accord.Code{
	"stale_revision":         accord.Conflict,
	"too_large":              accord.Invalid,
	"unsupported_media_type": accord.Invalid,
	"method_not_allowed":     accord.Unimplemented,
	"precondition_required":  accord.FailedPrecondition,
}

// Unwrap returns the error as accord's own, so that accord.ErrorCode and
// errors.Is(err, accord.ErrStale) work on a remote call as on a local one.
func (e *Error) Unwrap() error {
	code, ok := accordCodes[e.Code]
	if !ok {
		code = accord.Code(e.Code)
	}
	switch code {
	case accord.Invalid, accord.NotFound, accord.Conflict, accord.FailedPrecondition, accord.Unauthenticated,
		accord.PermissionDenied, accord.Unimplemented:
	default:
		code = accord.Internal
	}
	ae := &accord.Error{Code: code, Message: e.Message, Fields: e.Fields}
	if e.Code == "stale_revision" {
		ae.Err = accord.ErrStale
	}
	return ae
}

// request is one call, as a generated method describes it.
type request struct {
	op, method, path string
	query            url.Values
	ifMatch          *int // sent as If-Match when set
	body             any
	text             bool // the success body is not JSON: read it as a string
}

// do sends r and decodes a success body into out (when not nil). It
// returns the revision the ETag names, 0 when there is none.
func (c *Client) do(ctx context.Context, r request, out any) (int, error) {
	if c.sent != nil {
		c.sent(r.op)
	}
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		data, err := json.Marshal(r.body)
		if err != nil {
			return 0, fmt.Errorf("%s: encoding the body: %w", r.op, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", r.op, err)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json, application/problem+json;q=0.9, */*;q=0.1")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.agent != "" {
		req.Header.Set("User-Agent", c.agent)
	}
	if r.ifMatch != nil {
		req.Header.Set("If-Match", `"`+strconv.Itoa(*r.ifMatch)+`"`)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", r.op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, problem(r.op, resp)
	}
	rev := revision(resp.Header.Get("ETag"))
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return rev, nil
	}
	if r.text {
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return rev, fmt.Errorf("%s: reading the response: %w", r.op, err)
		}
		*out.(*string) = string(data)
		return rev, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return rev, fmt.Errorf("%s: decoding the response: %w", r.op, err)
	}
	return rev, nil
}

// revision reads an ETag such as "3"; 0 when it is not one.
func revision(tag string) int {
	n, err := strconv.Atoi(strings.Trim(tag, `"`))
	if err != nil {
		return 0
	}
	return n
}

// problem reads a failure's body as a problem, falling back on the
// status when the body is not one (a proxy's error page).
func problem(op string, resp *http.Response) error {
	e := &Error{Operation: op, Status: resp.StatusCode}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var p struct {
		Type       string              `json:"type"`
		Title      string              `json:"title"`
		Detail     string              `json:"detail"`
		Errors     []accord.FieldError `json:"errors"`
		Permission accord.Permission   `json:"permission"`
	}
	if (mt == "application/problem+json" || mt == "application/json") && json.Unmarshal(data, &p) == nil && p.Type != "" {
		e.Type, e.Title, e.Message, e.Fields, e.Permission = p.Type, p.Title, p.Detail, p.Errors, p.Permission
		e.Code = p.Type[strings.LastIndexByte(p.Type, ':')+1:]
		return e
	}
	e.Title = http.StatusText(resp.StatusCode)
	e.Code = statusCodes[resp.StatusCode]
	if e.Code == "" {
		e.Code = "internal"
	}
	e.Message = strings.TrimSpace(string(data))
	if len(e.Message) > 200 {
		e.Message = e.Message[:200] + "…"
	}
	return e
}

// statusCodes guesses a code from a status without a problem body.
var statusCodes = map[int]string{
	http.StatusBadRequest: "invalid", http.StatusUnauthorized: "unauthenticated", http.StatusForbidden: "permission_denied",
	http.StatusNotFound: "not_found", http.StatusMethodNotAllowed: "method_not_allowed", http.StatusConflict: "conflict",
	http.StatusPreconditionFailed: "stale_revision", http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType: "unsupported_media_type", http.StatusPreconditionRequired: "precondition_required",
	http.StatusNotImplemented: "unimplemented",
}

// each yields the items of page after page, from the page start names,
// until a page has no next_page_token or the caller stops.
func each[T any](start string, page func(token string) (accord.Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := start
		for {
			p, err := page(token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			if p.NextPageToken == "" || p.NextPageToken == token {
				return
			}
			token = p.NextPageToken
		}
	}
}
