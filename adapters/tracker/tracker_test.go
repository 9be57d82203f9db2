package tracker_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/plan"
)

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// memConnector is a Connector that keeps items in memory and fails the
// calls it is told to.
type memConnector struct {
	mu    sync.Mutex
	items map[string]*tracker.ItemStatus
	calls []string
	fail  []error
}

func (m *memConnector) System() string { return "mem" }

func (m *memConnector) next(call string) error {
	m.calls = append(m.calls, call)
	if len(m.fail) > 0 {
		err := m.fail[0]
		m.fail = m.fail[1:]
		return err
	}
	return nil
}

func (m *memConnector) Upsert(_ context.Context, it tracker.Item) (tracker.ItemRef, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.next("upsert " + it.Marker); err != nil {
		return tracker.ItemRef{}, err
	}
	if m.items == nil {
		m.items = map[string]*tracker.ItemStatus{}
	}
	key := "MEM-" + it.Marker
	if m.items[key] == nil {
		m.items[key] = &tracker.ItemStatus{Key: key, Status: "Open", Updated: t0}
	}
	return tracker.ItemRef{System: "mem", Key: key}, nil
}

func (m *memConnector) Move(_ context.Context, key, status string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.next("move " + key + " " + status); err != nil {
		return err
	}
	m.items[key].Status = status
	return nil
}

func (m *memConnector) Comment(_ context.Context, key, md string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.next("comment " + key + " " + md)
}

func (m *memConnector) Status(_ context.Context, key string) (tracker.ItemStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.next("status " + key); err != nil {
		return tracker.ItemStatus{}, err
	}
	return *m.items[key], nil
}

func TestConfigValidateNamesEveryField(t *testing.T) {
	err := tracker.Config{
		Rules: []tracker.Rule{
			{Action: tracker.Create},
			{On: "x", Action: tracker.Move},
			{On: "x", Action: "delete"},
			{On: "x", Action: tracker.Comment, Template: "{{.Record"},
		},
		StatusMap: []tracker.StatusMapping{{Status: "Done", State: string(plan.Done)}, {Status: "done", State: "finished"}},
	}.Validate(tracker.PlanStates())
	require.Error(t, err)
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"system", "project", "rules[0].on", "rules[0].type", "rules[1].status", "rules[2].action",
		"rules[3].template", "status_map[1].state", "status_map[1].status"}, fields)

	ok := tracker.Config{System: "jira", Project: "SHOP", Rules: []tracker.Rule{{On: "requirement.transitioned", To: "approved", Action: tracker.Create, Type: "Story"}},
		StatusMap: []tracker.StatusMapping{{Status: "In Progress", State: string(plan.InProgress)}}}
	require.NoError(t, ok.Validate(tracker.PlanStates()))
	st, found := ok.StateOf("in progress")
	assert.True(t, found)
	assert.Equal(t, string(plan.InProgress), st)
}

