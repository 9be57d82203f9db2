// Package oidc authenticates requests by the identity tokens of an
// embedding platform's OpenID Connect provider (Keycloak, Okta, Entra ID,
// Dex, Auth0…): "Authorization: Bearer <JWT>", verified with
// github.com/coreos/go-oidc/v3 against the issuer's published keys.
//
// New discovers the issuer's key set (or takes Options.JWKSURL) once; the
// keys are fetched again whenever a token names a key ID the cached set
// lacks, so the provider can rotate its keys without a restart. Each
// token's issuer, audience, expiry (with Options.ClockSkew) and algorithm
// (Options.Algorithms, RS256 and ES256 by default; never none or HMAC unless
// listed) are checked. A refused token answers Unauthenticated with a short
// reason ("token expired", "wrong audience", "unknown signing key",
// "algorithm not allowed", "malformed token"); the token itself never
// appears in an error.
//
// # What a token grants
//
// Claims map to an accord.Actor (Options.Claims): the subject is the
// actor's ID, a name claim its display name, a roles claim its roles. The
// token says who the caller is; accord's project membership still decides
// where they may go:
//
//   - A token never makes anyone a member of a project. A caller who is not
//     a member of a project gets 404 for it, whatever the token says.
//   - The roles of the token count, alongside the member's project roles, in
//     every project the caller is a member of, as the roles of any
//     authenticated accord.Actor do: a token with "admin" administers each
//     of the caller's projects. Claims.RoleMap narrows and renames the
//     provider's roles so that only the ones meant for accord count.
//   - No role grants permissions.update beyond admin, and the permission
//     table of each project still decides what every other role may do.
//   - Claims.Projects, when set, only narrows: the token works in the
//     projects the claim lists (and outside any project); other projects
//     answer 404, as for a non-member.
//
// The Authenticator implements httpapi.Authenticator and web.Authenticator;
// combine it with stored tokens through httpapi.AnyOf, this one last so its
// reasons reach the caller.
package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/accordhq/accord"
)

// DefaultClockSkew is how far the clocks of accord and the provider may
// disagree before an expired token is refused.
const DefaultClockSkew = time.Minute

// Options configure an Authenticator. Issuer and Audience are required.
type Options struct {
	// Issuer is the provider's issuer URL, exactly as its tokens' iss claim
	// says. Without JWKSURL, its /.well-known/openid-configuration is read
	// at New to find the key set.
	Issuer string
	// Audience must be one of a token's aud values (the client or API ID
	// the provider issues tokens for).
	Audience string
	// JWKSURL (optional) is the provider's key set; it skips discovery.
	JWKSURL string
	// Algorithms are the signing algorithms accepted; default RS256, ES256.
	Algorithms []string
	// ClockSkew is the grace given to an expired token; 0 means
	// DefaultClockSkew, a negative value none.
	ClockSkew time.Duration
	// Claims say which claims make the actor.
	Claims Claims
	// Clock (optional) tells the time expiry is checked against.
	Clock accord.Clock
	// HTTPClient (optional) fetches discovery and keys; http.DefaultClient
	// when nil.
	HTTPClient *http.Client
}

// Claims map a token's claims to an accord.Actor. A name is a claim name or
// a dotted path into nested objects ("realm_access.roles").
type Claims struct {
	// Subject is the claim of the actor's ID; default "sub".
	Subject string
	// Name is the claim of the display name; default "name" (absent: the
	// ID).
	Name string
	// Roles (optional) is the claim of the roles: a string (roles
	// separated by spaces or commas) or an array of strings. Empty: tokens
	// carry no roles, only project membership counts.
	Roles string
	// RoleMap (optional) renames the provider's roles to accord's
	// ("accord-admin": "admin"); when set, roles it does not list are
	// dropped.
	RoleMap map[string]string
	// Projects (optional) is the claim listing the projects the token may
	// be used in (string or array). Empty: every project the actor is a
	// member of.
	Projects string
}

// defaultAlgorithms are the signing algorithms accepted when
// Options.Algorithms is empty.
var defaultAlgorithms = []string{string(jose.RS256), string(jose.ES256)}

// Authenticator verifies the provider's tokens. It is safe for concurrent
// use.
type Authenticator struct {
	verifier *gooidc.IDTokenVerifier
	algs     []jose.SignatureAlgorithm
	claims   Claims
	client   *http.Client
	endpoint oauth2.Endpoint
}

