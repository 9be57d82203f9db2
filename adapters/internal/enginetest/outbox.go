package enginetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
)

// outboxWorld is a requirement service whose events go to the outbox.
func outboxWorld(t *testing.T, s *sqlstore.Stores) *requirement.Service {
	t.Helper()
	svc, err := requirement.NewService(requirement.Options{Store: s.Requirements, Events: s.Outbox(),
		Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	return svc
}

var alice = accord.WithActor(context.Background(), accord.Actor{ID: "alice"})

// Outbox checks the unit of work, the outbox and the relays on an engine.
func Outbox(t *testing.T, open func(testing.TB) *sqlstore.Stores) {
	t.Run("a change and its event commit together or not at all", func(t *testing.T) {
		s := open(t)
		svc := outboxWorld(t, s)
		var r requirement.Requirement
		err := s.Atomically(alice, func(ctx context.Context) error {
			var err error
			r, err = svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: "Refund an order"}})
			if err != nil {
				return err
			}
			got, err := svc.Get(ctx, "p", r.Key) // a unit reads its own writes
			require.NoError(t, err)
			assert.Equal(t, r.ID, got.ID)
			_, err = svc.Update(ctx, "p", r.ID, 1, requirement.ContentInput{Content: requirement.Content{Title: "Refund a paid order"}})
			return err
		})
		require.NoError(t, err)
		events, err := s.Events(alice, "p", 0, 10)
		require.NoError(t, err)
		require.Len(t, events, 2)
		assert.Equal(t, []string{requirement.EventCreated, requirement.EventUpdated}, []string{events[0].Kind, events[1].Kind})
		assert.Less(t, events[0].Seq, events[1].Seq)
		assert.NotEmpty(t, events[0].ID)

		boom := errors.New("the request failed after writing")
		err = s.Atomically(alice, func(ctx context.Context) error {
			if _, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: "Never stored"}}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		page, err := svc.List(alice, "p", requirement.Filter{}, accord.PageQuery{})
		require.NoError(t, err)
		assert.Len(t, page.Items, 1, "the failed unit stored nothing")
		events, err = s.Events(alice, "p", 0, 10)
		require.NoError(t, err)
		assert.Len(t, events, 2, "and published nothing")

		// A refused change inside a unit leaves the unit usable.
		err = s.Atomically(alice, func(ctx context.Context) error {
			_, err := svc.Update(ctx, "p", r.ID, 1, requirement.ContentInput{Content: requirement.Content{Title: "stale"}})
			require.Equal(t, accord.Conflict, accord.ErrorCode(err))
			_, err = svc.Update(ctx, "p", r.ID, 2, requirement.ContentInput{Content: requirement.Content{Title: "Refund any paid order"}})
			return err
		})
		require.NoError(t, err)
		got, err := svc.Get(alice, "p", r.ID)
		require.NoError(t, err)
		assert.Equal(t, "Refund any paid order", got.Title)
	})

	t.Run("relays deliver in order, once, and resume after a restart", func(t *testing.T) {
		s := open(t)
		svc := outboxWorld(t, s)
		for i := range 5 {
			require.NoError(t, s.Atomically(alice, func(ctx context.Context) error {
				_, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: fmt.Sprintf("Requirement %d", i)}})
				return err
			}))
		}
		var got []string
		fails := 1
		relay := sqlstore.Relay{Name: "test", Owner: "first", Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error {
			if len(got) == 2 && fails > 0 {
				fails--
				return errors.New("receiver down")
			}
			got = append(got, e.Summary)
			return nil
		}}
		n, err := s.RunOnce(alice, relay)
		require.Error(t, err, "the third delivery failed")
		assert.Equal(t, 2, n)
		n, err = s.RunOnce(alice, relay)
		require.NoError(t, err)
		assert.Equal(t, 3, n, "it resumed at the failed event")
		require.Len(t, got, 5)
		for i, summary := range got {
			assert.Contains(t, summary, fmt.Sprintf("REQ-%d", i+1), "in order")
		}
		after, err := s.Cursor(alice, "test")
		require.NoError(t, err)
		events, err := s.Events(alice, "", 0, 100)
		require.NoError(t, err)
		assert.Equal(t, events[len(events)-1].Seq, after)

		// Another process with the same relay name resumes after the cursor.
		again := relay
		again.Owner = "second"
		n, err = s.RunOnce(alice, again)
		require.Error(t, err, "the lease is still held by the first owner")
		assert.Equal(t, 0, n)
		relay.Deliver = func(_ context.Context, e sqlstore.OutboxEvent) error { got = append(got, e.Summary); return nil }
		n, err = s.RunOnce(alice, relay)
		require.NoError(t, err)
		assert.Equal(t, 0, n, "nothing new: nothing delivered twice")
	})

	t.Run("an open unit holds up no other, and its rolled-back events are never seen", func(t *testing.T) {
		// A unit writes its events when it commits, under the outbox lock
		// (PostgreSQL): a long unit takes no number early and makes no
		// hole that later events wait behind.
		s := open(t)
		publish := func(ctx context.Context, id string) {
			s.Outbox().Publish(ctx, accord.Event{ID: id, Kind: "requirement.updated", Project: "p", Time: time.Now()})
		}
		var got []string
		relay := sqlstore.Relay{Name: "order", Owner: "me", Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error {
			got = append(got, e.ID)
			return nil
		}}
		opened, release := make(chan struct{}), make(chan struct{})
		aDone := make(chan error, 1)
		go func() {
			aDone <- s.Atomically(alice, func(ctx context.Context) error {
				publish(ctx, "a")
				close(opened)
				<-release
				return errors.New("a is rolled back")
			})
		}()
		<-opened
		bDone := make(chan error, 1)
		go func() {
			bDone <- s.Atomically(alice, func(ctx context.Context) error { publish(ctx, "b"); return nil })
		}()
		if s.Dialect.Name != "sqlite" { // SQLite has one writer: b waits for the open unit
			select {
			case err := <-bDone:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("a unit that published an event and stays open holds up the commit of another")
			}
			n, err := s.RunOnce(alice, relay)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "b is delivered while a is open")
		}
		close(release)
		require.Error(t, <-aDone)
		if s.Dialect.Name == "sqlite" {
			require.NoError(t, <-bDone)
		}
		_, err := s.RunOnce(alice, relay)
		require.NoError(t, err)
		assert.Equal(t, []string{"b"}, got, "the rolled-back unit's event is never delivered")
	})

	t.Run("concurrent units: a relay delivers every event once, in the order of its number", func(t *testing.T) {
		s := open(t)
		var mu sync.Mutex
		var seqs []int64
		seen := map[string]int{}
		relay := sqlstore.Relay{Name: "concurrent", Owner: "me", Poll: 2 * time.Millisecond, Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error {
			mu.Lock()
			defer mu.Unlock()
			seqs = append(seqs, e.Seq)
			seen[e.ID]++
			return nil
		}}
		ctx, cancel := context.WithCancel(alice)
		relayDone := make(chan struct{})
		go func() { defer close(relayDone); _ = s.Run(ctx, relay) }()
		var writers sync.WaitGroup
		const perWriter = 25
		for w := range 8 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				for i := range perWriter {
					err := s.Atomically(alice, func(ctx context.Context) error {
						// Two events a unit, the second after some work.
						s.Outbox().Publish(ctx, accord.Event{ID: fmt.Sprintf("w%d-%d-1", w, i), Kind: "requirement.updated", Project: "p", Time: time.Now()})
						time.Sleep(time.Duration(i%3) * time.Millisecond)
						s.Outbox().Publish(ctx, accord.Event{ID: fmt.Sprintf("w%d-%d-2", w, i), Kind: "requirement.updated", Project: "p", Time: time.Now()})
						return nil
					})
					assert.NoError(t, err)
				}
			}()
		}
		writers.Wait()
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(seen) == 8*perWriter*2
		}, 20*time.Second, 5*time.Millisecond)
		cancel()
		<-relayDone
		for id, n := range seen {
			assert.Equal(t, 1, n, "event %s delivered %d times", id, n)
		}
		assert.True(t, slices.IsSorted(seqs), "delivered in the order of the events' numbers")
	})

	t.Run("two instances share a relay: each event once", func(t *testing.T) {
		s := open(t)
		svc := outboxWorld(t, s)
		var mu sync.Mutex
		seen := map[string]int{}
		deliver := func(_ context.Context, e sqlstore.OutboxEvent) error {
			mu.Lock()
			defer mu.Unlock()
			seen[e.ID]++
			return nil
		}
		ctx, cancel := context.WithCancel(alice)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = s.Run(ctx, sqlstore.Relay{Name: "shared", Owner: fmt.Sprintf("instance-%d", i), Deliver: deliver, Poll: 5 * time.Millisecond, Backoff: 5 * time.Millisecond})
			}()
		}
		var writers sync.WaitGroup
		for w := range 4 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				for i := range 5 {
					err := s.Atomically(alice, func(ctx context.Context) error {
						_, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: fmt.Sprintf("writer %d, %d", w, i)}})
						return err
					})
					assert.NoError(t, err)
				}
			}()
		}
		writers.Wait()
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(seen) == 20
		}, 10*time.Second, 5*time.Millisecond)
		cancel()
		wg.Wait()
		for id, n := range seen {
			assert.Equal(t, 1, n, "event %s delivered %d times", id, n)
		}
	})
	t.Run("leases are short, renewed while working, and given up", func(t *testing.T) { relayLeases(t, open) })
	t.Run("filters", func(t *testing.T) { relayFilters(t, open) })
	t.Run("a deleted webhook's relay goes with it", func(t *testing.T) { webhookRelayGoes(t, open) })
}

