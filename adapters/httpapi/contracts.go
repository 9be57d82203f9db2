package httpapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

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
	const one = c + "/{id}"
	const v = one + "/versions/{version}"
	return []endpoint{
		{id: "recordTestRun", method: "POST", path: v + "/test-runs", summary: "Record what a test suite exercised of a version (contracttest's report), for coverage",
			body: contract.TestReport{}, status: 201, result: contract.TestRun{}, etag: true, location: true,
			handle: create(func(r contract.TestRun) string {
				return "/v1/projects/" + r.Project + "/contracts/" + r.ContractID + "/versions/" + r.Version + "/test-runs"
			}, func(c in, b contract.TestReport) (contract.TestRun, error) {
				return c.contracts.RecordTestRun(c.ctx(), c.project(), c.id(), c.version(), b)
			})},
		{id: "listTestRuns", method: "GET", path: v + "/test-runs", summary: "The test runs recorded for a version, oldest first", query: withPage(),
			status: 200, result: accord.Page[contract.TestRun]{},
			handle: read(func(c in) (accord.Page[contract.TestRun], error) {
				size, token, err := listQuery(c.r)
				if err != nil {
					return accord.Page[contract.TestRun]{}, err
				}
				return c.contracts.TestRuns(c.ctx(), c.project(), contract.TestRunFilter{ContractID: c.id(), Version: c.version()}, accord.PageQuery{Size: size, Token: token})
			})},
		{id: "listContracts", method: "GET", path: c, summary: "List API contracts", query: withPage(filterParam("service", "the service name")),
			status: 200, result: accord.Page[contract.Contract]{},
			handle: read(func(c in) (accord.Page[contract.Contract], error) {
				size, token, err := listQuery(c.r, "service")
				if err != nil {
					return accord.Page[contract.Contract]{}, err
				}
				return c.contracts.List(c.ctx(), c.project(), contract.Filter{Service: c.query("service")}, accord.PageQuery{Size: size, Token: token})
			})},
		{id: "listDeletedContracts", method: "GET", path: c + "/deleted", summary: deletedSummary("contracts"), query: withPage(),
			status: 200, result: accord.Page[contract.Contract]{},
			handle: listDeleted(func(c in, q accord.PageQuery) (accord.Page[contract.Contract], error) {
				return c.contracts.ListDeleted(c.ctx(), c.project(), q)
			})},
		{id: "listContractRevisions", method: "GET", path: one + "/revisions", summary: "A contract's own history: created, deleted, restored (a deleted one's too, by ID)",
			status: 200, result: items[recordRevisionSummary]{},
			handle: read(func(c in) (items[recordRevisionSummary], error) {
				revs, err := c.contracts.ContractHistory(c.ctx(), c.project(), c.id())
				return summaries(revs, err, func(v accord.Revision[contract.Contract]) recordRevisionSummary {
					return recordRevisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note}
				})
			})},
		{id: "createContract", method: "POST", path: c, summary: "Create a contract with its first version, a draft",
			body: contract.NewContract{}, status: 201, result: contract.Version{}, etag: true, location: true,
			handle: create(versionLocation, func(c in, b contract.NewContract) (contract.Version, error) {
				return c.contracts.Create(c.ctx(), c.project(), b)
			})},
		{id: "importContract", method: "POST", path: c + "/import", summary: "Create a contract from an OpenAPI 3.0 or 3.1 document (JSON or YAML, as a string), with the report of what was dropped",
			body: importBody{}, status: 201, result: importedVersion{}, etag: true, location: true,
			handle: create(importedLocation, func(c in, b importBody) (importedVersion, error) {
				spec, report, err := importDocument(b)
				if err != nil {
					return importedVersion{}, err
				}
				v, err := c.contracts.Create(c.ctx(), c.project(), contract.NewContract{Version: b.Version, Spec: spec, Note: b.Note})
				return importedVersion{Version: v, Report: report}, err
			})},
		{id: "importContractVersion", method: "POST", path: one + "/versions/import", summary: "Start a new version from an OpenAPI document; the contract keeps its service name",
			body: importBody{}, status: 201, result: importedVersion{}, etag: true, location: true,
			handle: create(importedLocation, importVersion)},
		{id: "getContract", method: "GET", path: one, summary: "Read a contract and its versions", status: 200, result: contractResponse{}, etag: true,
			handle: read(getContract)},
		{id: "deleteContract", method: "DELETE", path: one, summary: "Delete a contract that has no agreed version: a tombstone revision ends its history, which stays", status: 204,
			query: reasonQuery, handle: remove(func(c in) error { return c.contracts.Delete(c.ctx(), c.project(), c.id(), c.query("reason")) })},
		{id: "restoreContract", method: "POST", path: one + "/restore", summary: "Bring back a deleted contract with its versions within the retention window; admins only",
			body: reasonBody{}, status: 200, result: contract.Contract{}, etag: true,
			handle: act(func(c in, b reasonBody) (contract.Contract, error) {
				return c.contracts.Restore(c.ctx(), c.project(), c.id(), b.Reason)
			})},
		{id: "listContractVersions", method: "GET", path: one + "/versions", summary: "Every version, whole", status: 200, result: items[contract.Version]{},
			handle: read(func(c in) (items[contract.Version], error) {
				return list(c.contracts.Versions(c.ctx(), c.project(), c.id()))
			})},
		{id: "createContractVersion", method: "POST", path: one + "/versions", summary: "Start a new version from an existing one",
			body: contract.NewVersionInput{}, status: 201, result: contract.Version{}, etag: true, location: true,
			handle: create(versionLocation, func(c in, b contract.NewVersionInput) (contract.Version, error) {
				if b.From == "" {
					return contract.Version{}, invalid("from", "required: the version to start from")
				}
				return c.contracts.NewVersion(c.ctx(), c.project(), c.id(), b)
			})},
		{id: "getContractVersion", method: "GET", path: v, summary: "Read a version", status: 200, result: contract.Version{}, etag: true,
			handle: read(func(c in) (contract.Version, error) {
				return c.contracts.Version(c.ctx(), c.project(), c.id(), c.version())
			})},
		{id: "updateContractVersion", method: "PUT", path: v, summary: "Replace a draft version's spec",
			body: contract.SpecInput{}, ifMatch: true, status: 200, result: contract.Version{}, etag: true,
			handle: update(1, func(c in, base int, b contract.SpecInput) (contract.Version, error) {
				return c.contracts.UpdateVersion(c.ctx(), c.project(), c.id(), c.version(), base, b)
			})},
		{id: "transitionContractVersion", method: "POST", path: v + "/transitions", summary: "Propose, agree or deprecate a version",
			body: contract.TransitionInput{}, ifMatch: true, status: 200, result: contract.Version{}, etag: true,
			handle: update(1, func(c in, base int, b contract.TransitionInput) (contract.Version, error) {
				return c.contracts.Transition(c.ctx(), c.project(), c.id(), c.version(), base, b)
			})},
		{id: "getContractSettings", method: "GET", path: base + "/settings/contracts", summary: "The project's compatibility policy: rule levels and ignored findings",
			status: 200, result: contract.Settings{}, etag: true,
			handle: read(func(c in) (contract.Settings, error) { return c.contracts.Settings(c.ctx(), c.project()) })},
		{id: "putContractSettings", method: "PUT", path: base + "/settings/contracts", summary: "Replace the project's compatibility policy (If-Match: \"0\" when never set)",
			body: contractSettingsBody{}, ifMatch: true, status: 200, result: contract.Settings{}, etag: true,
			handle: update(0, func(c in, b int, in contractSettingsBody) (contract.Settings, error) {
				return c.contracts.UpdateSettings(c.ctx(), c.project(), b, contract.Settings{Levels: in.Levels, Ignore: in.Ignore, BreakingApprovers: in.BreakingApprovers})
			})},
		{id: "getContractVersionCompatibility", method: "GET", path: v + "/compatibility", summary: "The version judged against the latest agreed version before it, as proposing will judge it",
			status: 200, result: contract.Compatibility{},
			handle: read(func(c in) (contract.Compatibility, error) {
				return c.contracts.Compatibility(c.ctx(), c.project(), c.id(), c.version())
			})},
		{id: "acknowledgeBreakingChanges", method: "POST", path: v + "/acknowledgements", summary: "Accept the version's breaking changes without a major version bump, with a note saying why",
			body: contract.AcknowledgeInput{}, ifMatch: true, status: 200, result: contract.Version{}, etag: true,
			handle: update(1, func(c in, base int, b contract.AcknowledgeInput) (contract.Version, error) {
				return c.contracts.AcknowledgeBreaking(c.ctx(), c.project(), c.id(), c.version(), base, b)
			})},
		{id: "listContractVersionRevisions", method: "GET", path: v + "/revisions", summary: "Who changed a version, when and why",
			status: 200, result: items[versionRevisionSummary]{},
			handle: read(func(c in) (items[versionRevisionSummary], error) {
				revs, err := c.contracts.History(c.ctx(), c.project(), c.id(), c.version())
				return summaries(revs, err, func(v accord.Revision[contract.Version]) versionRevisionSummary {
					return versionRevisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Status: v.Record.Status}
				})
			})},
		{id: "getContractVersionRevision", method: "GET", path: v + "/revisions/{n}", summary: "One revision of a version, whole",
			status: 200, result: versionRevision{},
			handle: read(func(c in) (versionRevision, error) {
				n, err := revisionParam("n", c.path("n"))
				if err != nil {
					return versionRevision{}, err
				}
				v, err := c.contracts.Revision(c.ctx(), c.project(), c.id(), c.version(), n)
				return versionRevision{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Version: v.Record}, err
			})},
		{id: "diffContractVersionRevisions", method: "GET", path: v + "/diff", summary: "Field-level changes between two revisions of a version",
			query: []contract.Parameter{revisionQuery("from"), revisionQuery("to")}, status: 200, result: diffResponse{},
			handle: read(func(c in) (diffResponse, error) {
				from, to, err := fromTo(c.r)
				if err != nil {
					return diffResponse{}, err
				}
				cs, err := c.contracts.DiffRevisions(c.ctx(), c.project(), c.id(), c.version(), from, to)
				return changes(from, to, cs, err)
			})},
		{id: "diffContractVersions", method: "GET", path: one + "/diff", summary: "Field-level changes between two versions",
			query: []contract.Parameter{{Name: "from", In: contract.InQuery, Required: true, Description: "a version, such as 1.0.0", Schema: stringSchema},
				{Name: "to", In: contract.InQuery, Required: true, Description: "a version, such as 1.1.0", Schema: stringSchema}},
			status: 200, result: versionDiffResponse{}, handle: read(diffVersions)},
		{id: "compareContractVersions", method: "GET", path: one + "/changes", summary: "Changes between two versions, judged for the older version's callers (breaking, warning, info)",
			query: []contract.Parameter{{Name: "from", In: contract.InQuery, Required: true, Description: "the older version, such as 1.0.0", Schema: stringSchema},
				{Name: "to", In: contract.InQuery, Required: true, Description: "the newer version, such as 2.0.0", Schema: stringSchema}},
			status: 200, result: versionChangesResponse{}, handle: read(compareVersions)},
		{id: "lintContractVersion", method: "GET", path: v + "/lint", summary: "Lint a version", status: 200, result: contractLintResponse{},
			handle: read(func(c in) (contractLintResponse, error) {
				findings, err := c.contracts.Lint(c.ctx(), c.project(), c.id(), c.version())
				return contractLintResponse{Findings: findings, Blocking: contract.HasErrors(findings)}, err
			})},
		{id: "exportOpenAPI", method: "GET", path: v + "/openapi.json", summary: "A version as OpenAPI 3.1", status: 200, result: map[string]any{},
			handle: (*server).exportOpenAPI},
		{id: "validateSample", method: "POST", outsideUnit: true, path: v + "/validate", summary: "Check a sample request and response against a version",
			body: validateBody{}, status: 200, result: validateResponse{}, handle: act(validateSample)},
	}
}

