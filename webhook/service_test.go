package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/webhook"
)

var (
	admin = accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"admin"}})
	dev   = accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})
)

// receiver is a local webhook endpoint that verifies every delivery and
// answers failures first, as told.
type receiver struct {
	t      *testing.T
	secret []byte
	mu     sync.Mutex
	fail   int // answer 503 this many times first
	got    []accord.Event
	bodies [][]byte
	calls  int
	srv    *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls++
		if err := webhook.Verify(r.secret, req.Header.Get(webhook.HeaderSignature), body, 5*time.Minute, time.Now()); err != nil {
			r.t.Errorf("signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.fail > 0 {
			r.fail--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		r.bodies = append(r.bodies, body)
		var e accord.Event
		if json.Unmarshal(body, &e) == nil && e.ID != "" {
			assert.Equal(r.t, e.ID, req.Header.Get(webhook.HeaderEventID))
			r.got = append(r.got, e)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) events() []accord.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]accord.Event(nil), r.got...)
}

func newService(t *testing.T) (*webhook.Service, *memory.WebhookStore, *testkit.Events) {
	t.Helper()
	store := memory.NewWebhookStore()
	ev := &testkit.Events{}
	// The receivers of these tests listen on 127.0.0.1, which only the
	// allow-list lets deliveries reach.
	s, err := webhook.NewService(webhook.Options{Store: store, Events: ev, Retry: webhook.RetryPolicy{Attempts: 5, Base: time.Millisecond},
		Allow: []string{"127.0.0.1/32"}, Sleep: func(context.Context, time.Duration) error { return nil }})
	require.NoError(t, err)
	return s, store, ev
}

func event(kind, summary string) accord.Event {
	now := time.Now().Add(time.Second)
	return accord.Event{ID: accord.NewID(now), Kind: kind, Project: "shop", Ref: accord.Ref{Kind: "requirement", ID: "R1"},
		Actor: accord.Actor{ID: "alice", Name: "Alice (product)"}, Time: now, Summary: summary}
}

func TestSubscriptionsAreForAdmins(t *testing.T) {
	s, _, _ := newService(t)
	_, _, err := s.Subscribe(dev, "shop", webhook.NewSubscription{URL: "https://example.com/hook"})
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err))
	_, _, err = s.Subscribe(admin, "shop", webhook.NewSubscription{URL: "ftp://example.com", Kinds: []string{"[requirement"}, Format: "teams", Secret: "short"})
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"url", "kinds[0]", "format", "secret"}, fields)
	sub, secret, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: "https://example.com/hook", Kinds: []string{"requirement.*"}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(secret, "whsec_"), "a generated secret")
	assert.Equal(t, webhook.FormatAccord, sub.Format)
	raw, _ := json.Marshal(sub)
	assert.NotContains(t, string(raw), secret, "the record never holds the secret")
	_, err = s.Get(dev, "shop", sub.ID)
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err))
}

