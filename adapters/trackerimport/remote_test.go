package trackerimport_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/trackerimport"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// apiServer serves the JSON API over memory stores with a project "shop"
// whose admin is alice (token "alice"); bob (token "bob") is no member.
func apiServer() (*httptest.Server, error) {
	stores := memory.New()
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	if err != nil {
		return nil, err
	}
	services, err := link.New(link.Options{Stores: stores, Authorizer: projects})
	if err != nil {
		return nil, err
	}
	refs, err := external.NewService(external.Options{Store: stores.External, Records: services.Records, Authorizer: projects})
	if err != nil {
		return nil, err
	}
	h, err := httpapi.New(httpapi.Options{Services: services, Names: services.Records, External: refs, Promoter: services, Projects: projects,
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"alice": {ID: "alice"}, "bob": {ID: "bob"}}),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, err
	}
	if _, err := projects.Create(accord.WithActor(context.Background(), accord.Actor{ID: "alice"}), project.NewProject{Key: "shop", Name: "Shop"}); err != nil {
		return nil, err
	}
	return httptest.NewServer(h), nil
}

func apiClient(t *testing.T, srv *httptest.Server, token string) *client.Client {
	c, err := client.New(client.Options{BaseURL: srv.URL, Token: token, HTTPClient: srv.Client()})
	require.NoError(t, err)
	return c
}

// Through the API as in the process: each item a requirement with its
// reference, a second import writes nothing, a changed item updates its
// requirement, and an item changed on both sides is a conflict.
func TestImportThroughTheAPI(t *testing.T) {
	srv, err := apiServer()
	require.NoError(t, err)
	defer srv.Close()
	alice := apiClient(t, srv, "alice")
	im := trackerimport.Importer{Requirements: trackerimport.RequirementsVia(alice), References: trackerimport.ReferencesVia(alice)}
	ctx := context.Background()
	run := func(text string) trackerimport.Report {
		t.Helper()
		items, problems, err := trackerimport.Parse(trackerimport.PingCode, "pingcode.csv", []byte(text))
		require.NoError(t, err)
		rep, err := im.Import(ctx, "shop", trackerimport.PingCode, items, problems)
		require.NoError(t, err)
		return rep
	}
	text := read(t, "pingcode.csv")
	first := run(text)
	assert.Equal(t, 2, first.Count(trackerimport.Created))
	require.Len(t, first.Problems, 1)
	assert.Equal(t, "row 4 (SHOP-14): no title", first.Problems[0].String())
	r, _, err := alice.GetRequirement(ctx, "shop", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, "退款到原支付方式", r.Title)
	assert.Equal(t, []string{"支付", "退款"}, r.Labels)
	ref, _, err := alice.FindExternalReference(ctx, "shop", "pingcode", "SHOP-12")
	require.NoError(t, err)
	assert.Equal(t, "进行中", ref.Status)
	assert.Equal(t, r.ID, ref.Record.ID)

	second := run(text)
	assert.Equal(t, 2, second.Count(trackerimport.Unchanged), "%+v", second.Results)
	r2, _, err := alice.GetRequirement(ctx, "shop", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, r.Revision, r2.Revision, "a second import writes nothing")
	page, err := alice.ListRequirementsPage(ctx, "shop", nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 2, "no duplicates")

	// SHOP-12 renamed there: REQ-1 follows. SHOP-13 renamed there and
	// edited here: a conflict, REQ-2 kept.
	r3, _, err := alice.GetRequirement(ctx, "shop", "REQ-2")
	require.NoError(t, err)
	edit := requirement.ContentInput{Content: r3.Content, Note: "edited in accord"}
	edit.Description = "在 accord 中补充的说明"
	_, _, err = alice.UpdateRequirement(ctx, "shop", "REQ-2", r3.Revision, edit)
	require.NoError(t, err)
	changed := replace(t, text, "退款到原支付方式", "退款到原支付方式或余额")
	changed = replace(t, changed, "导出订单为 CSV", "导出订单为 Excel")
	third := run(changed)
	assert.Equal(t, 1, third.Count(trackerimport.Updated), "%+v", third.Results)
	assert.Equal(t, 1, third.Count(trackerimport.Conflict), "%+v", third.Results)
	r, _, err = alice.GetRequirement(ctx, "shop", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, "退款到原支付方式或余额", r.Title)
	r3, _, err = alice.GetRequirement(ctx, "shop", "REQ-2")
	require.NoError(t, err)
	assert.Equal(t, "导出订单为 CSV", r3.Title, "edited on both sides: nothing overwritten")
	conflicted, _, err := alice.FindExternalReference(ctx, "shop", "pingcode", "SHOP-13")
	require.NoError(t, err)
	assert.Contains(t, conflicted.SyncError, "REQ-2 was edited in accord since the last import")

	// A caller who is not a member learns nothing and writes nothing.
	bob := apiClient(t, srv, "bob")
	items, problems, err := trackerimport.Parse(trackerimport.PingCode, "pingcode.csv", []byte(text))
	require.NoError(t, err)
	_, err = trackerimport.Importer{Requirements: trackerimport.RequirementsVia(bob), References: trackerimport.ReferencesVia(bob)}.Import(ctx, "shop", trackerimport.PingCode, items, problems)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
}

// An item whose reference would be refused (its URL is not http) is
// reported as failed before its requirement is created: nothing is left
// for the next import to duplicate.
func TestARefusedReferenceCreatesNoRequirement(t *testing.T) {
	w := newWorld(t)
	items := []trackerimport.Item{{Row: 2, Key: "SHOP-1", Title: "退款", URL: "ftp://tracker/SHOP-1"}}
	rep, err := w.im.Import(w.ctx, "shop", trackerimport.Jira, items, nil)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.Equal(t, trackerimport.Failed, rep.Results[0].Outcome)
	assert.Contains(t, rep.Results[0].Why, "url")
	page, err := w.reqs.List(w.ctx, "shop", requirement.Filter{}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
}

func replace(t *testing.T, text, old, new string) string {
	t.Helper()
	require.Contains(t, text, old)
	return strings.Replace(text, old, new, 1)
}

// An import through an accord server's API: the client's calls stand in
// for the services, and a second import of the same file writes nothing.
func ExampleReferencesVia() {
	srv, err := apiServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	c, err := client.New(client.Options{BaseURL: srv.URL, Token: "alice", HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	im := trackerimport.Importer{Requirements: trackerimport.RequirementsVia(c), References: trackerimport.ReferencesVia(c)}
	export := "{\"issues\":[{\"key\":\"SHOP-1\",\"fields\":{\"summary\":\"退款到原支付方式\",\"status\":{\"name\":\"To Do\"}}}]}"
	for range 2 {
		items, problems, err := trackerimport.Parse(trackerimport.Jira, "search.json", []byte(export))
		if err != nil {
			fmt.Println(err)
			return
		}
		rep, err := im.Import(context.Background(), "shop", trackerimport.Jira, items, problems)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, r := range rep.Results {
			fmt.Println(r.Outcome, r.Key, "→", r.Requirement, r.Title)
		}
	}
	// Output:
	// created SHOP-1 → REQ-1 退款到原支付方式
	// unchanged SHOP-1 → REQ-1 退款到原支付方式
}
