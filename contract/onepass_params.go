package contract

import (
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"

	"github.com/accordhq/accord/contract/internal/fastschema"
)

// Parameters and headers take the one-pass path too: each value is read
// from the raw request (path segment, query string, header), converted as
// coerce would convert it, written as JSON into a pooled buffer and checked
// by the parameter's fastschema program, so that a valid request allocates
// nothing. The path only ever answers "certainly valid"; anything else
// (a violation, a style or value it does not mirror exactly) sends the
// request's parameters to the full path, which writes the violations.

// onePass compiles the parameter's schema, at ptr in the document fc
// compiles, for the one-pass path. A schema fastschema does not compile
// leaves fast nil: that parameter is always checked the full way.
func (p *param) onePass(fc *fastschema.Compiler, ptr string) {
	p.key = textproto.CanonicalMIMEHeaderKey(p.Name)
	p.array = slices.Contains(p.types, "array")
	if fc == nil {
		return
	}
	if prog, err := fc.Compile(ptr); err == nil {
		p.fast = prog
	}
}

// paramBuf is one check's scratch space: the instance as JSON and an
// unescaped value.
type paramBuf struct {
	json []byte
	text []byte
}

var paramBufs = sync.Pool{New: func() any { return &paramBuf{} }}

// paramsValid reports whether a request's path, query and header
// parameters are certainly valid. false means "not known".
func (v *Validator) paramsValid(op *operation, r *http.Request, caps *[maxSegments]string) bool {
	if !v.onePass {
		return false
	}
	b := paramBufs.Get().(*paramBuf)
	ok := b.pathParams(op, caps) && b.query(op.query, r.URL.RawQuery) && b.headers(op.headers, r.Header)
	paramBufs.Put(b)
	return ok
}

// headersValid reports whether response headers are certainly valid.
func (v *Validator) headersValid(params []*param, header http.Header) bool {
	if !v.onePass || len(params) == 0 {
		return v.onePass
	}
	b := paramBufs.Get().(*paramBuf)
	ok := b.headers(params, header)
	paramBufs.Put(b)
	return ok
}

func (b *paramBuf) pathParams(op *operation, caps *[maxSegments]string) bool {
	for _, p := range op.pathParams {
		// Mixed segments ({base}...{head}) and the label and matrix styles
		// are left to the full path.
		if style, _ := p.serialization(); p.pieces != nil || style != StyleSimple || p.fast == nil {
			return false
		}
		raw := caps[p.pos]
		val, ok := unescapeInto(b.text[:0], raw, false)
		if !ok {
			val = append(val[:0], raw...) // unescapeSegment keeps a malformed segment as it is
		}
		b.text = val
		b.begin(p.param)
		if !b.add(p.param, val, ',') || !b.valid(p.param) {
			return false
		}
	}
	return true
}

func (b *paramBuf) headers(params []*param, header http.Header) bool {
	for _, p := range params {
		values := header[p.key]
		if len(values) == 0 {
			if p.Required {
				return false
			}
			continue
		}
		if p.fast == nil {
			return false
		}
		b.begin(p)
		if !p.array {
			values = values[:1] // checkValue judges the first
		}
		for _, val := range values {
			b.text = append(b.text[:0], val...)
			if !b.add(p, b.text, ',') {
				return false
			}
		}
		if !b.valid(p) {
			return false
		}
	}
	return true
}

// maxQueryPairs stays well under net/url's limit on query parameters
// (10,000 by default), past which url.Values is empty.
const maxQueryPairs = 1000

func (b *paramBuf) query(params []*param, raw string) bool {
	if len(params) == 0 {
		return true
	}
	if strings.Count(raw, "&") >= maxQueryPairs {
		return false
	}
	for _, p := range params {
		style, explode := p.serialization()
		var sep byte
		switch {
		case p.fast == nil || style == StyleDeepObject:
			return false
		case style == StyleSpaceDelimited:
			sep = ' '
		case style == StylePipeDelimited:
			sep = '|'
		case style == StyleForm && !explode:
			sep = ','
		}
		b.begin(p)
		n, ok := b.queryValues(p, raw, sep)
		switch {
		case !ok:
			return false
		case n == 0:
			if p.Required {
				return false
			}
			continue
		case n > 1 && (sep != 0 || !p.array):
			return false // given more than once
		}
		if !b.valid(p) {
			return false
		}
	}
	return true
}

// queryValues adds each value of p in the raw query to the instance, as
// url.ParseQuery reads them: pairs split at &, those with a ; or a
// malformed escape dropped. It returns how many there were.
func (b *paramBuf) queryValues(p *param, raw string, sep byte) (n int, ok bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.IndexByte(pair, ';') >= 0 {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		if !queryKeyIs(key, p.Name) {
			continue
		}
		val, ok := unescapeInto(b.text[:0], value, true)
		b.text = val
		if !ok {
			continue // url.ParseQuery drops the pair
		}
		if n++; n > 1 && !p.array {
			return n, true
		}
		if !b.add(p, val, sep) {
			return n, false
		}
	}
	return n, true
}

