package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strings"
)

// schemaScope is where a schema comparison happens: a parameter, a
// request body or a response body of one operation.
type schemaScope struct {
	label, base, rel string
	dir              ChangeDirection
	kind             string // rule prefix below the root: request-parameter, request-property, response-property
	root             string // rule prefix at the root of a body: request-body, response-body ("" = kind)
	what             string // for messages: `the query parameter "limit"`, "the request body"
}

// resolve follows $refs into spec.Schemas and folds allOf into one
// schema, so that a change is seen the same whether it is written inline,
// behind a $ref or in one part of an allOf.
func resolve(s Spec, v any) any { return (&components{spec: s}).resolve(v) }

// components decodes a spec's shared schemas once, however often they are
// referred to, and knows which of them differ from the other version's.
type components struct {
	spec    Spec
	decoded map[string]any
	other   *Spec
	dirty   map[string]bool // memo of changed: true = differs, directly or through a $ref
}

func (cs *components) get(name string) any {
	if v, ok := cs.decoded[name]; ok {
		return v
	}
	if cs.decoded == nil {
		cs.decoded = map[string]any{}
	}
	v := decodeSchema(cs.spec.Schemas[name])
	cs.decoded[name] = v
	return v
}

var refPattern = regexp.MustCompile(`"#/components/schemas/([^"]*)"`)

// unchanged reports whether raw, the same bytes in both versions, means
// the same in both: none of the components it refers to, directly or
// through others, differs.
func (cs *components) unchanged(raw []byte) bool {
	for _, m := range refPattern.FindAllSubmatch(raw, -1) {
		if cs.changed(unescapeToken(string(m[1])), 0) {
			return false
		}
	}
	return true
}

func (cs *components) changed(name string, depth int) bool {
	if d, ok := cs.dirty[name]; ok {
		return d
	}
	if cs.dirty == nil {
		cs.dirty = map[string]bool{}
	}
	if depth > 64 {
		return true
	}
	a, inA := cs.spec.Schemas[name]
	b, inB := cs.other.Schemas[name]
	if inA != inB || !bytes.Equal(a, b) {
		cs.dirty[name] = true
		return true
	}
	cs.dirty[name] = false // a cycle back here adds nothing new
	for _, m := range refPattern.FindAllSubmatch(a, -1) {
		if cs.changed(unescapeToken(string(m[1])), depth+1) {
			cs.dirty[name] = true
			return true
		}
	}
	return false
}

func (cs *components) resolve(v any) any {
	for range 16 {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			break
		}
		name, ok := strings.CutPrefix(ref, componentPrefix)
		if !ok {
			return v
		}
		target := cs.get(unescapeToken(name))
		if len(m) > 1 { // siblings of $ref apply too (2020-12)
			rest := map[string]any{}
			for k, x := range m {
				if k != "$ref" {
					rest[k] = x
				}
			}
			v = map[string]any{"allOf": []any{target, rest}}
			break
		}
		v = target
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	parts, ok := m["allOf"].([]any)
	if !ok {
		return m
	}
	merged := map[string]any{}
	for k, x := range m {
		if k != "allOf" {
			merged[k] = x
		}
	}
	for _, p := range parts {
		pm, ok := cs.resolve(p).(map[string]any)
		if !ok {
			continue
		}
		for k, x := range pm {
			switch k {
			case "properties":
				props, _ := merged["properties"].(map[string]any)
				if props == nil {
					props = map[string]any{}
				}
				for name, ps := range x.(map[string]any) {
					props[name] = ps
				}
				merged["properties"] = props
			case "required":
				req, _ := merged["required"].([]any)
				merged["required"] = append(slices.Clone(req), x.([]any)...)
			default:
				if _, set := merged[k]; !set {
					merged[k] = x
				}
			}
		}
	}
	return merged
}

// spot is one place in a schema being compared.
type spot struct {
	path string // JSON pointer below the scope's base
	name string // dotted property path for messages ("" at the root)
}

func (sc schemaScope) prefix(n spot) string {
	if n.name == "" && sc.root != "" {
		return sc.root
	}
	return sc.kind
}

func (sc schemaScope) describe(n spot) string {
	if n.name == "" {
		return sc.what
	}
	return fmt.Sprintf("%s property %q", sc.what, n.name)
}

func (c *comparer) schema(sc schemaScope, path string, old, new json.RawMessage) {
	if bytes.Equal(old, new) && c.olds.unchanged(old) {
		return // the same bytes, referring to the same components
	}
	c.schemaAt(sc, spot{path: path}, decodeSchema(old), decodeSchema(new), 0)
}

func (c *comparer) report(sc schemaScope, n spot, suffix string, level ChangeLevel, format string, args ...any) {
	c.at(sc, n, sc.prefix(n)+"-"+suffix, level, sc.describe(n)+": "+fmt.Sprintf(format, args...))
}

// at records a change at n: located in the spec by sc.base, fingerprinted
// by sc.rel, which names the parameter or media type instead of its index.
func (c *comparer) at(sc schemaScope, n spot, id string, level ChangeLevel, message string) {
	c.addAt(id, level, sc.dir, sc.label, sc.base+n.path, sc.rel+n.path, message)
}

