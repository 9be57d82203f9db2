package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/requirement"
)

// TestCachedReadsSeeEveryWriter: reads by id and key are cached, and stay
// exact when the record changes through these stores, through another
// opener of the same file (another process), and by SQL beside the stores.
func TestCachedReadsSeeEveryWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	a, err := sqlite.Open(path)
	require.NoError(t, err)
	defer a.Close()
	require.NoError(t, sqlite.Migrate(ctx, a.DB))
	b, err := sqlite.Open(path)
	require.NoError(t, err)

	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	rec := requirement.Requirement{ID: "r1", Project: "p", Status: requirement.Draft, Content: requirement.Content{Title: "first"}, Stamp: accord.NewStamp("alice", at)}
	rec.Stamp.Revision = 1
	created, err := a.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: at, Record: rec})
	require.NoError(t, err)
	title := func(s interface {
		GetRequirement(context.Context, string, string) (requirement.Requirement, error)
	}) string {
		r, err := s.GetRequirement(ctx, "p", "r1")
		require.NoError(t, err)
		return r.Title
	}
	assert.Equal(t, "first", title(a.Requirements))
	got, err := a.Requirements.GetRequirement(ctx, "p", "r1")
	require.NoError(t, err)
	got.Title = "changed by the caller"
	assert.Equal(t, "first", title(a.Requirements), "a cached read hands out copies")

	next := created.Clone()
	next.Title, next.Revision = "second", 2
	_, err = b.Requirements.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 2, Kind: accord.RevisionEdited, Actor: "bob", Time: at, Record: next})
	require.NoError(t, err)
	assert.Equal(t, "second", title(a.Requirements), "a write by another opener of the file is seen at once")

	next.Title, next.Revision = "third", 3
	_, err = a.Requirements.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 3, Kind: accord.RevisionEdited, Actor: "alice", Time: at, Record: next})
	require.NoError(t, err)
	assert.Equal(t, "third", title(a.Requirements), "a write through the stores is seen at once")
	assert.Equal(t, "third", title(b.Requirements))

	// Another opener that comes and goes: its commits are seen too.
	require.NoError(t, b.Close())
	c, err := sqlite.Open(path)
	require.NoError(t, err)
	next.Title, next.Revision = "fourth", 4
	_, err = c.Requirements.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 4, Kind: accord.RevisionEdited, Actor: "carol", Time: at, Record: next})
	require.NoError(t, err)
	require.NoError(t, c.Close())
	assert.Equal(t, "fourth", title(a.Requirements))

	d, err := sqlite.Open(path)
	require.NoError(t, err)
	defer d.Close()
	_, err = d.DB.ExecContext(ctx, "DELETE FROM accord_records WHERE kind = 'requirement' AND id = 'r1'")
	require.NoError(t, err)
	_, err = a.Requirements.GetRequirement(ctx, "p", "r1")
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "a delete by SQL beside the stores is seen at once")
}
