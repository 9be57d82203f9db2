package transfer_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/external"
)

// References to tracker items move with their project, revisions and
// tombstones included: a removed reference whose item is referenced
// again comes out as it went in.
func TestExternalReferencesMove(t *testing.T) {
	ctx := context.Background()
	ann := accord.WithActor(ctx, accord.Actor{ID: "ann", Roles: []string{"admin"}})
	src := memoryStores()
	createProject(t, src, "shop")
	refs, err := external.NewService(external.Options{Store: src.External})
	require.NoError(t, err)
	req := accord.Ref{Kind: "requirement", ID: "REQ-1"}
	r, err := refs.Add(ann, "shop", external.NewReference{Record: req, System: external.Jira, Key: "SHOP-1", Content: external.Content{Status: "To Do"}})
	require.NoError(t, err)
	_, err = refs.Update(ann, "shop", r.ID, 1, external.Content{Status: "完成"}, "synced")
	require.NoError(t, err)
	require.NoError(t, refs.Remove(ann, "shop", r.ID, "wrong issue"))
	_, err = refs.Add(ann, "shop", external.NewReference{Record: accord.Ref{Kind: "risk", ID: "RISK-1"}, System: external.Jira, Key: "SHOP-1"})
	require.NoError(t, err)

	doc, err := transfer.Export(ctx, src, "shop", t0)
	require.NoError(t, err)
	require.Len(t, doc.External, 2)
	text := withoutTime(t, doc)
	for _, dst := range sqlTargets(t) {
		t.Run(dst.name, func(t *testing.T) {
			require.NoError(t, dst.raw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, dst.stores, doc) }))
			again, err := transfer.Export(ctx, dst.stores, "shop", t0)
			require.NoError(t, err)
			assert.JSONEq(t, text, withoutTime(t, again))
			found, err := dst.stores.External.FindReference(ctx, "shop", external.Jira, "SHOP-1")
			require.NoError(t, err)
			assert.Equal(t, "RISK-1", found.Record.ID, "the live reference holds the item")
		})
	}
}
