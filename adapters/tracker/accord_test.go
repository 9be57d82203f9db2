package tracker_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
)

// members: alice is shop's admin, vic a viewer; only product and admins
// write records.
type members struct{}

func (members) Access(_ context.Context, project, member string) (accord.Access, error) {
	roles := map[string][]string{"alice": {"admin", "product"}, "vic": {"viewer"}}[member]
	if roles == nil || project != "shop" {
		return accord.Access{}, accord.Errorf(accord.NotFound, "no project %s", project)
	}
	return accord.Access{Roles: roles, Permissions: accord.Permissions{accord.PermRecordWrite: {"product"}}.Merged()}, nil
}

// world is accord on memory with a tracker "mem" connected to project shop.
type world struct {
	services link.Services
	refs     *external.Service
	conn     *memConnector
	relay    *tracker.Relay
	sync     *tracker.Sync
	req      requirement.Requirement
	it       plan.Iteration
	alice    context.Context
}

func newWorld(t *testing.T) world {
	t.Helper()
	stores := memory.New()
	authz := tracker.Authorize(members{})
	services, err := link.New(link.Options{Stores: stores, Authorizer: authz})
	require.NoError(t, err)
	refs, err := external.NewService(external.Options{Store: stores.External, Authorizer: authz, Records: services.Records, PlanStates: tracker.PlanStates()})
	require.NoError(t, err)
	w := world{services: services, refs: refs, conn: &memConnector{}, alice: accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"admin", "product"}})}
	_, err = refs.UpdateSettings(w.alice, "shop", 0, external.Settings{Trackers: []external.Connection{{System: "mem", Project: "SHOP",
		Rules:     []external.Rule{{On: requirement.EventTransitioned, To: "approved", Action: external.Create, Type: "Story"}},
		StatusMap: []external.StatusMapping{{Status: "In Progress", State: "in_progress"}, {Status: "Done", State: "done"}}}}})
	require.NoError(t, err)
	xrefs := tracker.ExternalReferences{Service: refs}
	configs := tracker.SettingsSource(refs)
	eng, err := tracker.NewEngine(tracker.Options{Connectors: []tracker.Connector{w.conn}, Configs: configs, References: xrefs})
	require.NoError(t, err)
	w.req, err = services.Requirements.Create(w.alice, "shop", requirement.ContentInput{Content: requirement.Content{Title: "退款到原支付方式"}})
	require.NoError(t, err)
	w.relay = &tracker.Relay{Engine: eng, Configs: configs, References: xrefs, SyncStates: refs,
		Read: func(ctx context.Context, ev accord.Event) (tracker.Record, error) {
			r, err := services.Requirements.Get(ctx, ev.Project, ev.Ref.ID)
			return tracker.Record{Ref: r.Ref(), Key: r.Key, Title: r.Title, Status: "approved"}, err
		}}
	w.sync, err = tracker.NewSync(tracker.SyncOptions{References: xrefs, Configs: configs,
		Inbound: tracker.PlanInbound{Plans: services.Plans, Revisions: stores.Plans.ListIterationRevisions, SyncStates: refs}})
	require.NoError(t, err)
	w.it, err = services.Plans.CreateIteration(w.alice, "shop", plan.IterationContent{Name: "Sprint 1", Start: "2026-12-07", End: "2026-12-18"})
	require.NoError(t, err)
	w.it, err = services.Plans.Schedule(w.alice, "shop", w.it.ID, w.it.Revision, plan.ScheduleInput{Ref: w.req.Ref()})
	require.NoError(t, err)
	return w
}

func (w world) state(t *testing.T) (plan.ItemState, string) {
	t.Helper()
	it, err := w.services.Plans.GetIteration(w.alice, "shop", w.it.ID)
	require.NoError(t, err)
	for _, x := range it.Items {
		if x.Ref == w.req.Ref() {
			return x.State, it.UpdatedBy
		}
	}
	return "", it.UpdatedBy
}

