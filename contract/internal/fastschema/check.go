package fastschema

import (
	"bytes"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Result is what Check concludes.
type Result uint8

const (
	// Unknown: the input has something Check does not judge exactly; ask
	// the full validator.
	Unknown Result = iota
	Valid
	// Invalid: the schema refuses the document, or it is not one JSON value.
	Invalid
)

func (r Result) String() string {
	return [...]string{"unknown", "valid", "invalid"}[r]
}

type verdict uint8

const (
	pass verdict = iota
	fail
	unknown
)

// maxDepth bounds nesting; deeper documents are left to the full validator.
const maxDepth = 1000

// eval records what a schema evaluated in the value it checked, for
// unevaluatedProperties and unevaluatedItems: members by their position in
// the object (the first 64), items up to an index and, by position, those
// contains matched.
type eval struct {
	props    uint64
	items    uint64
	upTo     int
	overflow bool   // contains matched items beyond the 64th
	present  uint64 // the named properties the object has, by slot
	count    int    // its members or items
}

func (e *eval) merge(o eval) {
	e.props |= o.props
	e.items |= o.items
	e.upTo = max(e.upTo, o.upTo)
	e.overflow = e.overflow || o.overflow
}

// allMembers reports whether every member of an object was evaluated.
func (e *eval) allMembers() bool {
	return e.count <= 64 && e.props|(^uint64(0)<<e.count) == ^uint64(0)
}

type span struct{ from, to int }

// state is one check's scratch space, pooled so that checking allocates
// nothing once the pool is warm.
type state struct {
	data   []byte
	depth  int
	keys   []span // the keys of the objects being read, for duplicates
	items  []span // the items of arrays with uniqueItems
	text   []byte // a string with escapes, decoded
	digits [maxDigits]byte
	other  [maxDigits]byte
	key    []byte
	num    decimal
	num2   decimal
}

var states = sync.Pool{New: func() any { return &state{} }}

// Check reports whether data, one JSON value with optional surrounding
// whitespace, is valid against the program's schema.
func (p *Program) Check(data []byte) Result {
	s := states.Get().(*state)
	s.data, s.depth = data, 0
	end, v, _ := s.value(p.root, skipSpace(data, 0))
	if v == pass && skipSpace(data, end) != len(data) {
		v = fail
	}
	s.data = nil
	s.keys, s.items = s.keys[:0], s.items[:0]
	states.Put(s)
	switch v {
	case pass:
		return Valid
	case fail:
		return Invalid
	}
	return Unknown
}

func skipSpace(b []byte, pos int) int {
	for pos < len(b) {
		switch b[pos] {
		case ' ', '\t', '\n', '\r':
			pos++
		default:
			return pos
		}
	}
	return pos
}

// value checks the value at pos (not whitespace) against n and returns the
// position after it. The position is only meaningful on pass.
func (s *state) value(n *node, pos int) (int, verdict, eval) {
	if pos >= len(s.data) {
		return pos, fail, eval{}
	}
	if s.depth == maxDepth {
		return pos, unknown, eval{}
	}
	switch n.always {
	case 1:
		return s.skipEval(pos)
	case -1:
		return pos, fail, eval{}
	}
	s.depth++
	end, v, ev := s.check(n, pos)
	s.depth--
	return end, v, ev
}

func (s *state) skipEval(pos int) (int, verdict, eval) {
	end, v := s.skip(pos)
	return end, v, eval{}
}

func (s *state) check(n *node, pos int) (int, verdict, eval) {
	var ev eval

	var (
		end int
		v   verdict
		typ uint8
	)
	switch c := s.data[pos]; {
	case c == '{':
		typ = tObject
		if n.types != 0 && n.types&typ == 0 {
			return pos, fail, ev
		}
		if n.enum != nil && !n.enum.compound {
			return pos, fail, ev
		}
		end, v, ev = s.object(n, pos)
	case c == '[':
		typ = tArray
		if n.types != 0 && n.types&typ == 0 {
			return pos, fail, ev
		}
		if n.enum != nil && !n.enum.compound {
			return pos, fail, ev
		}
		end, v, ev = s.array(n, pos)
	case c == '"':
		typ = tString
		if n.types != 0 && n.types&typ == 0 {
			return pos, fail, ev
		}
		end, v = s.str(n, pos)
	case c == 't' || c == 'f' || c == 'n':
		typ, end, v = s.literal(n, pos)
	case c == '-' || c >= '0' && c <= '9':
		end, v = s.number(n, pos)
	default:
		return pos, fail, ev
	}
	if v != pass {
		return end, v, ev
	}
	if n.enum != nil && n.enum.compound && (typ == tObject || typ == tArray) {
		return end, unknown, ev
	}
	if n.inPlace {
		if v = s.inPlace(n, pos, typ, &ev); v != pass {
			return end, v, ev
		}
	}
	if typ == tObject && n.unevalProps != nil {
		v = s.unevaluatedProps(n, pos, &ev)
	} else if typ == tArray && n.unevalItems != nil {
		v = s.unevaluatedItems(n, pos, &ev)
	}
	return end, v, ev
}

// inPlace runs the applicators that apply to the same value: $ref, allOf,
// anyOf, oneOf, not, if/then/else and dependentSchemas, merging what the
// passing ones evaluated.
func (s *state) inPlace(n *node, pos int, typ uint8, ev *eval) verdict {
	compound := typ == tObject || typ == tArray
	check := func(sub *node) (verdict, eval) {
		_, v, e := s.value(sub, pos)
		return v, e
	}
	if n.ref != nil {
		v, e := check(n.ref)
		if v != pass {
			return v
		}
		ev.merge(e)
	}
	for _, sub := range n.allOf {
		v, e := check(sub)
		if v != pass {
			return v
		}
		ev.merge(e)
	}
	if n.anyOf != nil {
		matched := false
		for _, sub := range n.anyOf {
			v, e := check(sub)
			if v == unknown {
				return unknown
			}
			if v == pass {
				matched = true
				ev.merge(e)
				if !compound {
					break // nothing to evaluate in a scalar
				}
			}
		}
		if !matched {
			return fail
		}
	}
	if n.oneOf != nil {
		passed := 0
		var one eval
		for _, sub := range n.oneOf {
			v, e := check(sub)
			if v == unknown {
				return unknown
			}
			if v == pass {
				if passed++; passed > 1 {
					return fail
				}
				one = e
			}
		}
		if passed != 1 {
			return fail
		}
		ev.merge(one)
	}
	if n.not != nil {
		switch v, _ := check(n.not); v {
		case unknown:
			return unknown
		case pass:
			return fail
		}
	}
	if n.ifs != nil {
		v, e := check(n.ifs)
		if v == unknown {
			return unknown
		}
		branch := n.els
		if v == pass {
			ev.merge(e)
			branch = n.then
		}
		if branch != nil {
			v, e := check(branch)
			if v != pass {
				return v
			}
			ev.merge(e)
		}
	}
	if typ == tObject {
		for slot, sub := range n.dependentSchemas {
			if ev.present&(1<<slot) != 0 {
				v, e := check(sub)
				if v != pass {
					return v
				}
				ev.merge(e)
			}
		}
	}
	return pass
}

func (s *state) object(n *node, pos int) (int, verdict, eval) {
	pos = skipSpace(s.data, pos+1)
	base := len(s.keys)
	end, v, ev := s.objectMembers(n, pos, base)
	s.keys = s.keys[:base]
	return end, v, ev
}

func (s *state) objectMembers(n *node, pos, base int) (int, verdict, eval) {
	var ev eval
	data := s.data
	members := 0
	var seen uint64
	if pos < len(data) && data[pos] == '}' {
		pos++
	} else {
		for {
			if pos >= len(data) || data[pos] != '"' {
				return pos, fail, ev
			}
			keyStart := pos
			keyEnd, escaped, v := s.scanString(pos)
			if v != pass {
				return pos, v, ev
			}
			if escaped {
				return pos, unknown, ev // "a" and "\u0061" are one key
			}
			key := data[keyStart+1 : keyEnd-1]
			for _, k := range s.keys[base:] {
				if bytes.Equal(data[k.from:k.to], key) {
					return pos, unknown, ev // decoders keep the last of duplicates
				}
			}
			s.keys = append(s.keys, span{keyStart + 1, keyEnd - 1})
			pos = skipSpace(data, keyEnd)
			if pos >= len(data) || data[pos] != ':' {
				return pos, fail, ev
			}
			pos = skipSpace(data, pos+1)
			if n.propertyNames != nil {
				if _, v, _ := s.value(n.propertyNames, keyStart); v != pass {
					return pos, v, ev
				}
			}
			end, evaluated := -1, false
			if slot, named := n.slots[string(key)]; named {
				seen |= 1 << slot
				if sub := n.props[slot]; sub != nil {
					e, v, _ := s.value(sub, pos)
					if v != pass {
						return pos, v, ev
					}
					end, evaluated = e, true
				}
			}
			matchedPattern := false
			for _, pp := range n.patternProps {
				if pp.re.Match(key) {
					e, v, _ := s.value(pp.schema, pos)
					if v != pass {
						return pos, v, ev
					}
					end, matchedPattern = e, true
				}
			}
			if !evaluated && !matchedPattern && n.additional != nil {
				e, v, _ := s.value(n.additional, pos)
				if v != pass {
					return pos, v, ev
				}
				end, evaluated = e, true
			}
			if end < 0 {
				var v verdict
				if end, v = s.skip(pos); v != pass {
					return pos, v, ev
				}
			}
			if (evaluated || matchedPattern) && members < 64 {
				ev.props |= 1 << members
			}
			members++
			pos = skipSpace(data, end)
			if pos < len(data) && data[pos] == ',' {
				pos = skipSpace(data, pos+1)
				continue
			}
			if pos < len(data) && data[pos] == '}' {
				pos++
				break
			}
			return pos, fail, ev
		}
	}
	if n.minProps >= 0 && members < n.minProps || n.maxProps >= 0 && members > n.maxProps {
		return pos, fail, ev
	}
	if seen&n.required != n.required {
		return pos, fail, ev
	}
	for _, d := range n.dependentRequired {
		if seen&(1<<d.slot) != 0 && seen&d.mask != d.mask {
			return pos, fail, ev
		}
	}
	ev.present, ev.count = seen, members
	return pos, pass, ev
}

// members calls fn with the position of each member's value, in order.
func (s *state) members(pos int, fn func(i, at int) verdict) verdict {
	data := s.data
	pos = skipSpace(data, pos+1)
	if data[pos] == '}' {
		return pass
	}
	for i := 0; ; i++ {
		keyEnd, _, _ := s.scanString(pos)
		pos = skipSpace(data, skipSpace(data, keyEnd)+1)
		if v := fn(i, pos); v != pass {
			return v
		}
		end, _ := s.skip(pos)
		pos = skipSpace(data, end)
		if data[pos] == '}' {
			return pass
		}
		pos = skipSpace(data, pos+1)
	}
}

func (s *state) unevaluatedProps(n *node, pos int, ev *eval) verdict {
	if ev.allMembers() {
		return pass // the usual case: a strict schema that declares them all
	}
	return s.members(pos, func(i, at int) verdict {
		if i < 64 && ev.props&(1<<i) != 0 {
			return pass
		}
		if i >= 64 {
			return unknown
		}
		_, v, _ := s.value(n.unevalProps, at)
		if v == pass {
			ev.props |= 1 << i
		}
		return v
	})
}

func (s *state) array(n *node, pos int) (int, verdict, eval) {
	pos = skipSpace(s.data, pos+1)
	base := len(s.items)
	end, v, ev := s.arrayItems(n, pos, base)
	s.items = s.items[:base]
	return end, v, ev
}

func (s *state) arrayItems(n *node, pos, base int) (int, verdict, eval) {
	var ev eval
	data := s.data
	count, matches := 0, 0
	if pos < len(data) && data[pos] == ']' {
		pos++
	} else {
		for {
			start, end := pos, -1
			var sub *node
			if count < len(n.prefixItems) {
				sub = n.prefixItems[count]
			} else {
				sub = n.items
			}
			if sub != nil {
				e, v, _ := s.value(sub, pos)
				if v != pass {
					return pos, v, ev
				}
				end = e
			}
			if n.contains != nil {
				e, v, _ := s.value(n.contains, pos)
				if v == unknown {
					return pos, v, ev
				}
				if v == pass {
					matches++
					if count < 64 {
						ev.items |= 1 << count
					} else {
						ev.overflow = true
					}
					end = e
				}
			}
			if end < 0 {
				var v verdict
				if end, v = s.skip(pos); v != pass {
					return pos, v, ev
				}
			}
			if n.unique {
				s.items = append(s.items, span{start, end})
			}
			count++
			pos = skipSpace(data, end)
			if pos < len(data) && data[pos] == ',' {
				pos = skipSpace(data, pos+1)
				continue
			}
			if pos < len(data) && data[pos] == ']' {
				pos++
				break
			}
			return pos, fail, ev
		}
	}
	if n.minItems >= 0 && count < n.minItems || n.maxItems >= 0 && count > n.maxItems {
		return pos, fail, ev
	}
	if n.contains != nil && (matches < n.minContains || n.maxContains >= 0 && matches > n.maxContains) {
		return pos, fail, ev
	}
	if n.unique {
		items := s.items[base:]
		for i := range items {
			for j := i + 1; j < len(items); j++ {
				equal, v := s.equal(items[i], items[j])
				if v != pass {
					return pos, v, ev
				}
				if equal {
					return pos, fail, ev
				}
			}
		}
	}
	if n.items != nil {
		ev.upTo = count
	} else {
		ev.upTo = min(count, len(n.prefixItems))
	}
	ev.count = count
	return pos, pass, ev
}

func (s *state) unevaluatedItems(n *node, pos int, ev *eval) verdict {
	if ev.upTo >= ev.count {
		return pass
	}
	data := s.data
	pos = skipSpace(data, pos+1)
	if data[pos] == ']' {
		return pass
	}
	for i := 0; ; i++ {
		evaluated := i < ev.upTo || i < 64 && ev.items&(1<<i) != 0
		if !evaluated {
			if i >= 64 && ev.overflow {
				return unknown
			}
			if _, v, _ := s.value(n.unevalItems, pos); v != pass {
				return v
			}
		}
		end, _ := s.skip(pos)
		pos = skipSpace(data, end)
		if data[pos] == ']' {
			ev.upTo = i + 1
			return pass
		}
		pos = skipSpace(data, pos+1)
	}
}

// equal compares two scalar values for uniqueItems; objects and arrays,
// and strings with escapes, are left to the full validator.
func (s *state) equal(a, b span) (bool, verdict) {
	x, y := s.data[a.from:a.to], s.data[b.from:b.to]
	switch c := x[0]; {
	case c == '{' || c == '[' || y[0] == '{' || y[0] == '[':
		return false, unknown
	case c == '"' || y[0] == '"':
		if c != y[0] {
			return false, pass
		}
		if bytes.IndexByte(x, '\\') >= 0 || bytes.IndexByte(y, '\\') >= 0 {
			return false, unknown
		}
		return bytes.Equal(x, y), pass
	case c == '-' || c >= '0' && c <= '9':
		if !(y[0] == '-' || y[0] >= '0' && y[0] <= '9') {
			return false, pass
		}
		if _, ok := scanNumber(x, 0, &s.num, s.digits[:0]); !ok {
			return false, unknown
		}
		if _, ok := scanNumber(y, 0, &s.num2, s.other[:0]); !ok {
			return false, unknown
		}
		return s.num.cmp(&s.num2) == 0, pass
	}
	return bytes.Equal(x, y), pass
}

func (s *state) literal(n *node, pos int) (uint8, int, verdict) {
	var word string
	var typ uint8
	var allowed bool
	switch s.data[pos] {
	case 't':
		word, typ = "true", tBool
		allowed = n.enum == nil || n.enum.trueOK
	case 'f':
		word, typ = "false", tBool
		allowed = n.enum == nil || n.enum.falseOK
	default:
		word, typ = "null", tNull
		allowed = n.enum == nil || n.enum.nullOK
	}
	end := pos + len(word)
	if end > len(s.data) || string(s.data[pos:end]) != word {
		return typ, pos, fail
	}
	if n.types != 0 && n.types&typ == 0 || !allowed {
		return typ, end, fail
	}
	return typ, end, pass
}

func (s *state) number(n *node, pos int) (int, verdict) {
	end, ok := scanNumber(s.data, pos, &s.num, s.digits[:0])
	if !ok {
		return pos, unknown // malformed, or more digits than compared exactly
	}
	d := &s.num
	typ := tFraction
	if d.integral() {
		typ = tInteger
	}
	if n.types != 0 && n.types&typ == 0 {
		return end, fail
	}
	if n.min != nil && d.cmp(n.min) < 0 || n.max != nil && d.cmp(n.max) > 0 ||
		n.exMin != nil && d.cmp(n.exMin) <= 0 || n.exMax != nil && d.cmp(n.exMax) >= 0 {
		return end, fail
	}
	if n.multipleOf != nil {
		multiple, ok := d.multipleOf(n.multipleOf)
		if !ok {
			return end, unknown
		}
		if !multiple {
			return end, fail
		}
	}
	if n.enum != nil {
		s.key = d.key(s.key[:0])
		if !n.enum.numbers[string(s.key)] {
			return end, fail
		}
	}
	return end, pass
}

func (s *state) str(n *node, pos int) (int, verdict) {
	end, escaped, v := s.scanString(pos)
	if v != pass {
		return end, v
	}
	if n.minLen < 0 && n.maxLen < 0 && n.pattern == nil && n.format == nil && n.enum == nil {
		return end, pass
	}
	text := s.data[pos+1 : end-1]
	if escaped {
		var ok bool
		if text, ok = s.unescape(text); !ok {
			return end, unknown
		}
	}
	if n.minLen >= 0 || n.maxLen >= 0 {
		runes := utf8.RuneCount(text)
		if n.minLen >= 0 && runes < n.minLen || n.maxLen >= 0 && runes > n.maxLen {
			return end, fail
		}
	}
	if n.pattern != nil && !n.pattern.Match(text) {
		return end, fail
	}
	if n.enum != nil && !n.enum.strings[string(text)] {
		return end, fail
	}
	if n.format != nil && !checkFormat(n, text) {
		return end, fail
	}
	return end, pass
}

// scanString reads the string at pos (its opening quote) and returns the
// position after its closing quote and whether it has escapes. Strings
// with bytes that are not UTF-8 are Unknown: decoders replace them.
func (s *state) scanString(pos int) (int, bool, verdict) {
	data := s.data
	escaped, ascii := false, true
	for i := pos + 1; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			if !ascii && !utf8.Valid(data[pos+1:i]) {
				return i + 1, escaped, unknown
			}
			return i + 1, escaped, pass
		case c == '\\':
			escaped = true
			i++
			if i >= len(data) {
				return i, escaped, fail
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(data) || !isHex(data[i+1]) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) {
					return i, escaped, fail
				}
				i += 4
			default:
				return i, escaped, fail
			}
		case c < 0x20:
			return i, escaped, fail
		case c >= 0x80:
			ascii = false
		}
	}
	return len(data), escaped, fail
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexValue(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// unescape decodes a string's escapes into the state's buffer. A lone
// surrogate is not decoded (ok is false): decoders replace it.
func (s *state) unescape(raw []byte) ([]byte, bool) {
	out := s.text[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hexValue(raw[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
					return nil, false
				}
				r = utf16.DecodeRune(r, hexValue(raw[i+3:i+7]))
				if r == utf8.RuneError {
					return nil, false
				}
				i += 6
			}
			out = utf8.AppendRune(out, r)
		default:
			out = append(out, raw[i])
		}
	}
	s.text = out
	return out, true
}

