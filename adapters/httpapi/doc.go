// Package httpapi is the reference net/http adapter for accord: JSON over
// HTTP under /v1/projects/{project}/… for requirements, contracts and
// reviews (each review answered with its outcome evaluated now; summaries
// as text/markdown), with problem+json errors (RFC 9457),
// ETag/If-Match revisions, page tokens, size-limited strict JSON bodies and
// pluggable authentication.
//
// With Options.Projects the handler also serves /v1/projects (create, list
// the caller's, manage members) and authorizes every request by membership
// (ProjectMembers): a caller who is not a member of a project gets 404 for
// it, as if it did not exist, and a member's project roles count alongside
// the token's. Tokens can be fixed (BearerTokens) or stored hashed in a
// TokenStore (StoredTokens, NewToken); AnyOf combines them.
//
// With Options.Services.Traces it serves the links between records (…/links:
// suspect ones, a record's neighbours, confirmation, recheck; a
// requirement's at …/requirements/{id}/links), both ends of each link
// named by key and title with Options.Names, and, with Impacts, what a
// proposal would turn suspect (…/impact); with Options.Reports, the
// coverage and progress reports (…/reports/coverage as JSON, .md and
// .csv; …/reports/progress as JSON and .md).
//
// Each domain declares its endpoints once, in its own file; the same table
// registers the routes and builds the API's contract (Contract, served at
// /v1/openapi.json), so a route cannot exist without its description.
//
// Mount the handler New returns into any server or mux:
//
//	h, err := httpapi.New(httpapi.Options{
//		Services:      services, // from link.New
//		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"s3cret": {ID: "alice"}}),
//	})
//	http.ListenAndServe(":8080", h)
package httpapi
