package webhook_test

// Conformance tests of the chat formats: each receiver below is written
// from its platform's own documentation of custom robots (DingTalk
// 自定义机器人 with 加签, Feishu/Lark 自定义机器人 with 签名校验, WeCom
// 群机器人, Slack incoming webhooks). It recomputes the signature as the
// platform documents it, checks the message's shape, and answers with
// the platform's documented bodies: success, refusals in a 200 answer,
// and throttling when a robot is sent more than its rate.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/webhook"
)

// fakeClock is the service's clock and sleep: sleeping moves it on at
// once, so a burst paced over minutes runs in milliseconds.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

const page = "https://accord.example/projects/shop/go/requirement/"

func newRobotService(t *testing.T) (*webhook.Service, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	s, err := webhook.NewService(webhook.Options{Store: memory.NewWebhookStore(), Clock: clock, Sleep: clock.sleep,
		Retry: webhook.RetryPolicy{Attempts: 5, Base: time.Millisecond}, Allow: []string{"127.0.0.1/32"},
		PageURL: func(e accord.Event) string { return page + e.Ref.ID }})
	require.NoError(t, err)
	return s, clock
}

func robotEvent(clock *fakeClock, i int) accord.Event {
	at := clock.Now().Add(time.Second)
	return accord.Event{ID: fmt.Sprintf("ev-%03d", i), Kind: "requirement.updated", Project: "shop", Ref: accord.Ref{Kind: "requirement", ID: fmt.Sprintf("R%d", i)},
		Actor: accord.Actor{ID: "alice", Name: "Alice"}, Time: at, Summary: fmt.Sprintf(`REQ-%d "Refund a paid order" edited by alice: flow (revision 2)`, i)}
}

// robotReceiver is a platform's robot endpoint. handle answers one POST
// at the clock's time; every POST counts toward the robot's rate, as the
// platforms count them.
type robotReceiver struct {
	t      *testing.T
	clock  *fakeClock
	handle func(r *http.Request, body []byte) (status int, answer string)
	header http.Header // sent with every answer

	mu        sync.Mutex
	posts     []time.Time
	taken     []map[string]any
	throttled int
	srv       *httptest.Server
}

func newRobot(t *testing.T, clock *fakeClock) *robotReceiver {
	rr := &robotReceiver{t: t, clock: clock}
	rr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rr.mu.Lock()
		defer rr.mu.Unlock()
		now := clock.Now()
		rr.posts = append(rr.posts, now)
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("a robot takes a JSON POST, not %s %s", r.Method, r.Header.Get("Content-Type"))
		}
		status, answer := rr.handle(r, body)
		for k, v := range rr.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(rr.srv.Close)
	return rr
}

// tooFast reports whether the POST just counted goes over a limit in a
// rolling window ending now (call with mu held).
func (rr *robotReceiver) tooFast(n int, window time.Duration) bool {
	now := rr.posts[len(rr.posts)-1]
	in := 0
	for _, at := range rr.posts {
		if at.After(now.Add(-window)) {
			in++
		}
	}
	return in > n
}

func (rr *robotReceiver) take(body []byte) {
	var m map[string]any
	require.NoError(rr.t, json.Unmarshal(body, &m))
	rr.taken = append(rr.taken, m)
}

func (rr *robotReceiver) got() []map[string]any {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return append([]map[string]any(nil), rr.taken...)
}

// most is the most POSTs any rolling window of the length saw.
func (rr *robotReceiver) most(window time.Duration) int {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	most := 0
	for i := range rr.posts {
		in := 0
		for _, at := range rr.posts[i:] {
			if at.Before(rr.posts[i].Add(window)) {
				in++
			}
		}
		most = max(most, in)
	}
	return most
}

func hmacBase64(key, message string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(message))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// deliveries is the subscription's delivery log.
func deliveries(t *testing.T, s *webhook.Service, sub webhook.Subscription) []webhook.Delivery {
	t.Helper()
	var all []webhook.Delivery
	q := accord.PageQuery{Size: 100}
	for {
		p, err := s.Deliveries(admin, "shop", webhook.DeliveryFilter{Subscription: sub.ID}, q)
		require.NoError(t, err)
		all = append(all, p.Items...)
		if p.NextPageToken == "" {
			return all
		}
		q.Token = p.NextPageToken
	}
}