func (c *comparer) schemaAt(sc schemaScope, n spot, oldRaw, newRaw any, depth int) {
	if depth > 64 { // a guard; recursion through $refs stops below
		return
	}
	if c.trials > 0 {
		c.trialWork++
	}
	// The same component on both sides, unchanged through every $ref it
	// makes, has nothing to report.
	if ref := refOf(oldRaw); ref != "" && ref == refOf(newRaw) && len(oldRaw.(map[string]any)) == 1 && len(newRaw.(map[string]any)) == 1 {
		if name, ok := strings.CutPrefix(ref, componentPrefix); ok && !c.olds.changed(unescapeToken(name), 0) {
			return
		}
	}
	// A recursive schema (a tree of nodes) meets the same pair of $refs
	// again further down: its changes were reported the first time.
	if pair := refOf(oldRaw) + "\x00" + refOf(newRaw); pair != "\x00" {
		if c.visiting[pair] {
			return
		}
		if c.visiting == nil {
			c.visiting = map[string]bool{}
		}
		c.visiting[pair] = true
		defer delete(c.visiting, pair)
	}
	ro, rw := c.olds.resolve(oldRaw), c.news.resolve(newRaw)
	req := sc.dir == DirectionRequest
	// false admits nothing: in a request nothing could be sent before, in a
	// response nothing could come back after.
	switch oldFalse, newFalse := ro == false, rw == false; {
	case oldFalse && newFalse:
		return
	case req && oldFalse, !req && newFalse:
		return
	case req && newFalse:
		c.report(sc, n, "schema-became-false", Breaking, "no value is accepted any more")
		return
	case !req && oldFalse:
		c.report(sc, n, "schema-became-not-false", Breaking, "values may now come back where none could")
		return
	}
	o, _ := ro.(map[string]any)
	w, _ := rw.(map[string]any)
	if o == nil {
		o = map[string]any{}
	}
	if w == nil {
		w = map[string]any{}
	}

	if c.wrapped(sc, n, o, w, req, depth) {
		return
	}
	c.types(sc, n, o, w, req)
	c.enums(sc, n, o, w, req)
	c.bounds(sc, n, o, w, req)
	c.pattern(sc, n, o, w, req)
	c.extensibleEnum(sc, n, o, w, req)
	if d0, ok0 := o["default"]; ok0 && req {
		if d1, ok1 := w["default"]; ok1 && !sameJSON(d0, d1) {
			c.report(sc, n, "default-value-changed", Warning, "the default changed from %s to %s: callers that leave it out get other behaviour", js(d0), js(d1))
		}
	}
	c.properties(sc, n, o, w, req, depth)
	c.unknownProperties(sc, n, o, w)
	// No items is items: true, so adding items: false to a request (or
	// dropping a response's) is compared like any other change of it.
	oi, inOld := o["items"]
	wi, inNew := w["items"]
	ot, _ := typeSet(o)
	wt, _ := typeSet(w)
	if (inOld || admits(ot, "array")) && (inNew || admits(wt, "array")) && (inOld || inNew) {
		if !inOld {
			oi = true
		}
		if !inNew {
			wi = true
		}
		c.schemaAt(sc, spot{path: n.path + "/items", name: n.name + "[]"}, oi, wi, depth+1)
	} else if inNew && req && sc.kind == "request-parameter" && slices.Contains(wt, "array") && !admits(ot, "array") {
		// A scalar parameter became an array: the single value sent is
		// now its one item, and must pass the items' schema.
		c.schemaAt(sc, spot{path: n.path + "/items", name: n.name + "[]"}, o, wi, depth+1)
	}
	for _, kw := range []string{"oneOf", "anyOf"} {
		c.alternatives(sc, n, kw, o, w, req, depth)
	}
	c.subschemas(sc, n, o, w, req, depth)
}

// pattern follows oasdiff: in a request a new pattern refuses values that
// passed, a changed one may (which one cannot tell, so a warning), and
// ".*" refuses nothing; in a response a pattern dropped lets values
// through that callers may have relied on never seeing.
func (c *comparer) pattern(sc schemaScope, n spot, o, w map[string]any, req bool) {
	ps, pw := text(o["pattern"]), text(w["pattern"])
	if ps == pw {
		return
	}
	anything := func(p string) bool { return p == "" || p == ".*" || p == "^.*$" }
	switch {
	case req && anything(pw):
	case req && anything(ps):
		c.report(sc, n, "pattern-added", Breaking, "values must now match %q", pw)
	case req:
		c.report(sc, n, "pattern-changed", Warning, "the pattern changed from %q to %q: values that matched the old one may be refused", ps, pw)
	case anything(ps):
	case anything(pw):
		c.report(sc, n, "pattern-removed", Breaking, "values no longer promised to match %q may come back", ps)
	default:
		c.report(sc, n, "pattern-changed", Warning, "the pattern changed from %q to %q", ps, pw)
	}
}

// extensibleEnum reads x-extensible-enum (Zalando's guidelines): the
// values a request may carry today, more may come. Removing one refuses
// callers that send it.
func (c *comparer) extensibleEnum(sc schemaScope, n spot, o, w map[string]any, req bool) {
	oe, ok0 := o["x-extensible-enum"].([]any)
	we, ok1 := w["x-extensible-enum"].([]any)
	if !req || !ok0 || !ok1 {
		return
	}
	in := map[string]bool{}
	for _, v := range we {
		in[js(v)] = true
	}
	for _, v := range oe {
		if !in[js(v)] {
			c.report(sc, n, "x-extensible-enum-value-removed", Breaking, "the value %s is no longer accepted", js(v))
		}
	}
}

