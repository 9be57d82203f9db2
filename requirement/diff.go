package requirement

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// FieldChange is one difference between two revisions: the JSON path of the
// field (acceptance_criteria[2].text) and its values before and after. A
// value that did not exist on one side is nil.
type FieldChange struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// diffView is what a diff compares: the status and the written content.
// Bookkeeping (revision, timestamps, actors) changes every time and would
// only be noise.
type diffView struct {
	Status Status `json:"status"`
	Content
}

// Diff returns the field-level changes from a to b, in document order.
// Nil and empty lists count as equal: JSON clients send either.
func Diff(a, b Requirement) []FieldChange {
	va, vb := diffView{a.Status, nilEmpty(a.Content)}, diffView{b.Status, nilEmpty(b.Content)}
	r := &diffReporter{}
	// go-cmp walks every node through reflection; most edits touch one or
	// two sections, so only sections that differ are handed to it.
	x, y := reflect.ValueOf(&va).Elem(), reflect.ValueOf(&vb).Elem()
	walkSections(x, y, func(fx, fy reflect.Value, name string) {
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

// compare reports the changes between x and y, the field name (or its
// element index, when index >= 0).
func (r *diffReporter) compare(x, y reflect.Value, name string, index int) {
	ix, iy := x.Interface(), y.Interface()
	if reflect.DeepEqual(ix, iy) {
		return
	}
	r.prefix = name
	if index >= 0 {
		r.prefix += "[" + strconv.Itoa(index) + "]"
	}
	cmp.Equal(ix, iy, cmp.Reporter(r))
}

// walkSections calls fn for each field of the struct pair, descending into
// embedded structs the way JSON flattens them.
func walkSections(x, y reflect.Value, fn func(fx, fy reflect.Value, name string)) {
	t := x.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			walkSections(x.Field(i), y.Field(i), fn)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fn(x.Field(i), y.Field(i), name)
	}
}

// nilEmpty returns c with every empty list made nil.
func nilEmpty(c Content) Content {
	c.KPIs, c.Flow, c.Scenarios = orNil(c.KPIs), orNil(c.Flow), orNil(c.Scenarios)
	c.Exceptions, c.Performance, c.Acceptance = orNil(c.Exceptions), orNil(c.Performance), orNil(c.Acceptance)
	c.Labels, c.Links = orNil(c.Labels), orNil(c.Links)
	return c
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// diffReporter turns go-cmp's report into FieldChanges with JSON paths.
type diffReporter struct {
	prefix  string // JSON name of the section being compared
	path    cmp.Path
	changes []FieldChange
}

func (r *diffReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *diffReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *diffReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.changes = append(r.changes, FieldChange{Path: jsonPath(r.prefix, r.path), Before: valueOf(vx), After: valueOf(vy)})
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
