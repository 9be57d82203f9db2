package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/watch"
)

// Authenticator turns a request into the actor making it, or fails with
// an Unauthenticated error. httpapi's authenticators are ones: the login
// form's token is checked by asking it about a request that carries the
// token as "Authorization: Bearer".
type Authenticator interface {
	Authenticate(r *http.Request) (accord.Actor, error)
}

// Reports are the read models across domains the project home and the
// traceability page show (link.Services is one).
type Reports interface {
	Progress(ctx context.Context, project string, since time.Time) (report.ProgressReport, error)
	Coverage(ctx context.Context, project string) (report.CoverageReport, error)
}

// Options configure the console. Requirements, Projects and Authenticator
// are required; a domain whose service is nil has no pages (its menu
// entry is hidden and its addresses answer 404).
type Options struct {
	// Services are the domain services link.New built: Requirements is
	// required, each other domain's pages need its service, and
	// Services.Records names the ends of links by key and title (without
	// it links show their kind and ID).
	link.Services
	Watches *watch.Service
	Reports Reports
	// External (optional) shows on each record's page the items that
	// stand for it in other systems (Jira, PingCode, …): system, key
	// linked to the item, status there, last synchronised, sync error.
	External *external.Service
	// Projects lists the caller's projects and decides membership: a
	// non-member sees 404 for everything in a project, and a member acts
	// with the roles the project gives them added to their own.
	Projects *project.Service
	// Authenticator checks the login form's tokens and, for a request
	// without a session, the request itself (an embedder's single
	// sign-on).
	Authenticator Authenticator
	// LoginURL is where a visitor without a session is sent. Empty: the
	// console's own /login page, which takes API tokens. An embedder with
	// its own sign-in gives its address, and the console serves no login
	// page.
	LoginURL string
	// SSO (optional) adds "Sign in with SSO" to the console's own login
	// page: the authorization-code flow with PKCE at an OpenID Connect
	// provider, back at /login/callback.
	SSO *SSO
	// BasePath is where the console is mounted ("/console"); empty for
	// the root. Links and cookies are under it.
	BasePath string
	// Atomically (optional) runs each change as one unit of work, as the
	// JSON API does (sqlstore.Stores.Atomically).
	Atomically func(ctx context.Context, fn func(ctx context.Context) error) error
	Clock      accord.Clock // optional: what "now" is for dates and sessions
	Logger     *slog.Logger // optional: defaults to slog.Default()
	// SessionTTL is how long a session lasts without use; default 12 hours.
	SessionTTL time.Duration
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type server struct {
	Options
	mux      *http.ServeMux
	pages    map[string]*template.Template
	sessions *sessions
	pending  pendingSignIns
	static   http.Handler
}

// New returns the console's handler.
func New(opts Options) (http.Handler, error) {
	var errs accord.FieldErrors
	if opts.Requirements == nil {
		errs.Add("Services.Requirements", "required")
	}
	if opts.Projects == nil {
		errs.Add("Projects", "required: it decides who may see a project")
	}
	if opts.Authenticator == nil {
		errs.Add("Authenticator", "required")
	}
	opts.BasePath = strings.TrimSuffix(opts.BasePath, "/")
	if opts.BasePath != "" && !strings.HasPrefix(opts.BasePath, "/") {
		errs.Add("BasePath", "must start with /, not %q", opts.BasePath)
	}
	if opts.SSO != nil && (opts.SSO.OAuth2.ClientID == "" || opts.SSO.OAuth2.RedirectURL == "" || opts.SSO.OAuth2.Endpoint.AuthURL == "" || opts.SSO.VerifyIDToken == nil) {
		errs.Add("SSO", "needs OAuth2.ClientID, OAuth2.RedirectURL, OAuth2.Endpoint and VerifyIDToken")
	}
	if err := errs.Err("web.Options"); err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	s := &server{Options: opts, mux: http.NewServeMux(), sessions: newSessions(opts.Clock, opts.SessionTTL),
		pending: pendingSignIns{byID: map[string]pendingSignIn{}}}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	sub, _ := fs.Sub(staticFS, "static")
	s.static = http.StripPrefix(s.BasePath+"/static/", http.FileServerFS(sub))
	s.routes()
	return s, nil
}

// ServeHTTP sets the security headers every answer carries, then routes.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	s.mux.ServeHTTP(w, r)
}

