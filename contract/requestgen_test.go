package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/accordhq/accord/contract"
)

// minimalRequest builds the smallest request an operation should accept:
// its path parameters filled in, its required query and header parameters,
// and its body when one is required (JSON preferred), each value made from
// its schema by minimalValue. It is a test's generator, not a general one:
// what it cannot make (a string for an arbitrary pattern) it leaves to the
// schema's own examples or default, and otherwise guesses.
func minimalRequest(spec contract.Spec, op contract.Operation) (*http.Request, []byte) {
	g := generator{schemas: spec.Schemas}
	path := op.Path
	query := url.Values{}
	header := http.Header{}
	for _, p := range op.Parameters {
		if p.In != contract.InPath && !p.Required {
			continue
		}
		v := g.nonEmpty(decode(p.Schema))
		switch p.In {
		case contract.InPath:
			path = strings.Replace(path, "{"+p.Name+"}", pathValue(p, v), 1)
		case contract.InQuery:
			switch x := v.(type) {
			case []any:
				for _, item := range x {
					query.Add(p.Name, wire(item, ","))
				}
				if p.Style == contract.StyleForm && p.Explode != nil && !*p.Explode {
					query[p.Name] = []string{wire(v, ",")}
				}
				if p.Style == contract.StyleSpaceDelimited || p.Style == contract.StylePipeDelimited {
					sep := map[string]string{contract.StyleSpaceDelimited: " ", contract.StylePipeDelimited: "|"}[p.Style]
					query[p.Name] = []string{wire(v, sep)}
				}
			case map[string]any:
				for _, k := range sorted(x) {
					if p.Style == contract.StyleDeepObject {
						query.Add(p.Name+"["+k+"]", wire(x[k], ","))
					} else {
						query.Add(k, wire(x[k], ","))
					}
				}
			default:
				query.Add(p.Name, wire(v, ","))
			}
		case contract.InHeader:
			header.Set(p.Name, wire(v, ","))
		}
	}
	var body []byte
	if b := op.RequestBody; b != nil && b.Required {
		mt := pickMediaType(b.Content)
		if isJSONType(mt) {
			body, _ = json.Marshal(g.value(decode(b.Content[mt].Schema), 0))
		} else {
			body = []byte("x")
		}
		header.Set("Content-Type", concreteType(mt))
	}
	u := &url.URL{Path: spec.BasePath + path, RawQuery: query.Encode()}
	r, err := http.NewRequest(op.Method, "http://api.test"+u.String(), bytes.NewReader(body))
	if err != nil { // only a fuzzed document gets here
		r = httptest.NewRequest(op.Method, "/", bytes.NewReader(body))
		r.URL = u
	}
	for k, vs := range header {
		r.Header[k] = vs
	}
	return r, body
}

// nonEmpty makes a parameter's value with something in it: a required
// array or object that is empty reads as missing on the wire.
func (g generator) nonEmpty(schema any) any {
	v := g.value(schema, 0)
	m := g.deref(schema)
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return []any{g.value(m["items"], 1)}
		}
	case map[string]any:
		if props, _ := m["properties"].(map[string]any); len(x) == 0 && len(props) > 0 {
			k := sorted(props)[0]
			x[k] = g.value(props[k], 1)
		}
	}
	return v
}

