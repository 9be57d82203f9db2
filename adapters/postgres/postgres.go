// Package postgres opens accord's SQL stores on a PostgreSQL database
// (github.com/jackc/pgx/v5), for teams that run several server instances
// on one database. Compare-and-swap updates and the per-project key
// sequence are single SQL statements, so instances never lose an update
// nor hand out a key twice; migrations take an advisory lock, so instances
// that start together migrate once.
package postgres

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"

	"github.com/accordhq/accord/adapters/sqlstore"
)

// Open connects to the database at url (postgres://user:pass@host/db?…)
// and returns accord's stores over it. A search_path in the URL puts
// accord's tables in that schema. It does not migrate: call Migrate once
// at start-up (the reference server does).
func Open(url string) (*sqlstore.Stores, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connecting: %w", err)
	}
	return sqlstore.New(db, sqlstore.Postgres), nil
}

// Migrate applies accord's pending migrations to db (Stores.DB) in one
// transaction, one instance at a time; running it again changes nothing.
func Migrate(ctx context.Context, db *sql.DB) error {
	_, err := sqlstore.Migrate(ctx, db, sqlstore.Postgres)
	return err
}
