package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/accordhq/accord"
)

// ImportReport says what an import could not carry over as it was, so
// that nothing is dropped silently.
type ImportReport struct {
	Format     string       `json:"format"` // "OpenAPI 3.0.3", "OpenAPI 3.1.0"
	Operations int          `json:"operations"`
	Notes      []ImportNote `json:"notes"`
}

// ImportNote is one thing an import dropped or approximated.
type ImportNote struct {
	Pointer string `json:"pointer"` // JSON pointer into the imported document
	Kind    string `json:"kind"`    // "dropped" or "approximated"
	Message string `json:"message"`
}

// ImportOpenAPI reads an OpenAPI 3.0.x, 3.1.x or 3.2.x document, or a
// Swagger 2.0 one, JSON or YAML, into a Spec (of 3.2 what 3.1 has, and
// itemSchema; the QUERY method and querystring parameters are noted as
// dropped). Schemas are converted to JSON Schema 2020-12 (nullable,
// boolean exclusive bounds, example); $refs within the document are
// followed; x-accord-* extensions (what OpenAPI exports) come back, and so
// do deprecated, x-sunset and x-stability-level, security, webhooks and
// callbacks. A document of webhooks only, or with no paths, imports (with
// a note). What accord does not model (links, cookie parameters, XML,
// discriminators…) is listed in the report with a pointer each. An
// error names the place in the document that is wrong. A reference to
// another file fails, naming it: use ImportOpenAPIFile to follow them.
//
// A $ref that cannot be resolved (a missing component, a file that is not
// there) is a note with its pointer, and what it named is imported as
// accepting anything; ImportOptions.Strict makes it an error instead.
func ImportOpenAPI(doc []byte) (Spec, ImportReport, error) {
	return ImportOptions{}.Import(doc)
}

// ImportOptions change how an OpenAPI document is imported. The zero
// value is what ImportOpenAPI and ImportOpenAPIFile do.
type ImportOptions struct {
	// Strict fails the import on a $ref that cannot be resolved, naming
	// it, instead of noting it and importing what it named as accepting
	// anything.
	Strict bool
}

// Import imports an OpenAPI document as ImportOpenAPI does, with o.
func (o ImportOptions) Import(doc []byte) (Spec, ImportReport, error) {
	return importOpenAPI(doc, "", o)
}

// ImportFile imports the document at path as ImportOpenAPIFile does,
// with o.
func (o ImportOptions) ImportFile(path string) (Spec, ImportReport, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, ImportReport{}, err
	}
	return importOpenAPI(doc, filepath.Dir(path), o)
}

// ImportOpenAPIFile imports the OpenAPI document at path as ImportOpenAPI
// does, and follows $refs into other files relative to the file that
// holds them. Schemas from other files become shared schemas of the spec,
// each listed in the report; a file that cannot be read fails the import,
// naming it and the reference.
func ImportOpenAPIFile(path string) (Spec, ImportReport, error) {
	return ImportOptions{}.ImportFile(path)
}

func importOpenAPI(doc []byte, dir string, opts ImportOptions) (Spec, ImportReport, error) {
	root, repeated, err := decodeDocument(doc)
	if err != nil {
		return Spec{}, ImportReport{}, err
	}
	m, ok := root.(map[string]any)
	if !ok {
		return Spec{}, ImportReport{}, importErr("", "the document is not an object")
	}
	version, _ := m["openapi"].(string)
	im := &importer{root: m, dir: dir, strict: opts.Strict, v30: strings.HasPrefix(version, "3.0."), report: ImportReport{Format: "OpenAPI " + version, Notes: repeated}}
	switch {
	case strings.HasPrefix(version, "3.0.") || strings.HasPrefix(version, "3.1.") || strings.HasPrefix(version, "3.2."):
	case m["swagger"] == "2.0":
		im.report.Format, im.v30 = "Swagger 2.0", true
		im.root = im.swaggerTo30(m)
	case m["swagger"] != nil:
		return Spec{}, ImportReport{}, importErr("/swagger", "%v is not a Swagger version accord reads (2.0)", m["swagger"])
	default:
		return Spec{}, ImportReport{}, importErr("/openapi", "not an OpenAPI 3.0, 3.1 or 3.2 or a Swagger 2.0 document (openapi is %q)", version)
	}
	spec, err := im.spec()
	if err != nil {
		return Spec{}, ImportReport{}, err
	}
	if len(spec.Operations) == 0 {
		// A document of webhooks only, or of nothing yet, is a contract;
		// one whose every operation was dropped is not what its author meant.
		switch {
		case len(obj(im.root["paths"])) == 0 && len(spec.Webhooks) > 0:
			im.note("/paths", "approximated", "no paths, only webhooks: the contract describes what the API sends, and Compile has no request to check")
		case len(obj(im.root["paths"])) == 0:
			im.note("/paths", "approximated", "no paths and no webhooks: the contract is empty")
		default:
			return Spec{}, ImportReport{Notes: im.report.Notes}, importErr("/paths", "none of the operations could be imported: the report's notes say why")
		}
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, ImportReport{}, fmt.Errorf("the imported contract is not valid: %w", err)
	}
	im.report.Operations = len(spec.Operations)
	return spec, im.report, nil
}

