package fastschema

// checkFormat checks a decoded string against the node's format. The
// common formats are first tried on the bytes: a string of the usual
// shape (a plain address, a UUID, a timestamp without leap seconds) is
// accepted without calling the full validator's check, which would copy
// it. Anything else goes to that check, so both paths agree on every
// input; the fuzz test holds them to it.
func checkFormat(n *node, text []byte) bool {
	switch n.formatName {
	case "uuid":
		if isUUID(text) {
			return true
		}
	case "email":
		if plainEmail(text) {
			return true
		}
	case "date-time":
		if plainDateTime(text) {
			return true
		}
	case "date":
		if len(text) == 10 && plainDate(text) {
			return true
		}
	}
	return n.format(string(text))
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isUUID: 8-4-4-4-12 hexadecimal digits.
func isUUID(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHexDigit(c) {
				return false
			}
		}
	}
	return true
}

// atext are the characters of an unquoted address part (RFC 5322).
var atext = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-/=?^_`{|}~" {
		t[c] = true
	}
	return t
}()

// plainEmail accepts local@domain where the local part is a dot-atom of at
// most 64 characters and the domain a host name of letters, digits and
// hyphens in labels of at most 63, at most 254 in all: addresses every
// email check accepts.
func plainEmail(b []byte) bool {
	if len(b) > 254 {
		return false
	}
	at := -1
	for i, c := range b {
		if c == '@' {
			at = i
			break
		}
	}
	if at < 1 || at > 64 || !dotAtom(b[:at]) {
		return false
	}
	domain := b[at+1:]
	if len(domain) == 0 || len(domain) > 253 || domain[0] == '-' {
		return false
	}
	label := 0
	for i, c := range domain {
		switch {
		case c == '.':
			if label == 0 || domain[i-1] == '-' {
				return false
			}
			label = 0
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-':
			if label++; label > 63 {
				return false
			}
		default:
			return false
		}
	}
	return label > 0 && domain[len(domain)-1] != '-'
}

func dotAtom(b []byte) bool {
	for i, c := range b {
		if c == '.' {
			if i == 0 || i == len(b)-1 || b[i-1] == '.' {
				return false
			}
			continue
		}
		if !atext[c] {
			return false
		}
	}
	return true
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// plainDate accepts YYYY-MM-DD with a day the month has.
func plainDate(b []byte) bool {
	if b[4] != '-' || b[7] != '-' {
		return false
	}
	y, ok1 := digits(b[:4])
	m, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// plainDateTime accepts RFC 3339 timestamps, YYYY-MM-DDTHH:MM:SS with an
// optional fraction and Z or an offset, except leap seconds.
func plainDateTime(b []byte) bool {
	if len(b) < 20 || b[10] != 'T' && b[10] != 't' || !plainDate(b[:10]) {
		return false
	}
	t := b[11:]
	if t[2] != ':' || t[5] != ':' {
		return false
	}
	h, ok1 := digits(t[0:2])
	m, ok2 := digits(t[3:5])
	s, ok3 := digits(t[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 59 {
		return false
	}
	t = t[8:]
	if len(t) > 0 && t[0] == '.' {
		i := 1
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		t = t[i:]
	}
	switch {
	case len(t) == 1 && (t[0] == 'Z' || t[0] == 'z'):
		return true
	case len(t) == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':':
		oh, ok1 := digits(t[1:3])
		om, ok2 := digits(t[4:6])
		return ok1 && ok2 && oh <= 23 && om <= 59
	}
	return false
}
