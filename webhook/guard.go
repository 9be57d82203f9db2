package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrInternalAddress is why a delivery to a loopback, private,
// link-local or otherwise non-public address that the installation has
// not allow-listed was refused. No connection was attempted, so the log
// says nothing about what listens there.
var ErrInternalAddress = errors.New("refused: internal address")

// Resolver looks up the addresses of a host name; *net.Resolver is one.
// Tests give one that answers what they need (a name that resolves to
// 127.0.0.1).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// allowList is what the installation lets deliveries reach although it is
// not public: host names (as written in the URL) and networks.
type allowList struct {
	hosts map[string]bool
	nets  []netip.Prefix
}

// parseAllow reads Options.Allow: each entry an address, a CIDR or a host
// name.
func parseAllow(entries []string) (allowList, error) {
	al := allowList{hosts: map[string]bool{}}
	for i, raw := range entries {
		e := strings.TrimSpace(raw)
		if p, err := netip.ParsePrefix(e); err == nil {
			al.nets = append(al.nets, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(e); err == nil && a.Zone() == "" {
			al.nets = append(al.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		name := hostKey(e)
		if !validHostName(name) {
			return allowList{}, fmt.Errorf("webhook.Options.Allow[%d]: %q is not an address, a CIDR (127.0.0.1/32) or a host name (hooks.corp.example)", i, raw)
		}
		al.hosts[name] = true
	}
	return al, nil
}

// hostKey is how a host name is compared: lower case, without the root's
// trailing dot.
func hostKey(host string) string { return strings.TrimSuffix(strings.ToLower(host), ".") }

func validHostName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	if _, numeric := legacyIPv4(name); numeric {
		return false // an address in disguise: write it as one
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// permits reports whether the installation allows a delivery to addr,
// reached through the URL host host.
func (al allowList) permits(host string, addr netip.Addr) bool {
	if al.hosts[hostKey(host)] {
		return true
	}
	addr = addr.WithZone("")
	for _, p := range al.nets {
		if p.Contains(addr) || p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

var (
	// internalV4 is every IPv4 network that is not the public Internet
	// (IANA's special-purpose registry): this host, private, shared
	// (CGNAT), loopback, link-local, protocol assignments, documentation,
	// the old 6to4 relay, benchmarking, multicast, reserved and broadcast.
	internalV4 = prefixes("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4")
	// Public IPv6 lies in 2000::/3; inside it these are not public: IETF
	// protocol assignments (Teredo, benchmarking, ORCHID) and
	// documentation. Everything outside it (::1, ::, ::/96 IPv4-compatible,
	// ::ffff:0:0/96 mapped, 64:ff9b:1::/48 local NAT64, 100::/64 discard,
	// fc00::/7, fe80::/10, fec0::/10, ff00::/8) is refused by being outside.
	globalV6   = netip.MustParsePrefix("2000::/3")
	internalV6 = prefixes("2001::/23", "2001:db8::/32", "3fff::/20")
	// These carry an IPv4 address, which must be public itself.
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// public reports whether addr is an address of the public Internet. An
// IPv4-mapped address (::ffff:a.b.c.d) is not: callers unmap what a
// resolver returns, so one here was written so on purpose.
func public(addr netip.Addr) bool {
	if !addr.IsValid() || addr.Zone() != "" {
		return false
	}
	if addr.Is4() {
		for _, p := range internalV4 {
			if p.Contains(addr) {
				return false
			}
		}
		return true
	}
	b := addr.As16()
	switch {
	case nat64.Contains(addr):
		return public(netip.AddrFrom4([4]byte(b[12:16])))
	case sixTo4.Contains(addr):
		return public(netip.AddrFrom4([4]byte(b[2:6])))
	case !globalV6.Contains(addr):
		return false
	}
	for _, p := range internalV6 {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// legacyIPv4 reads the forms of an IPv4 address that inet_aton and
// browsers accept besides a.b.c.d: one to four parts, each decimal, octal
// (leading 0) or hex (0x), the last filling the remaining bytes, so
// 2130706433, 0x7f.1 and 0177.0.0.1 are all 127.0.0.1. numeric reports
// whether host has that shape at all, valid or not.
func legacyIPv4(host string) (addr netip.Addr, numeric bool) {
	host = strings.TrimSuffix(host, ".")
	parts := strings.Split(host, ".")
	if host == "" || len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		base, digits := 10, p
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, digits = 16, p[2:]
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		if p == "" || (digits == "" && base != 16) {
			return netip.Addr{}, false
		}
		if digits == "" {
			vals[i] = 0 // "0x" alone is 0 to inet_aton
			continue
		}
		v, err := strconv.ParseUint(digits, base, 64)
		if err != nil {
			var numErr *strconv.NumError
			if errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) {
				return netip.Addr{}, true
			}
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	last := len(vals) - 1
	for _, v := range vals[:last] {
		if v > 0xff {
			return netip.Addr{}, true
		}
	}
	if vals[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, true
	}
	var b [4]byte
	for i, v := range vals[:last] {
		b[i] = byte(v)
	}
	for i := 3; i >= last; i-- {
		b[i] = byte(vals[last])
		vals[last] >>= 8
	}
	return netip.AddrFrom4(b), true
}

// literalAddr returns the address a URL host names without any lookup: an
// IP literal (brackets removed) or a legacy IPv4 form. ok is false for a
// host name.
func literalAddr(host string) (addr netip.Addr, ok bool) {
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")); err == nil {
		return a, true
	}
	if a, _ := legacyIPv4(host); a.IsValid() {
		return a, true
	}
	return netip.Addr{}, false
}

// loopbackName reports whether host is a name that always means this
// machine (RFC 6761): no lookup needed to refuse it.
func loopbackName(host string) bool {
	h := hostKey(host)
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// guard is the dialer of every delivery: it resolves the host itself and
// connects only to addresses that are public or allow-listed, so a DNS
// name that resolves (or rebinds) to an internal address is refused
// before any connection.
type guard struct {
	allow    allowList
	resolver Resolver
	dialer   net.Dialer
}

func (g *guard) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if a, ok := literalAddr(host); ok {
		addrs = []netip.Addr{a}
	} else if loopbackName(host) && !g.allow.hosts[hostKey(host)] {
		return nil, ErrInternalAddress
	} else {
		ipNet := map[string]string{"tcp4": "ip4", "tcp6": "ip6"}[network]
		if ipNet == "" {
			ipNet = "ip"
		}
		found, err := g.resolver.LookupNetIP(ctx, ipNet, host)
		if err != nil {
			return nil, err
		}
		for _, a := range found {
			// Go's resolver hands IPv4 answers over as ::ffff:a.b.c.d.
			addrs = append(addrs, a.Unmap())
		}
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("no address for %s", host)
	}
	// One internal answer refuses the name: a record set that mixes
	// public and internal addresses is a rebinding attempt, not a
	// receiver.
	for _, a := range addrs {
		if !public(a) && !g.allow.permits(host, a) {
			return nil, ErrInternalAddress
		}
	}
	var last error
	for _, a := range addrs {
		// The checked address itself is dialled, never the name again.
		conn, err := g.dialer.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

// newClient returns the HTTP client of deliveries: the guard dials, no
// proxy is used (a proxy would connect for us, past the guard), and
// redirects are not followed (a public receiver must not point a delivery
// inside).
func newClient(g *guard) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           g.dialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// maxExcerpt bounds how much of a receiver's answer the delivery log
// keeps: enough to say why it refused, not enough to read a page.
const maxExcerpt = 200

// excerpt returns at most maxExcerpt bytes of body as valid UTF-8 with
// control characters (newlines included) made spaces, runs of space
// collapsed and invisible formatting characters dropped.
func excerpt(body []byte) string {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			space = true
			continue
		}
		if unicode.Is(unicode.Cf, r) {
			continue // invisible formatting, such as a bidi override
		}
		if space && b.Len() > 0 {
			if b.Len()+1 > maxExcerpt {
				break
			}
			b.WriteByte(' ')
		}
		space = false
		if b.Len()+utf8.RuneLen(r) > maxExcerpt {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
