package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/trace"
)

// linksBreak fails every list of links: a store that breaks while the
// export is streaming (links come after the requirements).
type linksBreak struct{ trace.Store }

func (linksBreak) ListLinks(context.Context, string, trace.Filter, accord.PageQuery) (accord.Page[trace.Link], error) {
	return accord.Page[trace.Link]{}, fmt.Errorf("the database went away")
}

// exportAPI serves project "shop" of n requirements (alice is its admin)
// with an export over stores that break as broken says, logging into log.
func exportAPI(t *testing.T, n int, broken bool, log *bytes.Buffer) (http.Handler, adapters.Stores) {
	t.Helper()
	ctx := context.Background()
	stores := memory.New()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	p := project.Project{Key: "shop", Name: "Shop", Members: []project.Member{{Actor: "alice", Roles: []string{"admin"}}, {Actor: "bob", Roles: []string{"backend"}}}, Stamp: accord.NewStamp("alice", at)}
	_, err := stores.Projects.CreateProject(ctx, accord.Revision[project.Project]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: at, Record: p})
	require.NoError(t, err)
	for i := range n {
		r := requirement.Requirement{ID: fmt.Sprintf("R%05d", i), Project: "shop", Status: requirement.Draft,
			Content: requirement.Content{Title: fmt.Sprintf("Refund order %d <in one step>", i), Description: strings.Repeat("Orders are refunded in one step. ", 10), Priority: requirement.P2, Owner: "alice"},
			Stamp:   accord.NewStamp("alice", at)}
		_, err := stores.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: at, Record: r})
		require.NoError(t, err)
	}
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	require.NoError(t, err)
	s, err := link.New(link.Options{Stores: stores, Authorizer: projects})
	require.NoError(t, err)
	exported := stores
	if broken {
		exported.Traces = linksBreak{stores.Traces}
	}
	h, err := httpapi.New(httpapi.Options{Services: s, Projects: projects,
		Exports:       &transfer.Exporter{Stores: exported, Authorizer: projects, Clock: accord.ClockFunc(func() time.Time { return at })},
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{pmToken: {ID: "alice"}, devToken: {ID: "bob"}}),
		Logger:        slog.New(slog.NewTextHandler(log, nil))})
	require.NoError(t, err)
	return h, stores
}

// The export streams the document transfer.Write writes, as JSON with a
// 200; refusals come before the first byte as problems.
func TestExportStreamsTheDocument(t *testing.T) {
	var log bytes.Buffer
	h, stores := exportAPI(t, 120, false, &log)
	res := call(t, h, "GET", "/v1/projects/shop/export", pmToken, "")
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "application/json", res.header.Get("Content-Type"))
	var want bytes.Buffer
	require.NoError(t, transfer.Write(context.Background(), &want, stores, "shop", time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), transfer.Layout{}))
	assert.Equal(t, want.String(), res.raw, "the body is Write's document")
	assert.Contains(t, res.raw, "<in one step>", "HTML is not escaped, as in every answer of the API")
	assert.Len(t, res.body["requirements"], 120)

	forbidden(t, call(t, h, "GET", "/v1/projects/shop/export", devToken, ""), "project.export")
	missing := call(t, h, "GET", "/v1/projects/nope/export", pmToken, "")
	assert.Equal(t, http.StatusNotFound, missing.status, missing.raw)
	assert.Equal(t, "application/problem+json", missing.header.Get("Content-Type"))
	assert.Empty(t, log.String())
}

// A store that fails before anything is sent gives a 500 problem; one
// that fails once part of the document is sent leaves the 200's body
// without the document's end, so no client takes it for a project, and
// logs the error naming the project.
func TestExportCutShortIsVisiblyInvalid(t *testing.T) {
	var log bytes.Buffer
	h, _ := exportAPI(t, 3, true, &log)
	res := call(t, h, "GET", "/v1/projects/shop/export", pmToken, "")
	assert.Equal(t, http.StatusInternalServerError, res.status, "a small project breaks before its first byte is sent: %s", res.raw)
	assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))

	log.Reset()
	h, _ = exportAPI(t, 200, true, &log)
	req := httptest.NewRequest("GET", "/v1/projects/shop/export", nil)
	req.Header.Set("Authorization", "Bearer "+pmToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, "the status went with the first bytes")
	body := rec.Body.String()
	require.Greater(t, len(body), 32<<10, "200 requirements fill the first buffer")
	assert.True(t, strings.HasPrefix(body, `{"format":"accord.project/1"`))
	assert.False(t, strings.HasSuffix(strings.TrimSpace(body), "}"), "the document has no end")
	_, err := transfer.Read(strings.NewReader(body))
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "no reader takes it for a project")
	assert.Contains(t, log.String(), "project export cut short")
	assert.Contains(t, log.String(), "project=shop")
	assert.Contains(t, log.String(), "the database went away")
}

// slowRevisions reads each requirement's revisions slowly: a project
// whose export takes longer than the server's WriteTimeout.
type slowRevisions struct{ requirement.Store }

func (s slowRevisions) ListRequirementRevisions(ctx context.Context, project, id string) ([]accord.Revision[requirement.Requirement], error) {
	time.Sleep(3 * time.Millisecond)
	return s.Store.ListRequirementRevisions(ctx, project, id)
}

// An export that lasts longer than the server's WriteTimeout goes out
// whole while it makes progress: each write moves the deadline ahead.
func TestExportOutlastsTheWriteTimeout(t *testing.T) {
	var log bytes.Buffer
	_, stores := exportAPI(t, 0, false, &log)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 300 {
		r := requirement.Requirement{ID: fmt.Sprintf("R%05d", i), Project: "shop", Status: requirement.Draft,
			Content: requirement.Content{Title: fmt.Sprintf("Refund order %d", i), Description: strings.Repeat("Orders are refunded in one step. ", 10), Priority: requirement.P2, Owner: "alice"},
			Stamp:   accord.NewStamp("alice", at)}
		_, err := stores.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: at, Record: r})
		require.NoError(t, err)
	}
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	require.NoError(t, err)
	s, err := link.New(link.Options{Stores: stores, Authorizer: projects})
	require.NoError(t, err)
	slow := stores
	slow.Requirements = slowRevisions{stores.Requirements}
	h, err := httpapi.New(httpapi.Options{Services: s, Projects: projects, Exports: &transfer.Exporter{Stores: slow, Authorizer: projects},
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{pmToken: {ID: "alice"}}), Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.WriteTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()
	req, err := http.NewRequest("GET", srv.URL+"/v1/projects/shop/export", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+pmToken)
	start := time.Now()
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	d, err := transfer.Read(res.Body)
	require.NoError(t, err, "the whole document arrives")
	assert.Greater(t, time.Since(start), srv.Config.WriteTimeout, "the export outlasted the timeout")
	assert.Len(t, d.Requirements, 300)
	assert.Empty(t, log.String())
}
