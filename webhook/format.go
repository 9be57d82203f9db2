package webhook

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/accordhq/accord"
)

// Payload returns the body of a delivery of e in the format.
func Payload(f Format, e accord.Event) ([]byte, error) { return LinkedPayload(f, e, "") }

// LinkedPayload is Payload with a link to the page of the event's record
// (empty: none): the accord format carries it as "url", the chat formats
// as a last line, so that a chat message opens the record in a browser.
func LinkedPayload(f Format, e accord.Event, url string) ([]byte, error) {
	switch f {
	case FormatSlack:
		text := slackText(e)
		if url != "" {
			text += "\n<" + url + "|" + strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(e.Ref.Kind) + ">"
		}
		return json.Marshal(map[string]string{"text": text})
	case FormatDingTalk:
		text := dingTalkText(e)
		if url != "" {
			text += "\n" + url
		}
		return json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": text}})
	case FormatAccord, "":
		if url == "" {
			return json.Marshal(e)
		}
		return json.Marshal(struct {
			accord.Event
			URL string `json:"url"`
		}{e, url})
	}
	return nil, fmt.Errorf("webhook: unknown format %q", f)
}

// title is what the event is about, for a chat message's first line:
// "requirement updated" from requirement.updated.
func title(e accord.Event) string {
	domain, what, _ := strings.Cut(e.Kind, ".")
	return domain + " " + strings.ReplaceAll(what, "_", " ")
}

func who(e accord.Event) string {
	if e.Actor.Name != "" {
		return e.Actor.Name
	}
	return e.Actor.ID
}

// slackText escapes what Slack's mrkdwn would read as markup (&, <, >).
func slackText(e accord.Event) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return fmt.Sprintf("*%s* · %s\n%s\n_%s, %s_", esc.Replace(title(e)), esc.Replace(e.Project), esc.Replace(e.Summary),
		esc.Replace(who(e)), e.Time.UTC().Format("2006-01-02 15:04 MST"))
}

func dingTalkText(e accord.Event) string {
	return fmt.Sprintf("【%s · %s】\n%s\n—— %s, %s", title(e), e.Project, e.Summary, who(e), e.Time.UTC().Format("2006-01-02 15:04 MST"))
}
