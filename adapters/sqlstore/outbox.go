package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/accordhq/accord"
)

// outbox is the Stores' event log: the sink that writes it and the
// signal that wakes the relays of this process when it grows.
type outbox struct {
	mu      sync.Mutex
	waiters []waiter
}

// waiter is a relay waiting for events: of one project, or of any ("").
type waiter struct {
	project string
	ch      chan struct{}
}

// wake tells the relays of this process that events of the projects were
// committed; with none named, every relay. Only the relays that may want
// them are woken: a hundred webhooks of a hundred projects do not all
// read the outbox for every event of one.
func (o *outbox) wake(projects ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, w := range o.waiters {
		if w.project != "" && len(projects) > 0 && !slices.Contains(projects, w.project) {
			continue
		}
		select {
		case w.ch <- struct{}{}:
		default: // already signalled
		}
	}
}

// subscribe returns the signal of a relay reading the events of project
// ("" for every project), and how to stop it.
func (o *outbox) subscribe(project string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	o.mu.Lock()
	o.waiters = append(o.waiters, waiter{project: project, ch: ch})
	o.mu.Unlock()
	return ch, func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.waiters = slices.DeleteFunc(o.waiters, func(w waiter) bool { return w.ch == ch })
	}
}

// Wake tells this process's relays that events were committed elsewhere
// (adapters/postgres listens for other instances' notifications and
// calls it): the relays of the projects named, or, with none, every
// relay. Without it they find the events at their next poll.
func (s *Stores) Wake(projects ...string) { s.outbox.wake(projects...) }

// Outbox returns the event sink that writes each event into the outbox
// table. Inside Atomically the unit keeps its events and writes them in
// its transaction just before it commits, so an event is stored if and
// only if its change is; an event that cannot be written fails the unit.
// Outside a unit it writes at once, after the change committed: a crash
// in between loses the event, as with any in-process sink. Give it to the
// services as (part of) their Events.
func (s *Stores) Outbox() accord.EventSink {
	return accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		if e.ID == "" {
			e.ID = accord.NewID(e.Time)
		}
		data, err := json.Marshal(e)
		if err == nil {
			row := outboxRow{event: e, data: string(data)}
			if u := unitOf(ctx); u != nil {
				u.mu.Lock()
				u.wrote(row)
				u.mu.Unlock()
				return
			}
			err = s.Atomically(ctx, func(ctx context.Context) error {
				unitOf(ctx).wrote(row)
				return nil
			})
		}
		if err != nil && s.OnOutboxError != nil {
			s.OnOutboxError(e, err)
		}
	})
}

// outboxRow is an event waiting in its unit for the commit.
type outboxRow struct {
	event accord.Event
	data  string // the event as JSON
}

// writeOutbox writes the unit's events in tx, at its end: under the
// dialect's outbox lock, taken this late so that it is held only for
// these inserts and the commit (transactions that write events commit
// one at a time, in the order of their numbers, and hold each other up
// no longer than that), then the notification to other instances.
func (s *Stores) writeOutbox(ctx context.Context, tx *sql.Tx, rows []outboxRow, projects []string) error {
	if s.Dialect.outboxLock != "" {
		if _, err := tx.ExecContext(ctx, s.Dialect.outboxLock); err != nil {
			return internal("taking the outbox lock", err)
		}
	}
	const perInsert = 500 // 7 parameters a row: far below any engine's limit
	for len(rows) > 0 {
		n := min(len(rows), perInsert)
		query := "INSERT INTO accord_outbox (id, project, kind, ref_kind, ref_id, at, event) VALUES " +
			strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", n-1) + "(?, ?, ?, ?, ?, ?, ?)"
		args := make([]any, 0, 7*n)
		for _, r := range rows[:n] {
			e := r.event
			args = append(args, e.ID, e.Project, e.Kind, e.Ref.Kind, e.Ref.ID, e.Time.UnixNano(), r.data)
		}
		if _, err := tx.ExecContext(ctx, s.Dialect.q(query), args...); err != nil {
			return internal("writing events to the outbox", err)
		}
		rows = rows[n:]
	}
	if s.Dialect.notify != "" {
		// The payload names the projects, for the other instances'
		// wake-ups (Wake); empty, every relay.
		if _, err := tx.ExecContext(ctx, s.Dialect.notify, strings.Join(projects, "\n")); err != nil {
			return internal("notifying the relays", err)
		}
	}
	return nil
}