// subschemaKeywords are the keywords holding one schema that applies to
// part of the value, with the suffix of their rules.
var subschemaKeywords = []struct{ kw, rule string }{
	{"additionalProperties", "additional-properties"},
	{"unevaluatedProperties", "unevaluated-properties"},
	{"unevaluatedItems", "unevaluated-items"},
	{"propertyNames", "property-names"},
	{"contains", "contains"},
	{"contentSchema", "content-schema"},
	{"if", "if"},
	{"then", "then"},
	{"else", "else"},
}

// subschemas compares what the rest of compare does not: the schemas in
// additionalProperties, contains, if/then/else and the like (at any
// depth, through the same schemaAt), keywords that constrain added to a
// request or dropped from a response, and not, where tightening the inner
// schema loosens the outer one.
func (c *comparer) subschemas(sc schemaScope, n spot, o, w map[string]any, req bool, depth int) {
	at := func(rel string) spot { return spot{path: n.path + rel, name: n.name} }
	for _, k := range subschemaKeywords {
		ov, inOld := o[k.kw]
		wv, inNew := w[k.kw]
		switch {
		case inOld && inNew && req && wv == false && (k.kw == "additionalProperties" || k.kw == "unevaluatedProperties"):
			// refusing unknown properties is judged once, in unknownProperties
		case inOld && inNew:
			c.schemaAt(sc, at("/"+k.kw), ov, wv, depth+1)
		case req && inNew && wv != true && c.constrains(k.kw, o):
			c.report(sc, n, k.rule+"-added", Breaking, "%s was added: values that passed may be refused", k.kw)
		case !req && inOld && ov != true && k.kw != "additionalProperties":
			c.report(sc, n, k.rule+"-removed", Breaking, "%s was removed: values it ruled out may come back", k.kw)
		}
	}
	// Schemas by key: a new key constrains requests, a dropped one lets
	// anything through in responses.
	for _, k := range []struct{ kw, rule string }{{"patternProperties", "pattern-property"}, {"dependentSchemas", "dependent-schema"}} {
		om, _ := o[k.kw].(map[string]any)
		wm, _ := w[k.kw].(map[string]any)
		for _, key := range sortedKeys(wm) {
			if ov, ok := om[key]; ok {
				c.schemaAt(sc, at("/"+k.kw+"/"+escapeToken(key)), ov, wm[key], depth+1)
			} else if req && c.constrains(k.kw, o) {
				c.report(sc, n, k.rule+"-added", Breaking, "%s %q was added: values that passed may be refused", k.kw, key)
			}
		}
		for _, key := range sortedKeys(om) {
			if _, ok := wm[key]; !ok && !req {
				c.report(sc, n, k.rule+"-removed", Breaking, "%s %q was removed: values it ruled out may come back", k.kw, key)
			}
		}
	}
	oi, _ := o["prefixItems"].([]any)
	wi, _ := w["prefixItems"].([]any)
	for i := range min(len(oi), len(wi)) {
		c.schemaAt(sc, spot{path: fmt.Sprintf("%s/prefixItems/%d", n.path, i), name: fmt.Sprintf("%s[%d]", n.name, i)}, oi[i], wi[i], depth+1)
	}
	c.dependentRequired(sc, n, o, w, req)
	for _, k := range []struct{ kw, rule string }{{"contentEncoding", "content-encoding-changed"}, {"contentMediaType", "content-media-type-changed"}} {
		// Either way a caller reads or writes the value in the old form.
		if a, b := text(o[k.kw]), text(w[k.kw]); a != b {
			c.report(sc, n, k.rule, Breaking, "%s changed from %q to %q", k.kw, a, b)
		}
	}
	ov, inOld := o["not"]
	wv, inNew := w["not"]
	switch {
	case inOld && inNew && !sameJSON(ov, wv):
		// not inverts: the inner schema is compared the other way round,
		// and anything breaking there breaks here.
		flipped := sc
		flipped.dir = DirectionResponse
		if !req {
			flipped.dir = DirectionRequest
		}
		saved := c.out
		c.out = nil
		c.schemaAt(flipped, at("/not"), ov, wv, depth+1)
		breaking := len(BreakingChanges(c.out)) > 0
		c.out = saved
		if breaking {
			c.report(sc, n, "not-changed", Breaking, "the schema under not changed so that values that passed may be refused")
		}
	case req && inNew && !inOld:
		c.report(sc, n, "not-added", Breaking, "not was added: values that passed may be refused")
	case !req && inOld && !inNew:
		c.report(sc, n, "not-removed", Breaking, "not was removed: values it ruled out may come back")
	}
}

// constrains reports whether adding kw to a request schema like o can
// refuse what o accepted. Schemas about unknown properties only narrow an
// object that accepted them: where o already refused them, they loosen it.
func (c *comparer) constrains(kw string, o map[string]any) bool {
	switch kw {
	case "additionalProperties", "unevaluatedProperties", "patternProperties":
		return !c.refusesUnknownIn(c.old, o)
	}
	return true
}

