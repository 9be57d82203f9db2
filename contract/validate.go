package contract

import (
	"encoding/json"
	"fmt"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/accordhq/accord"
)

var methods = []string{"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"}

// Validate checks that s is well-formed: names present and unique where they
// must be, methods and locations known, path templates and media types
// parseable, schemas valid JSON. Whether the schemas compile, routes collide
// or examples validate is for Lint and Compile.
func (s Spec) Validate() error {
	var errs accord.FieldErrors
	s.validate(&errs)
	// No svc.CheckBounds here: real APIs (GitHub's) have thousands of
	// operations and schemas larger than 64 KiB. A spec is bounded by the
	// size of the request or document it arrives in.
	return errs.Err("contract")
}

func (s Spec) validate(errs *accord.FieldErrors) {
	if strings.TrimSpace(s.Service) == "" {
		errs.Add("service", "required")
	} else if len(s.Service) > 200 {
		errs.Add("service", "longer than 200 characters")
	}
	if len(s.APIVersion) > 200 {
		errs.Add("api_version", "longer than 200 characters")
	}
	if s.BasePath != "" && (!strings.HasPrefix(s.BasePath, "/") || strings.HasSuffix(s.BasePath, "/") || strings.ContainsAny(s.BasePath, "{}?#")) {
		errs.Add("base_path", "must start with / and not end with /, without {, }, ? or #")
	}
	if f := s.ErrorCodeField; strings.HasPrefix(f, "/") && strings.Contains(f, "//") {
		errs.Add("error_code_field", "JSON pointer %q has an empty segment", f)
	}
	for _, v := range []struct {
		field string
		val   Strictness
	}{{"unknown_properties.request", s.UnknownProperties.Request}, {"unknown_properties.response", s.UnknownProperties.Response}} {
		if v.val != "" && v.val != Reject && v.val != Allow {
			errs.Add(v.field, "unknown value %q; one of reject, allow", v.val)
		}
	}
	for i, r := range s.Requirements {
		r.Validate(fmt.Sprintf("requirements[%d]", i), errs)
	}
	for _, name := range sortedKeys(s.SecuritySchemes) {
		if raw := s.SecuritySchemes[name]; !json.Valid(raw) || raw[firstNonSpace(raw)] != '{' {
			errs.Add("security_schemes."+name, "must be a JSON object")
		}
	}
	for _, name := range sortedKeys(s.Schemas) {
		field := "schemas." + name
		if !validComponentName(name) {
			errs.Add(field, "name may only contain letters, digits, '.', '-' and '_'")
		}
		checkSchemaJSON(errs, field, s.Schemas[name], true)
	}
	codes := make(map[string]bool, len(s.ErrorCodes))
	for i, c := range s.ErrorCodes {
		at := func(f string) string { return fmt.Sprintf("error_codes[%d].%s", i, f) }
		switch {
		case c.Code == "":
			errs.Add(at("code"), "required")
		case strings.ContainsAny(c.Code, " \t\r\n"):
			errs.Add(at("code"), "must not contain spaces")
		case codes[c.Code]:
			errs.Add(at("code"), "duplicate code %q", c.Code)
		}
		codes[c.Code] = true
		if c.Status < 400 || c.Status > 599 {
			errs.Add(at("status"), "must be an HTTP error status (400–599), got %d", c.Status)
		}
		if strings.TrimSpace(c.Message) == "" {
			errs.Add(at("message"), "required")
		}
	}
	// No operations is allowed: a document of webhooks only, or a service
	// whose contract is still being written (Lint says so).
	for i, op := range s.Operations {
		op.validate(errs, fmt.Sprintf("operations[%d].", i))
	}
	validateHooks(errs, "webhooks", s.Webhooks)
}

// validateHooks checks webhooks or callbacks: named, each kind of request
// (name, URL and method) once, and their operations well-formed apart
// from the path, which a hook does not have.
func validateHooks(errs *accord.FieldErrors, field string, hooks []Hook) {
	seen := map[string]bool{}
	for i, h := range hooks {
		at := fmt.Sprintf("%s[%d].", field, i)
		if strings.TrimSpace(h.Name) == "" {
			errs.Add(at+"name", "required")
		}
		key := h.Name + "\x00" + h.URL + "\x00" + strings.ToUpper(h.Operation.Method)
		if seen[key] {
			errs.Add(at+"name", "duplicate %s %s", strings.ToUpper(h.Operation.Method), h.Name)
		}
		seen[key] = true
		op := h.Operation
		if op.Path == "" {
			op.Path = "/"
		}
		op.validate(errs, at+"operation.")
	}
}

