package trackerimport

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// decodeJSON unmarshals text into v; an error names the line and column.
func decodeJSON(file, text string, v any) error {
	err := json.Unmarshal([]byte(text), v)
	if err == nil {
		return nil
	}
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
		err = fmt.Errorf("%s: %s where the export has %s", typ.Field, typ.Type, typ.Value)
	}
	fe := &FileError{File: file, Err: err}
	if off >= 0 {
		fe.Line, fe.Column = 1, 1
		for _, r := range text[:min(int(off), len(text))] {
			if r == '\n' {
				fe.Line, fe.Column = fe.Line+1, 1
			} else {
				fe.Column++
			}
		}
	}
	return fe
}

// Jira's REST search answer (GET /rest/api/3/search): the fields an
// import reads. Description is an Atlassian Document Format document in
// API v3 and a string in v2.
type jiraSearch struct {
	Issues []struct {
		Key    string `json:"key"`
		Self   string `json:"self"`
		Fields struct {
			Summary     string          `json:"summary"`
			Description json.RawMessage `json:"description"`
			Status      *struct {
				Name string `json:"name"`
			} `json:"status"`
			Priority *struct {
				Name string `json:"name"`
			} `json:"priority"`
			Labels   []string `json:"labels"`
			Assignee *struct {
				DisplayName  string `json:"displayName"`
				EmailAddress string `json:"emailAddress"`
				AccountID    string `json:"accountId"`
			} `json:"assignee"`
		} `json:"fields"`
	} `json:"issues"`
}

func parseJiraJSON(file, text string) ([]Item, []Problem, error) {
	var doc jiraSearch
	if err := decodeJSON(file, text, &doc); err != nil {
		return nil, nil, err
	}
	if doc.Issues == nil {
		return nil, nil, &FileError{File: file, Err: errors.New(`no "issues": not a Jira search answer (GET /rest/api/3/search)`)}
	}
	var items []Item
	var problems []Problem
	for i, is := range doc.Issues {
		f := is.Fields
		it := Item{Row: i + 1, Key: is.Key, Title: f.Summary, Labels: f.Labels, URL: jiraBrowseURL(is.Self, is.Key)}
		if f.Status != nil {
			it.Status = f.Status.Name
		}
		if f.Priority != nil {
			it.Priority = priority(&problems, it.Row, it.Key, f.Priority.Name)
		}
		if a := f.Assignee; a != nil {
			it.Owner = firstOf(a.EmailAddress, a.DisplayName, a.AccountID)
		}
		desc, err := jiraDescription(f.Description)
		if err != nil {
			problems = append(problems, Problem{Row: it.Row, Key: it.Key, Why: "description: " + err.Error() + "; imported without it"})
		}
		it.Description = desc
		items = append(items, it)
	}
	return items, problems, nil
}

// jiraBrowseURL is the page of issue key on the site self is an API URL of.
func jiraBrowseURL(self, key string) string {
	u, err := url.Parse(self)
	if err != nil || u.Host == "" || key == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	return u.Scheme + "://" + u.Host + "/browse/" + key
}

// adf is a node of an Atlassian Document Format document.
type adf struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Content []adf  `json:"content"`
	Attrs   struct {
		Text string `json:"text"` // mentions
	} `json:"attrs"`
}

// jiraDescription returns a description as plain text: a string as such,
// an ADF document as its text with paragraphs on their own lines.
func jiraDescription(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s), nil
	}
	var doc adf
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Type != "doc" {
		return "", errors.New("neither text nor an Atlassian Document Format document")
	}
	var b strings.Builder
	writeADF(&b, doc, "")
	return strings.TrimSpace(b.String()), nil
}

func writeADF(b *strings.Builder, n adf, prefix string) {
	switch n.Type {
	case "text":
		b.WriteString(n.Text)
		return
	case "hardBreak":
		b.WriteString("\n")
		return
	case "mention", "emoji", "status":
		b.WriteString(n.Attrs.Text)
		return
	case "listItem":
		b.WriteString(prefix + "- ")
	}
	for _, c := range n.Content {
		writeADF(b, c, prefix)
	}
	switch n.Type {
	case "paragraph", "heading", "codeBlock", "blockquote", "rule":
		b.WriteString("\n")
	}
}

