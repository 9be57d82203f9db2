package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/internal/enginetest"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
)

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "m.db"))
	require.NoError(t, err)
	defer s.DB.Close()

	v, err := sqlstore.SchemaVersion(ctx, s.DB)
	require.NoError(t, err)
	assert.Equal(t, 0, v, "a new database has no schema")

	ms, err := sqlstore.Migrations(sqlstore.SQLite)
	require.NoError(t, err)
	n, err := sqlstore.Migrate(ctx, s.DB, sqlstore.SQLite)
	require.NoError(t, err)
	assert.Equal(t, len(ms), n)
	n, err = sqlstore.Migrate(ctx, s.DB, sqlstore.SQLite)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "running it again changes nothing")
	v, err = sqlstore.SchemaVersion(ctx, s.DB)
	require.NoError(t, err)
	assert.Equal(t, len(ms), v)

	// A newer accord migrated this database: this one must not touch it.
	_, err = s.DB.Exec("INSERT INTO accord_schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)", len(ms)+1)
	require.NoError(t, err)
	_, err = sqlstore.Migrate(ctx, s.DB, sqlstore.SQLite)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "newer than this accord knows")
}

func TestMigrationSQLIsWhatMigrateApplies(t *testing.T) {
	for _, d := range []sqlstore.Dialect{sqlstore.SQLite, sqlstore.Postgres} {
		script, err := sqlstore.MigrationSQL(d)
		require.NoError(t, err)
		assert.Contains(t, script, "CREATE TABLE accord_records")
		assert.Contains(t, script, "INSERT INTO accord_schema_migrations")
		if d.Name == "postgres" {
			assert.Contains(t, script, "JSONB")
		}
	}
	// The printed SQLite script builds a working schema by itself.
	script, err := sqlstore.MigrationSQL(sqlstore.SQLite)
	require.NoError(t, err)
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "printed.db"))
	require.NoError(t, err)
	defer s.DB.Close()
	_, err = s.DB.Exec(script)
	require.NoError(t, err)
	n, err := sqlstore.Migrate(context.Background(), s.DB, sqlstore.SQLite)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "a database built from the printed script is up to date")
	assert.True(t, strings.HasPrefix(script, "-- accord schema for sqlite"))
}

// TestSearchIndexesExistingRecords checks that migration 0006 indexes
// what a database held before it.
func TestSearchIndexesExistingRecords(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "m.db"))
	require.NoError(t, err)
	defer s.Close()
	enginetest.SearchAfterMigration(t, s)
}
