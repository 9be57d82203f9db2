package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/accordhq/accord/contract/internal/fastschema"

	"github.com/accordhq/accord"
)

// The documents the schemas of a contract are compiled from. Nothing is ever
// fetched: the host is reserved (RFC 6761) and loading other URLs fails.
const (
	requestDoc  = "https://contract.accord.invalid/request.json"
	responseDoc = "https://contract.accord.invalid/response.json"
)

// Validator checks HTTP traffic against one compiled contract. Compile once
// and share: a Validator is immutable and safe for concurrent use.
type Validator struct {
	spec      Spec
	ops       []*operation
	byID      map[string]*operation
	routes    *node
	basePath  string
	catalogue map[string]ErrorCode
	codeField []string // JSON pointer tokens of the error code in a body
	codeAt    string   // the same as a JSON pointer, for violations
	docs      map[string]any
	redact    bool
	onePass   bool        // check bodies with fastschema first (tests turn it off to compare)
	checks    []BodyCheck // how each body schema is checked
}

type operation struct {
	Operation
	name       string // getOrder (GET /orders/{id}), for messages
	index      int
	segments   int
	pathParams []pathParam
	query      []*param
	headers    []*param
	bodyTypes  []string // declared media types, sorted
	bodies     map[string]*jsonschema.Schema
	fast       map[string]*fastschema.Program // the bodies the one-pass path checks
	responses  map[string]*response
	errorCodes map[string]bool
}

type pathParam struct {
	*param
	pos    int     // index of the path segment
	pieces []piece // for a segment such as {base}...{head}: its pieces…
	nth    int     // …and which of its parameters this is
}

// value is the parameter's text in a matched path, still escaped.
func (p pathParam) value(caps *[maxSegments]string) string {
	if p.pieces == nil {
		return caps[p.pos]
	}
	values, _ := matchPieces(p.pieces, caps[p.pos])
	return values[p.nth]
}

type param struct {
	Parameter
	schema    *jsonschema.Schema
	types     []string            // the schema's types, for converting strings from the wire
	itemType  []string            // for arrays: the items' types
	propTypes map[string][]string // for deepObject: each property's types
	fast      *fastschema.Program // nil: only the full path checks it
	key       string              // the canonical header name
	array     bool                // the schema's types include array
}

type response struct {
	key       string
	headers   []*param
	bodyTypes []string
	bodies    map[string]*jsonschema.Schema
	fast      map[string]*fastschema.Program
}

// CompileOption changes how Compile builds a Validator.
type CompileOption func(*Validator)

// RedactValues leaves the offending values out of violations, for traffic
// that may carry personal data. Messages never quote instance values anyway.
func RedactValues() CompileOption { return func(v *Validator) { v.redact = true } }

// Compile checks spec and compiles every schema in it once. It fails with an
// invalid error naming each problem: malformed fields, a schema that does
// not compile, colliding routes, duplicate operation IDs, or path parameters
// that do not match their template. Lint reports the same problems and more
// as findings.
//
// Compile never returns a nil Validator without an error: findings that
// only concern quality (an operation that declares just a default
// response, an error code outside the catalogue) do not stop it.
func Compile(spec Spec, opts ...CompileOption) (*Validator, error) {
	v, findings := build(spec, false)
	var errs accord.FieldErrors
	for _, f := range findings {
		if blocks(f) {
			errs = append(errs, accord.FieldError{Field: f.Field, Message: f.Message})
		}
	}
	if err := errs.Err("contract"); err != nil {
		return nil, err
	}
	if v == nil { // cannot happen: build only gives up on blocking findings
		return nil, accord.Errorf(accord.Internal, "contract: the validator of %s could not be built", spec.Service)
	}
	for _, o := range opts {
		o(v)
	}
	return v, nil
}

// Spec returns a copy of the compiled contract.
func (v *Validator) Spec() Spec { return v.spec.Clone() }

// Operations returns the IDs of the contract's operations in contract order.
func (v *Validator) Operations() []string {
	ids := make([]string, len(v.ops))
	for i, op := range v.ops {
		ids[i] = op.ID
	}
	return ids
}

