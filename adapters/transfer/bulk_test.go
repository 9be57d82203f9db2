package transfer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// replaying hides the stores' bulk imports and reads (the wrappers have
// only the domain interfaces' methods), so Import replays every revision
// and Export reads each record's revisions apart.
func replaying(s adapters.Stores) adapters.Stores {
	s.Requirements = struct{ requirement.Store }{s.Requirements}
	s.Risks = struct{ risk.Store }{s.Risks}
	s.Traces = struct{ trace.Store }{s.Traces}
	return s
}

// dump is every row the stores keep of project "big", in a fixed order.
func dump(t *testing.T, s *sqlstore.Stores) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for name, query := range map[string]string{
		"records": `SELECT kind, id, seq, COALESCE(rkey, '-'), COALESCE(name, '-'), COALESCE(parent, '-'), status, class, owner, ref_kind, ref_id, search, pairs, head,
			revision, created_at, updated_at, COALESCE(deleted_at, -1), record FROM accord_records WHERE project = 'big' ORDER BY kind, id`,
		"revisions": "SELECT kind, id, number, change, actor, at, note, record FROM accord_revisions WHERE project = 'big' ORDER BY kind, id, number",
		"tags":      "SELECT kind, id, tag FROM accord_tags WHERE project = 'big' ORDER BY kind, id, tag",
		"sequences": "SELECT kind, last FROM accord_sequences WHERE project = 'big' ORDER BY kind",
	} {
		rows, err := s.DB.Query(query)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			out[name] = append(out[name], fmt.Sprint(vals...))
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	return out
}

// The bulk import stores, row for row, what replaying every revision
// through the stores stores: records (keys, names, parents, columns,
// tombstones, restorations), revisions, tags and sequences, on SQLite and
// PostgreSQL; and the project then works as any other.
func TestBulkImportStoresWhatReplayStores(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			// On SQLite, enough revisions to fill several statements (the
			// batches flush records first); on PostgreSQL, where replaying
			// is slow, fewer.
			n := 1500
			if engine == "postgres" {
				n = 400
			}
			doc := generated(n, 7)
			// A change request's later revision naming another
			// requirement: the store keeps the first's, either way.
			doc.ChangeRequests[0][1].Record.RequirementID = doc.Requirements[5][0].Record.ID
			open := func() (adapters.Stores, *sqlstore.Stores) {
				if engine == "sqlite" {
					return sqliteStores(t)
				}
				s, raw, ok := postgresStores(t)
				if !ok {
					t.Skip("set ACCORD_POSTGRES_URL to run on PostgreSQL")
				}
				return s, raw
			}
			bulk, bulkRaw := open()
			slow, slowRaw := open()
			_, ok := bulk.Requirements.(interface {
				ImportRequirements(context.Context, [][]accord.Revision[requirement.Requirement]) error
			})
			require.True(t, ok, "the SQL stores import in bulk")
			_, ok = replaying(slow).Requirements.(interface {
				ImportRequirements(context.Context, [][]accord.Revision[requirement.Requirement]) error
			})
			require.False(t, ok, "the peer replays")
			require.NoError(t, bulkRaw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, bulk, doc) }))
			require.NoError(t, slowRaw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, replaying(slow), doc) }))
			got, want := dump(t, bulkRaw), dump(t, slowRaw)
			for _, table := range []string{"records", "revisions", "tags", "sequences"} {
				require.NotEmpty(t, want[table], table)
				assert.Equal(t, want[table], got[table], table)
			}

			// Export reads each kind's revisions in pages (…Histories), and
			// comes out as reading them record by record does, and as the
			// document went in.
			paged, err := transfer.Export(ctx, bulk, "big", doc.Exported)
			require.NoError(t, err)
			perRecord, err := transfer.Export(ctx, replaying(bulk), "big", doc.Exported)
			require.NoError(t, err)
			assert.Equal(t, withoutTime(t, perRecord), withoutTime(t, paged))
			assert.Equal(t, len(doc.Requirements), len(paged.Requirements))
			assert.Equal(t, len(doc.Links), len(paged.Links))

			// The imported project takes new work: the next key follows the
			// last imported one, a restored requirement's edits go on.
			d := wired(t, bulk)
			ann := accord.WithActor(ctx, accord.Actor{ID: "ann", Roles: []string{"admin"}})
			next, err := d.Requirements.Create(ann, "big", requirement.ContentInput{Content: requirement.Content{Title: "New", Description: "d", Priority: requirement.P3, Owner: "ann"}})
			require.NoError(t, err)
			assert.Equal(t, requirement.KeyOf(n+1), next.Key)
			_, err = d.Requirements.Get(ann, "big", requirement.KeyOf(40))
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "REQ-40 was imported deleted")
			restored, err := d.Requirements.Get(ann, "big", requirement.KeyOf(80))
			require.NoError(t, err, "REQ-80 was imported restored")
			_, err = d.Requirements.Update(ann, "big", restored.Key, restored.Revision, requirement.ContentInput{Content: restored.Content, Note: "after the move"})
			require.NoError(t, err)
		})
	}
}

