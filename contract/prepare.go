package contract

import (
	"strings"
)

// The JSON Schema applicators whose subschemas apply to the same instance as
// their parent. An object schema that uses them is made strict as a whole
// (unevaluatedProperties on the parent, which sees through them), never
// member by member, or allOf: [Base, {extra}] would reject its own fields.
var sameInstance = []string{"allOf", "anyOf", "oneOf", "if", "then", "else", "dependentSchemas", "not"}

// Subschemas that apply to child values, one level down.
var childSchemas = []string{"properties", "patternProperties", "$defs", "definitions"}
var childSchema = []string{"items", "additionalProperties", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}

const componentPrefix = "#/components/schemas/"

// makeStrict adds "unevaluatedProperties": false to every object schema in
// the documents that declares properties (itself, through a $ref or through
// allOf/anyOf/oneOf) and says nothing about unknown ones, so that undeclared
// properties are rejected. Only the outermost schema of a composition is
// marked, because unevaluatedProperties sees through $ref and the
// applicators: marking the members would make allOf: [Base, {extra}]
// reject its own fields. For the same reason a component is marked where it
// is used, not where it is defined.
func makeStrict(components map[string]any, roots []any) {
	var mark func(node any, member bool)
	mark = func(node any, member bool) {
		m, ok := node.(map[string]any)
		if !ok {
			return
		}
		open := !member && openByDefault(m)
		declareRequired(m) // before: a schema with required alone stays open
		if open {
			m["unevaluatedProperties"] = false
		}
		eachSubschema(m, mark)
	}
	for _, s := range components {
		mark(s, true)
	}
	for _, r := range roots {
		mark(r, false)
	}
}

// declareRequired adds each name m requires but does not describe to its
// properties, as true: required names a property, and a strict schema
// that rejected it could accept no object at all (Readme's
// schema-enums.yaml requires "enum (with example) *required" and
// describes only its neighbours). Only schemas with no rule of their own
// for other properties are touched, where the addition changes nothing
// but which properties count as declared.
func declareRequired(m map[string]any) {
	required, _ := m["required"].([]any)
	if len(required) == 0 {
		return
	}
	for _, k := range []string{"additionalProperties", "unevaluatedProperties", "patternProperties"} {
		if _, ok := m[k]; ok {
			return
		}
	}
	props, ok := m["properties"].(map[string]any)
	if !ok && m["properties"] != nil {
		return
	}
	for _, r := range required {
		name, ok := r.(string)
		if !ok {
			continue
		}
		if _, described := props[name]; described {
			continue
		}
		if props == nil {
			props = map[string]any{}
			m["properties"] = props
		}
		props[name] = true
	}
}

// openByDefault reports whether m may describe an object with declared
// properties and has no rule of its own for the others.
func openByDefault(m map[string]any) bool {
	for _, k := range []string{"additionalProperties", "unevaluatedProperties", "patternProperties"} {
		if _, ok := m[k]; ok {
			return false
		}
	}
	for _, k := range []string{"properties", "$ref", "allOf", "anyOf", "oneOf"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// eachSubschema calls fn for every subschema of m, saying whether the
// subschema is a member of m (applies to the same instance).
func eachSubschema(m map[string]any, fn func(node any, member bool)) {
	for _, k := range sameInstance {
		switch v := m[k].(type) {
		case []any:
			for _, s := range v {
				fn(s, true)
			}
		case map[string]any:
			if k == "dependentSchemas" {
				for _, s := range v {
					fn(s, true)
				}
			} else {
				fn(v, true)
			}
		}
	}
	for _, k := range childSchemas {
		if v, ok := m[k].(map[string]any); ok {
			for _, s := range v {
				fn(s, false)
			}
		}
	}
	for _, k := range childSchema {
		if v, ok := m[k]; ok {
			fn(v, false)
		}
	}
	if v, ok := m["prefixItems"].([]any); ok {
		for _, s := range v {
			fn(s, false)
		}
	}
}

func unescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
