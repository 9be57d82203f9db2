package fastschema

import "strconv"

// maxDigits bounds the significant digits of a number compared exactly;
// longer numbers are left to the full validator.
const maxDigits = 40

// decimal is a JSON number as digits × 10^exp, exactly: digits has no
// leading or trailing zeros and is empty for zero. 2^53+1 stays itself.
type decimal struct {
	neg    bool
	digits []byte
	exp    int
}

func (d *decimal) zero() bool     { return len(d.digits) == 0 }
func (d *decimal) integral() bool { return d.zero() || d.exp >= 0 }

// parseDecimal reads a whole JSON number (RFC 8259 grammar). ok is false
// for anything else, or for a number beyond maxDigits or a huge exponent.
func parseDecimal(b []byte) (*decimal, bool) {
	d := &decimal{}
	var buf [maxDigits]byte
	end, ok := scanNumber(b, 0, d, buf[:0])
	if !ok || end != len(b) {
		return nil, false
	}
	d.digits = append([]byte(nil), d.digits...)
	return d, true
}

// scanNumber reads the number at pos into d, using buf for its digits. It
// returns the position after the number; ok is false for malformed input
// or a number it does not represent exactly (too many digits).
func scanNumber(b []byte, pos int, d *decimal, buf []byte) (int, bool) {
	d.neg, d.exp = false, 0
	if pos < len(b) && b[pos] == '-' {
		d.neg = true
		pos++
	}
	if pos >= len(b) {
		return pos, false
	}
	fracDigits := 0
	significant := func(c byte) bool {
		if len(buf) == 0 && c == '0' {
			return true // a leading zero
		}
		if len(buf) == cap(buf) {
			return false
		}
		buf = append(buf, c)
		return true
	}
	switch c := b[pos]; {
	case c == '0':
		pos++
	case c >= '1' && c <= '9':
		for pos < len(b) && b[pos] >= '0' && b[pos] <= '9' {
			if !significant(b[pos]) {
				return pos, false
			}
			pos++
		}
	default:
		return pos, false
	}
	if pos < len(b) && b[pos] == '.' {
		pos++
		start := pos
		for pos < len(b) && b[pos] >= '0' && b[pos] <= '9' {
			if len(buf) > 0 || b[pos] != '0' {
				if !significant(b[pos]) {
					return pos, false
				}
			}
			fracDigits++
			pos++
		}
		if pos == start {
			return pos, false
		}
	}
	exp := 0
	if pos < len(b) && (b[pos] == 'e' || b[pos] == 'E') {
		pos++
		negExp := false
		if pos < len(b) && (b[pos] == '+' || b[pos] == '-') {
			negExp = b[pos] == '-'
			pos++
		}
		start := pos
		for pos < len(b) && b[pos] >= '0' && b[pos] <= '9' {
			if exp > 100000 {
				return pos, false
			}
			exp = exp*10 + int(b[pos]-'0')
			pos++
		}
		if pos == start {
			return pos, false
		}
		if negExp {
			exp = -exp
		}
	}
	// Trailing zeros of the digits move into the exponent.
	trailing := 0
	for len(buf) > 0 && buf[len(buf)-1] == '0' {
		buf = buf[:len(buf)-1]
		trailing++
	}
	d.digits = buf
	if len(buf) == 0 {
		d.exp, d.neg = 0, false // -0 is 0
		return pos, true
	}
	d.exp = exp - fracDigits + trailing
	return pos, true
}

// cmp compares two decimals: -1, 0 or 1.
func (d *decimal) cmp(o *decimal) int {
	switch {
	case d.zero() && o.zero():
		return 0
	case d.zero():
		if o.neg {
			return 1
		}
		return -1
	case o.zero():
		if d.neg {
			return -1
		}
		return 1
	case d.neg != o.neg:
		if d.neg {
			return -1
		}
		return 1
	}
	m := d.cmpMagnitude(o)
	if d.neg {
		return -m
	}
	return m
}

func (d *decimal) cmpMagnitude(o *decimal) int {
	// The order of magnitude first, then the digits from the left.
	dm, om := len(d.digits)+d.exp, len(o.digits)+o.exp
	if dm != om {
		if dm < om {
			return -1
		}
		return 1
	}
	for i := 0; i < len(d.digits) || i < len(o.digits); i++ {
		var a, b byte = '0', '0'
		if i < len(d.digits) {
			a = d.digits[i]
		}
		if i < len(o.digits) {
			b = o.digits[i]
		}
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	return 0
}

// multipleOf reports whether d is an integral multiple of m (m > 0). ok is
// false when the digits are too long for machine words.
func (d *decimal) multipleOf(m *decimal) (multiple, ok bool) {
	if d.zero() {
		return true, true
	}
	if len(d.digits) > 18 || len(m.digits) > 18 {
		return false, false
	}
	da, dm := word(d.digits), word(m.digits)
	k := d.exp - m.exp
	if k >= 0 {
		// dm divides da × 10^k.
		if k > 4096 {
			return false, false
		}
		r := da % dm
		for ; k > 0 && r != 0; k-- {
			r = r * 10 % dm
		}
		return r == 0, true
	}
	// dm × 10^-k divides da.
	div := dm
	for ; k < 0; k++ {
		if div > (1<<64-1)/10 {
			return false, true // the divisor exceeds da, which is not 0
		}
		div *= 10
	}
	return da%div == 0, true
}

// key is a canonical text of the value, equal for equal numbers (1, 1.0,
// 10e-1), for enum lookups.
func (d *decimal) key(buf []byte) []byte {
	if d.neg {
		buf = append(buf, '-')
	}
	buf = append(buf, d.digits...)
	buf = append(buf, 'e')
	return strconv.AppendInt(buf, int64(d.exp), 10)
}

// word is the value of at most 18 decimal digits.
func word(digits []byte) uint64 {
	var v uint64
	for _, c := range digits {
		v = v*10 + uint64(c-'0')
	}
	return v
}
