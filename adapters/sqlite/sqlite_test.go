package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/accordhq/accord/adapters/internal/enginetest"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
)

// open returns migrated stores on a new file in the test's own folder.
func open(tb testing.TB) *sqlstore.Stores {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "accord.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := sqlite.Migrate(context.Background(), s.DB); err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestStores runs every domain's conformance suite on this engine.
func TestStores(t *testing.T) { enginetest.Suites(t, open) }
