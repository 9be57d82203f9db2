package webhook_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/webhook"
)

// resolver answers from its map, as a DNS server under the test's control
// would: a name may resolve to anything, inside included.
type resolver map[string][]string

func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range r[host] {
		a := netip.MustParseAddr(s)
		if a.Is4() {
			a = netip.AddrFrom16(a.As16()) // as Go's resolver hands IPv4 over: ::ffff:a.b.c.d
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, errors.New("no such host")
	}
	return out, nil
}

// counted is a local receiver that counts the connections made to it, so
// a test can tell a refusal from a probe.
type counted struct {
	srv   *httptest.Server
	conns atomic.Int32
	posts atomic.Int32
	port  string
}

func newCounted(t *testing.T, h http.HandlerFunc) *counted {
	c := &counted{}
	c.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.posts.Add(1)
		h(w, r)
	}))
	c.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			c.conns.Add(1)
		}
	}
	c.srv.Start()
	t.Cleanup(c.srv.Close)
	u, _ := url.Parse(c.srv.URL)
	c.port = u.Port()
	return c
}

func guarded(t *testing.T, allow []string, names resolver) (*webhook.Service, *memory.WebhookStore) {
	t.Helper()
	store := memory.NewWebhookStore()
	s, err := webhook.NewService(webhook.Options{Store: store, Allow: allow, Resolver: names,
		Retry: webhook.RetryPolicy{Attempts: 3, Timeout: 2 * time.Second}, Sleep: func(context.Context, time.Duration) error { return nil }})
	require.NoError(t, err)
	return s, store
}

// deliverOnce delivers e to sub and returns the one delivery logged for it.
func deliverOnce(t *testing.T, s *webhook.Service, sub webhook.Subscription) webhook.Delivery {
	t.Helper()
	e := event("requirement.updated", "REQ-1 edited")
	require.NoError(t, s.Deliver(context.Background(), sub, e))
	log, err := s.Deliveries(admin, sub.Project, webhook.DeliveryFilter{Subscription: sub.ID}, accord.PageQuery{Size: 500})
	require.NoError(t, err)
	for _, d := range log.Items {
		if d.Event.ID == e.ID {
			return d
		}
	}
	t.Fatalf("no delivery of %s was logged", e.ID)
	return webhook.Delivery{}
}

// Every way of writing an internal address is refused when subscribing or
// updating, naming the url field, and leaves the subscription unchanged.
func TestSubscribingToAnInternalAddressIsRefused(t *testing.T) {
	s, store := guarded(t, nil, nil)
	internal := []string{
		"http://127.0.0.1/hook", "http://127.8.9.10:8080/", "http://localhost:3000/", "http://api.localhost/", "http://LOCALHOST./",
		"http://2130706433/", "http://0x7f000001/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/", "http://127.0.0.1./",
		"http://0.0.0.0/", "http://0/", "http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/",
		"http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://192.0.0.8/", "http://192.0.2.1/",
		"http://198.18.0.1/", "http://198.19.255.1/", "http://198.51.100.7/", "http://203.0.113.9/", "http://224.0.0.1/",
		"http://239.255.255.250/", "http://240.0.0.1/", "http://255.255.255.255/",
		"http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:8.8.8.8]/",
		"http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a00:1]/", "http://[64:ff9b:1::1]/",
		"http://[2002:7f00:1::1]/", "http://[2002:a9fe:a9fe::1]/", "http://[fc00::1]/", "http://[fd12:3456::1]/",
		"http://[fe80::1]/", "http://[fe80::1%25eth0]/", "http://[fec0::1]/", "http://[ff02::1]/", "http://[2001:db8::1]/",
		"http://[2001::1]/", "http://[100::1]/", "http://[3fff::1]/",
	}
	for _, u := range internal {
		_, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: u})
		var e *accord.Error
		if assert.ErrorAs(t, err, &e, u) {
			assert.Equal(t, accord.Invalid, e.Code, u)
			if assert.Len(t, e.Fields, 1, u) {
				assert.Equal(t, "url", e.Fields[0].Field, u)
			}
		}
	}
	for _, u := range []string{"https://hooks.slack.com/services/T0/B0/X", "http://93.184.216.34/", "http://8.8.8.8:8080/",
		"http://[2606:4700:4700::1111]/", "http://[64:ff9b::808:808]/", "http://[2002:808:808::1]/", "http://internal.corp.example/"} {
		_, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: u})
		assert.NoError(t, err, "%s is public (or a name, checked when a delivery connects)", u)
	}

	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: "https://example.com/hook"})
	require.NoError(t, err)
	_, err = s.Update(admin, "shop", sub.ID, sub.Revision, webhook.Content{URL: "http://169.254.169.254/", Active: true})
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, accord.Invalid, e.Code)
	require.Len(t, e.Fields, 1)
	assert.Equal(t, "url", e.Fields[0].Field)
	assert.Contains(t, e.Fields[0].Message, "internal address")
	got, err := store.GetSubscription(context.Background(), "shop", sub.ID)
	require.NoError(t, err)
	assert.Equal(t, sub, got, "the refused update changed nothing")
}