// burst delivers n events to sub at once, as Direct does, and waits.
func burst(t *testing.T, s *webhook.Service, clock *fakeClock, sub webhook.Subscription, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		e := robotEvent(clock, i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, s.Deliver(context.Background(), sub, e))
		}()
	}
	wg.Wait()
}

func onlyAttempt(t *testing.T, s *webhook.Service, sub webhook.Subscription) webhook.Delivery {
	t.Helper()
	log := deliveries(t, s, sub)
	require.Len(t, log, 1)
	return log[0]
}

// DingTalk: the URL carries timestamp (ms) and sign, the URL-encoded
// base64 of HMAC-SHA256 keyed with the secret over timestamp+"\n"+secret,
// within an hour of now; every answer is 200, a refusal a non-zero
// errcode; 20 messages a minute per robot, then 130101.
func dingTalkRobot(t *testing.T, clock *fakeClock, token, secret string) *robotReceiver {
	rr := newRobot(t, clock)
	rr.handle = func(r *http.Request, body []byte) (int, string) {
		q := r.URL.Query()
		if r.URL.Path != "/robot/send" || q.Get("access_token") != token {
			return 200, `{"errcode":300001,"errmsg":"token is not exist"}`
		}
		if rr.tooFast(20, time.Minute) {
			rr.throttled++
			return 200, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`
		}
		if secret != "" {
			ms, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
			if d := clock.Now().Sub(time.UnixMilli(ms)); err != nil || d > time.Hour || d < -time.Hour {
				return 200, `{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`
			}
			want := hmacBase64(secret, q.Get("timestamp")+"\n"+secret)
			var raw string // the parameter as sent: percent-encoded
			for _, kv := range strings.Split(r.URL.RawQuery, "&") {
				if v, ok := strings.CutPrefix(kv, "sign="); ok {
					raw = v
				}
			}
			if q.Get("sign") != want || raw != url.QueryEscape(want) {
				return 200, `{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`
			}
		}
		var m struct {
			Msgtype  string
			Markdown *struct{ Title, Text string }
			Text     *struct{ Content string }
			// JSON keys are matched case-insensitively: actionCard.
			ActionCard *struct{ Title, Text, SingleTitle, SingleURL, BtnOrientation string }
		}
		if json.Unmarshal(body, &m) != nil {
			return 200, `{"errcode":400105,"errmsg":"invalid json"}`
		}
		ok := false
		switch m.Msgtype {
		case "text":
			ok = m.Text != nil && m.Text.Content != ""
		case "markdown":
			ok = m.Markdown != nil && m.Markdown.Title != "" && m.Markdown.Text != ""
		case "actionCard":
			ok = m.ActionCard != nil && m.ActionCard.Title != "" && m.ActionCard.Text != "" && m.ActionCard.SingleTitle != "" && m.ActionCard.SingleURL != ""
		}
		if !ok {
			return 200, `{"errcode":40035,"errmsg":"缺少参数 json"}`
		}
		rr.take(body)
		return 200, `{"errcode":0,"errmsg":"ok"}`
	}
	return rr
}

func TestDingTalkRobot(t *testing.T) {
	s, clock := newRobotService(t)
	const secret = "SEC3f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d"
	rr := dingTalkRobot(t, clock, "tok1", secret)
	hook := rr.srv.URL + "/robot/send?access_token=tok1"
	sub, shown, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: hook, Format: webhook.FormatDingTalk, Secret: secret, Language: webhook.Chinese})
	require.NoError(t, err)
	assert.Equal(t, secret, shown, "the robot's secret is the subscription's")

	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	d := onlyAttempt(t, s, sub)
	assert.Equal(t, webhook.Delivered, d.Status, "%+v", d.Attempts)
	got := rr.got()
	require.Len(t, got, 1)
	card := got[0]["actionCard"].(map[string]any)
	assert.Equal(t, "actionCard", got[0]["msgtype"], "a page to open: an actionCard")
	assert.Equal(t, "需求已更新 · shop", card["title"])
	assert.Contains(t, card["text"], `REQ-1 "Refund a paid order" edited by alice`)
	assert.Contains(t, card["text"], "操作人: Alice")
	assert.Equal(t, page+"R1", card["singleURL"])
	assert.Equal(t, "在 accord 中查看", card["singleTitle"])

	// The wrong secret: DingTalk answers 200 with errcode 310000. It is a
	// failed attempt, logged with the robot's code and message, and not
	// tried again: it would be refused again.
	wrong, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: hook, Format: webhook.FormatDingTalk, Secret: "SEC0000000000000000000000000000000000"})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), wrong, robotEvent(clock, 2)))
	d = onlyAttempt(t, s, wrong)
	assert.Equal(t, webhook.Failed, d.Status)
	require.Len(t, d.Attempts, 1, "a bad signature is not retried")
	a := d.Attempts[0]
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, 310000, a.Code)
	assert.Contains(t, a.Error, "sign not match")
	assert.Contains(t, a.Response, `"errcode":310000`)
	assert.False(t, a.OK())
	assert.Len(t, rr.got(), 1, "the robot took nothing more")
}

func TestDingTalkRobotWithoutSigningIsSentNoSignature(t *testing.T) {
	s, clock := newRobotService(t)
	rr := dingTalkRobot(t, clock, "tok2", "") // secured by keyword or IP
	var query url.Values
	handle := rr.handle
	rr.handle = func(r *http.Request, body []byte) (int, string) {
		query = r.URL.Query()
		return handle(r, body)
	}
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/robot/send?access_token=tok2", Format: webhook.FormatDingTalk})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	assert.Equal(t, webhook.Delivered, onlyAttempt(t, s, sub).Status)
	assert.False(t, query.Has("sign") || query.Has("timestamp"), "a generated secret is no robot's: %v", query)
}

func TestDingTalkRobotUnderABurst(t *testing.T) {
	s, clock := newRobotService(t)
	const secret = "SECaaaabbbbccccddddeeeeffff00001111222233334444555566667777888899"
	rr := dingTalkRobot(t, clock, "tok3", secret)
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/robot/send?access_token=tok3", Format: webhook.FormatDingTalk, Secret: secret})
	require.NoError(t, err)
	start := clock.Now()
	burst(t, s, clock, sub, 100)
	assert.Len(t, rr.got(), 100, "every event reached the group")
	assert.Zero(t, rr.throttled, "never throttled")
	assert.LessOrEqual(t, rr.most(time.Minute), 20, "at most 20 in any rolling minute")
	assert.GreaterOrEqual(t, clock.Now().Sub(start), 4*time.Minute, "100 messages at 20 a minute take 4 minutes and more")
	for _, d := range deliveries(t, s, sub) {
		assert.Equal(t, webhook.Delivered, d.Status)
		assert.Len(t, d.Attempts, 1, "waited its turn, never refused")
	}
}

func TestDingTalkThrottledRobotIsTriedAgainAfterAMinute(t *testing.T) {
	s, clock := newRobotService(t)
	rr := dingTalkRobot(t, clock, "tok4", "")
	handle, refused := rr.handle, 0
	var at []time.Time
	rr.handle = func(r *http.Request, body []byte) (int, string) {
		at = append(at, clock.Now())
		if refused < 1 { // throttled by messages another sender made
			refused++
			return 200, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`
		}
		return handle(r, body)
	}
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/robot/send?access_token=tok4", Format: webhook.FormatDingTalk})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	d := onlyAttempt(t, s, sub)
	assert.Equal(t, webhook.Delivered, d.Status)
	require.Len(t, d.Attempts, 2)
	assert.Equal(t, 130101, d.Attempts[0].Code)
	assert.GreaterOrEqual(t, at[1].Sub(at[0]), time.Minute, "a throttled robot is given its rate window")
}

// Feishu/Lark: the body carries timestamp (seconds, a string) and sign,
// the base64 HMAC-SHA256 keyed with timestamp+"\n"+secret over an empty
// message, within an hour of now; a refusal is a non-zero code with msg
// (older answers: StatusCode); 100 messages a minute and 5 a second.
func feishuRobot(t *testing.T, clock *fakeClock, hook, secret string) *robotReceiver {
	rr := newRobot(t, clock)
	rr.handle = func(r *http.Request, body []byte) (int, string) {
		if r.URL.Path != "/open-apis/bot/v2/hook/"+hook {
			return 200, `{"code":19001,"data":{},"msg":"param invalid: incoming webhook access token invalid"}`
		}
		if rr.tooFast(100, time.Minute) || rr.tooFast(5, time.Second) {
			rr.throttled++
			return 200, `{"code":11232,"data":{},"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]"}`
		}
		var m struct {
			Timestamp string `json:"timestamp"`
			Sign      string `json:"sign"`
			MsgType   string `json:"msg_type"`
			Content   *struct {
				Text string `json:"text"`
			} `json:"content"`
			Card *struct {
				Header struct {
					Title struct{ Tag, Content string }
				}
				Elements []map[string]any
			} `json:"card"`
		}
		if json.Unmarshal(body, &m) != nil || len(body) > 20<<10 {
			return 200, `{"code":9499,"data":{},"msg":"Bad Request"}`
		}
		if secret != "" {
			sec, err := strconv.ParseInt(m.Timestamp, 10, 64)
			if d := clock.Now().Sub(time.Unix(sec, 0)); err != nil || d > time.Hour || d < -time.Hour || m.Sign != hmacBase64(m.Timestamp+"\n"+secret, "") {
				return 200, `{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}`
			}
		}
		switch {
		case m.MsgType == "text" && m.Content != nil && m.Content.Text != "":
		case m.MsgType == "interactive" && m.Card != nil && m.Card.Header.Title.Tag == "plain_text" && m.Card.Header.Title.Content != "" && len(m.Card.Elements) > 0:
		default:
			return 200, `{"code":9499,"data":{},"msg":"Bad Request"}`
		}
		rr.take(body)
		return 200, `{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}`
	}
	return rr
}

func TestFeishuRobot(t *testing.T) {
	s, clock := newRobotService(t)
	const secret = "nIMtb7r3N9pkXyXdtAbx6e"
	rr := feishuRobot(t, clock, "5e3d587e-d78e", secret)
	hook := rr.srv.URL + "/open-apis/bot/v2/hook/5e3d587e-d78e"
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: hook, Format: webhook.FormatFeishu, Secret: secret})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	assert.Equal(t, webhook.Delivered, onlyAttempt(t, s, sub).Status)
	got := rr.got()
	require.Len(t, got, 1)
	assert.Equal(t, "interactive", got[0]["msg_type"])
	card := got[0]["card"].(map[string]any)
	assert.Equal(t, "Requirement updated", card["header"].(map[string]any)["title"].(map[string]any)["content"])
	raw, _ := json.Marshal(card["elements"])
	assert.Contains(t, string(raw), `REQ-1 \"Refund a paid order\" edited by alice: flow (revision 2)`, "what changed")
	assert.Contains(t, string(raw), `**By**\nAlice`)
	var button map[string]any
	for _, el := range card["elements"].([]any) {
		if el.(map[string]any)["tag"] == "action" {
			button = el.(map[string]any)["actions"].([]any)[0].(map[string]any)
		}
	}
	require.NotNil(t, button, "a button")
	assert.Equal(t, "button", button["tag"])
	assert.Equal(t, page+"R1", button["url"])

	// Without a page to open, a text message.
	plain, err := webhook.NewService(webhook.Options{Store: memory.NewWebhookStore(), Clock: clock, Sleep: clock.sleep, Allow: []string{"127.0.0.1/32"}})
	require.NoError(t, err)
	sub2, _, err := plain.Subscribe(admin, "shop", webhook.NewSubscription{URL: hook, Format: webhook.FormatFeishu, Secret: secret})
	require.NoError(t, err)
	require.NoError(t, plain.Deliver(context.Background(), sub2, robotEvent(clock, 2)))
	got = rr.got()
	require.Len(t, got, 2)
	assert.Equal(t, "text", got[1]["msg_type"])
	assert.Contains(t, got[1]["content"].(map[string]any)["text"], `REQ-2 "Refund a paid order" edited by alice`)

	wrong, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: hook, Format: webhook.FormatFeishu, Secret: "not-the-robots-secret"})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), wrong, robotEvent(clock, 3)))
	d := onlyAttempt(t, s, wrong)
	assert.Equal(t, webhook.Failed, d.Status)
	require.Len(t, d.Attempts, 1, "a bad signature is not retried")
	assert.Equal(t, 19021, d.Attempts[0].Code)
	assert.Contains(t, d.Attempts[0].Error, "sign match fail")
}

