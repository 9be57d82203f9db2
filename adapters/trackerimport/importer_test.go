package trackerimport_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/trackerimport"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/requirement"
)

type world struct {
	im   trackerimport.Importer
	reqs *requirement.Service
	refs *external.Service
	ctx  context.Context
}

func newWorld(t *testing.T) world {
	stores := memory.New()
	reqs, err := requirement.NewService(requirement.Options{Store: stores.Requirements})
	require.NoError(t, err)
	refs, err := external.NewService(external.Options{Store: stores.External})
	require.NoError(t, err)
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "importer", Roles: []string{"product"}})
	return world{im: trackerimport.Importer{Requirements: trackerimport.RequirementsOf(reqs), References: refs}, reqs: reqs, refs: refs, ctx: ctx}
}

func (w world) importText(t *testing.T, from trackerimport.Source, name, text string) trackerimport.Report {
	t.Helper()
	items, problems, err := trackerimport.Parse(from, name, []byte(text))
	require.NoError(t, err)
	rep, err := w.im.Import(w.ctx, "shop", from, items, problems)
	require.NoError(t, err)
	return rep
}

func read(t *testing.T, name string) string {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

func TestEveryExportImportsAndASecondImportChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		from    trackerimport.Source
		file    string
		created int
	}{
		{trackerimport.Jira, "jira-search.json", 3}, {trackerimport.Jira, "jira.csv", 2}, {trackerimport.Trello, "trello-board.json", 2},
		{trackerimport.Asana, "asana-tasks.json", 2}, {trackerimport.Asana, "asana.csv", 2},
		{trackerimport.PingCode, "pingcode.csv", 2}, {trackerimport.Worktile, "worktile-gbk.csv", 2},
	} {
		t.Run(tc.file, func(t *testing.T) {
			w := newWorld(t)
			first := w.importText(t, tc.from, tc.file, read(t, tc.file))
			assert.Equal(t, tc.created, first.Count(trackerimport.Created), "%+v", first.Results)
			reqs, err := w.reqs.List(w.ctx, "shop", requirement.Filter{}, accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, reqs.Items, tc.created)
			refs, err := w.refs.List(w.ctx, "shop", external.Filter{System: string(tc.from)}, accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, refs.Items, tc.created)
			titles := ""
			for _, r := range reqs.Items {
				titles += r.Title + "|"
			}
			assert.True(t, strings.Contains(titles, "退款到原支付方式") || strings.Contains(titles, "订单导出"), "Chinese titles kept: %s", titles)

			second := w.importText(t, tc.from, tc.file, read(t, tc.file))
			assert.Equal(t, tc.created, second.Count(trackerimport.Unchanged), "%+v", second.Results)
			assert.Equal(t, first.Problems, second.Problems)
			again, err := w.reqs.List(w.ctx, "shop", requirement.Filter{}, accord.PageQuery{})
			require.NoError(t, err)
			for i, r := range again.Items {
				assert.Equal(t, reqs.Items[i].Revision, r.Revision, "%s changed on a second import", r.Key)
			}
			refsAgain, _ := w.refs.List(w.ctx, "shop", external.Filter{}, accord.PageQuery{})
			for i, r := range refsAgain.Items {
				assert.Equal(t, refs.Items[i].Revision, r.Revision, "the reference to %s changed on a second import", r.Name())
			}
		})
	}
}

