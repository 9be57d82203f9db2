package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/telemetry"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
	"github.com/accordhq/accord/watch"
	"github.com/accordhq/accord/webhook"
	"go.opentelemetry.io/otel/metric"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// Options configure the handler. Services (with its Requirements) and
// Authenticator are required.
type Options struct {
	// Services are the domain services link.New built. Requirements is
	// required; each other domain's routes answer 404 while its service
	// is nil.
	Services link.Services
	// Projects (optional) serves /v1/projects and, unless Authorizer says
	// otherwise, authorizes by membership (ProjectMembers).
	Projects *project.Service
	Impacts  Impacts // optional, with Services.Traces: serves /impact
	// Names (optional, with Traces) names both ends of the links the link
	// routes list (from_title, to_title: REQ-3 Refund an order);
	// link.Services.Records is one. Without it an end is named by its ref.
	Names   report.Names
	Reports Reports // optional: serves /reports (coverage, progress)
	// Exports (optional) serves GET /v1/projects/{project}/export: the
	// whole project as one document, to holders of project.export.
	Exports  *transfer.Exporter
	Webhooks *webhook.Service // optional: serves /webhooks to project admins
	Watches  *watch.Service   // optional: serves /watches and /inbox
	// External (optional) serves /external-references: records' references
	// to items in trackers (Jira, PingCode, …).
	External *external.Service
	// Trackers (optional, with External) re-runs failed tracker syncs:
	// POST /trackers/{system}/sync answers 501 without it.
	Trackers Trackers
	// Atomically (optional) runs each request that may change something
	// (any method but GET and HEAD) as one unit of work: its writes and
	// the events they publish commit together, and only if the request
	// succeeds. sqlstore.Stores.Atomically is one. The answer is held back
	// until the commit, so a client never hears of a change that was not
	// kept.
	Atomically    func(ctx context.Context, fn func(ctx context.Context) error) error
	Promoter      Promoter // optional: turns retro items and actions into other records
	Authenticator Authenticator
	Authorizer    Authorizer   // optional: may refuse requests (403, or 404 for an unknown project)
	Logger        *slog.Logger // optional: defaults to slog.Default()
	MaxBodyBytes  int64        // optional: defaults to DefaultMaxBodyBytes (1 MiB)
	// TracerProvider and MeterProvider (optional; nil: none) observe the
	// API with OpenTelemetry: a span per request named by its route
	// pattern, with the service command's span and (given stores wrapped
	// by telemetry.Stores) the store calls' spans below it; request count
	// and duration by route and status; contract validations by outcome.
	// Nothing global is read or set.
	TracerProvider oteltrace.TracerProvider
	MeterProvider  metric.MeterProvider
}

type server struct {
	reqs      *requirement.Service
	contracts *contract.Service
	reviews   *review.Service
	projects  *project.Service
	risks     *risk.Service
	retros    *retro.Service
	plans     *plan.Service
	traces    *trace.Service
	impacts   Impacts
	names     report.Names
	reports   Reports
	exports   *transfer.Exporter
	webhooks  *webhook.Service
	watches   *watch.Service
	external  *external.Service
	trackers  Trackers
	atomic    func(ctx context.Context, fn func(ctx context.Context) error) error
	promoter  Promoter
	authn     Authenticator
	authz     Authorizer
	log       *slog.Logger
	maxBody   int64
	mux       *http.ServeMux
	// routes has the same patterns as mux but no catch-all: asked only
	// for requests no pattern serves, to tell 404 from 405.
	routes  *http.ServeMux
	encoded *byteCache           // the JSON of record revisions, see readRecord
	tel     *telemetry.Telemetry // nil: not observed
	serve   http.Handler         // mux, observed when tel is set
}