// Label names an operation as its author knows it, for messages:
// getOrder (GET /orders/{id}), with the operationId as an imported
// document wrote it. It is empty for an unknown operation.
func (v *Validator) Label(operationID string) string {
	if v == nil {
		return ""
	}
	op := v.byID[operationID]
	if op == nil {
		return ""
	}
	return op.Operation.label()
}

// Responses returns the response keys ("200", "4XX", "default") that the
// operation declares, sorted; nil for an unknown operation.
func (v *Validator) Responses(operationID string) []string {
	op := v.byID[operationID]
	if op == nil {
		return nil
	}
	return sortedKeys(op.Responses)
}

// build checks spec and, when nothing blocks it (blocksCompile), compiles
// it. Examples are only checked when withExamples is set. Every finding
// names its operation and its place in OpenAPI terms (describeFindings).
func build(spec Spec, withExamples bool) (*Validator, []Finding) {
	v, findings := buildValidator(spec, withExamples)
	describeFindings(spec, findings)
	return v, findings
}

func buildValidator(spec Spec, withExamples bool) (*Validator, []Finding) {
	var fe accord.FieldErrors
	spec.validate(&fe)
	var findings []Finding
	for _, e := range fe {
		findings = append(findings, Finding{Rule: RuleInvalid, Severity: SeverityError, Field: e.Field, Message: e.Message})
	}
	if len(findings) > 0 {
		return nil, findings
	}
	spec = spec.Clone()
	v := &Validator{onePass: true,
		spec:      spec,
		byID:      make(map[string]*operation, len(spec.Operations)),
		routes:    &node{},
		basePath:  spec.BasePath,
		catalogue: make(map[string]ErrorCode, len(spec.ErrorCodes)),
		codeField: codePointer(spec.ErrorCodeField),
	}
	for _, t := range v.codeField {
		v.codeAt += "/" + escapeToken(t)
	}
	for _, c := range spec.ErrorCodes {
		v.catalogue[c.Code] = c
	}
	findings = append(findings, v.checkOperations()...)
	findings = append(findings, lintLifecycle(spec)...)

	c, docs, schemaFindings := compileDocs(spec)
	findings = append(findings, schemaFindings...)
	v.docs = docs
	if hasBlocking(findings) {
		return nil, findings
	}
	fc, checks := map[string]*fastschema.Compiler{}, formats(c)
	for doc, root := range docs {
		fc[doc] = fastschema.NewCompiler(root, checks)
	}
	for i, op := range v.ops {
		findings = append(findings, v.compileOperation(c, fc, i, op)...)
	}
	if hasBlocking(findings) {
		return nil, findings
	}
	if withExamples {
		findings = append(findings, v.checkExamples()...)
	}
	return v, findings
}

