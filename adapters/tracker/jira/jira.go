package jira

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/tracker"
)

// System is the system name of Jira references.
const System = "jira"

// Options configure a Client. Give Email and APIToken, or BearerToken.
type Options struct {
	// BaseURL is the site, https://your-domain.atlassian.net.
	BaseURL     string
	Email       string
	APIToken    string
	BearerToken string
	// DefaultType is the issue type when Item.Type is empty (default Task).
	DefaultType string
	// HTTPClient sends the requests; nil means a client with a 30s timeout.
	HTTPClient *http.Client
	// Clock turns X-RateLimit-Reset into a wait; nil: the system clock.
	Clock accord.Clock
}

// Client is a tracker.Connector for one Jira Cloud site.
type Client struct {
	base  *url.URL
	auth  string
	typ   string
	http  *http.Client
	clock accord.Clock
}

var _ tracker.Connector = (*Client)(nil)

// New checks the options and returns a Client.
func New(o Options) (*Client, error) {
	var errs accord.FieldErrors
	base, err := url.Parse(strings.TrimRight(o.BaseURL, "/"))
	if o.BaseURL == "" {
		errs.Add("base_url", "required: the site, https://your-domain.atlassian.net")
	} else if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		errs.Add("base_url", "must be an http(s) URL")
	}
	var auth string
	switch {
	case o.BearerToken != "" && (o.Email != "" || o.APIToken != ""):
		errs.Add("bearer_token", "give either a bearer token or email and API token, not both")
	case o.BearerToken != "":
		auth = "Bearer " + o.BearerToken
	case o.Email == "" && o.APIToken == "":
		errs.Add("api_token", "required (with email), or a bearer_token")
	case o.Email == "":
		errs.Add("email", "required with an API token")
	case o.APIToken == "":
		errs.Add("api_token", "required with an email")
	default:
		auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(o.Email+":"+o.APIToken))
	}
	if err := errs.Err("jira options"); err != nil {
		return nil, err
	}
	c := &Client{base: base, auth: auth, typ: o.DefaultType, http: o.HTTPClient, clock: o.Clock}
	if c.typ == "" {
		c.typ = "Task"
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	if c.clock == nil {
		c.clock = accord.SystemClock()
	}
	return c, nil
}

// System implements tracker.Connector.
func (c *Client) System() string { return System }

var notLabel = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// MarkerLabel is the label naming an accord record on its issue. Jira
// labels cannot hold spaces, so anything but letters, digits, _ . - is
// replaced.
func MarkerLabel(marker string) string { return "accord-" + notLabel.ReplaceAllString(marker, "-") }

// Upsert implements tracker.Connector.
func (c *Client) Upsert(ctx context.Context, it tracker.Item) (tracker.ItemRef, error) {
	var errs accord.FieldErrors
	if strings.TrimSpace(it.Title) == "" {
		errs.Add("title", "required")
	}
	if it.Key == "" && it.Project == "" {
		errs.Add("project", "required to create an issue: the Jira project key")
	}
	if it.Key == "" && it.Marker == "" {
		errs.Add("marker", "required to create an issue: it keeps a retried create from making a second one")
	}
	if err := errs.Err("jira item"); err != nil {
		return tracker.ItemRef{}, err
	}
	labels := append([]string(nil), it.Labels...)
	if it.Marker != "" {
		labels = append(labels, MarkerLabel(it.Marker))
	}
	for i, l := range labels {
		labels[i] = notLabel.ReplaceAllString(l, "-")
	}
	key := it.Key
	if key == "" {
		found, err := c.findMarker(ctx, it.Project, it.Marker)
		if err != nil {
			return tracker.ItemRef{}, err
		}
		key = found
	}
	fields := map[string]any{
		"summary":     it.Title,
		"description": FromMarkdown(it.Description),
		"labels":      labels,
	}
	if key != "" {
		if err := c.do(ctx, "update", http.MethodPut, "/rest/api/3/issue/"+url.PathEscape(key), nil, map[string]any{"fields": fields}, nil); err != nil {
			return tracker.ItemRef{}, err
		}
	} else {
		typ := it.Type
		if typ == "" {
			typ = c.typ
		}
		fields["project"] = map[string]string{"key": it.Project}
		fields["issuetype"] = map[string]string{"name": typ}
		var created struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		}
		if err := c.do(ctx, "create", http.MethodPost, "/rest/api/3/issue", nil, map[string]any{"fields": fields}, &created); err != nil {
			return tracker.ItemRef{}, err
		}
		key = created.Key
	}
	if it.Link != "" {
		title := it.LinkTitle
		if title == "" {
			title = it.Title
		}
		link := map[string]any{
			// The same globalId updates the link rather than adding one.
			"globalId":    "accord:" + it.Marker,
			"application": map[string]string{"type": "accord", "name": "accord"},
			"object":      map[string]string{"url": it.Link, "title": title},
		}
		if err := c.do(ctx, "remote link", http.MethodPost, "/rest/api/3/issue/"+url.PathEscape(key)+"/remotelink", nil, link, nil); err != nil {
			return tracker.ItemRef{Key: key, System: System, URL: c.browse(key)}, err
		}
	}
	return tracker.ItemRef{System: System, Key: key, URL: c.browse(key)}, nil
}

func (c *Client) browse(key string) string { return c.base.String() + "/browse/" + url.PathEscape(key) }

