// Package fastschema checks raw JSON bytes against a JSON Schema (draft
// 2020-12, the keywords accord generates and imports) in one pass, without
// decoding the document first and without allocating when it is valid.
//
// It is a companion to a full validator, not a replacement: Compile refuses
// schemas with keywords it does not judge (naming the first), and Check
// answers Unknown when it meets input it does not judge exactly (a
// duplicate key, a number with more digits than it compares, more than 64
// members or items where unevaluated* needs to know which were evaluated).
// The caller then asks the full validator, which also writes the messages
// for invalid documents.
package fastschema

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Unsupported is the error Compile returns for a schema it does not judge.
type Unsupported struct {
	Pointer string // where, as a JSON pointer into the root
	Reason  string
}

func (u *Unsupported) Error() string {
	return fmt.Sprintf("%s: %s", u.Pointer, u.Reason)
}

// Format checks a string against a named format; it is given a string and
// returns whether it conforms (the full validator's own function, so both
// paths agree).
type Format func(any) bool

// Program is a compiled schema. It is immutable and safe for concurrent use.
type Program struct {
	root *node
}

// maxSlots bounds the named properties (properties, required,
// dependentRequired) of one object schema, so that which were seen fits in
// one machine word.
const maxSlots = 64

type node struct {
	always int8 // 1: the schema true, -1: false, 0: check the keywords
	types  uint8

	ref                 *node
	allOf, anyOf, oneOf []*node
	not, ifs, then, els *node
	inPlace             bool // has any of the above: re-run over the same bytes

	enum *enumSet

	min, max, exMin, exMax, multipleOf *decimal

	minLen, maxLen int // -1 when absent
	pattern        *regexp.Regexp
	format         Format
	formatName     string

	prefixItems              []*node
	items, contains          *node
	minContains, maxContains int
	minItems, maxItems       int
	unique                   bool
	unevalItems              *node

	slots              map[string]int
	props              []*node // by slot; nil for a slot properties does not name
	required           uint64
	patternProps       []patternProp
	additional         *node
	propertyNames      *node
	minProps, maxProps int
	dependentRequired  []dependency
	dependentSchemas   map[int]*node
	unevalProps        *node
}

type patternProp struct {
	re     *regexp.Regexp
	schema *node
}

type dependency struct {
	slot int
	mask uint64
}

// Type bits. Integers are the numbers with an integral value, as JSON
// Schema defines them.
const (
	tNull uint8 = 1 << iota
	tBool
	tInteger
	tFraction
	tString
	tArray
	tObject
	tNumber = tInteger | tFraction
)

var typeBits = map[string]uint8{"null": tNull, "boolean": tBool, "integer": tInteger, "number": tNumber, "string": tString, "array": tArray, "object": tObject}

// ignored are keywords that do not decide validity (annotations), or that
// the full validator ignores in draft 2020-12.
var ignored = map[string]bool{
	"$schema": true, "$comment": true, "$defs": true, "definitions": true, "title": true, "description": true,
	"default": true, "examples": true, "example": true, "deprecated": true, "readOnly": true, "writeOnly": true,
	"contentEncoding": true, "contentMediaType": true, "contentSchema": true, "discriminator": true, "nullable": true,
	"xml": true, "externalDocs": true, "then": true, "else": true,
}

// Compile compiles the schema at pointer (a JSON pointer, "" for the
// whole) in root, a document decoded with json.Number numbers. $refs are
// JSON pointers into root ("#/..."). formats maps format names to their
// checks; a format not in it is not checked, as in the full validator.
func Compile(root any, pointer string, formats map[string]Format) (*Program, error) {
	return NewCompiler(root, formats).Compile(pointer)
}

// Compiler compiles several schemas of one document, sharing what they
// refer to: an API's operations use the same components.
type Compiler struct {
	root    any
	formats map[string]Format
	nodes   map[string]*node // by pointer: shared subschemas and cycles compile once
	failed  map[string]error
	created []string
}

// NewCompiler returns a compiler for the schemas in root.
func NewCompiler(root any, formats map[string]Format) *Compiler {
	return &Compiler{root: root, formats: formats, nodes: map[string]*node{}, failed: map[string]error{}}
}

