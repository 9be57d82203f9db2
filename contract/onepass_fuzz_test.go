package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/accordhq/accord/contract/internal/fastschema"
)

// schemaGen builds a JSON Schema of the kinds accord generates and imports
// (objects with required and strict properties, arrays, formats, bounds,
// enums, nullable types, compositions, $refs) from fuzz bytes.
type schemaGen struct {
	seed []byte
	at   int
}

func (g *schemaGen) next() int {
	if g.at >= len(g.seed) {
		return 0
	}
	g.at++
	return int(g.seed[g.at-1])
}

func (g *schemaGen) pick(options ...any) any { return options[g.next()%len(options)] }

func (g *schemaGen) schema(depth int) any {
	if depth > 3 {
		return g.pick(map[string]any{"type": "string"}, map[string]any{"type": "integer"}, true, map[string]any{})
	}
	s := map[string]any{}
	switch g.next() % 10 {
	case 0, 1:
		s["type"] = g.pick("object", []any{"object", "null"})
		props := map[string]any{}
		var required []any
		for _, name := range []string{"id", "a", "b", "x-y", "é"} {
			if g.next()%3 == 0 {
				props[name] = g.schema(depth + 1)
				if g.next()%2 == 0 {
					required = append(required, name)
				}
			}
		}
		s["properties"] = props
		if required != nil {
			s["required"] = required
		}
		switch g.next() % 5 {
		case 0:
			s["unevaluatedProperties"] = false
		case 1:
			s["additionalProperties"] = false
		case 2:
			s["additionalProperties"] = g.schema(depth + 1)
		case 3:
			s["patternProperties"] = map[string]any{"^x-": g.schema(depth + 1)}
		}
		if g.next()%4 == 0 {
			s["minProperties"], s["maxProperties"] = json.Number("1"), json.Number("3")
		}
		if g.next()%6 == 0 {
			s["dependentRequired"] = map[string]any{"a": []any{"b"}}
		}
	case 2:
		s["type"] = "array"
		s["items"] = g.schema(depth + 1)
		switch g.next() % 5 {
		case 0:
			s["prefixItems"] = []any{g.schema(depth + 1)}
			s["unevaluatedItems"] = false
			delete(s, "items")
		case 1:
			s["uniqueItems"] = true
		case 2:
			s["contains"] = g.schema(depth + 1)
			s["minContains"], s["maxContains"] = json.Number(fmt.Sprint(g.next()%3)), json.Number("2")
		}
		if g.next()%2 == 0 {
			s["minItems"], s["maxItems"] = json.Number("1"), json.Number(fmt.Sprint(1+g.next()%4))
		}
	case 3:
		s["type"] = g.pick("string", []any{"string", "null"})
		switch g.next() % 5 {
		case 0:
			s["minLength"], s["maxLength"] = json.Number("1"), json.Number(fmt.Sprint(g.next()%8))
		case 1:
			s["pattern"] = g.pick("^[a-z]+$", "^[0-9]{3}$", "é", "^$")
		case 2:
			s["format"] = g.pick("date-time", "date", "time", "email", "uuid", "uri", "ipv4", "hostname", "unknown-format")
		case 3:
			s["enum"] = []any{"a", "b", "é", ""}
		case 4:
			s["const"] = "a"
		}
	case 4:
		s["type"] = g.pick("integer", "number", []any{"number", "null"})
		switch g.next() % 5 {
		case 0:
			s["minimum"], s["maximum"] = json.Number("-1.5"), json.Number(g.pick("9007199254740992", "100", "1e3").(string))
		case 1:
			s["exclusiveMinimum"], s["exclusiveMaximum"] = json.Number("0"), json.Number("10")
		case 2:
			s["multipleOf"] = json.Number(g.pick("0.5", "3", "0.01", "1e-3", "7").(string))
		case 3:
			s["enum"] = []any{json.Number("1"), json.Number("2.5"), json.Number("-0"), nil}
		case 4:
			s["const"] = json.Number("1e2")
		}
	case 5:
		kw := g.pick("allOf", "anyOf", "oneOf").(string)
		s[kw] = []any{g.schema(depth + 1), g.schema(depth + 1)}
		if g.next()%2 == 0 {
			s["unevaluatedProperties"] = false
		}
	case 6:
		if g.next()%2 == 0 {
			s["not"] = g.schema(depth + 1)
		} else {
			s["if"], s["then"], s["else"] = g.schema(depth+1), g.schema(depth+1), g.schema(depth+1)
		}
	case 7:
		s["$ref"] = "#/$defs/d"
	case 8:
		return g.pick(true, false)
	case 9:
		s["type"] = g.pick("boolean", "null", []any{"boolean", "string"})
		if g.next()%2 == 0 {
			s["enum"] = []any{true, nil, "x", map[string]any{"a": json.Number("1")}}
		}
	}
	return s
}

