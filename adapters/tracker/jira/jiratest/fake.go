// Package jiratest is a fake Jira Cloud site for tests, written from
// Atlassian's REST API v3 documentation: it checks paths, methods, bodies
// (descriptions and comments must be Atlassian Document Format) and
// authentication, paginates the JQL search with nextPageToken, answers
// with Jira's error bodies and rate-limit headers, and can lose the answer
// to a create after making the issue, as a timeout does.
package jiratest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Issue is an issue held by the fake.
type Issue struct {
	ID          int
	Key         string
	Project     string
	Type        string
	Summary     string
	Description string // the text of the ADF document, paragraphs joined by newlines
	Labels      []string
	Status      string
	Updated     time.Time
	Comments    []string          // comment texts
	RemoteLinks map[string]string // globalId → url
}

// Transition is a workflow step: from any of From (empty: any status) to To.
type Transition struct {
	ID   string
	Name string
	From []string
	To   string
}

// Server is the fake site. Configure its exported fields before use; the
// knobs are safe to change between requests.
type Server struct {
	*httptest.Server

	Email, APIToken, BearerToken string
	Projects                     []string // project keys that exist (default SHOP)
	Types                        []string // issue types (default Story, Task, Bug)
	Transitions                  []Transition
	// PageSize caps search pages (default 50) so tests can see pagination.
	PageSize int
	// Now is the fake's clock for issue update times.
	Now func() time.Time

	mu        sync.Mutex
	issues    map[string]*Issue
	nextID    int
	loseNext  int
	limited   int
	retryWait string
	reset     string
	unavail   bool
	log       []string
}

// New starts a fake with basic-auth credentials and a To Do → In Progress
// → Done workflow (Done reachable from anywhere, Reopen from Done).
func New() *Server {
	s := &Server{
		Email: "pm@example.com", APIToken: "api-token-123",
		Projects: []string{"SHOP"}, Types: []string{"Story", "Task", "Bug"},
		Transitions: []Transition{
			{ID: "11", Name: "Start", From: []string{"To Do"}, To: "In Progress"},
			{ID: "21", Name: "Finish", To: "Done"},
			{ID: "31", Name: "Reopen", From: []string{"Done"}, To: "To Do"},
		},
		PageSize: 50,
		Now:      func() time.Time { return time.Now().UTC() },
		issues:   map[string]*Issue{},
		nextID:   10000,
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// LoseCreateResponses makes the next n creates make the issue and then drop
// the connection without answering.
func (s *Server) LoseCreateResponses(n int) { s.mu.Lock(); s.loseNext = n; s.mu.Unlock() }

// RateLimit answers the next n requests with 429 and the given Retry-After
// (seconds; empty for none) and X-RateLimit-Reset (empty for none).
func (s *Server) RateLimit(n int, retryAfter, reset string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited, s.retryWait, s.reset, s.unavail = n, retryAfter, reset, false
}

// Unavailable answers the next n requests with 503 and Retry-After.
func (s *Server) Unavailable(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited, s.retryWait, s.reset, s.unavail = n, retryAfter, "", true
}

// Issues returns copies of every issue, by ID.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Issue
	for _, is := range s.issues {
		c := *is
		c.Labels = append([]string(nil), is.Labels...)
		c.Comments = append([]string(nil), is.Comments...)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Issue returns a copy of one issue.
func (s *Server) Issue(key string) (Issue, bool) {
	for _, is := range s.Issues() {
		if is.Key == key {
			return is, true
		}
	}
	return Issue{}, false
}

// SetStatus changes an issue's status as a person in Jira would.
func (s *Server) SetStatus(key, status string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issues[key]; is != nil {
		is.Status, is.Updated = status, at
	}
}

// Requests lists "METHOD path" of every request received, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// IssueUpdated returns the body of the jira:issue_updated webhook Jira
// sends when a person moves an issue from one status to another.
func IssueUpdated(key, from, to string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"timestamp":             at.UnixMilli(),
		"webhookEvent":          "jira:issue_updated",
		"issue_event_type_name": "issue_generic",
		"user":                  map[string]any{"accountId": "5b10a2844c20165700ede21g", "displayName": "Dev"},
		"issue": map[string]any{"id": "10001", "key": key, "fields": map[string]any{
			"status": map[string]any{"name": to}, "updated": at.Format(TimeLayout),
		}},
		"changelog": map[string]any{"id": "10100", "items": []map[string]any{
			{"field": "status", "fieldtype": "jira", "fieldId": "status", "from": "1", "fromString": from, "to": "3", "toString": to},
		}},
	})
	return b
}

// TimeLayout is how Jira writes times.
const TimeLayout = "2006-01-02T15:04:05.000-0700"

func errorBody(w http.ResponseWriter, status int, messages []string, fields map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if messages == nil {
		messages = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"errorMessages": messages, "errors": fields})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if s.BearerToken != "" && h == "Bearer "+s.BearerToken {
		return true
	}
	return s.Email != "" && h == "Basic "+base64.StdEncoding.EncodeToString([]byte(s.Email+":"+s.APIToken))
}

