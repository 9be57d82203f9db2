package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Dialect is everything that differs between the engines: placeholders,
// how a unique violation and a busy database look, and how migrations are
// kept from running twice at once. Nothing else in this package knows
// which engine it talks to.
type Dialect struct {
	Name string // "sqlite" or "postgres"
	// types fills the type placeholders of the migrations.
	types *strings.Replacer
	// numbered placeholders ($1, $2…) instead of ?
	numbered bool
	// lock serialises migrations between processes, inside tx.
	lock func(ctx context.Context, tx *sql.Tx) error
	// notify (optional) is run in a transaction that wrote events, to wake
	// the relays of other instances when it commits; its one argument is
	// the payload: the events' projects, a line each (project keys are at
	// most 64 ASCII characters, and a unit names at most 32), or empty
	// for every relay.
	notify string
	// outboxLock (optional) is taken by a transaction just before it
	// writes its events, at its end, and held through its commit:
	// transactions that write events then commit in the order of their
	// events' numbers, so a relay that sees
	// an event knows every earlier one is committed or rolled back. SQLite
	// needs none: it has one writer at a time.
	outboxLock string
	// relaxed (optional) ends the WHERE clause of a statement whose commit
	// need not wait for the disk (a relay's cursor: a move lost in a
	// crash of the server only delivers an event again). PostgreSQL sets
	// synchronous_commit for the statement's own transaction, which
	// commits right after it: one round trip, and no flush to wait for
	// behind every other commit.
	relaxed string
	// share (optional) ends a SELECT that must keep the rows it read
	// from being deleted until its transaction ends. SQLite needs none:
	// its write transactions run one at a time.
	share string
	// analyze (optional) refreshes the records' statistics inside a bulk
	// write's transaction (see table.bulk): of the key columns alone,
	// which is what the foreign-key checks' plans need, at half the cost
	// of every column's.
	analyze string
	// arrays: a bulk write passes each column as one array and inserts
	// from unnest (see batch), instead of a placeholder per value.
	arrays bool
	// position is the function that gives the position of a text's
	// first occurrence in another, in characters from 1.
	position string
	// indexed is the condition on accord_records r that selects the
	// records of (kind, project) whose column (search, or pairs for a
	// doubled text, search.go) holds text, through the engine's search
	// index; like is the LIKE pattern (escape \) of the undoubled text
	// on the search column, for an exact test where the index only
	// narrows.
	indexed func(kind, project, column, text, like string) (string, []any)
	// hitsDrive makes a search window looked up in the index keep the
	// engine off the window's range and order (+r.seq, r.seq + 0,
	// search.go), so that the index's hits drive the query: SQLite would
	// otherwise read the window in order through the numbers' index and
	// test each record against the hits. PostgreSQL's planner weighs
	// both ways itself.
	hitsDrive bool
	// titleOf is the title in a record's stored form, as text.
	titleOf string
	// literal writes a string as an SQL literal, for the values a
	// query's plan depends on (search.go).
	literal func(string) string
}

// OutboxChannel is the PostgreSQL channel a commit with events notifies
// (adapters/postgres.Listen waits on it).
const OutboxChannel = "accord_outbox"