func importErr(pointer, format string, args ...any) error {
	f := pointer
	if f == "" {
		f = "/"
	}
	return &accord.Error{Code: accord.Invalid, Message: "cannot import the OpenAPI document",
		Fields: []accord.FieldError{{Field: f, Message: fmt.Sprintf(format, args...)}}}
}

// decodeDocument reads JSON or YAML into plain values, numbers as
// json.Number. A YAML key repeated in one mapping is a problem real
// documents have (Stripe's once described refunds twice): when both values
// are scalars the last one is used, as JSON decoders do, and a note names
// the lines; a repeated mapping or list is an error with the line, since
// either choice would lose a whole subtree.
func decodeDocument(doc []byte) (any, []ImportNote, error) {
	trimmed := bytes.TrimSpace(doc)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		d := json.NewDecoder(bytes.NewReader(trimmed))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			return nil, nil, importErr("", "not valid JSON: %v", err)
		}
		if d.More() {
			return nil, nil, importErr("", "not valid JSON: more than one value")
		}
		return v, []ImportNote{}, nil
	}
	var node yaml.Node
	if err := yaml.Unmarshal(doc, &node); err != nil {
		return nil, nil, importErr("", "not valid YAML: %v", err)
	}
	if len(node.Content) == 0 {
		return nil, nil, importErr("", "the document is empty")
	}
	notes := []ImportNote{}
	v, err := yamlValue(node.Content[0], "", &notes)
	return v, notes, err
}

func yamlValue(n *yaml.Node, ptr string, notes *[]ImportNote) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return yamlValue(n.Alias, ptr, notes)
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		lines := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i].Value, n.Content[i+1]
			at := ptr + "/" + escapeToken(k)
			if first, dup := lines[k]; dup {
				switch out[k].(type) {
				case map[string]any, []any:
					return nil, importErr(at, "line %d: the key %q appears twice in one mapping (first at line %d)", n.Content[i].Line, k, first)
				}
				if val.Kind != yaml.ScalarNode {
					return nil, importErr(at, "line %d: the key %q appears twice in one mapping (first at line %d)", n.Content[i].Line, k, first)
				}
				*notes = append(*notes, ImportNote{Pointer: at, Kind: "approximated",
					Message: fmt.Sprintf("line %d: the key %q appears twice in one mapping (first at line %d); the last value is used", n.Content[i].Line, k, first)})
			}
			lines[k] = n.Content[i].Line
			v, err := yamlValue(val, at, notes)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := yamlValue(c, fmt.Sprintf("%s/%d", ptr, i), notes)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, nil
		case "!!bool":
			return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", nil
		case "!!int", "!!float":
			var num any
			if err := n.Decode(&num); err != nil {
				return nil, importErr(ptr, "line %d: %v", n.Line, err)
			}
			raw, err := json.Marshal(num)
			if err != nil {
				return nil, importErr(ptr, "line %d: the number %s cannot be represented in JSON", n.Line, n.Value)
			}
			return json.Number(raw), nil
		}
		return n.Value, nil
	}
	return nil, importErr(ptr, "line %d: unsupported YAML node", n.Line)
}

type importer struct {
	root   map[string]any
	dir    string // the root document's directory; "" when other files cannot be read
	files  map[string]any
	strict bool // an unresolved $ref fails the import
	v30    bool
	report ImportReport
	ids    map[string]bool // operation IDs given so far
	// Schemas that are not the root document's components (in other
	// files, say) become components: by where they came from, their name,
	// and by name, their converted form.
	origin map[string]string
	extra  map[string]any
}

func (im *importer) note(pointer, kind, format string, args ...any) {
	im.report.Notes = append(im.report.Notes, ImportNote{Pointer: pointer, Kind: kind, Message: fmt.Sprintf(format, args...)})
}

// scalarText is a string, number or boolean as written: YAML reads
// version: 1.0 as a number.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func text(v any) string {
	s, _ := v.(string)
	return s
}

// Locations: a JSON pointer into the root document, or "file#pointer"
// for another file, its path relative to the root document's directory.
func fileOf(ptr string) string {
	file, _, found := strings.Cut(ptr, "#")
	if !found {
		return ""
	}
	return file
}

// lookup finds what ref, met at ptr, points at, and where that is.
func (im *importer) lookup(ref, ptr string) (any, string, error) {
	filePart, frag, _ := strings.Cut(ref, "#")
	file := fileOf(ptr)
	doc := any(im.root)
	if filePart != "" {
		if im.dir == "" {
			return nil, "", importErr(ptr+"/$ref", "the reference %q points into another file: import the document from its file (accord contract import FILE, or contract.ImportOpenAPIFile) to follow it", ref)
		}
		file = path.Clean(path.Join(path.Dir(file), filePart))
	}
	if file != "" {
		loaded, ok := im.files[file]
		if !ok {
			raw, err := os.ReadFile(filepath.Join(im.dir, filepath.FromSlash(file)))
			if err != nil {
				return nil, "", importErr(ptr+"/$ref", "the file %q that the reference %q names cannot be read: %v", file, ref, err)
			}
			var repeated []ImportNote
			if loaded, repeated, err = decodeDocument(raw); err != nil {
				return nil, "", fmt.Errorf("%s: %w", file, err)
			}
			for _, n := range repeated {
				im.note(file+"#"+n.Pointer, n.Kind, "%s", n.Message)
			}
			if im.files == nil {
				im.files = map[string]any{}
			}
			im.files[file] = loaded
		}
		doc = loaded
	}
	cur := resolvePointerIn(doc, frag)
	if cur == nil {
		return nil, "", importErr(ptr+"/$ref", "the reference %q points at nothing", ref)
	}
	if file != "" {
		return cur, file + "#" + frag, nil
	}
	return cur, frag, nil
}

