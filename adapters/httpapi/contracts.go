package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

type createContractBody struct {
	Version string        `json:"version"`
	Spec    contract.Spec `json:"spec"`
	Note    string        `json:"note,omitempty"`
}

type newVersionBody struct {
	From    string `json:"from"`
	Version string `json:"version"`
	Note    string `json:"note,omitempty"`
}

type updateVersionBody struct {
	Spec contract.Spec `json:"spec"`
	Note string        `json:"note,omitempty"`
}

type versionTransitionBody struct {
	To   contract.Status `json:"to"`
	Note string          `json:"note,omitempty"`
}

// versionSummary lists a version without its spec.
type versionSummary struct {
	Version   string          `json:"version"`
	Status    contract.Status `json:"status"`
	Revision  int             `json:"revision"`
	UpdatedBy string          `json:"updated_by"`
	UpdatedAt time.Time       `json:"updated_at"`
}

type contractResponse struct {
	contract.Contract
	Versions []versionSummary `json:"versions"`
}

type contractLintResponse struct {
	Findings []contract.Finding `json:"findings"`
	Blocking bool               `json:"blocking"`
}

// sampleRequest and sampleResponse are an exchange sent to the validation
// endpoint by teams that do not use Go. Body is the body as JSON; BodyText
// carries a body that is not JSON, verbatim.
type sampleRequest struct {
	Method   string            `json:"method"`
	Path     string            `json:"path"` // with the query string, e.g. /orders?limit=5
	Headers  map[string]string `json:"headers,omitempty"`
	Body     json.RawMessage   `json:"body,omitempty"`
	BodyText string            `json:"body_text,omitempty"`
}

type sampleResponse struct {
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers,omitempty"`
	Body     json.RawMessage   `json:"body,omitempty"`
	BodyText string            `json:"body_text,omitempty"`
}

type validateBody struct {
	Request  sampleRequest   `json:"request"`
	Response *sampleResponse `json:"response,omitempty"`
}

type validateResponse struct {
	Valid    bool             `json:"valid"`
	Request  contract.Result  `json:"request"`
	Response *contract.Result `json:"response,omitempty"`
}

func contractEndpoints() []endpoint {
	const c = base + "/contracts"
	const v = c + "/{id}/versions/{version}"
	return []endpoint{
		{id: "listContracts", handle: (*server).listContracts, method: "GET", path: c, summary: "List API contracts", query: withPage(filterParam("service", "the service name")), status: 200, result: accord.Page[contract.Contract]{}},
		{id: "createContract", handle: (*server).createContract, method: "POST", path: c, summary: "Create a contract with its first version, a draft",
			body: createContractBody{}, status: 201, result: contract.Version{}, etag: true, location: true},
		{id: "getContract", handle: (*server).getContract, method: "GET", path: c + "/{id}", summary: "Read a contract and its versions", status: 200, result: contractResponse{}},
		{id: "deleteContract", handle: (*server).deleteContract, method: "DELETE", path: c + "/{id}", summary: "Delete a contract that has no agreed version", status: 204},
		{id: "listContractVersions", handle: (*server).listVersions, method: "GET", path: c + "/{id}/versions", summary: "Every version, whole", status: 200, result: items[contract.Version]{}},
		{id: "createContractVersion", handle: (*server).newVersion, method: "POST", path: c + "/{id}/versions", summary: "Start a new version from an existing one",
			body: newVersionBody{}, status: 201, result: contract.Version{}, etag: true, location: true},
		{id: "getContractVersion", handle: (*server).getVersion, method: "GET", path: v, summary: "Read a version", status: 200, result: contract.Version{}, etag: true},
		{id: "updateContractVersion", handle: (*server).updateVersion, method: "PUT", path: v, summary: "Replace a draft version's spec",
			body: updateVersionBody{}, ifMatch: true, status: 200, result: contract.Version{}, etag: true},
		{id: "transitionContractVersion", handle: (*server).transitionVersion, method: "POST", path: v + "/transitions", summary: "Propose, agree or deprecate a version",
			body: versionTransitionBody{}, ifMatch: true, status: 200, result: contract.Version{}, etag: true},
		{id: "listContractVersionRevisions", handle: (*server).listVersionRevisions, method: "GET", path: v + "/revisions", summary: "Who changed a version, when and why",
			status: 200, result: items[versionRevisionSummary]{}},
		{id: "getContractVersionRevision", handle: (*server).getVersionRevision, method: "GET", path: v + "/revisions/{n}", summary: "One revision of a version, whole",
			status: 200, result: versionRevision{}},
		{id: "diffContractVersionRevisions", handle: (*server).diffVersionRevisions, method: "GET", path: v + "/diff", summary: "Field-level changes between two revisions of a version",
			query: []contract.Parameter{revisionQuery("from"), revisionQuery("to")}, status: 200, result: diffResponse{}},
		{id: "diffContractVersions", handle: (*server).diffVersions, method: "GET", path: c + "/{id}/diff", summary: "Field-level changes between two versions",
			query: []contract.Parameter{{Name: "from", In: contract.InQuery, Required: true, Description: "a version, such as 1.0.0", Schema: stringSchema},
				{Name: "to", In: contract.InQuery, Required: true, Description: "a version, such as 1.1.0", Schema: stringSchema}},
			status: 200, result: versionDiffResponse{}},
		{id: "lintContractVersion", handle: (*server).lintVersion, method: "GET", path: v + "/lint", summary: "Lint a version", status: 200, result: contractLintResponse{}},
		{id: "exportOpenAPI", handle: (*server).exportOpenAPI, method: "GET", path: v + "/openapi.json", summary: "A version as OpenAPI 3.1", status: 200, result: map[string]any{}},
		{id: "validateSample", handle: (*server).validateSample, method: "POST", path: v + "/validate", summary: "Check a sample request and response against a version",
			body: validateBody{}, status: 200, result: validateResponse{}},
	}
}

