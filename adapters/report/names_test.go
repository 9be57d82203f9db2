package report_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/requirement"
)

// Records.Targets names many records at once exactly as Target names
// each: on SQLite in one query per kind, leaving out what cannot be read
// (a deleted record, an unknown kind).
func TestTargetsNameManyRecordsAsTargetNamesEach(t *testing.T) {
	t.Run("memory", func(t *testing.T) { targetsAsTarget(t, memory.New()) })
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(filepath.Join(t.TempDir(), "names.db"))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		_, err = sqlstore.Migrate(context.Background(), db.DB, db.Dialect)
		require.NoError(t, err)
		require.NotNil(t, link.NewRecords(db.Stores)[requirement.RefKind].ReadMany, "the SQL store reads requirements together")
		targetsAsTarget(t, db.Stores)
	})
}

func targetsAsTarget(t *testing.T, stores adapters.Stores) {
	s, err := link.New(link.Options{Stores: stores})
	require.NoError(t, err)
	var refs []accord.Ref
	for _, title := range []string{"Refund an order", "退款到原支付方式", "Partial refunds"} {
		r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: requirement.Content{Title: title}})
		require.NoError(t, err)
		refs = append(refs, r.Ref())
	}
	other, err := s.Requirements.Create(alice, "q", requirement.ContentInput{Content: requirement.Content{Title: "Another project's"}})
	require.NoError(t, err)
	require.NoError(t, s.Requirements.Delete(alice, "p", refs[2].ID, "duplicate"))
	ask := append(append([]accord.Ref(nil), refs...), other.Ref(), accord.Ref{Kind: "nothing", ID: "x"})
	got, err := s.Records.Targets(context.Background(), "p", ask)
	require.NoError(t, err)
	assert.Len(t, got, 2, "the deleted requirement, another project's and an unknown kind are left out")
	for _, ref := range refs[:2] {
		want, err := s.Records.Target(context.Background(), "p", ref)
		require.NoError(t, err)
		assert.Equal(t, want, got[ref])
	}
}
