package webhook_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/accordhq/accord/webhook"
)

// A receiver checks every delivery before it trusts it: the signature
// over the timestamp and the raw body, with the secret it was given when
// the webhook was made, and a timestamp no older than five minutes. It
// keeps the Accord-Event-Id of what it handled, to drop a repeat.
func ExampleVerify() {
	secret := []byte("whsec_3f1c0a9e8b7d6c5b4a39281706f5e4d3")
	seen := map[string]bool{}
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.HeaderSignature), body, 5*time.Minute, time.Now()); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		id := r.Header.Get(webhook.HeaderEventID)
		if seen[id] {
			w.WriteHeader(http.StatusOK) // a retry of something handled: acknowledge, do nothing
			return
		}
		seen[id] = true
		fmt.Println("handled", r.Header.Get(webhook.HeaderEventKind), id)
		w.WriteHeader(http.StatusNoContent)
	})

	// What accord sends, twice, and a forgery.
	body := `{"id":"01JDEMO","kind":"requirement.updated","project":"shop","summary":"REQ-1 edited by alice"}`
	send := func(signature string) int {
		req := httptest.NewRequest("POST", "/hooks/accord", strings.NewReader(body))
		req.Header.Set(webhook.HeaderSignature, signature)
		req.Header.Set(webhook.HeaderEventID, "01JDEMO")
		req.Header.Set(webhook.HeaderEventKind, "requirement.updated")
		rec := httptest.NewRecorder()
		receiver.ServeHTTP(rec, req)
		return rec.Code
	}
	fmt.Println(send(webhook.Sign(secret, time.Now(), []byte(body))))
	fmt.Println(send(webhook.Sign(secret, time.Now(), []byte(body))))
	fmt.Println(send(webhook.Sign([]byte("a guess at the secret"), time.Now(), []byte(body))))
	// Output:
	// handled requirement.updated 01JDEMO
	// 204
	// 200
	// 401
}
