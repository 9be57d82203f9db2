package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one numbered step of the schema.
type Migration struct {
	Version int    // 1, 2, … from the file name (0001_records.sql)
	Name    string // the file name
	SQL     string
}

// Migrations returns the dialect's migrations in order.
func Migrations(d Dialect) ([]Migration, error) {
	if d.types == nil {
		return nil, fmt.Errorf("sqlstore: dialect %q is not one of sqlstore.SQLite, sqlstore.Postgres", d.Name)
	}
	const dir = "migrations"
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reading migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: migration %s is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		text, err := d.only(string(b))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: d.types.Replace(text)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("sqlstore: migration %s: versions must run 1, 2, 3… without gaps", m.Name)
		}
	}
	return out, nil
}

// MigrationSQL returns every migration of the dialect as one script, for
// teams that apply schema changes with their own tool. It records each
// version in accord_schema_migrations, as Migrate does.
func MigrationSQL(d Dialect) (string, error) {
	ms, err := Migrations(d)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("-- accord schema for " + d.Name + "; Migrate applies the same steps.\n")
	b.WriteString(createMigrationsTable + ";\n")
	for _, m := range ms {
		fmt.Fprintf(&b, "\n-- %s\n%s\nINSERT INTO accord_schema_migrations (version, name, applied_at) VALUES (%d, '%s', 0);\n",
			m.Name, strings.TrimSpace(m.SQL), m.Version, m.Name)
	}
	return b.String(), nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS accord_schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at BIGINT  NOT NULL
)`

// Migrate applies the migrations the database lacks, in one transaction,
// and records them. Running it again changes nothing. A database whose
// schema is newer than this code is refused with FailedPrecondition: an
// older accord must not write to a schema it does not know.
func Migrate(ctx context.Context, db *sql.DB, d Dialect) (applied int, err error) {
	ms, err := Migrations(d)
	if err != nil {
		return 0, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer tx.Rollback()
	if err := d.lock(ctx, tx); err != nil {
		return 0, fmt.Errorf("sqlstore: migrate: lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM accord_schema_migrations").Scan(&current); err != nil {
		return 0, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	if latest := len(ms); current > latest {
		return 0, accord.Errorf(accord.FailedPrecondition,
			"the database schema is at version %d, newer than this accord knows (%d): run a newer accord against it", current, latest)
	}
	now := time.Now().UnixMicro()
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return 0, fmt.Errorf("sqlstore: migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, d.q("INSERT INTO accord_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"), m.Version, m.Name, now); err != nil {
			return 0, fmt.Errorf("sqlstore: recording migration %s: %w", m.Name, err)
		}
		applied++
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return applied, nil
}

// SchemaVersion returns the newest migration applied to db; 0 for a new
// database.
func SchemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM accord_schema_migrations").Scan(&v)
	if err != nil && strings.Contains(err.Error(), "accord_schema_migrations") {
		return 0, nil // never migrated
	}
	return v, err
}