// dependentRequired: a property that now needs others refuses requests
// that sent it alone; in a response, one that no longer does may come
// back without them.
func (c *comparer) dependentRequired(sc schemaScope, n spot, o, w map[string]any, req bool) {
	om, _ := o["dependentRequired"].(map[string]any)
	wm, _ := w["dependentRequired"].(map[string]any)
	from, to, verb := om, wm, "added"
	if !req {
		from, to, verb = wm, om, "removed"
	}
	for _, key := range sortedKeys(to) {
		have, existed := from[key]
		had := stringSet(have)
		for name := range stringSet(to[key]) {
			if had[name] {
				continue
			}
			rule := "dependent-required-changed"
			if !existed {
				rule = "dependent-required-" + verb
			}
			c.report(sc, n, rule, Breaking, "with %q, %q is required in one version and not in the other", key, name)
			break
		}
	}
}

func refOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		ref, _ := m["$ref"].(string)
		return ref
	}
	return ""
}

// typeSet is the JSON types a schema admits (nil: any) and whether null is
// one of them, in 2020-12 form or OpenAPI 3.0's nullable.
func typeSet(m map[string]any) (types []string, nullable bool) {
	t := typesOf(m)
	nullable = m["nullable"] == true || slices.Contains(t, "null")
	if e, ok := m["enum"].([]any); ok && slices.Contains(e, nil) {
		nullable = true
	}
	return slices.DeleteFunc(slices.Clone(t), func(s string) bool { return s == "null" }), nullable
}

// admits reports whether a schema of types accepts every value of type t.
func admits(types []string, t string) bool {
	return types == nil || slices.Contains(types, t) || (t == "integer" && slices.Contains(types, "number"))
}

func (c *comparer) types(sc schemaScope, n spot, o, w map[string]any, req bool) {
	ot, on := typeSet(o)
	wt, wn := typeSet(w)
	from, to := strings.Join(ot, "|"), strings.Join(wt, "|")
	if from == "" {
		from = "any"
	}
	if to == "" {
		to = "any"
	}
	// In a request the new schema must admit everything the old one did;
	// in a response the old one must admit everything the new one sends.
	narrower, wider := wt, ot
	if !req {
		narrower, wider = ot, wt
	}
	// A parameter (and each property of a deepObject one) is a string on
	// the wire: a string schema takes every number or boolean that was
	// sent, and an array takes a single value as one item.
	param := req && sc.kind == "request-parameter"
	if param && slices.Contains(wt, "array") {
		if items, ok := c.news.resolve(w["items"]).(map[string]any); ok {
			it, _ := typeSet(items)
			narrower = append(slices.Clone(narrower), it...)
		}
	}
	lost := wider == nil && narrower != nil
	for _, t := range wider {
		lost = lost || !(admits(narrower, t) || param && t != "array" && t != "object" && slices.Contains(narrower, "string"))
	}
	if lost {
		c.report(sc, n, "type-changed", Breaking, "the type changed from %s to %s", from, to)
	}
	if req && on && !wn {
		c.report(sc, n, "became-not-nullable", Breaking, "null is no longer accepted")
	}
	if !req && wn && !on {
		c.report(sc, n, "became-nullable", Breaking, "it may now be null")
	}
	of, wf := text(o["format"]), text(w["format"])
	switch {
	case of == wf || lost:
	case req && wf != "":
		c.report(sc, n, "type-changed", Breaking, "the format changed from %q to %q", of, wf)
	case !req && of != "" && wf != "":
		c.report(sc, n, "type-changed", Breaking, "the format changed from %q to %q", of, wf)
	case !req && of != "":
		c.report(sc, n, "format-removed", Warning, "the format %q is no longer promised", of)
	}
}

func (c *comparer) enums(sc schemaScope, n spot, o, w map[string]any, req bool) {
	oe, oOK := o["enum"].([]any)
	we, wOK := w["enum"].([]any)
	if c0, ok := o["const"]; ok && !oOK {
		oe, oOK = []any{c0}, true
	}
	if c1, ok := w["const"]; ok && !wOK {
		we, wOK = []any{c1}, true
	}
	// missing lists the values of from that to lacks, as JSON, in from's
	// order; a set keeps long enums (currencies, countries) linear.
	missing := func(from, to []any) []string {
		in := make(map[string]bool, len(to))
		for _, v := range to {
			in[js(v)] = true
		}
		var out []string
		for _, v := range from {
			if s := js(v); !in[s] {
				out = append(out, s)
			}
		}
		return out
	}
	switch {
	case req && !oOK && wOK:
		c.report(sc, n, "became-enum", Breaking, "only %s are accepted now", joinJSON(we))
	case req && oOK && wOK:
		for _, v := range missing(oe, we) {
			c.report(sc, n, "enum-value-removed", Breaking, "the value %s is no longer accepted", v)
		}
	case !req && oOK && !wOK:
		c.report(sc, n, "became-not-enum", Breaking, "it is no longer limited to %s", joinJSON(oe))
	case !req && oOK && wOK:
		for _, v := range missing(we, oe) {
			c.report(sc, n, "enum-value-added", Breaking, "the new value %s may come back, and callers that switch over the values do not know it", v)
		}
	}
}

// bound is a numeric limit; exclusive ones are a hair tighter.
type bound struct {
	v         *big.Rat
	exclusive bool
}

