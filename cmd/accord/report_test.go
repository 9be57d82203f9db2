package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/adapters/report"
)

// The demo project's coverage report has a gap of each kind, its progress
// report every section, and applying the waiting change request turns the
// contract's link to REQ-1 suspect.
func TestReportsOnTheDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "accord.db")
	srv := start(t, db, "")

	var changes struct {
		Items []struct {
			ID       string `json:"id"`
			Revision int    `json:"revision"`
		} `json:"items"`
	}
	require.Equal(t, 200, do(t, "GET", srv.url+"/v1/projects/demo/requirements/REQ-1/change-requests", srv.pm, "", &changes).StatusCode)
	require.Len(t, changes.Items, 1)
	cr := srv.url + "/v1/projects/demo/change-requests/" + changes.Items[0].ID
	require.Equal(t, 200, do(t, "POST", cr+"/decisions", srv.dev, `{"to":"approved","reason":"legal"}`, nil, "If-Match", `"1"`).StatusCode)
	require.Equal(t, 200, do(t, "POST", cr+"/apply", srv.pm, "", nil, "If-Match", `"2"`).StatusCode)
	var suspect struct {
		Items []struct {
			From      struct{ Kind, ID string } `json:"from"`
			Role      string                    `json:"role"`
			Suspicion struct {
				Fields []string `json:"fields"`
			} `json:"suspicion"`
		} `json:"items"`
	}
	require.Equal(t, 200, do(t, "GET", srv.url+"/v1/projects/demo/links?status=suspect&record=requirement/REQ-1", srv.dev, "", &suspect).StatusCode)
	var from []string
	for _, l := range suspect.Items {
		from = append(from, l.From.Kind)
		assert.Equal(t, []string{"description", "acceptance_criteria[1].text"}, l.Suspicion.Fields, l.From.ID)
	}
	slices.Sort(from)
	assert.Equal(t, []string{"contract_version", "iteration", "milestone", "retro", "risk"}, from,
		"orders 1.1.0 implements REQ-1, Sprint 15 schedules it, MS-1 delivers it, RETRO-1 looks back on it, the payment provider risk names it")
	srv.stop()

	var out bytes.Buffer
	require.NoError(t, cli(context.Background(), []string{"report", "coverage", "-project", "demo", "-format", "json", "-db", db}, &out, quiet))
	var cov report.CoverageReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &cov))
	got := map[report.GapKind][]string{}
	for _, g := range cov.Gaps {
		got[g.Kind] = append(got[g.Kind], g.Requirement+" "+g.Operation+g.Criterion)
		assert.NotEmpty(t, g.Title, "the gap of %s names its requirement's title", g.Requirement)
	}
	assert.Equal(t, []string{"REQ-4 "}, got[report.GapNoOperation], "REQ-4 is in development; the orders contract has no search")
	assert.Equal(t, []string{"REQ-1 orders refundOrder"}, got[report.GapNotExercised], "1.1.0's tests never reached the new refund")
	assert.Equal(t, []string{"REQ-4 AC-1"}, got[report.GapCheckFailed])
	assert.Contains(t, got[report.GapNoTestRef], "REQ-3 AC-1")
	req1 := cov.Requirements[slices.IndexFunc(cov.Requirements, func(r report.RequirementCoverage) bool { return r.Key == "REQ-1" })]
	require.Len(t, req1.Operations, 2)
	assert.True(t, req1.Operations[0].Exercised, "getOrder")
	assert.Equal(t, "TestRefundInsideWindow", req1.Criteria[0].TestRef)

	out.Reset()
	require.NoError(t, cli(context.Background(), []string{"report", "coverage", "-project", "demo", "-format", "csv", "-db", db}, &out, quiet))
	assert.Contains(t, out.String(), "REQ-1,Refund a paid order,in_review,false,operation,orders,1.1.0,refundOrder,POST,/orders/{id}/refunds,false,,,,,,not_exercised")

	out.Reset()
	require.NoError(t, cli(context.Background(), []string{"report", "-project", "demo", "-since", "2020-01-01", "-db", db}, &out, quiet), "progress is the default")
	md := out.String()
	for _, want := range []string{"# Progress report: demo, 2020-01-01 to", "## Current state", "- IT-1 Sprint 15", "- Milestone MS-1",
		"## Done", "## In progress", "REQ-4 Search orders by buyer phone number (in_development, alice)",
		"## Changed since 2020-01-01", "### Reviews pending", "RV-2 REQ-3 Export invoices as CSV (pending): waits on",
		"### Questions past their response target", "Q-1 about REQ-1 Refund a paid order, to role product, blocking", "### Top risks", "### Open actions",
		"### Suspect links (5)", "- orders 1.1.0 implements REQ-1 Refund a paid order: description, acceptance_criteria[1].text changed (revision 3 to 4)",
		"- IT-1 Sprint 15 relates_to REQ-1 Refund a paid order:", "### Coverage gaps"} {
		assert.Contains(t, md, want)
	}
	// Open actions name where they come from by key and title.
	_, actions, _ := strings.Cut(md, "### Open actions")
	actions, _, _ = strings.Cut(actions, "\n### ")
	assert.Regexp(t, `\n- (RISK|RETRO)-\d+ [^:]+: `, actions)
	assert.NotRegexp(t, `\n- (RISK|RETRO)-\d+: `, actions, "a key alone")

	err := cli(context.Background(), []string{"report", "progress", "-project", "demo", "-format", "csv", "-db", db}, &out, quiet)
	require.Error(t, err)
	assert.Equal(t, 2, exitCode(err))
	assert.True(t, strings.Contains(err.Error(), "one of markdown, json"), err.Error())
}