// contentSecurityPolicy allows scripts, styles and images from the
// console only: no inline script, style or event handler runs, and no
// other site may frame a page.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, err
		}
		pages[base] = t
	}
	return pages, nil
}

// route registers a page that needs a signed-in member: h runs with the
// actor in the context (with their project roles, for a project page).
func (s *server) route(pattern string, h func(c *call) error) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(method+" "+s.BasePath+path, func(w http.ResponseWriter, r *http.Request) {
		c := s.newCall(w, r)
		actor, err := s.authenticate(r)
		if err != nil {
			if r.Method == http.MethodGet {
				s.toLogin(w, r)
				return
			}
			c.fail(accord.Errorf(accord.Unauthenticated, "sign in again"))
			return
		}
		if p := r.PathValue("project"); p != "" {
			m, err := s.Projects.Member(r.Context(), p, actor.ID)
			if err != nil {
				c.fail(err)
				return
			}
			for _, role := range m.Roles {
				if !slices.Contains(actor.Roles, role) {
					actor.Roles = append(slices.Clip(actor.Roles), role)
				}
			}
		}
		c.actor = actor
		c.r = r.WithContext(accord.WithActor(r.Context(), actor))
		if r.Method == http.MethodPost && !s.csrfOK(c.r) {
			c.fail(errCSRF)
			return
		}
		if err := h(c); err != nil {
			c.fail(err)
		}
	})
}

var errCSRF = accord.Errorf(accord.PermissionDenied, "the form is out of date or came from another site (CSRF check): reload the page and try again")

// unit runs fn as one unit of work when the console has Atomically.
func (s *server) unit(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.Atomically == nil {
		return fn(ctx)
	}
	return s.Atomically(ctx, fn)
}

// call is one request being served.
type call struct {
	s     *server
	w     http.ResponseWriter
	r     *http.Request
	actor accord.Actor
	lang  lang
	csrf  string
	// refused and status, when set, are a refusal to show on the page
	// rendered next and the status to answer it with.
	refused fieldErrors
	status  int
}

func (s *server) newCall(w http.ResponseWriter, r *http.Request) *call {
	return &call{s: s, w: w, r: r, lang: chooseLang(r), csrf: s.csrfToken(w, r)}
}

func (c *call) ctx() context.Context { return c.r.Context() }
func (c *call) project() string      { return c.r.PathValue("project") }

// path returns the console address of a path ("/projects/demo").
func (s *server) path(p string) string { return s.BasePath + p }

// redirect answers a POST with 303 to the console path p.
func (c *call) redirect(p string) error {
	http.Redirect(c.w, c.r, c.s.path(p), http.StatusSeeOther)
	return nil
}

// view is what every template gets: the page's data and the means to
// label it in the reader's language.
type view struct {
	Title   string
	Project string
	Nav     string // the menu entry to mark current
	Actor   accord.Actor
	CSRF    string
	Base    string
	Path    string // the request's path and query, for the language switch
	Lang    lang
	Data    any
	Errors  fieldErrors // a refusal's messages by field; "" for the whole form
	Has     map[string]bool
}

func (v view) T(key string, args ...any) string { return v.Lang.t(key, args...) }

// E labels an enum value (a status, a priority, a phase) in the reader's
// language; unknown values are shown as they are.
func (v view) E(kind string, value any) string { return v.Lang.enum(kind, value) }

// Date formats a time in the reader's language.
func (v view) Date(t time.Time) string { return v.Lang.date(t) }

// Day formats a date without its time.
func (v view) Day(t time.Time) string { return v.Lang.day(t) }

// URL returns the console address of a path.
func (v view) URL(p string, args ...any) string { return v.Base + join(p, args...) }