// OutboxEvent is an event as the outbox keeps it: its place in the log.
type OutboxEvent struct {
	Seq int64
	accord.Event
}

// Events returns up to limit events after seq, oldest first, of one
// project ("" for every project): for inboxes, replays and tests.
func (s *Stores) Events(ctx context.Context, project string, after int64, limit int) ([]OutboxEvent, error) {
	return s.read(ctx, interest{project: project}, after, limit)
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
// of the process the events that were in flight, at most one per relay,
// may be delivered again; across a crash of the PostgreSQL server, also
// those delivered in its last moments (under a second with its default
// wal_writer_delay), as the cursor's moves are committed without waiting
// for the disk: they are one write per event, and the order and the
// leases do not depend on them. An event's ID stays the same, so the
// destination can tell.
//
// A relay reads only the events it delivers: with Project and Kinds set,
// the outbox query filters by them in SQL, over an index, so a hundred
// relays of a hundred projects each read their own events, not every
// event a hundred times. Without them (the tracker's relay, inboxes) it
// reads every event.
type Relay struct {
	Name string // unique per destination: "webhook:01J…"
	// Project, if set, is the only project whose events are delivered.
	Project string
	// Kinds, if set, are the only event kinds delivered: kinds or patterns
	// in path.Match syntax ("requirement.*"), as webhook subscriptions
	// write them. Exact kinds are looked up in the outbox's kind index;
	// a pattern is narrowed in SQL by its literal prefix and matched
	// exactly in Go.
	Kinds []string
	// Record, if set, is the record the relay serves, in Project (a
	// webhook subscription): the relay runs only while the record exists,
	// and its cursor is removed with the record (WebhookStore's
	// DeleteSubscription does so in its transaction). Once the record is
	// gone, Run and RunOnce return an error with code not_found, and never
	// create the cursor again.
	Record accord.Ref
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

	// Kept across the passes of one Run: where the cursor stood when this
	// relay last saw it, and when it last made a full pass.
	known    int64
	fullPass time.Time
	// leased is when the lease this relay holds was last taken or
	// renewed (zero: none known): a pass that starts with more than half
	// of it left reads its cursor and writes nothing.
	leased time.Time
}

// idlePasses is how many polls a filtered relay with nothing of its own
// to deliver goes without a full pass (lease, cursor): between them it
// only looks, without writing, so a hundred idle webhooks do not commit
// two hundred cursor and lease writes for every event of other projects.
const idlePasses = 10

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
// returns ctx's error, or a not_found error once the relay's Record is
// gone.
func (s *Stores) Run(ctx context.Context, r Relay) error {
	r.defaults()
	wake, stop := s.outbox.subscribe(r.Project)
	defer stop()
	defer s.release(&r)
	gaps := map[int64]time.Time{}
	for {
		_, err := s.pass(ctx, &r, gaps)
		if accord.ErrorCode(err) == accord.NotFound {
			return err // the record it served is gone, and its cursor with it
		}
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
	want := r.wants()
	if want.filtered() && r.known > 0 && time.Since(r.fullPass) < idlePasses*r.Poll {
		// A look that writes nothing: an event of its own after the
		// cursor as last seen (or one it then passes over) makes the
		// full pass; another instance's progress only makes it sooner.
		events, err := s.read(ctx, want, r.known, 1)
		if err != nil || len(events) == 0 {
			return 0, err
		}
	}
	r.fullPass = time.Now()
	after, err := s.claim(ctx, r, time.Now())
	if err != nil {
		return 0, err
	}
	r.known = after
	ctx, release := s.hold(ctx, r)
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
		// What is final before the read: every number up to top is
		// committed or never will be (see GapWait), so a filtered relay
		// that finds nothing more of its own up to it may pass it.
		top, err := s.top(ctx, r, want)
		if err != nil {
			return finish(err)
		}
		events, err := s.read(ctx, want, after, r.Batch)
		if err != nil {
			return finish(err)
		}
		if len(events) == 0 {
			if top > after {
				// Others' events only: the cursor follows the outbox, so
				// OutboxLag and a restart see this relay as up to date.
				actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), r.Lease)
				err = s.advance(actx, r, top)
				acancel()
			}
			return finish(err)
		}
		for i, e := range events {
			hole := e.Seq != after+1
			if hole && r.GapWait > 0 && want.filtered() {
				// The rows in between may just be events this relay does
				// not want: only a missing number is a hole.
				if hole, err = s.holes(ctx, after, e.Seq); err != nil {
					return finish(err)
				}
			}
			if hole && r.GapWait > 0 {
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
			if !want.match(e.Kind) {
				// Read for its prefix, not wanted by its pattern: passed
				// over, and the cursor with it at the end of the batch.
				after = e.Seq
				continue
			}
			if err := r.Deliver(ctx, e); err != nil {
				return finish(err)
			}
			// The cursor moves past each event as soon as it is delivered,
			// even if ctx ended meanwhile: a crash repeats at most the
			// event in flight. Past the last of a short batch it moves
			// on to top at once, in the same write: every event of this
			// relay's up to top was in the batch.
			to := e.Seq
			if i == len(events)-1 && len(events) < r.Batch && top > to {
				to = top
			}
			actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), r.Lease)
			err := s.advance(actx, r, to)
			acancel()
			if err != nil {
				return finish(err)
			}
			after = to
			delivered++
		}
		if last := events[len(events)-1].Seq; after == last && !want.match(events[len(events)-1].Kind) {
			// The batch ended with events passed over: keep the place.
			actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), r.Lease)
			err := s.advance(actx, r, last)
			acancel()
			if err != nil {
				return finish(err)
			}
		}
	}
}

