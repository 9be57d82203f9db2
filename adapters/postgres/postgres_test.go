package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/accordhq/accord/adapters/internal/enginetest"
	"github.com/accordhq/accord/adapters/postgres"
	"github.com/accordhq/accord/adapters/sqlstore"
)

// serverURL is the PostgreSQL server the tests use, from
// ACCORD_POSTGRES_URL. Without it the tests skip, except under CI, where
// skipping would hide that they never ran.
func serverURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("ACCORD_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("ACCORD_POSTGRES_URL is not set, and CI is: the PostgreSQL suites must run in CI (.ci/run starts a server)")
		}
		tb.Skip("set ACCORD_POSTGRES_URL=postgres://user:password@127.0.0.1:5432/db to run the PostgreSQL suites")
	}
	return u
}

// open returns migrated stores in a schema of their own, dropped when the
// test ends, so tests run in parallel on one database.
func open(tb testing.TB) *sqlstore.Stores {
	tb.Helper()
	s, _ := openURL(tb)
	return s
}

// openURL is open that also returns the URL of the stores' schema, for a
// second instance on the same tables.
func openURL(tb testing.TB) (*sqlstore.Stores, string) {
	tb.Helper()
	s, u := openBare(tb)
	if err := postgres.Migrate(context.Background(), s.DB); err != nil {
		tb.Fatal(err)
	}
	return s, u
}

// openBare is openURL without the migration: a schema with no tables.
func openBare(tb testing.TB) (*sqlstore.Stores, string) {
	tb.Helper()
	base := serverURL(tb)
	schema := "accord_test_" + strings.ToLower(rand.Text()[:12])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("creating schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(u.String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.DB.Close() })
	return s, u.String()
}

// TestSearchIndexesExistingRecords checks that migration 0006 indexes
// what a database held before it.
func TestSearchIndexesExistingRecords(t *testing.T) {
	s, _ := openBare(t)
	enginetest.SearchAfterMigration(t, s)
}

// TestStores runs every domain's conformance suite on this engine.
func TestStores(t *testing.T) { enginetest.Suites(t, open) }