func (op Operation) validate(errs *accord.FieldErrors, prefix string) {
	for i, r := range op.Requirements {
		r.Validate(fmt.Sprintf("%srequirements[%d]", prefix, i), errs)
	}
	if len(op.DisplayName) > 200 {
		errs.Add(prefix+"display_name", "longer than 200 characters")
	}
	if op.ID == "" {
		errs.Add(prefix+"id", "required")
	} else if !validComponentName(op.ID) {
		errs.Add(prefix+"id", "may only contain letters, digits, '.', '-' and '_'")
	}
	if !slices.Contains(methods, strings.ToUpper(op.Method)) {
		errs.Add(prefix+"method", "unknown method %q; one of %s", op.Method, strings.Join(methods, ", "))
	}
	if _, err := parseTemplate(op.Path); err != nil {
		errs.Add(prefix+"path", "%v", err)
	}
	seen := map[string]bool{}
	for j, p := range op.Parameters {
		at := fmt.Sprintf("%sparameters[%d].", prefix, j)
		if p.Name == "" {
			errs.Add(at+"name", "required")
		}
		switch p.In {
		case InPath, InQuery, InHeader:
		default:
			errs.Add(at+"in", "unknown location %q; one of path, query, header", p.In)
		}
		key := p.In + ":" + p.Name
		if p.In == InHeader {
			key = p.In + ":" + strings.ToLower(p.Name)
		}
		if seen[key] {
			errs.Add(at+"name", "duplicate %s parameter %q", p.In, p.Name)
		}
		seen[key] = true
		checkSchemaJSON(errs, at+"schema", p.Schema, false)
		p.validateStyle(strings.TrimSuffix(at, "."), errs)
	}
	if b := op.RequestBody; b != nil {
		if len(b.Content) == 0 {
			errs.Add(prefix+"request_body.content", "at least one media type is required")
		}
		checkContent(errs, prefix+"request_body.content", b.Content)
	}
	if len(op.Responses) == 0 {
		errs.Add(prefix+"responses", "at least one response is required")
	}
	for _, key := range sortedKeys(op.Responses) {
		r := op.Responses[key]
		at := prefix + "responses." + key
		if !validStatusKey(key) {
			errs.Add(at, "status must be a code 100–599, a range such as 4XX, or default")
		}
		checkContent(errs, at+".content", r.Content)
		for j, h := range r.Headers {
			if h.Name == "" {
				errs.Add(fmt.Sprintf("%s.headers[%d].name", at, j), "required")
			}
			checkSchemaJSON(errs, fmt.Sprintf("%s.headers[%d].schema", at, j), h.Schema, false)
		}
	}
	validateHooks(errs, prefix+"callbacks", op.Callbacks)
	for j, r := range op.Security {
		for _, name := range sortedKeys(r) {
			if name == "" {
				errs.Add(fmt.Sprintf("%ssecurity[%d]", prefix, j), "a security scheme name is required")
			}
		}
	}
	for j, code := range op.ErrorCodes {
		if code == "" {
			errs.Add(fmt.Sprintf("%serror_codes[%d]", prefix, j), "required")
		}
	}
	for j, e := range op.Examples {
		at := fmt.Sprintf("%sexamples[%d].", prefix, j)
		if e.Name == "" {
			errs.Add(at+"name", "required")
		}
		if e.Request == nil && e.Response == nil {
			errs.Add(at+"request", "an example needs a request, a response or both")
		}
		if e.Response != nil && (e.Response.Status < 100 || e.Response.Status > 599) {
			errs.Add(at+"response.status", "must be an HTTP status (100–599), got %d", e.Response.Status)
		}
		if e.Request != nil && len(e.Request.Body) > 0 && !json.Valid(e.Request.Body) {
			errs.Add(at+"request.body", "not valid JSON")
		}
		if e.Response != nil && len(e.Response.Body) > 0 && !json.Valid(e.Response.Body) {
			errs.Add(at+"response.body", "not valid JSON")
		}
	}
}

func checkContent(errs *accord.FieldErrors, at string, content map[string]MediaType) {
	for _, mt := range sortedKeys(content) {
		if _, _, err := mime.ParseMediaType(mt); err != nil && mt != "*/*" {
			errs.Add(at+"."+mt, "not a media type: %v", err)
		}
		checkSchemaJSON(errs, at+"."+mt+".schema", content[mt].Schema, false)
		checkSchemaJSON(errs, at+"."+mt+".item_schema", content[mt].ItemSchema, false)
	}
}

func checkSchemaJSON(errs *accord.FieldErrors, field string, schema json.RawMessage, required bool) {
	if len(schema) == 0 {
		if required {
			errs.Add(field, "required")
		}
		return
	}
	if !json.Valid(schema) {
		errs.Add(field, "not valid JSON")
		return
	}
	switch schema[firstNonSpace(schema)] {
	case '{', 't', 'f':
	default:
		errs.Add(field, "a schema must be a JSON object or a boolean")
	}
}

func firstNonSpace(b []byte) int {
	for i, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return i
		}
	}
	return 0
}