// A document the bulk import refuses leaves nothing behind (one unit of
// work, as before), and the error names the record and the problem.
func TestBulkImportRefusesAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		spoil func(d *transfer.Document)
		code  accord.Code
		says  string
	}{
		{"revisions out of order", func(d *transfer.Document) { d.Requirements[150][1].Number = 3 },
			accord.Invalid, "requirement 151 (REQ-151, R0000150), revision 2: numbered 3"},
		{"an ID twice", func(d *transfer.Document) { d.Links[20] = d.Links[10] }, accord.Conflict, "is in the document twice"},
		{"a key taken twice", func(d *transfer.Document) {
			for j := range d.Requirements[200] {
				d.Requirements[200][j].Record.Key = requirement.KeyOf(200)
			}
		}, accord.Conflict, "key REQ-200 is taken"},
		{"a tombstone that says nothing of who deleted", func(d *transfer.Document) {
			last := len(d.Requirements[39]) - 1
			d.Requirements[39][last].Record.Deleted = nil
		}, accord.Invalid, "requirement 40 (REQ-40, R0000039)"},
		{"an edit after a deletion", func(d *transfer.Document) {
			last := len(d.Requirements[79]) - 1
			d.Requirements[79][last].Kind = accord.RevisionEdited
		}, accord.Invalid, "follows the record's deletion"},
		{"a change request of a deleted requirement", func(d *transfer.Document) {
			for j := range d.ChangeRequests[3] {
				d.ChangeRequests[3][j].Record.RequirementID = "R0000039"
			}
		}, accord.NotFound, `change request 4 (C0000001-1): requirement "R0000039" not found in project "big"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := generated(300, 7)
			c.spoil(&doc)
			for _, dst := range sqlTargets(t) {
				err := dst.raw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, dst.stores, doc) })
				require.Error(t, err, dst.name)
				assert.Equal(t, c.code, accord.ErrorCode(err), "%s: %v", dst.name, err)
				assert.ErrorContains(t, err, c.says, dst.name)
				var n int
				require.NoError(t, dst.raw.DB.QueryRow("SELECT (SELECT COUNT(*) FROM accord_records) + (SELECT COUNT(*) FROM accord_revisions) + (SELECT COUNT(*) FROM accord_sequences)").Scan(&n))
				assert.Zero(t, n, "%s: nothing written", dst.name)
			}
		})
	}
}

// A batch the database refuses (an ID stored before, which the document
// alone cannot show) stops the bulk import: the error is the database's,
// and nothing of the import is left, on either engine. The document is
// large enough for several batches on PostgreSQL too.
func TestBulkImportStopsAtARefusedBatch(t *testing.T) {
	ctx := context.Background()
	doc := generated(12_000, 3)
	for _, revisions := range doc.Requirements {
		for j := range revisions {
			revisions[j].Record.Key = "" // numbered in order, so no key is refused before the database
		}
	}
	for _, dst := range sqlTargets(t) {
		stored := doc.Requirements[100][0]
		stored.Record.Key = ""
		_, err := dst.stores.Requirements.CreateRequirement(ctx, stored)
		require.NoError(t, err, dst.name)
		b := dst.stores.Requirements.(interface {
			ImportRequirements(context.Context, [][]accord.Revision[requirement.Requirement]) error
		})
		err = dst.raw.Atomically(ctx, func(ctx context.Context) error { return b.ImportRequirements(ctx, doc.Requirements) })
		require.Error(t, err, dst.name)
		assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "%s: %v", dst.name, err)
		assert.ErrorContains(t, err, "a key, name or ID is taken twice", dst.name)
		var records, revisions int
		require.NoError(t, dst.raw.DB.QueryRow("SELECT (SELECT COUNT(*) FROM accord_records), (SELECT COUNT(*) FROM accord_revisions)").Scan(&records, &revisions))
		assert.Equal(t, 1, records, "%s: only the requirement stored before", dst.name)
		assert.Equal(t, 1, revisions, dst.name)
	}
}
