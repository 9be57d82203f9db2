package enginetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/webhook"
)

var admin = accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"admin"}})

// hookReceiver counts what a local webhook endpoint took, by event ID,
// after checking the signature; it answers 503 to the first fail calls.
type hookReceiver struct {
	secret []byte
	fail   atomic.Int32
	mu     sync.Mutex
	took   map[string]int
	order  []string // summaries, in the order taken
	bad    atomic.Int32
	hooks  *webhook.Service
	sub    webhook.Subscription
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := webhook.Verify(h.secret, r.Header.Get(webhook.HeaderSignature), body, time.Minute, time.Now()); err != nil {
		h.bad.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if h.fail.Add(-1) >= 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	h.mu.Lock()
	h.took[r.Header.Get(webhook.HeaderEventID)]++
	h.order = append(h.order, r.Header.Get(webhook.HeaderEventKind))
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.took)
}

// hooked subscribes a local receiver to every requirement event of
// project p and runs a Dispatcher over the outbox until the test ends.
func hooked(t testing.TB, s *sqlstore.Stores) (*hookReceiver, *requirement.Service) {
	// The receiver listens on 127.0.0.1: only the allow-list lets deliveries reach it.
	hooks, err := webhook.NewService(webhook.Options{Store: s.Webhooks, Retry: webhook.RetryPolicy{Attempts: 8, Base: time.Millisecond, Max: 5 * time.Millisecond},
		Allow: []string{"127.0.0.1/32"}})
	require.NoError(t, err)
	rcv := &hookReceiver{took: map[string]int{}}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	sub, secret, err := hooks.Subscribe(admin, "p", webhook.NewSubscription{URL: srv.URL, Kinds: []string{"requirement.*"}})
	require.NoError(t, err)
	rcv.secret, rcv.hooks, rcv.sub = []byte(secret), hooks, sub
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	d := webhook.Dispatcher{Service: hooks, Store: s.Webhooks, Refresh: 10 * time.Millisecond,
		Run: func(ctx context.Context, name string, sub webhook.Subscription, deliver func(context.Context, accord.Event) error) error {
			r := sqlstore.WebhookRelay(name, sub, deliver)
			r.Poll = 10 * time.Millisecond
			return s.Run(ctx, r)
		}}
	go func() { defer close(done); _ = d.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	svc, err := requirement.NewService(requirement.Options{Store: s.Requirements, Events: s.Outbox()})
	require.NoError(t, err)
	return rcv, svc
}

// Webhooks checks delivery from the outbox to a local receiver: every
// committed event once, in order, through a receiver's failures; nothing
// from a unit that failed.
func Webhooks(t *testing.T, open func(testing.TB) *sqlstore.Stores) {
	s := open(t)
	rcv, svc := hooked(t, s)
	rcv.fail.Store(3)
	var writers sync.WaitGroup
	for w := range 3 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := range 4 {
				err := s.Atomically(alice, func(ctx context.Context) error {
					r, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: fmt.Sprintf("writer %d, %d", w, i)}})
					if err != nil {
						return err
					}
					_, err = svc.Transition(ctx, "p", r.ID, r.Revision, requirement.TransitionInput{To: requirement.InReview})
					return err
				})
				assert.NoError(t, err)
			}
		}()
	}
	_ = s.Atomically(alice, func(ctx context.Context) error {
		_, _ = svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: "rolled back"}})
		return fmt.Errorf("the request failed")
	})
	writers.Wait()
	require.Eventually(t, func() bool { return rcv.count() == 24 }, 20*time.Second, 10*time.Millisecond)
	time.Sleep(50 * time.Millisecond) // anything more would be a duplicate or the rolled-back event
	rcv.mu.Lock()
	assert.Len(t, rcv.took, 24, "12 creations and 12 transitions; nothing from the unit that failed")
	for id, n := range rcv.took {
		assert.Equal(t, 1, n, "event %s taken %d times", id, n)
	}
	assert.Zero(t, rcv.bad.Load(), "every signature verified")
	// Per record, created comes before transitioned: the outbox's order.
	assert.Equal(t, requirement.EventCreated, rcv.order[0])
	rcv.mu.Unlock()

	// A changed subscription gets a new relay, which takes over from the
	// old one at once: the old one gives its lease up as it ends.
	_, err := rcv.hooks.Update(admin, "p", rcv.sub.ID, rcv.sub.Revision, webhook.Content{URL: rcv.sub.URL, Kinds: rcv.sub.Kinds, Active: true})
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // the dispatcher sees the change
	changed := time.Now()
	require.NoError(t, s.Atomically(alice, func(ctx context.Context) error {
		_, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: "after the change"}})
		return err
	}))
	require.Eventually(t, func() bool { return rcv.count() == 25 }, 10*time.Second, 5*time.Millisecond)
	assert.Less(t, time.Since(changed), 2*time.Second, "the new relay did not wait out the old one's lease")
}

// BenchmarkOutboxWebhooks measures events per second from a committed
// change to a local receiver through the outbox and a relay, against two
// floors: posting the same bodies to the same receiver directly, and
// committing the same changes with no events at all.
func BenchmarkOutboxWebhooks(b *testing.B, open func(testing.TB) *sqlstore.Stores) {
	b.Run("floor_direct_post", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		body, _ := webhook.Payload(webhook.FormatAccord, accord.Event{ID: "x", Kind: "requirement.created", Summary: "REQ-1 created"})
		start := time.Now()
		for b.Loop() {
			resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
	b.Run("floor_change_without_events", func(b *testing.B) {
		s := open(b)
		svc, err := requirement.NewService(requirement.Options{Store: s.Requirements})
		require.NoError(b, err)
		start := time.Now()
		for b.Loop() {
			if err := s.Atomically(alice, func(ctx context.Context) error {
				_, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: "Refund an order"}})
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "changes/s")
	})
	b.Run("change_to_receiver", func(b *testing.B) {
		s := open(b)
		rcv, svc := hooked(b, s)
		start := time.Now()
		n := 0
		for b.Loop() {
			n++
			if err := s.Atomically(alice, func(ctx context.Context) error {
				_, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: "Refund an order"}})
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
		for rcv.count() < n {
			time.Sleep(time.Millisecond)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
	})
}
