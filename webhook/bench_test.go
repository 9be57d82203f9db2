package webhook_test

import (
	"testing"
	"time"

	"github.com/accordhq/accord/webhook"
)

// BenchmarkSignAndVerify measures what a delivery costs in signing and
// a receiver in checking, for a 1 KB body, against the payload encoding
// it comes with.
func BenchmarkSignAndVerify(b *testing.B) {
	secret := []byte("whsec_3f1c0a9e8b7d6c5b4a39281706f5e4d3")
	e := event("requirement.updated", string(make([]byte, 900)))
	body, _ := webhook.Payload(webhook.FormatAccord, e)
	now := time.Now()
	b.Run("payload_json", func(b *testing.B) {
		for b.Loop() {
			_, _ = webhook.Payload(webhook.FormatAccord, e)
		}
	})
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			webhook.Sign(secret, now, body)
		}
	})
	sig := webhook.Sign(secret, now, body)
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if err := webhook.Verify(secret, sig, body, time.Minute, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkChatPayloads measures each chat format's message for the same
// event, with a page to link to, in Chinese: what a delivery spends
// before its robot's turn.
func BenchmarkChatPayloads(b *testing.B) {
	e := event("requirement.updated", `REQ-12 "Refund a paid order" edited by alice: acceptance criteria, flow (revision 4)`)
	r := webhook.Rendering{URL: "https://accord.example/projects/shop/go/requirement/01J", Language: webhook.Chinese}
	for _, f := range []webhook.Format{webhook.FormatSlack, webhook.FormatDingTalk, webhook.FormatFeishu, webhook.FormatWeCom} {
		b.Run(string(f), func(b *testing.B) {
			body, err := webhook.Render(f, e, r)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				_, _ = webhook.Render(f, e, r)
			}
			b.ReportMetric(float64(len(body)), "bytes/msg")
		})
	}
}
