package jira_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/adapters/tracker/jira"
	"github.com/accordhq/accord/adapters/tracker/jira/jiratest"
	"github.com/accordhq/accord/plan"
)

// sleeps records the waits Retry asks for and returns at once.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func newClient(t *testing.T, f *jiratest.Server) *jira.Client {
	t.Helper()
	c, err := jira.New(jira.Options{BaseURL: f.URL, Email: f.Email, APIToken: f.APIToken, HTTPClient: f.Client(),
		Clock: accord.ClockFunc(func() time.Time { return t0 })})
	require.NoError(t, err)
	return c
}

func shopRules() []tracker.Config {
	return []tracker.Config{{
		System: "jira", Project: "SHOP", Labels: []string{"accord"},
		Rules: []tracker.Rule{
			{On: "requirement.transitioned", To: "approved", Action: tracker.Create, Type: "Story"},
			{On: "review.outcome_changed", To: "changes_requested", Action: tracker.Comment, Template: "Review of {{.Record.Key}} requests changes: {{.Event.Summary}}"},
			{On: "requirement.transitioned", To: "accepted", Action: tracker.Move, Status: "Done"},
		},
		StatusMap: []tracker.StatusMapping{{Status: "To Do", State: string(plan.NotStarted)}, {Status: "In Progress", State: string(plan.InProgress)}, {Status: "Done", State: string(plan.Done)}},
	}}
}

var req3 = tracker.Record{
	Ref: accord.Ref{Kind: "requirement", ID: "01JREQ3"}, Key: "REQ-3", Title: "Checkout with saved cards",
	Description: "Shoppers pay with a saved card.\n\n- card is tokenised\n- CVV asked again",
	URL:         "https://accord.example.com/projects/shop/requirements/REQ-3",
}

func approved() accord.Event {
	return accord.Event{ID: "ev1", Kind: "requirement.transitioned", Project: "shop", Ref: req3.Ref, Time: t0, Summary: "REQ-3 approved"}
}

func TestApprovedRequirementCreatesOneIssueEvenWhenTheFirstCreateTimesOut(t *testing.T) {
	f := jiratest.New()
	defer f.Close()
	f.LoseCreateResponses(1)
	var sl sleeps
	refs := &tracker.MemoryReferences{}
	eng, err := tracker.NewEngine(tracker.Options{
		Connectors: []tracker.Connector{tracker.Retry(newClient(t, f), tracker.RetryOptions{Sleep: sl.sleep})},
		Configs:    func(context.Context, string) ([]tracker.Config, error) { return shopRules(), nil },
		References: refs, Clock: accord.ClockFunc(func() time.Time { return t0 }),
	})
	require.NoError(t, err)

	rec := req3
	rec.Status = "approved"
	out, err := eng.Handle(context.Background(), approved(), rec)
	require.NoError(t, err)
	require.Equal(t, []tracker.Outcome{{System: "jira", Action: tracker.Create, Key: "SHOP-1"}}, out)

	issues := f.Issues()
	require.Len(t, issues, 1, "the retried create found the issue the lost attempt made")
	is := issues[0]
	assert.Equal(t, "Story", is.Type)
	assert.Equal(t, "Checkout with saved cards", is.Summary)
	assert.Equal(t, "Shoppers pay with a saved card.\ncard is tokenised\nCVV asked again", is.Description)
	assert.ElementsMatch(t, []string{"accord", "accord-01JREQ3"}, is.Labels)
	assert.Equal(t, map[string]string{"accord:01JREQ3": req3.URL}, is.RemoteLinks)
	assert.Equal(t, []time.Duration{time.Second}, sl.waits(), "one backoff after the lost answer")
	assert.Contains(t, f.Requests(), "GET /rest/api/3/search/jql")

	ref, ok, err := refs.Find(context.Background(), "shop", "jira", req3.Ref)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "SHOP-1", ref.Key)
	assert.Equal(t, f.URL+"/browse/SHOP-1", ref.URL)
	assert.Equal(t, t0, ref.SyncedAt)

	// The same event delivered again updates the issue, never a second one.
	_, err = eng.Handle(context.Background(), approved(), rec)
	require.NoError(t, err)
	assert.Len(t, f.Issues(), 1)

	// Review asks for changes: a comment lands. Accepted: moved to Done.
	rv := rec
	rv.Status = "changes_requested"
	_, err = eng.Handle(context.Background(), accord.Event{Kind: "review.outcome_changed", Project: "shop", Summary: "RV-2: changes requested"}, rv)
	require.NoError(t, err)
	acc := rec
	acc.Status = "accepted"
	_, err = eng.Handle(context.Background(), accord.Event{Kind: "requirement.transitioned", Project: "shop"}, acc)
	require.NoError(t, err)
	is, _ = f.Issue("SHOP-1")
	assert.Equal(t, []string{"Review of REQ-3 requests changes: RV-2: changes requested"}, is.Comments)
	assert.Equal(t, "Done", is.Status)
}

