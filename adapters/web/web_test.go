package web_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/web"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/risk"
)

var (
	alice   = accord.Actor{ID: "alice", Name: "Alice", Roles: []string{"product"}}
	mallory = accord.Actor{ID: "mallory", Name: "Mallory", Roles: []string{"product"}}
)

// fixture is a console over memory stores with one project, "shop", whose
// member is Alice; Mallory has a valid token but is no member.
type fixture struct {
	h     http.Handler
	reqs  *requirement.Service
	risks *risk.Service
	plans *plan.Service
}

func newFixture(t testing.TB, more ...func(*web.Options)) fixture {
	t.Helper()
	stores := memory.New()
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	require.NoError(t, err)
	s, err := link.New(link.Options{Stores: stores, Authorizer: projects})
	require.NoError(t, err)
	reports, err := report.New(report.Options{Services: s, Stores: stores})
	require.NoError(t, err)
	ctx := accord.WithActor(context.Background(), alice)
	_, err = projects.Create(ctx, project.NewProject{Key: "shop", Name: "Shop"})
	require.NoError(t, err)
	_, err = projects.SetMember(ctx, "shop", "alice", project.MemberInput{Roles: []string{project.RoleAdmin, "product"}})
	require.NoError(t, err)
	_, err = s.Requirements.Create(ctx, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund a paid order", Description: "A buyer refunds within 14 days.",
		Acceptance: []requirement.AcceptanceCriterion{{Text: "A refund after 14 days fails with REFUND_WINDOW_CLOSED"}}}, Note: "first draft"})
	require.NoError(t, err)
	opts := web.Options{Services: link.Services{Requirements: s.Requirements, Reviews: s.Reviews, Plans: s.Plans, Retros: s.Retros, Risks: s.Risks, Traces: s.Traces, Records: s.Records},
		Reports: reports, Projects: projects,
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"tok-alice": alice, "tok-mallory": mallory})}
	for _, m := range more {
		m(&opts)
	}
	h, err := web.New(opts)
	require.NoError(t, err)
	return fixture{h: h, reqs: s.Requirements, risks: s.Risks, plans: s.Plans}
}

// browser keeps cookies between requests and never follows redirects.
type browser struct {
	t       testing.TB
	h       http.Handler
	cookies map[string]*http.Cookie
	lang    string
}

func (f fixture) browser(t testing.TB) *browser {
	return &browser{t: t, h: f.h, cookies: map[string]*http.Cookie{}}
}

func (b *browser) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.lang != "" {
		r.Header.Set("Accept-Language", b.lang)
	}
	for _, c := range b.cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return w
}

// csrf returns the CSRF secret the console gave this browser.
func (b *browser) csrf() string {
	b.t.Helper()
	if c, ok := b.cookies["accord_csrf"]; ok {
		return c.Value
	}
	b.do("GET", "/login", nil)
	require.Contains(b.t, b.cookies, "accord_csrf")
	return b.cookies["accord_csrf"].Value
}

func (b *browser) post(path string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf())
	}
	return b.do("POST", path, form)
}

func (b *browser) login(token string) {
	b.t.Helper()
	w := b.post("/login", url.Values{"token": {token}})
	require.Equal(b.t, http.StatusSeeOther, w.Code, w.Body.String())
}

func TestWithoutASessionPagesRedirectToTheLoginPage(t *testing.T) {
	b := newFixture(t).browser(t)
	w := b.do("GET", "/", nil)
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/login", w.Header().Get("Location"))
	w = b.do("GET", "/projects/shop/requirements?status=draft", nil)
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/login?next="+url.QueryEscape("/projects/shop/requirements?status=draft"), w.Header().Get("Location"))
	// An API bearer token does not open the console: its sign-in is the form.
	r := httptest.NewRequest("GET", "/projects/shop", nil)
	r.Header.Set("Authorization", "Bearer tok-alice")
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, r)
	assert.Equal(t, http.StatusSeeOther, rec.Code)
}

