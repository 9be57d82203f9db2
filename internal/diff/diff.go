// Package diff computes field-level differences between two values of one
// struct type, named by the JSON paths clients use. Every domain's Diff
// (requirement revisions, contract versions) is this engine over a view of
// its record.
package diff

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/accordhq/accord"
)

// rawEqual compares embedded JSON documents (schemas) as wholes, by
// meaning: spacing and key order are not changes, and a change inside a
// document is reported at the document's path, not byte by byte.
var rawEqual = cmp.Comparer(SameJSON)

// SameJSON reports whether two JSON documents mean the same: spacing and
// key order aside. An invalid document equals only its own bytes.
func SameJSON(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// Fields returns the changes from a to b, in field order. a and b must be
// structs of the same type; embedded structs are flattened as JSON
// flattens them. Callers normalise nil and empty lists beforehand when they
// mean the same.
func Fields[T any](a, b T) []accord.FieldChange {
	r := &reporter{}
	// go-cmp walks every node through reflection; most edits touch one or
	// two sections, so only sections that differ are handed to it.
	x, y := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	walkSections(x, y, "", func(fx, fy reflect.Value, name string) {
		if fx.Kind() == reflect.Slice && fx.Len() == fy.Len() {
			// Same length: edits in place, compared element by element.
			for i := range fx.Len() {
				r.compare(fx.Index(i), fy.Index(i), name, i)
			}
			return
		}
		r.compare(fx, fy, name, -1) // go-cmp aligns inserted and removed elements
	})
	return r.changes
}

// walkSections calls fn for each field of the struct pair, descending into
// embedded structs the way JSON flattens them.
func walkSections(x, y reflect.Value, prefix string, fn func(fx, fy reflect.Value, name string)) {
	t := x.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			walkSections(x.Field(i), y.Field(i), prefix, fn)
			continue
		}
		if name == "" {
			name = f.Name
		}
		fn(x.Field(i), y.Field(i), prefix+name)
	}
}

type reporter struct {
	prefix  string // JSON name of the section being compared
	path    cmp.Path
	changes []accord.FieldChange
}

// compare reports the changes between x and y, the field name (or its
// element index, when index >= 0).
func (r *reporter) compare(x, y reflect.Value, name string, index int) {
	ix, iy := x.Interface(), y.Interface()
	if cmp.Equal(ix, iy, rawEqual) {
		return
	}
	r.prefix = name
	if index >= 0 {
		r.prefix += "[" + strconv.Itoa(index) + "]"
	}
	cmp.Equal(ix, iy, cmp.Reporter(r), rawEqual)
}

func (r *reporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *reporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *reporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.changes = append(r.changes, accord.FieldChange{Path: jsonPath(r.prefix, r.path), Before: valueOf(vx), After: valueOf(vy)})
}

func valueOf(v reflect.Value) any {
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return nil
	}
	return v.Interface()
}

// jsonPath spells a go-cmp path the way a JSON client names the field.
func jsonPath(prefix string, p cmp.Path) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i, step := range p {
		switch s := step.(type) {
		case cmp.StructField:
			parent := p[i-1].Type()
			if parent.Kind() == reflect.Pointer {
				parent = parent.Elem()
			}
			f := parent.Field(s.Index())
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				if f.Anonymous {
					continue // embedded struct: JSON flattens it
				}
				name = f.Name
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(name)
		case cmp.SliceIndex:
			kx, ky := s.SplitKeys()
			k := ky // the element's place in the newer revision…
			if k < 0 {
				k = kx // …or in the older one, if it was removed
			}
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(k))
			b.WriteByte(']')
		case cmp.MapIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.Key().String()))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// Paths lists the paths of changes whose top-level field is not one of
// skip (a status, bookkeeping): what a reader counts as content. Nil when
// none is left.
func Paths(changes []accord.FieldChange, skip ...string) []string {
	var out []string
	for _, c := range changes {
		top := c.Path
		if i := strings.IndexAny(top, ".["); i >= 0 {
			top = top[:i]
		}
		if !slices.Contains(skip, top) {
			out = append(out, c.Path)
		}
	}
	return out
}

// Describe says, for an event's summary, which fields changed: "goal,
// acceptance_criteria[1].text changed", at most six of them named.
func Describe(paths []string) string {
	const named = 6
	switch {
	case len(paths) == 0:
		return "nothing changed"
	case len(paths) > named:
		return strings.Join(paths[:named], ", ") + " and " + strconv.Itoa(len(paths)-named) + " more changed"
	}
	return strings.Join(paths, ", ") + " changed"
}
