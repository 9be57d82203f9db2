package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord"
)

// SSO signs people in to the console through an OpenID Connect provider,
// with the authorization-code flow and PKCE. The login page then offers
// "Sign in with SSO" beside the token form; the provider sends the browser
// back to OAuth2.RedirectURL, which must be the console's /login/callback.
type SSO struct {
	// OAuth2 holds the client ID (and secret, for a confidential client),
	// the provider's endpoints, the callback address and the scopes
	// ("openid" is added when missing).
	OAuth2 oauth2.Config
	// VerifyIDToken checks the ID token the provider returns (signature,
	// issuer, audience = the client ID, expiry) and its nonce, and returns
	// the actor; adapters/oidc's Authenticator.VerifyIDToken is one.
	VerifyIDToken func(ctx context.Context, idToken, nonce string) (accord.Actor, error)
	// HTTPClient (optional) calls the token endpoint; http.DefaultClient
	// when nil.
	HTTPClient *http.Client
}

// ssoCookie binds a sign-in in progress to the browser that started it,
// so that a callback planted by someone else (login CSRF) is refused.
const ssoCookie = "accord_sso"

// ssoTTL is how long a sign-in may take at the provider.
const ssoTTL = 10 * time.Minute

// pendingSignIns are the sign-ins sent to the provider and not yet back,
// by state.
type pendingSignIns struct {
	mu   sync.Mutex
	byID map[string]pendingSignIn
}

type pendingSignIn struct {
	nonce, verifier, next string
	expires               time.Time
}

func (p *pendingSignIns) put(state string, s pendingSignIn, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, old := range p.byID {
		if now.After(old.expires) {
			delete(p.byID, k)
		}
	}
	p.byID[state] = s
}

// take removes and returns the sign-in of state: each is used once.
func (p *pendingSignIns) take(state string, now time.Time) (pendingSignIn, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.byID[state]
	delete(p.byID, state)
	return s, ok && !now.After(s.expires)
}

// ssoStart sends the browser to the provider.
func (s *server) ssoStart(w http.ResponseWriter, r *http.Request) {
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	s.pending.put(state, pendingSignIn{nonce: nonce, verifier: verifier, next: s.safeNext(r.URL.Query().Get("next")),
		expires: s.Clock.Now().Add(ssoTTL)}, s.Clock.Now())
	// Lax, not Strict: the provider's redirect back is a navigation from
	// another site, which Strict cookies do not follow.
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state, Path: s.path("/login/callback"), MaxAge: int(ssoTTL.Seconds()),
		HttpOnly: true, Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https", SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, s.ssoConfig().AuthCodeURL(state, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("nonce", nonce)), http.StatusSeeOther)
}

func (s *server) ssoConfig() *oauth2.Config {
	cfg := s.SSO.OAuth2
	for _, sc := range cfg.Scopes {
		if sc == "openid" {
			return &cfg
		}
	}
	cfg.Scopes = append([]string{"openid"}, cfg.Scopes...)
	return &cfg
}

// ssoCallback takes the provider's answer: the state must be the one this
// browser was sent with, the code is exchanged with the PKCE verifier, and
// the ID token must carry the nonce. Then the console's session begins.
func (s *server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	q := r.URL.Query()
	state := q.Get("state")
	ck, err := r.Cookie(ssoCookie)
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: s.path("/login/callback"), MaxAge: -1, HttpOnly: true})
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(state)) != 1 {
		s.ssoFailed(c, "the sign-in was not started in this browser")
		return
	}
	p, ok := s.pending.take(state, s.Clock.Now())
	if !ok {
		s.ssoFailed(c, "the sign-in expired or was already used")
		return
	}
	if e := q.Get("error"); e != "" {
		s.ssoFailed(c, "the provider answered "+e)
		return
	}
	ctx := r.Context()
	if s.SSO.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, s.SSO.HTTPClient)
	}
	tok, err := s.ssoConfig().Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.verifier))
	if err != nil {
		s.ssoFailed(c, "the code exchange failed")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		s.ssoFailed(c, "the provider returned no ID token")
		return
	}
	actor, err := s.SSO.VerifyIDToken(ctx, raw, p.nonce)
	if err != nil {
		// The reason is the verifier's (token expired, wrong audience…),
		// never the token.
		s.ssoFailed(c, err.Error())
		return
	}
	s.cookie(w, r, sessionCookie, s.sessions.add(&session{actor: &actor}), 0)
	s.cookie(w, r, csrfCookie, rand.Text()+rand.Text(), 0)
	// A page, not a redirect: the session cookie is SameSite=Strict, and
	// a redirect would still count as the provider's cross-site
	// navigation, so the cookie would not be sent with it.
	w.Header().Set("Refresh", "0;url="+p.next)
	_ = c.render(http.StatusOK, "signedin", c.lang.t("login.title"), loginData{Next: p.next}, nil)
}

func (s *server) ssoFailed(c *call, reason string) {
	s.Logger.InfoContext(c.r.Context(), "console single sign-on refused", "reason", reason)
	errs := fieldErrors{"sso": []string{c.lang.t("login.sso_failed")}}
	_ = c.render(http.StatusUnauthorized, "login", c.lang.t("login.title"), loginData{Next: s.path("/"), SSO: true}, errs)
}