func boundOf(m map[string]any, inclusive, exclusive string) *bound {
	var b *bound
	if r := rat(m[inclusive]); r != nil {
		b = &bound{v: r}
	}
	switch x := m[exclusive].(type) {
	case bool: // OpenAPI 3.0: a flag on the inclusive keyword
		if b != nil && x {
			b.exclusive = true
		}
	default:
		if r := rat(x); r != nil && (b == nil || tighter(&bound{v: r, exclusive: true}, b, inclusive == "maximum")) {
			b = &bound{v: r, exclusive: true}
		}
	}
	return b
}

// tighter reports whether a admits less than b on the side of upper
// (true: a maximum) bounds. A missing bound admits everything.
func tighter(a, b *bound, upper bool) bool {
	if a == nil {
		return false
	}
	if b == nil {
		return true
	}
	cmp := a.v.Cmp(b.v)
	if !upper {
		cmp = -cmp
	}
	return cmp < 0 || (cmp == 0 && a.exclusive && !b.exclusive)
}

func (c *comparer) bounds(sc schemaScope, n spot, o, w map[string]any, req bool) {
	type limit struct {
		inclusive, exclusive string
		upper                bool
		tightened, loosened  string // rule suffixes
	}
	for _, l := range []limit{
		{"maximum", "exclusiveMaximum", true, "max-decreased", "max-increased"},
		{"minimum", "exclusiveMinimum", false, "min-increased", "min-decreased"},
		{"maxLength", "", true, "max-length-decreased", "max-length-increased"},
		{"minLength", "", false, "min-length-increased", "min-length-decreased"},
		{"maxItems", "", true, "max-items-decreased", "max-items-increased"},
		{"minItems", "", false, "min-items-increased", "min-items-decreased"},
		{"maxProperties", "", true, "max-properties-decreased", "max-properties-increased"},
		{"minProperties", "", false, "min-properties-increased", "min-properties-decreased"},
		{"maxContains", "", true, "max-contains-decreased", "max-contains-increased"},
		{"minContains", "", false, "min-contains-increased", "min-contains-decreased"},
	} {
		if !applies(l.inclusive, o, w) {
			continue
		}
		ob, wb := boundOf(o, l.inclusive, l.exclusive), boundOf(w, l.inclusive, l.exclusive)
		if req && tighter(wb, ob, l.upper) {
			rule := l.tightened
			if ob == nil { // a bound where there was none: oasdiff's "-set"
				rule = strings.TrimSuffix(strings.TrimSuffix(rule, "-decreased"), "-increased") + "-set"
			}
			c.report(sc, n, rule, Breaking, "%s changed from %s to %s", l.inclusive, showBound(ob), showBound(wb))
		}
		if !req && tighter(ob, wb, l.upper) {
			c.report(sc, n, l.loosened, Breaking, "%s changed from %s to %s: values callers did not expect may come back", l.inclusive, showBound(ob), showBound(wb))
		}
	}
}

// applies reports whether a bound keyword can bind a value of either
// schema: maxItems on a string schema is inert, and changing it changes
// nothing.
func applies(kw string, o, w map[string]any) bool {
	var t string
	switch kw {
	case "maximum", "minimum":
		t = "number"
	case "maxLength", "minLength":
		t = "string"
	case "maxItems", "minItems", "maxContains", "minContains":
		t = "array"
	case "maxProperties", "minProperties":
		t = "object"
	}
	ot, _ := typeSet(o)
	wt, _ := typeSet(w)
	return t == "" || admits(ot, t) || admits(wt, t) || (t == "number" && (admits(ot, "integer") || admits(wt, "integer")))
}

func showBound(b *bound) string {
	if b == nil {
		return "none"
	}
	s := b.v.RatString()
	if b.exclusive {
		s += " (exclusive)"
	}
	return s
}