// New returns the accord HTTP handler.
func New(opts Options) (http.Handler, error) {
	if opts.Services.Requirements == nil || opts.Authenticator == nil {
		return nil, accord.Errorf(accord.Invalid, "httpapi.Options: Services.Requirements and Authenticator are required")
	}
	d := opts.Services
	if opts.Authorizer == nil && opts.Projects != nil {
		opts.Authorizer = ProjectMembers(opts.Projects)
	}
	s := &server{reqs: d.Requirements, contracts: d.Contracts, reviews: d.Reviews, projects: opts.Projects, risks: d.Risks, retros: d.Retros, plans: d.Plans, traces: d.Traces, impacts: opts.Impacts, names: opts.Names, reports: opts.Reports, exports: opts.Exports, webhooks: opts.Webhooks, watches: opts.Watches, external: opts.External, trackers: opts.Trackers, atomic: opts.Atomically, promoter: opts.Promoter, authn: opts.Authenticator, authz: opts.Authorizer,
		log: opts.Logger, maxBody: opts.MaxBodyBytes, mux: http.NewServeMux(), routes: http.NewServeMux(), encoded: newByteCache(8192)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	s.serve = s.mux
	if opts.TracerProvider != nil || opts.MeterProvider != nil {
		t, err := telemetry.New(opts.TracerProvider, opts.MeterProvider)
		if err != nil {
			return nil, accord.Errorf(accord.Internal, "httpapi.Options: telemetry: %w", err)
		}
		s.tel, s.serve = t, t.Handler(s.mux)
	}
	s.handle("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	groups := [][]endpoint{requirementEndpoints()}
	if s.contracts != nil {
		groups = append(groups, contractEndpoints())
	}
	if s.reviews != nil {
		groups = append(groups, reviewEndpoints())
	}
	if s.risks != nil {
		groups = append(groups, riskEndpoints())
	}
	if s.retros != nil {
		groups = append(groups, retroEndpoints())
	}
	if s.plans != nil {
		groups = append(groups, planEndpoints())
	}
	if s.traces != nil {
		groups = append(groups, traceEndpoints(s.impacts != nil))
	}
	if s.reports != nil {
		groups = append(groups, reportEndpoints())
	}
	if s.exports != nil {
		groups = append(groups, exportEndpoints())
	}
	if s.webhooks != nil {
		groups = append(groups, webhookEndpoints())
	}
	if s.watches != nil {
		groups = append(groups, watchEndpoints())
	}
	if s.external != nil {
		groups = append(groups, externalEndpoints(), trackerEndpoints())
	}
	if s.projects != nil {
		groups = append(groups, projectEndpoints())
	}
	doc, err := contract.OpenAPI(apiSpec(groups), APIVersion)
	if err != nil {
		return nil, accord.Errorf(accord.Internal, "describing the API: %w", err)
	}
	s.handle("GET /v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	})
	for _, g := range groups {
		for _, e := range g {
			s.route(e.method+" "+e.path, e.handle, !e.outsideUnit)
		}
	}
	// Requests no pattern serves come here, so a request is matched once.
	s.mux.HandleFunc("/", s.unrouted)
	return s, nil
}

// handle registers h on the mux, and its pattern on routes.
func (s *server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	s.routes.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
}

// route registers an authenticated handler that reports failures as problems.
func (s *server) route(pattern string, h func(s *server, w http.ResponseWriter, r *http.Request) error, unit bool) {
	s.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		actor, err := s.authn.Authenticate(r)
		if err == nil && s.authz != nil {
			actor, err = s.authz.Authorize(r, actor)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		telemetry.RequestFrom(r.Context()).SetActor(actor.ID)
		r = r.WithContext(accord.WithActor(r.Context(), actor))
		if s.atomic == nil || !unit || r.Method == http.MethodGet || r.Method == http.MethodHead {
			if err := h(s, w, r); err != nil {
				s.fail(w, r, err)
			}
			return
		}
		s.atomically(w, r, h)
	})
}

// errUndo rolls back a unit whose request failed.
var errUndo = errors.New("the request failed: its changes are undone")

// atomically serves r inside a unit of work, holding the answer back
// until the unit committed: a failed request (status 400 or more) keeps
// nothing, and a commit that fails answers 500 instead.
func (s *server) atomically(w http.ResponseWriter, r *http.Request, h func(s *server, w http.ResponseWriter, r *http.Request) error) {
	held := &heldResponse{header: http.Header{}}
	err := s.atomic(r.Context(), func(ctx context.Context) error {
		r := r.WithContext(ctx)
		if err := h(s, held, r); err != nil {
			s.fail(held, r, err)
		}
		if held.status >= 400 {
			return errUndo
		}
		return nil
	})
	if err != nil && !errors.Is(err, errUndo) {
		s.fail(w, r, err)
		return
	}
	for k, v := range held.header {
		w.Header()[k] = v
	}
	if held.status == 0 {
		held.status = http.StatusOK
	}
	w.WriteHeader(held.status)
	_, _ = w.Write(held.body.Bytes())
}

// heldResponse keeps an answer until it may be sent.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldResponse) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return h.body.Write(b)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.serve.ServeHTTP(w, r)
}

// unrouted answers requests no pattern matches: 404 and 405 become
// problems (405 keeps its Allow header); redirects pass through.
func (s *server) unrouted(w http.ResponseWriter, r *http.Request) {
	h, _ := s.routes.Handler(r)
	c := &capture{header: http.Header{}}
	h.ServeHTTP(c, r)
	switch c.status {
	case http.StatusNotFound:
		writeProblem(w, Problem{Type: problemType("not_found"), Title: "Not Found", Status: http.StatusNotFound,
			Detail: fmt.Sprintf("no resource at %s", r.URL.Path)})
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", c.header.Get("Allow"))
		writeProblem(w, Problem{Type: problemType("method_not_allowed"), Title: "Method Not Allowed", Status: http.StatusMethodNotAllowed,
			Detail: fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, c.header.Get("Allow"))})
	default:
		for k, v := range c.header {
			w.Header()[k] = v
		}
		w.WriteHeader(c.status)
	}
}

