// Package httpapi is the reference net/http adapter for accord: JSON over
// HTTP under /v1/projects/{project}/… for requirements, contracts and
// reviews (each review answered with its outcome evaluated now; summaries
// as text/markdown), with problem+json errors (RFC 9457),
// ETag/If-Match revisions, page tokens, size-limited strict JSON bodies and
// pluggable authentication.
//
// Mount the handler New returns into any server or mux:
//
//	h, err := httpapi.New(httpapi.Options{
//		Requirements:  svc,
//		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"s3cret": {ID: "alice"}}),
//	})
//	http.ListenAndServe(":8080", h)
package httpapi
