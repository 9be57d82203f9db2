package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The headers of every delivery.
const (
	HeaderSignature = "Accord-Signature"  // t=<unix seconds>,v1=<hex HMAC-SHA256>
	HeaderEventID   = "Accord-Event-Id"   // the event's ID: the same on every retry and replay
	HeaderEventKind = "Accord-Event-Kind" // requirement.updated, …
)

// Sign returns the Accord-Signature header value for a body sent at t:
// the HMAC-SHA256, keyed with the secret, of the Unix seconds of t, a
// dot, and the body exactly as sent.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of Verify. (ErrSignatureTime was ErrStale, which read like
// accord.ErrStale, a stale revision.)
var (
	ErrBadSignature  = errors.New("webhook: signature does not match")
	ErrSignatureTime = errors.New("webhook: signature too old or from the future")
)

// Verify checks a delivery as a receiver would: header is its
// Accord-Signature, body the raw body, and the timestamp must be within
// tolerance of now (to refuse a replayed capture; 5 minutes is usual).
// Comparison is constant-time.
func Verify(secret []byte, header string, body []byte, tolerance time.Duration, now time.Time) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return fmt.Errorf("%w: malformed header %q", ErrBadSignature, header)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrSignatureTime
	}
	if !hmac.Equal([]byte(mac(secret, ts, body)), []byte(sig)) {
		return ErrBadSignature
	}
	return nil
}