func (c *comparer) properties(sc schemaScope, n spot, o, w map[string]any, req bool, depth int) {
	op, _ := o["properties"].(map[string]any)
	wp, _ := w["properties"].(map[string]any)
	if op == nil && wp == nil {
		return
	}
	oreq, wreq := stringSet(o["required"]), stringSet(w["required"])
	child := func(name string) spot {
		full := name
		if n.name != "" {
			full = n.name + "." + name
		}
		return spot{path: n.path + "/properties/" + escapeToken(name), name: full}
	}
	// readOnly and writeOnly are annotations in 2020-12, which is what the
	// validator applies: required binds either way. But a caller does not
	// send a readOnly property it need not send, and a response never
	// holds a writeOnly one, so changes to those bind nobody.
	flag := func(cs *components, v any, kw string) bool {
		m, _ := cs.resolve(v).(map[string]any)
		return m[kw] == true
	}
	oHidden := func(name string) bool {
		if req {
			return flag(c.olds, op[name], "readOnly") && !oreq[name]
		}
		return flag(c.olds, op[name], "writeOnly")
	}
	wHidden := func(name string) bool {
		if req {
			return flag(c.news, wp[name], "readOnly") && !wreq[name]
		}
		return flag(c.news, wp[name], "writeOnly")
	}
	for _, name := range sortedKeys(wp) {
		cn := child(name)
		ps, existed := op[name]
		switch {
		case !existed && req && wreq[name]:
			c.at(sc, cn, "new-required-request-property", Breaking, fmt.Sprintf("%s: the new property %q is required%s", sc.what, cn.name, defaultNoteOf(c.new, wp[name])))
		case !existed && req:
			c.at(sc, cn, "new-optional-request-property", Info, fmt.Sprintf("%s: the new property %q is optional", sc.what, cn.name))
		case !existed:
			c.at(sc, cn, "response-property-added", Info, fmt.Sprintf("%s: the new property %q may come back", sc.what, cn.name))
		case req && wreq[name] && !oreq[name]:
			c.at(sc, cn, "request-property-became-required", Breaking, fmt.Sprintf("%s: the property %q became required%s", sc.what, cn.name, defaultNoteOf(c.new, wp[name])))
		case req && !flag(c.olds, ps, "readOnly") && flag(c.news, wp[name], "readOnly"):
			c.at(sc, cn, "request-property-became-read-only", Warning, fmt.Sprintf("%s: the property %q became read-only: what callers send in it is ignored or refused", sc.what, cn.name))
		case !req && oHidden(name):
		case !req && oreq[name] && wHidden(name):
			c.at(sc, cn, "response-required-property-became-write-only", Breaking, fmt.Sprintf("%s: the property %q, which was always there, became write-only and no longer comes back", sc.what, cn.name))
		case !req && oreq[name] && !wreq[name]:
			c.at(sc, cn, "response-property-became-optional", Breaking, fmt.Sprintf("%s: the property %q is no longer always there", sc.what, cn.name))
		}
		if existed && !wHidden(name) {
			c.propertyLifecycle(sc, cn, ps, wp[name], req)
			c.schemaAt(sc, cn, ps, wp[name], depth+1)
		}
	}
	for _, name := range sortedKeys(op) {
		if _, still := wp[name]; still {
			continue
		}
		cn := child(name)
		switch {
		case oHidden(name):
			// callers never had to send it (request) or never got it (response)
		case req && c.propertyRemoved(sc, cn, op[name], "request-property-removed"):
		case !req && oreq[name] && c.propertyRemoved(sc, cn, op[name], "response-required-property-removed"):
		case req && c.refusesUnknownIn(c.new, w):
			c.at(sc, cn, "request-property-removed", Breaking, fmt.Sprintf("%s: the property %q was removed, and requests that still send it are refused as unknown", sc.what, cn.name))
		case req:
			c.at(sc, cn, "request-property-removed", Warning, fmt.Sprintf("%s: the property %q was removed; callers that still send it are ignored", sc.what, cn.name))
		case oreq[name]:
			c.at(sc, cn, "response-required-property-removed", Breaking, fmt.Sprintf("%s: the property %q, which was always there, was removed", sc.what, cn.name))
		default:
			c.at(sc, cn, "response-optional-property-removed", Warning, fmt.Sprintf("%s: the optional property %q was removed", sc.what, cn.name))
		}
	}
}

// unknownProperties reports a request object schema that now refuses
// properties it does not declare (additionalProperties: false added,
// say), which oasdiff does not see: callers that send extra properties
// were accepted and are refused.
func (c *comparer) unknownProperties(sc schemaScope, n spot, o, w map[string]any) {
	if sc.dir != DirectionRequest || !admits(typesOf(w), "object") {
		return
	}
	if _, declared := w["additionalProperties"]; !declared && w["properties"] == nil && w["unevaluatedProperties"] == nil {
		return // not an object schema of the contract's own
	}
	// A flip of the spec's own strictness is reported once, at the top.
	flipped := c.old.UnknownProperties.request() != c.new.UnknownProperties.request()
	if !flipped && !c.refusesUnknownIn(c.old, o) && c.refusesUnknownIn(c.new, w) {
		c.at(sc, n, "request-unknown-properties-refused", Breaking, fmt.Sprintf("%s: properties the schema does not declare are now refused", sc.describe(n)))
	}
}

// refusesUnknownIn reports whether a request object schema of s refuses
// properties it does not declare: by saying so, or by saying nothing
// while s's requests are strict.
func (c *comparer) refusesUnknownIn(s Spec, m map[string]any) bool {
	for _, kw := range []string{"additionalProperties", "unevaluatedProperties"} {
		if v, ok := m[kw]; ok {
			return v == false
		}
	}
	if _, ok := m["patternProperties"]; ok {
		return false
	}
	return s.UnknownProperties.request() == Reject
}

func defaultNoteOf(s Spec, v any) string {
	raw, _ := json.Marshal(v)
	return defaultNote(s, raw)
}

func (c *comparer) alternatives(sc schemaScope, n spot, kw string, o, w map[string]any, req bool, depth int) {
	oa, _ := o[kw].([]any)
	wa, _ := w[kw].([]any)
	if oa == nil && wa == nil {
		return
	}
	c.branches(sc, n, kw, oa, wa, req, depth)
}

