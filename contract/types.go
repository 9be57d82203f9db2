package contract

import (
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/accordhq/accord"
)

// Spec is what product and engineering agree on for one service: its
// operations, the shared schemas they reference and the error-code catalogue.
// A Spec is plain data; Compile turns it into a Validator.
type Spec struct {
	Service     string `json:"service"`
	Description string `json:"description,omitempty"`
	// APIVersion is the version the API description declares of itself
	// (OpenAPI info.version), as written: 1.4.2, or Stripe's 2023-10-16.
	// It is not the contract version a Service keeps.
	APIVersion   string       `json:"api_version,omitempty"`
	Owner        string       `json:"owner,omitempty"`
	BasePath     string       `json:"base_path,omitempty"` // prefix of every operation path on the wire, e.g. /api
	Requirements []accord.Ref `json:"requirements,omitempty"`
	Operations   []Operation  `json:"operations"`

	// Schemas are the shared components. Any schema in the contract refers
	// to one as {"$ref": "#/components/schemas/<name>"}, as in OpenAPI.
	Schemas map[string]json.RawMessage `json:"schemas,omitempty"`

	// ErrorCodes is the catalogue of error codes (错误码) the service may return.
	ErrorCodes []ErrorCode `json:"error_codes,omitempty"`
	// ErrorCodeField locates the code in an error response body: a top-level
	// field name, or a JSON pointer such as /error/code. Empty means "code".
	ErrorCodeField string `json:"error_code_field,omitempty"`

	// UnknownProperties decides, per direction, whether objects may carry
	// properties their schema does not declare.
	UnknownProperties UnknownProperties `json:"unknown_properties,omitzero"`

	// SecuritySchemes are the security schemes operations name in their
	// Security (OpenAPI's components.securitySchemes), kept as written for
	// export. accord does not check credentials.
	SecuritySchemes map[string]json.RawMessage `json:"security_schemes,omitempty"`

	// Webhooks are the requests the service sends to its subscribers
	// (OpenAPI 3.1 webhooks), for Compare and export; Compile does not
	// check them. A spec of webhooks only has no Operations.
	Webhooks []Hook `json:"webhooks,omitempty"`
}

// Strictness says what happens to object properties a schema does not
// declare. It only applies to object schemas that say nothing themselves
// (no additionalProperties, unevaluatedProperties or patternProperties).
type Strictness string

// The strictness settings. The empty value means the direction's default.
const (
	Reject Strictness = "reject"
	Allow  Strictness = "allow"
)

// UnknownProperties holds the strictness of each direction. By default
// requests reject unknown properties (a client typo fails loudly) and
// responses allow them (old clients survive new fields).
type UnknownProperties struct {
	Request  Strictness `json:"request,omitempty"`
	Response Strictness `json:"response,omitempty"`
}

func (u UnknownProperties) request() Strictness {
	if u.Request == "" {
		return Reject
	}
	return u.Request
}

func (u UnknownProperties) response() Strictness {
	if u.Response == "" {
		return Allow
	}
	return u.Response
}

// Operation is one endpoint: a method on a path template such as
// /orders/{id}.
type Operation struct {
	ID string `json:"id"`
	// DisplayName is the operationId as an imported document wrote it, when
	// accord had to change it to make the ID (spaces, slashes, a repeat).
	// Messages name the operation by it; OpenAPI exports it back.
	DisplayName string       `json:"display_name,omitempty"`
	Method      string       `json:"method"`
	Path        string       `json:"path"`
	Summary     string       `json:"summary,omitempty"`
	Description string       `json:"description,omitempty"`
	Parameters  []Parameter  `json:"parameters,omitempty"`
	RequestBody *RequestBody `json:"request_body,omitempty"`
	// Responses are keyed by status code ("200"), range ("4XX") or "default".
	Responses map[string]Response `json:"responses"`
	// ErrorCodes lists the catalogue codes this operation may return. Empty
	// means any code in the catalogue.
	ErrorCodes []string  `json:"error_codes,omitempty"`
	Examples   []Example `json:"examples,omitempty"`
	// Requirements are the requirements this operation serves, so that a
	// change to it names whom it affects. The spec's own Requirements
	// apply to every operation.
	Requirements []accord.Ref `json:"requirements,omitempty"`

	// Deprecated, Sunset and Stability are the operation's lifecycle, as
	// OpenAPI's deprecated, x-sunset and x-stability-level write it.
	// Compare reads them as oasdiff does: removing a deprecated operation
	// after its sunset is not breaking, removing it before is, and so is
	// lowering its stability.
	Deprecated bool `json:"deprecated,omitempty"`
	// Sunset is the date from which a deprecated operation may be removed,
	// as written: 2026-06-30 or an RFC 3339 time. It is kept even when it
	// does not parse, so that Compare and Lint can say so.
	Sunset string `json:"sunset,omitempty"`
	// Stability is draft, alpha, beta or stable (empty means stable).
	// Draft and alpha operations promise no compatibility: Compare reports
	// their changes as info. Any other value is kept as written, and
	// Compare and Lint report it.
	Stability string `json:"stability,omitempty"`

	// Security is what a caller must present: any one of the requirements
	// (an empty one, or none at all, lets a caller in without credentials).
	// An imported operation carries the document's global security unless
	// it declares its own. Compare reports what shuts callers out: anonymous
	// access removed, a requirement removed, a scope added. The Validator
	// does not check credentials.
	Security []SecurityRequirement `json:"security,omitempty"`

	// Callbacks are the requests the service sends because of this
	// operation (OpenAPI callbacks), for Compare and export; Compile does
	// not check them.
	Callbacks []Hook `json:"callbacks,omitempty"`
}

