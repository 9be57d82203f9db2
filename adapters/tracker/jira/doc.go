// Package jira is a tracker.Connector for Jira Cloud over its REST API v3,
// and an http.Handler receiving Jira's issue webhooks.
//
// Calls made, from Atlassian's published documentation:
//
//	POST /rest/api/3/issue                         create (project key, issue type name, summary, ADF description, labels)
//	PUT  /rest/api/3/issue/{key}                   update summary, description, labels
//	GET  /rest/api/3/search/jql                    find the issue carrying the marker label (nextPageToken pagination)
//	POST /rest/api/3/issue/{key}/remotelink        the link back to accord (globalId makes it idempotent)
//	GET  /rest/api/3/issue/{key}/transitions       the transitions available; the one whose target
//	POST /rest/api/3/issue/{key}/transitions       status name matches (case-insensitively) is made
//	POST /rest/api/3/issue/{key}/comment           an ADF comment
//	GET  /rest/api/3/issue/{key}?fields=status,updated
//
// The idempotency marker is a label accord-<record id>: Upsert searches for
// it before creating, so a create whose response was lost is not repeated.
// Assumption: the search index has caught up by the time a retry runs
// (Atlassian documents the index as near real time); Retry's backoff gives
// it that time.
//
// Authentication is basic (account email and API token) or a bearer token
// (OAuth 2.0). 429, and 503 with a wait, become tracker.RateLimited errors
// carrying Retry-After (or X-RateLimit-Reset); error bodies
// {"errorMessages":[…],"errors":{field: message}} become errors naming the
// fields.
package jira