// The allow-list lets the installation's own receivers in, by network or
// by name, and nothing else.
func TestAllowListAdmitsNamedHostsAndNetworks(t *testing.T) {
	s, _ := guarded(t, []string{"127.0.0.1/32", "10.20.0.0/16", "hooks.corp.example", "fd00::1"}, nil)
	for _, u := range []string{"http://127.0.0.1:9000/", "http://2130706433/", "http://10.20.3.4/", "http://hooks.corp.example./x",
		"http://[fd00::1]/"} {
		_, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: u})
		assert.NoError(t, err, u)
	}
	for _, u := range []string{"http://127.0.0.2/", "http://10.21.0.1/", "http://localhost/", "http://[::1]/", "http://[fd00::2]/"} {
		_, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: u})
		assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "%s is not on the list", u)
	}

	for i, bad := range [][]string{{"127.0.0.1/33"}, {"ok.example", "http://x.example/"}, {"host:8080"}, {""}, {"2130706433"}, {"a b"}} {
		_, err := webhook.NewService(webhook.Options{Store: memory.NewWebhookStore(), Allow: bad})
		var e *accord.Error
		if assert.ErrorAs(t, err, &e, "entry %d", i) {
			assert.Equal(t, accord.Invalid, e.Code)
			assert.Contains(t, e.Message, "webhook.Options.Allow[", "the message names the entry")
		}
	}
}