func TestUpsertPagesThroughTheSearchAndKeepsTheFirstIssue(t *testing.T) {
	f := jiratest.New()
	defer f.Close()
	f.PageSize = 1
	c := newClient(t, f)
	// Two issues already carry the marker (made by another integration);
	// the search returns newest first, one per page.
	for range 2 {
		body := `{"fields":{"project":{"key":"SHOP"},"issuetype":{"name":"Task"},"summary":"One","labels":["accord-01JX"]}}`
		r, _ := http.NewRequest(http.MethodPost, f.URL+"/rest/api/3/issue", strings.NewReader(body))
		r.SetBasicAuth(f.Email, f.APIToken)
		r.Header.Set("Content-Type", "application/json")
		resp, err := f.Client().Do(r)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		resp.Body.Close()
	}
	ref, err := c.Upsert(context.Background(), tracker.Item{Project: "SHOP", Title: "One, renamed", Marker: "01JX"})
	require.NoError(t, err)
	assert.Equal(t, "SHOP-1", ref.Key, "the first issue made, found on the second page")
	assert.Len(t, f.Issues(), 2)
	is, _ := f.Issue("SHOP-1")
	assert.Equal(t, "One, renamed", is.Summary)
	n := 0
	for _, r := range f.Requests() {
		if r == "GET /rest/api/3/search/jql" {
			n++
		}
	}
	assert.Equal(t, 2, n, "both pages read")
}

func TestMoveMakesTheTransitionToTheNamedStatus(t *testing.T) {
	f := jiratest.New()
	defer f.Close()
	f.Now = func() time.Time { return t0.Add(time.Hour) }
	c := newClient(t, f)
	ref, err := c.Upsert(context.Background(), tracker.Item{Project: "SHOP", Title: "T", Marker: "m1"})
	require.NoError(t, err)

	require.NoError(t, c.Move(context.Background(), ref.Key, "in progress"))
	st, err := c.Status(context.Background(), ref.Key)
	require.NoError(t, err)
	assert.Equal(t, tracker.ItemStatus{Key: "SHOP-1", Status: "In Progress", Updated: t0.Add(time.Hour)}, st)

	require.NoError(t, c.Move(context.Background(), ref.Key, "Done"))
	require.NoError(t, c.Move(context.Background(), ref.Key, "DONE"), "already there")
	err = c.Move(context.Background(), ref.Key, "Shipped")
	require.Equal(t, tracker.Conflict, tracker.KindOf(err))
	assert.Contains(t, err.Error(), `"Done" and has no transition to "Shipped" (it can move to: To Do)`)
	is, _ := f.Issue(ref.Key)
	assert.Equal(t, "Done", is.Status)
	assert.Contains(t, f.Requests(), "POST /rest/api/3/issue/SHOP-1/transitions")

	_, err = c.Status(context.Background(), "SHOP-99")
	require.Equal(t, tracker.NotFound, tracker.KindOf(err))
	assert.Contains(t, err.Error(), "Issue does not exist")
}

