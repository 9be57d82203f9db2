package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// addSchemaViolations turns the validator's error tree into violations: one
// per failed keyword, each pointing at the offending value, worded for a
// reader who does not know JSON Schema.
func (v *Validator) addSchemaViolations(res *Result, base Violation, err error, instance any) {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		base.Keyword, base.Message = "schema", err.Error()
		res.Violations = append(res.Violations, base)
		return
	}
	start := len(res.Violations)
	var dropped []Violation
	v.walkErrors(res, base, ve, instance, &dropped)
	if len(res.Violations) == start {
		// Every failure was a declared property reading as unevaluated;
		// the declaration was in a branch that did not apply after all.
		res.Violations = append(res.Violations, dropped...)
	}
}

func (v *Validator) walkErrors(res *Result, base Violation, ve *jsonschema.ValidationError, instance any, dropped *[]Violation) {
	loc := plainPointer(ve.InstanceLocation)
	keyword := lastToken(ve.KeywordLocation)
	if len(ve.Causes) > 0 && keyword != "anyOf" && keyword != "oneOf" {
		for _, c := range ve.Causes {
			v.walkErrors(res, base, c, instance, dropped)
		}
		return
	}
	schemaValue, parent := v.schemaAt(ve.AbsoluteKeywordLocation)
	switch keyword {
	case "required":
		if obj, ok := v.instanceAt(instance, loc).(map[string]any); ok {
			if names, ok := schemaValue.([]any); ok {
				for _, n := range names {
					name, _ := n.(string)
					if _, present := obj[name]; !present {
						vl := base
						vl.Pointer = loc + "/" + escapeToken(name)
						vl.Keyword, vl.Message = "required", "is required"
						res.Violations = append(res.Violations, vl)
					}
				}
				return
			}
		}
	case "unevaluatedProperties":
		// JSON Schema drops the annotations of a failing subschema, so a
		// declared property reads as unevaluated as soon as anything else in
		// its object fails. Only report properties no branch declares.
		doc, _ := logicalLocation(ve.AbsoluteKeywordLocation)
		if v.declares(v.docs[doc], parent, lastToken(loc), 0) {
			var scratch Result
			v.add(&scratch, base, loc, keyword, describe(keyword, schemaValue, ve.Message), instance)
			*dropped = append(*dropped, scratch.Violations...)
			return
		}
	case "additionalProperties":
		if schemaValue == false {
			obj, _ := v.instanceAt(instance, loc).(map[string]any)
			props, _ := parent["properties"].(map[string]any)
			if _, hasPatterns := parent["patternProperties"]; obj != nil && !hasPatterns {
				for _, name := range sortedKeys(obj) {
					if _, declared := props[name]; !declared {
						v.add(res, base, loc+"/"+escapeToken(name), keyword, "is not a property the contract declares", instance)
					}
				}
				return
			}
		}
	}
	v.add(res, base, loc, keywordName(keyword, ve.Message), describe(keyword, schemaValue, ve.Message), instance)
}

// plainPointer undoes the percent-encoding the JSON Schema library puts
// on instance locations (/first%20name), so that a violation's pointer is
// a JSON pointer into the body as sent (/first name), and finds its value.
func plainPointer(loc string) string {
	if !strings.Contains(loc, "%") {
		return loc
	}
	toks := strings.Split(loc, "/")
	for i, t := range toks {
		if u, err := url.PathUnescape(t); err == nil {
			toks[i] = u
		}
	}
	return strings.Join(toks, "/")
}

func (v *Validator) add(res *Result, base Violation, pointer, keyword, message string, instance any) {
	base.Pointer, base.Keyword, base.Message = pointer, keyword, message
	if !v.redact {
		base.Value = shortJSON(v.instanceAt(instance, pointer))
	}
	res.Violations = append(res.Violations, base)
}

// keywordName is the keyword as reported. A boolean false schema has no
// keyword of its own; its location ends with a property name or index.
func keywordName(keyword, message string) string {
	if _, known := describers[keyword]; known {
		return keyword
	}
	if message == "not allowed" {
		return "false"
	}
	return keyword
}

// declares reports whether schema (or anything it refers to or composes)
// declares the property name.
func (v *Validator) declares(root any, schema map[string]any, name string, depth int) bool {
	if schema == nil || depth > 16 {
		return false
	}
	if props, ok := schema["properties"].(map[string]any); ok {
		if _, ok := props[name]; ok {
			return true
		}
	}
	if pats, ok := schema["patternProperties"].(map[string]any); ok {
		for pat := range pats {
			if re, err := regexp.Compile(pat); err == nil && re.MatchString(name) {
				return true
			}
		}
	}
	if ref, ok := schema["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		target, _ := resolvePointer(root, splitPointer(ref[1:]))
		if m, ok := target.(map[string]any); ok && v.declares(root, m, name, depth+1) {
			return true
		}
	}
	found := false
	eachSubschema(schema, func(node any, member bool) {
		if m, ok := node.(map[string]any); ok && member && !found {
			found = v.declares(root, m, name, depth+1)
		}
	})
	return found
}

