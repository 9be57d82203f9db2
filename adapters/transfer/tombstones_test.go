package transfer_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/postgres"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// postgresStores returns migrated stores in a schema of their own on the
// server ACCORD_POSTGRES_URL names, dropped when the test ends; nil
// without one.
// sqlTarget is an SQL engine a test imports into.
type sqlTarget struct {
	name   string
	stores adapters.Stores
	raw    *sqlstore.Stores
}

// sqlTargets are the engines an import is tried on: SQLite, and
// PostgreSQL when ACCORD_POSTGRES_URL names a server.
func sqlTargets(t *testing.T) []sqlTarget {
	t.Helper()
	stores, raw := sqliteStores(t)
	targets := []sqlTarget{{"sqlite", stores, raw}}
	if pg, raw, ok := postgresStores(t); ok {
		targets = append(targets, sqlTarget{"postgres", pg, raw})
	}
	return targets
}

func postgresStores(t testing.TB) (adapters.Stores, *sqlstore.Stores, bool) {
	t.Helper()
	base := os.Getenv("ACCORD_POSTGRES_URL")
	if base == "" {
		return adapters.Stores{}, nil, false
	}
	schema := "accord_transfer_" + strings.ToLower(rand.Text()[:10])
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(u.String())
	require.NoError(t, err)
	t.Cleanup(func() { s.DB.Close() })
	require.NoError(t, postgres.Migrate(context.Background(), s.DB))
	return s.Stores, s, true
}

// wired returns the real services over s.
func wired(t *testing.T, s adapters.Stores) link.Services {
	t.Helper()
	services, err := link.New(link.Options{Stores: s})
	require.NoError(t, err)
	return services
}

