// Package sqlstore is one SQL implementation of every accord store over
// database/sql, for SQLite and PostgreSQL alike. What differs between the
// engines lives in dialect.go; adapters/sqlite and adapters/postgres open a
// database with the right driver and settings and hand it here, so an
// embedder links only the driver it uses.
//
// The schema is the library's own: numbered SQL migrations embedded in the
// package, applied by Migrate (and `accord migrate`), printable with
// MigrationSQL for teams that run their own migration tool. Every record is
// a row of accord_records (the record as JSON, jsonb in PostgreSQL, beside
// the columns lookups and filters need) with one row per revision in
// accord_revisions; keys come from a per-project sequence allocated in the
// creating transaction; updates are compare-and-swap in SQL (… WHERE
// revision = n), so no engine has a read-modify-write race.
package sqlstore

import (
	"context"
	"database/sql"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
)

// Stores are the SQL stores of every domain over one database: the
// embedded adapters.Stores is what link.New, transfer and the server take.
type Stores struct {
	adapters.Stores
	DB      *sql.DB
	Dialect Dialect
	Tokens  *TokenStore

	// OnOutboxError (optional) hears of an event Outbox could not write
	// outside a unit of work (inside one the unit fails instead).
	OnOutboxError func(e accord.Event, err error)

	cache   *readCache
	outbox  outbox
	closers []func() error
}

// CacheReads makes reads of a record by id or key go through a cache in
// memory that stays exact: writes through these stores empty it, and
// before each cached read changed is asked whether anyone else committed
// to the database since it was last asked (sqlite.Open wires SQLite's
// PRAGMA data_version). Call it before the stores are used; closer, if
// not nil, runs on Close.
func (s *Stores) CacheReads(changed func(ctx context.Context) (bool, error), closer func() error) {
	s.cache.changed = changed
	if closer != nil {
		s.closers = append(s.closers, closer)
	}
}

// Close closes the database and what CacheReads set up.
func (s *Stores) Close() error {
	err := s.DB.Close()
	for _, c := range s.closers {
		if cerr := c(); err == nil {
			err = cerr
		}
	}
	return err
}

// New returns the stores over db, which must be migrated (Migrate).
func New(db *sql.DB, d Dialect) *Stores {
	c := newReadCache(nil)
	s := &Stores{DB: db, Dialect: d, cache: c, Tokens: &TokenStore{db: db, d: d}}
	s.Stores = adapters.Stores{
		Projects:     newProjectStore(db, d, c),
		Requirements: newRequirementStore(db, d, c),
		Contracts:    newContractStore(db, d, c),
		Reviews:      newReviewStore(db, d, c),
		Risks:        newRiskStore(db, d, c),
		Retros:       newRetroStore(db, d, c),
		Plans:        newPlanStore(db, d, c),
		Traces:       newTraceStore(db, d, c),
		Webhooks:     newWebhookStore(db, d, c),
		Watches:      newWatchStore(s),
		External:     newExternalStore(db, d, c),
	}
	return s
}
