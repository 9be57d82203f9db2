package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTokens(t *testing.T) {
	got, err := parseTokens("ann:product:t1, ben:backend:t2")
	require.NoError(t, err)
	assert.Equal(t, "ann", got["t1"].ID)
	assert.Equal(t, []string{"backend"}, got["t2"].Roles)
	for _, bad := range []string{"ann:product", "ann::t1", "a:b:c:d", "a:r:t,b:r:t"} {
		_, err := parseTokens(bad)
		assert.Error(t, err, bad)
	}
	empty, err := parseTokens("")
	require.NoError(t, err)
	assert.Empty(t, empty)
}

// TestRunServesSeededDemoAndShutsDown starts the real server on a free
// port, reads the demo project with the printed token and stops it.
func TestRunServesSeededDemoAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, "127.0.0.1:0", "", out, slog.New(slog.NewTextHandler(io.Discard, nil))) }()

	var url, token string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "export ACCORD="); ok {
				url = v
			}
			if v, ok := strings.CutPrefix(line, "export PM_TOKEN="); ok {
				token = strings.Fields(v)[0]
			}
		}
		return url != "" && token != ""
	}, 5*time.Second, 10*time.Millisecond)

	req, _ := http.NewRequest("GET", url+"/v1/projects/demo/requirements?status=approved", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode)
	assert.Contains(t, string(body), "Refund a paid order")

	// The seeded reviews and their outcomes.
	req, _ = http.NewRequest("GET", url+"/v1/projects/demo/reviews", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var reviews struct {
		Items []struct {
			Key     string `json:"key"`
			Title   string `json:"title"`
			Outcome struct {
				Outcome string `json:"outcome"`
			} `json:"outcome"`
		} `json:"items"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&reviews))
	res.Body.Close()
	var got []string
	for _, rv := range reviews.Items {
		got = append(got, rv.Key+" "+rv.Title+": "+rv.Outcome.Outcome)
	}
	assert.Equal(t, []string{"RV-1 REQ-1 Refund a paid order: approved", "RV-2 REQ-3 Export invoices as CSV: pending",
		"RV-3 REQ-4 Search orders by buyer phone number: approved", "RV-4 orders 1.0.0: approved"}, got)

	req, _ = http.NewRequest("GET", url+"/v1/projects/demo/contracts", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode)
	assert.Contains(t, string(body), `"service":"orders"`)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not shut down")
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServerBoundsSlowClients(t *testing.T) {
	srv := newServer(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		assert.Positive(t, d, name)
	}

	// A client that trickles its body is cut off once ReadTimeout passes.
	srv.ReadTimeout = 200 * time.Millisecond
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		if err == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusRequestTimeout)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln)
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx")
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, _ = io.ReadAll(conn) // the server gives up on the body and closes
	assert.Less(t, time.Since(start), 4*time.Second, "the slow client was not cut off")
}
