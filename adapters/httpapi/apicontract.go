package httpapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"

	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// APIVersion is the version of the HTTP API that Contract describes.
const APIVersion = "1.0.0"

// Contract returns the accord contract of the HTTP API that New serves,
// every route included. The handler serves it as OpenAPI 3.1 at
// GET /v1/openapi.json (limited to the services it was given), and the
// package's own tests check every response they get against it.
func Contract() contract.Spec { return apiSpec(true, true) }

// endpoint is one route of the API, in the few terms the routes differ by.
type endpoint struct {
	id, method, path, summary string
	query                     []contract.Parameter
	body                      any // request body; nil for none
	status                    int // on success
	result                    any // success body; nil for none
	media                     string
	etag, location, ifMatch   bool
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

func apiSpec(withContracts, withReviews bool) contract.Spec {
	set := contract.NewSchemaSet()
	spec := contract.Spec{
		Service:     "accord",
		Description: "The accord reference HTTP API: requirements, API contracts and review cycles. Errors are application/problem+json (RFC 9457); ETag carries a record's revision and updates name it in If-Match.",
		Owner:       "accordhq",
	}
	str := json.RawMessage(`{"type":"string"}`)
	page := []contract.Parameter{
		{Name: "page_size", In: contract.InQuery, Description: "1 to 500, default 50", Schema: json.RawMessage(`{"type":"integer","minimum":1,"maximum":500}`)},
		{Name: "page_token", In: contract.InQuery, Description: "next_page_token of the previous page", Schema: str},
	}
	filter := func(name, desc string) contract.Parameter {
		return contract.Parameter{Name: name, In: contract.InQuery, Description: desc, Schema: str}
	}
	revisionQuery := func(name string) contract.Parameter {
		return contract.Parameter{Name: name, In: contract.InQuery, Required: true, Description: "a revision number", Schema: json.RawMessage(`{"type":"integer","minimum":1}`)}
	}
	const p = base
	eps := []endpoint{
		{id: "listRequirements", method: "GET", path: p + "/requirements", summary: "List requirements in key order",
			query: append(append([]contract.Parameter{}, page...), filter("status", "statuses, comma-separated or repeated"), filter("priority", "priorities, comma-separated or repeated"),
				filter("owner", "owner"), filter("label", "label"), filter("q", "text in key, title, background or description")),
			status: 200, result: requirement.Page[requirement.Requirement]{}},
		{id: "createRequirement", method: "POST", path: p + "/requirements", summary: "Create a requirement (revision 1, draft)",
			body: requirementBody{}, status: 201, result: requirement.Requirement{}, etag: true, location: true},
		{id: "getRequirement", method: "GET", path: p + "/requirements/{id}", summary: "Read a requirement by ID or key (REQ-7)",
			status: 200, result: requirement.Requirement{}, etag: true},
		{id: "updateRequirement", method: "PUT", path: p + "/requirements/{id}", summary: "Replace a requirement's content",
			body: requirementBody{}, ifMatch: true, status: 200, result: requirement.Requirement{}, etag: true},
		{id: "deleteRequirement", method: "DELETE", path: p + "/requirements/{id}", summary: "Delete a requirement with its history", status: 204},
		{id: "transitionRequirement", method: "POST", path: p + "/requirements/{id}/transitions", summary: "Move a requirement along its lifecycle",
			body: transitionBody{}, ifMatch: true, status: 200, result: requirement.Requirement{}, etag: true},
		{id: "listRequirementRevisions", method: "GET", path: p + "/requirements/{id}/revisions", summary: "Who changed a requirement, when and why",
			status: 200, result: items[revisionSummary]{}},
		{id: "getRequirementRevision", method: "GET", path: p + "/requirements/{id}/revisions/{n}", summary: "One revision, whole",
			status: 200, result: requirement.Revision{}},
		{id: "diffRequirement", method: "GET", path: p + "/requirements/{id}/diff", summary: "Field-level changes between two revisions",
			query: []contract.Parameter{revisionQuery("from"), revisionQuery("to")}, status: 200, result: diffResponse{}},
		{id: "lintRequirement", method: "GET", path: p + "/requirements/{id}/lint", summary: "Lint a stored requirement", status: 200, result: lintResponse{}},
		{id: "lintDraft", method: "POST", path: p + "/lint", summary: "Lint unsaved content", body: requirement.Content{}, status: 200, result: lintResponse{}},
		{id: "listChangeRequests", method: "GET", path: p + "/requirements/{id}/change-requests", summary: "A requirement's change requests",
			status: 200, result: items[requirement.ChangeRequest]{}},
		{id: "proposeChange", method: "POST", path: p + "/requirements/{id}/change-requests", summary: "Propose a change to an approved requirement",
			body: requirement.ChangeProposal{}, status: 201, result: requirement.ChangeRequest{}, etag: true, location: true},
		{id: "getChangeRequest", method: "GET", path: p + "/change-requests/{cr}", summary: "Read a change request",
			status: 200, result: requirement.ChangeRequest{}, etag: true},
		{id: "decideChangeRequest", method: "POST", path: p + "/change-requests/{cr}/decisions", summary: "Approve, reject or withdraw a change request",
			body: decisionBody{}, ifMatch: true, status: 200, result: requirement.ChangeRequest{}, etag: true},
		{id: "applyChangeRequest", method: "POST", path: p + "/change-requests/{cr}/apply", summary: "Apply an approved change request",
			ifMatch: true, status: 200, result: applyResponse{}},
		{id: "listTerms", method: "GET", path: p + "/glossary", summary: "The project's glossary", status: 200, result: items[requirement.Term]{}},
		{id: "createTerm", method: "POST", path: p + "/glossary", summary: "Add a glossary term",
			body: termBody{}, status: 201, result: requirement.Term{}, etag: true, location: true},
		{id: "getTerm", method: "GET", path: p + "/glossary/{term}", summary: "Read a glossary term", status: 200, result: requirement.Term{}, etag: true},
		{id: "updateTerm", method: "PUT", path: p + "/glossary/{term}", summary: "Change a glossary term",
			body: termBody{}, ifMatch: true, status: 200, result: requirement.Term{}, etag: true},
		{id: "deleteTerm", method: "DELETE", path: p + "/glossary/{term}", summary: "Remove a glossary term", status: 204},
		{id: "listTermRevisions", method: "GET", path: p + "/glossary/{term}/revisions", summary: "A term's history",
			status: 200, result: items[termRevisionSummary]{}},
		{id: "getRequirementSettings", method: "GET", path: p + "/settings/requirements", summary: "The project's requirement settings",
			status: 200, result: requirement.Settings{}},
		{id: "putRequirementSettings", method: "PUT", path: p + "/settings/requirements", summary: "Replace the project's requirement settings",
			body: requirement.Settings{}, status: 200, result: requirement.Settings{}},
	}
	if withContracts {
		const c = p + "/contracts"
		const v = c + "/{id}/versions/{version}"
		eps = append(eps, []endpoint{
			{id: "listContracts", method: "GET", path: c, summary: "List API contracts", query: page, status: 200, result: contract.Page[contract.Contract]{}},
			{id: "createContract", method: "POST", path: c, summary: "Create a contract with its first version, a draft",
				body: createContractBody{}, status: 201, result: contract.Version{}, etag: true, location: true},
			{id: "getContract", method: "GET", path: c + "/{id}", summary: "Read a contract and its versions", status: 200, result: contractResponse{}},
			{id: "deleteContract", method: "DELETE", path: c + "/{id}", summary: "Delete a contract that has no agreed version", status: 204},
			{id: "listContractVersions", method: "GET", path: c + "/{id}/versions", summary: "Every version, whole", status: 200, result: items[contract.Version]{}},
			{id: "createContractVersion", method: "POST", path: c + "/{id}/versions", summary: "Start a new version from an existing one",
				body: newVersionBody{}, status: 201, result: contract.Version{}, etag: true, location: true},
			{id: "getContractVersion", method: "GET", path: v, summary: "Read a version", status: 200, result: contract.Version{}, etag: true},
			{id: "updateContractVersion", method: "PUT", path: v, summary: "Replace a draft version's spec",
				body: updateVersionBody{}, ifMatch: true, status: 200, result: contract.Version{}, etag: true},
			{id: "transitionContractVersion", method: "POST", path: v + "/transitions", summary: "Propose, agree or deprecate a version",
				body: versionTransitionBody{}, ifMatch: true, status: 200, result: contract.Version{}, etag: true},
			{id: "lintContractVersion", method: "GET", path: v + "/lint", summary: "Lint a version", status: 200, result: contractLintResponse{}},
			{id: "exportOpenAPI", method: "GET", path: v + "/openapi.json", summary: "A version as OpenAPI 3.1", status: 200, result: map[string]any{}},
			{id: "validateSample", method: "POST", path: v + "/validate", summary: "Check a sample request and response against a version",
				body: validateBody{}, status: 200, result: validateResponse{}},
		}...)
	}
	if withReviews {
		const r = p + "/reviews"
		const one = r + "/{id}"
		action := func(id, method, path, summary string, body any) endpoint {
			return endpoint{id: id, method: method, path: path, summary: summary, body: body, status: 200, result: reviewResponse{}, etag: true}
		}
		eps = append(eps, []endpoint{
			{id: "listReviews", method: "GET", path: r, summary: "List reviews with their outcomes",
				query: append(append([]contract.Parameter{}, page...), filter("kind", "requirement, change_request, contract or acceptance"),
					filter("subject", "kind/id of the subject"), filter("participant", "an actor taking part")),
				status: 200, result: review.Page[reviewResponse]{}},
			{id: "createReview", method: "POST", path: r, summary: "Open a review of a subject",
				body: review.NewReview{}, status: 201, result: reviewResponse{}, etag: true, location: true},
			{id: "getReview", method: "GET", path: one, summary: "Read a review by ID or key (RV-3), with its outcome", status: 200, result: reviewResponse{}, etag: true},
			{id: "deleteReview", method: "DELETE", path: one, summary: "Delete a review", status: 204},
			{id: "getReviewOutcome", method: "GET", path: one + "/outcome", summary: "The outcome of the open round and every unmet rule",
				status: 200, result: review.Evaluation{}},
			{id: "getReviewSummary", method: "GET", path: one + "/summary", summary: "The review as Markdown for sharing",
				status: 200, result: "", media: "text/markdown"},
			{id: "getReviewHistory", method: "GET", path: one + "/history", summary: "Who did what in the review, and when",
				status: 200, result: items[review.Entry]{}},
			action("addReviewParticipant", "POST", one+"/participants", "Add a participant in a role", review.NewParticipant{}),
			action("removeReviewParticipant", "DELETE", one+"/participants/{actor}", "Remove a participant", nil),
			action("setReviewDue", "PUT", one+"/due", "Set or clear the due date", dueBody{}),
			action("giveVerdict", "POST", one+"/verdicts", "Give a verdict on the open round", review.VerdictInput{}),
			action("withdrawVeto", "POST", one+"/veto-withdrawals", "Withdraw one's standing veto", reasonBody{}),
			action("assessFeasibility", "POST", one+"/assessments", "Assess feasibility, difficulty, effort and risks", review.AssessmentInput{}),
			action("checkCriteria", "POST", one+"/checks", "Record acceptance checks", review.CheckInput{}),
			action("openThread", "POST", one+"/threads", "Open a thread on a field", review.ThreadInput{}),
			action("replyThread", "POST", one+"/threads/{thread}/comments", "Reply in a thread", commentBody{}),
			action("resolveThread", "POST", one+"/threads/{thread}/resolution", "Resolve or reopen a thread", resolutionBody{}),
			action("overrideReview", "POST", one+"/overrides", "Force the outcome of the open round", review.OverrideInput{}),
			action("syncReview", "POST", one+"/sync", "Follow the subject's current revision", nil),
			{id: "getReviewSettings", method: "GET", path: p + "/review-settings", summary: "The project's review roles and policies",
				status: 200, result: review.Settings{}, etag: true},
			{id: "putReviewSettings", method: "PUT", path: p + "/review-settings", summary: "Replace the project's review roles and policies",
				body: reviewSettingsBody{}, ifMatch: true, status: 200, result: review.Settings{}, etag: true},
		}...)
	}

	problem := map[string]contract.MediaType{"application/problem+json": {Schema: set.MustRef(Problem{})}}
	failure := contract.Response{Description: "A problem (RFC 9457) naming what went wrong and, for invalid input, each field.", Content: problem}
	etagHeader := contract.Header{Name: "ETag", Required: true, Description: "the revision, quoted", Schema: json.RawMessage(`{"type":"string","pattern":"^\"[0-9]+\"$"}`)}
	locationHeader := contract.Header{Name: "Location", Required: true, Description: "where the new record lives", Schema: str}
	for _, e := range eps {
		op := contract.Operation{ID: e.id, Method: e.method, Path: e.path, Summary: e.summary, Responses: map[string]contract.Response{"4XX": failure, "default": failure}}
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
