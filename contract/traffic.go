package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract/internal/fastschema"
)

// Part says where in an exchange a violation is.
type Part string

// The parts of an exchange.
const (
	PartRoute           Part = "route" // no operation matches the method and path
	PartPathParameter   Part = "path_parameter"
	PartQueryParameter  Part = "query_parameter"
	PartHeaderParameter Part = "header_parameter"
	PartRequestBody     Part = "request_body"
	PartResponseStatus  Part = "response_status"
	PartResponseHeader  Part = "response_header"
	PartResponseBody    Part = "response_body"
)

// Violation is one way an exchange breaks the contract.
//
// Keyword is the JSON Schema keyword that failed (type, required, minimum,
// unevaluatedProperties, …) or one of accord's own checks: route, method,
// content_type, body, json, status, error_code.
type Violation struct {
	Operation string `json:"operation,omitempty"`
	Part      Part   `json:"part"`
	Name      string `json:"name,omitempty"`   // the parameter or header
	Status    int    `json:"status,omitempty"` // the response status, for response parts
	Pointer   string `json:"pointer"`          // JSON pointer into the body or value; "" is all of it
	Keyword   string `json:"keyword"`
	Message   string `json:"message"`
	Value     string `json:"value,omitempty"` // the offending value as short JSON; empty when redacted
	// label names the operation as its document does, addPet (POST /pets),
	// for String; Operation stays the ID, which tools match on. Blanking
	// Operation leaves the operation out of String.
	label string
}

// String renders the violation on one line, naming the operation as its
// document does when a Validator wrote it:
// createOrder (POST /orders) request_body /items/0/qty: minimum: must be at least 1.
func (v Violation) String() string {
	var b strings.Builder
	switch {
	case v.Operation == "": // blanked by a caller that names it already
	case v.label != "":
		b.WriteString(v.label)
		b.WriteByte(' ')
	default:
		b.WriteString(v.Operation)
		b.WriteByte(' ')
	}
	if v.Status != 0 {
		b.WriteString(strconv.Itoa(v.Status))
		b.WriteByte(' ')
	}
	b.WriteString(string(v.Part))
	if v.Name != "" {
		b.WriteString(" " + strconv.Quote(v.Name))
	}
	if v.Pointer != "" {
		b.WriteString(" " + v.Pointer)
	}
	b.WriteString(": " + v.Keyword + ": " + v.Message)
	if v.Value != "" {
		b.WriteString(" (got " + v.Value + ")")
	}
	return b.String()
}

// field names the place of the violation in one string, for accord errors.
func (v Violation) field() string {
	s := string(v.Part)
	if v.Name != "" {
		s += "." + v.Name
	}
	return s + v.Pointer
}

// Result is the outcome of validating one request or response.
type Result struct {
	Operation  string      `json:"operation,omitempty"` // the matched operation; empty if none matched
	Violations []Violation `json:"violations"`
	name       string      // the operation as messages name it
}

// OK reports whether nothing broke the contract.
func (r Result) OK() bool { return len(r.Violations) == 0 }

// Err returns nil when r is OK, and otherwise an invalid accord error that
// lists each violation as a field (part, name and pointer) with its message.
func (r Result) Err() error {
	if r.OK() {
		return nil
	}
	e := &accord.Error{Code: accord.Invalid, Message: fmt.Sprintf("%d contract violation(s)", len(r.Violations))}
	if r.name != "" {
		e.Message += " in " + r.name
	} else if r.Operation != "" {
		e.Message += " in operation " + r.Operation
	}
	for _, v := range r.Violations {
		e.Fields = append(e.Fields, accord.FieldError{Field: v.field(), Message: v.Keyword + ": " + v.Message})
	}
	return e
}

// finish sorts the violations and gives each the operation's label.
func (r *Result) finish() {
	sortViolations(r.Violations)
	for i := range r.Violations {
		if r.Violations[i].Operation == r.Operation {
			r.Violations[i].label = r.name
		}
	}
}

// String lists the violations, one per line, each naming its operation
// as the document does: getOrder (GET /orders/{id}).
func (r Result) String() string {
	lines := make([]string, len(r.Violations))
	for i, v := range r.Violations {
		if r.name != "" && v.Operation == r.Operation {
			v.label = r.name
		}
		lines[i] = v.String()
	}
	return strings.Join(lines, "\n")
}