var (
	issuePath = regexp.MustCompile(`^/rest/api/3/issue/([^/]+)(/transitions|/comment|/remotelink)?$`)
	jqlRe     = regexp.MustCompile(`^project = "([^"]*)" AND labels = "([^"]*)"$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r.Method+" "+r.URL.Path)
	if !s.authorized(r) {
		// Jira answers 401 with a plain message for bad credentials.
		errorBody(w, http.StatusUnauthorized, []string{"Client must be authenticated to access this resource."}, nil)
		return
	}
	if s.limited > 0 {
		s.limited--
		if s.retryWait != "" {
			w.Header().Set("Retry-After", s.retryWait)
		}
		if s.reset != "" {
			w.Header().Set("X-RateLimit-Reset", s.reset)
		}
		if s.unavail {
			errorBody(w, http.StatusServiceUnavailable, []string{"Service unavailable"}, nil)
			return
		}
		w.Header().Set("RateLimit-Reason", "jira-burst-based")
		errorBody(w, http.StatusTooManyRequests, []string{"Rate limit exceeded."}, nil)
		return
	}
	if r.Method != http.MethodGet && r.Header.Get("Content-Type") != "application/json" {
		errorBody(w, http.StatusUnsupportedMediaType, []string{"Content-Type must be application/json"}, nil)
		return
	}
	switch {
	case r.URL.Path == "/rest/api/3/issue" && r.Method == http.MethodPost:
		s.create(w, r)
	case r.URL.Path == "/rest/api/3/search/jql" && r.Method == http.MethodGet:
		s.search(w, r)
	default:
		m := issuePath.FindStringSubmatch(r.URL.Path)
		if m == nil {
			errorBody(w, http.StatusNotFound, []string{"No such resource: " + r.URL.Path}, nil)
			return
		}
		is := s.issues[m[1]]
		if is == nil {
			errorBody(w, http.StatusNotFound, []string{"Issue does not exist or you do not have permission to see it."}, nil)
			return
		}
		switch m[2] + " " + r.Method {
		case " GET":
			fields := map[string]any{}
			for _, f := range strings.Split(r.URL.Query().Get("fields"), ",") {
				switch f {
				case "status":
					fields["status"] = map[string]any{"name": is.Status}
				case "updated":
					fields["updated"] = is.Updated.Format(TimeLayout)
				}
			}
			reply(w, http.StatusOK, map[string]any{"id": strconv.Itoa(is.ID), "key": is.Key, "fields": fields})
		case " PUT":
			s.update(w, r, is)
		case "/transitions GET":
			var ts []map[string]any
			for _, t := range s.Transitions {
				if t.To != is.Status && (len(t.From) == 0 || contains(t.From, is.Status)) {
					ts = append(ts, map[string]any{"id": t.ID, "name": t.Name, "to": map[string]any{"name": t.To}})
				}
			}
			reply(w, http.StatusOK, map[string]any{"transitions": ts})
		case "/transitions POST":
			var body struct {
				Transition struct {
					ID string `json:"id"`
				} `json:"transition"`
			}
			if json.NewDecoder(r.Body).Decode(&body) != nil || body.Transition.ID == "" {
				errorBody(w, http.StatusBadRequest, []string{"transition.id is required"}, nil)
				return
			}
			for _, t := range s.Transitions {
				if t.ID == body.Transition.ID && t.To != is.Status && (len(t.From) == 0 || contains(t.From, is.Status)) {
					is.Status, is.Updated = t.To, s.Now()
					w.WriteHeader(http.StatusNoContent)
					return
				}
			}
			errorBody(w, http.StatusBadRequest, []string{"Transition id '" + body.Transition.ID + "' is not valid for this issue."}, nil)
		case "/comment POST":
			var body struct {
				Body json.RawMessage `json:"body"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			text, err := adfText(body.Body)
			if err != nil {
				errorBody(w, http.StatusBadRequest, nil, map[string]string{"comment": err.Error()})
				return
			}
			is.Comments = append(is.Comments, text)
			is.Updated = s.Now()
			reply(w, http.StatusCreated, map[string]any{"id": strconv.Itoa(len(is.Comments) + 10000)})
		case "/remotelink POST":
			var body struct {
				GlobalID string `json:"globalId"`
				Object   struct {
					URL   string `json:"url"`
					Title string `json:"title"`
				} `json:"object"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			if body.Object.URL == "" || body.Object.Title == "" {
				errorBody(w, http.StatusBadRequest, nil, map[string]string{"object": "url and title are required"})
				return
			}
			if is.RemoteLinks == nil {
				is.RemoteLinks = map[string]string{}
			}
			status := http.StatusCreated
			if _, ok := is.RemoteLinks[body.GlobalID]; ok && body.GlobalID != "" {
				status = http.StatusOK
			}
			key := body.GlobalID
			if key == "" {
				key = fmt.Sprint(len(is.RemoteLinks))
			}
			is.RemoteLinks[key] = body.Object.URL
			reply(w, status, map[string]any{"id": 10000 + len(is.RemoteLinks)})
		default:
			w.Header().Set("Allow", "GET, POST, PUT")
			errorBody(w, http.StatusMethodNotAllowed, []string{"Method not allowed"}, nil)
		}
	}
}

type issueFields struct {
	Project *struct {
		Key string `json:"key"`
	} `json:"project"`
	IssueType *struct {
		Name string `json:"name"`
	} `json:"issuetype"`
	Summary     *string         `json:"summary"`
	Description json.RawMessage `json:"description"`
	Labels      []string        `json:"labels"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Fields issueFields `json:"fields"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		errorBody(w, http.StatusBadRequest, []string{"Request body is not valid JSON"}, nil)
		return
	}
	f := body.Fields
	errs := map[string]string{}
	if f.Project == nil || !contains(s.Projects, f.Project.Key) {
		errs["project"] = "valid project is required"
	}
	if f.IssueType == nil || !contains(s.Types, f.IssueType.Name) {
		errs["issuetype"] = "valid issue type is required"
	}
	if f.Summary == nil || strings.TrimSpace(*f.Summary) == "" {
		errs["summary"] = "You must specify a summary of the issue."
	}
	desc, err := adfText(f.Description)
	if err != nil {
		errs["description"] = err.Error()
	}
	for _, l := range f.Labels {
		if strings.ContainsAny(l, " \t") {
			errs["labels"] = "The label '" + l + "' contains spaces which is invalid."
		}
	}
	if len(errs) > 0 {
		errorBody(w, http.StatusBadRequest, nil, errs)
		return
	}
	s.nextID++
	var n int
	for _, is := range s.issues {
		if is.Project == f.Project.Key {
			n++
		}
	}
	is := &Issue{ID: s.nextID, Key: fmt.Sprintf("%s-%d", f.Project.Key, n+1), Project: f.Project.Key, Type: f.IssueType.Name,
		Summary: *f.Summary, Description: desc, Labels: f.Labels, Status: "To Do", Updated: s.Now()}
	s.issues[is.Key] = is
	if s.loseNext > 0 {
		s.loseNext--
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	reply(w, http.StatusCreated, map[string]any{"id": strconv.Itoa(is.ID), "key": is.Key, "self": s.URL + "/rest/api/3/issue/" + strconv.Itoa(is.ID)})
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, is *Issue) {
	var body struct {
		Fields issueFields `json:"fields"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		errorBody(w, http.StatusBadRequest, []string{"Request body is not valid JSON"}, nil)
		return
	}
	f := body.Fields
	if f.Summary != nil {
		if strings.TrimSpace(*f.Summary) == "" {
			errorBody(w, http.StatusBadRequest, nil, map[string]string{"summary": "You must specify a summary of the issue."})
			return
		}
		is.Summary = *f.Summary
	}
	if f.Description != nil {
		desc, err := adfText(f.Description)
		if err != nil {
			errorBody(w, http.StatusBadRequest, nil, map[string]string{"description": err.Error()})
			return
		}
		is.Description = desc
	}
	if f.Labels != nil {
		is.Labels = f.Labels
	}
	is.Updated = s.Now()
	w.WriteHeader(http.StatusNoContent)
}

// search serves GET /rest/api/3/search/jql for the one query shape the
// connector sends, paginated with an opaque nextPageToken.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	m := jqlRe.FindStringSubmatch(q.Get("jql"))
	if m == nil {
		errorBody(w, http.StatusBadRequest, []string{"Error in the JQL Query: unsupported by the fake: " + q.Get("jql")}, nil)
		return
	}
	var hits []*Issue
	for _, is := range s.issues {
		if is.Project == m[1] && contains(is.Labels, m[2]) {
			hits = append(hits, is)
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID > hits[j].ID }) // newest first, as Jira's default order
	size := s.PageSize
	if n, err := strconv.Atoi(q.Get("maxResults")); err == nil && n > 0 && n < size {
		size = n
	}
	start := 0
	if tok := q.Get("nextPageToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err == nil {
			start, err = strconv.Atoi(string(b))
		}
		if err != nil {
			errorBody(w, http.StatusBadRequest, []string{"Invalid nextPageToken"}, nil)
			return
		}
	}
	end := min(start+size, len(hits))
	page := map[string]any{"issues": []map[string]any{}, "isLast": end >= len(hits)}
	var out []map[string]any
	for _, is := range hits[min(start, end):end] {
		out = append(out, map[string]any{"id": strconv.Itoa(is.ID), "key": is.Key, "fields": map[string]any{}})
	}
	if out != nil {
		page["issues"] = out
	}
	if end < len(hits) {
		page["nextPageToken"] = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	reply(w, http.StatusOK, page)
}

