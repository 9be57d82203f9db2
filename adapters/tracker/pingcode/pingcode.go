// Package pingcode is a tracker.Connector for PingCode's open REST API
// (work items in PingCode Project), authenticated with an enterprise
// token obtained through client credentials.
//
// Calls made:
//
//	GET   /v1/auth/token?grant_type=client_credentials&client_id=…&client_secret=…  → access_token, expires_in
//	POST  /v1/project/work_items                  create: project_id, type_id, title, description
//	PATCH /v1/project/work_items/{id}             update title and description, or state_id to move
//	GET   /v1/project/work_items?project_id=…&page_index=…&page_size=…  → page_index, page_size, total, values
//	GET   /v1/project/work_items/{id}             state {id, name} and updated_at
//	POST  /v1/comments                            principal_type work_item, principal_id, content
//
// Where PingCode's public documentation leaves a detail open, this package
// assumes, and the fake in pingcodetest follows:
//   - the token is sent as "Authorization: Bearer <access_token>"; it is
//     fetched again shortly before expires_in runs out, and once on a 401.
//     expires_in is read as seconds, or as a Unix time when it is that large;
//   - descriptions are HTML (Markdown is converted: paragraphs, headings,
//     lists), and the idempotency marker is a final paragraph
//     "accord-record: <record id>" found by paging through the project's
//     work items (the list has no search on description);
//   - type_id takes the built-in type's id (story, task, bug, …), the lower
//     case of Item.Type unless Options.Types maps it;
//   - moving needs state IDs: Options.States maps state names to IDs (read
//     them once from PingCode's work item states), and a move to the state
//     the item is in is not sent;
//   - comments go through the generic comments resource;
//   - a reference's key is the work item's id (what every path takes); its
//     URL is the work item's html_url;
//   - errors are {"code": "…", "message": "…"}; a 429 may carry Retry-After.
package pingcode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/tracker"
)

// System is the system name of PingCode references.
const System = "pingcode"

// Options configure a Client.
type Options struct {
	// BaseURL is the API's address, https://open.pingcode.com (or a
	// private deployment's).
	BaseURL      string
	ClientID     string
	ClientSecret string
	// States maps state names (case-insensitive) to state IDs, for Move.
	States map[string]string
	// Types maps item types (case-insensitive) to type IDs; unmapped types
	// are sent lower-cased.
	Types map[string]string
	// PageSize for listing work items (default 100).
	PageSize   int
	HTTPClient *http.Client // nil: a client with a 30s timeout
	Clock      accord.Clock // nil: the system clock
}

// Client is a tracker.Connector for one PingCode enterprise.
type Client struct {
	base     string
	id, sec  string
	states   map[string]string
	types    map[string]string
	pageSize int
	http     *http.Client
	clock    accord.Clock

	mu      sync.Mutex
	token   string
	expires time.Time
}

var _ tracker.Connector = (*Client)(nil)

// New checks the options and returns a Client.
func New(o Options) (*Client, error) {
	var errs accord.FieldErrors
	if u, err := url.Parse(o.BaseURL); o.BaseURL == "" {
		errs.Add("base_url", "required: https://open.pingcode.com or your deployment's API address")
	} else if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs.Add("base_url", "must be an http(s) URL")
	}
	if o.ClientID == "" {
		errs.Add("client_id", "required")
	}
	if o.ClientSecret == "" {
		errs.Add("client_secret", "required")
	}
	if err := errs.Err("pingcode options"); err != nil {
		return nil, err
	}
	c := &Client{base: strings.TrimRight(o.BaseURL, "/"), id: o.ClientID, sec: o.ClientSecret,
		states: lower(o.States), types: lower(o.Types), pageSize: o.PageSize, http: o.HTTPClient, clock: o.Clock}
	if c.pageSize <= 0 {
		c.pageSize = 100
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	if c.clock == nil {
		c.clock = accord.SystemClock()
	}
	return c, nil
}

