package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/oidc"
	"github.com/accordhq/accord/adapters/web"
)

// oidcOptions are the serve flags of single sign-on: with an issuer, the
// identity provider's tokens are accepted beside accord's bearer tokens.
type oidcOptions struct {
	issuer, audience, jwksURL, rolesClaim, nameClaim string
	// clientID (and clientSecret, for a confidential client) let the
	// console sign people in at the provider.
	clientID, clientSecret string
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
	fs.StringVar(&o.clientID, "oidc-client-id", os.Getenv("ACCORD_OIDC_CLIENT_ID"),
		"the console's client ID at the provider: adds \"Sign in with SSO\", back at {-public-url}/login/callback; default $ACCORD_OIDC_CLIENT_ID")
	fs.StringVar(&o.clientSecret, "oidc-client-secret", os.Getenv("ACCORD_OIDC_CLIENT_SECRET"),
		"the console client's secret, for a confidential client (PKCE is used either way); default $ACCORD_OIDC_CLIENT_SECRET")
	return o
}

// oidcFlagOf names the flag (and variable) behind an oidc.Options field.
var oidcFlagOf = map[string]string{
	"issuer":       "-oidc-issuer (or ACCORD_OIDC_ISSUER)",
	"audience":     "-oidc-audience (or ACCORD_OIDC_AUDIENCE)",
	"jwks_url":     "-oidc-jwks-url (or ACCORD_OIDC_JWKS_URL)",
	"client_id":    "-oidc-client-id (or ACCORD_OIDC_CLIENT_ID)",
	"claims.roles": "-oidc-roles-claim (or ACCORD_OIDC_ROLES_CLAIM)",
	"claims.name":  "-oidc-name-claim (or ACCORD_OIDC_NAME_CLAIM)",
}

// authenticator returns the provider's Authenticator, or nil when no
// issuer is set. A bad setting fails the start, naming its flag.
func (o oidcOptions) authenticator(ctx context.Context) (*oidc.Authenticator, error) {
	if o.issuer == "" {
		for field, v := range map[string]string{"audience": o.audience, "jwks_url": o.jwksURL, "claims.roles": o.rolesClaim, "claims.name": o.nameClaim, "client_id": o.clientID} {
			if v != "" {
				return nil, fmt.Errorf("%s is set but -oidc-issuer (or ACCORD_OIDC_ISSUER) is not: set the issuer to accept the provider's tokens", oidcFlagOf[field])
			}
		}
		return nil, nil
	}
	return o.newAuthenticator(ctx, o.audience)
}

func (o oidcOptions) newAuthenticator(ctx context.Context, audience string) (*oidc.Authenticator, error) {
	a, err := oidc.New(ctx, oidc.Options{Issuer: o.issuer, Audience: audience, JWKSURL: o.jwksURL,
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

// sso returns the console's sign-in at the provider, or nil without
// -oidc-client-id. The ID tokens are checked as the API's tokens are,
// with the client ID as their audience.
func (o oidcOptions) sso(ctx context.Context, publicURL string) (*web.SSO, error) {
	if o.clientID == "" {
		return nil, nil
	}
	if publicURL == "" {
		return nil, errors.New("-oidc-client-id (or ACCORD_OIDC_CLIENT_ID) needs -public-url (or ACCORD_PUBLIC_URL): the provider sends people back to {public-url}/login/callback")
	}
	a, err := o.newAuthenticator(ctx, o.clientID)
	if err != nil {
		return nil, err
	}
	if a.Endpoint().AuthURL == "" {
		return nil, errors.New("-oidc-client-id (or ACCORD_OIDC_CLIENT_ID) needs the issuer's discovery document for its endpoints: leave -oidc-jwks-url unset")
	}
	return &web.SSO{OAuth2: oauth2.Config{ClientID: o.clientID, ClientSecret: o.clientSecret, Endpoint: a.Endpoint(),
		RedirectURL: strings.TrimSuffix(publicURL, "/") + "/login/callback", Scopes: []string{"openid", "profile", "email"}},
		VerifyIDToken: a.VerifyIDToken, HTTPClient: &http.Client{Timeout: 10 * time.Second}}, nil
}