// checkOperations builds the routes and reports what makes them ambiguous.
func (v *Validator) checkOperations() []Finding {
	var findings []Finding
	shapes := map[string]*operation{}
	for i, spec := range v.spec.Operations {
		at := fmt.Sprintf("operations[%d]", i)
		op := &operation{Operation: spec, name: spec.label(), index: i, errorCodes: map[string]bool{}}
		op.Method = strings.ToUpper(op.Method)
		v.ops = append(v.ops, op)
		if prev, dup := v.byID[op.ID]; dup {
			findings = append(findings, Finding{Rule: RuleDuplicateOperationID, Severity: SeverityError, Field: at + ".id",
				Operation: op.ID, Message: fmt.Sprintf("operation id %q is also used by %s", op.ID, prev.label())})
		} else {
			v.byID[op.ID] = op
		}
		segs, _ := parseTemplate(op.Path)
		op.segments = len(segs)
		var shape strings.Builder
		inTemplate := map[string]int{}
		for pos, s := range segs {
			shape.WriteByte('/')
			shape.WriteString(s.shape())
			for _, name := range s.params() {
				inTemplate[name] = pos
			}
		}
		key := op.Method + " " + shape.String()
		if other, taken := shapes[key]; taken {
			findings = append(findings, Finding{Rule: RuleRouteCollision, Severity: SeverityError, Field: at + ".path", Operation: op.ID,
				Message: fmt.Sprintf("collides with %s: a request could match either", other.label())})
		} else {
			shapes[key] = op
			v.routes.insert(segs, op)
		}
		declared := map[string]bool{}
		for j, p := range op.Parameters {
			if p.In != InPath {
				continue
			}
			declared[p.Name] = true
			if _, ok := inTemplate[p.Name]; !ok {
				findings = append(findings, Finding{Rule: RulePathParameter, Severity: SeverityError, Field: fmt.Sprintf("%s.parameters[%d].name", at, j), Operation: op.ID,
					Message: fmt.Sprintf("path parameter %q does not appear in the path %s", p.Name, op.Path)})
			}
		}
		for _, s := range segs {
			for _, name := range s.params() {
				if !declared[name] {
					findings = append(findings, Finding{Rule: RulePathParameter, Severity: SeverityError, Field: at + ".parameters", Operation: op.ID,
						Message: fmt.Sprintf("the path %s has {%s} but no path parameter declares it", op.Path, name)})
				}
			}
		}
		if !hasSuccess(op.Responses) {
			// Only a default response is valid OpenAPI (the classic
			// Petstore has them): it validates every status, so it is
			// worth a warning, not a refusal.
			f := Finding{Rule: RuleNoSuccessResponse, Severity: SeverityError, Field: at + ".responses", Operation: op.ID,
				Message: "no success response (1XX–3XX) is declared"}
			if _, ok := op.Responses["default"]; ok {
				f.Severity, f.Message = SeverityWarning, "only a default response is declared, so every status is accepted; declare the success response (200, 201…)"
			}
			findings = append(findings, f)
		}
		for j, code := range op.ErrorCodes {
			op.errorCodes[code] = true
			ec, ok := v.catalogue[code]
			if !ok {
				findings = append(findings, Finding{Rule: RuleUnknownErrorCode, Severity: SeverityError, Field: fmt.Sprintf("%s.error_codes[%d]", at, j), Operation: op.ID,
					Message: fmt.Sprintf("error code %q is not in the error-code catalogue", code)})
				continue
			}
			if _, ok := lookupResponse(op.Responses, ec.Status); !ok {
				findings = append(findings, Finding{Rule: RuleErrorStatusUndeclared, Severity: SeverityWarning, Field: fmt.Sprintf("%s.error_codes[%d]", at, j), Operation: op.ID,
					Message: fmt.Sprintf("error code %q has status %d, but the operation declares no response for it", code, ec.Status)})
			}
		}
		for _, key := range sortedKeys(op.Responses) {
			if !isErrorKey(key) || len(v.catalogue) > 0 {
				continue
			}
			findings = append(findings, Finding{Rule: RuleUnknownErrorCode, Severity: SeverityWarning, Field: at + ".responses." + key, Operation: op.ID,
				Message: fmt.Sprintf("response %s is an error response, but the contract has no error-code catalogue", key)})
			break
		}
	}
	return findings
}

func hasSuccess(responses map[string]Response) bool {
	for k := range responses {
		if k != "default" && k[0] >= '1' && k[0] <= '3' {
			return true
		}
	}
	return false
}

func isErrorKey(k string) bool { return k != "default" && k[0] >= '4' }

// lookupResponse finds the declared response for status: the exact code,
// then its range (4XX), then default.
func lookupResponse[R any](responses map[string]R, status int) (string, bool) {
	var buf [3]byte
	exact := strconv.AppendInt(buf[:0], int64(status), 10)
	if _, ok := responses[string(exact)]; ok {
		return string(exact), true
	}
	if len(exact) == 3 {
		rng := string([]byte{exact[0], 'X', 'X'})
		if _, ok := responses[rng]; ok {
			return rng, true
		}
	}
	if _, ok := responses["default"]; ok {
		return "default", true
	}
	return "", false
}

