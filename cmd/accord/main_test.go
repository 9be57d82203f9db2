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
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/adapters/sqlstore"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// running is a server started by start, with what it printed.
type running struct {
	url, pm, dev string
	out          *syncBuffer
	stop         func()
}

// start runs `accord serve` in this process on a free port and waits until
// it prints where it listens.
func start(t *testing.T, db, tokens string, more ...func(*serveOptions)) running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	opts := serveOptions{addr: "127.0.0.1:0", db: db, tokens: tokens}
	for _, m := range more {
		m(&opts)
	}
	go func() { done <- serve(ctx, opts, out, quiet) }()
	var r running
	require.Eventually(t, func() bool {
		text := out.String()
		for _, line := range strings.Split(text, "\n") {
			if v, ok := strings.CutPrefix(line, "export ACCORD="); ok {
				r.url = v
			}
			if v, ok := strings.CutPrefix(line, "export PM_TOKEN="); ok {
				r.pm = strings.Fields(v)[0]
			}
			if v, ok := strings.CutPrefix(line, "export DEV_TOKEN="); ok {
				r.dev = strings.Fields(v)[0]
			}
			if i := strings.Index(line, "accord on http://"); i >= 0 {
				r.url = strings.TrimSuffix(strings.Fields(line[i+len("accord on "):])[0], ",")
			}
		}
		return r.url != ""
	}, 60*time.Second, 10*time.Millisecond, "server did not start: %s", out)
	r.out = out
	r.stop = func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Fatal("server did not shut down")
		}
	}
	return r
}

// do sends a request and decodes a JSON answer into out (if not nil).
func do(t *testing.T, method, url, token, body string, out any, headers ...string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil {
		require.NoError(t, json.Unmarshal(data, out), "%s %s: %s", method, url, data)
	}
	return res
}

func TestServeSeedsTheDemoOnceAndKeepsEverythingAcrossRestarts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "accord.db")
	first := start(t, db, "")
	require.NotEmpty(t, first.pm, "a new database prints demo tokens: %s", first.out)

	// The seeded reviews and their outcomes.
	var reviews struct {
		Items []struct {
			Key     string                   `json:"key"`
			Title   string                   `json:"title"`
			Outcome struct{ Outcome string } `json:"outcome"`
		} `json:"items"`
	}
	require.Equal(t, 200, do(t, "GET", first.url+"/v1/projects/demo/reviews", first.pm, "", &reviews).StatusCode)
	var got []string
	for _, rv := range reviews.Items {
		got = append(got, rv.Key+" "+rv.Title+": "+rv.Outcome.Outcome)
	}
	assert.Equal(t, []string{"RV-1 REQ-1 Refund a paid order: approved", "RV-2 REQ-3 Export invoices as CSV: pending",
		"RV-3 REQ-4 Search orders by buyer phone number: approved", "RV-4 orders 1.0.0: approved",
		"RV-5 REQ-4 Search orders by buyer phone number: changes_requested"}, got)

	var created struct{ Key string }
	require.Equal(t, 201, do(t, "POST", first.url+"/v1/projects/demo/requirements", first.dev, `{"title":"Survive a restart"}`, &created).StatusCode)
	assert.Equal(t, "REQ-5", created.Key)
	first.stop()

	// A token for someone who is not a member of the demo project.
	var out bytes.Buffer
	require.NoError(t, cli(context.Background(), []string{"token", "create", "-actor", "carol", "-role", "qa", "-db", db}, &out, quiet))
	carol := strings.TrimSpace(out.String())
	require.NotEmpty(t, carol)
	raw, err := os.ReadFile(db)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, []byte(first.pm)) || bytes.Contains(raw, []byte(carol)), "tokens are stored hashed, never in plain text")

	second := start(t, db, "")
	defer second.stop()
	assert.Empty(t, second.pm, "a database that has the demo is not seeded again")
	assert.Contains(t, second.out.String(), "token(s) from earlier starts still work")
	var req struct{ Title string }
	require.Equal(t, 200, do(t, "GET", second.url+"/v1/projects/demo/requirements/REQ-5", first.pm, "", &req).StatusCode,
		"the earlier token and the requirement survived the restart")
	assert.Equal(t, "Survive a restart", req.Title)
	var problem struct{ Type string }
	res := do(t, "GET", second.url+"/v1/projects/demo/requirements/REQ-5", carol, "", &problem)
	assert.Equal(t, 404, res.StatusCode, "a token that is not a member of a project gets 404 for it")
	assert.Equal(t, "urn:accord:problem:not_found", problem.Type)
	var mine struct{ Items []struct{ Key string } }
	require.Equal(t, 200, do(t, "GET", second.url+"/v1/projects", carol, "", &mine).StatusCode)
	assert.Empty(t, mine.Items)
}

