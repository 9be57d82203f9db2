package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/accordhq/accord"
)

// outbox is the Stores' event log: the sink that writes it and the
// signal that wakes the relays of this process when it grows.
type outbox struct {
	mu      sync.Mutex
	waiters []chan struct{}
}

// wake tells every relay of this process that events were committed.
func (o *outbox) wake() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, w := range o.waiters {
		select {
		case w <- struct{}{}:
		default: // already signalled
		}
	}
}

func (o *outbox) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	o.mu.Lock()
	o.waiters = append(o.waiters, ch)
	o.mu.Unlock()
	return ch, func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		for i, w := range o.waiters {
			if w == ch {
				o.waiters = append(o.waiters[:i], o.waiters[i+1:]...)
				return
			}
		}
	}
}

// Wake tells this process's relays that events were committed elsewhere
// (adapters/postgres listens for other instances' notifications and
// calls it); without it they find them at their next poll.
func (s *Stores) Wake() { s.outbox.wake() }

// Outbox returns the event sink that writes each event into the outbox
// table. Inside Atomically it writes in the unit's transaction, so an
// event is stored if and only if its change is; an event that cannot be
// written fails the unit. Outside a unit it writes at once, after the
// change committed: a crash in between loses the event, as with any
// in-process sink. Give it to the services as (part of) their Events.
func (s *Stores) Outbox() accord.EventSink {
	return accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		if e.ID == "" {
			e.ID = accord.NewID(e.Time)
		}
		data, err := json.Marshal(e)
		if err == nil {
			insert := func(c execer) error {
				_, err := c.ExecContext(ctx, s.Dialect.q("INSERT INTO accord_outbox (id, project, kind, ref_kind, ref_id, at, event) VALUES (?, ?, ?, ?, ?, ?, ?)"),
					e.ID, e.Project, e.Kind, e.Ref.Kind, e.Ref.ID, e.Time.UnixNano(), string(data))
				return err
			}
			if u := unitOf(ctx); u != nil {
				err = u.savepoint(ctx, func(tx *sql.Tx) error {
					if !u.locked && s.Dialect.outboxLock != "" {
						if _, err := tx.ExecContext(ctx, s.Dialect.outboxLock); err != nil {
							return err
						}
						u.locked = true
					}
					return insert(tx)
				})
				u.mu.Lock()
				if err != nil && u.err == nil {
					u.err = err
				} else if err == nil {
					u.events++
				}
				u.mu.Unlock()
				return
			}
			err = s.Atomically(ctx, func(ctx context.Context) error {
				u := unitOf(ctx)
				if s.Dialect.outboxLock != "" {
					if _, err := u.ExecContext(ctx, s.Dialect.outboxLock); err != nil {
						return err
					}
				}
				u.events++
				return insert(u)
			})
		}
		if err != nil && s.OnOutboxError != nil {
			s.OnOutboxError(e, err)
		}
	})
}

// OutboxEvent is an event as the outbox keeps it: its place in the log.
type OutboxEvent struct {
	Seq int64
	accord.Event
}