func (g *schemaGen) document() any {
	root := g.schema(0)
	if m, ok := root.(map[string]any); ok {
		m["$defs"] = map[string]any{"d": g.schema(2)}
		return m
	}
	return map[string]any{"allOf": []any{root}, "$defs": map[string]any{"d": g.schema(2)}}
}

// FuzzOnePassAgreesWithFullValidator generates a schema from one input and
// checks the other, raw JSON bytes the fuzzer mutates freely, with both
// paths: wherever the one-pass path decides, it decides as the full
// validator does, and it never calls a body valid that does not decode.
//
//	go test -run '^$' -fuzz FuzzOnePass -fuzztime 5m ./contract
func FuzzOnePassAgreesWithFullValidator(f *testing.F) {
	for _, seed := range []struct{ schema, instance string }{
		{"\x00\x00\x01\x00", `{"id":1,"a":"x"}`},
		{"\x00\x03\x00\x00\x00", `{"id":"1","x-y":2,"b":[1,2]}`},
		{"\x02\x00\x01\x01", `[1,2,2]`},
		{"\x02\x02\x03", `[{"a":1},"b",3.5]`},
		{"\x03\x00\x02", `"2024-02-29T23:59:60Z"`},
		{"\x03\x00\x01\x01", `"\u00e9t\u00e9"`},
		{"\x04\x00\x00\x00", `9007199254740993`},
		{"\x04\x02\x02", `0.30`},
		{"\x05\x01\x00\x00", `{"a":null,"a":1}`},
		{"\x06\x01\x04", `-0.0e-0`},
		{"\x07\x00", `{"id":1e400}`},
		{"\x09\x00\x00", `true`},
	} {
		f.Add([]byte(seed.schema), []byte(seed.instance))
	}
	f.Fuzz(func(t *testing.T, seed, instance []byte) {
		g := &schemaGen{seed: seed}
		doc := g.document()
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		const url = "https://fuzz.accord.invalid/schema.json"
		c := newCompiler(nil)
		if err := c.AddResource(url, bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
		full, err := c.Compile(url)
		if err != nil {
			t.Skip("not a schema the full validator compiles") // the generator's own mistake, not a disagreement
		}
		fast, err := fastschema.Compile(decodeSchema(raw), "", formats(c))
		if err != nil {
			t.Fatalf("the one-pass path refuses a schema of the kinds accord makes: %v\n%s", err, raw)
		}
		got := fast.Check(instance)
		decoded, derr := decodeJSON(instance)
		if derr != nil {
			if got == fastschema.Valid {
				t.Fatalf("one-pass: valid; but the body does not decode: %v\nschema %s\nbody %q", derr, raw, instance)
			}
			return
		}
		want := full.Validate(decoded) == nil
		if got != fastschema.Unknown && (got == fastschema.Valid) != want {
			t.Fatalf("one-pass: %s; full validator: valid = %v\nschema %s\nbody %q", got, want, raw, instance)
		}
	})
}