func versionLocation(v contract.Version) string {
	return "/v1/projects/" + v.Project + "/contracts/" + v.ContractID + "/versions/" + v.Version
}

func getContract(c in) (contractResponse, error) {
	got, err := c.contracts.Get(c.ctx(), c.project(), c.id())
	if err != nil {
		return contractResponse{}, err
	}
	versions, err := c.contracts.Versions(c.ctx(), c.project(), c.id())
	if err != nil {
		return contractResponse{}, err
	}
	out := contractResponse{Contract: got, Versions: []versionSummary{}}
	for _, v := range versions {
		out.Versions = append(out.Versions, versionSummary{Version: v.Version, Status: v.Status, Revision: v.Revision,
			UpdatedBy: v.UpdatedBy, UpdatedAt: v.UpdatedAt})
	}
	return out, nil
}

func diffVersions(c in) (versionDiffResponse, error) {
	if err := checkParams(c.r, "from", "to"); err != nil {
		return versionDiffResponse{}, err
	}
	from, to := c.query("from"), c.query("to")
	if from == "" {
		return versionDiffResponse{}, invalid("from", "required: the version to compare from, such as 1.0.0")
	}
	if to == "" {
		return versionDiffResponse{}, invalid("to", "required: the version to compare to, such as 1.1.0")
	}
	cs, err := c.contracts.DiffVersions(c.ctx(), c.project(), c.id(), from, to)
	if cs == nil {
		cs = []accord.FieldChange{}
	}
	return versionDiffResponse{From: from, To: to, Changes: cs}, err
}