// Compile compiles the schema at pointer, as the function Compile does.
func (c *Compiler) Compile(pointer string) (*Program, error) {
	target, err := c.resolve(pointer)
	if err != nil {
		return nil, err
	}
	if m, ok := target.(map[string]any); ok {
		if s, ok := m["$schema"].(string); ok && s != "https://json-schema.org/draft/2020-12/schema" {
			return nil, &Unsupported{Pointer: pointer + "/$schema", Reason: "a draft other than 2020-12"}
		}
	}
	start := len(c.created)
	n, err := c.compile(target, pointer)
	if err != nil {
		// Nodes made on the way may point at ones that failed.
		for _, ptr := range c.created[start:] {
			delete(c.nodes, ptr)
		}
		c.created = c.created[:start]
		return nil, err
	}
	return &Program{root: n}, nil
}

func (c *Compiler) resolve(pointer string) (any, error) {
	cur := c.root
	if pointer == "" {
		return cur, nil
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, &Unsupported{Pointer: pointer, Reason: "not a JSON pointer"}
	}
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, &Unsupported{Pointer: pointer, Reason: "points at nothing"}
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, &Unsupported{Pointer: pointer, Reason: "points at nothing"}
			}
			cur = v[i]
		default:
			return nil, &Unsupported{Pointer: pointer, Reason: "points at nothing"}
		}
	}
	return cur, nil
}

func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

func (c *Compiler) compile(schema any, ptr string) (*node, error) {
	if n, ok := c.nodes[ptr]; ok {
		return n, nil
	}
	if err, ok := c.failed[ptr]; ok {
		return nil, err
	}
	n := &node{minLen: -1, maxLen: -1, minItems: -1, maxItems: -1, minProps: -1, maxProps: -1, minContains: 1, maxContains: -1}
	c.nodes[ptr] = n
	c.created = append(c.created, ptr)
	var err error
	switch s := schema.(type) {
	case bool:
		n.always = -1
		if s {
			n.always = 1
		}
	case map[string]any:
		err = c.keywords(n, s, ptr)
	default:
		err = &Unsupported{Pointer: ptr, Reason: "a schema must be an object or a boolean"}
	}
	if err != nil {
		c.failed[ptr] = err
		return nil, err
	}
	return n, nil
}

func (c *Compiler) sub(m map[string]any, kw, ptr string) (*node, error) {
	v, ok := m[kw]
	if !ok {
		return nil, nil
	}
	return c.compile(v, ptr+"/"+escape(kw))
}

