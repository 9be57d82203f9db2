package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/webhook"
)

// TestWebhooksSurviveAKill subscribes a local receiver (reached through
// -webhook-allow), commits changes while the receiver is down, kills the
// server with SIGKILL while its relay is retrying the first, and restarts
// it: the first delivery arrives within seconds of the restart, not after
// the dead relay's lease, and every change reaches the receiver, once,
// signed, in order.
func TestWebhooksSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs server processes")
	}
	db := filepath.Join(t.TempDir(), "hooks.db")
	const pm, dev = "hooks-pm-token", "hooks-dev-token"
	tokens := "alice:product:" + pm + ",bob:backend:" + dev
	srv := spawn(t, db, tokens, "-webhook-allow", "127.0.0.1/32")

	var secret atomic.Value
	var up atomic.Bool
	var tried atomic.Int32
	var mu sync.Mutex
	took := map[string]int{}
	var order []string
	var first time.Time
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tried.Add(1)
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify([]byte(secret.Load().(string)), r.Header.Get(webhook.HeaderSignature), body, time.Minute, time.Now()); err != nil {
			t.Errorf("a delivery that does not verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var e struct{ ID, Summary string }
		require.NoError(t, json.Unmarshal(body, &e))
		mu.Lock()
		if first.IsZero() {
			first = time.Now()
		}
		took[e.ID]++
		order = append(order, e.Summary)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()

	var sub struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	status, err := post(srv.url+"/v1/projects/demo/webhooks", pm, `{"url":"http://169.254.169.254/latest/meta-data/"}`, nil)
	require.NoError(t, err)
	require.Equal(t, 400, status, "an internal address the allow-list does not name")
	status, err = post(srv.url+"/v1/projects/demo/webhooks", pm, `{"url":"`+rcv.URL+`","kinds":["requirement.created"]}`, &sub)
	require.NoError(t, err)
	require.Equal(t, 201, status, "alice is the demo's admin")
	secret.Store(sub.Secret)

	var keys []string
	for i := range 5 {
		var created struct{ Key string }
		status, err := post(srv.url+"/v1/projects/demo/requirements", dev, fmt.Sprintf(`{"title":"after the subscription %d"}`, i), &created)
		require.NoError(t, err)
		require.Equal(t, 201, status)
		keys = append(keys, created.Key)
	}
	// The relay holds its lease and retries; the receiver refuses.
	require.Eventually(t, func() bool { return tried.Load() > 0 }, 20*time.Second, 10*time.Millisecond, "the relay never tried")
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGKILL))
	_ = srv.cmd.Wait()
	mu.Lock()
	require.Empty(t, took, "nothing was delivered before the kill")
	mu.Unlock()

	up.Store(true)
	restarted := time.Now()
	again := spawn(t, db, tokens, "-webhook-allow", "127.0.0.1/32")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(took) == len(keys)
	}, 30*time.Second, 20*time.Millisecond, "the committed changes reach the receiver after the restart")
	mu.Lock()
	resumed := first.Sub(restarted)
	mu.Unlock()
	assert.Less(t, resumed, 10*time.Second, "the first delivery after the restart came %s after it", resumed)
	t.Logf("first delivery %s after the restart", resumed.Round(time.Millisecond))
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	for id, n := range took {
		assert.Equal(t, 1, n, "event %s taken %d times", id, n)
	}
	for i, key := range keys {
		assert.Contains(t, order[i], key, "in the order they were made")
	}
	mu.Unlock()

	var log struct {
		Items []struct {
			Status   string            `json:"status"`
			Attempts []json.RawMessage `json:"attempts"`
		} `json:"items"`
	}
	require.Equal(t, 200, do(t, "GET", again.url+"/v1/projects/demo/webhooks/"+sub.ID+"/deliveries", pm, "", &log).StatusCode)
	require.Len(t, log.Items, len(keys))
	assert.Equal(t, "delivered", log.Items[0].Status)
	require.NoError(t, again.cmd.Process.Signal(syscall.SIGTERM))
	_ = again.cmd.Wait()
}

