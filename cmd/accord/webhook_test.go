package main

import (
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

// TestWebhooksSurviveAKill subscribes a local receiver, commits changes
// while the receiver is down, kills the server with SIGKILL before any
// was delivered, and restarts it: every change reaches the receiver, once,
// signed, in order.
func TestWebhooksSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs server processes")
	}
	db := filepath.Join(t.TempDir(), "hooks.db")
	const pm, dev = "hooks-pm-token", "hooks-dev-token"
	tokens := "alice:product:" + pm + ",bob:backend:" + dev
	srv := spawn(t, db, tokens)

	var secret atomic.Value
	var up atomic.Bool
	var mu sync.Mutex
	took := map[string]int{}
	var order []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	status, err := post(srv.url+"/v1/projects/demo/webhooks", pm, `{"url":"`+rcv.URL+`","kinds":["requirement.created"]}`, &sub)
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
	time.Sleep(300 * time.Millisecond) // the relay tries, and the receiver refuses
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGKILL))
	_ = srv.cmd.Wait()
	mu.Lock()
	require.Empty(t, took, "nothing was delivered before the kill")
	mu.Unlock()

	up.Store(true)
	again := spawn(t, db, tokens)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(took) == len(keys)
	}, 30*time.Second, 20*time.Millisecond, "the committed changes reach the receiver after the restart")
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

// TestTwoInstancesDeliverEachEventOnce runs two servers on one PostgreSQL
// database: changes made on both reach a webhook once each, whichever
// instance holds the relay.
func TestTwoInstancesDeliverEachEventOnce(t *testing.T) {
	u := postgresSchema(t, "accord_hooks_")

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
