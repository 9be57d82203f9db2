package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/requirement"
)

func ExampleNew() {
	svc, _ := requirement.NewService(requirement.Options{Store: memory.NewRequirementStore()})
	h, err := httpapi.New(httpapi.Options{
		Services:      link.Services{Requirements: svc},
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"s3cret": {ID: "alice"}}),
	})
	if err != nil {
		panic(err)
	}

	req := httptest.NewRequest("POST", "/v1/projects/shop/requirements",
		strings.NewReader(`{"title":"Refund a paid order","priority":"P1","owner":"alice"}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("ETag"))

	req = httptest.NewRequest("PUT", "/v1/projects/shop/requirements/REQ-1",
		strings.NewReader(`{"title":"x","priority":"P1","owner":"alice"}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, http.StatusText(rec.Code))
	// Output:
	// 201 "1"
	// 428 Precondition Required
}