// wrapped handles a schema that became a oneOf or anyOf, or stopped
// being one: the plain side is compared as a single branch, with the
// other side's keywords beside the list merged into each branch. It
// reports whether it did, in which case nothing else is compared here.
func (c *comparer) wrapped(sc schemaScope, n spot, o, w map[string]any, req bool, depth int) bool {
	composite := func(m map[string]any) string {
		for _, kw := range []string{"oneOf", "anyOf"} {
			if _, ok := m[kw].([]any); ok {
				return kw
			}
		}
		return ""
	}
	ok, wk := composite(o), composite(w)
	if (ok == "") == (wk == "") {
		return false
	}
	spread := func(m map[string]any, kw string) []any {
		rest := map[string]any{}
		for k, v := range m {
			if k != kw {
				rest[k] = v
			}
		}
		var out []any
		for _, b := range m[kw].([]any) {
			if len(rest) == 0 {
				out = append(out, b)
			} else {
				out = append(out, map[string]any{"allOf": []any{rest, b}})
			}
		}
		return out
	}
	if wk != "" {
		c.branches(sc, n, wk, []any{o}, spread(w, wk), req, depth)
	} else {
		c.branches(sc, n, ok, spread(o, ok), []any{w}, req, depth)
	}
	return true
}

// trialBudget bounds the schema nodes compared in trial pairings of
// branches in one Compare; past it, branches pair by position.
const trialBudget = 200_000

// trial runs f and returns the changes it found instead of keeping them.
func (c *comparer) trial(f func()) []Change {
	saved := c.out
	c.out = nil
	c.trials++
	f()
	c.trials--
	got := c.out
	c.out = saved
	return got
}

// branches pairs the alternatives of a oneOf or anyOf by content, not by
// position or $ref name: every value a caller could send must still be
// accepted by some branch (request), and every value that may come back
// must fit some branch the caller knew (response). Identical branches
// pair first; each other branch is paired with the one that breaks
// least, and only when none fits is a branch reported as removed
// (request) or added (response). In a request oneOf, a new branch that
// overlaps another makes values that matched one branch match two,
// which oneOf refuses; oasdiff misses that.
func (c *comparer) branches(sc schemaScope, n spot, kw string, oa, wa []any, req bool, depth int) {
	rule := map[string]string{"oneOf": "one-of", "anyOf": "any-of"}[kw]
	oldJSON, newJSON := make([]string, len(oa)), make([]string, len(wa))
	for i, x := range oa {
		oldJSON[i] = js(x)
	}
	for j, x := range wa {
		newJSON[j] = js(x)
	}
	// The side every branch of which must be matched: the old one for a
	// request, the new one for a response.
	from, to := oa, wa
	fromJSON, toJSON := oldJSON, newJSON
	if !req {
		from, to, fromJSON, toJSON = wa, oa, newJSON, oldJSON
	}
	matched := make([]bool, len(to)) // a branch of to that some branch of from pairs with
	// When the list shrank in a request (grew in a response), branches do
	// not share a partner, so that the surplus is reported as removed
	// (added): a new object branch a loose old one happens to admit is
	// still a kind of value callers never saw.
	exclusive := len(from) > len(to)
	// A branch written the same on both sides pairs with itself
	// unexamined: its components' own changes are reported where the spec
	// uses them otherwise, and following every such $ref through nested
	// lists costs more than a large spec allows.
	same := make([]bool, len(from))
	for i := range from {
		j := slices.IndexFunc(toJSON, func(x string) bool { return x == fromJSON[i] })
		for j >= 0 && matched[j] {
			next := slices.Index(toJSON[j+1:], fromJSON[i])
			if next < 0 {
				j = -1
			} else {
				j += 1 + next
			}
		}
		if j >= 0 {
			matched[j], same[i] = true, true
		}
	}
	for i := range from {
		if same[i] {
			continue
		}
		if c.trials > 0 || c.trialWork > trialBudget {
			// Inside a trial, or once the budget is spent, lists pair by
			// position: searching at every level of nested lists multiplies
			// the work (Stripe's expandable fields nest deep).
			switch {
			case i < len(to) && req:
				matched[i] = true
				c.schemaAt(sc, spot{path: fmt.Sprintf("%s/%s/%d", n.path, kw, i), name: n.name}, from[i], to[i], depth+1)
			case i < len(to):
				matched[i] = true
				c.schemaAt(sc, spot{path: fmt.Sprintf("%s/%s/%d", n.path, kw, i), name: n.name}, to[i], from[i], depth+1)
			case req:
				c.report(sc, n, rule+"-removed", Breaking, "the %s branch %d of %d accepts values that no branch accepts now", kw, i+1, len(oa))
			default:
				c.report(sc, n, rule+"-added", Breaking, "%s went from %d alternatives to %d: a value callers do not know may come back", kw, len(oa), len(wa))
			}
			continue
		}
		// The branch in the same place first: most lists keep their order,
		// and the first that fits ends the search.
		order := make([]int, 0, len(to))
		if i < len(to) {
			order = append(order, i)
		}
		for j := range to {
			if j != i {
				order = append(order, j)
			}
		}
		run := func(j int) []Change {
			oldB, newB, at := from[i], to[j], j
			if !req {
				oldB, newB, at = to[j], from[i], i
			}
			return c.trial(func() {
				c.schemaAt(sc, spot{path: fmt.Sprintf("%s/%s/%d", n.path, kw, at), name: n.name}, oldB, newB, depth+1)
			})
		}
		// How many breaking changes a pair has is remembered by content:
		// the same branches meet again under every operation that uses
		// them, and nested lists would otherwise multiply the work.
		best, bestBreaking, bestRan := -1, 0, false
		var bestChanges []Change
		for _, j := range order {
			if exclusive && matched[j] || c.apart(from[i], to[j]) {
				continue
			}
			key := fromJSON[i] + "\x00" + toJSON[j] + "\x00" + string(sc.dir)
			k, seen := c.misfits[key]
			var got []Change
			if !seen {
				if c.misfits == nil {
					c.misfits = map[string]int{}
				}
				// Recursive schemas meet this pair again inside the trial:
				// there it counts as no fit, and is not tried again.
				c.misfits[key] = math.MaxInt32
				got = run(j)
				k = len(BreakingChanges(got))
				c.misfits[key] = k
			}
			if k == math.MaxInt32 {
				continue
			}
			if best < 0 || k < bestBreaking {
				best, bestBreaking, bestChanges, bestRan = j, k, got, !seen
			}
			if k == 0 {
				break
			}
		}
		if best >= 0 && !bestRan {
			bestChanges = run(best)
		}
		switch {
		case best >= 0 && bestBreaking == 0:
			matched[best] = true
			c.out = append(c.out, bestChanges...)
		case req && best < 0:
			c.report(sc, n, rule+"-removed", Breaking, "the %s branch %d of %d accepts values that no branch accepts now", kw, i+1, len(oa))
		case !req && best < 0:
			c.report(sc, n, rule+"-added", Breaking, "%s went from %d alternatives to %d: a value callers do not know may come back", kw, len(oa), len(wa))
		default:
			matched[best] = true
			c.out = append(c.out, bestChanges...)
		}
	}
	if !req || kw != "oneOf" {
		return
	}
	for j := range wa {
		if matched[j] {
			continue
		}
		for k := range wa {
			if k != j && c.overlaps(wa[j], wa[k]) {
				c.report(sc, n, "one-of-overlapping-branch-added", Breaking, "the new oneOf branch %d also matches values of branch %d, and oneOf refuses a value that matches two", j+1, k+1)
				break
			}
		}
	}
}