// pathValue writes a path parameter in its style: simple (a,b), label
// (.a,b) or matrix (;name=a,b), exploded or not.
func pathValue(p contract.Parameter, v any) string {
	explode := p.Explode != nil && *p.Explode
	esc := func(s string) string { return url.PathEscape(s) }
	pairs := func(kv, between string) string {
		m, _ := v.(map[string]any)
		var parts []string
		for _, k := range sorted(m) {
			parts = append(parts, esc(k)+kv+esc(wire(m[k], ",")))
		}
		return strings.Join(parts, between)
	}
	list := func(between string) string {
		var parts []string
		switch x := v.(type) {
		case []any:
			for _, item := range x {
				parts = append(parts, esc(wire(item, ",")))
			}
		case map[string]any:
			if explode {
				return pairs("=", between)
			}
			return pairs(",", ",")
		default:
			parts = append(parts, esc(wire(v, ",")))
		}
		return strings.Join(parts, between)
	}
	switch p.Style {
	case contract.StyleLabel:
		if explode {
			return "." + list(".")
		}
		return "." + list(",")
	case contract.StyleMatrix:
		if _, isObj := v.(map[string]any); isObj && explode {
			return ";" + pairs("=", ";")
		}
		if _, isList := v.([]any); isList && explode {
			var parts []string
			for _, item := range v.([]any) {
				parts = append(parts, p.Name+"="+esc(wire(item, ",")))
			}
			return ";" + strings.Join(parts, ";")
		}
		return ";" + p.Name + "=" + list(",")
	}
	if _, isObj := v.(map[string]any); isObj && explode {
		return pairs("=", ",")
	}
	return list(",")
}