// A Trello board exported as JSON: its lists name the cards' statuses.
type trelloBoard struct {
	Lists []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"lists"`
	Members []struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		FullName string `json:"fullName"`
	} `json:"members"`
	Cards []struct {
		ID        string   `json:"id"`
		ShortLink string   `json:"shortLink"`
		ShortURL  string   `json:"shortUrl"`
		URL       string   `json:"url"`
		Name      string   `json:"name"`
		Desc      string   `json:"desc"`
		IDList    string   `json:"idList"`
		IDMembers []string `json:"idMembers"`
		Closed    bool     `json:"closed"`
		Labels    []struct {
			Name  string `json:"name"`
			Color string `json:"color"`
		} `json:"labels"`
	} `json:"cards"`
}

func parseTrello(file, text string) ([]Item, []Problem, error) {
	var board trelloBoard
	if err := decodeJSON(file, text, &board); err != nil {
		return nil, nil, err
	}
	if board.Cards == nil {
		return nil, nil, &FileError{File: file, Err: errors.New(`no "cards": not a Trello board export`)}
	}
	lists, members := map[string]string{}, map[string]string{}
	for _, l := range board.Lists {
		lists[l.ID] = l.Name
	}
	for _, m := range board.Members {
		members[m.ID] = firstOf(m.Username, m.FullName)
	}
	var items []Item
	var problems []Problem
	for i, c := range board.Cards {
		// The short link is the card's key in every URL; the ID is kept
		// for exports without it.
		it := Item{Row: i + 1, Key: firstOf(c.ShortLink, c.ID), URL: firstOf(c.ShortURL, c.URL), Title: c.Name, Description: strings.TrimSpace(c.Desc)}
		if c.Closed {
			problems = append(problems, Problem{Row: it.Row, Key: it.Key, Why: "archived in Trello: not imported"})
			continue
		}
		status, ok := lists[c.IDList]
		if !ok && c.IDList != "" {
			problems = append(problems, Problem{Row: it.Row, Key: it.Key, Why: fmt.Sprintf("its list %s is not in the board: imported without a status", c.IDList)})
		}
		it.Status = status
		for _, l := range c.Labels {
			name := firstOf(l.Name, l.Color)
			// Trello has no priority: a label named like one is taken as it.
			if p, ok := MapPriority(name); ok && p != "" && it.Priority == "" {
				it.Priority = p
				continue
			}
			it.Labels = append(it.Labels, name)
		}
		if len(c.IDMembers) > 0 {
			it.Owner = members[c.IDMembers[0]]
		}
		items = append(items, it)
	}
	return items, problems, nil
}

// An Asana project's tasks as the API lists them (GET
// /projects/{gid}/tasks with opt_fields), the JSON export's shape.
type asanaTasks struct {
	Data []struct {
		GID          string `json:"gid"`
		Name         string `json:"name"`
		Notes        string `json:"notes"`
		Completed    bool   `json:"completed"`
		PermalinkURL string `json:"permalink_url"`
		Assignee     *struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"assignee"`
		Memberships []struct {
			Section *struct {
				Name string `json:"name"`
			} `json:"section"`
		} `json:"memberships"`
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
		CustomFields []struct {
			Name         string `json:"name"`
			DisplayValue string `json:"display_value"`
		} `json:"custom_fields"`
	} `json:"data"`
}

func parseAsanaJSON(file, text string) ([]Item, []Problem, error) {
	var doc asanaTasks
	if err := decodeJSON(file, text, &doc); err != nil {
		return nil, nil, err
	}
	if doc.Data == nil {
		return nil, nil, &FileError{File: file, Err: errors.New(`no "data": not an Asana task list`)}
	}
	var items []Item
	var problems []Problem
	for i, t := range doc.Data {
		it := Item{Row: i + 1, Key: t.GID, URL: t.PermalinkURL, Title: t.Name, Description: strings.TrimSpace(t.Notes)}
		for _, m := range t.Memberships {
			if m.Section != nil && it.Status == "" {
				it.Status = m.Section.Name
			}
		}
		if t.Completed {
			it.Status = "completed"
		}
		if t.Assignee != nil {
			it.Owner = firstOf(t.Assignee.Email, t.Assignee.Name)
		}
		for _, tag := range t.Tags {
			it.Labels = append(it.Labels, tag.Name)
		}
		for _, f := range t.CustomFields {
			if strings.EqualFold(f.Name, "priority") || f.Name == "优先级" {
				it.Priority = priority(&problems, it.Row, it.Key, f.DisplayValue)
			}
		}
		items = append(items, it)
	}
	return items, problems, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