// importBody carries an OpenAPI document as a string, so that JSON and
// YAML arrive the same way.
type importBody struct {
	Version  string `json:"version"`
	From     string `json:"from,omitempty"` // for a new version: the version it follows; default the latest
	Document string `json:"document"`
	Note     string `json:"note,omitempty"`
	// Strict fails the import on a $ref that cannot be resolved, instead
	// of noting it in the report.
	Strict bool `json:"strict,omitempty"`
}

type importedVersion struct {
	contract.Version
	Report contract.ImportReport `json:"import_report"`
}

func importedLocation(v importedVersion) string { return versionLocation(v.Version) }

func importDocument(b importBody) (contract.Spec, contract.ImportReport, error) {
	if strings.TrimSpace(b.Document) == "" {
		return contract.Spec{}, contract.ImportReport{}, invalid("document", "required: the OpenAPI document, JSON or YAML, as a string")
	}
	spec, report, err := contract.ImportOptions{Strict: b.Strict}.Import([]byte(b.Document))
	var e *accord.Error
	if errors.As(err, &e) && e.Code == accord.Invalid {
		// Name the field the document came in, then the place in it.
		out := &accord.Error{Code: accord.Invalid, Message: e.Message}
		for _, f := range e.Fields {
			out.Fields = append(out.Fields, accord.FieldError{Field: "document" + strings.TrimSuffix(f.Field, "/"), Message: f.Message})
		}
		return spec, report, out
	}
	return spec, report, err
}