// resolvePointerIn finds what the fragment of a $ref (a JSON pointer,
// percent-encoded) names in doc; nil when it names nothing.
func resolvePointerIn(doc any, frag string) any {
	cur := doc
	if frag == "" || frag == "/" {
		return cur
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if u, err := url.PathUnescape(tok); err == nil {
			tok = u
		}
		tok = unescapeToken(tok)
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// unresolved handles a $ref at ptr that lookup could not follow: under
// Strict it is the import's error; otherwise a note says what it named
// and what was imported instead (instead), and the caller carries on.
func (im *importer) unresolved(ptr, ref string, err error, instead string) error {
	if im.strict {
		return err
	}
	reason := err.Error()
	var ae *accord.Error
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		reason = ae.Fields[0].Message
	}
	im.note(ptr+"/$ref", "dropped", "the $ref %q cannot be resolved (%s): %s", ref, strings.TrimPrefix(reason, fmt.Sprintf("the reference %q ", ref)), instead)
	return nil
}

// deref follows $refs to what they point at, here or in another file.
func (im *importer) deref(v any, ptr string) (map[string]any, string, error) {
	for range 16 {
		m := obj(v)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, ptr, nil
		}
		target, tptr, err := im.lookup(ref, ptr)
		if err != nil {
			return nil, ptr, &refError{at: ptr, ref: ref, err: err}
		}
		v, ptr = target, tptr
	}
	return nil, ptr, &refError{at: ptr, ref: text(obj(v)["$ref"]), err: importErr(ptr, "too many references in a row")}
}

// refError is a $ref that cannot be followed: the place that holds it,
// the reference, and why.
type refError struct {
	at, ref string
	err     error
}

func (e *refError) Error() string { return e.err.Error() }
func (e *refError) Unwrap() error { return e.err }

// follow is deref for the parts of a document: a $ref that cannot be
// followed is noted, saying that instead happened, and ok is false; under
// Strict it is the error.
func (im *importer) follow(v any, ptr, instead string) (m map[string]any, at string, ok bool, err error) {
	m, at, err = im.deref(v, ptr)
	var re *refError
	switch {
	case err == nil:
		return m, at, true, nil
	case errors.As(err, &re):
		return nil, ptr, false, im.unresolved(re.at, re.ref, re.err, instead)
	}
	return nil, ptr, false, err
}

