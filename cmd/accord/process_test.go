package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/adapters/sqlite"
)

// TestMain lets the test binary play `accord` itself, so that the tests
// below can run real server processes and kill them.
func TestMain(m *testing.M) {
	if args := os.Getenv("ACCORD_TEST_CLI"); args != "" {
		ctx, stop := signalContext()
		defer stop()
		if err := cli(ctx, strings.Split(args, "\x1f"), os.Stdout, quiet); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(exitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func signalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		ch := make(chan os.Signal, 1)
		signalNotify(ch)
		<-ch
		cancel()
	}()
	return ctx, cancel
}

// process is a server running in a child process.
type process struct {
	url string
	cmd *exec.Cmd
}

// spawn starts `accord serve -addr 127.0.0.1:0 -db db [flags]` in a child
// process with the fixed tokens, and waits until it listens.
func spawn(t *testing.T, db, tokens string, flags ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-db", db}, flags...)
	cmd.Env = append(os.Environ(), "ACCORD_TEST_CLI="+strings.Join(args, "\x1f"), "ACCORD_TOKENS="+tokens)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = nil
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), "accord on http://"); i >= 0 {
				found <- strings.TrimSuffix(strings.Fields(sc.Text()[i+len("accord on "):])[0], ",")
			}
		}
	}()
	select {
	case p.url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("the server process did not start")
	}
	return p
}

// TestCrashKeepsAcknowledgedWrites kills the server with SIGKILL while
// writers create requirements; after a restart every write that was
// acknowledged is there, and SQLite finds the file intact.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs server processes")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	const token = "crash-test-token"
	srv := spawn(t, db, "bob:backend:"+token)

	var mu sync.Mutex
	acked := map[string]string{} // key → title
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("writer %d, requirement %d", w, i)
				var created struct{ Key string }
				status, err := post(srv.url+"/v1/projects/demo/requirements", token, `{"title":"`+title+`"}`, &created)
				if err != nil {
					return // the server is gone
				}
				if status == 201 {
					mu.Lock()
					acked[created.Key] = title
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGKILL))
	close(stop)
	wg.Wait()
	_ = srv.cmd.Wait()
	require.NotEmpty(t, acked, "no write was acknowledged before the kill")

	again := spawn(t, db, "bob:backend:"+token)
	for key, title := range acked {
		var got struct{ Title string }
		res := do(t, "GET", again.url+"/v1/projects/demo/requirements/"+key, token, "", &got)
		if assert.Equal(t, 200, res.StatusCode, "acknowledged %s is lost", key) {
			assert.Equal(t, title, got.Title)
		}
	}
	require.NoError(t, again.cmd.Process.Signal(syscall.SIGTERM))
	_ = again.cmd.Wait()

	s, err := sqlite.Open(db)
	require.NoError(t, err)
	defer s.DB.Close()
	var check string
	require.NoError(t, s.DB.QueryRow("PRAGMA integrity_check").Scan(&check))
	assert.Equal(t, "ok", check)
	t.Logf("%d writes acknowledged before SIGKILL, all present after the restart", len(acked))
}

// TestTwoInstancesOnePostgres runs two server processes on one PostgreSQL
// database: 16 writers spread over both update the same requirements with
// If-Match, retrying on 412, and create requirements at once on both.
func TestTwoInstancesOnePostgres(t *testing.T) {
	u := postgresSchema(t, "accord_cmd_")

	const token = "two-instances-token"
	a := spawn(t, u, "bob:backend:"+token)
	b := spawn(t, u, "bob:backend:"+token)
	servers := []*process{a, b}

	// Keys stay unique when both create at once.
	var mu sync.Mutex
	keys := map[string]int{}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 4 {
				var created struct{ Key string }
				status, err := post(servers[w%2].url+"/v1/projects/demo/requirements", token, fmt.Sprintf(`{"title":"concurrent %d.%d"}`, w, i), &created)
				if assert.NoError(t, err) && assert.Equal(t, 201, status) {
					mu.Lock()
					keys[created.Key]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	assert.Len(t, keys, 64, "64 creates got 64 different keys")
	for k, n := range keys {
		assert.Equal(t, 1, n, "key %s handed out %d times", k, n)
	}

	// No update is lost: every writer's label lands on its requirement.
	targets := []string{"REQ-5", "REQ-6", "REQ-7", "REQ-8"}
	const each = 5
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv, key := servers[w%2], targets[w%len(targets)]
			for i := 0; i < each; {
				var cur struct {
					Title  string
					Labels []string
				}
				res := do(t, "GET", srv.url+"/v1/projects/demo/requirements/"+key, token, "", &cur)
				labels := append(cur.Labels, fmt.Sprintf("w%d-%d", w, i))
				body := fmt.Sprintf(`{"title":%q,"labels":[%s]}`, cur.Title, quoteAll(labels))
				put := do(t, "PUT", srv.url+"/v1/projects/demo/requirements/"+key, token, body, nil, "If-Match", res.Header.Get("ETag"))
				switch put.StatusCode {
				case 200:
					i++
				case 412: // someone else got there first: read again
				default:
					t.Errorf("update of %s: %d", key, put.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	for n, key := range targets {
		var got struct {
			Labels   []string
			Revision int
		}
		do(t, "GET", servers[n%2].url+"/v1/projects/demo/requirements/"+key, token, "", &got)
		writers := 16 / len(targets)
		assert.Len(t, got.Labels, writers*each, "%s: every acknowledged update is there", key)
		assert.Equal(t, 1+writers*each, got.Revision, key)
	}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ",")
}

// post sends a JSON body; an error means the server did not answer.
func post(url, token, body string, out any) (int, error) {
	req, err := newJSONRequest("POST", url, token, body)
	if err != nil {
		return 0, err
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode == 201 && out != nil {
		return res.StatusCode, decodeJSON(res.Body, out)
	}
	return res.StatusCode, nil
}

// postgresSchema returns the URL of a new schema on the PostgreSQL server
// ACCORD_POSTGRES_URL names, dropped when the test ends. Without a server
// the test skips, and fails in CI, where .ci/run starts one.
func postgresSchema(t *testing.T, prefix string) string {
	t.Helper()
	base := os.Getenv("ACCORD_POSTGRES_URL")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("ACCORD_POSTGRES_URL is not set, and CI is: this test must run in CI")
		}
		t.Skip("set ACCORD_POSTGRES_URL=postgres://user:password@127.0.0.1:5432/db to run it")
	}
	schema := prefix + strings.ToLower(rand.Text()[:10])
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