// findMarker reads every page of the search for the marker label and
// returns the first issue created (the lowest ID), so that even an earlier
// duplicate does not make the choice depend on the order of the results.
func (c *Client) findMarker(ctx context.Context, project, marker string) (string, error) {
	jql := fmt.Sprintf("project = %s AND labels = %s", jqlString(project), jqlString(MarkerLabel(marker)))
	q := url.Values{"jql": {jql}, "fields": {"created"}, "maxResults": {"50"}}
	best, bestID := "", int64(-1)
	for range 1000 {
		var page struct {
			Issues []struct {
				ID  string `json:"id"`
				Key string `json:"key"`
			} `json:"issues"`
			NextPageToken string `json:"nextPageToken"`
			IsLast        bool   `json:"isLast"`
		}
		if err := c.do(ctx, "search", http.MethodGet, "/rest/api/3/search/jql", q, nil, &page); err != nil {
			return "", err
		}
		for _, is := range page.Issues {
			id, err := strconv.ParseInt(is.ID, 10, 64)
			if err != nil {
				id = 1<<62 - 1
			}
			if best == "" || id < bestID {
				best, bestID = is.Key, id
			}
		}
		if page.IsLast || page.NextPageToken == "" {
			return best, nil
		}
		q.Set("nextPageToken", page.NextPageToken)
	}
	return best, nil
}

func jqlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// Move implements tracker.Connector: it makes the transition whose target
// status has the name given.
func (c *Client) Move(ctx context.Context, key, status string) error {
	if key == "" || status == "" {
		return accord.Errorf(accord.Invalid, "jira move: key and status are required")
	}
	var ts struct {
		Transitions []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			To   struct {
				Name string `json:"name"`
			} `json:"to"`
		} `json:"transitions"`
	}
	path := "/rest/api/3/issue/" + url.PathEscape(key) + "/transitions"
	if err := c.do(ctx, "transitions", http.MethodGet, path, nil, nil, &ts); err != nil {
		return err
	}
	var names []string
	for _, t := range ts.Transitions {
		if strings.EqualFold(t.To.Name, status) {
			return c.do(ctx, "move", http.MethodPost, path, nil, map[string]any{"transition": map[string]string{"id": t.ID}}, nil)
		}
		names = append(names, t.To.Name)
	}
	st, err := c.Status(ctx, key)
	if err != nil {
		return err
	}
	if strings.EqualFold(st.Status, status) {
		return nil
	}
	return &tracker.Error{Kind: tracker.Conflict, System: System, Op: "move",
		Message: fmt.Sprintf("%s is %q and has no transition to %q (it can move to: %s)", key, st.Status, status, strings.Join(names, ", "))}
}

// Comment implements tracker.Connector.
func (c *Client) Comment(ctx context.Context, key, markdown string) error {
	if key == "" || strings.TrimSpace(markdown) == "" {
		return accord.Errorf(accord.Invalid, "jira comment: key and body are required")
	}
	return c.do(ctx, "comment", http.MethodPost, "/rest/api/3/issue/"+url.PathEscape(key)+"/comment", nil, map[string]any{"body": FromMarkdown(markdown)}, nil)
}

// TimeLayout is how Jira writes times (2026-12-07T21:50:00.000+0000).
const TimeLayout = "2006-01-02T15:04:05.000-0700"

// Status implements tracker.Connector.
func (c *Client) Status(ctx context.Context, key string) (tracker.ItemStatus, error) {
	var is struct {
		Key    string `json:"key"`
		Fields struct {
			Status struct {
				Name string `json:"name"`
			} `json:"status"`
			Updated string `json:"updated"`
		} `json:"fields"`
	}
	q := url.Values{"fields": {"status,updated"}}
	if err := c.do(ctx, "status", http.MethodGet, "/rest/api/3/issue/"+url.PathEscape(key), q, nil, &is); err != nil {
		return tracker.ItemStatus{}, err
	}
	at, err := time.Parse(TimeLayout, is.Fields.Updated)
	if err != nil {
		return tracker.ItemStatus{}, &tracker.Error{Kind: tracker.Temporary, System: System, Op: "status", Message: fmt.Sprintf("fields.updated %q is not a Jira time", is.Fields.Updated), Err: err}
	}
	return tracker.ItemStatus{Key: is.Key, Status: is.Fields.Status.Name, Updated: at.UTC()}, nil
}

// do sends one request and decodes a 2xx answer into out (when not nil).
func (c *Client) do(ctx context.Context, op, method, path string, q url.Values, in, out any) error {
	resp, data, err := tracker.Exchange(ctx, c.http, System, op, method, c.base.String(), path, q, http.Header{"Authorization": {c.auth}}, in, out)
	if err != nil || resp == nil {
		return err
	}
	return c.failure(op, resp, data)
}

func (c *Client) failure(op string, resp *http.Response, data []byte) error {
	wait, hasWait := tracker.RetryAfter(resp.Header, c.clock.Now())
	e := &tracker.Error{Kind: tracker.KindForStatus(resp.StatusCode, hasWait), System: System, Op: op, Status: resp.StatusCode, RetryAfter: wait}
	var body struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if json.Unmarshal(data, &body) == nil {
		e.Message = strings.Join(body.ErrorMessages, "; ")
		for f, m := range body.Errors {
			e.Fields = append(e.Fields, accord.FieldError{Field: f, Message: m})
		}
		sort.Slice(e.Fields, func(i, j int) bool { return e.Fields[i].Field < e.Fields[j].Field })
	}
	if e.Message == "" && len(e.Fields) == 0 {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Err = errors.New(resp.Status)
	return e
}