func TestAChangedItemUpdatesItsRequirementUnlessEditedInAccord(t *testing.T) {
	w := newWorld(t)
	const header = "编号,标题,状态,优先级,负责人,描述\n"
	first := w.importText(t, trackerimport.PingCode, "v1.csv", header+"SHOP-1,退款,待处理,中,alice,v1\nSHOP-2,导出,待处理,低,,v1\n")
	require.Equal(t, 2, first.Count(trackerimport.Created))
	req1, req2 := first.Results[0].Requirement, first.Results[1].Requirement

	// SHOP-1 changes there only; SHOP-2 changes there and in accord.
	r2, err := w.reqs.Get(w.ctx, "shop", req2)
	require.NoError(t, err)
	c := r2.Content
	c.Goal = "edited in accord"
	_, err = w.reqs.Update(w.ctx, "shop", req2, r2.Revision, requirement.ContentInput{Content: c, Note: "mine"})
	require.NoError(t, err)

	second := w.importText(t, trackerimport.PingCode, "v2.csv", header+"SHOP-1,退款到原支付方式,进行中,高,alice,v2\nSHOP-2,导出订单,进行中,低,,v2\n")
	require.Len(t, second.Results, 2)
	assert.Equal(t, trackerimport.Updated, second.Results[0].Outcome, second.Results[0].Why)
	assert.Equal(t, trackerimport.Conflict, second.Results[1].Outcome)
	assert.Contains(t, second.Results[1].Why, "edited in accord")

	r1, err := w.reqs.Get(w.ctx, "shop", req1)
	require.NoError(t, err)
	assert.Equal(t, "退款到原支付方式", r1.Title)
	assert.Equal(t, requirement.P1, r1.Priority)
	ref, err := w.refs.Find(w.ctx, "shop", "pingcode", "SHOP-1")
	require.NoError(t, err)
	assert.Equal(t, "进行中", ref.Status)
	assert.Equal(t, r1.Revision, ref.RecordRevision)

	r2, err = w.reqs.Get(w.ctx, "shop", req2)
	require.NoError(t, err)
	assert.Equal(t, "导出", r2.Title, "nothing overwritten")
	assert.Equal(t, "edited in accord", r2.Goal)
	ref2, err := w.refs.Find(w.ctx, "shop", "pingcode", "SHOP-2")
	require.NoError(t, err)
	assert.Contains(t, ref2.SyncError, "edited in accord", "the conflict is shown on the reference")

	third := w.importText(t, trackerimport.PingCode, "v2.csv", header+"SHOP-1,退款到原支付方式,进行中,高,alice,v2\nSHOP-2,导出订单,进行中,低,,v2\n")
	assert.Equal(t, trackerimport.Unchanged, third.Results[0].Outcome)
	assert.Equal(t, trackerimport.Conflict, third.Results[1].Outcome, "still a conflict, reported again")
	again, _ := w.refs.Find(w.ctx, "shop", "pingcode", "SHOP-2")
	assert.Equal(t, ref2.Revision, again.Revision, "reporting it again writes nothing")
}

func TestStatusOnlyChangesTheReference(t *testing.T) {
	w := newWorld(t)
	const header = "Summary,Issue key,Status\n"
	first := w.importText(t, trackerimport.Jira, "a.csv", header+"Refund,SHOP-1,To Do\n")
	req := first.Results[0].Requirement
	before, _ := w.reqs.Get(w.ctx, "shop", req)
	second := w.importText(t, trackerimport.Jira, "b.csv", header+"Refund,SHOP-1,Done\n")
	assert.Equal(t, trackerimport.Updated, second.Results[0].Outcome)
	after, _ := w.reqs.Get(w.ctx, "shop", req)
	assert.Equal(t, before.Revision, after.Revision, "the requirement did not change")
	ref, _ := w.refs.Find(w.ctx, "shop", "jira", "SHOP-1")
	assert.Equal(t, "Done", ref.Status)
}

func TestAnItemWhoseRequirementWasDeletedIsReported(t *testing.T) {
	w := newWorld(t)
	const header = "编号,标题\n"
	first := w.importText(t, trackerimport.Worktile, "a.csv", header+"WT-1,退款\nWT-2,导出\n")
	require.NoError(t, w.reqs.Delete(w.ctx, "shop", first.Results[0].Requirement, "not needed"))
	second := w.importText(t, trackerimport.Worktile, "b.csv", header+"WT-1,退款到原支付方式\nWT-2,导出\n")
	assert.Equal(t, trackerimport.Failed, second.Results[0].Outcome)
	assert.Contains(t, second.Results[0].Why, "was deleted in accord")
	assert.Equal(t, trackerimport.Unchanged, second.Results[1].Outcome, "the other items go on")
}
