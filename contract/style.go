package contract

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/accordhq/accord"
)

// The parameter styles (OpenAPI's serialization) a contract can declare.
const (
	StyleForm           = "form"           // query, the default: ?id=1&id=2, or ?id=1,2 without explode
	StyleSpaceDelimited = "spaceDelimited" // query arrays: ?id=1%202
	StylePipeDelimited  = "pipeDelimited"  // query arrays: ?id=1|2
	StyleDeepObject     = "deepObject"     // query objects: ?filter[status]=open
	StyleSimple         = "simple"         // path and header, the default: 1,2
	StyleLabel          = "label"          // path: .1.2, or .1,2 without explode
	StyleMatrix         = "matrix"         // path: ;id=1;id=2, or ;id=1,2 without explode
)

var stylesByLocation = map[string][]string{
	InQuery:  {StyleForm, StyleSpaceDelimited, StylePipeDelimited, StyleDeepObject},
	InPath:   {StyleSimple, StyleLabel, StyleMatrix},
	InHeader: {StyleSimple},
}

// serialization is a parameter's style and explode with OpenAPI's
// defaults applied: form for query parameters, simple elsewhere; explode
// for form and deepObject.
func (p Parameter) serialization() (style string, explode bool) {
	style = p.Style
	if style == "" {
		style = StyleSimple
		if p.In == InQuery {
			style = StyleForm
		}
	}
	explode = style == StyleForm || style == StyleDeepObject
	if p.Explode != nil {
		explode = *p.Explode
	}
	return style, explode
}

// validateStyle checks that the style suits the location and explode the
// style.
func (p Parameter) validateStyle(field string, errs *accord.FieldErrors) {
	if p.Style == "" && p.Explode == nil {
		return
	}
	allowed := stylesByLocation[p.In]
	style, explode := p.serialization()
	found := false
	for _, s := range allowed {
		found = found || s == style
	}
	switch {
	case !found:
		errs.Add(field+".style", "%q is not a style of %s parameters; allowed: %s", style, p.In, strings.Join(allowed, ", "))
	case style == StyleDeepObject && !explode:
		errs.Add(field+".explode", "deepObject parameters are exploded: explode cannot be false")
	case (style == StyleSpaceDelimited || style == StylePipeDelimited) && explode:
		errs.Add(field+".explode", "%s parameters are not exploded: explode must be false", style)
	}
}

// queryValues reads a query parameter's values as strings; for arrays
// they are the items. sep is what checkValue splits each value by.
func queryValues(query url.Values, p *param) (values []string, sep string) {
	style, explode := p.serialization()
	switch style {
	case StyleSpaceDelimited:
		return query[p.Name], " "
	case StylePipeDelimited:
		return query[p.Name], "|"
	case StyleForm:
		if !explode {
			return query[p.Name], ","
		}
	}
	return query[p.Name], ""
}

// deepObject reads ?name[prop]=value pairs into an object, each value
// converted to its property's type. present is false when there are none.
func deepObject(query url.Values, p *param) (obj map[string]any, present bool, err error) {
	prefix := p.Name + "["
	for key, vals := range query {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		prop, ok := strings.CutSuffix(rest, "]")
		if !ok || prop == "" || strings.ContainsAny(prop, "[]") {
			return nil, true, fmt.Errorf("%q is not name[property]", key)
		}
		if len(vals) > 1 {
			return nil, true, fmt.Errorf("%s is given %d times", key, len(vals))
		}
		if obj == nil {
			obj = map[string]any{}
		}
		obj[prop] = coerce(vals[0], p.propTypes[prop])
	}
	return obj, obj != nil, nil
}

// pathValue takes a path segment apart by the parameter's style: the
// values for checkValue, the separator of array items, or why the segment
// is not written in that style.
func pathValue(segment string, p *param) (values []string, sep string, err error) {
	style, explode := p.serialization()
	switch style {
	case StyleLabel:
		v, ok := strings.CutPrefix(segment, ".")
		if !ok {
			return nil, "", fmt.Errorf("must be written .value (label style)")
		}
		if explode {
			return []string{v}, ".", nil
		}
		return []string{v}, ",", nil
	case StyleMatrix:
		prefix := ";" + p.Name + "="
		if !strings.HasPrefix(segment, prefix) {
			return nil, "", fmt.Errorf("must be written %svalue (matrix style)", prefix)
		}
		if !explode {
			return []string{segment[len(prefix):]}, ",", nil
		}
		for _, part := range strings.Split(segment[1:], ";") {
			v, ok := strings.CutPrefix(part, p.Name+"=")
			if !ok {
				return nil, "", fmt.Errorf("must be written %svalue (matrix style)", prefix)
			}
			values = append(values, v)
		}
		return values, "", nil
	}
	return []string{segment}, ",", nil
}