func (c *Compiler) list(m map[string]any, kw, ptr string) ([]*node, error) {
	v, ok := m[kw]
	if !ok {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return nil, &Unsupported{Pointer: ptr + "/" + kw, Reason: "must be a non-empty array"}
	}
	out := make([]*node, len(l))
	for i, s := range l {
		n, err := c.compile(s, fmt.Sprintf("%s/%s/%d", ptr, kw, i))
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func (c *Compiler) keywords(n *node, m map[string]any, ptr string) error {
	bad := func(kw, reason string) error {
		return &Unsupported{Pointer: ptr + "/" + escape(kw), Reason: reason}
	}
	// Keywords are read in a fixed order so that errors are stable.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var err error
	for _, kw := range keys {
		v := m[kw]
		switch kw {
		case "type":
			switch t := v.(type) {
			case string:
				if typeBits[t] == 0 {
					return bad(kw, "unknown type")
				}
				n.types = typeBits[t]
			case []any:
				for _, e := range t {
					s, _ := e.(string)
					if typeBits[s] == 0 {
						return bad(kw, "unknown type")
					}
					n.types |= typeBits[s]
				}
			default:
				return bad(kw, "must be a string or an array")
			}
		case "enum":
			l, ok := v.([]any)
			if !ok {
				return bad(kw, "must be an array")
			}
			if n.enum, err = newEnum(l); err != nil {
				return bad(kw, err.Error())
			}
		case "const":
			if _, hasEnum := m["enum"]; hasEnum {
				return bad(kw, "const beside enum")
			}
			if n.enum, err = newEnum([]any{v}); err != nil {
				return bad(kw, err.Error())
			}
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
			num, ok := v.(json.Number)
			if !ok {
				return bad(kw, "must be a number")
			}
			d, ok := parseDecimal([]byte(num.String()))
			if !ok {
				return bad(kw, "a number accord does not compare exactly")
			}
			switch kw {
			case "minimum":
				n.min = d
			case "maximum":
				n.max = d
			case "exclusiveMinimum":
				n.exMin = d
			case "exclusiveMaximum":
				n.exMax = d
			case "multipleOf":
				if d.zero() || d.neg {
					return bad(kw, "must be greater than 0")
				}
				n.multipleOf = d
			}
		case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains":
			i, ok := count(v)
			if !ok {
				return bad(kw, "must be a non-negative integer")
			}
			*map[string]*int{"minLength": &n.minLen, "maxLength": &n.maxLen, "minItems": &n.minItems, "maxItems": &n.maxItems,
				"minProperties": &n.minProps, "maxProperties": &n.maxProps, "minContains": &n.minContains, "maxContains": &n.maxContains}[kw] = i
		case "pattern":
			s, ok := v.(string)
			if !ok {
				return bad(kw, "must be a string")
			}
			if n.pattern, err = regexp.Compile(s); err != nil {
				return bad(kw, "not a regular expression Go reads")
			}
		case "format":
			s, ok := v.(string)
			if !ok {
				return bad(kw, "must be a string")
			}
			n.format, n.formatName = c.formats[s], s
		case "uniqueItems":
			b, ok := v.(bool)
			if !ok {
				return bad(kw, "must be a boolean")
			}
			n.unique = b
		case "required":
			l, ok := v.([]any)
			if !ok {
				return bad(kw, "must be an array")
			}
			for _, e := range l {
				s, ok := e.(string)
				if !ok {
					return bad(kw, "must list strings")
				}
				slot, err := n.slot(s)
				if err != nil {
					return bad(kw, err.Error())
				}
				n.required |= 1 << slot
			}
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return bad(kw, "must be an object")
			}
			for _, name := range sortedKeys(props) {
				slot, err := n.slot(name)
				if err != nil {
					return bad(kw, err.Error())
				}
				if n.props[slot], err = c.compile(props[name], ptr+"/properties/"+escape(name)); err != nil {
					return err
				}
			}
		case "patternProperties":
			pats, ok := v.(map[string]any)
			if !ok {
				return bad(kw, "must be an object")
			}
			for _, p := range sortedKeys(pats) {
				re, err := regexp.Compile(p)
				if err != nil {
					return bad(kw, "not a regular expression Go reads")
				}
				s, err := c.compile(pats[p], ptr+"/patternProperties/"+escape(p))
				if err != nil {
					return err
				}
				n.patternProps = append(n.patternProps, patternProp{re, s})
			}
		case "dependentRequired":
			deps, ok := v.(map[string]any)
			if !ok {
				return bad(kw, "must be an object")
			}
			for _, name := range sortedKeys(deps) {
				l, ok := deps[name].([]any)
				if !ok {
					return bad(kw, "must map names to arrays")
				}
				slot, err := n.slot(name)
				if err != nil {
					return bad(kw, err.Error())
				}
				d := dependency{slot: slot}
				for _, e := range l {
					s, ok := e.(string)
					if !ok {
						return bad(kw, "must list strings")
					}
					other, err := n.slot(s)
					if err != nil {
						return bad(kw, err.Error())
					}
					d.mask |= 1 << other
				}
				n.dependentRequired = append(n.dependentRequired, d)
			}
		case "dependentSchemas":
			deps, ok := v.(map[string]any)
			if !ok {
				return bad(kw, "must be an object")
			}
			n.dependentSchemas = map[int]*node{}
			for _, name := range sortedKeys(deps) {
				slot, err := n.slot(name)
				if err != nil {
					return bad(kw, err.Error())
				}
				if n.dependentSchemas[slot], err = c.compile(deps[name], ptr+"/dependentSchemas/"+escape(name)); err != nil {
					return err
				}
			}
			n.inPlace = true
		case "additionalProperties":
			if n.additional, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
		case "propertyNames":
			if n.propertyNames, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
		case "unevaluatedProperties":
			if n.unevalProps, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
		case "items":
			if _, isList := v.([]any); isList {
				return bad(kw, "items must be a schema in draft 2020-12")
			}
			if n.items, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
		case "prefixItems":
			if n.prefixItems, err = c.list(m, kw, ptr); err != nil {
				return err
			}
		case "contains":
			if n.contains, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
		case "unevaluatedItems":
			if n.unevalItems, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
		case "allOf", "anyOf", "oneOf":
			l, err := c.list(m, kw, ptr)
			if err != nil {
				return err
			}
			*map[string]*[]*node{"allOf": &n.allOf, "anyOf": &n.anyOf, "oneOf": &n.oneOf}[kw] = l
			n.inPlace = true
		case "not":
			if n.not, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
			n.inPlace = true
		case "if":
			if n.ifs, err = c.sub(m, kw, ptr); err != nil {
				return err
			}
			if n.then, err = c.sub(m, "then", ptr); err != nil {
				return err
			}
			if n.els, err = c.sub(m, "else", ptr); err != nil {
				return err
			}
			n.inPlace = true
		case "$ref":
			ref, ok := v.(string)
			if !ok || !strings.HasPrefix(ref, "#") {
				return bad(kw, "only references within the document (#...) are compiled")
			}
			frag := ref[1:]
			if strings.Contains(frag, "%") {
				if frag, err = url.PathUnescape(frag); err != nil {
					return bad(kw, "a malformed reference")
				}
			}
			target, err := c.resolve(frag)
			if err != nil {
				return err
			}
			if n.ref, err = c.compile(target, frag); err != nil {
				return err
			}
			n.inPlace = true
		case "$id":
			if ptr != "" {
				return bad(kw, "a nested $id changes how references resolve")
			}
		default:
			if ignored[kw] || strings.HasPrefix(kw, "x-") {
				continue
			}
			switch kw {
			case "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef", "$recursiveAnchor", "$vocabulary", "dependencies":
				return bad(kw, "not compiled")
			}
			// Any other word is not a keyword of draft 2020-12, and the
			// full validator ignores it too.
		}
	}
	return nil
}

// slot returns the index of a named property, adding it.
func (n *node) slot(name string) (int, error) {
	if i, ok := n.slots[name]; ok {
		return i, nil
	}
	if len(n.props) == maxSlots {
		return 0, fmt.Errorf("more than %d named properties", maxSlots)
	}
	if n.slots == nil {
		n.slots = map[string]int{}
	}
	n.slots[name] = len(n.props)
	n.props = append(n.props, nil)
	return len(n.props) - 1, nil
}

func count(v any) (int, bool) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	d, ok := parseDecimal([]byte(num.String()))
	if !ok || d.neg || !d.integral() {
		return 0, false
	}
	i, err := strconv.Atoi(num.String())
	if err != nil {
		// 5.0 and 1e2 are integers too.
		f, ferr := num.Float64()
		if ferr != nil || f > 1<<31 {
			return 0, false
		}
		return int(f), true
	}
	return i, i >= 0
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// enumSet holds the allowed values by kind, so that a scalar is looked up
// without decoding it into a value.
type enumSet struct {
	strings  map[string]bool
	numbers  map[string]bool // by decimal key
	trueOK   bool
	falseOK  bool
	nullOK   bool
	compound bool // an object or array is allowed: Check says Unknown for those
}

func newEnum(values []any) (*enumSet, error) {
	e := &enumSet{strings: map[string]bool{}, numbers: map[string]bool{}}
	for _, v := range values {
		switch x := v.(type) {
		case string:
			e.strings[x] = true
		case json.Number:
			d, ok := parseDecimal([]byte(x.String()))
			if !ok {
				return nil, fmt.Errorf("a number accord does not compare exactly")
			}
			e.numbers[string(d.key(nil))] = true
		case bool:
			if x {
				e.trueOK = true
			} else {
				e.falseOK = true
			}
		case nil:
			e.nullOK = true
		case map[string]any, []any:
			e.compound = true
		default:
			return nil, fmt.Errorf("a value of type %T", v)
		}
	}
	return e, nil
}