func lower(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// System implements tracker.Connector.
func (c *Client) System() string { return System }

// MarkerLine is the description paragraph naming the accord record.
func MarkerLine(marker string) string { return "accord-record: " + marker }

type workItem struct {
	ID          string `json:"id"`
	Identifier  string `json:"identifier"`
	Title       string `json:"title"`
	Description string `json:"description"`
	HTMLURL     string `json:"html_url"`
	State       struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"state"`
	UpdatedAt int64 `json:"updated_at"`
}

// Upsert implements tracker.Connector.
func (c *Client) Upsert(ctx context.Context, it tracker.Item) (tracker.ItemRef, error) {
	var errs accord.FieldErrors
	if strings.TrimSpace(it.Title) == "" {
		errs.Add("title", "required")
	}
	if it.Key == "" && it.Project == "" {
		errs.Add("project", "required to create a work item: the PingCode project ID")
	}
	if it.Key == "" && it.Marker == "" {
		errs.Add("marker", "required to create a work item: it keeps a retried create from making a second one")
	}
	if err := errs.Err("pingcode item"); err != nil {
		return tracker.ItemRef{}, err
	}
	desc := ToHTML(it.Description)
	if it.Link != "" {
		desc += `<p><a href="` + html.EscapeString(it.Link) + `">` + html.EscapeString(cmpOr(it.LinkTitle, it.Link)) + `</a></p>`
	}
	if it.Marker != "" {
		desc += "<p>" + html.EscapeString(MarkerLine(it.Marker)) + "</p>"
	}
	key := it.Key
	if key == "" {
		found, err := c.findMarker(ctx, it.Project, it.Marker)
		if err != nil {
			return tracker.ItemRef{}, err
		}
		key = found.ID
	}
	var wi workItem
	if key != "" {
		body := map[string]any{"title": it.Title, "description": desc}
		if err := c.do(ctx, "update", http.MethodPatch, "/v1/project/work_items/"+url.PathEscape(key), nil, body, &wi); err != nil {
			return tracker.ItemRef{}, err
		}
	} else {
		typ := strings.ToLower(cmpOr(it.Type, "story"))
		if id, ok := c.types[typ]; ok {
			typ = id
		}
		body := map[string]any{"project_id": it.Project, "type_id": typ, "title": it.Title, "description": desc}
		if err := c.do(ctx, "create", http.MethodPost, "/v1/project/work_items", nil, body, &wi); err != nil {
			return tracker.ItemRef{}, err
		}
	}
	return tracker.ItemRef{System: System, Key: cmpOr(wi.ID, key), URL: wi.HTMLURL}, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// findMarker pages through the project's work items for the one whose
// description carries the marker; the earliest listed wins.
func (c *Client) findMarker(ctx context.Context, project, marker string) (workItem, error) {
	line := "<p>" + html.EscapeString(MarkerLine(marker)) + "</p>"
	for page := 0; ; page++ {
		var res struct {
			PageIndex int        `json:"page_index"`
			PageSize  int        `json:"page_size"`
			Total     int        `json:"total"`
			Values    []workItem `json:"values"`
		}
		q := url.Values{"project_id": {project}, "page_index": {strconv.Itoa(page)}, "page_size": {strconv.Itoa(c.pageSize)}}
		if err := c.do(ctx, "list", http.MethodGet, "/v1/project/work_items", q, nil, &res); err != nil {
			return workItem{}, err
		}
		for _, wi := range res.Values {
			if strings.Contains(wi.Description, line) {
				return wi, nil
			}
		}
		if len(res.Values) == 0 || (page+1)*max(res.PageSize, 1) >= res.Total {
			return workItem{}, nil
		}
	}
}

// Move implements tracker.Connector.
func (c *Client) Move(ctx context.Context, key, status string) error {
	id, ok := c.states[strings.ToLower(status)]
	if !ok {
		return accord.Errorf(accord.Invalid, "pingcode move: states: no state ID for %q; add it to Options.States", status)
	}
	var wi workItem
	if err := c.do(ctx, "status", http.MethodGet, "/v1/project/work_items/"+url.PathEscape(key), nil, nil, &wi); err != nil {
		return err
	}
	if wi.State.ID == id {
		return nil
	}
	return c.do(ctx, "move", http.MethodPatch, "/v1/project/work_items/"+url.PathEscape(key), nil, map[string]any{"state_id": id}, nil)
}

// Comment implements tracker.Connector.
func (c *Client) Comment(ctx context.Context, key, markdown string) error {
	if key == "" || strings.TrimSpace(markdown) == "" {
		return accord.Errorf(accord.Invalid, "pingcode comment: key and body are required")
	}
	body := map[string]any{"principal_type": "work_item", "principal_id": key, "content": ToHTML(markdown)}
	return c.do(ctx, "comment", http.MethodPost, "/v1/comments", nil, body, nil)
}

// Status implements tracker.Connector.
func (c *Client) Status(ctx context.Context, key string) (tracker.ItemStatus, error) {
	var wi workItem
	if err := c.do(ctx, "status", http.MethodGet, "/v1/project/work_items/"+url.PathEscape(key), nil, nil, &wi); err != nil {
		return tracker.ItemStatus{}, err
	}
	return tracker.ItemStatus{Key: wi.ID, Status: wi.State.Name, Updated: time.Unix(wi.UpdatedAt, 0).UTC()}, nil
}

// accessToken returns a cached token, fetching one when there is none or it
// is about to expire; refresh forces a new one (after a 401).
func (c *Client) accessToken(ctx context.Context, refresh bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	if !refresh && c.token != "" && now.Before(c.expires) {
		return c.token, nil
	}
	q := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.id}, "client_secret": {c.sec}}
	var res struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := c.send(ctx, "token", http.MethodGet, "/v1/auth/token", q, nil, &res, ""); err != nil {
		return "", err
	}
	if res.AccessToken == "" {
		return "", &tracker.Error{Kind: tracker.Unauthorized, System: System, Op: "token", Message: "no access_token in the answer"}
	}
	exp := now.Add(time.Duration(res.ExpiresIn) * time.Second)
	if res.ExpiresIn > 1_000_000_000 { // a Unix time, not a duration
		exp = time.Unix(res.ExpiresIn, 0)
	}
	c.token, c.expires = res.AccessToken, exp.Add(-time.Minute)
	return c.token, nil
}

func (c *Client) do(ctx context.Context, op, method, path string, q url.Values, in, out any) error {
	tok, err := c.accessToken(ctx, false)
	if err != nil {
		return err
	}
	err = c.send(ctx, op, method, path, q, in, out, tok)
	if tracker.KindOf(err) == tracker.Unauthorized {
		// The token may have been revoked or expired early: fetch one again,
		// once.
		if tok, err = c.accessToken(ctx, true); err != nil {
			return err
		}
		err = c.send(ctx, op, method, path, q, in, out, tok)
	}
	return err
}

func (c *Client) send(ctx context.Context, op, method, path string, q url.Values, in, out any, token string) error {
	header := http.Header{}
	if token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	resp, data, err := tracker.Exchange(ctx, c.http, System, op, method, c.base, path, q, header, in, out)
	if err != nil || resp == nil {
		return err
	}
	wait, hasWait := tracker.RetryAfter(resp.Header, c.clock.Now())
	e := &tracker.Error{Kind: tracker.KindForStatus(resp.StatusCode, hasWait), System: System, Op: op, Status: resp.StatusCode, RetryAfter: wait, Err: errors.New(resp.Status)}
	var eb struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(data, &eb) == nil && eb.Message != "" {
		e.Message = eb.Message
		if code := strings.Trim(string(eb.Code), `"`); code != "" {
			e.Message = fmt.Sprintf("%s (code %s)", eb.Message, code)
		}
	} else {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

// ToHTML converts the Markdown accord writes (paragraphs, # headings, - or
// * lists) into the HTML PingCode stores descriptions and comments in.
func ToHTML(md string) string {
	var b strings.Builder
	var para []string
	inList := false
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + strings.Join(para, "<br>") + "</p>")
			para = nil
		}
		if inList {
			b.WriteString("</ul>")
			inList = false
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			if len(para) > 0 {
				flush()
			}
			if !inList {
				b.WriteString("<ul>")
				inList = true
			}
			b.WriteString("<li>" + html.EscapeString(strings.TrimSpace(t[2:])) + "</li>")
		case strings.HasPrefix(t, "#"):
			level := len(t) - len(strings.TrimLeft(t, "#"))
			if level <= 6 && strings.HasPrefix(t[level:], " ") {
				flush()
				fmt.Fprintf(&b, "<h%d>%s</h%d>", level, html.EscapeString(strings.TrimSpace(t[level:])), level)
				continue
			}
			fallthrough
		default:
			if inList {
				flush()
			}
			para = append(para, html.EscapeString(t))
		}
	}
	flush()
	return b.String()
}