// New checks opts and, unless opts.JWKSURL is set, reads the issuer's
// discovery document. Errors are Invalid and name the option at fault.
func New(ctx context.Context, opts Options) (*Authenticator, error) {
	if err := checkURL("issuer", opts.Issuer); err != nil {
		return nil, err
	}
	if strings.TrimSpace(opts.Audience) == "" {
		return nil, invalid("audience", "required: the aud value the provider puts in accord's tokens")
	}
	if opts.JWKSURL != "" {
		if err := checkURL("jwks_url", opts.JWKSURL); err != nil {
			return nil, err
		}
	}
	algs := opts.Algorithms
	if len(algs) == 0 {
		algs = defaultAlgorithms
	}
	a := &Authenticator{claims: opts.Claims, client: opts.HTTPClient}
	for _, alg := range algs {
		switch jose.SignatureAlgorithm(alg) {
		case jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512, jose.EdDSA:
			a.algs = append(a.algs, jose.SignatureAlgorithm(alg))
		default:
			// HMAC would make the key set's public keys secrets, and none
			// is no signature at all.
			return nil, invalid("algorithms", fmt.Sprintf("%q is not an asymmetric signing algorithm", alg))
		}
	}
	for _, c := range []struct{ field, path string }{{"claims.subject", opts.Claims.Subject}, {"claims.name", opts.Claims.Name}, {"claims.roles", opts.Claims.Roles}, {"claims.projects", opts.Claims.Projects}} {
		if c.path != "" && slices.Contains(strings.Split(c.path, "."), "") {
			return nil, invalid(c.field, fmt.Sprintf("%q is not a claim name or dotted path", c.path))
		}
	}
	if a.claims.Subject == "" {
		a.claims.Subject = "sub"
	}
	if a.claims.Name == "" {
		a.claims.Name = "name"
	}
	if a.client != nil {
		ctx = gooidc.ClientContext(ctx, a.client)
	}
	jwks := opts.JWKSURL
	if jwks == "" {
		p, err := gooidc.NewProvider(ctx, opts.Issuer)
		if err != nil {
			return nil, &accord.Error{Code: accord.Invalid, Message: "invalid oidc options",
				Fields: []accord.FieldError{{Field: "issuer", Message: "discovery failed: " + err.Error()}}, Err: err}
		}
		var doc struct {
			JWKS string `json:"jwks_uri"`
		}
		if err := p.Claims(&doc); err != nil || doc.JWKS == "" {
			return nil, invalid("issuer", "the discovery document names no jwks_uri")
		}
		jwks = doc.JWKS
		a.endpoint = p.Endpoint()
	}
	clock := opts.Clock
	if clock == nil {
		clock = accord.SystemClock()
	}
	skew := opts.ClockSkew
	if skew == 0 {
		skew = DefaultClockSkew
	} else if skew < 0 {
		skew = 0
	}
	names := make([]string, len(a.algs))
	for i, alg := range a.algs {
		names[i] = string(alg)
	}
	a.verifier = gooidc.NewVerifier(opts.Issuer, gooidc.NewRemoteKeySet(ctx, jwks), &gooidc.Config{
		ClientID:             opts.Audience,
		SupportedSigningAlgs: names,
		// go-oidc refuses a token whose expiry is before Now: moving Now
		// back by the skew is the grace.
		Now: func() time.Time { return clock.Now().Add(-skew) },
	})
	return a, nil
}

func checkURL(field, s string) error {
	u, err := url.Parse(s)
	if s == "" {
		return invalid(field, "required")
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return invalid(field, fmt.Sprintf("%q is not an http(s) URL", s))
	}
	return nil
}

func invalid(field, msg string) error {
	return &accord.Error{Code: accord.Invalid, Message: "invalid oidc options", Fields: []accord.FieldError{{Field: field, Message: msg}}}
}

// Endpoint returns the provider's authorization and token endpoints, for
// a sign-in flow (web.SSO); empty when Options.JWKSURL skipped discovery.
func (a *Authenticator) Endpoint() oauth2.Endpoint { return a.endpoint }

// Authenticate implements httpapi.Authenticator: the actor of the request's
// bearer token. A bearer token that is not a JWT gets "unknown bearer
// token", like the other authenticators, so AnyOf can try them all.
func (a *Authenticator) Authenticate(r *http.Request) (accord.Actor, error) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "send Authorization: Bearer <token>")
	}
	if strings.Count(tok, ".") != 2 {
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "unknown bearer token")
	}
	actor, projects, err := a.verify(r.Context(), tok)
	if err != nil {
		return accord.Actor{}, err
	}
	if p := r.PathValue("project"); p != "" && a.claims.Projects != "" && !slices.Contains(projects, p) {
		// As for a non-member: the caller does not learn whether p exists.
		return accord.Actor{}, accord.Errorf(accord.NotFound, "project %s not found", p)
	}
	return actor, nil
}