func importVersion(c in, b importBody) (importedVersion, error) {
	spec, report, err := importDocument(b)
	if err != nil {
		return importedVersion{}, err
	}
	k, err := c.contracts.Get(c.ctx(), c.project(), c.id())
	if err != nil {
		return importedVersion{}, err
	}
	from := b.From
	if from == "" {
		versions, err := c.contracts.Versions(c.ctx(), c.project(), c.id())
		if err != nil {
			return importedVersion{}, err
		}
		for _, v := range versions {
			if later, err := contract.CompareVersions(v.Version, from); from == "" || (err == nil && later > 0) {
				from = v.Version
			}
		}
	}
	if spec.Service != k.Service {
		report.Notes = append(report.Notes, contract.ImportNote{Pointer: "/info/title", Kind: "approximated",
			Message: fmt.Sprintf("the title %q was replaced by the contract's service name %q", spec.Service, k.Service)})
		spec.Service = k.Service
	}
	if err := spec.Validate(); err != nil {
		return importedVersion{}, err
	}
	v, err := c.contracts.NewVersion(c.ctx(), c.project(), c.id(), contract.NewVersionInput{From: from, Version: b.Version, Note: b.Note})
	if err != nil {
		return importedVersion{}, err
	}
	v, err = c.contracts.UpdateVersion(c.ctx(), c.project(), c.id(), b.Version, v.Revision, contract.SpecInput{Spec: spec, Note: cmp.Or(b.Note, "imported from OpenAPI")})
	return importedVersion{Version: v, Report: report}, err
}

