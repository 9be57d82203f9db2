package web

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/accordhq/accord"
)

// The cookies. The session cookie names a session kept in memory, never
// the token itself; the CSRF cookie is the secret every form echoes.
const (
	sessionCookie = "accord_session"
	csrfCookie    = "accord_csrf"
	langCookie    = "accord_lang"
	csrfField     = "csrf"
)

// sessions keeps the signed-in sessions in memory: a restart signs
// everybody out, and a token revoked in the store stops its sessions at
// their next request, as each request authenticates the token again.
type sessions struct {
	mu    sync.Mutex
	clock accord.Clock
	ttl   time.Duration
	byID  map[string]*session
}

type session struct {
	token string
	// actor is who signed in through single sign-on: the provider's
	// tokens are not re-checked on each request, the session stands for
	// them until it expires.
	actor   *accord.Actor
	expires time.Time
}

func newSessions(clock accord.Clock, ttl time.Duration) *sessions {
	return &sessions{clock: clock, ttl: ttl, byID: map[string]*session{}}
}

func (ss *sessions) create(token string) string { return ss.add(&session{token: token}) }

func (ss *sessions) add(s *session) string {
	id := rand.Text() + rand.Text()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.clock.Now()
	for k, old := range ss.byID { // forget the expired ones now and then
		if now.After(old.expires) {
			delete(ss.byID, k)
		}
	}
	s.expires = now.Add(ss.ttl)
	ss.byID[id] = s
	return id
}

// get returns the session and extends it.
func (ss *sessions) get(id string) (session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byID[id]
	now := ss.clock.Now()
	if !ok || now.After(s.expires) {
		delete(ss.byID, id)
		return session{}, false
	}
	s.expires = now.Add(ss.ttl)
	return *s, true
}

func (ss *sessions) end(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, id)
}

// authenticate returns the actor of the request's session, or, without
// one, whoever the Authenticator says sent the request (an embedder's
// single sign-on).
func (s *server) authenticate(r *http.Request) (accord.Actor, error) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if ses, ok := s.sessions.get(c.Value); ok {
			if ses.actor != nil {
				return *ses.actor, nil
			}
			return s.checkToken(r, ses.token)
		}
	}
	if r.Header.Get("Authorization") != "" && s.LoginURL == "" {
		// The console's own sign-in is the login form; a bearer header
		// is the API's.
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "sign in")
	}
	return s.Authenticator.Authenticate(r)
}

// checkToken asks the Authenticator about the token as if the request
// carried it as a bearer token.
func (s *server) checkToken(r *http.Request, token string) (accord.Actor, error) {
	probe, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, "/", nil)
	probe.Header.Set("Authorization", "Bearer "+token)
	return s.Authenticator.Authenticate(probe)
}

// cookie sets a cookie for the console: HttpOnly, SameSite=Strict, under
// the base path, Secure when the request came over TLS.
func (s *server) cookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	path := s.BasePath
	if path == "" {
		path = "/"
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https", SameSite: http.SameSiteStrictMode})
}

// csrfToken returns the request's CSRF secret, setting a new one when it
// has none.
func (s *server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 26 {
		return c.Value
	}
	tok := rand.Text() + rand.Text()
	s.cookie(w, r, csrfCookie, tok, 0)
	return tok
}

// csrfOK reports whether a form echoes the CSRF cookie: a page of another
// site can neither read the cookie nor, SameSite=Strict, send it.
func (s *server) csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) == 1
}

type loginData struct {
	Next  string
	Token bool // the token field was filled in
	SSO   bool // the page offers single sign-on
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	_ = c.render(http.StatusOK, "login", c.lang.t("login.title"), loginData{Next: s.safeNext(r.URL.Query().Get("next")), SSO: s.SSO != nil}, nil)
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	next := s.safeNext(r.PostFormValue("next"))
	if !s.csrfOK(r) {
		c.fail(errCSRF)
		return
	}
	token := r.PostFormValue("token")
	errs := fieldErrors{}
	if token == "" {
		errs["token"] = []string{c.lang.t("login.required")}
	} else if _, err := s.checkToken(r, token); err != nil {
		if accord.ErrorCode(err) != accord.Unauthenticated {
			c.fail(err)
			return
		}
		errs["token"] = []string{c.lang.t("login.unknown")}
	}
	if len(errs) > 0 {
		_ = c.render(http.StatusUnauthorized, "login", c.lang.t("login.title"), loginData{Next: next, SSO: s.SSO != nil}, errs)
		return
	}
	s.cookie(w, r, sessionCookie, s.sessions.create(token), 0)
	// A new CSRF secret with the new session: one planted before sign-in
	// (by a neighbouring subdomain, say) is worth nothing after it.
	s.cookie(w, r, csrfCookie, rand.Text()+rand.Text(), 0)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	if !s.csrfOK(r) {
		c.fail(errCSRF)
		return
	}
	if ck, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.end(ck.Value)
	}
	s.cookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, s.path("/login"), http.StatusSeeOther)
}

// setLang remembers the chosen language in a cookie for a year.
func (s *server) setLang(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	if !s.csrfOK(r) {
		c.fail(errCSRF)
		return
	}
	l := r.PostFormValue("lang")
	if _, ok := catalogs[lang(l)]; !ok {
		c.fail(accord.InvalidField("language", "lang", "en or zh-CN"))
		return
	}
	s.cookie(w, r, langCookie, l, 365*24*3600)
	http.Redirect(w, r, s.safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}