// compileDocs builds the request and response documents and a compiler for
// them. Each schema is also compiled once here, so that a schema that does
// not compile is reported against its own field.
func compileDocs(spec Spec) (*jsonschema.Compiler, map[string]any, []Finding) {
	var findings []Finding
	docs := map[string]any{}
	c := newCompiler(nil)
	for _, dir := range []struct {
		url    string
		strict Strictness
		req    bool
	}{{requestDoc, spec.UnknownProperties.request(), true}, {responseDoc, spec.UnknownProperties.response(), false}} {
		components := map[string]any{}
		for name, raw := range spec.Schemas {
			components[name] = decodeSchema(raw)
		}
		ops := make([]any, len(spec.Operations))
		var roots []any
		for i, op := range spec.Operations {
			o := map[string]any{}
			if dir.req {
				params := make([]any, len(op.Parameters))
				for j, p := range op.Parameters {
					params[j] = decodeSchema(p.Schema)
					roots = append(roots, params[j])
				}
				o["p"] = params
				if op.RequestBody != nil {
					bodies := make([]any, 0, len(op.RequestBody.Content))
					for _, mt := range sortedKeys(op.RequestBody.Content) {
						s := decodeSchema(op.RequestBody.Content[mt].Schema)
						bodies = append(bodies, s)
						roots = append(roots, s)
					}
					o["b"] = bodies
				}
			} else {
				res := make([]any, 0, len(op.Responses))
				for _, key := range sortedKeys(op.Responses) {
					r := op.Responses[key]
					hs := make([]any, len(r.Headers))
					for j, h := range r.Headers {
						hs[j] = decodeSchema(h.Schema)
						roots = append(roots, hs[j])
					}
					bodies := make([]any, 0, len(r.Content))
					for _, mt := range sortedKeys(r.Content) {
						s := decodeSchema(r.Content[mt].Schema)
						bodies = append(bodies, s)
						roots = append(roots, s)
					}
					res = append(res, map[string]any{"h": hs, "b": bodies})
				}
				o["r"] = res
			}
			ops[i] = o
		}
		if dir.strict == Reject {
			makeStrict(components, roots)
		}
		doc := map[string]any{"components": map[string]any{"schemas": components}, "ops": ops}
		docs[dir.url] = doc
		if err := addParts(c, dir.url, doc); err != nil {
			findings = append(findings, Finding{Rule: RuleSchemaInvalid, Severity: SeverityError, Field: "schemas", Message: err.Error()})
			return c, docs, findings
		}
	}
	// Compile every schema where it is written, to blame the right field.
	for _, name := range sortedKeys(spec.Schemas) {
		if _, err := compileSchema(c, partURL(requestDoc, "/components/schemas/"+escapeToken(name))); err != nil {
			findings = append(findings, schemaFinding("schemas."+name, "", err))
		}
	}
	return c, docs, findings
}

// compileSchema compiles the schema at url. The library panics on a few
// malformed schemas that reach it through a $ref without being checked
// against the meta-schema ("properties": null); that is a schema that does
// not compile, not a crash.
func compileSchema(c *jsonschema.Compiler, url string) (s *jsonschema.Schema, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("malformed where a $ref leads: %v", p)
		}
	}()
	return c.Compile(url)
}