func compareVersions(c in) (versionChangesResponse, error) {
	if err := checkParams(c.r, "from", "to"); err != nil {
		return versionChangesResponse{}, err
	}
	from, to := c.query("from"), c.query("to")
	if from == "" {
		return versionChangesResponse{}, invalid("from", "required: the older version, such as 1.0.0")
	}
	if to == "" {
		return versionChangesResponse{}, invalid("to", "required: the newer version, such as 2.0.0")
	}
	cs, err := c.contracts.Changes(c.ctx(), c.project(), c.id(), from, to)
	if cs == nil {
		cs = []contract.Change{}
	}
	return versionChangesResponse{From: from, To: to, Breaking: len(contract.BreakingChanges(cs)), Changes: cs}, err
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
func validateSample(c in, body validateBody) (validateResponse, error) {
	if body.Request.Method == "" {
		return validateResponse{}, invalid("request.method", "required")
	}
	if !isToken(body.Request.Method) {
		return validateResponse{}, invalid("request.method", "must be an HTTP method (letters such as GET or POST), not %q", body.Request.Method)
	}
	if !strings.HasPrefix(body.Request.Path, "/") {
		return validateResponse{}, invalid("request.path", "required: the request path starting with /, with its query string")
	}
	if u, err := url.ParseRequestURI(body.Request.Path); err != nil || strings.ContainsFunc(body.Request.Path, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return validateResponse{}, invalid("request.path", "must be a valid request path: escape spaces, control characters and %% as %%XX")
	} else if u.Host != "" || u.Scheme != "" {
		return validateResponse{}, invalid("request.path", "must be a path starting with /, not a URL")
	}
	for k, val := range body.Request.Headers {
		if !isToken(k) || strings.ContainsAny(val, "\r\n\x00") {
			return validateResponse{}, invalid("request.headers", "header %q is not a valid header name and value", k)
		}
	}
	if len(body.Request.Body) > 0 && body.Request.BodyText != "" {
		return validateResponse{}, invalid("request.body_text", "give body or body_text, not both")
	}
	v, err := c.contracts.Validator(c.ctx(), c.project(), c.id(), c.version())
	if err != nil {
		return validateResponse{}, err
	}
	reqBody := sampleBody(body.Request.Body, body.Request.BodyText)
	req, err := http.NewRequest(strings.ToUpper(body.Request.Method), "http://sample"+body.Request.Path, bytes.NewReader(reqBody))
	if err != nil {
		return validateResponse{}, invalid("request.path", "not a request path: %v", err)
	}
	for k, val := range body.Request.Headers {
		req.Header.Set(k, val)
	}
	if len(body.Request.Body) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	end := c.validation("request", c.id(), c.version())
	out := validateResponse{Request: v.ValidateRequest(req, reqBody)}
	end(out.Request.OK())
	if resp := body.Response; resp != nil {
		if resp.Status < 100 || resp.Status > 599 {
			return validateResponse{}, invalid("response.status", "must be an HTTP status (100–599)")
		}
		h := http.Header{}
		for k, val := range resp.Headers {
			if !isToken(k) || strings.ContainsAny(val, "\r\n\x00") {
				return validateResponse{}, invalid("response.headers", "header %q is not a valid header name and value", k)
			}
			h.Set(k, val)
		}
		if len(resp.Body) > 0 && h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
		end := c.validation("response", c.id(), c.version())
		res := v.ValidateResponse(req, resp.Status, h, sampleBody(resp.Body, resp.BodyText))
		end(res.OK())
		out.Response = &res
	}
	out.Valid = out.Request.OK() && (out.Response == nil || out.Response.OK())
	out.Request.Violations = nonNil(out.Request.Violations)
	if out.Response != nil {
		out.Response.Violations = nonNil(out.Response.Violations)
	}
	return out, nil
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

// contractSettingsBody is what a client may set.
type contractSettingsBody struct {
	Levels            map[string]contract.ChangeLevel `json:"levels,omitempty"`
	Ignore            []contract.Ignore               `json:"ignore,omitempty"`
	BreakingApprovers []string                        `json:"breaking_approvers,omitempty"`
}

type versionChangesResponse struct {
	From     string            `json:"from"`
	To       string            `json:"to"`
	Breaking int               `json:"breaking"` // how many of the changes are breaking
	Changes  []contract.Change `json:"changes"`
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
