package httpapi

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/accordhq/accord"
)

// Authenticator turns a request into the actor making it. It returns an
// Unauthenticated error when the request carries no valid credentials.
type Authenticator interface {
	Authenticate(r *http.Request) (accord.Actor, error)
}

// Authorizer may refuse an authenticated actor a request; it returns a
// PermissionDenied error to refuse (HTTP 403).
type Authorizer interface {
	Authorize(r *http.Request, actor accord.Actor) error
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(r *http.Request, actor accord.Actor) error

// Authorize calls f.
func (f AuthorizerFunc) Authorize(r *http.Request, actor accord.Actor) error { return f(r, actor) }

// BearerTokens authenticates "Authorization: Bearer <token>" against a fixed
// table of tokens. Tokens are compared in constant time.
func BearerTokens(tokens map[string]accord.Actor) Authenticator {
	t := make(bearerTokens, 0, len(tokens))
	for tok, a := range tokens {
		t = append(t, tokenEntry{[]byte(tok), a})
	}
	return t
}

type tokenEntry struct {
	token []byte
	actor accord.Actor
}

type bearerTokens []tokenEntry

func (t bearerTokens) Authenticate(r *http.Request) (accord.Actor, error) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "send Authorization: Bearer <token>")
	}
	var found *accord.Actor
	for i := range t {
		// Check every entry so timing does not reveal which token matched.
		if subtle.ConstantTimeCompare(t[i].token, []byte(tok)) == 1 {
			found = &t[i].actor
		}
	}
	if found == nil {
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "unknown bearer token")
	}
	return *found, nil
}
