package contract

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/invopop/jsonschema"
)

// SchemaSet generates JSON Schemas from Go types into a contract's shared
// components, so the contract and the code that serves it cannot drift.
//
// Names: each named type becomes the component "<package>.<Type>" (orders.Order),
// generic instances spell their arguments the same way (api.Page_orders.Item).
// Two different types that would get the same name (two packages both named
// orders, each with an Order) are an error, never a silent overwrite.
//
// Required properties follow encoding/json: a field is required unless its
// json tag has omitempty or omitzero (or it has `jsonschema:"required"`,
// which forces it). A pointer, slice or map field without omitempty is
// required but may be null, because encoding/json writes null for nil.
//
// Generated object schemas leave unknown properties to the contract's
// UnknownProperties setting, so one type serves strict requests and tolerant
// responses. A SchemaSet is not safe for concurrent use.
type SchemaSet struct {
	names   map[string]reflect.Type
	schemas map[string]json.RawMessage
}

// NewSchemaSet returns an empty set.
func NewSchemaSet() *SchemaSet {
	return &SchemaSet{names: map[string]reflect.Type{}, schemas: map[string]json.RawMessage{}}
}

// Ref generates the schema of v's type and of every named type it uses,
// adds them to the set, and returns the schema to put in an operation: a
// {"$ref": "#/components/schemas/<name>"} for a named struct, an inline
// schema otherwise (a slice of orders is an array whose items are a $ref).
func (s *SchemaSet) Ref(v any) (json.RawMessage, error) {
	t := reflect.TypeOf(v)
	if t == nil {
		return nil, fmt.Errorf("contract: SchemaSet.Ref of a nil interface")
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var collision error
	seen := map[string]reflect.Type{}
	r := &jsonschema.Reflector{
		AllowAdditionalProperties: true,
		Anonymous:                 true,
		Namer: func(t reflect.Type) string {
			name := componentName(t)
			if name == "" {
				return ""
			}
			if prev, ok := s.names[name]; ok && prev != t && collision == nil {
				collision = fmt.Errorf("contract: schema name %q is taken by %s and %s; rename one of the types", name, typeID(prev), typeID(t))
			}
			seen[name] = t
			return name
		},
	}
	root := r.ReflectFromType(t)
	if collision != nil {
		return nil, collision
	}
	defs := root.Definitions
	root.Definitions = nil
	root.Version = ""
	for name, def := range defs {
		typ := seen[name]
		if typ == nil {
			continue
		}
		tree, err := toTree(def)
		if err != nil {
			return nil, err
		}
		rewriteRefs(tree)
		if m, ok := tree.(map[string]any); ok && typ.Kind() == reflect.Struct {
			allowNullFields(m, typ)
		}
		raw, err := json.Marshal(tree)
		if err != nil {
			return nil, err
		}
		if prev, ok := s.schemas[name]; ok && string(prev) != string(raw) {
			return nil, fmt.Errorf("contract: schema %q generated twice with different results", name)
		}
		s.schemas[name] = raw
		s.names[name] = typ
	}
	tree, err := toTree(root)
	if err != nil {
		return nil, err
	}
	rewriteRefs(tree)
	return json.Marshal(tree)
}

// MustRef is Ref for contracts written in Go: it panics on error.
func (s *SchemaSet) MustRef(v any) json.RawMessage {
	raw, err := s.Ref(v)
	if err != nil {
		panic(err)
	}
	return raw
}

// Schemas returns the generated components, to use as Spec.Schemas.
func (s *SchemaSet) Schemas() map[string]json.RawMessage { return cloneSchemas(s.schemas) }

var pathPrefix = regexp.MustCompile(`[\w.\-~]+/`)

// componentName is "<package>.<Type>" with generic arguments spelled the
// same way, restricted to the characters OpenAPI allows in component names.
func componentName(t reflect.Type) string {
	name := t.Name()
	if name == "" {
		return ""
	}
	if pkg := t.PkgPath(); pkg != "" {
		name = pkg[strings.LastIndexByte(pkg, '/')+1:] + "." + name
	}
	name = pathPrefix.ReplaceAllString(name, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		case r == ']':
			return -1
		}
		return '_'
	}, name)
}

func typeID(t reflect.Type) string {
	if t.PkgPath() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}

func toTree(s *jsonschema.Schema) (any, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return decodeSchema(raw), nil
}

func rewriteRefs(node any) {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			if name, ok := strings.CutPrefix(ref, "#/$defs/"); ok {
				n["$ref"] = componentPrefix + name
			}
		}
		for _, v := range n {
			rewriteRefs(v)
		}
	case []any:
		for _, v := range n {
			rewriteRefs(v)
		}
	}
}

// allowNullFields lets the properties of nil-able fields without omitempty
// be null, as encoding/json writes them.
func allowNullFields(schema map[string]any, t reflect.Type) {
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		return
	}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					visit(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,") {
				continue
			}
			switch ft.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map:
				if p, ok := props[name].(map[string]any); ok {
					props[name] = nullable(p)
				}
			}
		}
	}
	visit(t)
}

func nullable(p map[string]any) map[string]any {
	switch t := p["type"].(type) {
	case string:
		if t != "null" {
			p["type"] = []any{t, "null"}
		}
		return p
	case []any:
		for _, x := range t {
			if x == "null" {
				return p
			}
		}
		p["type"] = append(t, "null")
		return p
	}
	if ref, ok := p["$ref"]; ok {
		delete(p, "$ref")
		p["anyOf"] = []any{map[string]any{"$ref": ref}, map[string]any{"type": "null"}}
	}
	return p
}