// queryKeyIs reports whether an escaped query key is name.
func queryKeyIs(key, name string) bool {
	if strings.IndexByte(key, '%') < 0 && strings.IndexByte(key, '+') < 0 {
		return key == name
	}
	var buf [64]byte
	if len(key) > len(buf) {
		return false // no declared name is that long: the full path decides
	}
	got, ok := unescapeInto(buf[:0], key, true)
	return ok && string(got) == name
}

// begin starts the instance of p.
func (b *paramBuf) begin(p *param) {
	b.json = b.json[:0]
	if p.array {
		b.json = append(b.json, '[')
	}
}

// add adds one value from the wire: for an array, its items split at sep
// (0: the value is one item); otherwise the value itself. It is false when
// the value is not converted exactly as the full path would.
func (b *paramBuf) add(p *param, val []byte, sep byte) bool {
	if !p.array {
		var ok bool
		b.json, ok = appendCoerced(b.json, val, p.types)
		return ok
	}
	for {
		item, rest, more := val, []byte(nil), false
		if sep != 0 {
			if i := slices.Index(val, sep); i >= 0 {
				item, rest, more = val[:i], val[i+1:], true
			}
			var ok bool
			if item, ok = trimASCII(item); !ok {
				return false
			}
		}
		if len(b.json) > 1 {
			b.json = append(b.json, ',')
		}
		var ok bool
		if b.json, ok = appendCoerced(b.json, item, p.itemType); !ok {
			return false
		}
		if !more {
			return true
		}
		val = rest
	}
}

func (b *paramBuf) valid(p *param) bool {
	if p.array {
		b.json = append(b.json, ']')
	}
	return p.fast.Check(b.json) == fastschema.Valid
}

// trimASCII trims what strings.TrimSpace trims; a value that may end in
// a space outside ASCII is not judged here.
func trimASCII(s []byte) ([]byte, bool) {
	for len(s) > 0 && asciiSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && asciiSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s, len(s) == 0 || s[0] < 0x80 && s[len(s)-1] < 0x80
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// appendCoerced appends the JSON of what coerce makes of s, or says it
// cannot tell (ok false).
func appendCoerced(dst, s []byte, types []string) ([]byte, bool) {
	if len(types) == 0 || slices.Contains(types, "string") {
		return appendJSONString(dst, s), true
	}
	for _, t := range types {
		switch t {
		case "integer":
			switch isInteger(s) {
			case yes:
				return append(dst, s...), true
			case unsure:
				return dst, false
			}
		case "number":
			switch isNumber(s) {
			case yes:
				return append(dst, s...), true
			case unsure:
				return dst, false
			}
		case "boolean":
			if string(s) == "true" || string(s) == "false" {
				return append(dst, s...), true
			}
		case "null":
			if len(s) == 0 || string(s) == "null" {
				return append(dst, "null"...), true
			}
		}
	}
	return appendJSONString(dst, s), true
}

type answer uint8

const (
	no answer = iota
	yes
	unsure
)

// isInteger answers whether strconv.ParseInt(s, 10, 64) succeeds, and
// only says yes when s is also a JSON integer.
func isInteger(s []byte) answer {
	digits := s
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+') {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return no
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return no
		}
	}
	if s[0] == '+' || len(digits) > 18 || len(digits) > 1 && digits[0] == '0' {
		return unsure // ParseInt takes these (or may overflow); JSON does not
	}
	return yes
}

// isNumber answers whether coerce reads s as a number: yes for a JSON
// number without an exponent (always finite), no for the words coerce
// tries next, unsure for anything else.
func isNumber(s []byte) answer {
	switch string(s) {
	case "", "true", "false", "null":
		return no
	}
	if len(s) > 40 {
		return unsure
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start || s[start] == '0' && i-start > 1 {
		return unsure
	}
	if i < len(s) && s[i] == '.' {
		i++
		frac := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == frac {
			return unsure
		}
	}
	if i != len(s) {
		return unsure
	}
	return yes
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Bytes that are not UTF-8
// are copied as they are; the one-pass check leaves those to the full
// path.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// unescapeInto appends s with its %XX escapes decoded (and + as a space
// in a query), as url.PathUnescape and url.QueryUnescape do; ok is false
// where they fail.
func unescapeInto(dst []byte, s string, query bool) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !ishex(s[i+1]) || !ishex(s[i+2]) {
				return dst, false
			}
			dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case '+':
			if query {
				c = ' '
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

func ishex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