// Deleted records move with the project: a deleted requirement, risk,
// link and glossary term (whose name a live term holds now) go out with
// every revision, the tombstone last, and come in from memory to SQLite
// (and PostgreSQL, when ACCORD_POSTGRES_URL names a server) still
// deleted: hidden from gets and lists, listed as deleted, their keys
// reserved, their histories identical, and an admin restores them there.
func TestDeletedRecordsMoveStillDeleted(t *testing.T) {
	ctx := context.Background()
	ann := accord.WithActor(ctx, accord.Actor{ID: "ann", Name: "Ann", Roles: []string{"admin"}})
	src := memoryStores()
	createProject(t, src, "shop")
	s := wired(t, src)
	newReq := func(title string) requirement.Requirement {
		t.Helper()
		r, err := s.Requirements.Create(ann, "shop", requirement.ContentInput{Content: requirement.Content{Title: title, Description: "d", Priority: requirement.P2, Owner: "ann"}})
		require.NoError(t, err)
		return r
	}
	r1, r2, r3 := newReq("Refund a paid order"), newReq("Export invoices"), newReq("Refund in one step")
	_, err := s.Requirements.Update(ann, "shop", r2.Key, 1, requirement.ContentInput{Content: requirement.Content{Title: "Export invoices as PDF", Description: "d", Priority: requirement.P2, Owner: "ann"}, Note: "sharper"})
	require.NoError(t, err)
	require.NoError(t, s.Requirements.Delete(ann, "shop", r2.Key, "a duplicate of REQ-1"))
	k1, err := s.Risks.Create(ann, "shop", risk.NewRisk{Title: "Refunds queue up", Cause: "rate limits", Event: "queues", Effect: "late refunds", Category: "dependency"})
	require.NoError(t, err)
	_, err = s.Risks.Create(ann, "shop", risk.NewRisk{Title: "Invoices leak", Cause: "a bug", Event: "a leak", Effect: "fines", Category: "security"})
	require.NoError(t, err)
	require.NoError(t, s.Risks.Delete(ann, "shop", k1.Key, "not a risk after all"))
	l, err := s.Traces.Link(ann, "shop", trace.NewLink{From: r3.Ref(), To: r1.Ref(), Role: trace.Refines})
	require.NoError(t, err)
	require.NoError(t, s.Traces.Unlink(ann, "shop", l.ID, "refines nothing"))
	old, err := s.Requirements.CreateTerm(ann, "shop", requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "a cart"}})
	require.NoError(t, err)
	require.NoError(t, s.Requirements.DeleteTerm(ann, "shop", old.ID, "wrong"))
	_, err = s.Requirements.CreateTerm(ann, "shop", requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "a commitment to pay"}})
	require.NoError(t, err)

	doc, err := transfer.Export(ctx, src, "shop", t0)
	require.NoError(t, err)
	require.Len(t, doc.Requirements, 3, "the deleted requirement is exported")
	assert.Equal(t, r2.ID, doc.Requirements[1][0].Record.ID, "in key order")
	tomb := doc.Requirements[1][len(doc.Requirements[1])-1]
	assert.Equal(t, accord.RevisionDeleted, tomb.Kind)
	require.NotNil(t, tomb.Record.Deleted)
	assert.Equal(t, "a duplicate of REQ-1", tomb.Record.Deleted.Reason)
	assert.Len(t, doc.Requirements[1], 3, "created, edited, deleted")
	assert.Len(t, doc.Risks, 2)
	assert.Len(t, doc.Links, 1)
	assert.Len(t, doc.Terms, 2)
	text := withoutTime(t, doc)

	for _, dst := range sqlTargets(t) {
		t.Run(dst.name, func(t *testing.T) {
			require.NoError(t, dst.raw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, dst.stores, doc) }))
			again, err := transfer.Export(ctx, dst.stores, "shop", t0)
			require.NoError(t, err)
			assert.JSONEq(t, text, withoutTime(t, again), "every history comes out as it went in, tombstones included")

			d := wired(t, dst.stores)
			_, err = d.Requirements.Get(ann, "shop", r2.Key)
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the requirement is still deleted")
			_, err = d.Risks.Get(ann, "shop", k1.ID)
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the risk is still deleted")
			_, err = d.Traces.Get(ann, "shop", l.ID)
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the link is still deleted")
			assert.Equal(t, []string{r1.Title, r3.Title}, titles(t, dst.stores, "shop"))
			gone, err := d.Requirements.ListDeleted(ann, "shop", accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, gone.Items, 1)
			assert.Equal(t, r2.Key, gone.Items[0].Key)
			assert.Equal(t, "ann", gone.Items[0].Deleted.By)
			terms, err := d.Requirements.ListTerms(ann, "shop", accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, terms.Items, 1)
			assert.Equal(t, "a commitment to pay", terms.Items[0].Definition, "the live term keeps the name")

			next, err := d.Requirements.Create(ann, "shop", requirement.ContentInput{Content: requirement.Content{Title: "New", Description: "d", Priority: requirement.P3, Owner: "ann"}})
			require.NoError(t, err)
			assert.Equal(t, requirement.KeyOf(4), next.Key, "the deleted requirement's key stays taken")

			back, err := d.Requirements.Restore(ann, "shop", r2.ID, "needed after all")
			require.NoError(t, err)
			assert.Equal(t, r2.Key, back.Key)
			assert.Equal(t, "Export invoices as PDF", back.Title)
			revs, err := d.Requirements.History(ann, "shop", r2.Key)
			require.NoError(t, err)
			require.Len(t, revs, 4)
			assert.Equal(t, accord.RevisionRestored, revs[3].Kind)
			_, err = d.Risks.Restore(ann, "shop", k1.ID, "a risk after all")
			require.NoError(t, err)
			_, err = d.Risks.Get(ann, "shop", k1.Key)
			assert.NoError(t, err)
			_, err = d.Traces.Restore(ann, "shop", l.ID, "it does refine")
			require.NoError(t, err)
			_, err = d.Traces.Get(ann, "shop", l.ID)
			assert.NoError(t, err)
		})
	}
}