// schemaRef turns a $ref that is not to the root document's components
// into one: the schema it points at is brought in under a name of its
// own, once however often it is referred to.
func (im *importer) schemaRef(ref, ptr string) (string, error) {
	if fileOf(ptr) == "" && strings.HasPrefix(ref, componentPrefix) {
		if resolvePointerIn(im.root, ref[1:]) == nil {
			return "", &refError{at: ptr, ref: ref, err: importErr(ptr+"/$ref", "the reference %q points at nothing", ref)}
		}
		return ref, nil
	}
	target, tptr, err := im.lookup(ref, ptr)
	if err != nil {
		return "", &refError{at: ptr, ref: ref, err: err}
	}
	if name, ok := im.origin[tptr]; ok {
		return componentPrefix + escapeToken(name), nil
	}
	base := tptr[strings.LastIndex(tptr, "/")+1:]
	if base == "" || strings.HasSuffix(tptr, "#") {
		base = strings.TrimSuffix(path.Base(fileOf(tptr)), path.Ext(fileOf(tptr)))
	}
	base = exampleKey(unescapeToken(base))
	name := base
	for n := 2; obj(obj(im.root["components"])["schemas"])[name] != nil || im.extra[name] != nil; n++ {
		name = fmt.Sprintf("%s_%d", base, n)
	}
	if im.origin == nil {
		im.origin, im.extra = map[string]string{}, map[string]any{}
	}
	im.origin[tptr] = name
	im.extra[name] = true // taken, for references back to it while converting
	conv, err := im.convert(target, tptr)
	if err != nil {
		return "", err
	}
	im.extra[name] = conv
	im.note(tptr, "approximated", "the schema %s was brought in as components.schemas.%s", tptr, name)
	return componentPrefix + escapeToken(name), nil
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func (im *importer) spec() (Spec, error) {
	info := obj(im.root["info"])
	spec := Spec{Service: strings.TrimSpace(text(info["title"])), Description: text(info["description"]), Owner: text(info["x-accord-owner"]),
		APIVersion: scalarText(info["version"])}
	for _, k := range []string{"summary", "termsOfService", "contact", "license"} {
		if info[k] != nil {
			im.note("/info/"+k, "dropped", "info.%s is not part of an accord contract", k)
		}
	}
	if spec.Service == "" {
		return Spec{}, importErr("/info/title", "required: it becomes the service name")
	}
	reqs, err := importRefs(info["x-accord-requirements"], "/info/x-accord-requirements")
	if err != nil {
		return Spec{}, err
	}
	spec.Requirements = reqs
	if servers, _ := im.root["servers"].([]any); len(servers) > 0 {
		spec.BasePath = im.basePath(servers)
	}
	if raw, ok := im.root["x-accord-error-codes"]; ok {
		if err := remarshal(raw, &spec.ErrorCodes); err != nil {
			return Spec{}, importErr("/x-accord-error-codes", "%v", err)
		}
	}
	spec.ErrorCodeField = text(im.root["x-accord-error-code-field"])
	if u := obj(im.root["x-accord-unknown-properties"]); u != nil {
		if r := Strictness(text(u["request"])); r != Reject {
			spec.UnknownProperties.Request = r
		}
		if r := Strictness(text(u["response"])); r != Allow {
			spec.UnknownProperties.Response = r
		}
	}
	for _, k := range []string{"tags", "externalDocs"} {
		if im.root[k] != nil {
			im.note("/"+k, "dropped", "%s is not part of an accord contract", k)
		}
	}
	comps := obj(im.root["components"])
	for _, k := range sortedKeys(comps) {
		if k != "schemas" && k != "parameters" && k != "responses" && k != "requestBodies" && k != "headers" && k != "callbacks" && k != "pathItems" && k != "securitySchemes" {
			im.note("/components/"+k, "dropped", "components.%s are not part of an accord contract", k)
		}
	}
	for _, name := range sortedKeys(obj(comps["securitySchemes"])) {
		raw, err := json.Marshal(obj(comps["securitySchemes"])[name])
		if err != nil || raw[0] != '{' {
			im.note("/components/securitySchemes/"+escapeToken(name), "dropped", "the security scheme %s is not an object", name)
			continue
		}
		if spec.SecuritySchemes == nil {
			spec.SecuritySchemes = map[string]json.RawMessage{}
		}
		spec.SecuritySchemes[name] = raw
	}
	if schemas := obj(comps["schemas"]); len(schemas) > 0 {
		spec.Schemas = map[string]json.RawMessage{}
		for _, name := range sortedKeys(schemas) {
			raw, err := im.schema(schemas[name], "/components/schemas/"+escapeToken(name))
			if err != nil {
				return Spec{}, err
			}
			spec.Schemas[name] = raw
		}
	}
	paths := obj(im.root["paths"])
	tagged := 0
	routes := map[string]string{} // method and path shape → the operation there
	for _, path := range sortedKeys(paths) {
		pp := "/paths/" + escapeToken(path)
		item, pp, ok, err := im.follow(paths[path], pp, "the operations of "+path+" are not imported")
		if err != nil {
			return Spec{}, err
		}
		if !ok {
			continue
		}
		im.unreadMethods(item, pp)
		for _, method := range httpMethods {
			raw, ok := item[method]
			if !ok {
				continue
			}
			op, err := im.operation(path, method, obj(raw), item["parameters"], pp)
			if err != nil {
				return Spec{}, err
			}
			// A problem local to one operation drops that operation, not
			// the import.
			var errs accord.FieldErrors
			op.validate(&errs, "")
			if len(errs) > 0 {
				var msgs []string
				for _, e := range errs {
					msgs = append(msgs, e.Field+": "+e.Message)
				}
				im.note(pp+"/"+method, "dropped", "the operation %s %s cannot be imported: %s", strings.ToUpper(method), path, strings.Join(msgs, "; "))
				continue
			}
			im.matchPathParameters(&op, pp+"/"+method)
			if other, taken := routes[routeKey(op)]; taken {
				im.note(pp+"/"+method, "dropped", "%s collides with %s: a request could match either, so this one is not imported", op.label(), other)
				continue
			}
			routes[routeKey(op)] = op.label()
			if obj(raw)["tags"] != nil {
				tagged++
			}
			spec.Operations = append(spec.Operations, op)
		}
	}
	if tagged > 0 {
		im.note("/paths", "dropped", "the tags of %d operation(s)", tagged)
	}
	hooks := obj(im.root["webhooks"])
	for _, name := range sortedKeys(hooks) {
		hs, err := im.hooks(name, "", hooks[name], "/webhooks/"+escapeToken(name))
		if err != nil {
			return Spec{}, err
		}
		spec.Webhooks = append(spec.Webhooks, hs...)
	}
	for _, name := range sortedKeys(im.extra) {
		raw, err := json.Marshal(im.extra[name])
		if err != nil {
			return Spec{}, importErr("", "%v", err)
		}
		if spec.Schemas == nil {
			spec.Schemas = map[string]json.RawMessage{}
		}
		spec.Schemas[name] = raw
	}
	return spec, nil
}

// basePath reads the base path from the servers: the path of the first
// server URL that gives one, with its variables at their defaults. Every
// legal form is read: absolute (https://api.example.com/v1/), relative
// (/v1, v1, ./v1), with variables ({scheme}://{host}/{version}). Where
// there are several servers, a note says which path was chosen.
func (im *importer) basePath(servers []any) string {
	chosen, from := "", -1
	paths := map[string]bool{}
	for i, s := range servers {
		server := obj(s)
		p, why := serverPath(text(server["url"]), obj(server["variables"]))
		if why != "" {
			im.note(fmt.Sprintf("/servers/%d/url", i), "approximated", "the server URL %q gives no base path: %s", text(server["url"]), why)
			continue
		}
		paths[p] = true
		if from < 0 {
			chosen, from = p, i
		}
	}
	if len(servers) > 1 && from >= 0 {
		shown := orDefault(chosen, "/")
		same := "the others give the same"
		if len(paths) > 1 {
			var others []string
			for _, p := range sortedKeys(paths) {
				if p != chosen {
					others = append(others, orDefault(p, "/"))
				}
			}
			same = fmt.Sprintf("traffic to the others' (%s) is outside the contract", strings.Join(others, ", "))
		}
		im.note("/servers", "approximated", "%d servers: the base path %s comes from servers[%d]; %s", len(servers), shown, from, same)
	}
	return chosen
}

// serverPath is the base path of one server URL, or why it has none.
func serverPath(raw string, vars map[string]any) (string, string) {
	for name, v := range vars {
		raw = strings.ReplaceAll(raw, "{"+name+"}", text(obj(v)["default"]))
	}
	// Cut the scheme and host by hand: a variable with no default may
	// stand in either, which url.Parse would refuse.
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "", ""
		}
		raw = rest[j:]
	} else if strings.HasPrefix(raw, "//") { // scheme-relative
		rest := raw[2:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "", ""
		}
		raw = rest[j:]
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if strings.ContainsAny(raw, "{}") {
		return "", "a variable in its path has no default"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err.Error()
	}
	// A relative URL is relative to where the document is served; read
	// it from the root, as most tools do.
	p := path.Clean("/" + u.EscapedPath())
	if p == "/" {
		return "", ""
	}
	return p, ""
}