func TestDeliveryIsSignedRetriedAndLogged(t *testing.T) {
	s, store, ev := newService(t)
	rcv := newReceiver(t)
	sub, secret, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rcv.srv.URL, Kinds: []string{"requirement.*"}})
	require.NoError(t, err)
	rcv.secret = []byte(secret)

	// Fails three times, then takes it: delivered once.
	rcv.fail = 3
	e := event("requirement.updated", "REQ-1 Refund an order: edited by alice")
	require.NoError(t, s.Deliver(context.Background(), sub, e))
	got := rcv.events()
	require.Len(t, got, 1)
	assert.Equal(t, e.ID, got[0].ID)
	assert.Equal(t, e.Summary, got[0].Summary)
	assert.True(t, e.Time.Equal(got[0].Time))
	assert.Equal(t, 4, rcv.calls)
	log, err := s.Deliveries(admin, "shop", webhook.DeliveryFilter{}, accord.PageQuery{})
	require.NoError(t, err)
	require.Len(t, log.Items, 1)
	d := log.Items[0]
	assert.Equal(t, webhook.Delivered, d.Status)
	require.Len(t, d.Attempts, 4)
	assert.Equal(t, 503, d.Attempts[0].StatusCode)
	assert.Equal(t, 204, d.Attempts[3].StatusCode)

	// Not wanted: another kind, another project, or made before subscribing.
	require.NoError(t, s.Deliver(context.Background(), sub, event("risk.created", "RISK-1")))
	other := event("requirement.created", "x")
	other.Project = "else"
	require.NoError(t, s.Deliver(context.Background(), sub, other))
	old := event("requirement.created", "old")
	old.Time = sub.CreatedAt.Add(-time.Hour)
	require.NoError(t, s.Deliver(context.Background(), sub, old))
	assert.Len(t, rcv.events(), 1)

	// Fails every time: logged as failed, announced, and replayed later.
	rcv.fail = 100
	lost := event("requirement.transitioned", "REQ-1 moved from draft to in_review by alice")
	require.NoError(t, s.Deliver(context.Background(), sub, lost), "a failed delivery is logged, not retried forever")
	failed, err := s.Deliveries(admin, "shop", webhook.DeliveryFilter{Status: webhook.Failed}, accord.PageQuery{})
	require.NoError(t, err)
	require.Len(t, failed.Items, 1)
	assert.Len(t, failed.Items[0].Attempts, 5, "the policy's limit")
	assert.Contains(t, ev.Kinds(), webhook.EventDeliveryFailed)
	rcv.mu.Lock()
	rcv.fail = 0
	rcv.mu.Unlock()
	replayed, err := s.Replay(admin, "shop", failed.Items[0].ID)
	require.NoError(t, err)
	assert.Equal(t, webhook.Delivered, replayed.Status)
	assert.True(t, replayed.Attempts[5].Replay)
	got = rcv.events()
	assert.Equal(t, lost.ID, got[len(got)-1].ID, "the replay carries the same event ID")
	revs, err := store.ListDeliveryRevisions(context.Background(), "shop", replayed.ID)
	require.NoError(t, err)
	assert.Len(t, revs, 2)

	// A bad signature is refused by Verify.
	body := []byte(`{"id":"x"}`)
	sig := webhook.Sign([]byte(secret), time.Now(), body)
	assert.NoError(t, webhook.Verify([]byte(secret), sig, body, time.Minute, time.Now()))
	assert.ErrorIs(t, webhook.Verify([]byte("another secret!!"), sig, body, time.Minute, time.Now()), webhook.ErrBadSignature)
	assert.ErrorIs(t, webhook.Verify([]byte(secret), sig, []byte(`{"id":"y"}`), time.Minute, time.Now()), webhook.ErrBadSignature)
	assert.ErrorIs(t, webhook.Verify([]byte(secret), sig, body, time.Minute, time.Now().Add(time.Hour)), webhook.ErrSignatureTime)
}

