package pingcode_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/adapters/tracker/pingcode"
	"github.com/accordhq/accord/adapters/tracker/pingcode/pingcodetest"
	"github.com/accordhq/accord/plan"
)

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

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the fake and the client.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func setup(t *testing.T) (*pingcodetest.Server, *pingcode.Client, *clock) {
	t.Helper()
	f := pingcodetest.New()
	t.Cleanup(f.Close)
	clk := &clock{now: t0}
	f.Now = clk.Now
	c, err := pingcode.New(pingcode.Options{BaseURL: f.URL, ClientID: f.ClientID, ClientSecret: f.ClientSecret,
		States: map[string]string{"To Do": "s1", "In Progress": "s2", "Done": "s3"}, PageSize: 2,
		HTTPClient: f.Client(), Clock: clk})
	require.NoError(t, err)
	return f, c, clk
}

var req3 = tracker.Record{Ref: accord.Ref{Kind: "requirement", ID: "01JREQ3"}, Key: "REQ-3", Title: "用已保存的卡结账",
	Description: "顾客用已保存的卡付款。\n\n- 卡已令牌化", URL: "https://accord.example.com/projects/shop/requirements/REQ-3"}

func configs(context.Context, string) ([]tracker.Config, error) {
	return []tracker.Config{{System: "pingcode", Project: "p1",
		Rules: []tracker.Rule{
			{On: "requirement.transitioned", To: "approved", Action: tracker.Create, Type: "Story"},
			{On: "review.outcome_changed", To: "changes_requested", Action: tracker.Comment, Template: "{{.Record.Key}}: changes requested"},
			{On: "requirement.transitioned", To: "accepted", Action: tracker.Move, Status: "Done"},
		},
		StatusMap: []tracker.StatusMapping{{Status: "To Do", State: string(plan.NotStarted)}, {Status: "In Progress", State: string(plan.InProgress)}, {Status: "Done", State: string(plan.Done)}},
	}}, nil
}

func TestApprovedRequirementCreatesOneWorkItemEvenWhenTheFirstCreateTimesOut(t *testing.T) {
	f, c, clk := setup(t)
	// Other work items fill the first pages, so the marker search pages.
	for i := range 3 {
		_, err := c.Upsert(context.Background(), tracker.Item{Project: "p1", Type: "task", Title: "other", Marker: "other-" + string(rune('a'+i))})
		require.NoError(t, err)
	}
	f.LoseCreateResponses(1)
	var sl sleeps
	refs := &tracker.MemoryReferences{}
	eng, err := tracker.NewEngine(tracker.Options{Connectors: []tracker.Connector{tracker.Retry(c, tracker.RetryOptions{Sleep: sl.sleep})},
		Configs: configs, References: refs, Clock: clk})
	require.NoError(t, err)
	rec := req3
	rec.Status = "approved"
	out, err := eng.Handle(context.Background(), accord.Event{Kind: "requirement.transitioned", Project: "shop"}, rec)
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.Equal(t, "wi4", out[0].Key)

	items := f.Items()
	require.Len(t, items, 4, "three others and exactly one for REQ-3")
	wi := items[3]
	assert.Equal(t, "story", wi.TypeID)
	assert.Equal(t, "用已保存的卡结账", wi.Title)
	assert.Equal(t, `<p>顾客用已保存的卡付款。</p><ul><li>卡已令牌化</li></ul><p><a href="https://accord.example.com/projects/shop/requirements/REQ-3">REQ-3 用已保存的卡结账</a></p><p>accord-record: 01JREQ3</p>`, wi.Description)
	assert.Equal(t, []time.Duration{time.Second}, sl.d)

	ref, ok, _ := refs.Find(context.Background(), "shop", "pingcode", req3.Ref)
	require.True(t, ok)
	assert.Equal(t, f.URL+"/pjm/workitems/SHOP-4", ref.URL)

	rv := rec
	rv.Status = "changes_requested"
	_, err = eng.Handle(context.Background(), accord.Event{Kind: "review.outcome_changed", Project: "shop"}, rv)
	require.NoError(t, err)
	acc := rec
	acc.Status = "accepted"
	_, err = eng.Handle(context.Background(), accord.Event{Kind: "requirement.transitioned", Project: "shop"}, acc)
	require.NoError(t, err)
	wi = f.Items()[3]
	assert.Equal(t, []string{"<p>REQ-3: changes requested</p>"}, wi.Comments)
	assert.Equal(t, "s3", wi.StateID)
	assert.Equal(t, 1, f.TokensIssued(), "the token is reused while valid")
}

func TestTokenIsRefreshedWhenExpiredOrRevoked(t *testing.T) {
	f, c, clk := setup(t)
	ref, err := c.Upsert(context.Background(), tracker.Item{Project: "p1", Title: "T", Marker: "m"})
	require.NoError(t, err)
	assert.Equal(t, 1, f.TokensIssued())

	clk.add(2 * time.Hour) // expires_in is 2h
	_, err = c.Status(context.Background(), ref.Key)
	require.NoError(t, err)
	assert.Equal(t, 2, f.TokensIssued(), "fetched again before expiry")

	f.RevokeTokens()
	_, err = c.Status(context.Background(), ref.Key)
	require.NoError(t, err)
	assert.Equal(t, 3, f.TokensIssued(), "a 401 fetches a new token once and retries")
}