// errNotADF carries Jira's own wording, capitalised as Jira writes it.
var errNotADF = errors.New("Operation value must be an Atlassian Document (see the Atlassian Document Format)") //lint:ignore ST1005 Jira's message

// adfText checks an Atlassian Document Format document (type doc, version
// 1, text nodes non-empty) and returns its text.
func adfText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var doc adfNode
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Type != "doc" || doc.Version != 1 {
		return "", errNotADF
	}
	var blocks []string
	for _, n := range doc.Content {
		t, err := n.text()
		if err != nil {
			return "", err
		}
		blocks = append(blocks, t)
	}
	return strings.Join(blocks, "\n"), nil
}

type adfNode struct {
	Type    string    `json:"type"`
	Version int       `json:"version"`
	Text    *string   `json:"text"`
	Content []adfNode `json:"content"`
}

func (n adfNode) text() (string, error) {
	switch n.Type {
	case "text":
		if n.Text == nil || *n.Text == "" {
			return "", fmt.Errorf("text nodes must have non-empty text")
		}
		return *n.Text, nil
	case "hardBreak":
		return "\n", nil
	case "paragraph", "heading", "bulletList", "listItem", "orderedList":
	default:
		return "", fmt.Errorf("unsupported ADF node %q", n.Type)
	}
	var b strings.Builder
	for i, c := range n.Content {
		t, err := c.text()
		if err != nil {
			return "", err
		}
		if i > 0 && (n.Type == "bulletList" || n.Type == "orderedList") {
			b.WriteString("\n")
		}
		b.WriteString(t)
	}
	return b.String(), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