func validComponentName(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func validStatusKey(k string) bool {
	if k == "default" {
		return true
	}
	if len(k) == 3 && k[0] >= '1' && k[0] <= '5' && k[1:] == "XX" {
		return true
	}
	n, err := strconv.Atoi(k)
	return err == nil && len(k) == 3 && n >= 100 && n <= 599
}

// segment is one segment of a path template: a literal, one whole
// {param}, or a mix of text and parameters such as {base}...{head} or
// {name}.json (pieces).
type segment struct {
	literal string
	param   string
	pieces  []piece
}

// piece is a run of text or one {param} within a segment.
type piece struct {
	literal string
	param   string
}

// params lists the parameters of the segment, in order.
func (s segment) params() []string {
	if s.param != "" {
		return []string{s.param}
	}
	var names []string
	for _, p := range s.pieces {
		if p.param != "" {
			names = append(names, p.param)
		}
	}
	return names
}

// shape is the segment with its parameters' names left out, for telling
// templates that match the same requests.
func (s segment) shape() string {
	switch {
	case s.param != "":
		return "{}"
	case s.pieces == nil:
		return s.literal
	}
	var b strings.Builder
	for _, p := range s.pieces {
		if p.param != "" {
			b.WriteString("{}")
		} else {
			b.WriteString(p.literal)
		}
	}
	return b.String()
}

// matchPieces cuts a segment of a request path by a mixed segment of a
// template: each parameter takes the shortest non-empty text up to the
// text that follows it, the last one the rest. It returns the parameters'
// values, still escaped.
func matchPieces(pieces []piece, seg string) ([]string, bool) {
	var values []string
	pos := 0
	for i, p := range pieces {
		if p.param == "" {
			if !strings.HasPrefix(seg[pos:], p.literal) {
				return nil, false
			}
			pos += len(p.literal)
			continue
		}
		if i == len(pieces)-1 {
			if pos == len(seg) {
				return nil, false
			}
			values = append(values, seg[pos:])
			pos = len(seg)
			continue
		}
		if pos == len(seg) {
			return nil, false
		}
		j := strings.Index(seg[pos+1:], pieces[i+1].literal)
		if j < 0 {
			return nil, false
		}
		values = append(values, seg[pos:pos+1+j])
		pos += 1 + j
	}
	return values, pos == len(seg)
}

// parseTemplate splits a path template into segments.
func parseTemplate(path string) ([]segment, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("must start with /")
	}
	if path == "/" {
		return nil, nil
	}
	parts := strings.Split(path[1:], "/")
	segs := make([]segment, len(parts))
	names := map[string]bool{}
	name := func(n, part string) error {
		if n == "" || strings.ContainsAny(n, "{}") {
			return fmt.Errorf("bad parameter in %q of %q", part, path)
		}
		if names[n] {
			return fmt.Errorf("parameter {%s} appears twice in %q", n, path)
		}
		names[n] = true
		return nil
	}
	for i, p := range parts {
		switch {
		case p == "" && i < len(parts)-1:
			return nil, fmt.Errorf("empty segment in %q", path)
		case strings.ContainsAny(p, "?#"):
			return nil, fmt.Errorf("segment %q contains ? or #; query parameters are declared as parameters", p)
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") && strings.Count(p, "{") == 1:
			if err := name(p[1:len(p)-1], p); err != nil {
				return nil, err
			}
			segs[i].param = p[1 : len(p)-1]
		case strings.ContainsAny(p, "{}"):
			pieces, err := parsePieces(p, name)
			if err != nil {
				return nil, fmt.Errorf("%v in %q", err, path)
			}
			segs[i].pieces = pieces
		default:
			segs[i].literal = p
		}
	}
	return segs, nil
}

// parsePieces reads a segment that mixes text and parameters. Two
// parameters need text between them, or where one ends would be a guess.
func parsePieces(seg string, name func(n, part string) error) ([]piece, error) {
	var pieces []piece
	rest := seg
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if strings.ContainsRune(rest, '}') {
				return nil, fmt.Errorf("unmatched } in %q", seg)
			}
			pieces = append(pieces, piece{literal: rest})
			break
		}
		if open > 0 {
			if strings.ContainsRune(rest[:open], '}') {
				return nil, fmt.Errorf("unmatched } in %q", seg)
			}
			pieces = append(pieces, piece{literal: rest[:open]})
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("unmatched { in %q", seg)
		}
		n := rest[open+1 : open+end]
		if err := name(n, seg); err != nil {
			return nil, err
		}
		if len(pieces) > 0 && pieces[len(pieces)-1].param != "" {
			return nil, fmt.Errorf("the parameters of %q need text between them", seg)
		}
		pieces = append(pieces, piece{param: n})
		rest = rest[open+end+1:]
	}
	return pieces, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
