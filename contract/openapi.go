package contract

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// OpenAPI exports spec as an OpenAPI 3.1 document (JSON) with version as
// info.version; an empty version exports spec.APIVersion, or 0.0.0. An
// operation whose ID was made from an operationId accord does not allow
// (DisplayName) exports that operationId, with its ID in x-accord-id. Schemas keep their JSON Schema 2020-12 form, which OpenAPI
// 3.1 uses as is; the error-code catalogue, each operation's error codes and
// the unknown-properties policy travel as x-accord-* extensions. The output
// is deterministic: the same spec gives the same bytes.
func OpenAPI(spec Spec, version string) ([]byte, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	doc := openAPIDoc{
		OpenAPI: "3.1.0",
		Info: openAPIInfo{Title: spec.Service, Version: orDefault(orDefault(version, spec.APIVersion), "0.0.0"), Description: spec.Description,
			Owner: spec.Owner, Requirements: refs(spec)},
		Dialect:    "https://json-schema.org/draft/2020-12/schema",
		Paths:      map[string]map[string]openAPIOperation{},
		ErrorCodes: spec.ErrorCodes,
		CodeField:  spec.ErrorCodeField,
		Unknown: map[string]Strictness{
			"request": spec.UnknownProperties.request(), "response": spec.UnknownProperties.response(),
		},
	}
	if spec.BasePath != "" {
		doc.Servers = []openAPIServer{{URL: spec.BasePath}}
	}
	if len(spec.Schemas) > 0 || len(spec.SecuritySchemes) > 0 {
		doc.Components = &openAPIComponents{Schemas: spec.Schemas, SecuritySchemes: spec.SecuritySchemes}
	}
	for _, op := range spec.Operations {
		path := doc.Paths[op.Path]
		if path == nil {
			path = map[string]openAPIOperation{}
			doc.Paths[op.Path] = path
		}
		path[strings.ToLower(op.Method)] = exportOperation(op)
	}
	for _, h := range spec.Webhooks {
		if doc.Webhooks == nil {
			doc.Webhooks = map[string]map[string]openAPIOperation{}
		}
		if doc.Webhooks[h.Name] == nil {
			doc.Webhooks[h.Name] = map[string]openAPIOperation{}
		}
		doc.Webhooks[h.Name][strings.ToLower(h.Operation.Method)] = exportOperation(h.Operation)
	}
	if usesItemSchema(spec) {
		doc.OpenAPI = "3.2.0" // itemSchema is 3.2's
	}
	return json.MarshalIndent(doc, "", "  ")
}

// usesItemSchema reports whether any body of spec has an item schema.
func usesItemSchema(spec Spec) bool {
	has := func(content map[string]MediaType) bool {
		for _, m := range content {
			if len(m.ItemSchema) > 0 {
				return true
			}
		}
		return false
	}
	var ops []Operation
	ops = append(ops, spec.Operations...)
	for _, h := range spec.Webhooks {
		ops = append(ops, h.Operation)
	}
	for i := 0; i < len(ops); i++ {
		op := ops[i]
		for _, h := range op.Callbacks {
			ops = append(ops, h.Operation)
		}
		if op.RequestBody != nil && has(op.RequestBody.Content) {
			return true
		}
		for _, r := range op.Responses {
			if has(r.Content) {
				return true
			}
		}
	}
	return false
}

func refs(spec Spec) []string {
	var out []string
	for _, r := range spec.Requirements {
		out = append(out, r.String())
	}
	return out
}

func exportOperation(op Operation) openAPIOperation {
	o := openAPIOperation{ID: op.ID, Summary: op.Summary, Description: op.Description, ErrorCodes: op.ErrorCodes,
		Requirements: refs(Spec{Requirements: op.Requirements}),
		Deprecated:   op.Deprecated, Sunset: op.Sunset, Stability: op.Stability, Security: op.Security,
		Responses: map[string]openAPIResponse{}}
	for _, h := range op.Callbacks {
		if o.Callbacks == nil {
			o.Callbacks = map[string]map[string]map[string]openAPIOperation{}
		}
		if o.Callbacks[h.Name] == nil {
			o.Callbacks[h.Name] = map[string]map[string]openAPIOperation{}
		}
		if o.Callbacks[h.Name][h.URL] == nil {
			o.Callbacks[h.Name][h.URL] = map[string]openAPIOperation{}
		}
		o.Callbacks[h.Name][h.URL][strings.ToLower(h.Operation.Method)] = exportOperation(h.Operation)
	}
	if op.DisplayName != "" && op.DisplayName != op.ID {
		o.ID, o.AccordID = op.DisplayName, op.ID
	}
	for _, p := range op.Parameters {
		o.Parameters = append(o.Parameters, openAPIParameter{Name: p.Name, In: p.In, Required: p.Required || p.In == InPath,
			Description: p.Description, Style: p.Style, Explode: p.Explode, Deprecated: p.Deprecated, Sunset: p.Sunset, Schema: orEmptySchema(p.Schema)})
	}
	if b := op.RequestBody; b != nil {
		o.RequestBody = &openAPIRequestBody{Required: b.Required, Description: b.Description, Content: exportContent(b.Content)}
		for _, ex := range op.Examples {
			if ex.Request != nil && len(ex.Request.Body) > 0 {
				addExample(o.RequestBody.Content, orJSON(ex.Request.ContentType), ex.Name, ex.Request.Body)
			}
		}
	}
	for key, r := range op.Responses {
		resp := openAPIResponse{Description: r.Description, Content: exportContent(r.Content)}
		if resp.Description == "" {
			resp.Description = describeStatus(key)
		}
		for _, h := range r.Headers {
			if resp.Headers == nil {
				resp.Headers = map[string]openAPIHeader{}
			}
			resp.Headers[h.Name] = openAPIHeader{Required: h.Required, Description: h.Description, Schema: orEmptySchema(h.Schema)}
		}
		o.Responses[key] = resp
	}
	for _, ex := range op.Examples {
		if ex.Response == nil || len(ex.Response.Body) == 0 {
			continue
		}
		if key, ok := lookupResponse(op.Responses, ex.Response.Status); ok {
			addExample(o.Responses[key].Content, orJSON(ex.Response.ContentType), ex.Name, ex.Response.Body)
		}
	}
	return o
}