// matchPathParameters makes an operation's path parameters agree with its
// path template, as Compile requires, noting each change: a {name} no
// parameter declares becomes a string parameter, and a path parameter
// the template does not have is dropped.
func (im *importer) matchPathParameters(op *Operation, ptr string) {
	segs, _ := parseTemplate(op.Path)
	inTemplate := map[string]bool{}
	for _, s := range segs {
		for _, name := range s.params() {
			inTemplate[name] = true
		}
	}
	declared := map[string]bool{}
	kept := op.Parameters[:0]
	for _, p := range op.Parameters {
		if p.In == InPath && !inTemplate[p.Name] {
			im.note(ptr, "dropped", "the path parameter %q is not in the path %s", p.Name, op.Path)
			continue
		}
		if p.In == InPath {
			declared[p.Name] = true
		}
		kept = append(kept, p)
	}
	op.Parameters = kept
	for _, s := range segs {
		for _, name := range s.params() {
			if !declared[name] {
				im.note(ptr, "approximated", "the path %s has {%s} but no parameter declares it: read as a string", op.Path, name)
				op.Parameters = append(op.Parameters, Parameter{Name: name, In: InPath, Schema: json.RawMessage(`{"type":"string"}`)})
				declared[name] = true
			}
		}
	}
}

// routeKey is what makes two operations collide: the method and the
// path with its parameters' names left out.
func routeKey(op Operation) string {
	segs, _ := parseTemplate(op.Path)
	var b strings.Builder
	b.WriteString(op.Method)
	b.WriteByte(' ')
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(s.shape())
	}
	return b.String()
}

func remarshal(in, out any) error {
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	return d.Decode(out)
}

func importRefs(v any, ptr string) ([]accord.Ref, error) {
	list, _ := v.([]any)
	var out []accord.Ref
	for i, x := range list {
		kind, id, ok := strings.Cut(text(x), "/")
		if !ok || kind == "" || id == "" {
			return nil, importErr(fmt.Sprintf("%s/%d", ptr, i), "%q is not a reference of the form kind/ID", text(x))
		}
		out = append(out, accord.Ref{Kind: kind, ID: id})
	}
	return out, nil
}