// SecurityRequirement names the security schemes a request presents
// together, each with the scopes it needs, as OpenAPI's security
// requirement object: {"oauth": ["read:pets"], "apiKey": []}.
type SecurityRequirement map[string][]string

// Hook is a request the service sends instead of receives: an OpenAPI 3.1
// webhook (Spec.Webhooks) or an operation's callback. Its Operation's
// request body is what the service sends and its responses what it reads
// back, so Compare judges them the other way round from an operation's:
// a field dropped from the body breaks subscribers, a field the
// subscriber must now answer with breaks them too.
type Hook struct {
	// Name is the webhook's name, or the callback's.
	Name string `json:"name"`
	// URL is a callback's runtime expression for where it is sent, such as
	// {$request.body#/callbackUrl}; empty for a webhook.
	URL string `json:"url,omitempty"`
	// Operation is what is sent: its Method, body and responses. Its Path
	// is unused (a webhook's URL is the subscriber's).
	Operation Operation `json:"operation"`
}

// Parameter locations.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
)

// Parameter is a path, query or header parameter. On the wire its value is
// a string; it is converted by the schema's type (integer, number, boolean,
// array of those) before the schema is applied. Path parameters are always
// required.
type Parameter struct {
	Name        string          `json:"name"`
	In          string          `json:"in"`
	Required    bool            `json:"required,omitempty"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema,omitempty"`
	// Style and Explode say how the value is written, as in OpenAPI: query
	// parameters are form (the default: ?id=1&id=2), spaceDelimited,
	// pipeDelimited or deepObject (?filter[status]=open); path parameters
	// simple (the default: 1,2), label (.1.2) or matrix (;id=1,2); headers
	// simple. Explode defaults to true for form and deepObject, false for
	// the others; form without explode is ?id=1,2.
	Style   string `json:"style,omitempty"`
	Explode *bool  `json:"explode,omitempty"`
	// Deprecated and Sunset are as on Operation: removing a deprecated
	// parameter after its sunset is not reported.
	Deprecated bool   `json:"deprecated,omitempty"`
	Sunset     string `json:"sunset,omitempty"`
}

// RequestBody declares the accepted bodies by media type.
type RequestBody struct {
	Required    bool                 `json:"required,omitempty"`
	Description string               `json:"description,omitempty"`
	Content     map[string]MediaType `json:"content"`
}

// MediaType holds the schema of a body of one media type. Bodies of JSON
// media types (application/json, anything+json) are validated against it.
type MediaType struct {
	Schema json.RawMessage `json:"schema,omitempty"`
	// ItemSchema is the schema of each item of a sequential media type
	// (application/jsonl, text/event-stream), as OpenAPI 3.2's itemSchema.
	// Compare judges it like Schema; the Validator does not read streams.
	ItemSchema json.RawMessage `json:"item_schema,omitempty"`
}

// Response declares one response: its headers and bodies by media type. An
// empty Content means the response has no body.
type Response struct {
	Description string               `json:"description,omitempty"`
	Headers     []Header             `json:"headers,omitempty"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

// Header is a response header.
type Header struct {
	Name        string          `json:"name"`
	Required    bool            `json:"required,omitempty"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema,omitempty"`
}