// TestAKillRepeatsAtMostTheDeliveryInFlight kills the server with SIGKILL
// while its relay streams events to a slow receiver, and restarts it:
// every event arrives, and at most the one in flight at the kill twice.
func TestAKillRepeatsAtMostTheDeliveryInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("runs server processes")
	}
	db := filepath.Join(t.TempDir(), "stream.db")
	const pm, dev = "stream-pm-token", "stream-dev-token"
	tokens := "alice:product:" + pm + ",bob:backend:" + dev
	// The list from the environment, as an installation would set it.
	t.Setenv("ACCORD_WEBHOOK_ALLOW", "127.0.0.1/32")
	srv := spawn(t, db, tokens)

	var mu sync.Mutex
	took := map[string]int{}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		time.Sleep(10 * time.Millisecond) // slow enough for the kill to find events in flight
		mu.Lock()
		took[r.Header.Get(webhook.HeaderEventID)]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(took)
	}
	status, err := post(srv.url+"/v1/projects/demo/webhooks", pm, `{"url":"`+rcv.URL+`","kinds":["requirement.created"]}`, nil)
	require.NoError(t, err)
	require.Equal(t, 201, status)
	const n = 80
	for i := range n {
		status, err := post(srv.url+"/v1/projects/demo/requirements", dev, fmt.Sprintf(`{"title":"streamed %d"}`, i), nil)
		require.NoError(t, err)
		require.Equal(t, 201, status)
	}
	require.Eventually(t, func() bool { return count() >= 10 }, 20*time.Second, 2*time.Millisecond, "deliveries never started")
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGKILL))
	_ = srv.cmd.Wait()
	before := count()
	require.Less(t, before, n, "the kill came while events were still flowing")

	again := spawn(t, db, tokens)
	require.Eventually(t, func() bool { return count() == n }, 30*time.Second, 20*time.Millisecond, "every event arrives after the restart")
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	repeated := 0
	for _, times := range took {
		repeated += times - 1
	}
	mu.Unlock()
	assert.LessOrEqual(t, repeated, 1, "only the delivery in flight at the kill may be repeated")
	t.Logf("%d of %d delivered before SIGKILL, %d repeated after the restart", before, n, repeated)
	require.NoError(t, again.cmd.Process.Signal(syscall.SIGTERM))
	_ = again.cmd.Wait()
}

// TestWebhookAllowListIsChecked: a malformed -webhook-allow stops the
// server at start, naming the flag and the entry.
func TestWebhookAllowListIsChecked(t *testing.T) {
	err := cli(context.Background(), []string{"serve", "-db", "memory", "-addr", "127.0.0.1:0", "-webhook-allow", "127.0.0.1/32, 10.0.0.0/33"}, io.Discard, quiet)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-webhook-allow")
	assert.Contains(t, err.Error(), "10.0.0.0/33")
}

// TestTwoInstancesDeliverEachEventOnce runs two servers on one PostgreSQL
// database: changes made on both reach a webhook once each, whichever
// instance holds the relay.
func TestTwoInstancesDeliverEachEventOnce(t *testing.T) {
	u := postgresSchema(t, "accord_hooks_")
	t.Setenv("ACCORD_WEBHOOK_ALLOW", "127.0.0.1/32") // the receiver runs on this machine

	const pm, dev = "two-pm-token", "two-dev-token"
	tokens := "alice:product:" + pm + ",bob:backend:" + dev
	a := spawn(t, u, tokens)
	b := spawn(t, u, tokens)

	var mu sync.Mutex
	took := map[string]int{}
	var secret atomic.Value
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if webhook.Verify([]byte(secret.Load().(string)), r.Header.Get(webhook.HeaderSignature), body, time.Minute, time.Now()) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		took[r.Header.Get(webhook.HeaderEventID)]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	var sub struct{ Secret string }
	status, err := post(a.url+"/v1/projects/demo/webhooks", pm, `{"url":"`+rcv.URL+`","kinds":["requirement.created"]}`, &sub)
	require.NoError(t, err)
	require.Equal(t, 201, status)
	secret.Store(sub.Secret)

	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv := []*process{a, b}[i%2]
			status, err := post(srv.url+"/v1/projects/demo/requirements", dev, fmt.Sprintf(`{"title":"from instance %d, %d"}`, i%2, i), nil)
			assert.NoError(t, err)
			assert.Equal(t, 201, status)
		}()
	}
	wg.Wait()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(took) == n
	}, 40*time.Second, 50*time.Millisecond)
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for id, times := range took {
		assert.Equal(t, 1, times, "event %s delivered %d times", id, times)
	}
}
