package jira_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/adapters/tracker/jira"
	"github.com/accordhq/accord/adapters/tracker/jira/jiratest"
)

type nopSink struct{}

func (nopSink) StatusChanged(context.Context, string, string, string, string, time.Time) (tracker.Result, error) {
	return tracker.Unknown, nil
}

// A signed body of any shape never panics the receiver and gets a 204 or
// a 400.
func FuzzWebhook(f *testing.F) {
	f.Add(jiratest.IssueUpdated("SHOP-1", "To Do", "Done", t0))
	f.Add([]byte(`{"webhookEvent":"jira:issue_updated","issue":{"key":"A-1","fields":{"updated":"x"}},"changelog":{"items":[{"field":"status"}]}}`))
	f.Add([]byte(`{"webhookEvent":"jira:issue_updated"}`))
	const secret = "a-long-shared-secret"
	h, err := jira.NewWebhookHandler(jira.WebhookOptions{Project: "shop", Secret: secret, Sink: nopSink{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("X-Hub-Signature", jira.Sign(secret, body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent && w.Code != http.StatusBadRequest {
			t.Fatalf("status %d for %q", w.Code, body)
		}
	})
}
