package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// What the chat platforms document about their robots, in one place:
// how a message is signed, how a refusal reads, which refusals are worth
// trying again, and how many messages a robot takes.

// generatedPrefix starts every secret accord generates. Such a secret is
// no robot's: a DingTalk or Feishu message is signed only with a secret
// the admin gave (the robot's), so that a robot secured by keyword or IP
// alone is not sent a signature it cannot check.
const generatedPrefix = "whsec_"

func robotSecret(secret []byte) bool {
	return len(secret) > 0 && !strings.HasPrefix(string(secret), generatedPrefix)
}

// dingTalkSign returns the sign parameter of a DingTalk robot's URL (加签)
// for a message sent at ms (Unix milliseconds): the base64 HMAC-SHA256,
// keyed with the secret, of ms, a newline and the secret. The URL
// carries it percent-encoded (url.Values does that).
func dingTalkSign(secret []byte, ms int64) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strconv.FormatInt(ms, 10) + "\n" + string(secret)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// feishuSign returns the sign field of a Feishu/Lark bot's message sent
// at sec (Unix seconds): the base64 HMAC-SHA256 keyed with sec, a
// newline and the secret, over an empty message.
func feishuSign(secret []byte, sec int64) string {
	m := hmac.New(sha256.New, []byte(strconv.FormatInt(sec, 10)+"\n"+string(secret)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signed returns where to POST a message and the body to send, signed as
// the format's platform documents when the secret is a robot's.
func signed(f Format, rawURL string, body, secret []byte, now time.Time) (string, []byte, error) {
	if !robotSecret(secret) {
		return rawURL, body, nil
	}
	switch f {
	case FormatDingTalk:
		u, err := url.Parse(rawURL)
		if err != nil {
			return "", nil, err
		}
		ms := now.UnixMilli()
		q := u.Query()
		q.Set("timestamp", strconv.FormatInt(ms, 10))
		q.Set("sign", dingTalkSign(secret, ms))
		u.RawQuery = q.Encode()
		return u.String(), body, nil
	case FormatFeishu:
		if len(body) < 2 || body[0] != '{' {
			return "", nil, fmt.Errorf("webhook: a Feishu message must be a JSON object")
		}
		sec := now.Unix()
		head, _ := json.Marshal(map[string]string{"timestamp": strconv.FormatInt(sec, 10), "sign": feishuSign(secret, sec)})
		out := append(head[:len(head)-1:len(head)-1], ',')
		if string(body) == "{}" {
			out = head
		} else {
			out = append(out, body[1:]...)
		}
		return rawURL, out, nil
	}
	return rawURL, body, nil
}

// refusal reads a robot's answer of 2xx: its own error code and message
// when it refused the message in the body (0 when it took it, or when
// the body says nothing the platform would).
func refusal(f Format, body []byte) (int, string) {
	switch f {
	case FormatDingTalk, FormatWeCom:
		var a struct {
			Errcode *int   `json:"errcode"`
			Errmsg  string `json:"errmsg"`
		}
		if json.Unmarshal(body, &a) == nil && a.Errcode != nil {
			return *a.Errcode, a.Errmsg
		}
	case FormatFeishu:
		// Feishu answers code and msg; older answers StatusCode and
		// StatusMessage (still sent alongside, for compatibility).
		var a struct {
			Code          *int   `json:"code"`
			Msg           string `json:"msg"`
			StatusCode    *int   `json:"StatusCode"`
			StatusMessage string `json:"StatusMessage"`
		}
		if json.Unmarshal(body, &a) != nil {
			return 0, ""
		}
		if a.Code != nil && *a.Code != 0 {
			return *a.Code, a.Msg
		}
		if a.StatusCode != nil && *a.StatusCode != 0 {
			return *a.StatusCode, a.StatusMessage
		}
	}
	return 0, ""
}

// The robots' refusals that say "too many messages": trying again later
// helps.
const (
	dingTalkTooFast = 130101 // send too fast, exceed 20 times per minute
	weComTooFast    = 45009  // api freq out of limit
	feishuTooFast   = 11232  // frequency limited
	systemBusy      = -1     // DingTalk's and WeCom's "system busy, try again"
)

// again says whether an attempt that failed is worth repeating, and the
// least pause before the next one. A robot's refusal for a bad
// signature, keyword, URL or message is not: it would refuse again. A
// throttled robot is given its rate window before the next try.
func again(f Format, a Attempt, h http.Header) (bool, time.Duration) {
	if a.Error == ErrInternalAddress.Error() {
		return false, 0 // a refused address stays refused
	}
	if f == FormatAccord || f == "" {
		return true, 0 // a receiver of one's own may come back
	}
	if a.Code != 0 {
		switch a.Code {
		case dingTalkTooFast, weComTooFast:
			return true, time.Minute
		case feishuTooFast:
			return true, time.Second
		case systemBusy:
			return true, 0
		}
		return false, 0
	}
	switch {
	case a.StatusCode == http.StatusTooManyRequests:
		least := time.Second
		if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
			least = min(time.Duration(s)*time.Second, 10*time.Minute)
		}
		return true, least
	case a.StatusCode == http.StatusRequestTimeout:
		return true, 0
	case a.StatusCode >= 400 && a.StatusCode < 500:
		return false, 0 // Slack's invalid_payload, no_service, channel_is_archived…
	}
	return true, 0
}

// limit is a number of messages a robot takes in a rolling window.
type limit struct {
	n      int
	window time.Duration
}

// limits are the documented rates of a platform's robots: DingTalk and
// WeCom take 20 messages a minute (DingTalk throttles an offender for
// ten minutes), Feishu 100 a minute and 5 a second.
func limits(f Format) []limit {
	switch f {
	case FormatDingTalk, FormatWeCom:
		return []limit{{20, time.Minute}}
	case FormatFeishu:
		return []limit{{100, time.Minute}, {5, time.Second}}
	}
	return nil
}