func TestFeishuOlderAnswerIsReadToo(t *testing.T) {
	s, clock := newRobotService(t)
	rr := newRobot(t, clock)
	rr.handle = func(*http.Request, []byte) (int, string) {
		return 200, `{"Extra":null,"StatusCode":19024,"StatusMessage":"Key Words Not Found"}`
	}
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/open-apis/bot/v2/hook/x", Format: webhook.FormatFeishu})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	d := onlyAttempt(t, s, sub)
	assert.Equal(t, webhook.Failed, d.Status)
	require.Len(t, d.Attempts, 1, "a missing keyword is not retried")
	assert.Equal(t, 19024, d.Attempts[0].Code)
	assert.Contains(t, d.Attempts[0].Error, "Key Words Not Found")
}

func TestFeishuRobotUnderABurst(t *testing.T) {
	s, clock := newRobotService(t)
	const secret = "qwertyuiopasdfghjklzxc"
	rr := feishuRobot(t, clock, "burst", secret)
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/open-apis/bot/v2/hook/burst", Format: webhook.FormatFeishu, Secret: secret})
	require.NoError(t, err)
	burst(t, s, clock, sub, 100)
	assert.Len(t, rr.got(), 100)
	assert.Zero(t, rr.throttled)
	assert.LessOrEqual(t, rr.most(time.Second), 5, "at most 5 in any rolling second")
	assert.LessOrEqual(t, rr.most(time.Minute), 100)
}

