package webhook

// DeliveryStatus is how a delivery ended.
type DeliveryStatus string

// The delivery statuses: delivered once a receiver answered 2xx; failed
// when every attempt the policy allows failed (Replay tries again).
const (
	Delivered DeliveryStatus = "delivered"
	Failed    DeliveryStatus = "failed"
)

// Format is the shape of a delivery's body.
type Format string

// The formats.
const (
	// FormatAccord is the event itself as JSON: id, kind, project, ref,
	// actor, time, summary.
	FormatAccord Format = "accord"
	// FormatSlack is a Slack incoming-webhook message: {"text": …} in
	// Slack's mrkdwn.
	FormatSlack Format = "slack"
	// FormatDingTalk is a DingTalk custom-robot text message:
	// {"msgtype": "text", "text": {"content": …}}.
	FormatDingTalk Format = "dingtalk"
)

// Formats lists every format.
func Formats() []Format { return []Format{FormatAccord, FormatSlack, FormatDingTalk} }

// Valid reports whether f is one of Formats.
func (f Format) Valid() bool { return f == FormatAccord || f == FormatSlack || f == FormatDingTalk }