func (im *importer) operation(path, method string, o map[string]any, shared any, base string) (Operation, error) {
	ptr := base + "/" + method
	written := text(o["operationId"])
	op := Operation{ID: written, Method: strings.ToUpper(method), Path: path,
		Summary: text(o["summary"]), Description: text(o["description"]), Responses: map[string]Response{}}
	switch id := text(o["x-accord-id"]); {
	case id != "" && validComponentName(id) && written != "":
		// An accord export: the ID it had, and the operationId as first written.
		op.ID = id
		if written != id {
			op.DisplayName = written
		}
	case written == "":
		op.ID = method + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, path)
		im.note(ptr, "approximated", "no operationId: named %s", op.ID)
	case !validComponentName(written):
		op.ID, op.DisplayName = exampleKey(written), written
		if len(op.ID) > 200 {
			op.ID = op.ID[:200]
		}
		im.note(ptr+"/operationId", "approximated", "the operationId %q has characters accord does not allow in an ID: its ID is %s, and messages still call it %q", written, op.ID, written)
	}
	if im.ids[op.ID] {
		base := op.ID
		for n := 2; im.ids[op.ID]; n++ {
			op.ID = fmt.Sprintf("%s_%d", base, n)
		}
		if written != "" {
			op.DisplayName = written
		}
		im.note(ptr+"/operationId", "approximated", "the ID %s is already taken by another operation: this one's ID is %s", base, op.ID)
	}
	if im.ids == nil {
		im.ids = map[string]bool{}
	}
	im.ids[op.ID] = true
	op.Deprecated = o["deprecated"] == true
	op.Sunset, op.Stability = im.lifecycleText(o["x-sunset"], ptr+"/x-sunset"), im.lifecycleText(o["x-stability-level"], ptr+"/x-stability-level")
	// An operation's own security replaces the document's, even when it
	// is empty (security: [], no credentials).
	sec, sptr := o["security"], ptr+"/security"
	if _, own := o["security"]; !own {
		sec, sptr = im.root["security"], "/security"
	}
	op.Security = im.security(sec, sptr)
	for _, k := range []string{"servers", "externalDocs"} {
		if o[k] != nil {
			im.note(ptr+"/"+k, "dropped", "%s is not part of an accord contract", k)
		}
	}
	reqs, err := importRefs(o["x-accord-requirements"], ptr+"/x-accord-requirements")
	if err != nil {
		return Operation{}, err
	}
	op.Requirements = reqs
	callbacks := obj(o["callbacks"])
	for _, name := range sortedKeys(callbacks) {
		cb, cptr, ok, err := im.follow(callbacks[name], ptr+"/callbacks/"+escapeToken(name), "the callback is not compared")
		if err != nil {
			return Operation{}, err
		}
		if !ok {
			continue
		}
		for _, url := range sortedKeys(cb) {
			if strings.HasPrefix(url, "x-") {
				continue
			}
			hs, err := im.hooks(name, url, cb[url], cptr+"/"+escapeToken(url))
			if err != nil {
				return Operation{}, err
			}
			op.Callbacks = append(op.Callbacks, hs...)
		}
	}
	for i, c := range asList(o["x-accord-error-codes"]) {
		code := text(c)
		if code == "" {
			return Operation{}, importErr(fmt.Sprintf("%s/x-accord-error-codes/%d", ptr, i), "an error code must be a string")
		}
		op.ErrorCodes = append(op.ErrorCodes, code)
	}
	// Path-level parameters apply unless the operation redefines them.
	seen := map[string]bool{}
	for _, set := range []struct {
		list any
		ptr  string
	}{{o["parameters"], ptr + "/parameters"}, {shared, base + "/parameters"}} {
		for i, raw := range asList(set.list) {
			p, pptr, ok, err := im.follow(raw, fmt.Sprintf("%s/%d", set.ptr, i), "the parameter is not imported, so it is not checked")
			if err != nil {
				return Operation{}, err
			}
			if !ok {
				continue
			}
			key := text(p["in"]) + ":" + text(p["name"])
			if seen[key] {
				continue
			}
			seen[key] = true
			param, keep, err := im.parameter(p, pptr)
			if err != nil {
				return Operation{}, err
			}
			if keep {
				op.Parameters = append(op.Parameters, param)
			}
		}
	}
	if raw, ok := o["requestBody"]; ok {
		rb, rptr, ok, err := im.follow(raw, ptr+"/requestBody", "any request body is accepted")
		if err != nil {
			return Operation{}, err
		}
		if !ok {
			rb = map[string]any{"content": map[string]any{"*/*": map[string]any{}}}
		}
		content, err := im.content(rb["content"], rptr+"/content")
		if err != nil {
			return Operation{}, err
		}
		op.RequestBody = &RequestBody{Required: rb["required"] == true, Description: text(rb["description"]), Content: content}
	}
	responses := obj(o["responses"])
	if len(responses) == 0 { // OpenAPI 3.1 allows it; accord asks for one
		op.Responses["default"] = Response{}
		im.note(ptr+"/responses", "approximated", "no responses declared: imported with a default response that accepts any answer")
	}
	for _, status := range sortedKeys(responses) {
		r, rptr, ok, err := im.follow(responses[status], ptr+"/responses/"+escapeToken(status), "any "+status+" response is accepted")
		if err != nil {
			return Operation{}, err
		}
		if !ok {
			op.Responses[status] = Response{Content: map[string]MediaType{"*/*": {}}}
			continue
		}
		resp := Response{Description: text(r["description"])}
		if resp.Description == describeStatus(status) {
			resp.Description = "" // what export writes when there is none
		}
		if r["links"] != nil {
			im.note(rptr+"/links", "dropped", "links are not part of an accord contract")
		}
		headers := obj(r["headers"])
		for _, name := range sortedKeys(headers) {
			h, hptr, ok, err := im.follow(headers[name], rptr+"/headers/"+escapeToken(name), "the header is not checked")
			if err != nil {
				return Operation{}, err
			}
			if !ok {
				continue
			}
			schema, err := im.schema(h["schema"], hptr+"/schema")
			if err != nil {
				return Operation{}, err
			}
			resp.Headers = append(resp.Headers, Header{Name: name, Required: h["required"] == true, Description: text(h["description"]), Schema: emptyToNil(schema)})
		}
		if resp.Content, err = im.content(r["content"], rptr+"/content"); err != nil {
			return Operation{}, err
		}
		if len(resp.Content) == 0 {
			resp.Content = nil
		}
		op.Responses[status] = resp
	}
	return op, nil
}

// unreadMethods notes the operations of OpenAPI 3.2 a path item may hold
// that accord does not read: QUERY and additionalOperations.
func (im *importer) unreadMethods(item map[string]any, ptr string) {
	for _, k := range []string{"query", "additionalOperations"} {
		if item[k] != nil {
			im.note(ptr+"/"+k, "dropped", "%s: accord contracts hold the methods GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH and TRACE", k)
		}
	}
}