// relayLeases checks that a relay's lease is short and renewed while it
// works (a slow delivery keeps it; a crash frees it within one lease), that
// a relay that stops gives it up at once, that one that loses it stops
// delivering, and that a crash repeats at most the event in flight.
func relayLeases(t *testing.T, open func(testing.TB) *sqlstore.Stores) {
	// A second: long enough that a busy CI machine (SQLite's one writer,
	// -race) still renews in time, short enough to watch it run out.
	const lease = time.Second
	s := open(t)
	svc := outboxWorld(t, s)
	for i := range 5 {
		require.NoError(t, s.Atomically(alice, func(ctx context.Context) error {
			_, err := svc.Create(ctx, "p", requirement.ContentInput{Content: requirement.Content{Title: fmt.Sprintf("Requirement %d", i)}})
			return err
		}))
	}
	events, err := s.Events(alice, "", 0, 10)
	require.NoError(t, err)
	require.Len(t, events, 5)
	noop := func(context.Context, sqlstore.OutboxEvent) error { return nil }

	// A delivery that takes four leases keeps the lease all along, and
	// the cursor moves past each event as it is delivered.
	entered, proceed := make(chan struct{}), make(chan struct{})
	var slowDone atomic.Bool
	slow := sqlstore.Relay{Name: "lease", Owner: "slow", Lease: lease, Deliver: func(ctx context.Context, e sqlstore.OutboxEvent) error {
		if e.Seq == events[2].Seq && !slowDone.Load() {
			close(entered)
			select {
			case <-proceed:
			case <-ctx.Done():
				return ctx.Err()
			}
			slowDone.Store(true)
		}
		return nil
	}}
	passed := make(chan error, 1)
	go func() { _, err := s.RunOnce(alice, slow); passed <- err }()
	<-entered
	after, err := s.Cursor(alice, "lease")
	require.NoError(t, err)
	assert.Equal(t, events[1].Seq, after, "the two events delivered before the slow one are past the cursor")
	deadline := time.Now().Add(4 * lease)
	for time.Now().Before(deadline) {
		n, err := s.RunOnce(alice, sqlstore.Relay{Name: "lease", Owner: "other", Lease: lease, Deliver: noop})
		require.Error(t, err, "the slow relay's lease is renewed while it delivers")
		assert.Zero(t, n)
		time.Sleep(lease / 4)
	}
	close(proceed)
	require.NoError(t, <-passed)
	after, err = s.Cursor(alice, "lease")
	require.NoError(t, err)
	assert.Equal(t, events[4].Seq, after)

	// Left without a release (as by a crash), the lease frees itself
	// within one lease.
	start := time.Now()
	require.Eventually(t, func() bool {
		_, err := s.RunOnce(alice, sqlstore.Relay{Name: "lease", Owner: "other", Lease: lease, Deliver: noop})
		return err == nil
	}, 10*lease, lease/20)
	assert.Less(t, time.Since(start), 2*lease, "a crashed owner's lease is taken over within about one lease")

	// A relay that stops gives its lease up: the next one takes it at once.
	ctx, cancel := context.WithCancel(alice)
	ran := make(chan error, 1)
	go func() {
		ran <- s.Run(ctx, sqlstore.Relay{Name: "given-up", Owner: "leaving", Lease: time.Hour, Deliver: noop})
	}()
	require.Eventually(t, func() bool { c, _ := s.Cursor(alice, "given-up"); return c == events[4].Seq }, 5*time.Second, 5*time.Millisecond)
	cancel()
	<-ran
	n, err := s.RunOnce(alice, sqlstore.Relay{Name: "given-up", Owner: "next", Lease: lease, Deliver: noop})
	require.NoError(t, err, "an hour's lease, given up when its relay stopped")
	assert.Zero(t, n, "and nothing delivered twice")

	// A relay that loses its lease is stopped mid-delivery, and the cursor
	// does not move for it.
	stolen := make(chan struct{})
	var cause error
	loser := sqlstore.Relay{Name: "stolen", Owner: "loser", Lease: lease, Deliver: func(ctx context.Context, e sqlstore.OutboxEvent) error {
		if e.Seq == events[1].Seq {
			close(stolen)
			<-ctx.Done()
			cause = ctx.Err()
			return ctx.Err()
		}
		return nil
	}}
	lost := make(chan error, 1)
	go func() { _, err := s.RunOnce(alice, loser); lost <- err }()
	<-stolen
	_, err = s.DB.Exec(s.Dialect.Rebind("UPDATE accord_relays SET owner = 'thief' WHERE name = ?"), "stolen")
	require.NoError(t, err)
	select {
	case err := <-lost:
		require.Error(t, err)
		assert.Error(t, cause, "the delivery's context was cancelled")
	case <-time.After(3 * lease):
		t.Fatal("a relay that lost its lease kept delivering")
	}
	after, err = s.Cursor(alice, "stolen")
	require.NoError(t, err)
	assert.Equal(t, events[0].Seq, after, "only the event delivered before the theft is past the cursor")
}
