package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/project"
)

// Authenticator turns a request into the actor making it. It returns an
// Unauthenticated error when the request carries no valid credentials.
type Authenticator interface {
	Authenticate(r *http.Request) (accord.Actor, error)
}

// Authorizer decides whether an authenticated actor may make a request, and
// as whom: it returns the actor the request runs as (with the roles it has
// in the request's project, say), or an error to refuse. PermissionDenied
// answers 403; NotFound answers 404, for a project the actor may not know
// exists.
type Authorizer interface {
	Authorize(r *http.Request, actor accord.Actor) (accord.Actor, error)
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(r *http.Request, actor accord.Actor) (accord.Actor, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(r *http.Request, actor accord.Actor) (accord.Actor, error) {
	return f(r, actor)
}

// ProjectMembers is the Authorizer of project membership: a request for a
// project (a path with {project}) is allowed only to the project's members,
// and runs with the member's project roles added to the actor's own. A
// project that does not exist and one the actor is not a member of answer
// alike, 404, so a caller cannot learn which projects exist. Requests
// outside any project (listing one's projects, creating one) pass.
func ProjectMembers(projects *project.Service) Authorizer {
	return AuthorizerFunc(func(r *http.Request, actor accord.Actor) (accord.Actor, error) {
		key := r.PathValue("project")
		if key == "" {
			return actor, nil
		}
		m, err := projects.Member(r.Context(), key, actor.ID)
		if err != nil {
			return actor, err
		}
		roles := slices.Clone(actor.Roles)
		for _, role := range m.Roles {
			if !slices.Contains(roles, role) {
				roles = append(roles, role)
			}
		}
		actor.Roles = roles
		return actor, nil
	})
}

// TokenStore keeps API tokens by the hex SHA-256 of the token, so a stolen
// database does not hand out working tokens. adapters/memory and
// adapters/sqlstore implement it.
type TokenStore interface {
	CreateToken(ctx context.Context, hash string, actor accord.Actor) error
	// ActorOfToken returns the actor of a token's hash; NotFound if none.
	ActorOfToken(ctx context.Context, hash string) (accord.Actor, error)
}

// NewToken makes a random token for actor, stores its hash in ts and
// returns the token: the only time it is ever seen.
func NewToken(ctx context.Context, ts TokenStore, actor accord.Actor) (string, error) {
	if actor.ID == "" {
		return "", accord.InvalidField("token", "actor", "required")
	}
	token := "acc_" + rand.Text() + rand.Text()
	if err := ts.CreateToken(ctx, tokenHash(token), actor); err != nil {
		return "", err
	}
	return token, nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StoredTokens authenticates "Authorization: Bearer <token>" against the
// hashed tokens of ts.
func StoredTokens(ts TokenStore) Authenticator { return storedTokens{ts} }

type storedTokens struct{ ts TokenStore }

func (s storedTokens) Authenticate(r *http.Request) (accord.Actor, error) {
	tok, err := bearer(r)
	if err != nil {
		return accord.Actor{}, err
	}
	a, err := s.ts.ActorOfToken(r.Context(), tokenHash(tok))
	if accord.ErrorCode(err) == accord.NotFound {
		return accord.Actor{}, accord.Errorf(accord.Unauthenticated, "unknown bearer token")
	}
	return a, err
}

// AnyOf authenticates with the first of several authenticators that knows
// the request's credentials.
func AnyOf(authns ...Authenticator) Authenticator {
	return authenticatorFunc(func(r *http.Request) (accord.Actor, error) {
		var err error
		for _, a := range authns {
			var actor accord.Actor
			if actor, err = a.Authenticate(r); err == nil {
				return actor, nil
			}
		}
		return accord.Actor{}, err
	})
}

type authenticatorFunc func(r *http.Request) (accord.Actor, error)

func (f authenticatorFunc) Authenticate(r *http.Request) (accord.Actor, error) { return f(r) }

func bearer(r *http.Request) (string, error) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", accord.Errorf(accord.Unauthenticated, "send Authorization: Bearer <token>")
	}
	return tok, nil
}

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
	tok, err := bearer(r)
	if err != nil {
		return accord.Actor{}, err
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