// skip reads past the value at pos, checking that it is well-formed JSON.
func (s *state) skip(pos int) (int, verdict) {
	data := s.data
	if pos >= len(data) {
		return pos, fail
	}
	switch c := data[pos]; {
	case c == '"':
		end, _, v := s.scanString(pos)
		return end, v
	case c == '{' || c == '[':
		if s.depth == maxDepth {
			return pos, unknown
		}
		s.depth++
		end, v := s.skipCompound(c, pos)
		s.depth--
		return end, v
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(data, pos)
	case c == 't':
		return skipWord(data, pos, "true")
	case c == 'f':
		return skipWord(data, pos, "false")
	case c == 'n':
		return skipWord(data, pos, "null")
	}
	return pos, fail
}

func (s *state) skipCompound(c byte, pos int) (int, verdict) {
	data := s.data
	closing := byte('}')
	if c == '[' {
		closing = ']'
	}
	pos = skipSpace(data, pos+1)
	if pos < len(data) && data[pos] == closing {
		return pos + 1, pass
	}
	for {
		if c == '{' {
			if pos >= len(data) || data[pos] != '"' {
				return pos, fail
			}
			end, _, v := s.scanString(pos)
			if v != pass {
				return end, v
			}
			pos = skipSpace(data, end)
			if pos >= len(data) || data[pos] != ':' {
				return pos, fail
			}
			pos = skipSpace(data, pos+1)
		}
		end, v := s.skip(pos)
		if v != pass {
			return end, v
		}
		pos = skipSpace(data, end)
		if pos >= len(data) {
			return pos, fail
		}
		if data[pos] == closing {
			return pos + 1, pass
		}
		if data[pos] != ',' {
			return pos, fail
		}
		pos = skipSpace(data, pos+1)
	}
}

func skipWord(data []byte, pos int, word string) (int, verdict) {
	end := pos + len(word)
	if end > len(data) || string(data[pos:end]) != word {
		return pos, fail
	}
	return end, pass
}

func skipNumber(data []byte, pos int) (int, verdict) {
	digits := func() bool {
		start := pos
		for pos < len(data) && data[pos] >= '0' && data[pos] <= '9' {
			pos++
		}
		return pos > start
	}
	if data[pos] == '-' {
		pos++
	}
	if pos < len(data) && data[pos] == '0' {
		pos++
	} else if !digits() {
		return pos, fail
	}
	if pos < len(data) && data[pos] == '.' {
		pos++
		if !digits() {
			return pos, fail
		}
	}
	if pos < len(data) && (data[pos] == 'e' || data[pos] == 'E') {
		pos++
		if pos < len(data) && (data[pos] == '+' || data[pos] == '-') {
			pos++
		}
		if !digits() {
			return pos, fail
		}
	}
	return pos, pass
}