// addParts adds each component schema and each schema of an operation in
// doc to the compiler as a resource of its own, at partURL, with the $refs
// between components made absolute. One resource per document would be
// simpler, but the JSON Schema library scans every subschema of a resource
// each time it compiles one of them: quadratic, a minute for GitHub's
// 1,223 operations, against about two seconds in parts.
func addParts(c *jsonschema.Compiler, doc string, logical map[string]any) error {
	components := logical["components"].(map[string]any)["schemas"].(map[string]any)
	l := linker{doc: doc, components: components}
	add := func(ptr string, schema any) error {
		part := l.schema(schema)
		if m, ok := part.(map[string]any); ok {
			// A contract's schemas are draft 2020-12 wherever they sit; a
			// $schema inside one was never a resource's and stays ignored.
			delete(m, "$schema")
		}
		raw, err := json.Marshal(part)
		if err == nil {
			err = c.AddResource(partURL(doc, ptr), bytes.NewReader(raw))
		}
		return err
	}
	for _, name := range sortedKeys(components) {
		if err := add("/components/schemas/"+escapeToken(name), components[name]); err != nil {
			return err
		}
	}
	for i, o := range logical["ops"].([]any) {
		o := o.(map[string]any)
		for _, list := range []string{"p", "b"} {
			for j, s := range asList(o[list]) {
				if err := add(fmt.Sprintf("/ops/%d/%s/%d", i, list, j), s); err != nil {
					return err
				}
			}
		}
		for j, r := range asList(o["r"]) {
			r := r.(map[string]any)
			for _, list := range []string{"h", "b"} {
				for k, s := range asList(r[list]) {
					if err := add(fmt.Sprintf("/ops/%d/r/%d/%s/%d", i, j, list, k), s); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// partURL is the URL of the resource that holds the schema at ptr (a JSON
// pointer) in one of the documents: the pointer's tokens become the path.
func partURL(doc, ptr string) string {
	var b strings.Builder
	b.WriteString(doc)
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(tok))
	}
	return b.String()
}

// logicalLocation turns a location in a part back into one in its
// document: request.json/ops/3/b/0#/properties/id becomes
// request.json#/ops/3/b/0/properties/id.
func logicalLocation(location string) (doc, frag string) {
	doc, frag, _ = strings.Cut(location, "#")
	for _, d := range []string{requestDoc, responseDoc} {
		if rest, ok := strings.CutPrefix(doc, d+"/"); ok {
			var b strings.Builder
			for _, tok := range strings.Split(rest, "/") {
				if u, err := url.PathUnescape(tok); err == nil {
					tok = u
				}
				b.WriteByte('/')
				b.WriteString(tok)
			}
			return d, b.String() + frag
		}
	}
	return doc, frag
}

// linker copies schemas for their parts, turning each $ref to a component
// into the absolute URL of that component's part. Only schema positions are
// followed, so a value in enum, const or default that looks like a $ref is
// left as it is. A $ref to a component that does not exist stays relative,
// and compiling it fails with "not found", naming it.
type linker struct {
	doc        string
	components map[string]any
}

func (l linker) schema(node any) any {
	m, ok := node.(map[string]any)
	if !ok {
		return node
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	if ref, ok := m["$ref"].(string); ok {
		out["$ref"] = l.ref(ref)
	}
	list := func(v []any) []any {
		c := make([]any, len(v))
		for i, s := range v {
			c[i] = l.schema(s)
		}
		return c
	}
	each := func(v map[string]any) map[string]any {
		c := make(map[string]any, len(v))
		for k, s := range v {
			c[k] = l.schema(s)
		}
		return c
	}
	for _, k := range sameInstance {
		switch v := m[k].(type) {
		case []any:
			out[k] = list(v)
		case map[string]any:
			if k == "dependentSchemas" {
				out[k] = each(v)
			} else {
				out[k] = l.schema(v)
			}
		}
	}
	for _, k := range childSchemas {
		if v, ok := m[k].(map[string]any); ok {
			out[k] = each(v)
		}
	}
	for _, k := range childSchema {
		if v, ok := m[k]; ok {
			out[k] = l.schema(v)
		}
	}
	if v, ok := m["prefixItems"].([]any); ok {
		out["prefixItems"] = list(v)
	}
	return out
}

func (l linker) ref(ref string) string {
	rest, ok := strings.CutPrefix(ref, componentPrefix)
	if !ok {
		return ref
	}
	tok, sub, _ := strings.Cut(rest, "/")
	name := tok
	if u, err := url.PathUnescape(tok); err == nil {
		name = u
	}
	name = unescapeToken(name)
	if _, ok := l.components[name]; !ok {
		return ref
	}
	target := partURL(l.doc, "/components/schemas/"+escapeToken(name)) + "#"
	if sub != "" {
		target += "/" + sub
	}
	return target
}

func schemaFinding(field, op string, err error) Finding {
	msg := err.Error()
	var se *jsonschema.SchemaError
	if errors.As(err, &se) && se.Err != nil {
		msg = strings.TrimPrefix(se.Err.Error(), "jsonschema: ")
		// A schema that fails the meta-schema: name the innermost failure.
		if leaf, ok := se.Err.(*jsonschema.ValidationError); ok {
			for len(leaf.Causes) > 0 {
				leaf = leaf.Causes[0]
			}
			msg = fmt.Sprintf("at %s: %s", schemaLocation(leaf.InstanceLocation), leaf.Message)
		}
	}
	if i := strings.Index(msg, "#/components/schemas/"); i >= 0 && strings.HasSuffix(msg, " not found") {
		// The usual cause: schemas made with a SchemaSet whose Schemas()
		// were never copied into the spec.
		name := strings.TrimSuffix(msg[i+len("#/components/schemas/"):], " not found")
		msg = fmt.Sprintf("$ref to schema %q, which spec.schemas does not hold; if it came from a SchemaSet, set spec.Schemas = set.Schemas() after the last Ref", name)
	}
	return Finding{Rule: RuleSchemaInvalid, Severity: SeverityError, Field: field, Operation: op, Message: "schema does not compile: " + msg}
}

// schemaLocation turns a pointer into the internal documents back into the
// contract's own terms where it can.
func schemaLocation(ptr string) string {
	if rest, ok := strings.CutPrefix(ptr, "/components/schemas/"); ok {
		return "#/components/schemas/" + rest
	}
	if ptr == "" {
		return "the schema root"
	}
	return ptr
}

func decodeSchema(raw json.RawMessage) any {
	if len(raw) == 0 {
		return true
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return true // Validate has already refused invalid JSON
	}
	return v
}

// newCompiler returns a compiler with accord's settings: draft 2020-12,
// formats asserted, the empty-enum guard, and no network. load, when set,
// serves documents outside the contract (the test suite's remotes).
func newCompiler(load func(url string) (io.ReadCloser, error)) *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(url string) (io.ReadCloser, error) {
		if load != nil {
			return load(url)
		}
		return nil, fmt.Errorf("%s: a contract's schemas may only refer to #/components/schemas", url)
	}
	c.RegisterExtension("accord-empty-enum", nil, emptyEnum{})
	// The validator knows no internationalized email or host names and would
	// let any string pass; check their shape at least.
	c.Formats["idn-email"] = isIDNEmail
	c.Formats["idn-hostname"] = isIDNHostname
	return c
}

// BodyCheck says how a Validator checks one body schema. Most are checked
// in one pass over the raw bytes, without decoding them first; a schema
// with a keyword that path does not judge is checked by decoding the body
// and walking the schema (Fallback says which keyword and where). Both
// paths accept and refuse the same bodies, and an invalid body's
// violations always come from the second, so they read the same.
type BodyCheck struct {
	Operation string `json:"operation"`
	Part      Part   `json:"part"`             // request_body or response_body
	Status    string `json:"status,omitempty"` // the response's status key
	MediaType string `json:"media_type"`
	OnePass   bool   `json:"one_pass"`
	Fallback  string `json:"fallback,omitempty"`
}

// BodyChecks lists how each body schema of the contract is checked, in
// the order of the operations.
func (v *Validator) BodyChecks() []BodyCheck {
	return slices.Clone(v.checks)
}

// fallbackReason says why a body schema is not checked in one pass, with
// the place in the contract's terms.
func fallbackReason(err error, body string) string {
	var u *fastschema.Unsupported
	if !errors.As(err, &u) {
		return err.Error()
	}
	where := u.Pointer
	if rest, ok := strings.CutPrefix(where, "/components/schemas/"); ok {
		where = "#/components/schemas/" + rest
	} else if rest, ok := strings.CutPrefix(where, body); ok {
		where = "the body schema" + rest
	}
	return where + ": " + u.Reason
}

// formats lists the format checks a compiler applies, for the one-pass
// path: the compiler's own, then the library's, as the compiler looks
// them up.
func formats(c *jsonschema.Compiler) map[string]fastschema.Format {
	out := make(map[string]fastschema.Format, len(jsonschema.Formats)+len(c.Formats))
	for name, f := range jsonschema.Formats {
		out[name] = f
	}
	for name, f := range c.Formats {
		out[name] = f
	}
	return out
}

// emptyEnum closes a gap of the validator: it skips "enum" when the list is
// empty, so "enum": [] would accept everything instead of nothing.
type emptyEnum struct{}

func (emptyEnum) Compile(_ jsonschema.CompilerContext, m map[string]any) (jsonschema.ExtSchema, error) {
	if e, ok := m["enum"].([]any); ok && len(e) == 0 {
		return emptyEnum{}, nil
	}
	return nil, nil
}

func (emptyEnum) Validate(ctx jsonschema.ValidationContext, _ any) error {
	return ctx.Error("enum", "no value is allowed: the enum is empty")
}

// compileOperation compiles the schemas of one operation from the documents.
func (v *Validator) compileOperation(c *jsonschema.Compiler, fc map[string]*fastschema.Compiler, i int, op *operation) []Finding {
	var findings []Finding
	at := fmt.Sprintf("operations[%d].", i)
	compile := func(doc, ptr, field string) *jsonschema.Schema {
		s, err := compileSchema(c, partURL(doc, fmt.Sprintf("/ops/%d/%s", i, ptr)))
		if err != nil {
			findings = append(findings, schemaFinding(at+field, op.ID, err))
		}
		return s
	}
	// onePass compiles a body schema for the one-pass path too, and
	// records which path checks it.
	onePass := func(doc, ptr string, part Part, status, mt string) *fastschema.Program {
		check := BodyCheck{Operation: op.ID, Part: part, Status: status, MediaType: mt, OnePass: true}
		p, err := fc[doc].Compile(fmt.Sprintf("/ops/%d/%s", i, ptr))
		if err != nil {
			check.OnePass, check.Fallback = false, fallbackReason(err, fmt.Sprintf("/ops/%d/%s", i, ptr))
		}
		v.checks = append(v.checks, check)
		return p
	}
	segs, _ := parseTemplate(op.Path)
	for j, p := range op.Parameters {
		pr := &param{Parameter: p}
		pr.schema = compile(requestDoc, fmt.Sprintf("p/%d", j), fmt.Sprintf("parameters[%d].schema", j))
		pr.types, pr.itemType = wireTypes(v.spec.Schemas, p.Schema)
		pr.onePass(fc[requestDoc], fmt.Sprintf("/ops/%d/p/%d", i, j))
		if style, _ := p.serialization(); style == StyleDeepObject {
			pr.propTypes = propertyTypes(v.spec.Schemas, p.Schema)
		}
		switch p.In {
		case InPath:
			for pos, s := range segs {
				if s.param == p.Name {
					op.pathParams = append(op.pathParams, pathParam{param: pr, pos: pos})
				}
				for nth, name := range s.params() {
					if s.pieces != nil && name == p.Name {
						op.pathParams = append(op.pathParams, pathParam{param: pr, pos: pos, pieces: s.pieces, nth: nth})
					}
				}
			}
		case InQuery:
			op.query = append(op.query, pr)
		case InHeader:
			op.headers = append(op.headers, pr) // http.Header.Values canonicalizes the name
		}
	}
	if b := op.RequestBody; b != nil {
		op.bodyTypes = sortedKeys(b.Content)
		op.bodies = map[string]*jsonschema.Schema{}
		op.fast = map[string]*fastschema.Program{}
		for j, mt := range op.bodyTypes {
			if isJSON(mt) && len(b.Content[mt].Schema) > 0 {
				op.bodies[mt] = compile(requestDoc, fmt.Sprintf("b/%d", j), "request_body.content."+mt+".schema")
				if p := onePass(requestDoc, fmt.Sprintf("b/%d", j), PartRequestBody, "", mt); p != nil {
					op.fast[mt] = p
				}
			}
		}
	}
	op.responses = map[string]*response{}
	for j, key := range sortedKeys(op.Responses) {
		r := op.Responses[key]
		res := &response{key: key, bodyTypes: sortedKeys(r.Content), bodies: map[string]*jsonschema.Schema{}, fast: map[string]*fastschema.Program{}}
		for k, h := range r.Headers {
			hp := &param{Parameter: Parameter{Name: h.Name, In: InHeader, Required: h.Required, Schema: h.Schema}}
			hp.schema = compile(responseDoc, fmt.Sprintf("r/%d/h/%d", j, k), fmt.Sprintf("responses.%s.headers[%d].schema", key, k))
			hp.types, hp.itemType = wireTypes(v.spec.Schemas, h.Schema)
			hp.onePass(fc[responseDoc], fmt.Sprintf("/ops/%d/r/%d/h/%d", i, j, k))
			res.headers = append(res.headers, hp)
		}
		for k, mt := range res.bodyTypes {
			if isJSON(mt) && len(r.Content[mt].Schema) > 0 {
				res.bodies[mt] = compile(responseDoc, fmt.Sprintf("r/%d/b/%d", j, k), "responses."+key+".content."+mt+".schema")
				if p := onePass(responseDoc, fmt.Sprintf("r/%d/b/%d", j, k), PartResponseBody, key, mt); p != nil {
					res.fast[mt] = p
				}
			}
		}
		op.responses[key] = res
	}
	return findings
}

// wireTypes reads the types a string from the wire should be converted to,
// following one $ref into the components.
func wireTypes(components map[string]json.RawMessage, raw json.RawMessage) (types, items []string) {
	s := resolveLocal(components, decodeSchema(raw))
	types = typesOf(s)
	if slices.Contains(types, "array") {
		if m, ok := s.(map[string]any); ok {
			items = typesOf(resolveLocal(components, m["items"]))
		}
	}
	return types, items
}

// propertyTypes lists the types of an object schema's properties, for
// converting deepObject values from the wire.
func propertyTypes(components map[string]json.RawMessage, raw json.RawMessage) map[string][]string {
	out := map[string][]string{}
	if m, ok := resolveLocal(components, decodeSchema(raw)).(map[string]any); ok {
		props, _ := m["properties"].(map[string]any)
		for name, s := range props {
			out[name] = typesOf(resolveLocal(components, s))
		}
	}
	return out
}

func resolveLocal(components map[string]json.RawMessage, s any) any {
	for range 8 {
		m, ok := s.(map[string]any)
		if !ok {
			return s
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return s
		}
		name, ok := strings.CutPrefix(ref, componentPrefix)
		if !ok {
			return s
		}
		s = decodeSchema(components[unescapeToken(name)])
	}
	return s
}

func typesOf(s any) []string {
	m, ok := s.(map[string]any)
	if !ok {
		return nil
	}
	switch t := m["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		var out []string
		for _, x := range e {
			switch x.(type) {
			case json.Number:
				out = appendUnique(out, "number")
			case bool:
				out = appendUnique(out, "boolean")
			case string:
				out = appendUnique(out, "string")
			}
		}
		return out
	}
	return nil
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// isJSON reports whether a media type carries JSON: application/json or any
// structured +json type such as application/problem+json.
func isJSON(mt string) bool {
	base, _, err := mime.ParseMediaType(mt)
	if err != nil {
		return false
	}
	return base == "application/json" || strings.HasSuffix(base, "+json")
}

func codePointer(field string) []string {
	if field == "" {
		field = "code"
	}
	if !strings.HasPrefix(field, "/") {
		return []string{field}
	}
	parts := strings.Split(field[1:], "/")
	for i, p := range parts {
		parts[i] = unescapeToken(p)
	}
	return parts
}

func isIDNEmail(v any) bool {
	s, ok := v.(string)
	if !ok {
		return true // formats only judge strings
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsAny(s[:at], " \t\r\n") && isIDNHostname(s[at+1:])
}

func isIDNHostname(v any) bool {
	s, ok := v.(string)
	if !ok {
		return true
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 || !utf8.ValidString(s) {
		return false
	}
	dots := func(r rune) bool { return r == '.' || r == '。' || r == '．' || r == '｡' }
	for label := range strings.FieldsFuncSeq(s, dots) {
		if len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i, r := range label {
			mark := unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
			if i == 0 && mark { // RFC 5891 4.2.3.2: a label must not begin with a combining mark
				return false
			}
			if r != '-' && !mark && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return !strings.Contains(s, "..")
}
