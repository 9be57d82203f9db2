package enginetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/webhook"
)

// rawEvent writes an outbox row directly, as a writer other than
// Stores.Outbox would (no outbox lock): for holes a relay must wait for.
func rawEvent(t *testing.T, s *sqlstore.Stores, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, id, project, kind string) {
	t.Helper()
	e := accord.Event{ID: id, Kind: kind, Project: project, Time: time.Now()}
	data, err := json.Marshal(e)
	require.NoError(t, err)
	_, err = ex.ExecContext(context.Background(), s.Dialect.Rebind("INSERT INTO accord_outbox (id, project, kind, ref_kind, ref_id, at, event) VALUES (?, ?, ?, '', '', ?, ?)"),
		id, project, kind, e.Time.UnixNano(), string(data))
	require.NoError(t, err)
}

// relayRows counts the relay cursors named name.
func relayRows(t testing.TB, s *sqlstore.Stores, name string) int {
	t.Helper()
	var n int
	require.NoError(t, s.DB.QueryRow(s.Dialect.Rebind("SELECT COUNT(*) FROM accord_relays WHERE name = ?"), name).Scan(&n))
	return n
}

// collect returns a relay named name with the filter that records the IDs
// it is handed.
func collect(name, project string, kinds []string, got *[]string) sqlstore.Relay {
	return sqlstore.Relay{Name: name, Owner: "me", Project: project, Kinds: kinds, Batch: 2,
		Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error { *got = append(*got, e.ID); return nil }}
}

