package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
)

// conn is what runs a query: the pool, or a unit's transaction.
type conn interface {
	querier
	execer
}

// unit is the transaction of one Atomically call. Every store call made
// with its context runs in it; a store write is a savepoint, so a write
// that fails leaves the unit usable (PostgreSQL would otherwise refuse
// every later statement of an aborted transaction).
type unit struct {
	mu   sync.Mutex // one statement at a time: a transaction is one connection
	tx   *sql.Tx
	next int // savepoint names
	// events wait here for the commit, which writes them to the outbox
	// (Stores.writeOutbox).
	events []outboxRow
	// projects are the distinct projects of those events, whose relays
	// the commit wakes; everyone: an event of no project, or of more
	// projects than maxWakeProjects, wakes every relay.
	projects []string
	everyone bool
	// bulkRecords counts the record rows the unit's bulk writes made;
	// analyzed says one of them analyzed the records (see table.bulk).
	bulkRecords int
	analyzed    bool
}

type unitKey struct{}

func unitOf(ctx context.Context) *unit {
	u, _ := ctx.Value(unitKey{}).(*unit)
	return u
}

// on returns what runs queries for ctx: the transaction of the unit it
// carries, or db.
func on(ctx context.Context, db *sql.DB) conn {
	if u := unitOf(ctx); u != nil {
		return u
	}
	return db
}

// maxWakeProjects bounds the projects a commit names to the relays (and
// in PostgreSQL's notification, whose payload is at most 8,000 bytes): a
// unit that wrote events of more projects wakes every relay.
const maxWakeProjects = 32

// wrote keeps an event of the unit for its commit.
func (u *unit) wrote(row outboxRow) {
	u.events = append(u.events, row)
	switch project := row.event.Project; {
	case u.everyone || slices.Contains(u.projects, project):
	case project == "" || len(u.projects) == maxWakeProjects:
		u.everyone, u.projects = true, nil
	default:
		u.projects = append(u.projects, project)
	}
}

// QueryRowContext, QueryContext and ExecContext run on the unit's
// transaction. A unit is used by one goroutine at a time, as a request is;
// the lock only keeps a stray concurrent use from corrupting it.
func (u *unit) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.tx.QueryRowContext(ctx, query, args...)
}

func (u *unit) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.tx.QueryContext(ctx, query, args...)
}

func (u *unit) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.tx.ExecContext(ctx, query, args...)
}

// savepoint runs fn inside a savepoint of the unit: rolled back to on
// error, released on success.
func (u *unit) savepoint(ctx context.Context, fn func(tx *sql.Tx) error) error {
	u.mu.Lock()
	u.next++
	name := fmt.Sprintf("accord_sp%d", u.next)
	_, err := u.tx.ExecContext(ctx, "SAVEPOINT "+name)
	u.mu.Unlock()
	if err != nil {
		return internal("savepoint", err)
	}
	if err := fn(u.tx); err != nil {
		u.mu.Lock()
		_, rerr := u.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name)
		u.mu.Unlock()
		if rerr != nil {
			return internal("rolling back to a savepoint", rerr)
		}
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, err := u.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return internal("releasing a savepoint", err)
	}
	return nil
}

// Atomically runs fn as one unit of work: every store call made with the
// context fn receives, and every event published to Outbox with it,
// commits together when fn returns nil, or not at all. This is how a
// change and its events are never separated: the reference server runs
// each request that changes something in one.
//
// Inside a unit, reads see the unit's own writes and bypass the read
// cache. Calls nest: an Atomically inside another joins it.
func (s *Stores) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if unitOf(ctx) != nil {
		return fn(ctx)
	}
	s.cache.beginWrite()
	defer s.cache.endWrite()
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return internal("begin", err)
	}
	defer tx.Rollback()
	u := &unit{tx: tx}
	if err := fn(context.WithValue(ctx, unitKey{}, u)); err != nil {
		return err
	}
	if len(u.events) > 0 {
		if err := s.writeOutbox(ctx, tx, u.events, u.projects); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return internal("commit", err)
	}
	if len(u.events) > 0 {
		s.outbox.wake(u.projects...)
	}
	return nil
}
