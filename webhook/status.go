package webhook

// DeliveryStatus is how a delivery ended.
type DeliveryStatus string

// The delivery statuses: delivered once a receiver took it (2xx, and no
// refusal in the body of a chat robot's answer); failed when every
// attempt the policy allows failed, or a robot refused in a way that
// trying again cannot mend (Replay tries again).
const (
	Delivered DeliveryStatus = "delivered"
	Failed    DeliveryStatus = "failed"
)

// Format is the shape of a delivery's body and how the receiver says it
// took it. The chat formats sign as their platform documents, with the
// subscription's secret as the robot's (see doc.go).
type Format string

// The formats.
const (
	// FormatAccord is the event itself as JSON: id, kind, project, ref,
	// actor, time, summary (and url, with a page to link to).
	FormatAccord Format = "accord"
	// FormatSlack is a Slack incoming-webhook message: a mrkdwn "text"
	// and blocks with a button to the record's page.
	FormatSlack Format = "slack"
	// FormatDingTalk is a DingTalk custom-robot message: an actionCard
	// that opens the record's page, or markdown without a page; signed
	// (加签) in the URL, refused by a non-zero errcode.
	FormatDingTalk Format = "dingtalk"
	// FormatFeishu is a Feishu/Lark custom-bot message: an interactive
	// card with a button to the record's page, or text without a page;
	// signed in the body, refused by a non-zero code.
	FormatFeishu Format = "feishu"
	// FormatWeCom is a WeCom (企业微信) group-robot markdown message; the
	// key in the URL is the credential; refused by a non-zero errcode.
	FormatWeCom Format = "wecom"
)

// Formats lists every format.
func Formats() []Format {
	return []Format{FormatAccord, FormatSlack, FormatDingTalk, FormatFeishu, FormatWeCom}
}

// Valid reports whether f is one of Formats.
func (f Format) Valid() bool {
	switch f {
	case FormatAccord, FormatSlack, FormatDingTalk, FormatFeishu, FormatWeCom:
		return true
	}
	return false
}

// The languages of the chat formats' messages (Subscription.Language).
// Event summaries are written by the domains and stay as they are.
const (
	English = "en"
	Chinese = "zh-CN"
)