// match finds the operation for a request. On failure it returns the
// violation that explains why nothing matched.
func (v *Validator) match(r *http.Request, caps *[maxSegments]string) (*operation, *Violation) {
	path := r.URL.EscapedPath()
	if v.basePath != "" {
		rest, ok := strings.CutPrefix(path, v.basePath)
		if !ok || (rest != "" && rest[0] != '/') {
			return nil, &Violation{Part: PartRoute, Keyword: "route", Message: fmt.Sprintf("%s %s is outside the contract's base path %s", r.Method, path, v.basePath)}
		}
		path = rest
	}
	if path == "" {
		path = "/"
	}
	lookupPath := path
	if lookupPath == "/" {
		lookupPath = ""
	}
	n := v.routes.lookup(lookupPath, 0, caps)
	if n == nil {
		return nil, &Violation{Part: PartRoute, Keyword: "route", Message: fmt.Sprintf("no operation matches %s %s", r.Method, path)}
	}
	op := n.methods[r.Method]
	if op == nil {
		return nil, &Violation{Part: PartRoute, Keyword: "method", Message: fmt.Sprintf("method %s is not declared for %s; declared: %s", r.Method, path, strings.Join(n.allowed(), ", "))}
	}
	return op, nil
}

// Match returns the operation a request is for and its path parameters.
func (v *Validator) Match(r *http.Request) (operationID string, pathParams map[string]string, err error) {
	var caps [maxSegments]string
	op, bad := v.match(r, &caps)
	if bad != nil {
		return "", nil, accord.Errorf(accord.NotFound, "%s", bad.Message)
	}
	pathParams = make(map[string]string, len(op.pathParams))
	for _, p := range op.pathParams {
		pathParams[p.Name] = unescapeSegment(p.value(&caps))
	}
	return op.ID, pathParams, nil
}

// ValidateRequest checks a request against its operation: the route, path,
// query and header parameters, the content type and the body. body is the
// request body exactly as received; r.Body is not read. Every violation is
// reported, not only the first.
func (v *Validator) ValidateRequest(r *http.Request, body []byte) Result {
	var caps [maxSegments]string
	op, bad := v.match(r, &caps)
	if bad != nil {
		return Result{Violations: []Violation{*bad}}
	}
	res := Result{Operation: op.ID, name: op.name}
	if !v.paramsValid(op, r, &caps) {
		v.checkParams(&res, op, r, &caps)
	}
	v.checkBody(&res, op, PartRequestBody, 0, op.RequestBody != nil, op.RequestBody != nil && op.RequestBody.Required,
		op.bodyTypes, op.bodies, op.fast, r.Header.Get("Content-Type"), body)
	res.finish()
	return res
}

// checkParams checks the path, query and header parameters the full way:
// parsed, converted and walked by the schema validator.
func (v *Validator) checkParams(res *Result, op *operation, r *http.Request, caps *[maxSegments]string) {
	for _, p := range op.pathParams {
		values, sep, err := pathValue(unescapeSegment(p.value(caps)), p.param)
		if err != nil {
			res.Violations = append(res.Violations, Violation{Operation: op.ID, Part: PartPathParameter, Name: p.Name, Keyword: "style", Message: err.Error()})
			continue
		}
		v.checkValue(res, op, p.param, PartPathParameter, 0, values, sep)
	}
	if len(op.query) > 0 {
		var query url.Values
		if r.URL.RawQuery != "" {
			query = r.URL.Query()
		}
		for _, p := range op.query {
			if style, _ := p.serialization(); style == StyleDeepObject {
				v.checkDeepObject(res, op, p, query)
				continue
			}
			values, sep := queryValues(query, p)
			v.checkValue(res, op, p, PartQueryParameter, 0, values, sep)
		}
	}
	for _, p := range op.headers {
		v.checkValue(res, op, p, PartHeaderParameter, 0, r.Header.Values(p.Name), ",")
	}
}

// ValidateResponse checks a response to r against the operation r is for:
// that the status is declared, the headers, the content type, the body, and
// for error responses the error code against the catalogue. body is the
// response body exactly as sent.
func (v *Validator) ValidateResponse(r *http.Request, status int, header http.Header, body []byte) Result {
	var caps [maxSegments]string
	op, bad := v.match(r, &caps)
	if bad != nil {
		return Result{Violations: []Violation{*bad}}
	}
	res := Result{Operation: op.ID, name: op.name}
	resp := op.response(status)
	if resp == nil {
		res.Violations = append(res.Violations, Violation{Operation: op.ID, Part: PartResponseStatus, Status: status, Keyword: "status",
			Message: fmt.Sprintf("status %d is not declared; declared: %s", status, strings.Join(sortedKeys(op.responses), ", ")), label: op.name})
		return res
	}
	if !v.headersValid(resp.headers, header) {
		for _, h := range resp.headers {
			v.checkValue(&res, op, h, PartResponseHeader, status, header.Values(h.Name), ",")
		}
	}
	decoded := v.checkBody(&res, op, PartResponseBody, status, len(resp.bodyTypes) > 0, false,
		resp.bodyTypes, resp.bodies, resp.fast, header.Get("Content-Type"), body)
	if status >= 400 && decoded != nil {
		v.checkErrorCode(&res, op, status, decoded)
	}
	res.finish()
	return res
}