// relayFilters checks that a relay with a project and kinds delivers
// exactly its events, in order, keeps its place past the events it passes
// over, and still waits for a hole (with GapWait) that could be one of its
// own, but not for other relays' events.
func relayFilters(t *testing.T, open func(testing.TB) *sqlstore.Stores) {
	t.Run("a filtered relay delivers its project's events of its kinds, in order", func(t *testing.T) {
		s := open(t)
		all := []struct{ id, project, kind string }{
			{"1", "p", "requirement.created"}, {"2", "q", "requirement.updated"}, {"3", "p", "requirement.updated"},
			{"4", "p", "risk.created"}, {"5", "p", "review.opened"}, {"6", "p", "requirement.deleted"},
			{"7", "q", "risk.created"}, {"8", "p", "risk.updated"}, {"9", "p", "requirements.odd"}, {"10", "p", "plan.created"},
		}
		for _, e := range all {
			s.Outbox().Publish(alice, accord.Event{ID: e.id, Project: e.project, Kind: e.kind, Time: time.Now()})
		}
		cases := []struct {
			name    string
			project string
			kinds   []string
			want    []string
		}{
			{"everything", "", nil, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
			{"one project", "p", nil, []string{"1", "3", "4", "5", "6", "8", "9", "10"}},
			{"exact kinds", "p", []string{"requirement.updated", "risk.created"}, []string{"3", "4"}},
			{"a prefix pattern", "p", []string{"risk.*"}, []string{"4", "8"}},
			{"a pattern narrowed by its prefix only", "p", []string{"re?iew.*", "requirement.c*"}, []string{"1", "5"}},
			{"a pattern that takes all", "p", []string{"requirement.created", "*"}, []string{"1", "3", "4", "5", "6", "8", "9", "10"}},
			{"kinds across projects", "", []string{"risk.created"}, []string{"4", "7"}},
		}
		for _, c := range cases {
			var got []string
			n, err := s.RunOnce(alice, collect("f:"+c.name, c.project, c.kinds, &got))
			require.NoError(t, err, c.name)
			assert.Equal(t, c.want, got, c.name)
			assert.Equal(t, len(c.want), n, c.name)
		}
		// Each relay's cursor followed the outbox past the events it does
		// not want: none is behind.
		events, err := s.Events(alice, "", 0, 100)
		require.NoError(t, err)
		for _, c := range cases {
			after, err := s.Cursor(alice, "f:"+c.name)
			require.NoError(t, err)
			assert.Equal(t, events[len(events)-1].Seq, after, c.name)
		}
		lag, err := s.OutboxLag(alice)
		require.NoError(t, err)
		assert.Zero(t, lag, "no relay is behind")

		// Read for its prefix, passed over by its pattern: each event once.
		var got []string
		r := collect("f:passed", "p", []string{"requirement.?reated"}, &got)
		_, err = s.RunOnce(alice, r)
		require.NoError(t, err)
		s.Outbox().Publish(alice, accord.Event{ID: "11", Project: "p", Kind: "requirement.created", Time: time.Now()})
		_, err = s.RunOnce(alice, r)
		require.NoError(t, err)
		assert.Equal(t, []string{"1", "11"}, got, "each once")
	})

	t.Run("an idle filtered relay writes nothing while other projects' events commit", func(t *testing.T) {
		s := open(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		got := make(chan string, 10)
		r := sqlstore.Relay{Name: "idle", Project: "p", Kinds: []string{"requirement.updated"}, Poll: time.Hour,
			Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error { got <- e.ID; return nil }}
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx, r) }()
		s.Outbox().Publish(alice, accord.Event{ID: "mine-1", Project: "p", Kind: "requirement.updated", Time: time.Now()})
		select {
		case id := <-got:
			require.Equal(t, "mine-1", id)
		case <-time.After(10 * time.Second):
			t.Fatal("the relay's own event was not delivered")
		}
		lease := func() (after, until int64) {
			require.NoError(t, s.DB.QueryRow(s.Dialect.Rebind("SELECT after, lease_until FROM accord_relays WHERE name = ?"), "idle").Scan(&after, &until))
			return after, until
		}
		time.Sleep(50 * time.Millisecond) // the pass that delivered mine-1 ends
		after, until := lease()
		for i := range 20 {
			s.Outbox().Publish(alice, accord.Event{ID: fmt.Sprintf("other-%d", i), Project: "q", Kind: "requirement.updated", Time: time.Now()})
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		after2, until2 := lease()
		assert.Equal(t, after, after2, "the cursor is not written for events the relay does not want")
		assert.Equal(t, until, until2, "nor is the lease taken again at every wake-up")
		s.Outbox().Publish(alice, accord.Event{ID: "mine-2", Project: "p", Kind: "requirement.updated", Time: time.Now()})
		select {
		case id := <-got:
			assert.Equal(t, "mine-2", id, "its next event is delivered at once")
		case <-time.After(10 * time.Second):
			t.Fatal("the relay's next event was not delivered")
		}
		cancel()
		<-done
	})
	t.Run("with GapWait a filtered relay waits for holes, not for others' events", func(t *testing.T) {
		s := open(t)
		var got []string
		r := collect("gaps", "p", []string{"requirement.created"}, &got)
		r.GapWait = 300 * time.Millisecond
		gaps := func() (int, error) { return s.RunOnce(alice, r) }

		// Others' events between the cursor and a wanted one are no hole.
		rawEvent(t, s, s.DB, "a", "p", "requirement.created")
		rawEvent(t, s, s.DB, "b", "q", "requirement.created")
		rawEvent(t, s, s.DB, "c", "p", "risk.created")
		rawEvent(t, s, s.DB, "d", "p", "requirement.created")
		n, err := gaps()
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.Equal(t, []string{"a", "d"}, got, "b and c passed over at once")

		// A number that is missing may be a wanted event not yet committed:
		// it is waited for, for GapWait, by a relay that keeps its state
		// (Run). (A deleted row leaves the hole on both engines; SQLite
		// reuses a rolled-back number.)
		rawEvent(t, s, s.DB, "missing", "p", "requirement.created")
		_, err = s.DB.Exec(s.Dialect.Rebind("DELETE FROM accord_outbox WHERE id = ?"), "missing")
		require.NoError(t, err)
		rawEvent(t, s, s.DB, "e", "p", "requirement.created")
		ctx, cancel := context.WithCancel(alice)
		delivered := make(chan time.Time, 10)
		start := time.Now()
		r.Poll = 20 * time.Millisecond
		r.Deliver = func(_ context.Context, e sqlstore.OutboxEvent) error {
			delivered <- time.Now()
			got = append(got, e.ID)
			return nil
		}
		done := make(chan struct{})
		go func() { defer close(done); _ = s.Run(ctx, r) }()
		select {
		case at := <-delivered:
			assert.GreaterOrEqual(t, at.Sub(start), r.GapWait, "delivered only once the hole was given up")
		case <-time.After(10 * time.Second):
			t.Fatal("the event after the hole was never delivered")
		}
		cancel()
		<-done
		assert.Equal(t, []string{"a", "d", "e"}, got)

		if s.Dialect.Name == "sqlite" {
			return // one writer: a transaction cannot stay open beside another's commit
		}
		// A wanted event still in flight below a visible one is delivered
		// first, once it commits.
		r.Deliver = func(_ context.Context, e sqlstore.OutboxEvent) error { got = append(got, e.ID); return nil }
		r.GapWait = time.Minute
		tx, err := s.DB.Begin()
		require.NoError(t, err)
		rawEvent(t, s, tx, "in-flight", "p", "requirement.created")
		rawEvent(t, s, s.DB, "other", "q", "requirement.created")
		rawEvent(t, s, s.DB, "f", "p", "requirement.created")
		gaps2 := map[string]int{}
		for range 2 {
			n, err := gaps()
			require.NoError(t, err)
			gaps2["before"] += n
		}
		assert.Zero(t, gaps2["before"], "f waits while a lower number is open")
		require.NoError(t, tx.Commit())
		n, err = gaps()
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.Equal(t, []string{"a", "d", "e", "in-flight", "f"}, got)
	})
}

// webhookRelayGoes checks that deleting a subscription removes its relay's
// cursor in the same transaction, and that its relay stops and never makes
// the cursor again.
func webhookRelayGoes(t *testing.T, open func(testing.TB) *sqlstore.Stores) {
	s := open(t)
	hooks, err := webhook.NewService(webhook.Options{Store: s.Webhooks, Allow: []string{"127.0.0.1/32"}})
	require.NoError(t, err)
	sub, _, err := hooks.Subscribe(admin, "p", webhook.NewSubscription{URL: "http://127.0.0.1:9/", Kinds: []string{"requirement.*"}})
	require.NoError(t, err)
	keep, _, err := hooks.Subscribe(admin, "p", webhook.NewSubscription{URL: "http://127.0.0.1:9/"})
	require.NoError(t, err)
	nothing := func(context.Context, accord.Event) error { return nil }
	for _, sb := range []webhook.Subscription{sub, keep} {
		_, err = s.RunOnce(alice, sqlstore.WebhookRelay(webhook.RelayName(sb.ID), sb, nothing))
		require.NoError(t, err)
		require.Equal(t, 1, relayRows(t, s, webhook.RelayName(sb.ID)), "the relay made its cursor")
	}

	// A running relay stops by itself once its subscription is gone.
	ctx, cancel := context.WithCancel(alice)
	defer cancel()
	ended := make(chan error, 1)
	r := sqlstore.WebhookRelay(webhook.RelayName(sub.ID), sub, nothing)
	r.Poll = 10 * time.Millisecond
	go func() { ended <- s.Run(ctx, r) }()
	time.Sleep(30 * time.Millisecond)

	require.NoError(t, hooks.Unsubscribe(admin, "p", sub.ID))
	select {
	case err := <-ended:
		assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the relay of a deleted subscription kept running")
	}
	assert.Zero(t, relayRows(t, s, webhook.RelayName(sub.ID)), "the cursor went with the subscription")
	_, err = s.RunOnce(alice, sqlstore.WebhookRelay(webhook.RelayName(sub.ID), sub, nothing))
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	assert.Zero(t, relayRows(t, s, webhook.RelayName(sub.ID)), "not made again")
	assert.Equal(t, 1, relayRows(t, s, webhook.RelayName(keep.ID)), "another subscription's cursor stays")

	// A unit that fails rolls the deletion back, cursor and all.
	err = s.Atomically(alice, func(ctx context.Context) error {
		if err := s.Webhooks.DeleteSubscription(ctx, "p", keep.ID); err != nil {
			return err
		}
		return fmt.Errorf("the request failed")
	})
	require.Error(t, err)
	assert.Equal(t, 1, relayRows(t, s, webhook.RelayName(keep.ID)), "the cursor stays with the subscription")
}

// BenchmarkRelayFilters measures the delivery work of webhook relays over
// an outbox of events from 100 projects, each relay wanting one project's
// requirement events (1/100 of the outbox), with 1, 10 and 100 relays:
// "filtered" reads through Relay.Project and Relay.Kinds (the outbox query
// filters in SQL over its index); "unfiltered" is the peer, the relay as it
// was before, reading every event and passing over the others' in Go. Each
// round brings every relay from the start of the outbox to its end; the
// figures are ns per delivered event and ms per round (all relays caught
// up). Both move the cursor past each event they are handed, as a relay
// does, on one connection with relax (see Load) so that the peer's
// hundred thousand cursor writes take seconds, not an fsync each.
// ACCORD_BENCH_EVENTS sets the outbox's size (default 2,000).
func BenchmarkRelayFilters(b *testing.B, open func(testing.TB) *sqlstore.Stores, relax, restore string) {
	const projects = 100
	n := 2_000
	if v, err := strconv.Atoi(os.Getenv("ACCORD_BENCH_EVENTS")); err == nil && v >= projects {
		n = v
	}
	s := open(b)
	ctx := context.Background()
	s.DB.SetMaxOpenConns(1)
	defer s.DB.SetMaxOpenConns(0)
	if relax != "" {
		_, err := s.DB.ExecContext(ctx, relax)
		require.NoError(b, err)
		defer s.DB.ExecContext(ctx, restore)
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	require.NoError(b, err)
	kinds := []string{"requirement.created", "requirement.updated", "review.opened", "risk.created"}
	for i := range n {
		// Half of each project's events are requirement events.
		kind := kinds[(i/projects)%2+2*((i/(2*projects))%2)]
		e := accord.Event{ID: fmt.Sprintf("E%07d", i), Kind: kind, Project: fmt.Sprintf("p%03d", i%projects), Summary: "REQ-1 Refund an order updated", Time: t0}
		data, err := json.Marshal(e)
		require.NoError(b, err)
		_, err = tx.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO accord_outbox (id, project, kind, ref_kind, ref_id, at, event) VALUES (?, ?, ?, 'requirement', 'R1', ?, ?)"),
			e.ID, e.Project, e.Kind, e.Time.UnixNano(), string(data))
		require.NoError(b, err)
	}
	require.NoError(b, tx.Commit())
	if s.Dialect.Name == "postgres" {
		_, err = s.DB.ExecContext(ctx, "ANALYZE accord_outbox")
		require.NoError(b, err)
	}
	round := 0
	for _, relays := range []int{1, 10, 100} {
		for _, filtered := range []bool{false, true} {
			name := fmt.Sprintf("relays=%d/unfiltered", relays)
			if filtered {
				name = fmt.Sprintf("relays=%d/filtered", relays)
			}
			b.Run(name, func(b *testing.B) {
				delivered, read := 0, 0
				start := time.Now()
				for b.Loop() {
					round++
					for k := range relays {
						project := fmt.Sprintf("p%03d", k)
						r := sqlstore.Relay{Name: fmt.Sprintf("bench:%d:%d", round, k), Owner: "bench", Batch: 100,
							Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error {
								read++
								// As webhook.Service.Deliver does first.
								if e.Project == project && strings.HasPrefix(e.Kind, "requirement.") {
									delivered++
								}
								return nil
							}}
						if filtered {
							r.Project, r.Kinds = project, []string{"requirement.*"}
						}
						if _, err := s.RunOnce(ctx, r); err != nil {
							b.Fatal(err)
						}
					}
				}
				elapsed := time.Since(start)
				b.ReportMetric(float64(elapsed.Nanoseconds())/float64(delivered), "ns/delivered")
				b.ReportMetric(float64(read)/float64(delivered), "read/delivered")
				b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/round")
			})
		}
	}
}
