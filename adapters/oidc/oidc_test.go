package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/oidc"
)

// now is the time of every test: tokens are made relative to it.
var now = time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)

// idp is an identity provider for tests: discovery and a key set whose
// keys the test replaces, counting how often the keys are fetched.
type idp struct {
	srv       *httptest.Server
	mu        sync.Mutex
	keys      []jose.JSONWebKey
	fetches   int
	discovery bool
}

func newIdP(t *testing.T, keys ...key) *idp {
	t.Helper()
	p := &idp{discovery: true}
	p.publish(keys...)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if !p.discovery {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "jwks_uri": p.srv.URL + "/keys",
			"authorization_endpoint": p.srv.URL + "/auth", "token_endpoint": p.srv.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.fetches++
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: p.keys})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// publish replaces the key set with the public halves of keys.
func (p *idp) publish(keys ...key) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = nil
	for _, k := range keys {
		p.keys = append(p.keys, jose.JSONWebKey{Key: k.public(), KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"})
	}
}

func (p *idp) fetchCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fetches
}

// key is a signing key of the provider (or of an impostor).
type key struct {
	kid  string
	alg  jose.SignatureAlgorithm
	priv any
}

func rsaKey(t *testing.T, kid string) key {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return key{kid, jose.RS256, k}
}

func ecKey(t *testing.T, kid string) key {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return key{kid, jose.ES256, k}
}

func (k key) public() any {
	switch p := k.priv.(type) {
	case *rsa.PrivateKey:
		return p.Public()
	case *ecdsa.PrivateKey:
		return p.Public()
	}
	return nil
}

// sign makes a compact JWS of claims with k.
func (k key) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	require.NoError(t, err)
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	jws, err := s.Sign(payload)
	require.NoError(t, err)
	tok, err := jws.CompactSerialize()
	require.NoError(t, err)
	return tok
}