// security reads a list of security requirements. One that is not a list
// of objects of lists of scopes is dropped with a note.
func (im *importer) security(v any, ptr string) []SecurityRequirement {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		im.note(ptr, "dropped", "security is not a list of requirements")
		return nil
	}
	out := make([]SecurityRequirement, 0, len(list))
	for i, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			im.note(fmt.Sprintf("%s/%d", ptr, i), "dropped", "a security requirement is not an object")
			continue
		}
		req := SecurityRequirement{}
		for _, name := range sortedKeys(m) {
			scopes := []string{}
			for _, sc := range asList(m[name]) {
				scopes = append(scopes, scalarText(sc))
			}
			req[name] = scopes
		}
		out = append(out, req)
	}
	return out
}

// hooks imports the path item of a webhook (url empty) or a callback: one
// Hook per method. An operation that cannot be imported is dropped with a
// note, as on a path.
func (im *importer) hooks(name, url string, raw any, ptr string) ([]Hook, error) {
	item, ptr, ok, err := im.follow(raw, ptr, "it is not compared")
	if err != nil || !ok {
		return nil, err
	}
	im.unreadMethods(item, ptr)
	var out []Hook
	for _, method := range httpMethods {
		raw, ok := item[method]
		if !ok {
			continue
		}
		op, err := im.operation(name, method, obj(raw), item["parameters"], ptr)
		if err != nil {
			return nil, err
		}
		op.Path = ""
		h := Hook{Name: name, URL: url, Operation: op}
		var errs accord.FieldErrors
		validateHooks(&errs, "", []Hook{h})
		if len(errs) > 0 {
			im.note(ptr+"/"+method, "dropped", "%s %s cannot be imported: %s: %s", strings.ToUpper(method), name, errs[0].Field, errs[0].Message)
			continue
		}
		out = append(out, h)
	}
	return out, nil
}

// lifecycleText reads x-sunset or x-stability-level as written: a value
// that is not text (x-stability-level: 1) is kept as its text, so that
// Compare and Lint can say it cannot be read.
func (im *importer) lifecycleText(v any, ptr string) string {
	switch v.(type) {
	case nil:
		return ""
	case map[string]any, []any:
		im.note(ptr, "approximated", "%s is not a single value: kept as its JSON", ptr[strings.LastIndexByte(ptr, '/')+1:])
		raw, _ := json.Marshal(v)
		return string(raw)
	}
	return scalarText(v)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func emptyToNil(raw json.RawMessage) json.RawMessage {
	if string(raw) == "{}" {
		return nil
	}
	return raw
}

func (im *importer) parameter(p map[string]any, ptr string) (Parameter, bool, error) {
	param := Parameter{Name: text(p["name"]), In: text(p["in"]), Required: p["required"] == true, Description: text(p["description"])}
	if param.Name == "" {
		return Parameter{}, false, importErr(ptr+"/name", "required")
	}
	switch param.In {
	case InPath, InQuery, InHeader:
	case "cookie":
		im.note(ptr, "dropped", "the cookie parameter %q: accord contracts do not check cookies", param.Name)
		return Parameter{}, false, nil
	case "querystring": // OpenAPI 3.2: the whole query string as one value
		im.note(ptr, "dropped", "the querystring parameter %q: accord checks query parameters one by one", param.Name)
		return Parameter{}, false, nil
	default:
		return Parameter{}, false, importErr(ptr+"/in", "%q is not one of path, query, header, cookie", param.In)
	}
	if param.In == InPath {
		param.Required = false // implied; Spec leaves it unset
	}
	raw := p["schema"]
	if content := obj(p["content"]); content != nil {
		if raw != nil {
			im.note(ptr, "approximated", "the parameter %q has both schema and content, which OpenAPI forbids: the schema was used", param.Name)
		} else {
			mts := sortedKeys(content)
			raw = obj(content[mts[0]])["schema"]
			im.note(ptr+"/content", "approximated", "the parameter %q is serialized as %s: only its schema was kept", param.Name, mts[0])
		}
	}
	param.Style = text(p["style"])
	if explode, ok := p["explode"].(bool); ok {
		param.Explode = &explode
	}
	var styleErrs accord.FieldErrors
	param.validateStyle("style", &styleErrs)
	if len(styleErrs) > 0 {
		im.note(ptr+"/style", "approximated", "the parameter %q: %s; accord checks the default serialization", param.Name, styleErrs[0].Message)
		param.Style, param.Explode = "", nil
	}
	param.Deprecated = p["deprecated"] == true
	param.Sunset = im.lifecycleText(p["x-sunset"], ptr+"/x-sunset")
	for _, k := range []string{"example", "examples", "allowEmptyValue", "allowReserved"} {
		if p[k] != nil {
			im.note(ptr+"/"+k, "dropped", "%s of the parameter %q", k, param.Name)
		}
	}
	schema, err := im.schema(raw, ptr+"/schema")
	if err != nil {
		return Parameter{}, false, err
	}
	param.Schema = emptyToNil(schema)
	if param.Style == StyleDeepObject {
		// deepObject is defined for objects only; Stripe writes arrays
		// with it (expand[]=a), a form accord does not read.
		if types := typesOf(decodeSchema(param.Schema)); len(types) > 0 && !slices.Contains(types, "object") {
			im.note(ptr+"/style", "approximated", "the parameter %q is a %s written as deepObject, which OpenAPI defines for objects only: accord checks the default serialization", param.Name, strings.Join(types, " or "))
			param.Style, param.Explode = "", nil
		}
	}
	return param, true, nil
}

func (im *importer) content(v any, ptr string) (map[string]MediaType, error) {
	content := obj(v)
	out := make(map[string]MediaType, len(content))
	for _, mt := range sortedKeys(content) {
		m := obj(content[mt])
		mptr := ptr + "/" + escapeToken(mt)
		for _, k := range []string{"example", "examples", "encoding"} {
			if m[k] != nil {
				im.note(mptr+"/"+k, "dropped", "%s of %s", k, mt)
			}
		}
		var media MediaType
		for _, f := range []struct {
			key string
			to  *json.RawMessage
		}{{"schema", &media.Schema}, {"itemSchema", &media.ItemSchema}} {
			if m[f.key] != nil {
				raw, err := im.schema(m[f.key], mptr+"/"+f.key)
				if err != nil {
					return nil, err
				}
				*f.to = raw
			}
		}
		out[mt] = media
	}
	return out, nil
}

// schema converts an OpenAPI schema to JSON Schema 2020-12 and encodes it.
func (im *importer) schema(v any, ptr string) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage(`{}`), nil
	}
	conv, err := im.convert(v, ptr)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(conv)
	if err != nil {
		return nil, importErr(ptr, "%v", err)
	}
	return raw, nil
}