func TestChatFormats(t *testing.T) {
	e := event("requirement.change_applied", "REQ-1 Refund a paid order: change request applied by alice (30-day window)")
	slack, err := webhook.Payload(webhook.FormatSlack, e)
	require.NoError(t, err)
	var sm struct {
		Text   string
		Blocks []map[string]any
	}
	require.NoError(t, json.Unmarshal(slack, &sm))
	assert.Contains(t, sm.Text, "*Requirement change applied* · shop\nREQ-1 Refund a paid order: change request applied by alice (30-day window)\n_Alice (product) · ")
	require.Len(t, sm.Blocks, 2)
	assert.Nil(t, sm.Blocks[0]["accessory"], "no page, no button")
	ding, err := webhook.Payload(webhook.FormatDingTalk, e)
	require.NoError(t, err)
	var dm struct {
		Msgtype  string
		Markdown struct{ Title, Text string }
	}
	require.NoError(t, json.Unmarshal(ding, &dm))
	assert.Equal(t, "markdown", dm.Msgtype, "no page to open: markdown, not an actionCard")
	assert.Equal(t, "Requirement change applied · shop", dm.Markdown.Title)
	assert.Contains(t, dm.Markdown.Text, "#### Requirement change applied · shop\n\nREQ-1 Refund a paid order: change request applied by alice (30-day window)\n\n> By: Alice (product) · ")
	zh, err := webhook.Render(webhook.FormatDingTalk, e, webhook.Rendering{Language: webhook.Chinese})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(zh, &dm))
	assert.Equal(t, "需求变更已应用 · shop", dm.Markdown.Title)
	assert.Contains(t, dm.Markdown.Text, "> 操作人: Alice (product)")
	wecom, err := webhook.Render(webhook.FormatWeCom, event("risk.transitioned", "RISK-2 \"Card data leak\" moved from open to mitigating by bob"), webhook.Rendering{Language: webhook.Chinese})
	require.NoError(t, err)
	assert.Contains(t, string(wecom), `"content":"**风险状态已变更** · shop\nRISK-2 \"Card data leak\" moved from open to mitigating by bob\n\u003e 操作人: `)
	other, err := webhook.Render(webhook.FormatFeishu, event("billing.paid", "paid"), webhook.Rendering{Language: webhook.Chinese})
	require.NoError(t, err)
	assert.Contains(t, string(other), `Billing paid · shop`, "a kind without a translation reads as English")
	esc, _ := webhook.Payload(webhook.FormatSlack, event("requirement.updated", "a <b> & c"))
	assert.Contains(t, string(esc), `a \u0026lt;b\u0026gt; \u0026amp; c`, "Slack markup is escaped")
	long, err := webhook.Payload(webhook.FormatWeCom, event("requirement.updated", strings.Repeat("长", 3000)))
	require.NoError(t, err)
	assert.Less(t, len(long), 4096, "within WeCom's markdown limit")
	_, err = webhook.Payload("teams", e)
	assert.Error(t, err)
}

func TestPayloadsLinkToTheRecordPage(t *testing.T) {
	e := event("requirement.updated", "REQ-1 Refund a paid order edited by alice")
	const page = "https://accord.example/projects/shop/go/requirement/01J"
	body, err := webhook.LinkedPayload(webhook.FormatAccord, e, page)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(body, &got))
	assert.Equal(t, page, got["url"])
	assert.Equal(t, e.Summary, got["summary"], "the event's own fields stay where they were")
	plain, err := webhook.Payload(webhook.FormatAccord, e)
	require.NoError(t, err)
	assert.NotContains(t, string(plain), `"url"`, "no page, no url")
	slack, err := webhook.LinkedPayload(webhook.FormatSlack, e, page)
	require.NoError(t, err)
	var sm struct {
		Text   string
		Blocks []struct {
			Accessory struct{ Type, URL string }
		}
	}
	require.NoError(t, json.Unmarshal(slack, &sm))
	assert.True(t, strings.HasSuffix(sm.Text, "\n<"+page+"|Open in accord>"), sm.Text)
	assert.Equal(t, "button", sm.Blocks[0].Accessory.Type)
	assert.Equal(t, page, sm.Blocks[0].Accessory.URL)
	for _, f := range []webhook.Format{webhook.FormatDingTalk, webhook.FormatFeishu, webhook.FormatWeCom} {
		body, err := webhook.LinkedPayload(f, e, page)
		require.NoError(t, err)
		assert.Contains(t, string(body), page, f)
	}
}

func TestUpdateAndUnsubscribe(t *testing.T) {
	s, store, _ := newService(t)
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: "https://example.com/a"})
	require.NoError(t, err)
	_, err = s.Update(admin, "shop", sub.ID, 9, webhook.Content{URL: "https://example.com/b"})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	sub, err = s.Update(admin, "shop", sub.ID, sub.Revision, webhook.Content{URL: "https://example.com/b", Format: webhook.FormatDingTalk})
	require.NoError(t, err)
	assert.False(t, sub.Active, "an update says whether it is active")
	active, err := store.ActiveSubscriptions(context.Background())
	require.NoError(t, err)
	assert.Empty(t, active)
	require.NoError(t, s.Unsubscribe(admin, "shop", sub.ID))
	_, err = store.GetSecret(context.Background(), "shop", sub.ID)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the secret went with it")
}