// claims are a valid token's claims for sub, with extra ones over them.
func (p *idp) claims(sub string, extra map[string]any) map[string]any {
	c := map[string]any{"iss": p.srv.URL, "aud": "accord", "sub": sub, "exp": now.Add(10 * time.Minute).Unix(),
		"iat": now.Add(-time.Minute).Unix()}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func options(p *idp) oidc.Options {
	return oidc.Options{Issuer: p.srv.URL, Audience: "accord", Clock: accord.ClockFunc(func() time.Time { return now }),
		Claims: oidc.Claims{Roles: "realm_access.roles"}}
}

func authenticator(t *testing.T, opts oidc.Options) *oidc.Authenticator {
	t.Helper()
	a, err := oidc.New(context.Background(), opts)
	require.NoError(t, err)
	return a
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest("GET", "/v1/projects", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func TestClaimsMapToTheActor(t *testing.T) {
	k := rsaKey(t, "k1")
	p := newIdP(t, k)
	for _, tc := range []struct {
		name   string
		claims oidc.Claims
		extra  map[string]any
		want   accord.Actor
	}{
		{"nested array of roles", oidc.Claims{Roles: "realm_access.roles"},
			map[string]any{"name": "Dave", "realm_access": map[string]any{"roles": []any{"admin", "backend", "admin"}}},
			accord.Actor{ID: "dave", Name: "Dave", Roles: []string{"admin", "backend"}}},
		{"roles as a string", oidc.Claims{Roles: "scope"}, map[string]any{"scope": "product qa"},
			accord.Actor{ID: "dave", Roles: []string{"product", "qa"}}},
		{"other claims for id and name", oidc.Claims{Subject: "preferred_username", Name: "given_name", Roles: "groups"},
			map[string]any{"preferred_username": "d.smith", "given_name": "Dave", "groups": []any{"qa"}},
			accord.Actor{ID: "d.smith", Name: "Dave", Roles: []string{"qa"}}},
		{"no roles claim configured: no roles", oidc.Claims{}, map[string]any{"roles": []any{"admin"}},
			accord.Actor{ID: "dave"}},
		{"a role map keeps and renames only its roles", oidc.Claims{Roles: "roles", RoleMap: map[string]string{"accord-admin": "admin"}},
			map[string]any{"roles": []any{"accord-admin", "offline_access", "admin"}},
			accord.Actor{ID: "dave", Roles: []string{"admin"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := options(p)
			opts.Claims = tc.claims
			got, err := authenticator(t, opts).Authenticate(bearer(k.sign(t, p.claims("dave", tc.extra))))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRefusedTokensSayWhy(t *testing.T) {
	good, impostor, ec := rsaKey(t, "k1"), rsaKey(t, "k9"), ecKey(t, "e1")
	p := newIdP(t, good, ec)
	a := authenticator(t, options(p))
	hs, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")}, nil)
	require.NoError(t, err)
	payload, _ := json.Marshal(p.claims("dave", nil))
	hsJWS, err := hs.Sign(payload)
	require.NoError(t, err)
	hsTok, _ := hsJWS.CompactSerialize()
	b64 := base64.RawURLEncoding.EncodeToString
	noneTok := b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64(payload) + "."

	for _, tc := range []struct{ name, token, reason string }{
		{"expired beyond the skew", good.sign(t, p.claims("dave", map[string]any{"exp": now.Add(-2 * time.Minute).Unix()})), "token expired"},
		{"no expiry", good.sign(t, p.claims("dave", map[string]any{"exp": nil})), "token expired"},
		{"wrong audience", good.sign(t, p.claims("dave", map[string]any{"aud": "billing"})), "wrong audience"},
		{"wrong issuer", good.sign(t, p.claims("dave", map[string]any{"iss": "https://evil.example.com"})), "wrong issuer"},
		{"unknown key", impostor.sign(t, p.claims("dave", nil)), "unknown signing key"},
		{"known kid, other key", key{"k1", jose.RS256, impostor.priv}.sign(t, p.claims("dave", nil)), "unknown signing key"},
		{"HS256", hsTok, "algorithm not allowed"},
		{"none", noneTok, "algorithm not allowed"},
		{"malformed", "eyJhbGciOi.x.y", "malformed token"},
		{"not a JWT", "acc_0123456789", "unknown bearer token"},
		{"no subject", good.sign(t, p.claims("", nil)), "the token has no sub claim"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Authenticate(bearer(tc.token))
			require.Error(t, err)
			assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
			var e *accord.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.reason, e.Message)
			assert.NotContains(t, err.Error(), tc.token)
		})
	}

	// A token expired for less than the skew still works, and ES256 is
	// allowed by default.
	_, err = a.Authenticate(bearer(ec.sign(t, p.claims("dave", map[string]any{"exp": now.Add(-30 * time.Second).Unix()}))))
	assert.NoError(t, err)
	// Unless the skew is turned off.
	opts := options(p)
	opts.ClockSkew = -1
	_, err = authenticator(t, opts).Authenticate(bearer(ec.sign(t, p.claims("dave", map[string]any{"exp": now.Add(-30 * time.Second).Unix()}))))
	assert.ErrorContains(t, err, "token expired")
	// Nor ES256 when the algorithms exclude it.
	opts = options(p)
	opts.Algorithms = []string{"RS256"}
	_, err = authenticator(t, opts).Authenticate(bearer(ec.sign(t, p.claims("dave", nil))))
	assert.ErrorContains(t, err, "algorithm not allowed")
}

func TestRotatedKeysAreFetchedAgain(t *testing.T) {
	old, next := rsaKey(t, "2026-11"), ecKey(t, "2026-12")
	p := newIdP(t, old)
	a := authenticator(t, options(p))
	_, err := a.Authenticate(bearer(old.sign(t, p.claims("dave", nil))))
	require.NoError(t, err)
	_, err = a.Authenticate(bearer(old.sign(t, p.claims("dave", nil))))
	require.NoError(t, err)
	assert.Equal(t, 1, p.fetchCount(), "known keys are cached")

	// The provider rotates: the old key is withdrawn, a new one signs.
	p.publish(next)
	got, err := a.Authenticate(bearer(next.sign(t, p.claims("dave", nil))))
	require.NoError(t, err, "a token with the new kid verifies after the refetch")
	assert.Equal(t, "dave", got.ID)
	assert.Equal(t, 2, p.fetchCount())
	// go-oidc hands the refetched set to the waiting verification a
	// moment before it replaces its cache: the withdrawn key stops
	// verifying once it has.
	withdrawn := old.sign(t, p.claims("dave", nil))
	require.Eventually(t, func() bool {
		_, err = a.Authenticate(bearer(withdrawn))
		return err != nil
	}, 5*time.Second, time.Millisecond, "the withdrawn key no longer verifies")
	assert.ErrorContains(t, err, "unknown signing key")
}

func TestAKeySetURLSkipsDiscovery(t *testing.T) {
	k := rsaKey(t, "k1")
	p := newIdP(t, k)
	p.discovery = false
	_, err := oidc.New(context.Background(), options(p))
	require.Error(t, err, "discovery is needed without a key set URL")
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))

	opts := options(p)
	opts.JWKSURL = p.srv.URL + "/keys"
	got, err := authenticator(t, opts).Authenticate(bearer(k.sign(t, p.claims("dave", nil))))
	require.NoError(t, err)
	assert.Equal(t, "dave", got.ID)
}

func TestBadOptionsNameTheOption(t *testing.T) {
	p := newIdP(t, rsaKey(t, "k1"))
	for _, tc := range []struct {
		field string
		edit  func(*oidc.Options)
	}{
		{"issuer", func(o *oidc.Options) { o.Issuer = "" }},
		{"issuer", func(o *oidc.Options) { o.Issuer = "accounts.example.com" }},
		{"audience", func(o *oidc.Options) { o.Audience = " " }},
		{"jwks_url", func(o *oidc.Options) { o.JWKSURL = "ftp://keys" }},
		{"algorithms", func(o *oidc.Options) { o.Algorithms = []string{"HS256"} }},
		{"algorithms", func(o *oidc.Options) { o.Algorithms = []string{"none"} }},
		{"claims.roles", func(o *oidc.Options) { o.Claims.Roles = "realm_access..roles" }},
	} {
		opts := options(p)
		tc.edit(&opts)
		_, err := oidc.New(context.Background(), opts)
		var e *accord.Error
		require.ErrorAs(t, err, &e, tc.field)
		require.Len(t, e.Fields, 1)
		assert.Equal(t, tc.field, e.Fields[0].Field)
	}
}

func TestAProjectsClaimOnlyNarrows(t *testing.T) {
	k := rsaKey(t, "k1")
	p := newIdP(t, k)
	opts := options(p)
	opts.Claims.Projects = "accord_projects"
	a := authenticator(t, opts)
	tok := k.sign(t, p.claims("dave", map[string]any{"accord_projects": []any{"shop"}}))
	for path, ok := range map[string]bool{"/v1/projects/shop/requirements": true, "/v1/projects/billing/requirements": false} {
		mux := http.NewServeMux()
		var err error
		mux.HandleFunc("/v1/projects/{project}/requirements", func(_ http.ResponseWriter, r *http.Request) { _, err = a.Authenticate(r) })
		r := bearer(tok)
		r.URL.Path = path
		mux.ServeHTTP(httptest.NewRecorder(), r)
		if ok {
			assert.NoError(t, err, path)
		} else {
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), path)
		}
	}
}
