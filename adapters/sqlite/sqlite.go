// Package sqlite opens accord's SQL stores on an SQLite file: embedded,
// pure Go (modernc.org/sqlite), nothing to install.
//
// The database runs in WAL mode with synchronous=FULL: a transaction that
// committed is on disk, so a power cut loses no acknowledged write (WAL
// with synchronous=NORMAL would be faster but could lose the last commits).
// Write transactions begin IMMEDIATE and wait up to BusyTimeout for the
// write lock, so concurrent writers queue instead of failing with
// SQLITE_BUSY. Foreign keys are on.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/accordhq/accord/adapters/sqlstore"
)

// BusyTimeout is how long a writer waits for another writer's transaction.
const BusyTimeout = 30 * time.Second

// Open opens (creating if need be) the SQLite database at path and returns
// accord's stores over it. It does not migrate: call Migrate once at
// start-up (the reference server does).
func Open(path string) (*sqlstore.Stores, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	return sqlstore.New(db, sqlstore.SQLite), nil
}

// Migrate applies accord's pending migrations to db (Stores.DB) in one
// transaction; running it again changes nothing.
func Migrate(ctx context.Context, db *sql.DB) error {
	_, err := sqlstore.Migrate(ctx, db, sqlstore.SQLite)
	return err
}