func TestErrorsNameTheCause(t *testing.T) {
	f, c, _ := setup(t)
	bad, err := pingcode.New(pingcode.Options{BaseURL: f.URL, ClientID: f.ClientID, ClientSecret: "wrong", HTTPClient: f.Client()})
	require.NoError(t, err)
	_, err = bad.Status(context.Background(), "wi1")
	assert.Equal(t, tracker.Unauthorized, tracker.KindOf(err))
	assert.EqualError(t, err, "pingcode token: unauthorized (HTTP 401): client_id or client_secret is invalid (code 100003)")

	_, err = c.Upsert(context.Background(), tracker.Item{Project: "p9", Title: "T", Marker: "m"})
	assert.Equal(t, tracker.Invalid, tracker.KindOf(err))
	assert.Contains(t, err.Error(), "project_id is invalid (code 100020)")

	_, err = c.Upsert(context.Background(), tracker.Item{Project: "p1", Type: "Saga", Title: "T", Marker: "m"})
	assert.Contains(t, err.Error(), "type_id is invalid")

	err = c.Move(context.Background(), "wi1", "Shipped")
	assert.EqualError(t, err, `invalid: pingcode move: states: no state ID for "Shipped"; add it to Options.States`)

	_, err = c.Status(context.Background(), "wi404")
	assert.Equal(t, tracker.NotFound, tracker.KindOf(err))

	_, err = pingcode.New(pingcode.Options{BaseURL: "open.pingcode.com"})
	assert.EqualError(t, err, "invalid: invalid pingcode options: base_url: must be an http(s) URL; client_id: required; client_secret: required")
}

func TestRateLimitIsWaitedOut(t *testing.T) {
	f, c, _ := setup(t)
	ref, err := c.Upsert(context.Background(), tracker.Item{Project: "p1", Title: "T", Marker: "m"})
	require.NoError(t, err)
	f.RateLimit(2, "5")
	var sl sleeps
	require.NoError(t, tracker.Retry(c, tracker.RetryOptions{Sleep: sl.sleep}).Comment(context.Background(), ref.Key, "hi"))
	assert.Equal(t, []time.Duration{5 * time.Second, 5 * time.Second}, sl.d)
	assert.Len(t, f.Items()[0].Comments, 1)
}

// PingCode has no webhooks here: the Poller reads statuses and moves the
// plan item, and reports a change made in both places as a conflict.
func TestPollerMovesThePlanItemAndReportsConflicts(t *testing.T) {
	f, c, clk := setup(t)
	refs := &tracker.MemoryReferences{}
	eng, err := tracker.NewEngine(tracker.Options{Connectors: []tracker.Connector{c}, Configs: configs, References: refs, Clock: clk})
	require.NoError(t, err)
	rec := req3
	rec.Status = "approved"
	_, err = eng.Handle(context.Background(), accord.Event{Kind: "requirement.transitioned", Project: "shop"}, rec)
	require.NoError(t, err)
	key := f.Items()[0].ID

	in := &tracker.MemoryInbound{}
	in.Set(req3.Ref, plan.NotStarted, t0.Add(-time.Hour))
	sync, err := tracker.NewSync(tracker.SyncOptions{References: refs, Inbound: in, Configs: configs, Clock: clk})
	require.NoError(t, err)
	p := &tracker.Poller{Project: "shop", Connector: c, References: refs, Sync: sync}

	// First poll: the item is "To Do", which the reference did not know yet:
	// it is reported, maps to not_started, and nothing else moves.
	require.NoError(t, p.Poll(context.Background()))
	clk.add(time.Hour)
	f.SetState(key, "s2", clk.Now())
	require.NoError(t, p.Poll(context.Background()))
	st, _ := in.State(req3.Ref)
	assert.Equal(t, plan.InProgress, st)
	n := len(in.Changes)
	require.NoError(t, p.Poll(context.Background()))
	assert.Len(t, in.Changes, n, "an unchanged item is not reported again")

	// Changed in accord and in PingCode since the last sync: a conflict.
	clk.add(time.Hour)
	in.Set(req3.Ref, plan.Blocked, clk.Now())
	f.SetState(key, "s3", clk.Now().Add(time.Minute))
	require.NoError(t, p.Poll(context.Background()))
	st, _ = in.State(req3.Ref)
	assert.Equal(t, plan.Blocked, st)
	ref, _, _ := refs.FindKey(context.Background(), "shop", "pingcode", key)
	assert.True(t, strings.HasPrefix(ref.LastError, "conflict: "), ref.LastError)
	assert.Equal(t, "Done", ref.Status)
}
