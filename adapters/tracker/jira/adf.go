package jira

import "strings"

// Node is an Atlassian Document Format node: Jira Cloud's v3 API takes
// descriptions and comment bodies only in this form.
type Node struct {
	Type    string         `json:"type"`
	Version int            `json:"version,omitempty"` // 1 on the doc node
	Attrs   map[string]any `json:"attrs,omitempty"`
	Content []Node         `json:"content,omitempty"`
	Text    string         `json:"text,omitempty"`
}

// FromMarkdown converts the Markdown accord writes (paragraphs, # headings,
// - or * bullet lists) into an ADF document. Inline markup is kept as
// text: ADF has no raw Markdown, and the words matter more than the styling.
func FromMarkdown(md string) Node {
	doc := Node{Type: "doc", Version: 1, Content: []Node{}}
	var para []string
	var list []Node
	flushPara := func() {
		if len(para) == 0 {
			return
		}
		p := Node{Type: "paragraph"}
		for i, l := range para {
			if i > 0 {
				p.Content = append(p.Content, Node{Type: "hardBreak"})
			}
			p.Content = append(p.Content, Node{Type: "text", Text: l})
		}
		doc.Content = append(doc.Content, p)
		para = nil
	}
	flushList := func() {
		if len(list) > 0 {
			doc.Content = append(doc.Content, Node{Type: "bulletList", Content: list})
			list = nil
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flushPara()
			flushList()
		case strings.HasPrefix(t, "#"):
			level := len(t) - len(strings.TrimLeft(t, "#"))
			text := strings.TrimSpace(t[level:])
			if level > 6 || text == "" || !strings.HasPrefix(t[level:], " ") {
				flushList()
				para = append(para, t)
				continue
			}
			flushPara()
			flushList()
			doc.Content = append(doc.Content, Node{Type: "heading", Attrs: map[string]any{"level": level}, Content: []Node{{Type: "text", Text: text}}})
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flushPara()
			if text := strings.TrimSpace(t[2:]); text != "" {
				list = append(list, Node{Type: "listItem", Content: []Node{{Type: "paragraph", Content: []Node{{Type: "text", Text: text}}}}})
			}
		default:
			flushList()
			para = append(para, t)
		}
	}
	flushPara()
	flushList()
	return doc
}