// Events returns up to limit events after seq, oldest first, of one
// project ("" for every project): for inboxes, replays and tests.
func (s *Stores) Events(ctx context.Context, project string, after int64, limit int) ([]OutboxEvent, error) {
	query, args := "SELECT seq, event FROM accord_outbox WHERE seq > ?", []any{after}
	if project != "" {
		query, args = query+" AND project = ?", append(args, project)
	}
	rows, err := on(ctx, s.DB).QueryContext(ctx, s.Dialect.q(query+" ORDER BY seq LIMIT ?"), append(args, limit)...)
	if err != nil {
		return nil, internal("reading the outbox", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var ev OutboxEvent
		var data []byte
		if err := rows.Scan(&ev.Seq, &data); err != nil {
			return nil, internal("reading the outbox", err)
		}
		if err := json.Unmarshal(data, &ev.Event); err != nil {
			return nil, internal("decoding an event", err)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Relay delivers the outbox's events to one destination, in order, at
// least once: a cursor in the database (under Name) remembers the last
// event delivered, moved past each one as soon as it is delivered, so a
// restart resumes after it; and a lease in the same row lets only one
// relay deliver at a time when several instances share the database.
//
// The lease is short and renewed while the relay works, so the relays of
// an instance that crashed are taken over within one lease, and a relay
// that stops gives its lease up at once. A relay that cannot renew its
// lease in time stops delivering before another may take it (the
// instances' clocks must agree to well within a lease). Across a crash
// the events that were in flight, at most one per relay, may be delivered
// again; an event's ID stays the same, so the destination can tell.
type Relay struct {
	Name string // unique per destination: "webhook:01J…"
	// Deliver hands one event to the destination. nil: delivered, the
	// cursor moves past it. An error: it is tried again, and nothing after
	// it is delivered first.
	Deliver func(ctx context.Context, e OutboxEvent) error
	Owner   string        // who holds the lease; default: random, one per Run
	Lease   time.Duration // default 5 s; renewed every third of it while the relay works
	Poll    time.Duration // how often to look without a wake-up; default 1 s
	Batch   int           // events read at a time; default 100
	// GapWait is how long a hole in the sequence is waited for before it
	// is taken for a rolled-back transaction. The stores commit events in
	// the order of their numbers (one writer in SQLite; an outbox lock in
	// PostgreSQL), so a hole before an event that is visible is final and
	// the default is not to wait; set it for outbox rows written some other
	// way.
	GapWait time.Duration
	// Backoff is the pause after a failed delivery; default 1 s.
	Backoff time.Duration
}

func (r *Relay) defaults() {
	if r.Owner == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		r.Owner = hex.EncodeToString(b[:])
	}
	if r.Lease <= 0 {
		r.Lease = 5 * time.Second
	}
	if r.Poll <= 0 {
		r.Poll = time.Second
	}
	if r.Batch <= 0 {
		r.Batch = 100
	}
	if r.Backoff <= 0 {
		r.Backoff = time.Second
	}
}

// errNotOwner stops a pass whose lease another instance holds.
var errNotOwner = errors.New("another instance holds the relay's lease")

// Run delivers until ctx is done, woken by commits in this process (and,
// with Wake, in others) and by its poll, then gives up its lease. It
// returns ctx's error.
func (s *Stores) Run(ctx context.Context, r Relay) error {
	r.defaults()
	wake, stop := s.outbox.subscribe()
	defer stop()
	defer s.release(&r)
	gaps := map[int64]time.Time{}
	for {
		_, err := s.pass(ctx, &r, gaps)
		pause := r.Poll
		if err != nil && !errors.Is(err, errNotOwner) {
			pause = r.Backoff
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		case <-time.After(pause):
		}
	}
}

// RunOnce makes one pass: it takes the lease if it is free, delivers what
// is waiting, and returns how many events it delivered.
func (s *Stores) RunOnce(ctx context.Context, r Relay) (int, error) {
	r.defaults()
	return s.pass(ctx, &r, map[int64]time.Time{})
}

func (s *Stores) pass(ctx context.Context, r *Relay, gaps map[int64]time.Time) (int, error) {
	taken := time.Now()
	after, err := s.claim(ctx, r, taken)
	if err != nil {
		return 0, err
	}
	ctx, release := s.hold(ctx, r, taken)
	defer release()
	delivered := 0
	// finish says why the pass ended: a lost lease rather than the
	// cancelled delivery it caused.
	finish := func(err error) (int, error) {
		if err != nil && errors.Is(context.Cause(ctx), errNotOwner) {
			err = fmt.Errorf("relay %s: %w", r.Name, errNotOwner)
		}
		return delivered, err
	}
	for {
		events, err := s.Events(ctx, "", after, r.Batch)
		if err != nil || len(events) == 0 {
			return finish(err)
		}
		for _, e := range events {
			if e.Seq != after+1 && r.GapWait > 0 {
				// A hole, and the caller wants it waited for: an earlier
				// transaction might still commit.
				first, seen := gaps[after+1]
				if !seen {
					gaps[after+1] = time.Now()
					return finish(nil)
				}
				if time.Since(first) < r.GapWait {
					return finish(nil)
				}
				delete(gaps, after+1)
			}
			if err := r.Deliver(ctx, e); err != nil {
				return finish(err)
			}
			// The cursor moves past each event as soon as it is delivered,
			// even if ctx ended meanwhile: a crash repeats at most the
			// event in flight.
			actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), r.Lease)
			err := s.advance(actx, r, e.Seq)
			acancel()
			if err != nil {
				return finish(err)
			}
			after = e.Seq
			delivered++
		}
	}
}

// hold renews r's lease, taken at taken, every third of it until the
// returned stop is called. The context it returns is cancelled, with
// errNotOwner as its cause, once the lease is lost or could not be
// renewed before it ran out: work done after that could overlap another
// instance's.
func (s *Stores) hold(ctx context.Context, r *Relay, taken time.Time) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		expires := taken.Add(r.Lease)
		tick := time.NewTicker(max(r.Lease/3, time.Millisecond))
		defer tick.Stop()
		for {
			out := time.NewTimer(time.Until(expires))
			select {
			case <-ctx.Done():
				out.Stop()
				return
			case <-out.C:
				cancel(errNotOwner)
				return
			case <-tick.C:
				out.Stop()
			}
			start := time.Now()
			rctx, rcancel := context.WithDeadline(ctx, expires)
			err := s.renew(rctx, r, start)
			rcancel()
			switch {
			case err == nil:
				expires = start.Add(r.Lease)
			case errors.Is(err, errNotOwner):
				cancel(errNotOwner)
				return
			} // another error: try again at the next tick, while the lease lasts
		}
	}()
	return ctx, func() { cancel(nil); <-done }
}