// SQLite is the dialect of SQLite (modernc.org/sqlite). Its write
// transactions start with BEGIN IMMEDIATE (the opener's _txlock), so
// migrations need no extra lock.
var SQLite = Dialect{Name: "sqlite", types: strings.NewReplacer("{{int}}", "INTEGER", "{{json}}", "TEXT", "{{serial}}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
	lock: func(context.Context, *sql.Tx) error { return nil }, position: "instr",
	literal: func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" },
	titleOf: "coalesce(json_extract(record, '$.title'), '')", hitsDrive: true,
	indexed: func(kind, project, column, text, like string) (string, []any) {
		// The FTS tables keep no positions (detail=none): a query is the
		// AND of the text's trigrams, each a quoted string, read as
		// lists of row IDs; the LIKE on the (lower-cased) search column
		// then decides, as the index also folds case its own way.
		table := map[string]string{"search": "accord_search", "pairs": "accord_search_pairs"}[column]
		// The index's hits drive the lookup (by docid), not the
		// project's documents: + keeps SQLite off the (kind, project)
		// index, which would test every document of a big project.
		return `r.id IN (SELECT d.id FROM accord_search_docs d WHERE d.docid IN (SELECT rowid FROM ` + table + ` WHERE ` + table + ` MATCH ?) AND +d.kind = ? AND +d.project = ?) AND r.search LIKE ? ESCAPE '\'`,
			[]any{trigrams(text), kind, project, like}
	}}

// Postgres is the dialect of PostgreSQL (github.com/jackc/pgx/v5/stdlib).
var Postgres = Dialect{Name: "postgres", numbered: true, arrays: true, share: " FOR SHARE", relaxed: " AND set_config('synchronous_commit', 'off', true) = 'off'", analyze: "ANALYZE accord_records (kind, project, id)", notify: "SELECT pg_notify('" + OutboxChannel + "', $1)",
	outboxLock: "SELECT pg_advisory_xact_lock(7261637)", position: "strpos",
	indexed: func(_, _, column, text, _ string) (string, []any) {
		// Exact by itself; no ESCAPE clause, so that the planner sees a
		// plain LIKE (whose escape is \) that the column's trigram index
		// answers. The pattern is written into the query: a plan made
		// for any pattern (PostgreSQL's generic plan of a prepared
		// statement, chosen after five runs) cannot tell a text found
		// in a few rows from one in every row, and reads the project in
		// order, testing each record.
		return "r." + column + " LIKE " + postgresLiteral(contains(text)), nil
	},
	literal: postgresLiteral,
	titleOf: "coalesce(record->>'title', '')",
	types:   strings.NewReplacer("{{int}}", "BIGINT", "{{json}}", "JSONB", "{{serial}}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
	lock: func(ctx context.Context, tx *sql.Tx) error {
		// One migrator at a time across every instance on the database.
		_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7261636)")
		return err
	}}

// postgresLiteral writes s as an escape string constant (E'…'), which
// means the same whatever standard_conforming_strings says. s holds no
// NUL (svc.CheckQuery refuses control characters in a search text;
// project keys and kinds are ASCII words).
func postgresLiteral(s string) string {
	return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}

// only keeps the parts of a migration that are for this engine: lines
// between "{{sqlite}}" (or "{{postgres}}") and "{{end}}", each marker on a
// line of its own, belong to that engine alone; every other line is for
// both. Blocks do not nest.
func (d Dialect) only(migration string) (string, error) {
	var b strings.Builder
	in := "" // the engine of the open block
	for n, line := range strings.SplitAfter(migration, "\n") {
		switch marker := strings.TrimSpace(line); marker {
		case "{{sqlite}}", "{{postgres}}":
			if in != "" {
				return "", fmt.Errorf("line %d: %s inside the block of %s", n+1, marker, in)
			}
			in = strings.Trim(marker, "{}")
			continue
		case "{{end}}":
			if in == "" {
				return "", fmt.Errorf("line %d: {{end}} outside a block", n+1)
			}
			in = ""
			continue
		}
		if in == "" || in == d.Name {
			b.WriteString(line)
		}
	}
	if in != "" {
		return "", fmt.Errorf("the block of %s has no {{end}}", in)
	}
	return b.String(), nil
}

// Rebind rewrites a query written with ? placeholders for the engine, for
// hand-written queries next to the stores (benchmark floors, reports).
func (d Dialect) Rebind(query string) string { return d.q(query) }

// q rewrites a query written with ? placeholders for the engine; a ?
// inside a string literal ('…', the values search.go writes into its
// queries) is text.
func (d Dialect) q(query string) string {
	if !d.numbered {
		return query
	}
	var b strings.Builder
	n := 0
	quoted := false // inside a string literal, whose ? are text ('' toggles twice)
	for i := 0; i < len(query); i++ {
		if query[i] == '\'' {
			quoted = !quoted
		}
		if query[i] == '?' && !quoted {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// uniqueViolation reports whether err is a unique-constraint failure:
// SQLSTATE 23505 in PostgreSQL, SQLITE_CONSTRAINT_UNIQUE (2067) or
// _PRIMARYKEY (1555) in SQLite. The drivers' error types are read through
// small interfaces, so this package imports neither driver.
func uniqueViolation(err error) bool {
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		return pg.SQLState() == "23505"
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		return lite.Code() == 2067 || lite.Code() == 1555
	}
	return false
}
