package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/oidc"
)

// oidcOptions are the serve flags of single sign-on: with an issuer, the
// identity provider's tokens are accepted beside accord's bearer tokens.
type oidcOptions struct {
	issuer, audience, jwksURL, rolesClaim, nameClaim string
}

// oidcFlags registers the -oidc-* flags on fs, each defaulting to its
// ACCORD_OIDC_* variable.
func oidcFlags(fs *flag.FlagSet) *oidcOptions {
	o := &oidcOptions{}
	fs.StringVar(&o.issuer, "oidc-issuer", os.Getenv("ACCORD_OIDC_ISSUER"),
		"issuer URL of the identity provider whose tokens to accept (https://sso.example.com/realms/corp); default $ACCORD_OIDC_ISSUER, else none")
	fs.StringVar(&o.audience, "oidc-audience", os.Getenv("ACCORD_OIDC_AUDIENCE"),
		"the aud value the provider's tokens for accord carry; required with -oidc-issuer; default $ACCORD_OIDC_AUDIENCE")
	fs.StringVar(&o.rolesClaim, "oidc-roles-claim", os.Getenv("ACCORD_OIDC_ROLES_CLAIM"),
		"claim (or dotted path, realm_access.roles) holding the caller's roles; empty: project membership alone; default $ACCORD_OIDC_ROLES_CLAIM")
	fs.StringVar(&o.jwksURL, "oidc-jwks-url", os.Getenv("ACCORD_OIDC_JWKS_URL"),
		"the provider's key set URL, instead of discovering it from the issuer; default $ACCORD_OIDC_JWKS_URL")
	fs.StringVar(&o.nameClaim, "oidc-name-claim", os.Getenv("ACCORD_OIDC_NAME_CLAIM"),
		`claim holding the caller's display name; default $ACCORD_OIDC_NAME_CLAIM, else "name"`)
	return o
}

// oidcFlagOf names the flag (and variable) behind an oidc.Options field.
var oidcFlagOf = map[string]string{
	"issuer":       "-oidc-issuer (or ACCORD_OIDC_ISSUER)",
	"audience":     "-oidc-audience (or ACCORD_OIDC_AUDIENCE)",
	"jwks_url":     "-oidc-jwks-url (or ACCORD_OIDC_JWKS_URL)",
	"claims.roles": "-oidc-roles-claim (or ACCORD_OIDC_ROLES_CLAIM)",
	"claims.name":  "-oidc-name-claim (or ACCORD_OIDC_NAME_CLAIM)",
}

// authenticator returns the provider's Authenticator, or nil when no
// issuer is set. A bad setting fails the start, naming its flag.
func (o oidcOptions) authenticator(ctx context.Context) (*oidc.Authenticator, error) {
	if o.issuer == "" {
		for field, v := range map[string]string{"audience": o.audience, "jwks_url": o.jwksURL, "claims.roles": o.rolesClaim, "claims.name": o.nameClaim} {
			if v != "" {
				return nil, fmt.Errorf("%s is set but -oidc-issuer (or ACCORD_OIDC_ISSUER) is not: set the issuer to accept the provider's tokens", oidcFlagOf[field])
			}
		}
		return nil, nil
	}
	a, err := oidc.New(ctx, oidc.Options{Issuer: o.issuer, Audience: o.audience, JWKSURL: o.jwksURL,
		Claims:     oidc.Claims{Roles: o.rolesClaim, Name: o.nameClaim},
		HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	var e *accord.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		f := e.Fields[0]
		name := oidcFlagOf[f.Field]
		if name == "" {
			name = "-oidc-*"
		}
		return nil, fmt.Errorf("%s: %s", name, f.Message)
	}
	return a, err
}
