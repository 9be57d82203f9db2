package oidc_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/web"
	"github.com/accordhq/accord/project"
)

// grant is what the test's provider remembers of an authorization it
// gave: the PKCE challenge to check at the token endpoint and the nonce to
// put in the ID token.
type grant struct{ challenge, nonce, sub string }

// consoleWithSSO serves the console with sign-in at p, whose token
// endpoint checks PKCE and signs ID tokens with k (claims changed by
// edit). It returns the console and a function that authorizes sub at
// the provider for an authorization URL, returning the callback URL.
func consoleWithSSO(t *testing.T, p *idp, k key, edit func(map[string]any)) (http.Handler, func(authURL, sub string) string) {
	t.Helper()
	var mu sync.Mutex
	grants := map[string]grant{}
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		mu.Lock()
		g, ok := grants[r.PostForm.Get("code")]
		delete(grants, r.PostForm.Get("code"))
		mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		claims := p.claims(g.sub, map[string]any{"aud": "console", "nonce": g.nonce, "name": "Dave"})
		if edit != nil {
			edit(claims)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "id_token": k.sign(t, claims)})
	}))
	t.Cleanup(tokenSrv.Close)

	opts := options(p)
	opts.Audience = "console"
	verifier := authenticator(t, opts)
	stores := memory.New()
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	require.NoError(t, err)
	s, err := link.New(link.Options{Stores: stores, Authorizer: projects})
	require.NoError(t, err)
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	_, err = projects.Create(ctx, project.NewProject{Key: "shop", Name: "The shop"})
	require.NoError(t, err)
	_, err = projects.SetMember(ctx, "shop", "dave", project.MemberInput{Roles: []string{"backend"}})
	require.NoError(t, err)
	h, err := web.New(web.Options{Services: link.Services{Requirements: s.Requirements}, Projects: projects,
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"acc_alice": {ID: "alice"}}),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		SSO: &web.SSO{OAuth2: oauth2.Config{ClientID: "console", Endpoint: oauth2.Endpoint{AuthURL: p.srv.URL + "/auth", TokenURL: tokenSrv.URL},
			RedirectURL: "https://accord.example.com/login/callback"}, VerifyIDToken: verifier.VerifyIDToken}})
	require.NoError(t, err)
	authorize := func(authURL, sub string) string {
		u, err := url.Parse(authURL)
		require.NoError(t, err)
		q := u.Query()
		assert.Equal(t, "S256", q.Get("code_challenge_method"))
		assert.Equal(t, "code", q.Get("response_type"))
		assert.Contains(t, strings.Fields(q.Get("scope")), "openid")
		code := "code-" + q.Get("state")
		mu.Lock()
		grants[code] = grant{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), sub: sub}
		mu.Unlock()
		return "/login/callback?" + url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	}
	return h, authorize
}

// browser keeps cookies between requests to h, as a browser would.
type browser struct {
	t       *testing.T
	h       http.Handler
	cookies map[string]*http.Cookie
}

func (b *browser) get(path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
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

func TestTheConsoleSignsInThroughTheProvider(t *testing.T) {
	k := rsaKey(t, "k1")
	p := newIdP(t, k)
	h, authorize := consoleWithSSO(t, p, k, nil)
	b := &browser{t: t, h: h, cookies: map[string]*http.Cookie{}}

	login := b.get("/login")
	require.Equal(t, http.StatusOK, login.Code)
	assert.Contains(t, login.Body.String(), `id="sso"`)
	start := b.get("/login/sso?next=/projects/shop")
	require.Equal(t, http.StatusSeeOther, start.Code)
	authURL := start.Header().Get("Location")
	require.True(t, strings.HasPrefix(authURL, p.srv.URL+"/auth?"), authURL)

	back := b.get(authorize(authURL, "dave"))
	require.Equal(t, http.StatusOK, back.Code, back.Body.String())
	assert.Equal(t, "0;url=/projects/shop", back.Header().Get("Refresh"))
	require.Contains(t, b.cookies, "accord_session")
	home := b.get("/projects/shop")
	assert.Equal(t, http.StatusOK, home.Code, "dave is signed in and a member of shop")
	// The same answer again is refused: each sign-in is used once.
	again := b.get(authorize(authURL, "dave"))
	assert.Equal(t, http.StatusUnauthorized, again.Code)
}

func TestTheConsoleRefusesForeignOrForgedSignIns(t *testing.T) {
	k := rsaKey(t, "k1")
	p := newIdP(t, k)
	for _, tc := range []struct {
		name string
		edit func(map[string]any)
		// otherBrowser: the callback arrives in a browser that did not
		// start the sign-in (login CSRF).
		otherBrowser bool
	}{
		{"another browser's sign-in", nil, true},
		{"a nonce that is not the sign-in's", func(c map[string]any) { c["nonce"] = "replayed" }, false},
		{"an ID token for another client", func(c map[string]any) { c["aud"] = "accord-api" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, authorize := consoleWithSSO(t, p, k, tc.edit)
			b := &browser{t: t, h: h, cookies: map[string]*http.Cookie{}}
			start := b.get("/login/sso")
			require.Equal(t, http.StatusSeeOther, start.Code)
			callback := authorize(start.Header().Get("Location"), "dave")
			if tc.otherBrowser {
				b = &browser{t: t, h: h, cookies: map[string]*http.Cookie{}}
			}
			back := b.get(callback)
			assert.Equal(t, http.StatusUnauthorized, back.Code)
			assert.NotContains(t, b.cookies, "accord_session")
			assert.Equal(t, http.StatusSeeOther, b.get("/projects/shop").Code, "still sent to sign in")
		})
	}
}
