package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/webhook"
)

func TestWebhookRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"
	var secret atomic.Value
	var down atomic.Bool
	down.Store(true)
	got := make(chan string, 10)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if webhook.Verify([]byte(secret.Load().(string)), r.Header.Get(webhook.HeaderSignature), body, time.Minute, time.Now()) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if down.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		got <- r.Header.Get(webhook.HeaderEventKind)
		w.WriteHeader(http.StatusOK)
	}))
	defer rcv.Close()

	denied := call(t, h, "POST", p+"/webhooks", devToken, `{"url":"`+rcv.URL+`"}`)
	assert.Equal(t, http.StatusForbidden, denied.status, "bob is no admin of shop")
	bad := call(t, h, "POST", p+"/webhooks", pmToken, `{"url":"mailto:a@b.c","format":"teams"}`)
	assert.Equal(t, http.StatusBadRequest, bad.status)
	assert.Contains(t, bad.raw, `"field":"url"`)
	assert.Contains(t, bad.raw, `"field":"format"`)
	// Internal addresses, however written, are refused at once: this
	// server allow-lists 127.0.0.1 only.
	for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]:8080/", "http://2130706434/", "http://localhost/"} {
		internal := call(t, h, "POST", p+"/webhooks", pmToken, `{"url":"`+u+`"}`)
		assert.Equal(t, http.StatusBadRequest, internal.status, u)
		assert.Equal(t, "application/problem+json", internal.header.Get("Content-Type"), u)
		assert.Contains(t, internal.raw, `"field":"url"`, u)
		assert.Contains(t, internal.raw, "internal address", u)
	}
	made := call(t, h, "POST", p+"/webhooks", pmToken, `{"url":"`+rcv.URL+`","kinds":["requirement.*"],"format":"slack"}`)
	require.Equal(t, http.StatusCreated, made.status, made.raw)
	secret.Store(made.body["secret"].(string))
	hook := made.header.Get("Location")
	list := call(t, h, "GET", p+"/webhooks", pmToken, "")
	require.Equal(t, http.StatusOK, list.status, list.raw)
	assert.NotContains(t, list.raw, made.body["secret"].(string), "the secret is shown once")
	require.Equal(t, http.StatusOK, call(t, h, "GET", hook, pmToken, "").status)

	// The receiver is down: the delivery fails (this server tries once) and is logged.
	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order"}`).status)
	var failed response
	require.Eventually(t, func() bool {
		failed = call(t, h, "GET", hook+"/deliveries?status=failed", pmToken, "")
		return failed.status == http.StatusOK && len(failed.body["items"].([]any)) == 1
	}, 5*time.Second, 10*time.Millisecond)
	d := failed.body["items"].([]any)[0].(map[string]any)
	assert.EqualValues(t, 502, d["attempts"].([]any)[0].(map[string]any)["status_code"])
	down.Store(false)
	replayed := call(t, h, "POST", hook+"/deliveries/"+d["id"].(string)+"/replay", pmToken, "")
	require.Equal(t, http.StatusOK, replayed.status, replayed.raw)
	assert.Equal(t, "delivered", replayed.body["status"])
	assert.Equal(t, "requirement.created", <-got)
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", hook+"/deliveries?status=lost", pmToken, "").status)

	rotated := call(t, h, "POST", hook+"/secret", pmToken, "")
	require.Equal(t, http.StatusOK, rotated.status, rotated.raw)
	assert.NotEqual(t, secret.Load(), rotated.body["secret"])
	assert.Equal(t, http.StatusForbidden, call(t, h, "POST", hook+"/secret", devToken, "").status)
	secret.Store(rotated.body["secret"].(string))
	require.Equal(t, http.StatusOK, call(t, h, "POST", hook+"/deliveries/"+d["id"].(string)+"/replay", pmToken, "").status, "signed with the new secret")
	assert.Equal(t, "requirement.created", <-got)

	inside := call(t, h, "PUT", hook, pmToken, `{"url":"http://[fd00::1]/","active":true}`, "If-Match", `"1"`)
	assert.Equal(t, http.StatusBadRequest, inside.status, inside.raw)
	assert.Contains(t, inside.raw, `"field":"url"`)
	off := call(t, h, "PUT", hook, pmToken, `{"url":"`+rcv.URL+`","active":false}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, off.status, off.raw)
	assert.Equal(t, false, off.body["active"])
	assert.Equal(t, http.StatusNoContent, call(t, h, "DELETE", hook, pmToken, "").status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", hook, pmToken, "").status)
}

// A DingTalk robot subscribed through the API, with its 加签 secret and
// Chinese messages: the message is signed as DingTalk documents it, and a
// refusal in a 200 answer is logged as a failure with the robot's code.
func TestDingTalkRobotThroughTheAPI(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	const robotSecret = "SEC9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d2c1b"
	got := make(chan string, 10)
	robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		q := r.URL.Query()
		m := hmac.New(sha256.New, []byte(robotSecret))
		m.Write([]byte(q.Get("timestamp") + "\n" + robotSecret))
		if q.Get("sign") != base64.StdEncoding.EncodeToString(m.Sum(nil)) {
			_, _ = io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match"}`)
			return
		}
		got <- string(body)
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer robot.Close()
	const p = "/v1/projects/shop"
	made := call(t, h, "POST", p+"/webhooks", pmToken, `{"url":"`+robot.URL+`/robot/send?access_token=t","format":"dingtalk","language":"zh-CN","secret":"`+robotSecret+`","kinds":["requirement.*"]}`)
	require.Equal(t, http.StatusCreated, made.status, made.raw)
	assert.Equal(t, "zh-CN", made.body["language"])
	wrong := call(t, h, "POST", p+"/webhooks", pmToken, `{"url":"`+robot.URL+`/robot/send?access_token=t","format":"dingtalk","secret":"SEC0000000000000000000000","kinds":["requirement.*"]}`)
	require.Equal(t, http.StatusCreated, wrong.status, wrong.raw)

	require.Equal(t, http.StatusCreated, call(t, h, "POST", p+"/requirements", pmToken, `{"title":"Refund a paid order"}`).status)
	select {
	case body := <-got:
		assert.Contains(t, body, `"title":"需求已创建 · shop"`)
		assert.Contains(t, body, `Refund a paid order`)
	case <-time.After(5 * time.Second):
		t.Fatal("the robot got nothing")
	}
	hook := wrong.header.Get("Location")
	var failed response
	require.Eventually(t, func() bool {
		failed = call(t, h, "GET", hook+"/deliveries?status=failed", pmToken, "")
		return failed.status == http.StatusOK && len(failed.body["items"].([]any)) == 1
	}, 5*time.Second, 10*time.Millisecond)
	a := failed.body["items"].([]any)[0].(map[string]any)["attempts"].([]any)[0].(map[string]any)
	assert.EqualValues(t, 200, a["status_code"])
	assert.EqualValues(t, 310000, a["code"])
	assert.Contains(t, a["error"], "sign not match")
}
