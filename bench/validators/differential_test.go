package validators_test

// The differential harness: every real-world document in accord's
// testdata, valid and broken exchanges generated for each operation from
// its schemas, checked by accord, kin-openapi and libopenapi-validator;
// every disagreement is matched against the causes judged by hand in
// DIFFERENTIAL.md (judged below, in causes).
//
//	cd bench/validators && go test -run Differential -v -timeout 30m

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"go.yaml.in/yaml/v3"

	"github.com/accordhq/accord/contract"
)

const testdata = "../../contract/testdata"

// maxOperations bounds the operations checked per document: the large
// ones are sampled evenly, in path order.
const maxOperations = 40

var peers = []string{"kin-openapi", "libopenapi-validator"}

// peerBudget bounds the time one peer spends on one document's cases:
// libopenapi-validator takes over a second a case on GitHub's.
const peerBudget = 30 * time.Second

// exchange is one generated case: a request, and for response cases the
// response to it.
type exchange struct {
	op       string // METHOD path
	name     string // valid, or the mutation and where
	kind     string // valid, wrong-type, missing-required, out-of-range, bad-enum, extra-property
	response bool
	method   string
	target   string
	header   http.Header
	body     []byte
	status   int
	rheader  http.Header
	rbody    []byte
}

func (x exchange) request() *http.Request {
	r := httptest.NewRequest(x.method, "http://example.com"+x.target, bytes.NewReader(x.body))
	for k, v := range x.header {
		r.Header[k] = v
	}
	return r
}

// verdict is one validator's answer: nil accepts.
type verdict struct {
	err     error
	skipped string // why the validator could not answer
}

type disagreement struct {
	doc, peer string
	x         exchange
	accord    verdict
	other     verdict
}

// docReport is one row of the table.
type docReport struct {
	name                 string
	operations, sampled  int
	skipped              map[string]int // operations, by reason
	cases                int
	skippedCases         map[string]int
	disagreements        map[string]int // by peer
	peerUnavailable      map[string]string
	accordRefusesValid   int
	accordAcceptsInvalid int
}