// response finds the declared response for status as lookupResponse
// does, without making the key a string of its own.
func (op *operation) response(status int) *response {
	var buf [3]byte
	exact := strconv.AppendInt(buf[:0], int64(status), 10)
	if r := op.responses[string(exact)]; r != nil {
		return r
	}
	if len(exact) == 3 {
		if r := op.responses[string([]byte{exact[0], 'X', 'X'})]; r != nil {
			return r
		}
	}
	return op.responses["default"]
}

// checkValue checks a parameter or header given as strings on the wire.
// sep splits one value into array items (path and header style); query
// arrays repeat the parameter instead.
func (v *Validator) checkValue(res *Result, op *operation, p *param, part Part, status int, values []string, sep string) {
	if len(values) == 0 {
		if p.Required || part == PartPathParameter {
			res.Violations = append(res.Violations, Violation{Operation: op.ID, Part: part, Name: p.Name, Status: status, Keyword: "required", Message: "is required"})
		}
		return
	}
	if sep != "" && part == PartQueryParameter && len(values) > 1 {
		res.Violations = append(res.Violations, Violation{Operation: op.ID, Part: part, Name: p.Name, Status: status, Keyword: "style",
			Message: fmt.Sprintf("must be given once, its items separated by %q; got %d values", sep, len(values))})
		return
	}
	if p.schema == nil {
		return
	}
	var instance any
	if slices.Contains(p.types, "array") {
		var items []string
		for _, val := range values {
			if sep != "" {
				for _, it := range strings.Split(val, sep) {
					items = append(items, strings.TrimSpace(it))
				}
			} else {
				items = append(items, val)
			}
		}
		list := make([]any, len(items))
		for i, it := range items {
			list[i] = coerce(it, p.itemType)
		}
		instance = list
	} else {
		if len(values) > 1 && part == PartQueryParameter {
			res.Violations = append(res.Violations, Violation{Operation: op.ID, Part: part, Name: p.Name, Status: status, Keyword: "type",
				Message: fmt.Sprintf("must be given once, got %d values", len(values))})
			return
		}
		instance = coerce(values[0], p.types)
	}
	if err := p.schema.Validate(instance); err != nil {
		v.addSchemaViolations(res, Violation{Operation: op.ID, Part: part, Name: p.Name, Status: status}, err, instance)
	}
}

// checkDeepObject checks a deepObject query parameter:
// ?filter[status]=open&filter[limit]=5 is the object {"status": "open",
// "limit": 5}.
func (v *Validator) checkDeepObject(res *Result, op *operation, p *param, query url.Values) {
	obj, present, err := deepObject(query, p)
	base := Violation{Operation: op.ID, Part: PartQueryParameter, Name: p.Name}
	switch {
	case err != nil:
		base.Keyword, base.Message = "style", err.Error()
		res.Violations = append(res.Violations, base)
		return
	case !present:
		if p.Required {
			base.Keyword, base.Message = "required", "is required"
			res.Violations = append(res.Violations, base)
		}
		return
	}
	if p.schema != nil {
		if err := p.schema.Validate(obj); err != nil {
			v.addSchemaViolations(res, base, err, obj)
		}
	}
}

// coerce converts a string from the wire to the first type of the schema it
// fits. A value that fits none stays a string and fails the schema's type.
func coerce(s string, types []string) any {
	if len(types) == 0 || slices.Contains(types, "string") {
		return s
	}
	for _, t := range types {
		switch t {
		case "integer":
			if _, err := strconv.ParseInt(s, 10, 64); err == nil {
				return json.Number(s)
			}
		case "number":
			if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXpP_") && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return json.Number(s)
			}
		case "boolean":
			if b, err := strconv.ParseBool(s); err == nil && (s == "true" || s == "false") {
				return b
			}
		case "null":
			if s == "" || s == "null" {
				return nil
			}
		}
	}
	return s
}

