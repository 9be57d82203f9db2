package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

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

func (s *server) routeContracts() {
	const c = base + "/contracts"
	const v = c + "/{id}/versions/{version}"
	s.route("GET "+c, s.listContracts)
	s.route("POST "+c, s.createContract)
	s.route("GET "+c+"/{id}", s.getContract)
	s.route("DELETE "+c+"/{id}", s.deleteContract)
	s.route("GET "+c+"/{id}/versions", s.listVersions)
	s.route("POST "+c+"/{id}/versions", s.newVersion)
	s.route("GET "+v, s.getVersion)
	s.route("PUT "+v, s.updateVersion)
	s.route("POST "+v+"/transitions", s.transitionVersion)
	s.route("GET "+v+"/lint", s.lintVersion)
	s.route("GET "+v+"/openapi.json", s.exportOpenAPI)
	s.route("POST "+v+"/validate", s.validateSample)
}

func writeVersion(w http.ResponseWriter, status int, v contract.Version) {
	w.Header().Set("ETag", etag(v.Revision))
	writeJSON(w, status, v)
}

func (s *server) listContracts(w http.ResponseWriter, r *http.Request) error {
	size, token, err := listQuery(r)
	if err != nil {
		return err
	}
	page, err := s.contracts.List(r.Context(), r.PathValue("project"), contract.ListQuery{PageSize: size, PageToken: token})
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
	if !strings.HasPrefix(body.Request.Path, "/") {
		return invalid("request.path", "required: the request path starting with /, with its query string")
	}
	if len(body.Request.Body) > 0 && body.Request.BodyText != "" {
		return invalid("request.body_text", "give body or body_text, not both")
	}
	v, err := s.contracts.Validator(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	reqBody := sampleBody(body.Request.Body, body.Request.BodyText)
	req := httptest.NewRequest(strings.ToUpper(body.Request.Method), "http://sample"+body.Request.Path, bytes.NewReader(reqBody))
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
