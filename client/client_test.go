package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/client"
)

func TestNewNeedsAnAbsoluteURL(t *testing.T) {
	for _, u := range []string{"", "localhost:8080", "/v1", "ftp://host"} {
		if _, err := client.New(client.Options{BaseURL: u}); err == nil {
			t.Errorf("New accepted BaseURL %q", u)
		}
	}
	if _, err := client.New(client.Options{BaseURL: "https://accord.example.com/"}); err != nil {
		t.Fatal(err)
	}
}

// A failure that is not a problem (a proxy's error page) still comes
// back as *client.Error, its code guessed from the status.
func TestErrorWithoutAProblem(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<h1>Bad Gateway</h1>"))
	}))
	defer srv.Close()
	c, _ := client.New(client.Options{BaseURL: srv.URL})
	_, _, err := c.GetRequirement(ctx, "shop", "REQ-1")
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v", err)
	}
	eq(t, "status", e.Status, 502)
	eq(t, "code", e.Code, "internal")
	eq(t, "operation", e.Operation, "getRequirement")
	eq(t, "message", e.Message, "<h1>Bad Gateway</h1>")
	eq(t, "accord code", accord.ErrorCode(err), accord.Internal)
}

// The client sends the token, the user agent, JSON and If-Match as the
// server expects them, and escapes path parameters.
func TestRequestHeaders(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("ETag", `"8"`)
		_, _ = w.Write([]byte(`{"key":"REQ-1"}`))
	}))
	defer srv.Close()
	c, _ := client.New(client.Options{BaseURL: srv.URL + "/", Token: "t0k", UserAgent: "tool/1"})
	_, rev, err := c.PutRequirementSettings(ctx, "a b", 0, client.RequirementSettingsBody{LintBlocksReview: true})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "revision", rev, 8)
	eq(t, "authorization", got.Header.Get("Authorization"), "Bearer t0k")
	eq(t, "user agent", got.Header.Get("User-Agent"), "tool/1")
	eq(t, "content type", got.Header.Get("Content-Type"), "application/json")
	eq(t, "if-match of settings never set", got.Header.Get("If-Match"), `"0"`)
	eq(t, "escaped path", got.URL.EscapedPath(), "/v1/projects/a%20b/settings/requirements")
}

// An iterator reads no page beyond the one where the caller stopped.
func TestIteratorStopsWhenTheCallerDoes(t *testing.T) {
	pages := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages++
		_, _ = w.Write([]byte(`{"items":[{"key":"REQ-1"},{"key":"REQ-2"}],"next_page_token":"more"}`))
	}))
	defer srv.Close()
	c, _ := client.New(client.Options{BaseURL: srv.URL})
	n := 0
	for r, err := range c.ListRequirements(ctx, "shop", nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if r.Key == "REQ-1" && n == 3 {
			break
		}
	}
	eq(t, "items read", n, 3)
	eq(t, "pages fetched", pages, 2)
}
