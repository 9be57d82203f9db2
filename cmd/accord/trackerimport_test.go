package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/project"
)

// A PingCode export (Excel-saved, with a BOM) comes in as requirements
// with references, on SQLite and PostgreSQL (when one is given); the
// second import changes nothing; a non-member is refused.
func TestImportTracker(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join("..", "..", "adapters", "trackerimport", "testdata", "pingcode.csv")
	targets := []string{filepath.Join(dir, "tracker.db")}
	if os.Getenv("ACCORD_POSTGRES_URL") != "" {
		targets = append(targets, postgresSchema(t, "accord_tracker_"))
	}
	for _, db := range targets {
		b, err := openBackend(ctx, db)
		require.NoError(t, err)
		projects, err := project.NewService(project.Options{Store: b.Projects})
		require.NoError(t, err)
		_, err = projects.Create(accord.WithActor(ctx, accord.Actor{ID: "alice"}), project.NewProject{Key: "shop", Name: "Shop"})
		require.NoError(t, err)
		b.close()

		var out bytes.Buffer
		args := []string{"import-tracker", "-project", "shop", "-from", "pingcode", "-actor", "alice", "-db", db, file}
		require.NoError(t, cli(ctx, args, &out, quiet))
		assert.Contains(t, out.String(), "created   row 2  pingcode SHOP-12 → REQ-1 退款到原支付方式")
		assert.Contains(t, out.String(), "not mapped row 4 (SHOP-14): no title")
		assert.Contains(t, out.String(), "2 created, 0 updated, 0 unchanged, 0 conflicts, 0 failed, 1 not mapped")

		out.Reset()
		require.NoError(t, cli(ctx, args, &out, quiet))
		assert.Contains(t, out.String(), "0 created, 0 updated, 2 unchanged, 0 conflicts")

		b, err = openExisting(ctx, db)
		require.NoError(t, err)
		page, err := b.External.ListReferences(ctx, "shop", external.Filter{System: "pingcode"}, accord.PageQuery{Size: 10})
		require.NoError(t, err)
		require.Len(t, page.Items, 2)
		assert.Equal(t, "进行中", page.Items[0].Status)
		assert.Equal(t, "requirement", page.Items[0].Record.Kind)
		b.close()

		err = cli(ctx, []string{"import-tracker", "-project", "shop", "-from", "pingcode", "-actor", "mallory", "-db", db, file}, &out, quiet)
		require.Error(t, err, "not a member")
		err = cli(ctx, []string{"import-tracker", "-project", "shop", "-from", "redmine", "-actor", "alice", "-db", db, file}, &out, quiet)
		require.Error(t, err)
		assert.Equal(t, 2, exitCode(err))
	}
}