// A delivery checks the address it connects to, after resolving: a name
// that resolves inside, and every literal form, is refused without a
// connection, logged as "refused: internal address", and not retried.
// The same receiver is reached once the allow-list names it.
func TestDeliveriesConnectOnlyToPublicAddresses(t *testing.T) {
	rcv := newCounted(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	names := resolver{
		"loopback.example":   {"127.0.0.1"},
		"metadata.example":   {"169.254.169.254"},
		"private.example":    {"10.0.0.7"},
		"mapped.example":     {"::ffff:192.168.0.1"},
		"six.example":        {"::1"},
		"unique.example":     {"fd00::7"},
		"nat64.example":      {"64:ff9b::7f00:1"},
		"rebinding.example":  {"93.184.216.34", "127.0.0.1"},
		"receiver.test.corp": {"127.0.0.1"},
	}
	// Subscriptions made where the allow-list admitted them, delivered by
	// a service whose list does not: as after the list was shortened.
	permissive, store := guarded(t, []string{"0.0.0.0/0", "::/0", "localhost"}, names)
	s, err := webhook.NewService(webhook.Options{Store: store, Resolver: names, Retry: webhook.RetryPolicy{Attempts: 3},
		Sleep: func(context.Context, time.Duration) error { return nil }})
	require.NoError(t, err)

	var urls []string
	for name := range names {
		urls = append(urls, "http://"+name+":"+rcv.port+"/hook")
	}
	for _, host := range []string{"127.0.0.1", "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0.0.0.0", "0", "localhost",
		"[::1]", "[::]", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]"} {
		urls = append(urls, "http://"+host+":"+rcv.port+"/hook")
	}
	for _, u := range urls {
		sub, _, err := permissive.Subscribe(admin, "shop", webhook.NewSubscription{URL: u})
		require.NoError(t, err, u)
		d := deliverOnce(t, s, sub)
		assert.Equal(t, webhook.Failed, d.Status, u)
		if assert.Len(t, d.Attempts, 1, "%s: a refusal is final, not retried", u) {
			assert.Equal(t, "refused: internal address", d.Attempts[0].Error, u)
			assert.Zero(t, d.Attempts[0].StatusCode, u)
		}
	}
	assert.Zero(t, rcv.conns.Load(), "no connection was attempted to any of them")

	// Allow-listed, by name or by network, the same receiver is reached.
	for _, allow := range []string{"receiver.test.corp", "127.0.0.1/32"} {
		allowed, err := webhook.NewService(webhook.Options{Store: store, Allow: []string{allow}, Resolver: names})
		require.NoError(t, err)
		sub, _, err := permissive.Subscribe(admin, "shop", webhook.NewSubscription{URL: "http://receiver.test.corp:" + rcv.port + "/hook"})
		require.NoError(t, err)
		d := deliverOnce(t, allowed, sub)
		assert.Equal(t, webhook.Delivered, d.Status, "allowed by %s", allow)
	}
	assert.EqualValues(t, 2, rcv.posts.Load())
}

// A receiver the installation allows that answers with a redirect inside
// is not followed: the delivery fails with the 3xx, and the internal
// target gets nothing, not even a connection.
func TestRedirectsAreNotFollowed(t *testing.T) {
	inside := newCounted(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, target := range []string{"http://127.0.0.1:" + inside.port + "/admin", "http://169.254.169.254/latest/meta-data/",
		"http://public.example:" + inside.port + "/again"} {
		front := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target, http.StatusTemporaryRedirect)
		})
		names := resolver{"public.example": {"127.0.0.1"}}
		s, _ := guarded(t, []string{"public.example"}, names)
		sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: "http://public.example:" + front.port + "/hook"})
		require.NoError(t, err)
		d := deliverOnce(t, s, sub)
		assert.Equal(t, webhook.Failed, d.Status, target)
		require.NotEmpty(t, d.Attempts)
		assert.Equal(t, http.StatusTemporaryRedirect, d.Attempts[0].StatusCode)
		assert.Equal(t, "redirect not followed", d.Attempts[0].Error)
		assert.NotContains(t, d.Attempts[0].Response, "169.254", "the Location is not logged")
		assert.EqualValues(t, len(d.Attempts), front.posts.Load(), "the front was asked, once per attempt")
	}
	assert.Zero(t, inside.conns.Load(), "the redirect's target was never contacted")
}

// The log keeps a short, clean start of a refusing receiver's answer, not
// what it serves.
func TestTheLogKeepsOnlyAnExcerptOfTheAnswer(t *testing.T) {
	page := "Error:\x1b[31m bad\r\n\tthing\u202e\x00 " + string([]byte{0xff, 0xfe}) + strings.Repeat("secret internal page ", 100)
	rcv := newCounted(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(page))
	})
	s, _ := guarded(t, []string{"127.0.0.1/32"}, nil)
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rcv.srv.URL})
	require.NoError(t, err)
	d := deliverOnce(t, s, sub)
	require.Len(t, d.Attempts, 3)
	got := d.Attempts[0].Response
	assert.LessOrEqual(t, len(got), 200)
	assert.True(t, utf8.ValidString(got))
	assert.True(t, strings.HasPrefix(got, "Error: [31m bad thing \uFFFDsecret internal page"), got)
	for _, r := range got {
		assert.False(t, unicode.IsControl(r) || unicode.Is(unicode.Cf, r), "control or format character %U kept", r)
	}
	assert.Equal(t, 500, d.Attempts[0].StatusCode)
}
