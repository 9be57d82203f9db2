package jira

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/tracker"
)

// StatusSink receives the status changes the webhook handler reads;
// *tracker.Sync implements it.
type StatusSink interface {
	StatusChanged(ctx context.Context, project, system, key, status string, at time.Time) (tracker.Result, error)
}

// WebhookOptions configure a WebhookHandler.
type WebhookOptions struct {
	// Project is the accord project the webhook belongs to: register one
	// webhook URL per connected project.
	Project string
	// Secret is the shared secret. Jira Cloud signs admin webhooks
	// registered with a secret as X-Hub-Signature: sha256=<hex HMAC-SHA256
	// of the body>; a webhook without one can carry it as ?secret=….
	Secret string
	Sink   StatusSink
}

// WebhookHandler receives Jira's jira:issue_updated webhooks and reports
// each changelog item on the status field to its sink.
type WebhookHandler struct {
	o WebhookOptions
}

// NewWebhookHandler checks the options and returns the handler.
func NewWebhookHandler(o WebhookOptions) (*WebhookHandler, error) {
	var errs accord.FieldErrors
	if o.Project == "" {
		errs.Add("project", "required")
	}
	if len(o.Secret) < 16 {
		errs.Add("secret", "required, at least 16 characters")
	}
	if o.Sink == nil {
		errs.Add("sink", "required")
	}
	if err := errs.Err("jira webhook options"); err != nil {
		return nil, err
	}
	return &WebhookHandler{o: o}, nil
}

// MaxWebhookBytes bounds a webhook body.
const MaxWebhookBytes = 1 << 20

// Sign returns the X-Hub-Signature value Jira sends for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (h *WebhookHandler) authentic(r *http.Request, body []byte) bool {
	if sig := r.Header.Get("X-Hub-Signature"); sig != "" {
		return hmac.Equal([]byte(sig), []byte(Sign(h.o.Secret, body)))
	}
	q := r.URL.Query().Get("secret")
	return q != "" && subtle.ConstantTimeCompare([]byte(q), []byte(h.o.Secret)) == 1
}

type webhookBody struct {
	Timestamp    int64  `json:"timestamp"`
	WebhookEvent string `json:"webhookEvent"`
	Issue        struct {
		Key    string `json:"key"`
		Fields struct {
			Updated string `json:"updated"`
		} `json:"fields"`
	} `json:"issue"`
	Changelog struct {
		Items []struct {
			Field      string `json:"field"`
			FieldID    string `json:"fieldId"`
			ToString   string `json:"toString"`
			FromString string `json:"fromString"`
		} `json:"items"`
	} `json:"changelog"`
}

// ServeHTTP answers 401 for a missing or wrong secret or signature, 400 for
// a body that is not a Jira webhook, 500 when the sink fails (Jira retries)
// and 204 otherwise, conflicts included: those are recorded on the
// reference for a person to resolve, and a retry would not change them.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	if !h.authentic(r, body) {
		http.Error(w, "bad or missing signature", http.StatusUnauthorized)
		return
	}
	var b webhookBody
	if err := json.Unmarshal(body, &b); err != nil {
		http.Error(w, "not JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if b.WebhookEvent != "jira:issue_updated" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if b.Issue.Key == "" {
		http.Error(w, "issue.key: required", http.StatusBadRequest)
		return
	}
	at := time.UnixMilli(b.Timestamp).UTC()
	if t, err := time.Parse(TimeLayout, b.Issue.Fields.Updated); err == nil {
		at = t.UTC()
	}
	for _, it := range b.Changelog.Items {
		if it.FieldID != "status" && !strings.EqualFold(it.Field, "status") {
			continue
		}
		if _, err := h.o.Sink.StatusChanged(r.Context(), h.o.Project, System, b.Issue.Key, it.ToString, at); err != nil && accord.ErrorCode(err) != accord.Conflict {
			http.Error(w, "could not apply the change", http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