// renew extends the lease this relay holds to a lease from now.
func (s *Stores) renew(ctx context.Context, r *Relay, now time.Time) error {
	res, err := s.DB.ExecContext(ctx, s.Dialect.q("UPDATE accord_relays SET lease_until = ? WHERE name = ? AND owner = ?"),
		now.Add(r.Lease).UnixNano(), r.Name, r.Owner)
	if err != nil {
		return internal("renewing a relay lease", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotOwner
	}
	return nil
}

// release gives up the relay's lease, if this relay holds it, so that
// another instance (or this one's next relay of the name) takes over at
// once rather than after the lease.
func (s *Stores) release(r *Relay) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = s.DB.ExecContext(ctx, s.Dialect.q("UPDATE accord_relays SET lease_until = 0 WHERE name = ? AND owner = ?"), r.Name, r.Owner)
}

// claim takes or renews the relay's lease, from now, and returns its
// cursor.
func (s *Stores) claim(ctx context.Context, r *Relay, now time.Time) (int64, error) {
	q := s.Dialect.q
	if _, err := s.DB.ExecContext(ctx, q("INSERT INTO accord_relays (name) VALUES (?) ON CONFLICT (name) DO NOTHING"), r.Name); err != nil {
		return 0, internal("creating a relay cursor", err)
	}
	res, err := s.DB.ExecContext(ctx, q("UPDATE accord_relays SET owner = ?, lease_until = ? WHERE name = ? AND (owner = ? OR lease_until < ?)"),
		r.Owner, now.Add(r.Lease).UnixNano(), r.Name, r.Owner, now.UnixNano())
	if err != nil {
		return 0, internal("taking a relay lease", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, errNotOwner
	}
	var after int64
	if err := s.DB.QueryRowContext(ctx, q("SELECT after FROM accord_relays WHERE name = ?"), r.Name).Scan(&after); err != nil {
		return 0, internal("reading a relay cursor", err)
	}
	return after, nil
}

// advance moves the cursor past seq, if this instance still holds the
// lease.
func (s *Stores) advance(ctx context.Context, r *Relay, seq int64) error {
	res, err := s.DB.ExecContext(ctx, s.Dialect.q("UPDATE accord_relays SET after = ? WHERE name = ? AND owner = ?"), seq, r.Name, r.Owner)
	if err != nil {
		return internal("moving a relay cursor", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("relay %s: %w", r.Name, errNotOwner)
	}
	return nil
}

// Cursor returns where the relay named name stands: the last event it
// delivered (0 when it never ran).
func (s *Stores) Cursor(ctx context.Context, name string) (int64, error) {
	var after int64
	err := s.DB.QueryRowContext(ctx, s.Dialect.q("SELECT after FROM accord_relays WHERE name = ?"), name).Scan(&after)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, internal("reading a relay cursor", err)
	}
	return after, nil
}
