package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
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

// The same import through a server's API (-server, -token): a Jira search
// export with Chinese titles comes in as requirements with references,
// reported as the local import reports it; the second import creates
// nothing; a token that is not a member's, or -server with -db, is refused.
func TestImportTrackerThroughTheServer(t *testing.T) {
	s := start(t, filepath.Join(t.TempDir(), "accord.db"), "")
	defer s.stop()
	file := filepath.Join("..", "..", "adapters", "trackerimport", "testdata", "jira-search.json")
	args := []string{"import-tracker", "-project", "demo", "-from", "jira", "-server", s.url, "-token", s.pm, file}

	out, code, err := runIn(t, args...)
	require.NoError(t, err, out)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "created   row 1  jira SHOP-101 → REQ-5 退款到原支付方式")
	assert.Contains(t, out, "3 created, 0 updated, 0 unchanged, 0 conflicts, 0 failed, 2 not mapped")
	var ref external.Reference
	require.Equal(t, 200, do(t, "GET", s.url+"/v1/projects/demo/external-references/by-item/jira/SHOP-101", s.pm, "", &ref).StatusCode)
	assert.Equal(t, "To Do", ref.Status)
	assert.Equal(t, "requirement REQ-5", ref.NamedRecord())
	r := serverRequirementIn(t, s, "REQ-5")
	assert.Equal(t, "退款到原支付方式", r.Title)

	out, _, err = runIn(t, args...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "0 created, 0 updated, 3 unchanged, 0 conflicts, 0 failed, 2 not mapped")
	assert.NotContains(t, out, "created   row", "unchanged items are only counted")
	assert.Equal(t, r.Revision, serverRequirementIn(t, s, "REQ-5").Revision, "the second import wrote nothing")
	var reqs struct{ Items []struct{ Key string } }
	require.Equal(t, 200, do(t, "GET", s.url+"/v1/projects/demo/requirements?page_size=100", s.pm, "", &reqs).StatusCode)
	assert.Len(t, reqs.Items, 7, "4 seeded and 3 imported, none twice")

	// JSON as the local import writes it.
	out, _, err = runIn(t, append([]string{"import-tracker", "-format", "json"}, args[1:]...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, `"outcome": "unchanged"`)

	// Refused: a wrong token (exit 1, nothing written), -server with -db
	// or -actor, a bad URL (exit 2).
	_, code, err = runIn(t, "import-tracker", "-project", "demo", "-from", "jira", "-server", s.url, "-token", "wrong", file)
	require.Error(t, err)
	assert.Equal(t, 1, code)
	for _, bad := range [][]string{
		{"import-tracker", "-project", "demo", "-from", "jira", "-server", s.url, "-db", "x.db", file},
		{"import-tracker", "-project", "demo", "-from", "jira", "-server", s.url, "-actor", "alice", file},
		{"import-tracker", "-project", "demo", "-from", "jira", "-server", "ftp://x", file},
		{"import-tracker", "-project", "demo", "-from", "jira", "-server", s.url, "missing.json"},
	} {
		_, code, err = runIn(t, bad...)
		require.Error(t, err, "%v", bad)
		assert.Equal(t, 2, code, "%v: %v", bad, err)
	}
}

func serverRequirementIn(t *testing.T, s running, key string) requirement.Requirement {
	t.Helper()
	var r requirement.Requirement
	require.Equal(t, 200, do(t, "GET", s.url+"/v1/projects/demo/requirements/"+key, s.pm, "", &r).StatusCode)
	return r
}

// Through the API each call is its own unit of work: an import that
// stops half-way (here the server fails the second requirement) reports
// what is in, exits 1 and says to run again; the second run creates only
// what is missing.
func TestImportTrackerThroughTheServerContinuesAfterAFailure(t *testing.T) {
	s := start(t, "memory", "")
	defer s.stop()
	target, err := url.Parse(s.url)
	require.NoError(t, err)
	var creates atomic.Int32
	proxy := httputil.NewSingleHostReverseProxy(target)
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/requirements") && creates.Add(1) == 2 {
			http.Error(w, "the database went away", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer flaky.Close()
	file := filepath.Join("..", "..", "adapters", "trackerimport", "testdata", "jira-search.json")

	out, code, err := runIn(t, "import-tracker", "-project", "demo", "-from", "jira", "-server", flaky.URL, "-token", s.pm, file)
	require.Error(t, err)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "created   row 1  jira SHOP-101 → REQ-5 退款到原支付方式")
	assert.Contains(t, out, "1 created, 0 updated")
	assert.Contains(t, err.Error(), "row 2 (SHOP-102)")
	assert.Contains(t, err.Error(), "the 1 item(s) before it are imported: run the same import again to continue")

	out, _, err = runIn(t, "import-tracker", "-project", "demo", "-from", "jira", "-server", s.url, "-token", s.pm, file)
	require.NoError(t, err, out)
	assert.Contains(t, out, "2 created, 0 updated, 1 unchanged, 0 conflicts, 0 failed, 2 not mapped")
	assert.Contains(t, out, "created   row 2  jira SHOP-102 → REQ-6 ")
}