func sorted(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func decode(raw json.RawMessage) any {
	if len(raw) == 0 {
		return true
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return true
	}
	return v
}

// wire writes a value as a parameter carries it.
func wire(v any, sep string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = wire(item, sep)
		}
		return strings.Join(parts, sep)
	case map[string]any:
		var parts []string
		for _, k := range sorted(x) {
			parts = append(parts, k, wire(x[k], sep))
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

func isJSONType(mt string) bool {
	base, _, err := mime.ParseMediaType(mt)
	return err == nil && (base == "application/json" || strings.HasSuffix(base, "+json"))
}

// pickMediaType prefers a JSON media type, then any, in a stable order.
func pickMediaType(content map[string]contract.MediaType) string {
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if isJSONType(k) {
			return k
		}
	}
	return keys[0]
}

// concreteType turns a declared wildcard into a type a request can carry.
func concreteType(mt string) string {
	switch {
	case mt == "*/*" || strings.HasPrefix(mt, "*/"):
		return "application/octet-stream"
	case strings.HasSuffix(mt, "/*"):
		return strings.TrimSuffix(mt, "*") + "x-test"
	}
	return mt
}

type generator struct {
	schemas map[string]json.RawMessage
}

// value makes a small value that s accepts, as far as it can tell.
func (g generator) value(s any, depth int) any {
	m, ok := s.(map[string]any)
	if !ok || depth > 12 {
		return "x" // true, or too deep to go on
	}
	if ref, ok := m["$ref"].(string); ok {
		target := g.resolve(ref)
		if len(m) == 1 {
			return g.value(target, depth+1)
		}
		merged := map[string]any{"allOf": []any{target, without(m, "$ref")}}
		return g.value(merged, depth+1)
	}
	if c, ok := m["const"]; ok {
		return c
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	for _, k := range []string{"default", "examples"} {
		if v, ok := m[k]; ok {
			if k == "examples" {
				list, _ := v.([]any)
				if len(list) == 0 {
					continue
				}
				v = list[0]
			}
			if fits(m, v) {
				return v
			}
		}
	}
	if all, ok := m["allOf"].([]any); ok && len(all) > 0 {
		return g.value(g.merge(m, all, depth), depth+1)
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if branches, ok := m[k].([]any); ok && len(branches) > 0 {
			// The branch that is most particular (an object with the most
			// required properties) is the least likely to match another.
			best := branches[0]
			for _, b := range branches {
				if len(requiredOf(g.deref(b))) > len(requiredOf(g.deref(best))) {
					best = b
				}
			}
			rest := without(m, k)
			if len(rest) > 0 && hasType(rest) {
				return g.value(map[string]any{"allOf": []any{rest, best}}, depth+1)
			}
			return g.value(best, depth+1)
		}
	}
	switch typeOf(m) {
	case "null":
		return nil
	case "boolean":
		return true
	case "integer", "number":
		return number(m)
	case "array":
		n := intOf(m["minItems"])
		items := make([]any, 0, n)
		for i := 0; i < n; i++ {
			item := g.value(m["items"], depth+1)
			if m["uniqueItems"] == true {
				item = distinct(item, i)
			}
			items = append(items, item)
		}
		return items
	case "object":
		out := map[string]any{}
		props, _ := m["properties"].(map[string]any)
		for _, name := range requiredOf(m) {
			if p, ok := props[name]; ok {
				out[name] = g.value(p, depth+1)
			} else if ap, ok := m["additionalProperties"].(map[string]any); ok {
				out[name] = g.value(ap, depth+1)
			} else {
				out[name] = "x"
			}
		}
		for i := len(out); i < intOf(m["minProperties"]); i++ {
			name := fmt.Sprintf("p%d", i)
			if p, ok := props[name]; ok {
				out[name] = g.value(p, depth+1)
				continue
			}
			for _, k := range sorted(props) {
				if _, taken := out[k]; !taken {
					name = k
					break
				}
			}
			out[name] = g.value(props[name], depth+1)
		}
		return out
	}
	return str(m)
}

// merge folds allOf members (and the schema's own keywords) into one
// schema, enough to make a value: types, required names and properties.
func (g generator) merge(m map[string]any, all []any, depth int) map[string]any {
	out := without(m, "allOf")
	props := map[string]any{}
	if p, ok := out["properties"].(map[string]any); ok {
		for k, v := range p {
			props[k] = v
		}
	}
	required := requiredOf(out)
	for _, member := range all {
		mm := g.deref(member)
		if inner, ok := mm["allOf"].([]any); ok && depth < 12 {
			mm = g.merge(mm, inner, depth+1)
		}
		for k, v := range mm {
			switch k {
			case "properties":
				for name, p := range v.(map[string]any) {
					if _, ok := props[name]; !ok {
						props[name] = p
					}
				}
			case "required":
				required = append(required, requiredOf(mm)...)
			default:
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
		}
	}
	if len(props) > 0 {
		out["properties"] = props
	}
	if len(required) > 0 {
		slices.Sort(required)
		out["required"] = toAny(slices.Compact(required))
	}
	if out["type"] == nil && len(props) > 0 {
		out["type"] = "object"
	}
	return out
}

func (g generator) deref(s any) map[string]any {
	m, _ := s.(map[string]any)
	for range 8 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		m, _ = g.resolve(ref).(map[string]any)
	}
	return m
}

func (g generator) resolve(ref string) any {
	rest, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok {
		return true
	}
	name, sub, _ := strings.Cut(rest, "/")
	name = strings.NewReplacer("~1", "/", "~0", "~").Replace(name)
	cur := decode(g.schemas[name])
	if sub == "" {
		return cur
	}
	for _, tok := range strings.Split(sub, "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, _ := strconv.Atoi(tok)
			if i < 0 || i >= len(c) {
				return true
			}
			cur = c[i]
		default:
			return true
		}
	}
	return cur
}

func without(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func hasType(m map[string]any) bool {
	_, ok := m["type"]
	_, props := m["properties"]
	return ok || props
}

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func requiredOf(m map[string]any) []string {
	var out []string
	for _, r := range asSlice(m["required"]) {
		if s, ok := r.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asSlice(v any) []any {
	l, _ := v.([]any)
	return l
}

func typeOf(m map[string]any) string {
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		// Prefer a type that is easy to make, and null last.
		for _, want := range []string{"string", "integer", "number", "boolean", "object", "array", "null"} {
			if slices.Contains(t, any(want)) {
				return want
			}
		}
	}
	if _, ok := m["properties"]; ok {
		return "object"
	}
	if _, ok := m["items"]; ok {
		return "array"
	}
	return "string"
}

func intOf(v any) int {
	if n, ok := v.(json.Number); ok {
		i, _ := n.Int64()
		return int(max(0, min(i, 256)))
	}
	return 0
}

func floatOf(v any) (float64, bool) {
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// number picks an integer or number inside the schema's bounds, a
// multiple of multipleOf where one is given.
func number(m map[string]any) any {
	lo, hasLo := floatOf(m["minimum"])
	if x, ok := floatOf(m["exclusiveMinimum"]); ok {
		lo, hasLo = x+1, true
	}
	hi, hasHi := floatOf(m["maximum"])
	if x, ok := floatOf(m["exclusiveMaximum"]); ok {
		hi, hasHi = x-1, true
	}
	v := 1.0
	switch {
	case hasLo && v < lo:
		v = math.Ceil(lo)
	case hasHi && v > hi:
		v = math.Floor(hi)
	}
	if step, ok := floatOf(m["multipleOf"]); ok && step > 0 {
		v = math.Ceil(v/step) * step
	}
	if m["type"] == "integer" || v == math.Trunc(v) {
		return json.Number(strconv.FormatInt(int64(v), 10))
	}
	return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
}

// str makes a string of the schema's pattern, or format, and length.
func str(m map[string]any) string {
	if p, ok := m["pattern"].(string); ok {
		if re, err := syntax.Parse(p, syntax.Perl); err == nil {
			var b strings.Builder
			matching(&b, re.Simplify())
			s := b.String()
			for n := intOf(m["minLength"]); len([]rune(s)) < n; {
				// Lengthen only a pattern that ends open: ^a.*$ or a+.
				if !strings.HasSuffix(p, "*") && !strings.HasSuffix(p, "+") && !strings.HasSuffix(p, ".*$") {
					break
				}
				s += "a"
			}
			return s
		}
	}
	format, _ := m["format"].(string)
	s := map[string]string{
		"uuid": "123e4567-e89b-42d3-a456-426614174000", "date-time": "2024-01-02T03:04:05Z", "date": "2024-01-02",
		"time": "03:04:05Z", "email": "a@example.com", "idn-email": "a@example.com", "uri": "https://example.com/a",
		"url": "https://example.com/a", "uri-reference": "/a", "iri": "https://example.com/a", "hostname": "example.com",
		"ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "byte": "eA==", "duration": "P1D", "regex": "a", "json-pointer": "/a",
		"int32": "1", "int64": "1", "uri-template": "/a", "idn-hostname": "example.com", "relative-json-pointer": "0",
	}[format]
	if s == "" {
		s = "x"
	}
	if n := intOf(m["minLength"]); len(s) < n {
		s += strings.Repeat("x", n-len(s))
	}
	if n, ok := m["maxLength"].(json.Number); ok {
		if max, _ := n.Int64(); max >= 0 && int64(len(s)) > max {
			s = s[:max]
		}
	}
	return s
}

// distinct makes the i-th of a list of uniqueItems differ from the others.
func distinct(v any, i int) any {
	switch x := v.(type) {
	case string:
		return x + strconv.Itoa(i)
	case json.Number:
		n, _ := x.Int64()
		return json.Number(strconv.FormatInt(n+int64(i), 10))
	}
	return v
}

// fits is a cheap check that an example or default has the schema's type,
// for documents whose examples do not match their schemas.
func fits(m map[string]any, v any) bool {
	switch typeOf(m) {
	case "string":
		x, ok := v.(string)
		if p, has := m["pattern"].(string); has && ok {
			re, err := regexp.Compile(p)
			ok = err == nil && re.MatchString(x)
		}
		n := len([]rune(x))
		return ok && n >= intOf(m["minLength"]) && (m["maxLength"] == nil || n <= intOf(m["maxLength"]))
	case "integer", "number":
		_, ok := v.(json.Number)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return false
}

// matching writes a shortest string that re matches: the first branch of
// each alternation, the fewest repetitions, the first rune of each class.
func matching(b *strings.Builder, re *syntax.Regexp) {
	if b.Len() > 4096 { // a{1000}{1000} in a fuzzed document
		return
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		if len(re.Rune) > 0 {
			r := re.Rune[0]
			// Prefer a printable rune when the class starts below one.
			if r < '0' && len(re.Rune) > 1 && re.Rune[1] >= '0' {
				r = max(r, '0')
			}
			b.WriteRune(r)
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		matching(b, re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			matching(b, sub)
		}
	case syntax.OpAlternate:
		matching(b, re.Sub[0])
	case syntax.OpPlus:
		matching(b, re.Sub[0])
	case syntax.OpRepeat:
		for range re.Min {
			matching(b, re.Sub[0])
		}
	}
	// Star, quest, empty match and anchors add nothing.
}