// capture records what the mux's own 404/405/redirect handlers would write.
type capture struct {
	header http.Header
	status int
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}
func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return len(b), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // keep "<=" readable: this is an API, not HTML
	_ = enc.Encode(v)
}

// encodeJSON is the body writeJSON writes, as bytes.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// checkParams refuses query parameters outside allowed, so a misspelt
// filter fails instead of silently returning everything.
func checkParams(r *http.Request, allowed ...string) error {
	for name := range r.URL.Query() {
		if !slices.Contains(allowed, name) {
			return invalid(name, "unknown query parameter; allowed: %s", strings.Join(allowed, ", "))
		}
	}
	return nil
}

// listQuery reads page_size and page_token, allowing the filters named.
func listQuery(r *http.Request, filters ...string) (size int, token string, err error) {
	if err := checkParams(r, append([]string{"page_size", "page_token"}, filters...)...); err != nil {
		return 0, "", err
	}
	q := r.URL.Query()
	if v := q.Get("page_size"); v != "" {
		if size, err = strconv.Atoi(v); err != nil {
			return 0, "", invalid("page_size", "must be a whole number, not %q", v)
		}
		if size < 1 {
			return 0, "", invalid("page_size", "must be between 1 and %d", accord.MaxPageSize)
		}
	}
	return size, q.Get("page_token"), nil
}

// values returns a query parameter given repeatedly or comma-separated.
func values(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// revisionParam parses a revision number given as parameter name.
func revisionParam(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, invalid(name, "must be a revision number (1 or more), not %q", v)
	}
	return n, nil
}

// fromTo reads the revision numbers of a diff.
func fromTo(r *http.Request) (from, to int, err error) {
	if err := checkParams(r, "from", "to"); err != nil {
		return 0, 0, err
	}
	if from, err = revisionParam("from", r.URL.Query().Get("from")); err != nil {
		return 0, 0, err
	}
	to, err = revisionParam("to", r.URL.Query().Get("to"))
	return from, to, err
}

// validation starts the span of a contract validation and returns what
// ends it with the outcome; a no-op when the API is not observed.
func (c in) validation(operation, contract, version string) func(valid bool) {
	if c.tel == nil {
		return func(bool) {}
	}
	_, end := c.tel.Validation(c.ctx(), operation, contract, version)
	return end
}