func TestRateLimitsAreWaitedOutAsTold(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(f *jiratest.Server)
		want time.Duration
	}{
		{"429 Retry-After", func(f *jiratest.Server) { f.RateLimit(1, "7", "") }, 7 * time.Second},
		{"429 X-RateLimit-Reset", func(f *jiratest.Server) { f.RateLimit(1, "", t0.Add(2*time.Minute).Format("2006-01-02T15:04Z")) }, 2 * time.Minute},
		{"503 Retry-After", func(f *jiratest.Server) { f.Unavailable(1, "3") }, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := jiratest.New()
			defer f.Close()
			c := newClient(t, f)
			ref, err := c.Upsert(context.Background(), tracker.Item{Project: "SHOP", Title: "T", Marker: "m"})
			require.NoError(t, err)
			tc.set(f)
			err = c.Comment(context.Background(), ref.Key, "hello")
			var te *tracker.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tracker.RateLimited, te.Kind)
			assert.Equal(t, tc.want, te.RetryAfter)

			tc.set(f)
			var sl sleeps
			rc := tracker.Retry(c, tracker.RetryOptions{Sleep: sl.sleep})
			require.NoError(t, rc.Comment(context.Background(), ref.Key, "hello"))
			assert.Equal(t, []time.Duration{tc.want}, sl.waits())
			is, _ := f.Issue(ref.Key)
			assert.Equal(t, []string{"hello"}, is.Comments, "the limited attempt made no comment")
		})
	}
}

func TestErrorsNameTheCause(t *testing.T) {
	f := jiratest.New()
	defer f.Close()

	bad, err := jira.New(jira.Options{BaseURL: f.URL, Email: f.Email, APIToken: "wrong", HTTPClient: f.Client()})
	require.NoError(t, err)
	var sl sleeps
	_, err = tracker.Retry(bad, tracker.RetryOptions{Sleep: sl.sleep}).Upsert(context.Background(), tracker.Item{Project: "SHOP", Title: "T", Marker: "m"})
	assert.Equal(t, tracker.Unauthorized, tracker.KindOf(err))
	assert.Contains(t, err.Error(), "Client must be authenticated")
	assert.Empty(t, sl.waits(), "unauthorized is not retried")

	c := newClient(t, f)
	_, err = c.Upsert(context.Background(), tracker.Item{Project: "NOPE", Type: "Epic", Title: "T", Marker: "m"})
	var te *tracker.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tracker.Invalid, te.Kind)
	assert.Equal(t, []accord.FieldError{{Field: "issuetype", Message: "valid issue type is required"}, {Field: "project", Message: "valid project is required"}}, te.Fields)
	assert.Equal(t, `jira create: invalid (HTTP 400): issuetype: valid issue type is required; project: valid project is required`, err.Error())

	_, err = c.Upsert(context.Background(), tracker.Item{Project: "SHOP"})
	assert.EqualError(t, err, "invalid: invalid jira item: title: required; marker: required to create an issue: it keeps a retried create from making a second one")

	_, err = jira.New(jira.Options{BaseURL: "ftp://x", Email: "a@b"})
	assert.EqualError(t, err, "invalid: invalid jira options: base_url: must be an http(s) URL; api_token: required with an email")
}

func TestBearerToken(t *testing.T) {
	f := jiratest.New()
	defer f.Close()
	f.BearerToken = "oauth-token"
	c, err := jira.New(jira.Options{BaseURL: f.URL, BearerToken: "oauth-token", HTTPClient: f.Client()})
	require.NoError(t, err)
	_, err = c.Upsert(context.Background(), tracker.Item{Project: "SHOP", Title: "T", Marker: "m"})
	require.NoError(t, err)
}

func TestFromMarkdown(t *testing.T) {
	doc := jira.FromMarkdown("# Goal\nline one\nline two\n\n* a\n* b")
	require.Equal(t, "doc", doc.Type)
	require.Equal(t, 1, doc.Version)
	require.Len(t, doc.Content, 3)
	assert.Equal(t, "heading", doc.Content[0].Type)
	assert.Equal(t, []jira.Node{{Type: "text", Text: "line one"}, {Type: "hardBreak"}, {Type: "text", Text: "line two"}}, doc.Content[1].Content)
	assert.Equal(t, "bulletList", doc.Content[2].Type)
	assert.Len(t, doc.Content[2].Content, 2)
	assert.Empty(t, jira.FromMarkdown("").Content)
}

