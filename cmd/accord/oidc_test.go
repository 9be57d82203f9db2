package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testIdP serves discovery and one RSA key, and signs tokens with it.
func testIdP(t *testing.T) (url string, sign func(claims map[string]any) string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys",
			"authorization_endpoint": srv.URL + "/auth", "token_endpoint": srv.URL + "/token"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: k.Public(), KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k, KeyID: "k1"}}, nil)
	require.NoError(t, err)
	return srv.URL, func(claims map[string]any) string {
		c := map[string]any{"iss": srv.URL, "aud": "accord", "exp": time.Now().Add(time.Hour).Unix()}
		for k, v := range claims {
			c[k] = v
		}
		payload, err := json.Marshal(c)
		require.NoError(t, err)
		jws, err := signer.Sign(payload)
		require.NoError(t, err)
		tok, err := jws.CompactSerialize()
		require.NoError(t, err)
		return tok
	}
}

func TestServeAcceptsTheProvidersTokensBesideBearerTokens(t *testing.T) {
	issuer, sign := testIdP(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, logs := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	opts := serveOptions{addr: "127.0.0.1:0", db: "memory", tokens: "bob:backend:bobs-token", publicURL: "https://accord.example.com",
		oidc: oidcOptions{issuer: issuer, audience: "accord", rolesClaim: "groups", clientID: "console"}}
	go func() {
		done <- serve(ctx, opts, out, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}()
	var url string
	require.Eventually(t, func() bool {
		if _, rest, ok := strings.Cut(out.String(), "accord on "); ok {
			url = strings.TrimSuffix(strings.Fields(rest)[0], ",")
		}
		return url != ""
	}, 60*time.Second, 10*time.Millisecond, "server did not start: %s", out)
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()

	demo := url + "/v1/projects/demo/requirements"
	bob := sign(map[string]any{"sub": "bob", "name": "Bob", "groups": []string{"backend"}})
	assert.Equal(t, 200, do(t, "GET", demo, bob, "", nil).StatusCode, "bob is a member of the demo")
	assert.Equal(t, 200, do(t, "GET", demo, "bobs-token", "", nil).StatusCode, "bearer tokens still work")
	zed := sign(map[string]any{"sub": "zed", "groups": []string{"admin"}})
	assert.Equal(t, 404, do(t, "GET", demo, zed, "", nil).StatusCode, "a token makes no one a member")
	expired := sign(map[string]any{"sub": "bob", "exp": time.Now().Add(-time.Hour).Unix()})
	var problem struct{ Detail string }
	res := do(t, "GET", demo, expired, "", &problem)
	assert.Equal(t, 401, res.StatusCode)
	assert.Equal(t, "token expired", problem.Detail)
	wrongAud := sign(map[string]any{"sub": "bob", "aud": "billing"})
	do(t, "GET", demo, wrongAud, "", &problem)
	assert.Equal(t, "wrong audience", problem.Detail)

	assert.Contains(t, logs.String(), "single sign-on")
	// The console offers the provider's sign-in, which sends the browser
	// there with PKCE, back at the public URL.
	login, err := http.Get(url + "/login")
	require.NoError(t, err)
	page, _ := io.ReadAll(login.Body)
	login.Body.Close()
	assert.Contains(t, string(page), `id="sso"`)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	start, err := noRedirect.Get(url + "/login/sso")
	require.NoError(t, err)
	start.Body.Close()
	to := start.Header.Get("Location")
	assert.True(t, strings.HasPrefix(to, issuer+"/auth?"), to)
	assert.Contains(t, to, "code_challenge_method=S256")
	assert.Contains(t, to, "redirect_uri="+neturl.QueryEscape("https://accord.example.com/login/callback"))
	for _, tok := range []string{bob, zed, expired, wrongAud} {
		assert.NotContains(t, logs.String(), tok, "no log line holds a token")
		assert.NotContains(t, out.String(), tok)
	}
}

func TestBadSingleSignOnSettingsStopTheStartNamingTheFlag(t *testing.T) {
	issuer, _ := testIdP(t)
	for _, tc := range []struct {
		o    oidcOptions
		flag string
	}{
		{oidcOptions{issuer: issuer}, "-oidc-audience"},
		{oidcOptions{audience: "accord"}, "-oidc-issuer"},
		{oidcOptions{issuer: "sso.example.com", audience: "accord"}, "-oidc-issuer"},
		{oidcOptions{issuer: issuer, audience: "accord", jwksURL: "keys"}, "-oidc-jwks-url"},
		{oidcOptions{issuer: issuer, audience: "accord", rolesClaim: "realm_access."}, "-oidc-roles-claim"},
		{oidcOptions{issuer: issuer + "/nowhere", audience: "accord"}, "-oidc-issuer"},
		{oidcOptions{issuer: issuer, audience: "accord", clientID: "console"}, "-public-url"},
		{oidcOptions{clientID: "console"}, "-oidc-issuer"},
	} {
		err := serve(context.Background(), serveOptions{addr: "127.0.0.1:0", db: "memory", oidc: tc.o}, &syncBuffer{}, quiet)
		require.Error(t, err, tc.flag)
		assert.Contains(t, err.Error(), tc.flag)
	}
}