// WeCom: the key in the URL is the credential (93000 for a wrong one);
// markdown content of at most 4096 bytes; 20 messages a minute per
// robot, then 45009; every answer 200 with errcode.
func weComRobot(t *testing.T, clock *fakeClock, key string) *robotReceiver {
	rr := newRobot(t, clock)
	rr.handle = func(r *http.Request, body []byte) (int, string) {
		if r.URL.Path != "/cgi-bin/webhook/send" || r.URL.Query().Get("key") != key {
			return 200, `{"errcode":93000,"errmsg":"invalid webhook url, hint: [1733462400_4_9b2a], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=93000"}`
		}
		if rr.tooFast(20, time.Minute) {
			rr.throttled++
			return 200, `{"errcode":45009,"errmsg":"api freq out of limit"}`
		}
		var m struct {
			Msgtype  string
			Markdown *struct{ Content string }
		}
		if json.Unmarshal(body, &m) != nil || m.Msgtype != "markdown" || m.Markdown == nil || m.Markdown.Content == "" || len(m.Markdown.Content) > 4096 {
			return 200, `{"errcode":40008,"errmsg":"invalid message type"}`
		}
		rr.take(body)
		return 200, `{"errcode":0,"errmsg":"ok"}`
	}
	return rr
}

func TestWeComRobot(t *testing.T) {
	s, clock := newRobotService(t)
	rr := weComRobot(t, clock, "693a91f6-7xxx")
	_, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/cgi-bin/webhook/send?key=693a91f6-7xxx", Format: webhook.FormatWeCom, Secret: "SEC0000000000000000000"})
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	require.Len(t, e.Fields, 1)
	assert.Equal(t, "secret", e.Fields[0].Field, "a WeCom robot signs nothing")

	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/cgi-bin/webhook/send?key=693a91f6-7xxx", Format: webhook.FormatWeCom, Language: webhook.Chinese})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	assert.Equal(t, webhook.Delivered, onlyAttempt(t, s, sub).Status)
	got := rr.got()
	require.Len(t, got, 1)
	content := got[0]["markdown"].(map[string]any)["content"].(string)
	assert.True(t, strings.HasPrefix(content, "**需求已更新** · shop\nREQ-1 \"Refund a paid order\" edited by alice"), content)
	assert.Contains(t, content, "操作人: <font color=\"comment\">Alice · 2026-12-07 10:00 UTC</font>")
	assert.Contains(t, content, "[在 accord 中查看]("+page+"R1)")

	gone, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/cgi-bin/webhook/send?key=removed", Format: webhook.FormatWeCom})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), gone, robotEvent(clock, 2)))
	d := onlyAttempt(t, s, gone)
	assert.Equal(t, webhook.Failed, d.Status)
	require.Len(t, d.Attempts, 1, "an invalid webhook URL is not retried")
	assert.Equal(t, 93000, d.Attempts[0].Code)
	assert.Contains(t, d.Attempts[0].Error, "invalid webhook url")
}

