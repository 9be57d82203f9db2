package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// open returns migrated stores on a new file in the test's own folder.
func open(tb testing.TB) *sqlstore.Stores {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "accord.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.DB.Close() })
	if err := sqlite.Migrate(context.Background(), s); err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestRequirementStore(t *testing.T) {
	t.Parallel()
	storetest.RequirementStore(t, func(t *testing.T) requirement.Store { return open(t).Requirements })
}

func TestContractStore(t *testing.T) {
	t.Parallel()
	storetest.ContractStore(t, func(t *testing.T) contract.Store { return open(t).Contracts })
}

func TestProjectStore(t *testing.T) {
	t.Parallel()
	storetest.ProjectStore(t, func(t *testing.T) project.Store { return open(t).Projects })
}

func TestReviewStore(t *testing.T) {
	t.Parallel()
	storetest.ReviewStore(t, func(t *testing.T) review.Store { return open(t).Reviews })
}
