package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCreateRequirementBody feeds arbitrary bodies to the create endpoint:
// the answer is always 201 or a 4xx problem, never a 500 or a panic.
func FuzzCreateRequirementBody(f *testing.F) {
	f.Add(draftJSON)
	f.Add(`{"title":"x","priority":"P1","owner":"a","performance":[{"metric":"m","comparator":"<=","target":1e400}]}`)
	f.Add(`{"title":"x"}{"title":"y"}`)
	f.Add(`{"links":[{"kind":"contract"}],"title":"\u0000","priority":"P0","owner":"a"}`)
	f.Add(`[]`)
	h := newAPI(f)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v1/projects/fuzz/requirements", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+pmToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusCreated {
			return
		}
		if rec.Code < 400 || rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		var p map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p["detail"] == "" {
			t.Fatalf("not a problem body: %s", rec.Body)
		}
	})
}

// FuzzPageToken feeds arbitrary page tokens to the list endpoint.
func FuzzPageToken(f *testing.F) {
	f.Add("")
	f.Add("bTE6Mw")
	f.Add("bTE6LTE")
	f.Add("%%%")
	h := newAPI(f)
	for range 3 {
		create(f, h)
	}
	f.Fuzz(func(t *testing.T, token string) {
		req := httptest.NewRequest("GET", "/v1/projects/shop/requirements?page_size=1", nil)
		q := req.URL.Query()
		q.Set("page_token", token)
		req.URL.RawQuery = q.Encode()
		req.Header.Set("Authorization", "Bearer "+pmToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d for token %q: %s", rec.Code, token, rec.Body)
		}
	})
}