// checkBody checks the content type and, for JSON with a schema, the body.
// It returns the decoded body when it is JSON, for the error-code check.
func (v *Validator) checkBody(res *Result, op *operation, part Part, status int, declared, required bool,
	types []string, schemas map[string]*jsonschema.Schema, fast map[string]*fastschema.Program, contentType string, body []byte) any {
	base := Violation{Operation: op.ID, Part: part, Status: status}
	if !declared {
		if len(body) > 0 {
			base.Keyword, base.Message = "body", "no body is declared, but one was sent"
			res.Violations = append(res.Violations, base)
		}
		return nil
	}
	if len(body) == 0 {
		if required {
			base.Keyword, base.Message = "required", "a body is required"
			res.Violations = append(res.Violations, base)
		}
		return nil
	}
	if contentType == "" {
		base.Keyword, base.Message = "content_type", fmt.Sprintf("the Content-Type header is missing; declared: %s", strings.Join(types, ", "))
		res.Violations = append(res.Violations, base)
		return nil
	}
	mt, ok := matchMediaType(types, contentType)
	if !ok {
		base.Keyword, base.Message = "content_type", fmt.Sprintf("Content-Type %s is not declared; declared: %s", contentType, strings.Join(types, ", "))
		res.Violations = append(res.Violations, base)
		return nil
	}
	if !isJSON(contentType) && !isJSON(mt) {
		return nil
	}
	// A valid body needs nothing more than one pass over its bytes. Error
	// responses are decoded anyway, for their error code; an invalid body
	// is decoded for its violations.
	if p := fast[mt]; p != nil && v.onePass && status < 400 && p.Check(body) == fastschema.Valid {
		return nil
	}
	instance, err := decodeJSON(body)
	if err != nil {
		base.Keyword, base.Message = "json", "the body is not valid JSON: "+err.Error()
		res.Violations = append(res.Violations, base)
		return nil
	}
	if s := schemas[mt]; s != nil {
		if err := s.Validate(instance); err != nil {
			v.addSchemaViolations(res, base, err, instance)
		}
	}
	return instance
}

// matchMediaType finds the declared media type for a Content-Type header:
// the same type and subtype (parameters ignored), or a declared wildcard.
func matchMediaType(declared []string, contentType string) (string, bool) {
	got := baseType(contentType)
	for _, d := range declared {
		if baseType(d) == got {
			return d, true
		}
	}
	slash := strings.IndexByte(got, '/')
	for _, d := range declared {
		b := baseType(d)
		if b == "*/*" || slash > 0 && b == got[:slash]+"/*" {
			return d, true
		}
	}
	return "", false
}

func baseType(mt string) string {
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

var errTrailing = errors.New("unexpected data after the JSON value")

// decodeJSON decodes body with numbers kept as written (json.Number), as the
// schema validator needs to judge integers and large values exactly.
func decodeJSON(body []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errTrailing
	}
	return v, nil
}

// checkErrorCode checks the code an error response carries against the
// catalogue and the operation's list.
func (v *Validator) checkErrorCode(res *Result, op *operation, status int, body any) {
	if len(v.catalogue) == 0 && len(op.errorCodes) == 0 {
		return
	}
	pointer := v.codeAt
	bad := func(format string, args ...any) {
		res.Violations = append(res.Violations, Violation{Operation: op.ID, Part: PartResponseBody, Status: status, Pointer: pointer,
			Keyword: "error_code", Message: fmt.Sprintf(format, args...)})
	}
	value, found := resolvePointer(body, v.codeField)
	code, isString := value.(string)
	switch {
	case !found:
		bad("an error response must carry its error code at %s", pointer)
	case !isString:
		bad("the error code must be a string")
	default:
		ec, known := v.catalogue[code]
		switch {
		case !known:
			bad("error code %s is not in the contract's error-code catalogue", code)
		case len(op.errorCodes) > 0 && !op.errorCodes[code]:
			bad("error code %s is not listed for operation %s; listed: %s", code, op.ID, strings.Join(op.ErrorCodes, ", "))
		case ec.Status != status:
			bad("error code %s is declared with status %d, but the response status is %d", code, ec.Status, status)
		}
	}
}

// resolvePointer walks tokens through a decoded JSON value.
func resolvePointer(v any, tokens []string) (any, bool) {
	for _, t := range tokens {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[t]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func sortViolations(vs []Violation) {
	if len(vs) < 2 {
		return
	}
	slices.SortStableFunc(vs, func(a, b Violation) int {
		if c := strings.Compare(string(a.Part), string(b.Part)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if c := strings.Compare(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		return strings.Compare(a.Keyword, b.Keyword)
	})
}
