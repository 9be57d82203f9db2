package requirement

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// emptyEqual makes nil and empty lists equal: JSON clients send either.
var emptyEqual = cmpopts.EquateEmpty()

// Diff returns the field-level changes from a to b, in document order.
func Diff(a, b Requirement) []FieldChange {
	r := &diffReporter{}
	cmp.Equal(diffView{a.Status, a.Content}, diffView{b.Status, b.Content}, emptyEqual, cmp.Reporter(r))
	return r.changes
}

// diffReporter turns go-cmp's report into FieldChanges with JSON paths.
type diffReporter struct {
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
	r.changes = append(r.changes, FieldChange{Path: jsonPath(r.path), Before: valueOf(vx), After: valueOf(vy)})
}

func valueOf(v reflect.Value) any {
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return nil
	}
	return v.Interface()
}

// jsonPath spells a go-cmp path the way a JSON client names the field.
func jsonPath(p cmp.Path) string {
	var b strings.Builder
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