func TestRelayRecordsAFailureAndARerunDeliversIt(t *testing.T) {
	w := newWorld(t)
	ev := accord.Event{ID: "ev-1", Time: time.Now(), Kind: requirement.EventTransitioned, Project: "shop", Ref: w.req.Ref(), Key: w.req.Key, Title: w.req.Title}
	w.conn.fail = []error{&tracker.Error{Kind: tracker.Unauthorized, System: "mem", Op: "create", Message: "token revoked"}}
	require.NoError(t, w.relay.Deliver(context.Background(), ev), "a refused delivery is recorded, and the relay moves on")
	st, err := w.refs.SyncState(w.alice, "shop", "mem")
	require.NoError(t, err)
	require.Len(t, st.Failed, 1)
	assert.Equal(t, "REQ-1 退款到原支付方式", st.Failed[0].Record)
	assert.Equal(t, "REQ-1 退款到原支付方式", st.LastErrorRecord)
	assert.Contains(t, st.LastError, "unauthorized: token revoked")

	viewer := accord.WithActor(context.Background(), accord.Actor{ID: "vic", Roles: []string{"viewer"}})
	_, err = w.relay.Rerun(viewer, "shop", "mem")
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "a viewer may not re-run")
	run, err := w.relay.Rerun(w.alice, "shop", "mem")
	require.NoError(t, err)
	assert.Equal(t, 1, run.Delivered)
	require.Len(t, run.Events, 1)
	assert.Equal(t, []string{"create MEM-" + w.req.ID}, run.Events[0].Did)
	assert.Empty(t, run.State.Failed)
	assert.Empty(t, run.State.LastError)
	ref, err := w.refs.Find(w.alice, "shop", "mem", "MEM-"+w.req.ID)
	require.NoError(t, err)
	assert.Equal(t, "REQ-1", ref.RecordName)
	assert.Equal(t, "tracker:mem", ref.CreatedBy, "added by the connector's actor")
	again, err := w.relay.Rerun(w.alice, "shop", "mem")
	require.NoError(t, err)
	assert.Zero(t, again.Delivered, "nothing left to re-run")
}

func TestPlanInboundMovesTheItemAndReportsAConflict(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.relay.Deliver(context.Background(), accord.Event{ID: "ev-1", Time: time.Now(), Kind: requirement.EventTransitioned, Project: "shop", Ref: w.req.Ref()}))
	key := "MEM-" + w.req.ID
	at := time.Now().UTC().Add(time.Second)
	res, err := w.sync.StatusChanged(context.Background(), "shop", "mem", key, "In Progress", at)
	require.NoError(t, err)
	assert.Equal(t, tracker.Applied, res)
	state, by := w.state(t)
	assert.Equal(t, plan.InProgress, state)
	assert.Equal(t, "tracker:mem", by, "a revision by the connector's actor")

	// Changed in accord after the last sync, and in the tracker too.
	time.Sleep(10 * time.Millisecond)
	_, err = w.services.Plans.SetItemState(w.alice, "shop", w.it.ID, plan.ItemStateInput{Ref: w.req.Ref(), State: plan.Blocked})
	require.NoError(t, err)
	res, err = w.sync.StatusChanged(context.Background(), "shop", "mem", key, "Done", at.Add(time.Minute))
	assert.Equal(t, tracker.Conflicted, res)
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	state, _ = w.state(t)
	assert.Equal(t, plan.Blocked, state, "the accord change stands")
	ref, err := w.refs.Find(w.alice, "shop", "mem", key)
	require.NoError(t, err)
	assert.Contains(t, ref.SyncError, "conflict on REQ-1 退款到原支付方式")
	st, err := w.refs.SyncState(w.alice, "shop", "mem")
	require.NoError(t, err)
	assert.Contains(t, st.LastError, "set to blocked in accord by alice")
	assert.Empty(t, st.Failed, "a conflict is not re-run: a person resolves it")
}

func TestOnlyTheConnectorsOwnContextsWriteAsConnectors(t *testing.T) {
	w := newWorld(t)
	forged := accord.WithActor(context.Background(), tracker.ConnectorActor("mem"))
	_, err := w.refs.Add(forged, "shop", external.NewReference{Record: w.req.Ref(), System: "mem", Key: "MEM-9"})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "an actor named tracker:mem without the connector's context is no member")
	_, err = w.refs.Add(tracker.AsConnector(context.Background(), "mem"), "shop", external.NewReference{Record: w.req.Ref(), System: "mem", Key: "MEM-9"})
	assert.NoError(t, err)
}

func TestRelaySkipsEventsFromBeforeTheConnection(t *testing.T) {
	w := newWorld(t)
	st, err := w.refs.Settings(w.alice, "shop")
	require.NoError(t, err)
	since := st.Trackers[0].Since
	require.False(t, since.IsZero(), "the service stamps when a project was connected")
	old := accord.Event{ID: "ev-old", Time: since.Add(-time.Hour), Kind: requirement.EventTransitioned, Project: "shop", Ref: w.req.Ref()}
	require.NoError(t, w.relay.Deliver(context.Background(), old))
	assert.Empty(t, w.conn.items, "an approval from before the connection is not replayed into the tracker")

	// Saving the settings again keeps the time the connection was made.
	st.Trackers[0].Labels = []string{"accord"}
	st.Trackers[0].Since = time.Time{}
	again, err := w.refs.UpdateSettings(w.alice, "shop", st.Revision, external.Settings{Trackers: st.Trackers})
	require.NoError(t, err)
	assert.True(t, since.Equal(again.Trackers[0].Since), "since %v, then %v", since, again.Trackers[0].Since)

	require.NoError(t, w.relay.Deliver(context.Background(), accord.Event{ID: "ev-new", Time: time.Now(), Kind: requirement.EventTransitioned, Project: "shop", Ref: w.req.Ref()}))
	assert.Len(t, w.conn.items, 1)
}