func TestEngineAppliesOnlyMatchingRulesAndSkipsItemlessOnes(t *testing.T) {
	conn := &memConnector{}
	refs := &tracker.MemoryReferences{}
	cfg := tracker.Config{System: "mem", Project: "P", Rules: []tracker.Rule{
		{On: "requirement.transitioned", To: "approved", Action: tracker.Create, Type: "Story"},
		{On: "requirement.updated", Action: tracker.Comment, Template: "{{.Record.Key}} changed: {{.Event.Summary}}"},
		{On: "requirement.transitioned", To: "accepted", Action: tracker.Move, Status: "Done"},
	}}
	eng, err := tracker.NewEngine(tracker.Options{Connectors: []tracker.Connector{conn},
		Configs: func(_ context.Context, p string) ([]tracker.Config, error) {
			return map[string][]tracker.Config{"shop": {cfg}}[p], nil
		},
		References: refs, Clock: accord.ClockFunc(func() time.Time { return t0 })})
	require.NoError(t, err)
	rec := tracker.Record{Ref: accord.Ref{Kind: "requirement", ID: "r1"}, Key: "REQ-1", Title: "T", Status: "in_review"}
	ctx := context.Background()

	out, err := eng.Handle(ctx, accord.Event{Kind: "requirement.updated", Project: "shop", Summary: "title changed"}, rec)
	require.NoError(t, err)
	assert.Equal(t, []tracker.Outcome{{System: "mem", Action: tracker.Comment, Skipped: "no mem item for requirement/r1"}}, out)

	out, err = eng.Handle(ctx, accord.Event{Kind: "requirement.transitioned", Project: "shop"}, rec)
	require.NoError(t, err)
	assert.Empty(t, out, "in_review matches no rule")

	rec.Status = "approved"
	_, err = eng.Handle(ctx, accord.Event{Kind: "requirement.transitioned", Project: "shop"}, rec)
	require.NoError(t, err)
	_, err = eng.Handle(ctx, accord.Event{Kind: "requirement.updated", Project: "shop", Summary: "title changed"}, rec)
	require.NoError(t, err)
	out, err = eng.Handle(ctx, accord.Event{Kind: "requirement.transitioned", Project: "other"}, rec)
	require.NoError(t, err)
	assert.Empty(t, out, "a project without configs")
	assert.Equal(t, []string{"upsert r1", "comment MEM-r1 REQ-1 changed: title changed"}, conn.calls)

	rec.Status = "accepted"
	conn.fail = []error{&tracker.Error{Kind: tracker.Unauthorized, System: "mem", Op: "move", Message: "token revoked"}}
	_, err = eng.Handle(ctx, accord.Event{Kind: "requirement.transitioned", Project: "shop"}, rec)
	assert.EqualError(t, err, "project shop, move on REQ-1 T: mem move: unauthorized: token revoked")
	assert.Equal(t, tracker.Unauthorized, tracker.KindOf(err))

	_, err = eng.Handle(ctx, accord.Event{Kind: "requirement.transitioned", Project: "shop"}, rec)
	require.NoError(t, err)
	ref, ok, _ := refs.Find(ctx, "shop", "mem", rec.Ref)
	require.True(t, ok)
	assert.Equal(t, tracker.Reference{Project: "shop", System: "mem", Key: "MEM-r1", Record: rec.Ref, RecordKey: "REQ-1", Title: "T", Status: "Done", SyncedAt: t0}, ref)

	_, err = tracker.NewEngine(tracker.Options{})
	assert.EqualError(t, err, "invalid: invalid tracker engine options: configs: required; references: required")
}

func TestRetryWaitsAsToldAndGivesUpOnWhatRetryCannotFix(t *testing.T) {
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	conn := &memConnector{items: map[string]*tracker.ItemStatus{"K": {Key: "K", Status: "Open"}}}
	rc := tracker.Retry(conn, tracker.RetryOptions{Sleep: sleep, Backoff: time.Second, MaxWait: time.Minute})

	conn.fail = []error{
		&tracker.Error{Kind: tracker.RateLimited, RetryAfter: 9 * time.Second},
		&tracker.Error{Kind: tracker.Temporary},
		&tracker.Error{Kind: tracker.Temporary},
	}
	require.NoError(t, rc.Comment(context.Background(), "K", "x"))
	assert.Equal(t, []time.Duration{9 * time.Second, time.Second, 2 * time.Second}, waits)

	waits = nil
	conn.fail = []error{&tracker.Error{Kind: tracker.RateLimited, RetryAfter: time.Hour}}
	err := rc.Comment(context.Background(), "K", "x")
	assert.Equal(t, tracker.RateLimited, tracker.KindOf(err), "a wait beyond MaxWait is handed back")
	assert.Empty(t, waits)

	conn.fail = []error{&tracker.Error{Kind: tracker.NotFound}}
	assert.Equal(t, tracker.NotFound, tracker.KindOf(rc.Comment(context.Background(), "K", "x")))
	assert.Empty(t, waits)

	conn.fail = []error{&tracker.Error{Kind: tracker.Temporary}, &tracker.Error{Kind: tracker.Temporary}, &tracker.Error{Kind: tracker.Temporary}, &tracker.Error{Kind: tracker.Temporary}}
	assert.Equal(t, tracker.Temporary, tracker.KindOf(rc.Comment(context.Background(), "K", "x")), "4 attempts by default")

	stop := tracker.Retry(conn, tracker.RetryOptions{Sleep: func(context.Context, time.Duration) error { return context.Canceled }})
	conn.fail = []error{&tracker.Error{Kind: tracker.Temporary, System: "mem", Op: "comment", Message: "first"}}
	assert.EqualError(t, stop.Comment(context.Background(), "K", "x"), "mem comment: temporary: first", "a cancelled wait returns the last error")
}