func TestLoginSetsASessionCookieAndLogoutEndsIt(t *testing.T) {
	b := newFixture(t).browser(t)
	before := b.csrf()
	w := b.post("/login", url.Values{"token": {"tok-alice"}, "next": {"/projects/shop/requirements"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/projects/shop/requirements", w.Header().Get("Location"))
	assert.NotContains(t, w.Header().Get("Location"), "tok-alice")
	s := b.cookies["accord_session"]
	require.NotNil(t, s)
	assert.NotEqual(t, before, b.cookies["accord_csrf"].Value, "signing in renews the CSRF secret")
	assert.True(t, s.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, s.SameSite)
	assert.False(t, s.Secure, "plain HTTP: a Secure cookie would never come back")
	assert.NotContains(t, s.Value, "tok-alice", "the cookie names a session, not the token")
	w = b.do("GET", "/projects/shop/requirements", nil)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), "Refund a paid order")

	old := *s
	w = b.post("/logout", url.Values{})
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.NotContains(t, b.cookies, "accord_session")
	b.cookies["accord_session"] = &old // replayed: the session is over on the server too
	w = b.do("GET", "/projects/shop", nil)
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/login?next=%2Fprojects%2Fshop", w.Header().Get("Location"))
}

func TestTheSessionCookieIsSecureUnderTLS(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	r := httptest.NewRequest("POST", "https://accord.example/login", strings.NewReader(url.Values{"token": {"tok-alice"}, "csrf": {b.csrf()}}.Encode()))
	r.TLS = &tls.ConnectionState{}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(b.cookies["accord_csrf"])
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	require.Equal(t, http.StatusSeeOther, w.Code)
	var found bool
	for _, c := range w.Result().Cookies() {
		if c.Name == "accord_session" {
			found = true
			assert.True(t, c.Secure)
		}
	}
	assert.True(t, found)
}

func TestAnUnknownTokenIsRefusedBesideTheField(t *testing.T) {
	b := newFixture(t).browser(t)
	w := b.post("/login", url.Values{"token": {"not-a-token"}})
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Regexp(t, `(?s)id="token".*class="field-error">this token is not known`, w.Body.String())
	assert.NotContains(t, b.cookies, "accord_session")
	assert.NotContains(t, w.Body.String(), "not-a-token", "a token is never echoed")
}

func TestFormsWithoutTheirCSRFTokenAreRefused(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	// Login itself is protected: another site cannot sign a browser in.
	w := b.do("POST", "/login", url.Values{"token": {"tok-alice"}})
	assert.Equal(t, http.StatusForbidden, w.Code)
	b.login("tok-alice")
	for _, token := range []string{"", "forged-by-another-site-0123456789"} {
		w = b.do("POST", "/projects/shop/requirements/REQ-1/transition", url.Values{"to": {"in_review"}, "base": {"1"}, "csrf": {token}})
		assert.Equal(t, http.StatusForbidden, w.Code)
		assert.Contains(t, w.Body.String(), "CSRF")
	}
	r, err := f.reqs.Get(accord.WithActor(context.Background(), alice), "shop", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, requirement.Draft, r.Status, "nothing changed")
	w = b.post("/projects/shop/requirements/REQ-1/transition", url.Values{"to": {"in_review"}, "base": {"1"}})
	assert.Equal(t, http.StatusSeeOther, w.Code, "with the token it works")
}

var (
	inlineScript  = regexp.MustCompile(`<script(?:\s+[^>]*)?>`)
	eventHandler  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	inlineStyle   = regexp.MustCompile(`(?i)\sstyle\s*=`)
	formTag       = regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	csrfFieldHTML = regexp.MustCompile(`name="csrf" value="[A-Z0-9]{26,}"`)
)

func TestEveryPageCarriesTheContentSecurityPolicyAndNoInlineScript(t *testing.T) {
	b := newFixture(t).browser(t)
	check := func(path string, w *httptest.ResponseRecorder) {
		t.Helper()
		csp := w.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			assert.Contains(t, csp, want, path)
		}
		assert.NotContains(t, csp, "unsafe", path)
		body := w.Body.String()
		for _, tag := range inlineScript.FindAllString(body, -1) {
			assert.Contains(t, tag, "src=", "%s: an inline script %s", path, tag)
		}
		assert.NotRegexp(t, eventHandler, body, path)
		assert.NotRegexp(t, inlineStyle, body, path)
		for _, form := range formTag.FindAllString(body, -1) {
			assert.Regexp(t, csrfFieldHTML, form, "%s: a form without its CSRF token", path)
		}
	}
	check("/login", b.do("GET", "/login", nil))
	b.login("tok-alice")
	for _, path := range []string{"/projects/shop", "/projects/shop/requirements", "/projects/shop/requirements/REQ-1",
		"/projects/shop/requirements/REQ-1/edit", "/projects/shop/requirements/REQ-1/diff?from=1&to=1", "/projects/shop/requirements/new",
		"/projects/shop/reviews", "/projects/shop/plans", "/projects/shop/questions", "/projects/shop/retros", "/projects/shop/risks",
		"/projects/shop/trace", "/projects/nope"} {
		w := b.do("GET", path, nil)
		if path != "/projects/nope" {
			require.Equal(t, http.StatusOK, w.Code, "%s: %s", path, w.Body.String())
		}
		check(path, w)
	}
}