// P returns the console address of a path inside the page's project.
func (v view) P(p string, args ...any) string {
	return v.Base + "/projects/" + url.PathEscape(v.Project) + join(p, args...)
}

func join(p string, args ...any) string {
	var b strings.Builder
	b.WriteString(p)
	for _, a := range args {
		b.WriteString("/")
		b.WriteString(url.PathEscape(toString(a)))
	}
	return b.String()
}

// render writes the page with status.
func (c *call) render(status int, page, title string, data any, errs fieldErrors) error {
	t, ok := c.s.pages[page]
	if !ok {
		return accord.Errorf(accord.Internal, "no page %q", page)
	}
	if errs == nil {
		errs = c.refused
	}
	if c.status != 0 {
		status = c.status
	}
	v := view{Title: title, Project: c.project(), Nav: page, Actor: c.actor, CSRF: c.csrf, Base: c.s.BasePath,
		Path: c.r.URL.RequestURI(), Lang: c.lang, Data: data, Errors: errs, Has: c.s.has()}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		c.s.Logger.Error("rendering a console page", slog.String("page", page), slog.Any("error", err))
		http.Error(c.w, "the page could not be shown", http.StatusInternalServerError)
		return nil
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, Accept-Language")
	if c.r.Method == http.MethodPost && c.r.Header.Get("HX-Request") == "true" {
		// A form shown again with its refusal: the address stays the
		// form's page, so that reloading it reads rather than posts.
		h.Set("HX-Push-Url", "false")
	}
	c.w.WriteHeader(status)
	_, _ = c.w.Write(buf.Bytes())
	return nil
}

// has says which domains have pages, for the menu.
func (s *server) has() map[string]bool {
	return map[string]bool{"reviews": s.Reviews != nil, "plans": s.Plans != nil, "retros": s.Retros != nil,
		"risks": s.Risks != nil, "trace": s.Reports != nil, "contracts": s.Contracts != nil, "inbox": s.Watches != nil, "links": s.Traces != nil,
		"refs": s.External != nil}
}

// fieldErrors are a refusal's messages by the field they name.
type fieldErrors map[string][]string

// refusal turns a service's error into messages by field: an Invalid
// error's fields each under its name, anything else under "".
func (c *call) refusal(err error) fieldErrors {
	out := fieldErrors{}
	var e *accord.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			out[f.Field] = append(out[f.Field], f.Message)
		}
		return out
	}
	out[""] = append(out[""], c.lang.errorText(err))
	return out
}

// fail shows an error page: 404 for what does not exist or may not be
// known, 403 for a refused permission, and so on.
func (c *call) fail(err error) {
	status := http.StatusInternalServerError
	switch accord.ErrorCode(err) {
	case accord.NotFound:
		status = http.StatusNotFound
	case accord.PermissionDenied:
		status = http.StatusForbidden
	case accord.Invalid:
		status = http.StatusBadRequest
	case accord.Conflict:
		status = http.StatusConflict
	case accord.FailedPrecondition:
		status = http.StatusUnprocessableEntity
	case accord.Unauthenticated:
		status = http.StatusUnauthorized
	}
	if status == http.StatusInternalServerError {
		c.s.Logger.Error("console request failed", slog.String("path", c.r.URL.Path), slog.Any("error", err))
	}
	msg := c.lang.errorText(err)
	if status == http.StatusNotFound {
		// The same words whether it does not exist or is not the caller's.
		msg = c.lang.t("error.not_found")
	}
	_ = c.render(status, "error", c.lang.t("error.title"), map[string]any{"Status": status, "Message": msg}, nil)
}

// toLogin sends a visitor without a session to sign in, and back here after.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request) {
	if s.LoginURL != "" {
		http.Redirect(w, r, s.LoginURL, http.StatusSeeOther)
		return
	}
	to := s.path("/login")
	if back := r.URL.RequestURI(); back != s.path("/") && back != s.BasePath {
		to += "?next=" + url.QueryEscape(back)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// safeNext returns next when it is a path inside the console, else home:
// the login form never sends anyone to another site.
func (s *server) safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, s.BasePath+"/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return s.path("/")
	}
	return next
}