// ErrorCode is one entry of the error-code catalogue.
type ErrorCode struct {
	Code        string `json:"code"` // e.g. ORDER_NOT_FOUND
	Status      int    `json:"status"`
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
	Retryable   bool   `json:"retryable,omitempty"`
}

// Example is a sample exchange for an operation. Lint and
// contracttest.AssertExamples check that every example validates.
type Example struct {
	Name     string           `json:"name"`
	Request  *ExampleRequest  `json:"request,omitempty"`
	Response *ExampleResponse `json:"response,omitempty"`
}

// ExampleRequest is a sample request. PathParams fill the path template.
type ExampleRequest struct {
	PathParams  map[string]string `json:"path_params,omitempty"`
	Query       map[string]string `json:"query,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	ContentType string            `json:"content_type,omitempty"` // default application/json when Body is set
	Body        json.RawMessage   `json:"body,omitempty"`
}

// ExampleResponse is a sample response.
type ExampleResponse struct {
	Status      int               `json:"status"`
	Headers     map[string]string `json:"headers,omitempty"`
	ContentType string            `json:"content_type,omitempty"` // default application/json when Body is set
	Body        json.RawMessage   `json:"body,omitempty"`
}

// Contract is the record of one service's contract in a project. Its content
// lives in versions.
// The contract record itself never changes: it stays at revision 1.
type Contract struct {
	ID      string `json:"id"`
	Project string `json:"project"`
	Service string `json:"service"` // unique in the project
	accord.Stamp
}

// Ref returns the reference other records use to point at c.
func (c Contract) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: c.ID} }

// Version is one semantic version of a contract. Its revision counts the
// edits of the version (while it is a draft) and its status changes;
// updates name the revision they start from, and every revision is kept.
type Version struct {
	ContractID string `json:"contract_id"`
	Project    string `json:"project"`
	Version    string `json:"version"` // semantic version, e.g. 1.2.0
	Status     Status `json:"status"`
	Note       string `json:"note,omitempty"` // why the last change was made
	Spec       Spec   `json:"spec"`
	// Compatibility is what proposing found against the latest agreed
	// version before this one; nil before the version is first proposed.
	Compatibility *Compatibility `json:"compatibility,omitempty"`
	// Acknowledged records who accepted breaking changes without a major
	// version bump, and which ones (by fingerprint).
	Acknowledged *Acknowledgement `json:"acknowledged,omitempty"`
	accord.Stamp
}

// Compatibility is a version judged against the version its callers use
// now: the latest agreed version lower than it.
type Compatibility struct {
	Base     string   `json:"base,omitempty"` // the agreed version compared with; empty when there is none
	Breaking int      `json:"breaking"`       // how many of Changes are breaking
	Changes  []Change `json:"changes"`        // under the project's policy (Settings)
	Ignored  []Change `json:"ignored"`        // what the policy ignores for now
	// Approvers are the review roles whose approval agreeing needs
	// because of the breaking changes (Settings.BreakingApprovers).
	Approvers []string `json:"approvers,omitempty"`
}

// Acknowledgement is the record that breaking changes were accepted
// without a major version bump.
type Acknowledgement struct {
	By           string    `json:"by"`
	Time         time.Time `json:"time"`
	Note         string    `json:"note"`
	Fingerprints []string  `json:"fingerprints"` // the breaking changes accepted
}

// Ref is the version's accord.Ref (kind "contract_version", ID
// "<contract id>@<version>"), used to link reviews to it.
func (v Version) Ref() accord.Ref {
	return accord.Ref{Kind: VersionRefKind, ID: v.ContractID + "@" + v.Version}
}

// Clone returns a deep copy.
func (s Spec) Clone() Spec {
	c := s
	c.Requirements = slices.Clone(s.Requirements)
	c.Schemas = cloneSchemas(s.Schemas)
	c.ErrorCodes = slices.Clone(s.ErrorCodes)
	c.Webhooks = cloneHooks(s.Webhooks)
	c.SecuritySchemes = cloneSchemas(s.SecuritySchemes)
	if s.Operations != nil {
		c.Operations = make([]Operation, len(s.Operations))
		for i, op := range s.Operations {
			c.Operations[i] = op.Clone()
		}
	}
	return c
}

// Clone returns a deep copy.
func (v Version) Clone() Version {
	c := v
	c.Spec = v.Spec.Clone()
	if v.Compatibility != nil {
		cc := *v.Compatibility
		cc.Changes, cc.Ignored, cc.Approvers = slices.Clone(cc.Changes), slices.Clone(cc.Ignored), slices.Clone(cc.Approvers)
		c.Compatibility = &cc
	}
	if v.Acknowledged != nil {
		a := *v.Acknowledged
		a.Fingerprints = slices.Clone(a.Fingerprints)
		c.Acknowledged = &a
	}
	return c
}

// Clone returns a deep copy.
func (op Operation) Clone() Operation {
	c := op
	c.ErrorCodes = slices.Clone(op.ErrorCodes)
	c.Callbacks = cloneHooks(op.Callbacks)
	if op.Security != nil {
		c.Security = make([]SecurityRequirement, len(op.Security))
		for i, r := range op.Security {
			c.Security[i] = make(SecurityRequirement, len(r))
			for name, scopes := range r {
				c.Security[i][name] = slices.Clone(scopes)
			}
		}
	}
	c.Requirements = slices.Clone(op.Requirements)
	if op.Parameters != nil {
		c.Parameters = make([]Parameter, len(op.Parameters))
		for i, p := range op.Parameters {
			p.Schema = slices.Clone(p.Schema)
			if p.Explode != nil {
				explode := *p.Explode
				p.Explode = &explode
			}
			c.Parameters[i] = p
		}
	}
	if op.RequestBody != nil {
		b := *op.RequestBody
		b.Content = cloneContent(b.Content)
		c.RequestBody = &b
	}
	if op.Responses != nil {
		c.Responses = make(map[string]Response, len(op.Responses))
		for k, r := range op.Responses {
			r.Content = cloneContent(r.Content)
			if r.Headers != nil {
				hs := make([]Header, len(r.Headers))
				for i, h := range r.Headers {
					h.Schema = slices.Clone(h.Schema)
					hs[i] = h
				}
				r.Headers = hs
			}
			c.Responses[k] = r
		}
	}
	if op.Examples != nil {
		c.Examples = make([]Example, len(op.Examples))
		for i, e := range op.Examples {
			if e.Request != nil {
				r := *e.Request
				r.PathParams, r.Query, r.Headers = maps.Clone(r.PathParams), maps.Clone(r.Query), maps.Clone(r.Headers)
				r.Body = slices.Clone(r.Body)
				e.Request = &r
			}
			if e.Response != nil {
				r := *e.Response
				r.Headers = maps.Clone(r.Headers)
				r.Body = slices.Clone(r.Body)
				e.Response = &r
			}
			c.Examples[i] = e
		}
	}
	return c
}

func cloneHooks(hooks []Hook) []Hook {
	if hooks == nil {
		return nil
	}
	c := make([]Hook, len(hooks))
	for i, h := range hooks {
		h.Operation = h.Operation.Clone()
		c[i] = h
	}
	return c
}

func cloneContent(m map[string]MediaType) map[string]MediaType {
	if m == nil {
		return nil
	}
	c := make(map[string]MediaType, len(m))
	for k, v := range m {
		c[k] = MediaType{Schema: slices.Clone(v.Schema), ItemSchema: slices.Clone(v.ItemSchema)}
	}
	return c
}

func cloneSchemas(m map[string]json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		return nil
	}
	c := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		c[k] = slices.Clone(v)
	}
	return c
}

// NewContract is the body of Create: the service's first version, a
// draft, and a note saying why, which lands in its first revision.
type NewContract struct {
	Version string `json:"version"`
	Spec    Spec   `json:"spec"`
	Note    string `json:"note,omitempty"`
}

// NewVersionInput is the body of NewVersion: the version to start, the
// version whose spec it starts from, and a note.
type NewVersionInput struct {
	From    string `json:"from"`
	Version string `json:"version"`
	Note    string `json:"note,omitempty"`
}

// SpecInput is the body of UpdateVersion: the draft's new spec and a note
// saying why, which lands in the revision.
type SpecInput struct {
	Spec Spec   `json:"spec"`
	Note string `json:"note,omitempty"`
}

// TransitionInput moves a version to another status; sending a proposal
// back to draft needs a note saying why.
type TransitionInput struct {
	To   Status `json:"to"`
	Note string `json:"note,omitempty"`
}
