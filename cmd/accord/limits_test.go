package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawGet sends a GET with one extra header of n bytes over its own
// connection, as a client would, and returns the answer.
func rawGet(t *testing.T, url string, n int) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = fmt.Fprintf(conn, "GET /v1/openapi.json HTTP/1.1\r\nHost: accord\r\nX-Padding: %s\r\n\r\n", strings.Repeat("a", n))
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// Headers over the limit get a problem, over a real connection, not
// net/http's text/plain; headers within it are served.
func TestOverLimitHeadersGetAProblem(t *testing.T) {
	srv := start(t, "memory", "")
	defer srv.stop()

	res, _ := rawGet(t, srv.url, 8<<10)
	assert.Equal(t, http.StatusOK, res.StatusCode, "8 KiB of headers is fine")

	for _, n := range []int{maxHeaderBytes, 100 << 10, 900 << 10} {
		res, body := rawGet(t, srv.url, n)
		require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, res.StatusCode, "%d bytes: %s", n, body)
		assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
		var p struct {
			Type   string
			Status int
			Detail string
		}
		require.NoError(t, json.Unmarshal([]byte(body), &p), body)
		assert.Equal(t, "urn:accord:problem:headers_too_large", p.Type)
		assert.Equal(t, 431, p.Status)
		assert.Contains(t, p.Detail, "more than the 65536")
	}
}

// A busy port fails the first start before the demo is seeded: the next
// start, on a free port, seeds it and prints its tokens.
func TestBusyPortKeepsTheDemoTokens(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	db := filepath.Join(t.TempDir(), "accord.db")
	var out syncBuffer
	err = serve(context.Background(), serveOptions{addr: busy.Addr().String(), db: db}, &out, quiet)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "listening on "+busy.Addr().String())
	assert.NotContains(t, out.String(), "PM_TOKEN", "no token was made to be lost")
	assert.NoFileExists(t, db, "nothing was seeded")

	srv := start(t, db, "")
	defer srv.stop()
	assert.NotEmpty(t, srv.pm, "the first start that serves shows the demo tokens: %s", srv.out)
}