func TestANonMemberSeesNotFoundAsForAProjectThatDoesNotExist(t *testing.T) {
	b := newFixture(t).browser(t)
	b.login("tok-mallory")
	missing := b.do("GET", "/projects/nope", nil)
	require.Equal(t, http.StatusNotFound, missing.Code)
	for _, path := range []string{"/projects/shop", "/projects/shop/requirements", "/projects/shop/requirements/REQ-1", "/projects/shop/reviews"} {
		w := b.do("GET", path, nil)
		assert.Equal(t, http.StatusNotFound, w.Code, path)
		assert.NotContains(t, w.Body.String(), "Refund a paid order", path)
		assert.Contains(t, w.Body.String(), "There is no such page, or it is not yours to see.", path)
	}
	w := b.post("/projects/shop/requirements/REQ-1/transition", url.Values{"to": {"in_review"}, "base": {"1"}})
	assert.Equal(t, http.StatusNotFound, w.Code)
	// The project list shows only one's own projects.
	w = b.do("GET", "/", nil)
	assert.NotContains(t, w.Body.String(), "Shop")
}

func TestAnEditFromAStaleRevisionSavesNothingAndShowsBothVersions(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("tok-alice")
	form := func(base, title string) url.Values {
		return url.Values{"base": {base}, "title": {title}, "description": {"A buyer refunds within 14 days."},
			"acceptance_criteria": {"AC-1 | A refund after 14 days fails with REFUND_WINDOW_CLOSED"}, "priority": {"P1"}}
	}
	w := b.post("/projects/shop/requirements/REQ-1/edit", form("1", "Refund a paid order in full"))
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	// A second tab still had revision 1.
	w = b.post("/projects/shop/requirements/REQ-1/edit", form("1", "Refund part of an order"))
	require.Equal(t, http.StatusConflict, w.Code)
	body := w.Body.String()
	assert.Contains(t, body, `id="conflict"`)
	assert.Contains(t, body, "Refund a paid order in full", "theirs is shown")
	assert.Contains(t, body, "Refund part of an order", "mine is shown, still in the form")
	assert.Regexp(t, `<code>title</code>`, body, "what changed in between is named")
	assert.Contains(t, body, `name="base" value="2"`, "saving again is a decision made against the newest revision")
	r, err := f.reqs.Get(accord.WithActor(context.Background(), alice), "shop", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, "Refund a paid order in full", r.Title, "nothing was overwritten")
	assert.Equal(t, 2, r.Revision)
}

func TestARefusalIsShownBesideTheFieldItNames(t *testing.T) {
	b := newFixture(t).browser(t)
	b.login("tok-alice")
	w := b.post("/projects/shop/requirements", url.Values{"title": {""}, "priority": {"P9"}})
	require.Equal(t, http.StatusUnprocessableEntity, w.Code)
	body := w.Body.String()
	assert.Regexp(t, `(?s)id="f-title".*?class="field-error">[^<]+</p>`, body)
	assert.Regexp(t, `(?s)id="f-priority".*?class="field-error">[^<]*P9`, body)
}