// apart reports whether two branches admit no type in common, so that
// pairing them needs no closer look (Stripe's expandable fields, a
// string or an object, nest this deep).
func (c *comparer) apart(a, b any) bool {
	x, _ := c.olds.resolve(a).(map[string]any)
	y, _ := c.news.resolve(b).(map[string]any)
	if x == nil || y == nil {
		return false
	}
	xt, _ := typeSet(x)
	yt, _ := typeSet(y)
	if xt == nil || yt == nil {
		return false
	}
	for _, t := range xt {
		if admits(yt, t) || slices.Contains(yt, t) || (t == "number" && slices.Contains(yt, "integer")) {
			return false
		}
	}
	return true
}

// overlaps reports whether some value could match both request schemas
// a and b. It errs towards yes: two schemas are kept apart only by types
// that do not meet, a required property whose const or enum values do
// not meet, or, when unknown properties are refused, a required property
// one of them does not declare.
func (c *comparer) overlaps(a, b any) bool {
	x, _ := c.news.resolve(a).(map[string]any)
	y, _ := c.news.resolve(b).(map[string]any)
	if x == nil || y == nil {
		return a != false && b != false
	}
	xt, _ := typeSet(x)
	yt, _ := typeSet(y)
	if xt != nil && yt != nil && !slices.ContainsFunc(xt, func(t string) bool { return admits(yt, t) || slices.Contains(yt, t) }) &&
		!slices.ContainsFunc(yt, func(t string) bool { return admits(xt, t) }) {
		return false
	}
	if disjointValues(x, y) {
		return false
	}
	xp, _ := x["properties"].(map[string]any)
	yp, _ := y["properties"].(map[string]any)
	xr, yr := stringSet(x["required"]), stringSet(y["required"])
	for name := range xr {
		if yr[name] && disjointValues(c.news.resolve(xp[name]), c.news.resolve(yp[name])) {
			return false
		}
		if _, declared := yp[name]; !declared && c.refusesUnknownIn(c.new, y) {
			return false
		}
	}
	for name := range yr {
		if _, declared := xp[name]; !declared && c.refusesUnknownIn(c.new, x) {
			return false
		}
	}
	return true
}

// disjointValues reports whether two schemas' const or enum lists share
// no value.
func disjointValues(a, b any) bool {
	values := func(v any) ([]any, bool) {
		m, _ := v.(map[string]any)
		if c, ok := m["const"]; ok {
			return []any{c}, true
		}
		e, ok := m["enum"].([]any)
		return e, ok
	}
	av, okA := values(a)
	bv, okB := values(b)
	if !okA || !okB {
		return false
	}
	for _, x := range av {
		for _, y := range bv {
			if sameJSON(x, y) {
				return false
			}
		}
	}
	return true
}

func rat(v any) *big.Rat {
	switch x := v.(type) {
	case json.Number:
		r, ok := new(big.Rat).SetString(x.String())
		if ok {
			return r
		}
	case float64:
		return new(big.Rat).SetFloat64(x)
	}
	return nil
}

func stringSet(v any) map[string]bool {
	out := map[string]bool{}
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out[s] = true
		}
	}
	return out
}

func js(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

func joinJSON(list []any) string {
	parts := make([]string, len(list))
	for i, v := range list {
		parts[i] = js(v)
	}
	return strings.Join(parts, ", ")
}

func sameJSON(a, b any) bool { return js(a) == js(b) }