type describer func(value any) string

var describers = map[string]describer{
	"type":                  func(v any) string { return "must be " + typeList(v) },
	"enum":                  func(v any) string { return "must be one of " + valueList(v) },
	"const":                 func(v any) string { return "must be exactly " + shortJSON(v) },
	"format":                func(v any) string { return fmt.Sprintf("must be a valid %v", v) },
	"minimum":               func(v any) string { return fmt.Sprintf("must be at least %v", v) },
	"maximum":               func(v any) string { return fmt.Sprintf("must be at most %v", v) },
	"exclusiveMinimum":      func(v any) string { return fmt.Sprintf("must be greater than %v", v) },
	"exclusiveMaximum":      func(v any) string { return fmt.Sprintf("must be less than %v", v) },
	"multipleOf":            func(v any) string { return fmt.Sprintf("must be a multiple of %v", v) },
	"minLength":             func(v any) string { return fmt.Sprintf("must be at least %v characters long", v) },
	"maxLength":             func(v any) string { return fmt.Sprintf("must be at most %v characters long", v) },
	"pattern":               func(v any) string { return fmt.Sprintf("must match the pattern %v", v) },
	"minItems":              func(v any) string { return fmt.Sprintf("must have at least %v items", v) },
	"maxItems":              func(v any) string { return fmt.Sprintf("must have at most %v items", v) },
	"minProperties":         func(v any) string { return fmt.Sprintf("must have at least %v properties", v) },
	"maxProperties":         func(v any) string { return fmt.Sprintf("must have at most %v properties", v) },
	"anyOf":                 func(any) string { return "does not match any of the allowed forms" },
	"oneOf":                 func(any) string { return "must match exactly one of the allowed forms" },
	"not":                   func(any) string { return "matches a form that is not allowed" },
	"unevaluatedProperties": func(any) string { return "is not a property the contract declares" },
	"additionalProperties":  func(any) string { return "is not a property the contract declares" },
	"unevaluatedItems":      func(any) string { return "is an item the contract does not declare" },
	"required":              func(any) string { return "misses required properties" },
}

func describe(keyword string, schemaValue any, fallback string) string {
	if fallback == "no value is allowed: the enum is empty" {
		return fallback
	}
	d, ok := describers[keyword]
	if !ok || schemaValue == nil && keyword != "anyOf" && keyword != "oneOf" && keyword != "not" {
		if fallback == "not allowed" {
			return "is not allowed here"
		}
		return fallback
	}
	if keyword == "uniqueItems" || keyword == "dependentRequired" {
		return fallback
	}
	return d(schemaValue)
}

var typeArticles = map[string]string{
	"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
	"object": "an object", "array": "an array", "null": "null",
}

func typeList(v any) string {
	var names []string
	switch t := v.(type) {
	case string:
		names = append(names, t)
	case []any:
		for _, x := range t {
			names = append(names, fmt.Sprint(x))
		}
	}
	for i, n := range names {
		if a, ok := typeArticles[n]; ok {
			names[i] = a
		}
	}
	return strings.Join(names, " or ")
}

func valueList(v any) string {
	list, _ := v.([]any)
	parts := make([]string, 0, len(list))
	for i, x := range list {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("… (%d in all)", len(list)))
			break
		}
		parts = append(parts, shortJSON(x))
	}
	return strings.Join(parts, ", ")
}

// shortJSON renders a value as JSON, cut to a readable length.
func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// schemaAt returns the schema value at an absolute keyword location and the
// schema object holding it, read from the compiled documents. Both are nil
// for locations outside them (a remote document).
func (v *Validator) schemaAt(location string) (any, map[string]any) {
	doc, frag := logicalLocation(location)
	root, ok := v.docs[doc]
	if !ok {
		return nil, nil
	}
	if strings.Contains(frag, "%") {
		if u, err := url.PathUnescape(frag); err == nil {
			frag = u
		}
	}
	tokens := splitPointer(frag)
	if len(tokens) == 0 {
		return root, nil
	}
	parentValue, _ := resolvePointer(root, tokens[:len(tokens)-1])
	parent, _ := parentValue.(map[string]any)
	value, _ := resolvePointer(root, tokens)
	return value, parent
}

func (v *Validator) instanceAt(instance any, pointer string) any {
	value, _ := resolvePointer(instance, splitPointer(pointer))
	return value
}

func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	tokens := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range tokens {
		tokens[i] = unescapeToken(t)
	}
	return tokens
}

func lastToken(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return unescapeToken(p[i+1:])
	}
	return p
}