func TestWeComRobotUnderABurst(t *testing.T) {
	s, clock := newRobotService(t)
	rr := weComRobot(t, clock, "k")
	url := rr.srv.URL + "/cgi-bin/webhook/send?key=k"
	// Two subscriptions to one robot share its rate.
	a, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: url, Format: webhook.FormatWeCom})
	require.NoError(t, err)
	b, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: url, Format: webhook.FormatWeCom, Language: webhook.Chinese})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for _, sub := range []webhook.Subscription{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); burst(t, s, clock, sub, 50) }()
	}
	wg.Wait()
	assert.Len(t, rr.got(), 100)
	assert.Zero(t, rr.throttled)
	assert.LessOrEqual(t, rr.most(time.Minute), 20)
}

// Slack: an incoming webhook answers 200 "ok"; a refusal is an HTTP
// status with a word (404 no_service, 410 channel_is_archived); 429 with
// Retry-After when posting too fast.
func TestSlackWebhook(t *testing.T) {
	s, clock := newRobotService(t)
	rr := newRobot(t, clock)
	var at []time.Time
	rr.handle = func(r *http.Request, body []byte) (int, string) {
		at = append(at, clock.Now())
		if r.URL.Path == "/services/T0/B0/gone" {
			return 404, "no_service"
		}
		if len(at) == 1 {
			return 429, "rate_limited"
		}
		var m struct {
			Text   string
			Blocks []map[string]any
		}
		if json.Unmarshal(body, &m) != nil || m.Text == "" || len(m.Blocks) == 0 {
			return 400, "invalid_payload"
		}
		rr.take(body)
		return 200, "ok"
	}
	rr.header = http.Header{"Retry-After": {"30"}} // as Slack sends with its 429
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/services/T0/B0/X", Format: webhook.FormatSlack})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	d := onlyAttempt(t, s, sub)
	assert.Equal(t, webhook.Delivered, d.Status)
	require.Len(t, d.Attempts, 2)
	assert.Equal(t, 429, d.Attempts[0].StatusCode)
	assert.GreaterOrEqual(t, at[1].Sub(at[0]), 30*time.Second, "Retry-After is honoured")
	got := rr.got()
	require.Len(t, got, 1)
	raw, _ := json.Marshal(got[0]["blocks"])
	assert.Contains(t, string(raw), `"url":"`+page+`R1"`)

	gone, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/services/T0/B0/gone", Format: webhook.FormatSlack})
	require.NoError(t, err)
	require.NoError(t, s.Deliver(context.Background(), gone, robotEvent(clock, 2)))
	d = onlyAttempt(t, s, gone)
	assert.Equal(t, webhook.Failed, d.Status)
	require.Len(t, d.Attempts, 1, "a removed webhook is not retried")
	assert.Equal(t, "no_service", d.Attempts[0].Response)
}