func exportContent(content map[string]MediaType) map[string]*openAPIMediaType {
	if len(content) == 0 {
		return nil
	}
	out := make(map[string]*openAPIMediaType, len(content))
	for mt, m := range content {
		out[mt] = &openAPIMediaType{Schema: m.Schema, ItemSchema: m.ItemSchema}
	}
	return out
}

func addExample(content map[string]*openAPIMediaType, contentType, name string, body json.RawMessage) {
	mt, ok := matchMediaType(sortedKeys(content), contentType)
	if !ok {
		return
	}
	m := content[mt]
	if m.Examples == nil {
		m.Examples = map[string]openAPIExample{}
	}
	m.Examples[exampleKey(name)] = openAPIExample{Summary: name, Value: body}
}

// exampleKey makes an example name usable as a component-style key.
func exampleKey(name string) string {
	if validComponentName(name) {
		return name
	}
	return strings.Map(func(r rune) rune {
		if r < 128 && validComponentName(string(r)) {
			return r
		}
		return '_'
	}, name)
}

func describeStatus(key string) string {
	if n, err := strconv.Atoi(key); err == nil && http.StatusText(n) != "" {
		return http.StatusText(n)
	}
	switch {
	case key == "default":
		return "Any other response"
	case strings.HasSuffix(key, "XX"):
		return key + " response"
	}
	return "Response " + key
}

func orEmptySchema(s json.RawMessage) json.RawMessage {
	if len(s) == 0 {
		return json.RawMessage(`{}`)
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

type openAPIDoc struct {
	OpenAPI    string                                 `json:"openapi"`
	Info       openAPIInfo                            `json:"info"`
	Dialect    string                                 `json:"jsonSchemaDialect"`
	Servers    []openAPIServer                        `json:"servers,omitempty"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Webhooks   map[string]map[string]openAPIOperation `json:"webhooks,omitempty"`
	Components *openAPIComponents                     `json:"components,omitempty"`
	ErrorCodes []ErrorCode                            `json:"x-accord-error-codes,omitempty"`
	CodeField  string                                 `json:"x-accord-error-code-field,omitempty"`
	Unknown    map[string]Strictness                  `json:"x-accord-unknown-properties"`
}

type openAPIInfo struct {
	Title        string   `json:"title"`
	Version      string   `json:"version"`
	Description  string   `json:"description,omitempty"`
	Owner        string   `json:"x-accord-owner,omitempty"`
	Requirements []string `json:"x-accord-requirements,omitempty"`
}

type openAPIServer struct {
	URL string `json:"url"`
}

type openAPIComponents struct {
	Schemas         map[string]json.RawMessage `json:"schemas,omitempty"`
	SecuritySchemes map[string]json.RawMessage `json:"securitySchemes,omitempty"`
}

type openAPIOperation struct {
	ID           string                     `json:"operationId"`
	AccordID     string                     `json:"x-accord-id,omitempty"`
	Summary      string                     `json:"summary,omitempty"`
	Description  string                     `json:"description,omitempty"`
	Parameters   []openAPIParameter         `json:"parameters,omitempty"`
	RequestBody  *openAPIRequestBody        `json:"requestBody,omitempty"`
	Responses    map[string]openAPIResponse `json:"responses"`
	ErrorCodes   []string                   `json:"x-accord-error-codes,omitempty"`
	Requirements []string                   `json:"x-accord-requirements,omitempty"`
	Deprecated   bool                       `json:"deprecated,omitempty"`
	Sunset       string                     `json:"x-sunset,omitempty"`
	Stability    string                     `json:"x-stability-level,omitempty"`
	// Security is each operation's own: export writes no global security.
	Security []SecurityRequirement `json:"security,omitempty"`
	// Callbacks by name, then URL expression, then method.
	Callbacks map[string]map[string]map[string]openAPIOperation `json:"callbacks,omitempty"`
}

type openAPIParameter struct {
	Name        string          `json:"name"`
	In          string          `json:"in"`
	Required    bool            `json:"required,omitempty"`
	Description string          `json:"description,omitempty"`
	Style       string          `json:"style,omitempty"`
	Explode     *bool           `json:"explode,omitempty"`
	Deprecated  bool            `json:"deprecated,omitempty"`
	Sunset      string          `json:"x-sunset,omitempty"`
	Schema      json.RawMessage `json:"schema"`
}

type openAPIRequestBody struct {
	Required    bool                         `json:"required,omitempty"`
	Description string                       `json:"description,omitempty"`
	Content     map[string]*openAPIMediaType `json:"content"`
}

type openAPIMediaType struct {
	Schema     json.RawMessage           `json:"schema,omitempty"`
	ItemSchema json.RawMessage           `json:"itemSchema,omitempty"`
	Examples   map[string]openAPIExample `json:"examples,omitempty"`
}

type openAPIExample struct {
	Summary string          `json:"summary,omitempty"`
	Value   json.RawMessage `json:"value"`
}

type openAPIResponse struct {
	Description string                       `json:"description"`
	Headers     map[string]openAPIHeader     `json:"headers,omitempty"`
	Content     map[string]*openAPIMediaType `json:"content,omitempty"`
}

type openAPIHeader struct {
	Required    bool            `json:"required,omitempty"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema"`
}
