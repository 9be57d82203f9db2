package httpapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/accordhq/accord"

	"github.com/accordhq/accord/contract"
)

// APIVersion is the version of the HTTP API that Contract describes.
const APIVersion = "1.0.0"

// Contract returns the accord contract of the HTTP API that New serves,
// every route included. The handler serves it as OpenAPI 3.1 at
// GET /v1/openapi.json (limited to the services it was given), and the
// package's own tests check every response they get against it.
func Contract() contract.Spec { return apiSpec(allEndpoints()) }

// endpoint is one route of the API: how it is served and how it is
// described. Each domain declares its endpoints in one table (its own
// file); New registers the routes from the tables and apiSpec builds the
// API's contract from the same tables, so a route cannot exist without its
// description.
type endpoint struct {
	id, method, path, summary string
	handle                    func(s *server, w http.ResponseWriter, r *http.Request) error
	query                     []contract.Parameter
	body                      any // request body; nil for none
	status                    int // on success
	result                    any // success body; nil for none
	media                     string
	etag, location, ifMatch   bool
	// permission is what the operation needs in its project, when
	// permissionOf cannot tell from the method and path.
	permission accord.Permission
	// outsideUnit serves a POST outside a unit of work (Options.Atomically):
	// it changes nothing (a dry run, a check), or it waits on something
	// outside, as a webhook replay waits on the receiver.
	outsideUnit bool
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

var stringSchema = json.RawMessage(`{"type":"string"}`)

// withPage returns the paging parameters followed by more.
func withPage(more ...contract.Parameter) []contract.Parameter {
	return append([]contract.Parameter{
		{Name: "page_size", In: contract.InQuery, Description: "1 to 500, default 50", Schema: json.RawMessage(`{"type":"integer","minimum":1,"maximum":500}`)},
		{Name: "page_token", In: contract.InQuery, Description: "next_page_token of the previous page", Schema: stringSchema},
	}, more...)
}

// optionalIfMatch describes an If-Match that e's command may go without.
func optionalIfMatch(e endpoint) endpoint {
	e.query = append(e.query, contract.Parameter{Name: "If-Match", In: contract.InHeader,
		Description: "optional: the ETag of the revision the change starts from", Schema: stringSchema})
	return e
}

func filterParam(name, desc string) contract.Parameter {
	return contract.Parameter{Name: name, In: contract.InQuery, Description: desc, Schema: stringSchema}
}

// reasonQuery is the optional why of a DELETE, kept in the tombstone.
var reasonQuery = []contract.Parameter{filterParam("reason", "why: kept in the tombstone revision the deletion leaves")}

func revisionQuery(name string) contract.Parameter {
	return contract.Parameter{Name: name, In: contract.InQuery, Required: true, Description: "a revision number", Schema: json.RawMessage(`{"type":"integer","minimum":1}`)}
}

// allEndpoints is every domain's table; New serves those of the services
// it is given.
func allEndpoints() [][]endpoint {
	return [][]endpoint{requirementEndpoints(), contractEndpoints(), reviewEndpoints(), riskEndpoints(), retroEndpoints(), planEndpoints(), traceEndpoints(true), reportEndpoints(), exportEndpoints(), webhookEndpoints(), watchEndpoints(), externalEndpoints(), trackerEndpoints(), projectEndpoints()}
}

func apiSpec(groups [][]endpoint) contract.Spec {
	set := contract.NewSchemaSet()
	spec := contract.Spec{
		Service:     "accord",
		Description: "The accord reference HTTP API: requirements, API contracts, review cycles, risk registers, retrospectives, plans, links between records and projects. Errors are application/problem+json (RFC 9457); ETag carries a record's revision and updates name it in If-Match.",
		Owner:       "accordhq",
	}
	str := stringSchema
	var eps []endpoint
	for _, g := range groups {
		eps = append(eps, g...)
	}

	problem := map[string]contract.MediaType{"application/problem+json": {Schema: set.MustRef(Problem{})}}
	failure := contract.Response{Description: "A problem (RFC 9457) naming what went wrong and, for invalid input, each field.", Content: problem}
	etagHeader := contract.Header{Name: "ETag", Required: true, Description: "the revision, quoted", Schema: json.RawMessage(`{"type":"string","pattern":"^\"[0-9]+\"$"}`)}
	locationHeader := contract.Header{Name: "Location", Required: true, Description: "where the new record lives", Schema: str}
	for _, e := range eps {
		op := contract.Operation{ID: e.id, Method: e.method, Path: e.path, Summary: e.summary, Description: permissionNote(e),
			Responses: map[string]contract.Response{"4XX": failure, "default": failure}}
		for _, m := range pathParam.FindAllStringSubmatch(e.path, -1) {
			schema := json.RawMessage(`{"type":"string","minLength":1}`)
			if m[1] == "n" {
				schema = json.RawMessage(`{"type":"integer","minimum":1}`)
			}
			op.Parameters = append(op.Parameters, contract.Parameter{Name: m[1], In: contract.InPath, Required: true, Schema: schema})
		}
		op.Parameters = append(op.Parameters, e.query...)
		if e.ifMatch {
			op.Parameters = append(op.Parameters, contract.Parameter{Name: "If-Match", In: contract.InHeader, Required: true,
				Description: "the ETag of the revision the change starts from", Schema: str})
		}
		if e.body != nil {
			op.RequestBody = &contract.RequestBody{Required: true, Content: map[string]contract.MediaType{"application/json": {Schema: set.MustRef(e.body)}}}
		}
		ok := contract.Response{Description: http.StatusText(e.status)}
		if e.result != nil {
			media := e.media
			if media == "" {
				media = "application/json"
			}
			ok.Content = map[string]contract.MediaType{media: {Schema: set.MustRef(e.result)}}
		}
		if e.etag {
			ok.Headers = append(ok.Headers, etagHeader)
		}
		if e.location {
			ok.Headers = append(ok.Headers, locationHeader)
		}
		op.Responses[strconv.Itoa(e.status)] = ok
		spec.Operations = append(spec.Operations, op)
	}
	spec.Operations = append(spec.Operations,
		contract.Operation{ID: "healthz", Method: "GET", Path: "/healthz", Summary: "Liveness; needs no token",
			Responses: map[string]contract.Response{"200": {Description: "OK", Content: map[string]contract.MediaType{"application/json": {Schema: set.MustRef(map[string]string{})}}}}},
		contract.Operation{ID: "getOpenAPI", Method: "GET", Path: "/v1/openapi.json", Summary: "This API as OpenAPI 3.1; needs no token",
			Responses: map[string]contract.Response{"200": {Description: "OK", Content: map[string]contract.MediaType{"application/json": {Schema: set.MustRef(map[string]any{})}}}}})
	spec.Schemas = set.Schemas()
	spec.ErrorCodeField = "type"
	spec.ErrorCodes = problemCatalogue()
	return spec
}

// problemCatalogue lists every problem type the adapter answers with, as
// the contract's error codes: a problem's type always comes with the same
// status.
func problemCatalogue() []contract.ErrorCode {
	entries := []struct {
		slug    string
		status  int
		message string
	}{
		{"invalid", http.StatusBadRequest, "The request is invalid; errors names each field."},
		{"unauthenticated", http.StatusUnauthorized, "No valid credentials."},
		{"permission_denied", http.StatusForbidden, "The actor may not do this."},
		{"not_found", http.StatusNotFound, "No such record or route."},
		{"method_not_allowed", http.StatusMethodNotAllowed, "The route does not take this method; Allow lists those it takes."},
		{"conflict", http.StatusConflict, "The change conflicts with stored data, such as a duplicate name."},
		{"failed_precondition", http.StatusConflict, "The record is not in a state that allows this; the detail says why."},
		{"stale_revision", http.StatusPreconditionFailed, "If-Match names a revision that is no longer current; re-read and retry."},
		{"too_large", http.StatusRequestEntityTooLarge, "The request body is too large."},
		{"unsupported_media_type", http.StatusUnsupportedMediaType, "The request body must be application/json."},
		{"precondition_required", http.StatusPreconditionRequired, "The change needs If-Match."},
		{"internal", http.StatusInternalServerError, "Something failed inside the server."},
		{"unimplemented", http.StatusNotImplemented, "Not available in this server."},
	}
	out := make([]contract.ErrorCode, len(entries))
	for i, e := range entries {
		out[i] = contract.ErrorCode{Code: problemType(e.slug), Status: e.status, Message: e.message}
	}
	return out
}

// permissionOf is the permission an endpoint's service call checks, for
// its description: reads need only membership; settings, deletes,
// restores and webhooks need theirs; other changes need record.write.
// Endpoints whose call needs something else say so (endpoint.permission).
func permissionOf(e endpoint) accord.Permission {
	switch {
	case e.permission != "":
		return e.permission
	case !strings.HasPrefix(e.path, "/v1/projects/{project}"):
		return ""
	case strings.Contains(e.path, "/webhooks"):
		return accord.PermWebhookManage
	case e.method == http.MethodGet || e.method == http.MethodHead,
		strings.Contains(e.path, "/watches"), strings.Contains(e.path, "/inbox"):
		return "" // reads, and what concerns only the caller
	case strings.Contains(e.path, "/settings/"):
		return accord.PermSettingsUpdate
	case e.method == http.MethodDelete:
		return accord.PermRecordDelete
	case strings.HasSuffix(e.path, "/restore"):
		return accord.PermRecordRestore
	}
	return accord.PermRecordWrite
}

// permissionNote says in an operation's description who may call it.
func permissionNote(e endpoint) string {
	perm := permissionOf(e)
	switch {
	case !strings.HasPrefix(e.path, "/v1/projects/{project}"):
		return "Any authenticated caller."
	case perm == "":
		return "Needs membership of the project (others get 404)."
	case perm == accord.PermRecordDelete:
		return "Needs the permission record.delete (admins by default); a record's author deletes their own draft with record.write. Others get 403."
	}
	return "Needs the permission " + string(perm) + " in the project (" + strings.Join(accord.DefaultPermissions()[perm], ", ") + " by default); members without it get 403, others 404."
}
