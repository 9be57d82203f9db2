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

// FuzzReviewBodies feeds arbitrary bodies to the review endpoints that take
// input from participants: never a 500 or a panic, and a refused body
// leaves the review as it was.
func FuzzReviewBodies(f *testing.F) {
	f.Add(uint8(0), `{"round":1,"decision":"approve"}`)
	f.Add(uint8(1), `{"round":1,"feasibility":"feasible_with_risks","difficulty":3,"effort_days":1e308,"risks":[{"title":"t","category":"technical"}]}`)
	f.Add(uint8(2), `{"anchor":"flow[0].action","body":"why?"}`)
	f.Add(uint8(3), `{"round":1,"results":[{"criterion_id":"AC-1","result":"failed"}]}`)
	f.Add(uint8(4), `{"kind":"acceptance","subject":{"kind":"requirement","id":"REQ-1"},"due":"1999-01-01T00:00:00Z"}`)
	f.Add(uint8(5), `{"policies":{"requirement":{"min_approvals":1,"editorial":["[*]"]}}}`)
	h, _ := newWiredAPI(f)
	create(f, h)
	res := call(f, h, "POST", "/v1/projects/shop/reviews", pmToken, `{"kind":"requirement","subject":{"kind":"requirement","id":"REQ-1"},"participants":[{"actor":"bob","role":"backend"}]}`)
	if res.status != http.StatusCreated {
		f.Fatalf("creating the review: %s", res.raw)
	}
	review := "/v1/projects/shop/reviews/" + res.body["id"].(string)
	routes := []struct{ method, path string }{
		{"POST", review + "/verdicts"}, {"POST", review + "/assessments"}, {"POST", review + "/threads"},
		{"POST", review + "/checks"}, {"POST", "/v1/projects/shop/reviews"}, {"PUT", "/v1/projects/shop/settings/reviews"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := routes[int(route)%len(routes)]
		before := call(t, h, "GET", review, pmToken, "").header.Get("ETag")
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+devToken)
		req.Header.Set("If-Match", `"0"`)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %s %q: %s", rec.Code, r.path, body, rec.Body)
		}
		if rec.Code >= 400 {
			if after := call(t, h, "GET", review, pmToken, "").header.Get("ETag"); after != before {
				t.Fatalf("refused %s %q changed the review from %s to %s", r.path, body, before, after)
			}
		}
	})
}

// FuzzValidateSample drives the sample validation route with arbitrary
// methods and paths: the answer is 200 or a 400 problem naming the field,
// never a panic or a dropped connection.
func FuzzValidateSample(f *testing.F) {
	for _, seed := range [][2]string{{"GET", "/pets/1"}, {"GET", "/%zz"}, {"GET", "/a b"}, {"GET", "/a\r\nb"}, {"GET", "/a\x00"},
		{"G ET", "/pets/1"}, {"GET\n", "/"}, {"", "/"}, {"GET", "//host/x"}, {"GET", "/?q=%"}} {
		f.Add(seed[0], seed[1])
	}
	h := newAPI(f)
	created := call(f, h, "POST", "/v1/projects/shop/contracts", pmToken, petsContract)
	if created.status != http.StatusCreated {
		f.Fatalf("create contract: %s", created.raw)
	}
	url := "/v1/projects/shop/contracts/" + created.body["contract_id"].(string) + "/versions/1.0.0/validate"
	f.Fuzz(func(t *testing.T, method, path string) {
		body, _ := json.Marshal(map[string]any{"request": map[string]any{"method": method, "path": path}})
		req := httptest.NewRequest("POST", url, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+devToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			return
		}
		var p struct {
			Errors []struct{ Field string } `json:"errors"`
		}
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &p) != nil || len(p.Errors) == 0 {
			t.Fatalf("status %d for method %q path %q: %s", rec.Code, method, path, rec.Body)
		}
	})
}