// Verify checks a raw token (an access token, or the ID token of the
// console's sign-in) and returns its actor.
func (a *Authenticator) Verify(ctx context.Context, token string) (accord.Actor, error) {
	actor, _, err := a.verify(ctx, token)
	return actor, err
}

// VerifyIDToken checks an ID token from the provider's token endpoint
// and its nonce, for a sign-in flow, and returns its actor.
func (a *Authenticator) VerifyIDToken(ctx context.Context, token, nonce string) (accord.Actor, error) {
	actor, _, t, err := a.verifyToken(ctx, token)
	if err != nil {
		return accord.Actor{}, err
	}
	if nonce == "" || t.Nonce != nonce {
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "nonce does not match the sign-in")
	}
	return actor, nil
}

func (a *Authenticator) verify(ctx context.Context, token string) (accord.Actor, []string, error) {
	actor, projects, _, err := a.verifyToken(ctx, token)
	return actor, projects, err
}

func (a *Authenticator) verifyToken(ctx context.Context, token string) (accord.Actor, []string, *gooidc.IDToken, error) {
	// go-oidc's own errors are plain strings, some quoting claims: the
	// header is read here first to tell the reasons apart, and go-oidc's
	// errors are only kept as the cause, never shown.
	alg, err := algorithmOf(token)
	if err != nil {
		return accord.Actor{}, nil, nil, refused("malformed token", err)
	}
	if !slices.Contains(a.algs, jose.SignatureAlgorithm(alg)) {
		return accord.Actor{}, nil, nil, refused("algorithm not allowed", nil)
	}
	if a.client != nil {
		ctx = gooidc.ClientContext(ctx, a.client)
	}
	t, err := a.verifier.Verify(ctx, token)
	if err != nil {
		return accord.Actor{}, nil, nil, classify(err)
	}
	var claims map[string]any
	if err := t.Claims(&claims); err != nil {
		return accord.Actor{}, nil, nil, refused("malformed token", err)
	}
	id, _ := lookup(claims, a.claims.Subject).(string)
	if strings.TrimSpace(id) == "" {
		return accord.Actor{}, nil, nil, refused("the token has no "+a.claims.Subject+" claim", nil)
	}
	actor := accord.Actor{ID: id}
	actor.Name, _ = lookup(claims, a.claims.Name).(string)
	if a.claims.Roles != "" {
		for _, role := range strs(lookup(claims, a.claims.Roles)) {
			if a.claims.RoleMap != nil {
				if role = a.claims.RoleMap[role]; role == "" {
					continue
				}
			}
			if !slices.Contains(actor.Roles, role) {
				actor.Roles = append(actor.Roles, role)
			}
		}
	}
	var projects []string
	if a.claims.Projects != "" {
		projects = strs(lookup(claims, a.claims.Projects))
	}
	return actor, projects, t, nil
}

// algorithmOf reads the alg of a compact JWS's header, whatever it names
// (none included), so that a refused algorithm is told apart from a
// malformed token.
func algorithmOf(token string) (string, error) {
	head, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", err
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", err
	}
	if h.Alg == "" {
		return "", errors.New("the header names no alg")
	}
	return h.Alg, nil
}

// classify names the reason go-oidc refused a token whose header was fine.
func classify(err error) error {
	var expired *gooidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return refused("token expired", err)
	case strings.Contains(msg, "expected audience"):
		return refused("wrong audience", err)
	case strings.Contains(msg, "issued by a different provider"):
		return refused("wrong issuer", err)
	case strings.Contains(msg, "before the nbf"):
		return refused("token not valid yet", err)
	case strings.Contains(msg, "fetching keys"):
		// The provider could not be reached: not the caller's fault, but
		// the token cannot be trusted either.
		return refused("signing keys unavailable", err)
	case strings.Contains(msg, "verify signature"):
		return refused("unknown signing key", err)
	default:
		return refused("malformed token", err)
	}
}

// refusal keeps go-oidc's error as the cause without putting it into the
// message: problem+json shows the message, and some causes quote claims.
type refusal struct {
	reason string
	cause  error
}

func (r *refusal) Error() string { return r.reason }
func (r *refusal) Unwrap() error { return r.cause }

func refused(reason string, cause error) error {
	return &accord.Error{Code: accord.Unauthenticated, Message: reason, Err: &refusal{reason, cause}}
}

// lookup follows a dotted path into nested claims.
func lookup(claims map[string]any, path string) any {
	var v any = claims
	for part := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

// strs reads a claim that is a string of words or an array of strings.
func strs(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
	}
	return out
}