// The webhook: a person moves SHOP-1 in Jira; the plan item follows, unless
// accord changed it too since the last sync.
func TestWebhookMovesThePlanItemAndReportsConflicts(t *testing.T) {
	const secret = "a-long-shared-secret"
	refs := &tracker.MemoryReferences{}
	synced := t0
	require.NoError(t, refs.Save(context.Background(), tracker.Reference{Project: "shop", System: "jira", Key: "SHOP-1", Record: req3.Ref, Status: "To Do", SyncedAt: synced}))
	in := &tracker.MemoryInbound{}
	in.Set(req3.Ref, plan.NotStarted, synced.Add(-time.Hour))
	sync, err := tracker.NewSync(tracker.SyncOptions{References: refs, Inbound: in,
		Configs: func(context.Context, string) ([]tracker.Config, error) { return shopRules(), nil },
		Clock:   accord.ClockFunc(func() time.Time { return t0.Add(3 * time.Hour) })})
	require.NoError(t, err)
	h, err := jira.NewWebhookHandler(jira.WebhookOptions{Project: "shop", Secret: secret, Sink: sync})
	require.NoError(t, err)

	post := func(target string, body []byte, sig string) int {
		r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		if sig != "" {
			r.Header.Set("X-Hub-Signature", sig)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	body := jiratest.IssueUpdated("SHOP-1", "To Do", "In Progress", t0.Add(time.Hour))
	assert.Equal(t, http.StatusUnauthorized, post("/hooks/jira", body, ""))
	assert.Equal(t, http.StatusUnauthorized, post("/hooks/jira", body, jira.Sign("other-secret-value", body)))
	assert.Equal(t, http.StatusUnauthorized, post("/hooks/jira?secret=nope", body, ""))
	st, _ := in.State(req3.Ref)
	assert.Equal(t, plan.NotStarted, st, "nothing applied from unauthenticated calls")

	assert.Equal(t, http.StatusNoContent, post("/hooks/jira", body, jira.Sign(secret, body)))
	st, at := in.State(req3.Ref)
	assert.Equal(t, plan.InProgress, st)
	assert.Equal(t, t0.Add(time.Hour), at)
	ref, _, _ := refs.FindKey(context.Background(), "shop", "jira", "SHOP-1")
	assert.Equal(t, "In Progress", ref.Status)
	assert.Equal(t, t0.Add(3*time.Hour), ref.SyncedAt)

	// The same delivery again (Jira retries) changes nothing.
	assert.Equal(t, http.StatusNoContent, post("/hooks/jira?secret="+secret, body, ""))
	assert.Len(t, in.Changes, 1)

	// Someone blocks the item in accord after the last sync, and someone
	// else finishes the issue in Jira: a conflict, shown, not resolved.
	in.Set(req3.Ref, plan.Blocked, t0.Add(4*time.Hour))
	done := jiratest.IssueUpdated("SHOP-1", "In Progress", "Done", t0.Add(5*time.Hour))
	assert.Equal(t, http.StatusNoContent, post("/hooks/jira", done, jira.Sign(secret, done)))
	st, _ = in.State(req3.Ref)
	assert.Equal(t, plan.Blocked, st, "accord's newer change is not overwritten")
	ref, _, _ = refs.FindKey(context.Background(), "shop", "jira", "SHOP-1")
	assert.True(t, strings.HasPrefix(ref.LastError, "conflict: requirement/01JREQ3 was changed in accord"), ref.LastError)
	assert.Equal(t, t0.Add(3*time.Hour), ref.SyncedAt, "a conflict is not a sync")

	// Bodies that are not a Jira webhook.
	junk := []byte("{")
	assert.Equal(t, http.StatusBadRequest, post("/hooks/jira", junk, jira.Sign(secret, junk)))
}