func TestTheLanguageFollowsAcceptLanguageAndTheSwitch(t *testing.T) {
	b := newFixture(t).browser(t)
	b.lang = "zh-CN,zh;q=0.9,en;q=0.8"
	b.login("tok-alice")
	w := b.do("GET", "/projects/shop/requirements/REQ-1", nil)
	body := w.Body.String()
	assert.Contains(t, body, `<html lang="zh-CN">`)
	assert.Contains(t, body, "验收标准")
	assert.Contains(t, body, "Refund a paid order", "what people wrote is never translated")
	assert.Regexp(t, `\d{4}年\d{1,2}月\d{1,2}日`, body)
	// The switch wins over the browser's languages, and is remembered.
	w = b.post("/lang", url.Values{"lang": {"en"}, "next": {"/projects/shop/requirements/REQ-1"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/projects/shop/requirements/REQ-1", w.Header().Get("Location"))
	body = b.do("GET", "/projects/shop/requirements/REQ-1", nil).Body.String()
	assert.Contains(t, body, `<html lang="en">`)
	assert.Contains(t, body, "Acceptance criteria")
	// The switch sends nobody to another site.
	w = b.post("/lang", url.Values{"lang": {"zh-CN"}, "next": {"//evil.example/x"}})
	assert.Equal(t, "/", w.Header().Get("Location"))
	w = b.post("/lang", url.Values{"lang": {"fr"}})
	assert.Equal(t, http.StatusBadRequest, w.Code)
}

func TestRecordURLLinksToThePageThatRedirectsToTheKey(t *testing.T) {
	f := newFixture(t)
	r, err := f.reqs.Get(accord.WithActor(context.Background(), alice), "shop", "REQ-1")
	require.NoError(t, err)
	u := web.RecordURL("https://accord.example/", "shop", r.Ref())
	assert.Equal(t, "https://accord.example/projects/shop/go/requirement/"+r.ID, u)
	assert.Empty(t, web.RecordURL("", "shop", r.Ref()))
	b := f.browser(t)
	b.login("tok-alice")
	w := b.do("GET", strings.TrimPrefix(u, "https://accord.example"), nil)
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/projects/shop/requirements/REQ-1", w.Header().Get("Location"))
}

func TestNewNamesTheMissingOptions(t *testing.T) {
	_, err := web.New(web.Options{BasePath: "console"})
	require.Error(t, err)
	for _, field := range []string{"Requirements", "Projects", "Authenticator", "BasePath"} {
		assert.Contains(t, err.Error(), field)
	}
}

func TestTheConsoleMountsUnderABasePath(t *testing.T) {
	b := newFixture(t, func(o *web.Options) { o.BasePath = "/console/" }).browser(t)
	w := b.do("GET", "/console/projects/shop", nil)
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/console/login?next=%2Fconsole%2Fprojects%2Fshop", w.Header().Get("Location"))
	w = b.post("/console/login", url.Values{"token": {"tok-alice"}, "next": {"/console/projects/shop"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/console/projects/shop", w.Header().Get("Location"))
	assert.Equal(t, "/console", b.cookies["accord_session"].Path)
	body := b.do("GET", "/console/projects/shop/requirements", nil).Body.String()
	assert.Contains(t, body, `href="/console/projects/shop/requirements/REQ-1"`)
	assert.Contains(t, body, `src="/console/static/htmx.min.js"`)
	assert.Equal(t, http.StatusOK, b.do("GET", "/console/static/console.css", nil).Code)
	// Outside the base path the console serves nothing, not even a redirect home.
	w = b.post("/console/login", url.Values{"token": {"tok-alice"}, "next": {"/elsewhere"}})
	assert.Equal(t, "/console/", w.Header().Get("Location"))
}

func TestAnEmbeddersSignInReplacesTheLoginPage(t *testing.T) {
	sso := authFunc(func(r *http.Request) (accord.Actor, error) {
		if r.Header.Get("X-Corp-User") == "alice" {
			return alice, nil
		}
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "no corp session")
	})
	f := newFixture(t, func(o *web.Options) { o.Authenticator, o.LoginURL = sso, "https://sso.corp.example/login" })
	r := httptest.NewRequest("GET", "/projects/shop/requirements", nil)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "https://sso.corp.example/login", w.Header().Get("Location"))
	r.Header.Set("X-Corp-User", "alice")
	w = httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), "Refund a paid order")
	w = httptest.NewRecorder()
	f.h.ServeHTTP(w, httptest.NewRequest("GET", "/login", nil))
	assert.Equal(t, http.StatusNotFound, w.Code, "no login page of its own")
}

type authFunc func(r *http.Request) (accord.Actor, error)

func (f authFunc) Authenticate(r *http.Request) (accord.Actor, error) { return f(r) }

func TestAnEditWithoutItsBaseRevisionIsRefused(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("tok-alice")
	w := b.post("/projects/shop/requirements/REQ-1/edit", url.Values{"title": {"Overwritten blindly"}})
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Contains(t, w.Body.String(), "base")
	r, err := f.reqs.Get(accord.WithActor(context.Background(), alice), "shop", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, "Refund a paid order", r.Title)
}

func TestGettingLogoutAsksAndOnlyAPostEndsTheSession(t *testing.T) {
	b := newFixture(t).browser(t)
	b.login("tok-alice")
	w := b.do("GET", "/logout", nil)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Regexp(t, `(?s)<form method="post" action="/logout".*name="csrf"`, w.Body.String())
	assert.Equal(t, http.StatusOK, b.do("GET", "/projects/shop", nil).Code, "still signed in")
	b.post("/logout", url.Values{})
	assert.Equal(t, http.StatusSeeOther, b.do("GET", "/projects/shop", nil).Code)
}

func TestANewRequirementIsCreatedFromTheForm(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("tok-alice")
	w := b.post("/projects/shop/requirements", url.Values{"title": {"Export invoices as CSV"}, "priority": {"P3"},
		"description": {"Finance downloads last month's invoices as one CSV file."}, "labels": {"finance, export"},
		"acceptance_criteria": {"The CSV has one row per invoice | TestExportRows"}, "note": {"from the finance call"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	assert.Equal(t, "/projects/shop/requirements/REQ-2", w.Header().Get("Location"))
	r, err := f.reqs.Get(accord.WithActor(context.Background(), alice), "shop", "REQ-2")
	require.NoError(t, err)
	assert.Equal(t, []string{"finance", "export"}, r.Labels)
	assert.Equal(t, requirement.AcceptanceCriterion{ID: "AC-1", Text: "The CSV has one row per invoice", TestRef: "TestExportRows"}, r.Acceptance[0])
	assert.Equal(t, "alice", r.Owner, "the author owns it by default")
}