// TestDifferential runs the harness and prints its table.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("the differential harness takes minutes")
	}
	var files []string
	for _, dir := range []string{"oas-examples/2.0", "oas-examples/3.0", "oas-examples/3.1", "realworld"} {
		m, _ := filepath.Glob(filepath.Join(testdata, dir, "*"))
		for _, f := range m {
			if strings.HasSuffix(f, ".json") || strings.HasSuffix(f, ".yaml") || strings.HasSuffix(f, ".gz") {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		t.Fatalf("no documents under %s", testdata)
	}
	var reports []docReport
	var all []disagreement
	for _, f := range files {
		rep, ds := runDocument(t, f)
		reports = append(reports, rep)
		all = append(all, ds...)
	}
	t.Log("\n" + table(reports, all))
	unjudged := 0
	for _, d := range all {
		if judge(d) == nil {
			unjudged++
			if unjudged <= 40 {
				t.Logf("unjudged: %s %s %s [%s]\n  accord: %v\n  %s: %v", d.doc, d.x.op, d.x.name, d.x.kind, short(d.accord.err), d.peer, short(d.other.err))
			}
		}
	}
	if unjudged > 0 {
		t.Errorf("%d disagreement(s) match no judged cause", unjudged)
	}
}

func short(err error) string {
	if err == nil {
		return "accepts"
	}
	s := strings.ReplaceAll(err.Error(), "\n", " | ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return "refuses: " + s
}

func readDocument(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil || !strings.HasSuffix(path, ".gz") {
		return raw, err
	}
	z, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

// decode reads JSON or YAML into plain values. The Stripe 2020 document
// repeats one key, which yaml.v3 refuses (as contract's realworld test
// does, the first copy is dropped).
func decode(raw []byte) (map[string]any, error) {
	raw = bytes.Replace(raw, []byte("    refund:\n      description: |-\n      description: |-"), []byte("    refund:\n      description: |-"), 1)
	var v map[string]any
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// peerDocs turns a document into the OpenAPI 3 JSON the peers read
// (Swagger 2.0 through kin-openapi's openapi2conv), with the one server
// accord uses (its base path) and without cookie parameters, which accord
// does not check.
func peerDoc(raw []byte, doc map[string]any, basePath string) (map[string]any, error) {
	if doc["swagger"] != nil {
		var d2 openapi2.T
		js, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(js, &d2); err != nil {
			return nil, err
		}
		d3, err := openapi2conv.ToV3(&d2)
		if err != nil {
			return nil, err
		}
		js, err = json.Marshal(d3)
		if err != nil {
			return nil, err
		}
		doc = nil
		if err := json.Unmarshal(js, &doc); err != nil {
			return nil, err
		}
	} else {
		js, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		doc = nil
		if err := json.Unmarshal(js, &doc); err != nil {
			return nil, err
		}
	}
	if basePath == "" {
		basePath = "/"
	}
	doc["servers"] = []any{map[string]any{"url": basePath}}
	dropCookies := func(v any) any {
		l, _ := v.([]any)
		out := []any{}
		for _, p := range l {
			if m, ok := p.(map[string]any); ok && m["in"] == "cookie" {
				continue
			}
			out = append(out, p)
		}
		return out
	}
	for _, item := range asMap(doc["paths"]) {
		item := asMap(item)
		delete(item, "servers") // accord reads the document's first server only
		if item["parameters"] != nil {
			item["parameters"] = dropCookies(item["parameters"])
		}
		for _, m := range methodNames {
			if op := asMap(item[m]); op != nil {
				delete(op, "servers")
				if op["parameters"] != nil {
					op["parameters"] = dropCookies(op["parameters"])
				}
			}
		}
	}
	return doc, nil
}

var methodNames = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

type checkers struct {
	accord func(x exchange) verdict
	peer   map[string]func(x exchange) verdict
}

// guarded turns a panic into a skipped verdict.
func guarded(fn func(exchange) error) func(exchange) verdict {
	return func(x exchange) (v verdict) {
		defer func() {
			if p := recover(); p != nil {
				v = verdict{skipped: "panicked"}
			}
		}()
		return verdict{err: fn(x)}
	}
}

func newCheckers(spec contract.Spec, v *contract.Validator, peerJSON []byte, rep *docReport) checkers {
	c := checkers{peer: map[string]func(exchange) verdict{}}
	c.accord = guarded(func(x exchange) error {
		r := x.request()
		var res contract.Result
		if x.response {
			res = v.ValidateResponse(r, x.status, x.rheader, x.rbody)
		} else {
			res = v.ValidateRequest(r, x.body)
		}
		if !res.OK() {
			return errors.New(res.String())
		}
		return nil
	})
	// kin-openapi
	func() {
		defer func() {
			if p := recover(); p != nil {
				rep.peerUnavailable["kin-openapi"] = fmt.Sprintf("panicked loading: %v", p)
			}
		}()
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(peerJSON)
		if err != nil {
			rep.peerUnavailable["kin-openapi"] = "does not load: " + firstLine(err)
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			rep.peerUnavailable["kin-openapi"] = "no router: " + firstLine(err)
			return
		}
		options := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
		ctx := context.Background()
		input := func(x exchange) (*openapi3filter.RequestValidationInput, error) {
			r := x.request()
			var route *routers.Route
			route, params, err := router.FindRoute(r)
			if err != nil {
				return nil, err
			}
			return &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: options}, nil
		}
		c.peer["kin-openapi"] = guarded(func(x exchange) error {
			in, err := input(x)
			if err != nil {
				return err
			}
			if !x.response {
				return openapi3filter.ValidateRequest(ctx, in)
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.status, Header: x.rheader, Options: options}
			return openapi3filter.ValidateResponse(ctx, out.SetBodyBytes(x.rbody))
		})
	}()
	// libopenapi-validator
	func() {
		defer func() {
			if p := recover(); p != nil {
				rep.peerUnavailable["libopenapi-validator"] = fmt.Sprintf("panicked loading: %v", p)
			}
		}()
		doc, err := libopenapi.NewDocument(peerJSON)
		if err != nil {
			rep.peerUnavailable["libopenapi-validator"] = "does not load: " + firstLine(err)
			return
		}
		lv, errs := validator.NewValidator(doc, config.WithoutSecurityValidation())
		if len(errs) > 0 {
			rep.peerUnavailable["libopenapi-validator"] = "does not build: " + firstLine(errs[0])
			return
		}
		c.peer["libopenapi-validator"] = guarded(func(x exchange) error {
			r := x.request()
			if !x.response {
				if ok, errs := lv.ValidateHttpRequest(r); !ok {
					return failed(errs)
				}
				return nil
			}
			resp := &http.Response{StatusCode: x.status, Header: x.rheader, Request: r, Body: io.NopCloser(bytes.NewReader(x.rbody))}
			if ok, errs := lv.ValidateHttpResponse(r, resp); !ok {
				return failed(errs)
			}
			return nil
		})
	}()
	return c
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

func runDocument(t *testing.T, path string) (docReport, []disagreement) {
	name := strings.TrimPrefix(path, testdata+"/")
	rep := docReport{name: name, skipped: map[string]int{}, skippedCases: map[string]int{}, disagreements: map[string]int{}, peerUnavailable: map[string]string{}}
	start := time.Now()
	defer func() {
		t.Logf("%s: %d operations, %d cases, %s", name, rep.sampled, rep.cases, time.Since(start).Round(time.Millisecond))
	}()
	raw, err := readDocument(path)
	if err != nil {
		rep.skipped["unreadable: "+firstLine(err)]++
		return rep, nil
	}
	doc, err := decode(raw)
	if err != nil {
		rep.skipped["not decoded: "+firstLine(err)]++
		return rep, nil
	}
	spec, _, err := contract.ImportOpenAPI(raw)
	if err != nil {
		rep.skipped["accord does not import it: "+firstLine(err)]++
		return rep, nil
	}
	v, err := contract.Compile(spec)
	switch {
	case err != nil:
		rep.skipped["accord does not compile it: "+firstLine(err)]++
		return rep, nil
	case v == nil:
		rep.skipped["accord's Compile returned no validator"]++
		return rep, nil
	}
	pdoc, err := peerDoc(raw, doc, spec.BasePath)
	if err != nil {
		rep.skipped["not converted for the peers: "+firstLine(err)]++
		return rep, nil
	}
	type opRef struct{ path, method string }
	var ops, sample []opRef
	for _, p := range sortedMapKeys(asMap(pdoc["paths"])) {
		for _, m := range methodNames {
			if asMap(asMap(pdoc["paths"])[p])[m] != nil {
				ops = append(ops, opRef{p, m})
			}
		}
	}
	rep.operations = len(ops)
	step := 1
	if len(ops) > maxOperations {
		step = (len(ops) + maxOperations - 1) / maxOperations
	}
	for i := 0; i < len(ops); i += step {
		sample = append(sample, ops[i])
	}
	// The peers read the sampled operations only: libopenapi-validator
	// compiles every schema of every operation up front, minutes for
	// GitHub's 1,223.
	trimmed := map[string]any{}
	for k, val := range pdoc {
		trimmed[k] = val
	}
	paths := map[string]any{}
	for _, o := range sample {
		item := asMap(asMap(pdoc["paths"])[o.path])
		kept := asMap(paths[o.path])
		if kept == nil {
			kept = map[string]any{}
			for k, val := range item {
				if !slices.Contains(methodNames, k) {
					kept[k] = val
				}
			}
			paths[o.path] = kept
		}
		kept[o.method] = item[o.method]
	}
	trimmed["paths"] = paths
	peerJSON, err := json.Marshal(trimmed)
	if err != nil {
		rep.skipped["not converted for the peers: "+firstLine(err)]++
		return rep, nil
	}
	c := newCheckers(spec, v, peerJSON, &rep)
	g := &generator{root: pdoc}

	var out []disagreement
	spent := map[string]time.Duration{}
	for _, o := range sample {
		rep.sampled++
		xs, skip := g.operation(spec.BasePath, o.path, o.method)
		if skip != "" {
			rep.skipped[skip]++
			continue
		}
		// An operation accord dropped at import, or routes elsewhere, is
		// skipped with the import's reason.
		if _, _, err := v.Match(xs[0].request()); err != nil {
			rep.skipped["accord has no route for it (dropped at import)"]++
			continue
		}
		for _, x := range xs {
			if x.name == "" {
				continue
			}
			rep.cases++
			a := c.accord(x)
			if a.skipped != "" {
				rep.skippedCases["accord "+a.skipped]++
				continue
			}
			if x.kind == "valid" && a.err != nil {
				rep.accordRefusesValid++
				if os.Getenv("DIFF_DEBUG") != "" {
					t.Logf("DEBUG %s %s %s: %s", name, x.op, x.name, short(a.err))
				}
			}
			if x.kind != "valid" && a.err == nil {
				rep.accordAcceptsInvalid++
			}
			for _, peer := range peers {
				check := c.peer[peer]
				if check == nil {
					continue
				}
				if spent[peer] > peerBudget {
					rep.skippedCases[peer+" over its time budget"]++
					continue
				}
				began := time.Now()
				p := check(x)
				spent[peer] += time.Since(began)
				if p.skipped != "" {
					rep.skippedCases[peer+" "+p.skipped]++
					continue
				}
				if (a.err == nil) != (p.err == nil) {
					rep.disagreements[peer]++
					out = append(out, disagreement{doc: name, peer: peer, x: x, accord: a, other: p})
				}
			}
		}
	}
	return rep, out
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// generator makes values from an OpenAPI 3 document's schemas.
type generator struct {
	root     map[string]any
	response bool // making a response: readOnly properties are sent
}

func (g *generator) deref(v any) map[string]any {
	m := asMap(v)
	for range 32 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		m = asMap(g.pointer(ref))
	}
	return m
}

func (g *generator) pointer(ref string) any {
	frag, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = g.root
	for _, tok := range strings.Split(frag, "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		cur = asMap(cur)[tok]
	}
	return cur
}

// flat merges a schema with its allOf members and its first oneOf or
// anyOf alternative: what a generated value must satisfy.
func (g *generator) flat(v any, depth int) map[string]any {
	s := g.deref(v)
	if s == nil || depth > 8 {
		return s
	}
	out := map[string]any{}
	for k, val := range s {
		out[k] = val
	}
	var parts []any
	parts = append(parts, asList(s["allOf"])...)
	for _, k := range []string{"oneOf", "anyOf"} {
		if l := asList(s[k]); len(l) > 0 {
			parts = append(parts, l[0])
		}
	}
	delete(out, "allOf")
	delete(out, "oneOf")
	delete(out, "anyOf")
	for _, p := range parts {
		m := g.flat(p, depth+1)
		for k, val := range m {
			switch k {
			case "properties":
				props := map[string]any{}
				for pk, pv := range asMap(out["properties"]) {
					props[pk] = pv
				}
				for pk, pv := range asMap(val) {
					props[pk] = pv
				}
				out["properties"] = props
			case "required":
				out["required"] = append(append([]any{}, asList(out["required"])...), asList(val)...)
			default:
				if _, set := out[k]; !set {
					out[k] = val
				}
			}
		}
	}
	return out
}

func asList(v any) []any { l, _ := v.([]any); return l }

func typeOf(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if x != "null" {
				return fmt.Sprint(x)
			}
		}
		return "null"
	}
	switch {
	case s["properties"] != nil || s["additionalProperties"] != nil || s["required"] != nil:
		return "object"
	case s["items"] != nil:
		return "array"
	}
	return ""
}

var errUnsatisfiable = errors.New("unsatisfiable")

// value makes a valid value for the schema: required properties only,
// one item per array, bounds and formats respected.
func (g *generator) value(v any, depth int) (any, error) {
	s := g.flat(v, 0)
	if s == nil {
		return "x", nil
	}
	if depth > 12 {
		return nil, errUnsatisfiable
	}
	if c, ok := s["const"]; ok {
		return c, nil
	}
	if e := asList(s["enum"]); len(e) > 0 {
		for _, x := range e {
			if x != nil {
				return x, nil
			}
		}
		return e[0], nil
	}
	switch typeOf(s) {
	case "object":
		obj := map[string]any{}
		props := asMap(s["properties"])
		for _, r := range asList(s["required"]) {
			name := fmt.Sprint(r)
			ps, ok := props[name]
			if !ok {
				ps = s["additionalProperties"]
				if _, isMap := ps.(map[string]any); !isMap {
					ps = map[string]any{"type": "string"}
				}
			}
			if g.deref(ps)["readOnly"] == true && !g.response {
				continue
			}
			val, err := g.value(ps, depth+1)
			if err != nil {
				return nil, err
			}
			obj[name] = val
		}
		if n, ok := num(s["minProperties"]); ok {
			for _, name := range sortedMapKeys(props) {
				if float64(len(obj)) >= n {
					break
				}
				if _, set := obj[name]; !set {
					val, err := g.value(props[name], depth+1)
					if err != nil {
						return nil, err
					}
					obj[name] = val
				}
			}
		}
		return obj, nil
	case "array":
		n := 1.0
		if m, ok := num(s["minItems"]); ok && m > n {
			n = m
		}
		if m, ok := num(s["maxItems"]); ok && m < n {
			n = m
		}
		arr := []any{}
		for i := 0; i < int(n) && i < 3; i++ {
			val, err := g.value(s["items"], depth+1)
			if err != nil {
				return nil, err
			}
			if s["uniqueItems"] == true && i > 0 {
				break
			}
			arr = append(arr, val)
		}
		return arr, nil
	case "integer", "number":
		return number(s, typeOf(s) == "integer")
	case "boolean":
		return true, nil
	case "null":
		return nil, nil
	default:
		return str(s)
	}
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

func number(s map[string]any, integer bool) (any, error) {
	v := 1.0
	if m, ok := num(s["minimum"]); ok {
		v = math.Ceil(m)
		if s["exclusiveMinimum"] == true {
			v = math.Floor(m) + 1
		}
	}
	if m, ok := num(s["exclusiveMinimum"]); ok {
		v = math.Floor(m) + 1
	}
	if m, ok := num(s["maximum"]); ok && v > m {
		v = math.Floor(m)
		if s["exclusiveMaximum"] == true {
			v = math.Ceil(m) - 1
		}
	}
	if m, ok := num(s["exclusiveMaximum"]); ok && v >= m {
		v = math.Ceil(m) - 1
	}
	if m, ok := num(s["multipleOf"]); ok && m > 0 {
		v = math.Ceil(v/m) * m
	}
	if integer || v == math.Trunc(v) {
		return int64(v), nil
	}
	return v, nil
}

var formatValues = map[string]string{
	"date-time": "2024-01-02T03:04:05Z", "date": "2024-01-02", "time": "03:04:05Z", "email": "li.lei@example.com",
	"uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "uri": "https://example.com/x", "url": "https://example.com/x",
	"hostname": "example.com", "ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "byte": "aGVsbG8=", "duration": "P1D",
	"uri-reference": "/x", "int32": "1", "int64": "1", "password": "secret", "binary": "x",
}

func str(s map[string]any) (any, error) {
	format, _ := s["format"].(string)
	candidates := []string{"x"}
	if f, ok := formatValues[format]; ok {
		candidates = []string{f}
	}
	if p, ok := s["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, errUnsatisfiable
		}
		candidates = append(candidates, "a", "A", "1", "abc", "ABC", "a1", "x-y", "2024-01-02", "en", "US", "#ffffff", "1.0.0", "+10000000000", "a@b.co", "abc123", "123456")
		candidates = slices.DeleteFunc(candidates, func(c string) bool { return !re.MatchString(c) })
		if len(candidates) == 0 {
			return nil, errUnsatisfiable
		}
	}
	c := candidates[0]
	if n, ok := num(s["minLength"]); ok && float64(len(c)) < n {
		if s["pattern"] != nil || format != "" {
			return nil, errUnsatisfiable
		}
		c += strings.Repeat("x", int(n)-len(c))
	}
	if n, ok := num(s["maxLength"]); ok && float64(len(c)) > n {
		if s["pattern"] != nil || format != "" {
			return nil, errUnsatisfiable
		}
		c = c[:int(n)]
	}
	return c, nil
}

// wire writes a parameter value as it goes on the wire (simple and form
// styles: arrays comma-joined).
func wire(v any) (string, bool) {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, ok := wire(e)
			if !ok {
				return "", false
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), true
	case map[string]any:
		return "", false
	case nil:
		return "", true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return fmt.Sprint(v), true
}

type paramSpec struct {
	name, in string
	required bool
	schema   map[string]any
	raw      any
	explode  bool
}

// operation makes the cases of one operation. The first is the valid
// request, which the others are mutations of.
func (g *generator) operation(base, path, method string) ([]exchange, string) {
	item := asMap(asMap(g.root["paths"])[path])
	o := asMap(item[method])
	opName := strings.ToUpper(method) + " " + path
	var params []paramSpec
	seen := map[string]bool{}
	for _, list := range []any{o["parameters"], item["parameters"]} {
		for _, p := range asList(list) {
			pm := g.deref(p)
			in, _ := pm["in"].(string)
			name, _ := pm["name"].(string)
			if seen[in+":"+name] || in == "cookie" {
				continue
			}
			seen[in+":"+name] = true
			raw := pm["schema"]
			if raw == nil {
				for _, mt := range asMap(pm["content"]) {
					raw = asMap(mt)["schema"]
				}
			}
			style, _ := pm["style"].(string)
			if style != "" && style != "form" && style != "simple" {
				if pm["required"] == true || in == "path" {
					return nil, "a required parameter in " + style + " style"
				}
				continue
			}
			explode := style == "" && in == "query" || style == "form"
			if e, ok := pm["explode"].(bool); ok {
				explode = e
			}
			params = append(params, paramSpec{name: name, in: in, required: pm["required"] == true || in == "path", schema: g.flat(raw, 0), raw: raw, explode: explode})
		}
	}
	valid := exchange{op: opName, name: "valid request", kind: "valid", method: strings.ToUpper(method), header: http.Header{}}
	values := map[string]string{}
	query := func(x *exchange, skip string, override map[string]string) {
		target := strings.TrimSuffix(base, "/") + path
		q := []string{}
		for _, p := range params {
			val, set := values[p.in+":"+p.name]
			if o, ok := override[p.in+":"+p.name]; ok {
				val, set = o, true
			}
			if !set || skip == p.in+":"+p.name {
				continue
			}
			switch p.in {
			case "path":
				target = strings.ReplaceAll(target, "{"+p.name+"}", escapePath(val))
			case "query":
				if p.explode && strings.Contains(val, ",") && typeOf(p.schema) == "array" {
					for _, part := range strings.Split(val, ",") {
						q = append(q, queryEscape(p.name)+"="+queryEscape(part))
					}
				} else {
					q = append(q, queryEscape(p.name)+"="+queryEscape(val))
				}
			case "header":
				x.header.Set(p.name, val)
			}
		}
		if len(q) > 0 {
			target += "?" + strings.Join(q, "&")
		}
		x.target = target
	}
	for _, p := range params {
		if !p.required {
			continue
		}
		val, err := g.value(p.raw, 0)
		if err != nil {
			return nil, "a required parameter the generator cannot satisfy"
		}
		w, ok := wire(val)
		if !ok {
			return nil, "a required object parameter"
		}
		values[p.in+":"+p.name] = w
	}
	// The request body: the first JSON media type with a schema.
	var bodySchema any
	rb := g.deref(o["requestBody"])
	for _, mt := range sortedMapKeys(asMap(rb["content"])) {
		if isJSONType(mt) && asMap(asMap(rb["content"])[mt])["schema"] != nil {
			bodySchema = asMap(asMap(rb["content"])[mt])["schema"]
			valid.header.Set("Content-Type", mt)
			break
		}
	}
	if bodySchema == nil && rb != nil && rb["required"] == true {
		return nil, "a required request body that is not JSON"
	}
	var body any
	if bodySchema != nil {
		var err error
		if body, err = g.value(bodySchema, 0); err != nil {
			return nil, "a request body the generator cannot satisfy"
		}
		valid.body, _ = json.Marshal(body)
	}
	query(&valid, "", nil)
	xs := []exchange{valid}
	clone := func(name, kind string) exchange {
		x := valid
		x.name, x.kind = name, kind
		x.header = valid.header.Clone()
		return x
	}
	// Parameter mutations.
	for _, p := range params {
		key := p.in + ":" + p.name
		if p.required && p.in != "path" {
			x := clone("without the required "+p.in+" parameter "+p.name, "missing-required")
			x.header.Del(p.name)
			query(&x, key, nil)
			xs = append(xs, x)
		}
		t := typeOf(p.schema)
		if (t == "integer" || t == "number" || t == "boolean") && p.schema["enum"] == nil {
			x := clone(p.in+" parameter "+p.name+" not a "+t, "wrong-type")
			query(&x, "", map[string]string{key: "notanumber"})
			xs = append(xs, x)
		}
		if m, ok := num(p.schema["maximum"]); ok && (t == "integer" || t == "number") {
			x := clone(p.in+" parameter "+p.name+" above its maximum", "out-of-range")
			query(&x, "", map[string]string{key: strconv.FormatFloat(math.Floor(m)+1, 'f', -1, 64)})
			xs = append(xs, x)
		} else if m, ok := num(p.schema["minimum"]); ok && (t == "integer" || t == "number") {
			x := clone(p.in+" parameter "+p.name+" below its minimum", "out-of-range")
			query(&x, "", map[string]string{key: strconv.FormatFloat(math.Ceil(m)-1, 'f', -1, 64)})
			xs = append(xs, x)
		}
		if len(asList(p.schema["enum"])) > 0 && t == "string" {
			x := clone(p.in+" parameter "+p.name+" not in its enum", "bad-enum")
			query(&x, "", map[string]string{key: "zz-not-in-enum"})
			xs = append(xs, x)
		}
	}
	// Body mutations.
	if body != nil {
		for _, m := range g.mutations(bodySchema, body) {
			x := clone("request body: "+m.name, m.kind)
			x.body, _ = json.Marshal(m.value)
			xs = append(xs, x)
		}
	}
	// Responses: each explicit status with a JSON body.
	responses := asMap(o["responses"])
	for _, code := range sortedMapKeys(responses) {
		status, err := strconv.Atoi(code)
		if err != nil || status < 200 || status > 599 {
			continue
		}
		r := g.deref(responses[code])
		var schema any
		var mt string
		for _, m := range sortedMapKeys(asMap(r["content"])) {
			if isJSONType(m) && asMap(asMap(r["content"])[m])["schema"] != nil {
				schema, mt = asMap(asMap(r["content"])[m])["schema"], m
				break
			}
		}
		if schema == nil {
			continue
		}
		header := http.Header{"Content-Type": {mt}}
		unsatisfied := false
		for _, name := range sortedMapKeys(asMap(r["headers"])) {
			h := g.deref(asMap(r["headers"])[name])
			if h["required"] != true {
				continue
			}
			val, err := g.value(h["schema"], 0)
			w, ok := wire(val)
			if err != nil || !ok {
				unsatisfied = true
				break
			}
			header.Set(name, w)
		}
		g.response = true
		rv, err := g.value(schema, 0)
		g.response = false
		if err != nil || unsatisfied {
			xs = append(xs, exchange{op: opName, name: ""}) // counted as skipped below
			continue
		}
		base := valid
		base.response, base.status, base.rheader = true, status, header
		base.rbody, _ = json.Marshal(rv)
		base.name, base.kind = fmt.Sprintf("valid %d response", status), "valid"
		xs = append(xs, base)
		g.response = true
		ms := g.mutations(schema, rv)
		g.response = false
		for _, m := range ms {
			x := base
			x.name, x.kind = fmt.Sprintf("%d response: %s", status, m.name), m.kind
			x.rbody, _ = json.Marshal(m.value)
			xs = append(xs, x)
		}
	}
	return xs, ""
}

func isJSONType(mt string) bool {
	base, _, _ := strings.Cut(mt, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	return base == "application/json" || strings.HasSuffix(base, "+json")
}

func escapePath(s string) string {
	return strings.NewReplacer("%", "%25", "/", "%2F", "?", "%3F", "#", "%23", " ", "%20").Replace(s)
}

func queryEscape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "=", "%3D", "+", "%2B", " ", "%20", "#", "%23").Replace(s)
}

type mutation struct {
	name, kind string
	value      any
}

// mutations breaks a valid value once per kind, at the first place (in
// property order, depth first) where that kind applies.
func (g *generator) mutations(schema any, valid any) []mutation {
	var out []mutation
	done := map[string]bool{}
	add := func(kind, name string, value any) {
		if !done[kind] {
			done[kind] = true
			out = append(out, mutation{name: name, kind: kind, value: value})
		}
	}
	// set returns a copy of root with the value at path replaced (or
	// removed, when remove is set).
	var set func(root any, path []string, value any, remove bool) any
	set = func(root any, path []string, value any, remove bool) any {
		if len(path) == 0 {
			return value
		}
		m := asMap(root)
		c := make(map[string]any, len(m)+1)
		for k, v := range m {
			c[k] = v
		}
		if len(path) == 1 && remove {
			delete(c, path[0])
			return c
		}
		c[path[0]] = set(m[path[0]], path[1:], value, remove)
		return c
	}
	// visits bounds the walk: GitHub's schemas nest hundreds of optional
	// properties, and a walk into each of them would never end.
	visits := 0
	var walk func(s any, v any, path []string, depth int)
	walk = func(raw any, v any, path []string, depth int) {
		if visits++; visits > 300 || depth > 4 || len(done) == 5 {
			return
		}
		s := g.flat(raw, 0)
		if s == nil {
			return
		}
		where := "/" + strings.Join(path, "/")
		t := typeOf(s)
		obj, isObj := v.(map[string]any)
		switch {
		case t == "object" && isObj:
			add("wrong-type", where+" is a string, not an object", set(valid, path, "x", false))
		case t == "array":
			add("wrong-type", where+" is a string, not an array", set(valid, path, "x", false))
		case t == "string" && s["enum"] == nil:
			add("wrong-type", where+" is a number, not a string", set(valid, path, 12345, false))
		case t == "integer" || t == "number" || t == "boolean":
			add("wrong-type", where+" is a string, not a "+t, set(valid, path, "x", false))
		}
		if e := asList(s["enum"]); len(e) > 0 && t == "string" {
			add("bad-enum", where+" is not in its enum", set(valid, path, "zz-not-in-enum", false))
		}
		if t == "integer" || t == "number" {
			if m, ok := num(s["maximum"]); ok {
				add("out-of-range", where+" is above its maximum", set(valid, path, math.Floor(m)+1, false))
			} else if m, ok := num(s["minimum"]); ok {
				add("out-of-range", where+" is below its minimum", set(valid, path, math.Ceil(m)-1, false))
			}
		}
		if t == "string" && s["enum"] == nil && s["pattern"] == nil && s["format"] == nil {
			if m, ok := num(s["maxLength"]); ok && m < 1000 {
				add("out-of-range", where+" is longer than its maxLength", set(valid, path, strings.Repeat("x", int(m)+1), false))
			} else if m, ok := num(s["minLength"]); ok && m > 0 {
				add("out-of-range", where+" is shorter than its minLength", set(valid, path, "", false))
			}
		}
		if !isObj || t != "object" {
			return
		}
		if l := asList(s["required"]); len(l) > 0 {
			name := fmt.Sprint(l[0])
			if _, ok := obj[name]; ok {
				add("missing-required", where+" lacks the required "+name, set(valid, append(slices.Clone(path), name), nil, true))
			}
		}
		if s["additionalProperties"] == false {
			add("extra-property", where+" has an undeclared property zz_extra", set(valid, append(slices.Clone(path), "zz_extra"), 1, false))
		}
		props := asMap(s["properties"])
		for _, name := range sortedMapKeys(props) {
			ps := props[name]
			child, present := obj[name]
			if !present {
				if g.deref(ps)["readOnly"] == true {
					continue
				}
				c, err := g.value(ps, depth+1)
				if err != nil {
					continue
				}
				child = c
			}
			walk(ps, child, append(slices.Clone(path), name), depth+1)
		}
	}
	walk(schema, valid, nil, 0)
	return out
}

// table renders the harness's table: per document the operations, the
// cases and the disagreements by peer; then the disagreements by judged
// cause.
func table(reports []docReport, all []disagreement) string {
	var b strings.Builder
	b.WriteString("| document | operations (checked) | skipped operations | cases | accord refuses valid / accepts invalid | kin-openapi | libopenapi-validator |\n|---|---|---|---|---|---|---|\n")
	total := docReport{skipped: map[string]int{}, disagreements: map[string]int{}}
	for _, r := range reports {
		var skips []string
		for _, k := range sortedKeys(r.skipped) {
			skips = append(skips, fmt.Sprintf("%d: %s", r.skipped[k], k))
			total.skipped[k] += r.skipped[k]
		}
		for _, k := range sortedKeys(r.skippedCases) {
			skips = append(skips, fmt.Sprintf("%d case(s): %s", r.skippedCases[k], k))
		}
		peerCell := func(p string) string {
			if why, ok := r.peerUnavailable[p]; ok {
				return "n/a (" + why + ")"
			}
			return strconv.Itoa(r.disagreements[p])
		}
		fmt.Fprintf(&b, "| %s | %d (%d) | %s | %d | %d / %d | %s | %s |\n", r.name, r.operations, r.sampled, strings.Join(skips, "; "), r.cases,
			r.accordRefusesValid, r.accordAcceptsInvalid, peerCell("kin-openapi"), peerCell("libopenapi-validator"))
		total.operations += r.operations
		total.sampled += r.sampled
		total.cases += r.cases
		total.accordRefusesValid += r.accordRefusesValid
		total.accordAcceptsInvalid += r.accordAcceptsInvalid
		for p, n := range r.disagreements {
			total.disagreements[p] += n
		}
	}
	fmt.Fprintf(&b, "| **total** | %d (%d) | %d | %d | %d / %d | %d | %d |\n\n", total.operations, total.sampled, sum(total.skipped), total.cases,
		total.accordRefusesValid, total.accordAcceptsInvalid, total.disagreements["kin-openapi"], total.disagreements["libopenapi-validator"])

	b.WriteString("| cause | judged | kin-openapi | libopenapi-validator |\n|---|---|---|---|\n")
	counts := map[*cause]map[string]int{}
	unjudged := map[string]int{}
	for _, d := range all {
		c := judge(d)
		if c == nil {
			unjudged[d.peer]++
			continue
		}
		if counts[c] == nil {
			counts[c] = map[string]int{}
		}
		counts[c][d.peer]++
	}
	for i := range causes {
		c := &causes[i]
		if counts[c] == nil {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d |\n", c.name, c.judged, counts[c]["kin-openapi"], counts[c]["libopenapi-validator"])
	}
	if len(unjudged) > 0 {
		fmt.Fprintf(&b, "| (unjudged) | — | %d | %d |\n", unjudged["kin-openapi"], unjudged["libopenapi-validator"])
	}
	return b.String()
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
