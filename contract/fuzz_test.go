package contract_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// FuzzValidate feeds arbitrary paths, queries and bodies from the wire to
// both directions: whatever arrives, the validator reports and never panics.
func FuzzValidate(f *testing.F) {
	v := compileOrders(f)
	f.Add("/orders", "limit=5", validBody)
	f.Add("/orders/"+orderID+"/items/3", "", `{"sku":"A","quantity":1e400}`)
	f.Add("/orders/%zz", "sku=a&sku=b", `[{"a":`)
	f.Add("/orders/search", "q=%00", `"\ud800"`)
	f.Fuzz(func(t *testing.T, path, query, body string) {
		u := &url.URL{Path: path, RawQuery: query}
		for _, method := range []string{"GET", "POST"} {
			r := httptest.NewRequest(method, "/", strings.NewReader(body))
			r.URL = u
			r.Header.Set("Content-Type", "application/json")
			req := v.ValidateRequest(r, []byte(body))
			for _, vl := range req.Violations {
				if vl.Keyword == "" || vl.Message == "" {
					t.Fatalf("violation without keyword or message: %+v", vl)
				}
			}
			v.ValidateResponse(r, 404, http.Header{"Content-Type": {"application/json"}}, []byte(body))
		}
	})
}

// TestValidatorIsSafeForConcurrentUse shares one validator between
// goroutines; the race detector checks it.
func TestValidatorIsSafeForConcurrentUse(t *testing.T) {
	v := compileOrders(t)
	bad := strings.Replace(validBody, `"quantity":2`, `"quantity":0`, 1)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				body := validBody
				if i%2 == 1 {
					body = bad
				}
				res := v.ValidateRequest(request("POST", "/orders", body), []byte(body))
				if (i%2 == 1) == res.OK() {
					t.Errorf("goroutine %d: unexpected result %v", i, res)
					return
				}
			}
		}()
	}
	wg.Wait()
}