func writeVersion(w http.ResponseWriter, status int, v contract.Version) {
	w.Header().Set("ETag", etag(v.Revision))
	writeJSON(w, status, v)
}

func (s *server) listContracts(w http.ResponseWriter, r *http.Request) error {
	size, token, err := listQuery(r, "service")
	if err != nil {
		return err
	}
	f := contract.Filter{Service: r.URL.Query().Get("service")}
	page, err := s.contracts.List(r.Context(), r.PathValue("project"), f, accord.PageQuery{Size: size, Token: token})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *server) createContract(w http.ResponseWriter, r *http.Request) error {
	var body createContractBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	created, err := s.contracts.Create(r.Context(), r.PathValue("project"), body.Version, body.Spec, body.Note)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/projects/"+created.Project+"/contracts/"+created.ContractID+"/versions/"+created.Version)
	writeVersion(w, http.StatusCreated, created)
	return nil
}

func (s *server) getContract(w http.ResponseWriter, r *http.Request) error {
	project, id := r.PathValue("project"), r.PathValue("id")
	c, err := s.contracts.Get(r.Context(), project, id)
	if err != nil {
		return err
	}
	versions, err := s.contracts.Versions(r.Context(), project, id)
	if err != nil {
		return err
	}
	out := contractResponse{Contract: c, Versions: []versionSummary{}}
	for _, v := range versions {
		out.Versions = append(out.Versions, versionSummary{Version: v.Version, Status: v.Status, Revision: v.Revision,
			UpdatedBy: v.UpdatedBy, UpdatedAt: v.UpdatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) deleteContract(w http.ResponseWriter, r *http.Request) error {
	if err := s.contracts.Delete(r.Context(), r.PathValue("project"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listVersions(w http.ResponseWriter, r *http.Request) error {
	versions, err := s.contracts.Versions(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, items[contract.Version]{Items: nonNil(versions)})
	return nil
}

func (s *server) newVersion(w http.ResponseWriter, r *http.Request) error {
	var body newVersionBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	if body.From == "" {
		return invalid("from", "required: the version to start from")
	}
	created, err := s.contracts.NewVersion(r.Context(), r.PathValue("project"), r.PathValue("id"), body.From, body.Version, body.Note)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/projects/"+created.Project+"/contracts/"+created.ContractID+"/versions/"+created.Version)
	writeVersion(w, http.StatusCreated, created)
	return nil
}

func (s *server) getVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := s.contracts.Version(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	writeVersion(w, http.StatusOK, v)
	return nil
}

func (s *server) updateVersion(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body updateVersionBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	v, err := s.contracts.UpdateVersion(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"), rev, body.Spec, body.Note)
	if err != nil {
		return err
	}
	writeVersion(w, http.StatusOK, v)
	return nil
}

func (s *server) transitionVersion(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body versionTransitionBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	v, err := s.contracts.Transition(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"), rev, body.To, body.Note)
	if err != nil {
		return err
	}
	writeVersion(w, http.StatusOK, v)
	return nil
}

func (s *server) lintVersion(w http.ResponseWriter, r *http.Request) error {
	findings, err := s.contracts.Lint(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contractLintResponse{Findings: findings, Blocking: contract.HasErrors(findings)})
	return nil
}

func (s *server) exportOpenAPI(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.contracts.OpenAPI(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
	return nil
}

// validateSample checks a sample exchange against a stored version, so
// teams outside Go can validate their traffic.
func (s *server) validateSample(w http.ResponseWriter, r *http.Request) error {
	var body validateBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	if body.Request.Method == "" {
		return invalid("request.method", "required")
	}
	if !isToken(body.Request.Method) {
		return invalid("request.method", "must be an HTTP method (letters such as GET or POST), not %q", body.Request.Method)
	}
	if !strings.HasPrefix(body.Request.Path, "/") {
		return invalid("request.path", "required: the request path starting with /, with its query string")
	}
	if u, err := url.ParseRequestURI(body.Request.Path); err != nil || strings.ContainsFunc(body.Request.Path, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return invalid("request.path", "must be a valid request path: escape spaces, control characters and %% as %%XX")
	} else if u.Host != "" || u.Scheme != "" {
		return invalid("request.path", "must be a path starting with /, not a URL")
	}
	for k, val := range body.Request.Headers {
		if !isToken(k) || strings.ContainsAny(val, "\r\n\x00") {
			return invalid("request.headers", "header %q is not a valid header name and value", k)
		}
	}
	if len(body.Request.Body) > 0 && body.Request.BodyText != "" {
		return invalid("request.body_text", "give body or body_text, not both")
	}
	v, err := s.contracts.Validator(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	reqBody := sampleBody(body.Request.Body, body.Request.BodyText)
	req, err := http.NewRequest(strings.ToUpper(body.Request.Method), "http://sample"+body.Request.Path, bytes.NewReader(reqBody))
	if err != nil {
		return invalid("request.path", "not a request path: %v", err)
	}
	for k, val := range body.Request.Headers {
		req.Header.Set(k, val)
	}
	if len(body.Request.Body) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	out := validateResponse{Request: v.ValidateRequest(req, reqBody)}
	if resp := body.Response; resp != nil {
		if resp.Status < 100 || resp.Status > 599 {
			return invalid("response.status", "must be an HTTP status (100–599)")
		}
		h := http.Header{}
		for k, val := range resp.Headers {
			if !isToken(k) || strings.ContainsAny(val, "\r\n\x00") {
				return invalid("response.headers", "header %q is not a valid header name and value", k)
			}
			h.Set(k, val)
		}
		if len(resp.Body) > 0 && h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
		res := v.ValidateResponse(req, resp.Status, h, sampleBody(resp.Body, resp.BodyText))
		out.Response = &res
	}
	out.Valid = out.Request.OK() && (out.Response == nil || out.Response.OK())
	out.Request.Violations = nonNil(out.Request.Violations)
	if out.Response != nil {
		out.Response.Violations = nonNil(out.Response.Violations)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func sampleBody(raw json.RawMessage, text string) []byte {
	if len(raw) > 0 {
		return raw
	}
	return []byte(text)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// versionRevisionSummary lists a revision of a version without its spec.
type versionRevisionSummary struct {
	Number int                 `json:"number"`
	Kind   accord.RevisionKind `json:"kind"`
	Actor  string              `json:"actor"`
	Time   time.Time           `json:"time"`
	Note   string              `json:"note,omitempty"`
	Status contract.Status     `json:"status"`
}

// versionRevision is one revision of a version, whole.
type versionRevision struct {
	Number  int                 `json:"number"`
	Kind    accord.RevisionKind `json:"kind"`
	Actor   string              `json:"actor"`
	Time    time.Time           `json:"time"`
	Note    string              `json:"note,omitempty"`
	Version contract.Version    `json:"version"`
}

type versionDiffResponse struct {
	From    string               `json:"from"`
	To      string               `json:"to"`
	Changes []accord.FieldChange `json:"changes"`
}

func (s *server) listVersionRevisions(w http.ResponseWriter, r *http.Request) error {
	revs, err := s.contracts.History(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	out := make([]versionRevisionSummary, len(revs))
	for i, v := range revs {
		out[i] = versionRevisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Status: v.Record.Status}
	}
	writeJSON(w, http.StatusOK, items[versionRevisionSummary]{out})
	return nil
}

func (s *server) getVersionRevision(w http.ResponseWriter, r *http.Request) error {
	n, err := revisionParam("n", r.PathValue("n"))
	if err != nil {
		return err
	}
	v, err := s.contracts.Revision(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, versionRevision{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Version: v.Record})
	return nil
}

func (s *server) diffVersionRevisions(w http.ResponseWriter, r *http.Request) error {
	from, to, err := fromTo(r)
	if err != nil {
		return err
	}
	changes, err := s.contracts.DiffRevisions(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"), from, to)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []accord.FieldChange{}
	}
	writeJSON(w, http.StatusOK, diffResponse{From: from, To: to, Changes: changes})
	return nil
}

func (s *server) diffVersions(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "from", "to"); err != nil {
		return err
	}
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		return invalid("from", "required: the version to compare from, such as 1.0.0")
	}
	if to == "" {
		return invalid("to", "required: the version to compare to, such as 1.1.0")
	}
	changes, err := s.contracts.DiffVersions(r.Context(), r.PathValue("project"), r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []accord.FieldChange{}
	}
	writeJSON(w, http.StatusOK, versionDiffResponse{From: from, To: to, Changes: changes})
	return nil
}

// isToken reports whether s is an RFC 9110 token: the form of a method and
// of a header name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
