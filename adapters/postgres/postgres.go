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
	neturl "net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"

	"github.com/accordhq/accord/adapters/sqlstore"
)

// Open connects to the database at url (postgres://user:pass@host/db?…)
// and returns accord's stores over it. A search_path in the URL puts
// accord's tables in that schema. It does not migrate: call Migrate once
// at start-up (the reference server does).
//
// The stores keep at most pool_max_conns connections (a parameter of the
// URL, as pgxpool names it; default DefaultMaxConns), open or idle: a
// server with a hundred webhook relays and its requests then holds a
// bounded share of the database's max_connections, whatever the load. A
// unit of work (Stores.Atomically) uses one connection from start to
// end, so a pool of n serves n at once and never deadlocks; Listen holds
// one more.
func Open(url string) (*sqlstore.Stores, error) {
	url, conns, err := poolSize(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connecting: %w", err)
	}
	return sqlstore.New(db, sqlstore.Postgres), nil
}

// DefaultMaxConns is the pool's bound when the URL sets no
// pool_max_conns: enough for a busy instance's requests and relays on a
// machine of up to 8 CPUs, and ten instances stay within PostgreSQL's
// default max_connections of 100 only with a lower bound each, which the
// URL sets.
var DefaultMaxConns = max(16, 4*runtime.NumCPU())

// poolSize takes pool_max_conns out of a URL (postgres://…?pool_max_conns=n)
// or a key=value connection string, which the driver would otherwise send
// to the server as a setting, and returns it (DefaultMaxConns if absent).
func poolSize(conn string) (string, int, error) {
	n := DefaultMaxConns
	parse := func(v string) error {
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 {
			return fmt.Errorf("pool_max_conns %q: want a whole number of connections, 1 or more", v)
		}
		n = i
		return nil
	}
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		u, err := neturl.Parse(conn)
		if err != nil {
			return "", 0, err
		}
		q := u.Query()
		if !q.Has("pool_max_conns") {
			return conn, n, nil
		}
		if err := parse(q.Get("pool_max_conns")); err != nil {
			return "", 0, err
		}
		q.Del("pool_max_conns")
		u.RawQuery = q.Encode()
		return u.String(), n, nil
	}
	m := poolParam.FindStringSubmatchIndex(conn)
	if m == nil {
		return conn, n, nil
	}
	if err := parse(conn[m[2]:m[3]]); err != nil {
		return "", 0, err
	}
	return strings.TrimSpace(conn[:m[0]] + conn[m[1]:]), n, nil
}

// poolParam finds pool_max_conns=n in a key=value connection string.
var poolParam = regexp.MustCompile(`(?:^|\s)pool_max_conns=(\S*)`)

// Migrate applies accord's pending migrations to db (Stores.DB) in one
// transaction, one instance at a time; running it again changes nothing.
func Migrate(ctx context.Context, db *sql.DB) error {
	_, err := sqlstore.Migrate(ctx, db, sqlstore.Postgres)
	return err
}