// top returns the outbox's last number, for a filtered relay that does
// not wait for holes; 0 for the others (they read every event, or must not
// pass a number that may yet commit).
func (s *Stores) top(ctx context.Context, r *Relay, want interest) (int64, error) {
	if !want.filtered() || r.GapWait > 0 {
		return 0, nil
	}
	var top sql.NullInt64
	if err := s.DB.QueryRowContext(ctx, "SELECT MAX(seq) FROM accord_outbox").Scan(&top); err != nil {
		return 0, internal("reading the outbox", err)
	}
	return top.Int64, nil
}

// interest is what a relay reads, as SQL: its project, the kinds it names
// exactly, and the literal prefixes of its patterns.
type interest struct {
	project  string
	exact    []string
	prefixes []string
	patterns []string // every kind and pattern, for the exact match in Go
}

// wants turns the relay's Project and Kinds into its interest. A pattern
// with no literal prefix ("*") reads every kind.
func (r *Relay) wants() interest {
	in := interest{project: r.Project}
	for _, k := range r.Kinds {
		i := strings.IndexAny(k, `*?[\`)
		switch {
		case i < 0:
			in.exact = append(in.exact, k)
		case i == 0:
			in.exact, in.prefixes, in.patterns = nil, nil, nil
			return in
		default:
			in.prefixes = append(in.prefixes, k[:i])
		}
		in.patterns = append(in.patterns, k)
	}
	return in
}

func (in interest) filtered() bool { return in.project != "" || len(in.patterns) > 0 }

// match reports whether an event of the kind is wanted: the SQL narrowed
// the patterns to their prefixes, this decides.
func (in interest) match(kind string) bool {
	if len(in.patterns) == 0 {
		return true
	}
	for _, p := range in.patterns {
		if ok, _ := path.Match(p, kind); ok {
			return true
		}
	}
	return false
}

// read returns up to limit events after seq that the interest may want,
// oldest first: the relay's outbox query.
func (s *Stores) read(ctx context.Context, in interest, after int64, limit int) ([]OutboxEvent, error) {
	query, args := "SELECT seq, event FROM accord_outbox WHERE seq > ?", []any{after}
	if in.project != "" {
		query, args = query+" AND project = ?", append(args, in.project)
	}
	var kinds []string
	if len(in.exact) > 0 {
		kinds = append(kinds, "kind IN (?"+strings.Repeat(", ?", len(in.exact)-1)+")")
		for _, k := range in.exact {
			args = append(args, k)
		}
	}
	for _, p := range in.prefixes {
		// substr compares characters exactly, whatever the collation or
		// LIKE's case rules; the project's index bounds what it reads.
		kinds = append(kinds, "substr(kind, 1, ?) = ?")
		args = append(args, utf8.RuneCountInString(p), p)
	}
	if len(kinds) > 0 {
		query += " AND (" + strings.Join(kinds, " OR ") + ")"
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

// holes reports whether a number between after and seq is missing from
// the outbox, whoever's event it is: a transaction that may yet commit,
// or one that rolled back.
func (s *Stores) holes(ctx context.Context, after, seq int64) (bool, error) {
	var n int64
	err := s.DB.QueryRowContext(ctx, s.Dialect.q("SELECT COUNT(*) FROM accord_outbox WHERE seq > ? AND seq < ?"), after, seq).Scan(&n)
	if err != nil {
		return false, internal("reading the outbox", err)
	}
	return n != seq-after-1, nil
}

// hold renews r's lease, taken or renewed at r.leased, every third of it
// until the returned stop is called, which leaves in r.leased the last
// renewal (zero once the lease is lost). The context it returns is cancelled, with
// errNotOwner as its cause, once the lease is lost or could not be
// renewed before it ran out: work done after that could overlap another
// instance's.
func (s *Stores) hold(ctx context.Context, r *Relay) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	leased := r.leased
	go func() {
		defer close(done)
		expires := leased.Add(r.Lease)
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
				expires, leased = start.Add(r.Lease), start
			case errors.Is(err, errNotOwner):
				cancel(errNotOwner)
				return
			} // another error: try again at the next tick, while the lease lasts
		}
	}()
	return ctx, func() {
		cancel(nil)
		<-done
		r.leased = leased
		if errors.Is(context.Cause(ctx), errNotOwner) {
			r.leased = time.Time{}
		}
	}
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
	if !r.leased.IsZero() && now.Sub(r.leased) < r.Lease/2 {
		// Held, with more than half of it left (hold renews it while the
		// pass works): read the cursor, write nothing. A row that is
		// gone (its record deleted) takes the full way, which says so.
		var after int64
		var owner string
		err := s.DB.QueryRowContext(ctx, q("SELECT after, owner FROM accord_relays WHERE name = ?"), r.Name).Scan(&after, &owner)
		switch {
		case err == nil && owner == r.Owner:
			return after, nil
		case err == nil:
			r.leased = time.Time{}
			return 0, errNotOwner
		case !errors.Is(err, sql.ErrNoRows):
			return 0, internal("reading a relay cursor", err)
		}
		r.leased = time.Time{}
	}
	if err := s.cursor(ctx, r); err != nil {
		return 0, err
	}
	res, err := s.DB.ExecContext(ctx, q("UPDATE accord_relays SET owner = ?, lease_until = ? WHERE name = ? AND (owner = ? OR lease_until < ?)"),
		r.Owner, now.Add(r.Lease).UnixNano(), r.Name, r.Owner, now.UnixNano())
	if err != nil {
		return 0, internal("taking a relay lease", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, errNotOwner
	}
	r.leased = now
	var after int64
	if err := s.DB.QueryRowContext(ctx, q("SELECT after FROM accord_relays WHERE name = ?"), r.Name).Scan(&after); err != nil {
		return 0, internal("reading a relay cursor", err)
	}
	return after, nil
}

// cursor creates the relay's cursor if it has none. A relay that serves a
// record creates it only while the record exists, reading it so that it
// cannot be deleted meanwhile: a cursor removed with its record is never
// created again.
func (s *Stores) cursor(ctx context.Context, r *Relay) error {
	q := s.Dialect.q
	insert := q("INSERT INTO accord_relays (name) VALUES (?) ON CONFLICT (name) DO NOTHING")
	if r.Record == (accord.Ref{}) {
		if _, err := s.DB.ExecContext(ctx, insert, r.Name); err != nil {
			return internal("creating a relay cursor", err)
		}
		return nil
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return internal("begin", err)
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, q("SELECT 1 FROM accord_records WHERE kind = ? AND project = ? AND id = ?"+s.Dialect.share),
		r.Record.Kind, r.Project, r.Record.ID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return accord.Errorf(accord.NotFound, "relay %s: %s %q of project %q is gone", r.Name, r.Record.Kind, r.Record.ID, r.Project)
	}
	if err != nil {
		return internal("reading a relay's record", err)
	}
	if _, err := tx.ExecContext(ctx, insert, r.Name); err != nil {
		return internal("creating a relay cursor", err)
	}
	if err := tx.Commit(); err != nil {
		return internal("commit", err)
	}
	return nil
}

// advance moves the cursor past seq, if this instance still holds the
// lease.
func (s *Stores) advance(ctx context.Context, r *Relay, seq int64) error {
	res, err := s.DB.ExecContext(ctx, s.Dialect.q("UPDATE accord_relays SET after = ? WHERE name = ? AND owner = ?"+s.Dialect.relaxed), seq, r.Name, r.Owner)
	if err != nil {
		return internal("moving a relay cursor", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("relay %s: %w", r.Name, errNotOwner)
	}
	r.known = seq
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