func TestRetryAfterReadsTheHeadersVendorsSend(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{"Retry-After": {"12"}}, 12 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(30 * time.Second).Format(http.TimeFormat)}}, 30 * time.Second, true},
		{http.Header{"X-Ratelimit-Reset": {"2026-12-07T10:05Z"}}, 5 * time.Minute, true},
		{http.Header{"X-Ratelimit-Reset": {"2026-12-07T10:00:20Z"}}, 20 * time.Second, true},
		{http.Header{"X-Ratelimit-Reset": {"2026-12-07T09:00Z"}}, 0, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{}, 0, false},
	} {
		got, ok := tracker.RetryAfter(tc.h, now)
		assert.Equal(t, tc.want, got, "%v", tc.h)
		assert.Equal(t, tc.ok, ok, "%v", tc.h)
	}
	assert.Equal(t, tracker.RateLimited, tracker.KindForStatus(503, true))
	assert.Equal(t, tracker.Temporary, tracker.KindForStatus(503, false))
	assert.Equal(t, tracker.Unauthorized, tracker.KindForStatus(403, false))
	assert.Equal(t, tracker.Invalid, tracker.KindForStatus(400, false))
	assert.Equal(t, tracker.Kind(""), tracker.KindOf(errors.New("plain")))
}

func TestReferencesAreUniquePerProjectSystemKeyAndRecord(t *testing.T) {
	refs := &tracker.MemoryReferences{}
	ctx := context.Background()
	a := accord.Ref{Kind: "requirement", ID: "a"}
	b := accord.Ref{Kind: "requirement", ID: "b"}
	require.NoError(t, refs.Save(ctx, tracker.Reference{Project: "shop", System: "jira", Key: "SHOP-1", Record: a}))
	require.NoError(t, refs.Save(ctx, tracker.Reference{Project: "shop", System: "jira", Key: "SHOP-1", Record: a, Status: "Done"}))
	err := refs.Save(ctx, tracker.Reference{Project: "shop", System: "jira", Key: "SHOP-1", Record: b})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	err = refs.Save(ctx, tracker.Reference{Project: "shop", System: "jira", Key: "SHOP-2", Record: a})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "one item per record and system")
	require.NoError(t, refs.Save(ctx, tracker.Reference{Project: "other", System: "jira", Key: "SHOP-1", Record: b}))
	require.NoError(t, refs.Save(ctx, tracker.Reference{Project: "shop", System: "pingcode", Key: "SHOP-1", Record: b}))
	err = refs.Save(ctx, tracker.Reference{System: "jira"})
	assert.EqualError(t, err, "invalid: invalid reference: project: required; key: required; record.kind: required; record.id: required")
	list, _ := refs.List(ctx, "shop", "jira")
	require.Len(t, list, 1)
	assert.Equal(t, "Done", list[0].Status)
}

func TestSyncDropsUnknownStaleAndRepeatedChanges(t *testing.T) {
	refs := &tracker.MemoryReferences{}
	ctx := context.Background()
	rec := accord.Ref{Kind: "requirement", ID: "a"}
	require.NoError(t, refs.Save(ctx, tracker.Reference{Project: "shop", System: "jira", Key: "SHOP-1", Record: rec, Status: "To Do", TrackerUpdated: t0, SyncedAt: t0}))
	in := &tracker.MemoryInbound{}
	in.Set(rec, plan.NotStarted, t0)
	s, err := tracker.NewSync(tracker.SyncOptions{References: refs, Inbound: in, Clock: accord.ClockFunc(func() time.Time { return t0.Add(time.Hour) })})
	require.NoError(t, err)

	r, err := s.StatusChanged(ctx, "shop", "jira", "SHOP-404", "Done", t0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, tracker.Unknown, r)
	r, _ = s.StatusChanged(ctx, "shop", "jira", "SHOP-1", "Done", t0.Add(-time.Minute))
	assert.Equal(t, tracker.Unchanged, r, "older than what was seen")
	r, _ = s.StatusChanged(ctx, "shop", "jira", "SHOP-1", "to do", t0.Add(time.Minute))
	assert.Equal(t, tracker.Unchanged, r, "same status")
	r, err = s.StatusChanged(ctx, "shop", "jira", "SHOP-1", "Review", t0.Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, tracker.Applied, r)
	st, _ := in.State(rec)
	assert.Equal(t, plan.NotStarted, st, "an unmapped status is reported but moves nothing")
	require.Len(t, in.Changes, 1)
	assert.Equal(t, tracker.Change{Project: "shop", System: "jira", Key: "SHOP-1", Record: rec, RecordName: "requirement/a", Status: "Review", At: t0.Add(2 * time.Minute), LastSync: t0}, in.Changes[0])

	in.Set(rec, plan.Blocked, t0.Add(2*time.Hour))
	r, err = s.StatusChanged(ctx, "shop", "jira", "SHOP-1", "Done", t0.Add(3*time.Hour))
	assert.Equal(t, tracker.Conflicted, r)
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
}
