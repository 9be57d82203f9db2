package webhook

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/accordhq/accord"
)

// Payload returns the body of a delivery of e in the format.
func Payload(f Format, e accord.Event) ([]byte, error) { return Render(f, e, Rendering{}) }

// LinkedPayload is Payload with a link to the page of the event's record
// (empty: none): the accord format carries it as "url", the chat formats
// as a button or a last line, so that a chat message opens the record in
// a browser.
func LinkedPayload(f Format, e accord.Event, url string) ([]byte, error) {
	return Render(f, e, Rendering{URL: url})
}

// Rendering is what a delivery's body carries besides the event.
type Rendering struct {
	URL      string // the page of the event's record; "" for none
	Language string // of the chat formats' words: English (default) or Chinese
}

// Render returns the body of a delivery of e in the format, unsigned: a
// Feishu robot's signature goes into the body when it is sent. A chat
// message says what happened to which record (the summary names it by
// key and title), who did it and when, and links to the record's page.
func Render(f Format, e accord.Event, r Rendering) ([]byte, error) {
	m := message{e: e, url: r.URL, w: wordsFor(r.Language)}
	switch f {
	case FormatAccord, "":
		if r.URL == "" {
			return json.Marshal(e)
		}
		return json.Marshal(struct {
			accord.Event
			URL string `json:"url"`
		}{e, r.URL})
	case FormatSlack:
		return json.Marshal(m.slack())
	case FormatDingTalk:
		return json.Marshal(m.dingTalk())
	case FormatFeishu:
		return json.Marshal(m.feishu())
	case FormatWeCom:
		return json.Marshal(m.weCom())
	}
	return nil, fmt.Errorf("webhook: unknown format %q", f)
}

// message is one event as a chat message reads it.
type message struct {
	e   accord.Event
	url string
	w   words
}

// maxSummary keeps the longest message within every platform's limit
// (WeCom's markdown: 4096 bytes).
const maxSummary = 1500

func (m message) summary() string {
	s := m.e.Summary
	if len(s) > maxSummary {
		cut := maxSummary
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s + m.items()
}

// items is a last line naming the items that stand for the record in
// other systems (Event.External) and their status there, those the
// summary does not name already: "\nTracker items: jira SHOP-1 (To Do)".
func (m message) items() string {
	var names []string
	for _, it := range m.e.External {
		name := it.System + " " + it.Key
		if strings.Contains(m.e.Summary, name) || len(names) == maxItems {
			continue
		}
		if it.Status != "" {
			name += m.w.status(it.Status)
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return ""
	}
	return "\n" + m.w.items + strings.Join(names, m.w.comma)
}

// maxItems is how many items a message names at most.
const maxItems = 5

func (m message) who() string {
	if m.e.Actor.Name != "" {
		return m.e.Actor.Name
	}
	return m.e.Actor.ID
}

func (m message) when() string { return m.e.Time.UTC().Format("2006-01-02 15:04 MST") }

// byline is who did it, when: "Alice · 2026-12-07 21:30 UTC".
func (m message) byline() string { return m.who() + " · " + m.when() }

func (m message) slack() any {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
	head := fmt.Sprintf("*%s* · %s\n%s", esc(m.w.headline(m.e.Kind)), esc(m.e.Project), esc(m.summary()))
	text := head + "\n_" + esc(m.byline()) + "_"
	if m.url != "" {
		text += "\n<" + m.url + "|" + esc(m.w.open) + ">"
	}
	section := map[string]any{"type": "section", "text": map[string]string{"type": "mrkdwn", "text": head}}
	if m.url != "" {
		section["accessory"] = map[string]any{"type": "button", "text": map[string]string{"type": "plain_text", "text": m.w.open}, "url": m.url}
	}
	return map[string]any{"text": text, "blocks": []any{section,
		map[string]any{"type": "context", "elements": []any{map[string]string{"type": "mrkdwn", "text": esc(m.byline())}}}}}
}

// dingTalkText is the markdown of a DingTalk message; DingTalk breaks
// lines on blank lines only.
func (m message) dingTalkText() string {
	return fmt.Sprintf("#### %s · %s\n\n%s\n\n> %s: %s", m.w.headline(m.e.Kind), m.e.Project, m.summary(), m.w.by, m.byline())
}

func (m message) dingTalk() any {
	title := m.w.headline(m.e.Kind) + " · " + m.e.Project
	if m.url == "" {
		return map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": title, "text": m.dingTalkText()}}
	}
	return map[string]any{"msgtype": "actionCard", "actionCard": map[string]string{"title": title, "text": m.dingTalkText(),
		"btnOrientation": "0", "singleTitle": m.w.open, "singleURL": m.url}}
}

func (m message) feishu() any {
	if m.url == "" {
		text := fmt.Sprintf("%s · %s\n%s\n%s: %s", m.w.headline(m.e.Kind), m.e.Project, m.summary(), m.w.by, m.byline())
		return map[string]any{"msg_type": "text", "content": map[string]string{"text": text}}
	}
	field := func(label, value string) any {
		return map[string]any{"is_short": true, "text": map[string]string{"tag": "lark_md", "content": "**" + label + "**\n" + value}}
	}
	card := map[string]any{
		"config": map[string]bool{"wide_screen_mode": true},
		"header": map[string]any{"template": "blue", "title": map[string]string{"tag": "plain_text", "content": m.w.headline(m.e.Kind)}},
		"elements": []any{
			map[string]any{"tag": "div", "text": map[string]string{"tag": "lark_md", "content": m.summary()}},
			map[string]any{"tag": "div", "fields": []any{field(m.w.project, m.e.Project), field(m.w.by, m.who()), field(m.w.at, m.when())}},
			map[string]any{"tag": "action", "actions": []any{map[string]any{"tag": "button", "type": "primary",
				"text": map[string]string{"tag": "plain_text", "content": m.w.open}, "url": m.url}}},
		},
	}
	return map[string]any{"msg_type": "interactive", "card": card}
}

func (m message) weCom() any {
	text := fmt.Sprintf("**%s** · %s\n%s\n> %s: <font color=\"comment\">%s</font>", m.w.headline(m.e.Kind), m.e.Project, m.summary(), m.w.by, m.byline())
	if m.url != "" {
		text += "\n[" + m.w.open + "](" + m.url + ")"
	}
	return map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": text}}
}
