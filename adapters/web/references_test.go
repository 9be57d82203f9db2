package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/web"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/risk"
)

// A record's page lists the items that stand for it in other systems:
// system, key linked to the item, status there, when it was last
// synchronised and the last sync's error, labelled in English and in
// Chinese; a record without any says so; a console without the External
// service has no such section.
func TestRecordPagesShowTheirTrackerItems(t *testing.T) {
	var refs *external.Service
	f := newFixture(t, func(o *web.Options) {
		var err error
		refs, err = external.NewService(external.Options{Store: memory.NewExternalStore(), Records: o.Records, Authorizer: o.Projects})
		require.NoError(t, err)
		o.External = refs
	})
	ctx := accord.WithActor(context.Background(), alice)
	synced := time.Date(2026, 12, 7, 22, 30, 0, 0, time.UTC)
	_, err := refs.Add(ctx, "shop", external.NewReference{Record: accord.Ref{Kind: "requirement", ID: "REQ-1"}, System: external.Jira, Key: "SHOP-123",
		Content: external.Content{URL: "https://shop.atlassian.net/browse/SHOP-123", Title: "退款到原支付方式", Status: "In Progress", SyncedAt: &synced,
			SyncError: "jira answered 429: rate limited, retrying at 22:31"}})
	require.NoError(t, err)
	_, err = refs.Add(ctx, "shop", external.NewReference{Record: accord.Ref{Kind: "requirement", ID: "REQ-1"}, System: external.PingCode, Key: "PAY-7",
		Content: external.Content{Status: "进行中"}})
	require.NoError(t, err)

	b := f.browser(t)
	b.login("tok-alice")
	w := b.do("GET", "/projects/shop/requirements/REQ-1", nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	assert.Contains(t, body, `<h2>Tracker items</h2>`)
	assert.Contains(t, body, `<th>System</th><th>Item</th><th>Status there</th><th>Last synced</th><th>Sync error</th>`)
	assert.Regexp(t, `<tr class="ref" data-system="jira" data-key="SHOP-123"><td>jira</td><td><a href="https://shop.atlassian.net/browse/SHOP-123" rel="noopener noreferrer">SHOP-123</a> <span class="muted">退款到原支付方式</span></td><td>In Progress</td><td>[^<]*2026[^<]*</td><td><span class="field-error">jira answered 429: rate limited, retrying at 22:31</span></td></tr>`, body)
	assert.Contains(t, body, `<td>pingcode</td><td>PAY-7</td><td>进行中</td><td><span class="muted">never</span></td><td></td>`, "no URL: the key unlinked; never synchronised")

	b.lang = "zh-CN"
	body = b.do("GET", "/projects/shop/requirements/REQ-1", nil).Body.String()
	assert.Contains(t, body, `<h2>外部引用</h2>`)
	assert.Contains(t, body, `<th>系统</th><th>条目</th><th>对方状态</th><th>最近同步</th><th>同步错误</th>`)
	assert.Contains(t, body, `<span class="muted">从未同步</span>`)

	// A risk without references says so; with one, shows it.
	rk, err := f.risks.Create(ctx, "shop", risk.NewRisk{Title: "Refunds queue up", Category: risk.Dependency, Cause: "a", Event: "b", Effect: "c"})
	require.NoError(t, err)
	b.lang = ""
	body = b.do("GET", "/projects/shop/risks/"+rk.Key, nil).Body.String()
	assert.Contains(t, body, "Not tracked in another system.")
	_, err = refs.Add(ctx, "shop", external.NewReference{Record: accord.Ref{Kind: "risk", ID: rk.Key}, System: external.Jira, Key: "SHOP-9", Content: external.Content{Status: "Open"}})
	require.NoError(t, err)
	body = b.do("GET", "/projects/shop/risks/"+rk.Key, nil).Body.String()
	assert.Contains(t, body, `<td>jira</td><td>SHOP-9</td><td>Open</td>`)

	// On the iteration board, a plan item's card carries its record's
	// items; the iteration's own section lists its own.
	it, err := f.plans.CreateIteration(ctx, "shop", plan.IterationContent{Name: "Sprint 15", Start: "2026-12-07", End: "2026-12-18"})
	require.NoError(t, err)
	r1, err := f.reqs.Get(ctx, "shop", "REQ-1")
	require.NoError(t, err)
	_, err = f.plans.Schedule(ctx, "shop", it.Key, it.Revision, plan.ScheduleInput{Ref: r1.Ref()})
	require.NoError(t, err)
	w = b.do("GET", "/projects/shop/iterations/"+it.Key, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body = w.Body.String()
	assert.Contains(t, body, `<p class="refs"><span class="badge ref" title="In Progress · jira answered 429: rate limited, retrying at 22:31"><a href="https://shop.atlassian.net/browse/SHOP-123" rel="noopener noreferrer">jira SHOP-123</a> · In Progress · Sync error</span> <span class="badge ref" title="进行中">pingcode PAY-7 · 进行中</span>`)
	assert.Contains(t, body, "Not tracked in another system.", "the iteration itself has none")

	// Without the service: no section at all.
	plain := newFixture(t).browser(t)
	plain.login("tok-alice")
	assert.NotContains(t, plain.do("GET", "/projects/shop/requirements/REQ-1", nil).Body.String(), "Tracker items")
}