func TestFixedTokensSeeTheDemoProject(t *testing.T) {
	s := start(t, "memory", "bob:backend:bobs-own-token, zed:qa:zeds-token")
	defer s.stop()
	assert.Empty(t, s.pm, "with ACCORD_TOKENS no demo tokens are made")
	assert.Equal(t, 200, do(t, "GET", s.url+"/v1/projects/demo/requirements", "bobs-own-token", "", nil).StatusCode, "bob is a member of the demo")
	assert.Equal(t, 404, do(t, "GET", s.url+"/v1/projects/demo/requirements", "zeds-token", "", nil).StatusCode, "zed is not")
	assert.Equal(t, 401, do(t, "GET", s.url+"/v1/projects/demo/requirements", "nobodys-token", "", nil).StatusCode)
}

func TestMigrateCommand(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, cli(context.Background(), []string{"migrate", "--print", "-dialect", "postgres"}, &out, quiet))
	assert.Contains(t, out.String(), "CREATE TABLE accord_records")
	assert.Contains(t, out.String(), "JSONB")
	out.Reset()
	require.NoError(t, cli(context.Background(), []string{"migrate", "--print"}, &out, quiet))
	assert.Contains(t, out.String(), "-- accord schema for sqlite", "the default database is SQLite")

	db := filepath.Join(t.TempDir(), "m.db")
	out.Reset()
	require.NoError(t, cli(context.Background(), []string{"migrate", "-db", db}, &out, quiet))
	ms, err := sqlstore.Migrations(sqlstore.SQLite)
	require.NoError(t, err)
	assert.Contains(t, out.String(), fmt.Sprintf("schema at version %d (%d migration(s) applied now)", len(ms), len(ms)))
	out.Reset()
	require.NoError(t, cli(context.Background(), []string{"migrate", "-db", db}, &out, quiet))
	assert.Contains(t, out.String(), "(0 migration(s) applied now)", "migrating twice changes nothing")

	assert.Error(t, cli(context.Background(), []string{"migrate", "-print", "-dialect", "oracle"}, &out, quiet))
	assert.Error(t, cli(context.Background(), []string{"token", "create", "-db", db}, &out, quiet), "-actor is required")
	assert.Error(t, cli(context.Background(), []string{"frobnicate"}, &out, quiet))
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

func TestServedRetrosCarryActionsAndKeepCardsAnonymous(t *testing.T) {
	s := start(t, "memory", "")
	defer s.stop()
	base := s.url + "/v1/projects/demo/retros/RETRO-2"

	var next struct {
		Anonymous bool
		Actions   []struct {
			Title   string
			Carried int
		}
	}
	require.Equal(t, 200, do(t, "GET", base, s.pm, "", &next).StatusCode)
	assert.True(t, next.Anonymous)
	require.Len(t, next.Actions, 2, "the open actions of RETRO-1 come along to the next retro of the series")
	for _, a := range next.Actions {
		assert.Equal(t, 1, a.Carried, a.Title)
	}

	res := do(t, "POST", base+"/items", s.dev, `{"column":"improve","text":"Too many meetings on Thursdays"}`, nil)
	require.Equal(t, 200, res.StatusCode)
	for _, path := range []string{"", "/revisions", "/summary", "/results"} {
		req, err := newJSONRequest("GET", base+path, s.pm, "")
		require.NoError(t, err)
		got, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(got.Body)
		got.Body.Close()
		require.NoError(t, err)
		require.Equal(t, 200, got.StatusCode, "%s: %s", path, body)
		// The carried actions name bob as their owner and maker: they come from
		// RETRO-1, which was not anonymous. The card and its history must not.
		for _, who := range []string{`"author"`, `"actor":"bob"`, `"by":"bob"`, "— bob"} {
			assert.NotContains(t, string(body), who, "GET %s must not name the author of an anonymous card", path)
		}
	}
}