func TestRobotSubscriptionsAreChecked(t *testing.T) {
	s, clock := newRobotService(t)
	_, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: "https://oapi.dingtalk.com/robot/send?access_token=x", Format: webhook.FormatDingTalk,
		Language: "fr", Secret: "whsec_0123456789abcdef0123456789abcdef"})
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"language", "secret"}, fields, "a language it cannot write, a secret that is not the robot's")
	_, _, err = s.Subscribe(admin, "shop", webhook.NewSubscription{URL: "https://example.com/hook", Format: "lark"})
	require.ErrorAs(t, err, &e)
	assert.Contains(t, e.Fields[0].Message, "accord, slack, dingtalk, feishu, wecom")

	// The robot's secret was reset in the group's settings: an update
	// gives the new one, and the next message is signed with it.
	const old, reset = "SEC1111111111111111111111111111111111111111", "SEC2222222222222222222222222222222222222222"
	rr := dingTalkRobot(t, clock, "t", reset)
	sub, _, err := s.Subscribe(admin, "shop", webhook.NewSubscription{URL: rr.srv.URL + "/robot/send?access_token=t", Format: webhook.FormatDingTalk, Secret: old})
	require.NoError(t, err)
	sub, err = s.Update(admin, "shop", sub.ID, sub.Revision, webhook.Content{URL: sub.URL, Secret: reset, Language: webhook.Chinese, Active: true})
	require.NoError(t, err)
	assert.Equal(t, webhook.FormatDingTalk, sub.Format, "kept")
	assert.Equal(t, webhook.Chinese, sub.Language)
	raw, _ := json.Marshal(sub)
	assert.NotContains(t, string(raw), reset, "the record never holds the secret")
	require.NoError(t, s.Deliver(context.Background(), sub, robotEvent(clock, 1)))
	assert.Equal(t, webhook.Delivered, onlyAttempt(t, s, sub).Status)
	_, err = s.Update(admin, "shop", sub.ID, sub.Revision, webhook.Content{URL: sub.URL, Format: webhook.FormatWeCom, Secret: reset, Active: true})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "a WeCom robot takes no secret")
}