// schemaChildren are the keywords whose values hold schemas: one, a list,
// or a map of them.
var (
	schemaOne  = []string{"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema"}
	schemaList = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	schemaMap  = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"}
)

func (im *importer) convert(v any, ptr string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return v, nil // true or false
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = x
	}
	if ref, ok := out["$ref"].(string); ok {
		to, err := im.schemaRef(ref, ptr)
		var re *refError
		switch {
		case errors.As(err, &re) && re.at == ptr:
			if err := im.unresolved(ptr, ref, re.err, "imported without it, so this schema checks only its other keywords"); err != nil {
				return nil, err
			}
			delete(out, "$ref")
		case err != nil:
			return nil, err
		default:
			out["$ref"] = to
		}
	}
	// ECMA-262 patterns that Go's regexp cannot read (lookaround,
	// backreferences) would keep the whole contract from compiling.
	if p, ok := out["pattern"].(string); ok {
		if _, err := regexp.Compile(p); err != nil {
			im.note(ptr+"/pattern", "approximated", "the pattern %q is not checked: it uses what Go's regular expressions do not read (lookaround or backreferences)", p)
			delete(out, "pattern")
		}
	}
	if pp, ok := out["patternProperties"].(map[string]any); ok {
		kept := make(map[string]any, len(pp))
		for p, sub := range pp {
			if _, err := regexp.Compile(p); err != nil {
				im.note(ptr+"/patternProperties/"+escapeToken(p), "approximated", "the properties matching %q are not checked: Go's regular expressions do not read the pattern", p)
				continue
			}
			kept[p] = sub
		}
		out["patternProperties"] = kept
	}
	for _, k := range []string{"discriminator", "xml", "externalDocs"} {
		if out[k] != nil {
			im.note(ptr+"/"+k, "dropped", "%s is not checked by accord", k)
			delete(out, k)
		}
	}
	if ex, ok := out["example"]; ok {
		if _, has := out["examples"]; !has {
			out["examples"] = []any{ex}
		}
		delete(out, "example")
	}
	if im.v30 {
		if out["nullable"] == true {
			switch t := out["type"].(type) {
			case string:
				out["type"] = []any{t, "null"}
			case nil:
			default:
				im.note(ptr+"/nullable", "approximated", "nullable with a list of types")
			}
			if e, ok := out["enum"].([]any); ok && !slices.Contains(e, nil) {
				out["enum"] = append(slices.Clone(e), nil)
			}
		}
		delete(out, "nullable")
	}
	// Boolean exclusive bounds are OpenAPI 3.0's; 3.1 documents written
	// from 3.0 ones keep them too, where 2020-12 wants a number.
	for _, pair := range [][2]string{{"exclusiveMaximum", "maximum"}, {"exclusiveMinimum", "minimum"}} {
		if b, ok := out[pair[0]].(bool); ok {
			if !im.v30 {
				im.note(ptr+"/"+pair[0], "approximated", "a boolean %s, as OpenAPI 3.0 writes it, read as 3.0", pair[0])
			}
			delete(out, pair[0])
			if b && out[pair[1]] != nil {
				out[pair[0]] = out[pair[1]]
				delete(out, pair[1])
			}
		}
	}
	for _, k := range schemaOne {
		if x, ok := out[k].([]any); ok { // draft 4's items: [a, b], read for its $refs
			for i, item := range x {
				c, err := im.convert(item, fmt.Sprintf("%s/%s/%d", ptr, k, i))
				if err != nil {
					return nil, err
				}
				x[i] = c
			}
			continue
		}
		if x, ok := out[k]; ok {
			c, err := im.convert(x, ptr+"/"+k)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
	}
	for _, k := range schemaList {
		list, _ := out[k].([]any)
		for i, x := range list {
			c, err := im.convert(x, fmt.Sprintf("%s/%s/%d", ptr, k, i))
			if err != nil {
				return nil, err
			}
			list[i] = c
		}
	}
	for _, k := range schemaMap {
		children, _ := out[k].(map[string]any)
		conv := make(map[string]any, len(children))
		for name, x := range children {
			c, err := im.convert(x, ptr+"/"+k+"/"+escapeToken(name))
			if err != nil {
				return nil, err
			}
			conv[name] = c
		}
		if children != nil {
			out[k] = conv
		}
	}
	return out, nil
}
