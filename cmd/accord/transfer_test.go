package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// exported is a document as canonical JSON (object keys sorted), the
// export time left out: PostgreSQL's jsonb keeps the keys of a schema or
// an example body in its own order, which JSON does not give a meaning.
func exported(t *testing.T, raw []byte) string {
	t.Helper()
	var d transfer.Document
	require.NoError(t, json.Unmarshal(raw, &d))
	d.Exported = time.Time{}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	b, err = json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// The demo project goes from memory to SQLite to PostgreSQL (when one is
// given) and comes out of each exactly as it went in, revisions and keys
// included.
func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	mem, err := openBackend(ctx, "memory")
	require.NoError(t, err)
	services, err := mem.services(nil)
	require.NoError(t, err)
	projects, err := project.NewService(project.Options{Store: mem.Projects})
	require.NoError(t, err)
	seeded, err := seedOnce(ctx, projects, services, mem)
	require.NoError(t, err)
	require.True(t, seeded)
	doc, err := transfer.Export(ctx, mem.Stores, "demo", time.Now())
	require.NoError(t, err)
	assert.Len(t, doc.Requirements, 4)
	assert.NotEmpty(t, doc.Links)
	assert.NotEmpty(t, doc.Risks)
	assert.Greater(t, len(doc.Requirements[0]), 1, "REQ-1 has a history")
	first, err := json.Marshal(doc)
	require.NoError(t, err)
	dir := t.TempDir()
	file := filepath.Join(dir, "demo.json")
	require.NoError(t, os.WriteFile(file, first, 0o644))

	targets := []string{filepath.Join(dir, "moved.db")}
	if os.Getenv("ACCORD_POSTGRES_URL") != "" {
		targets = append(targets, postgresSchema(t, "accord_transfer_"))
	}
	for _, db := range targets {
		var out bytes.Buffer
		require.NoError(t, cli(ctx, []string{"import", "-db", db, file}, &out, quiet))
		assert.Contains(t, out.String(), "imported project demo")
		out.Reset()
		require.NoError(t, cli(ctx, []string{"export", "-project", "demo", "-db", db}, &out, quiet))
		sameDocument(t, exported(t, first), exported(t, out.Bytes()), db)
		next := filepath.Join(dir, "next.json")
		require.NoError(t, os.WriteFile(next, out.Bytes(), 0o644))
		file = next // the next engine takes what this one gave

		err := cli(ctx, []string{"import", "-db", db, file}, &out, quiet)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `project "demo" exists here`)
	}

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"format":"accord.project/1","requirements":7}`), 0o644))
	err = cli(ctx, []string{"import", "-db", filepath.Join(dir, "other.db"), bad}, &bytes.Buffer{}, quiet)
	require.Error(t, err)
	assert.Equal(t, 2, exitCode(err))
}

// sameDocument fails showing where two documents first differ.
func sameDocument(t *testing.T, want, got, where string) {
	t.Helper()
	if want == got {
		return
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-300)
	t.Errorf("the project that came out of %s differs at byte %d:\nwant …%s…\ngot  …%s…", where, i, want[from:min(len(want), i+200)], got[from:min(len(got), i+200)])
}

// `accord import` of a document for a new project whose records name an
// existing project is refused (exit 2) before anything is written: the
// existing project's export is unchanged and the new project is not made.
func TestImportRefusesRecordsOfAnotherProject(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "accord.db")
	mem, err := openBackend(ctx, "memory")
	require.NoError(t, err)
	services, err := mem.services(nil)
	require.NoError(t, err)
	projects, err := project.NewService(project.Options{Store: mem.Projects})
	require.NoError(t, err)
	_, err = seedOnce(ctx, projects, services, mem)
	require.NoError(t, err)
	doc, err := transfer.Export(ctx, mem.Stores, "demo", time.Now())
	require.NoError(t, err)
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	file := filepath.Join(dir, "demo.json")
	require.NoError(t, os.WriteFile(file, raw, 0o644))
	require.NoError(t, cli(ctx, []string{"import", "-db", db, file}, &bytes.Buffer{}, quiet))
	var before bytes.Buffer
	require.NoError(t, cli(ctx, []string{"export", "-project", "demo", "-db", db}, &before, quiet))

	// The attacker's document: a new project "evil", one of whose
	// requirements names "demo".
	for i := range doc.Project {
		doc.Project[i].Record.Key = "evil"
	}
	planted := doc.Requirements[0][0]
	planted.Record.ID, planted.Record.Title = "planted", "planted"
	doc.Requirements = [][]accord.Revision[requirement.Requirement]{{planted}}
	doc.ChangeRequests, doc.Contracts, doc.TestRuns, doc.Reviews, doc.Risks, doc.Retros, doc.Iterations, doc.Milestones, doc.Questions, doc.Links, doc.Terms = nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil
	doc.Settings = transfer.Settings{}
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	evil := filepath.Join(dir, "evil.json")
	require.NoError(t, os.WriteFile(evil, raw, 0o644))
	err = cli(ctx, []string{"import", "-db", db, evil}, &bytes.Buffer{}, quiet)
	require.Error(t, err)
	assert.Equal(t, 2, exitCode(err))
	assert.Contains(t, err.Error(), `requirements[0][0].record.project: names project "demo", not the document's project "evil"`)

	var after bytes.Buffer
	require.NoError(t, cli(ctx, []string{"export", "-project", "demo", "-db", db}, &after, quiet))
	assert.Equal(t, exported(t, before.Bytes()), exported(t, after.Bytes()), "demo is unchanged")
	err = cli(ctx, []string{"export", "-project", "evil", "-db", db}, &bytes.Buffer{}, quiet)
	assert.ErrorContains(t, err, "evil", "the new project was not made")

	// Nor is a database made for a document refused so.
	err = cli(ctx, []string{"import", "-db", filepath.Join(dir, "fresh.db"), evil}, &bytes.Buffer{}, quiet)
	assert.Equal(t, 2, exitCode(err))
	assert.NoFileExists(t, filepath.Join(dir, "fresh.db"))
}

// `accord export` streams the document indented as it was before it
// streamed (json.Encoder, one space a level, HTML escaped): the same
// bytes but the export time; with -o the file holds the same.
func TestExportWritesTheIndentedDocument(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "accord.db")
	mem, err := openBackend(ctx, "memory")
	require.NoError(t, err)
	services, err := mem.services(nil)
	require.NoError(t, err)
	projects, err := project.NewService(project.Options{Store: mem.Projects})
	require.NoError(t, err)
	_, err = seedOnce(ctx, projects, services, mem)
	require.NoError(t, err)
	doc, err := transfer.Export(ctx, mem.Stores, "demo", time.Now())
	require.NoError(t, err)
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	file := filepath.Join(dir, "demo.json")
	require.NoError(t, os.WriteFile(file, raw, 0o644))
	require.NoError(t, cli(ctx, []string{"import", "-db", db, file}, &bytes.Buffer{}, quiet))

	var out bytes.Buffer
	require.NoError(t, cli(ctx, []string{"export", "-project", "demo", "-db", db}, &out, quiet))
	b, err := openExisting(ctx, db)
	require.NoError(t, err)
	defer b.close()
	stored, err := transfer.Export(ctx, b.Stores, "demo", time.Now())
	require.NoError(t, err)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(stored))
	exportedLine := regexp.MustCompile(`\n "exported": "[^"]*",\n`)
	assert.Equal(t, exportedLine.ReplaceAllString(want.String(), "(time)"), exportedLine.ReplaceAllString(out.String(), "(time)"))
	assert.Contains(t, out.String(), "\n \"requirements\": [\n  [\n   {\n    \"number\": 1,")

	to := filepath.Join(dir, "out", "demo.json")
	require.NoError(t, os.Mkdir(filepath.Dir(to), 0o755))
	require.NoError(t, cli(ctx, []string{"export", "-project", "demo", "-db", db, "-o", to}, &bytes.Buffer{}, quiet))
	got, err := os.ReadFile(to)
	require.NoError(t, err)
	assert.Equal(t, exportedLine.ReplaceAllString(out.String(), "(time)"), exportedLine.ReplaceAllString(string(got), "(time)"))
	left, err := os.ReadDir(filepath.Dir(to))
	require.NoError(t, err)
	assert.Len(t, left, 1, "no partial file is left beside it")
}

// A failed export with -o leaves no file that looks complete: none where
// there was none, the old one untouched where there was one, no partial
// file beside it, and the command fails.
func TestExportToAFileIsWholeOrNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "accord.db")
	require.NoError(t, cli(ctx, []string{"migrate", "-db", db}, &bytes.Buffer{}, quiet))
	to := filepath.Join(dir, "out", "nope.json")
	require.NoError(t, os.Mkdir(filepath.Dir(to), 0o755))
	err := cli(ctx, []string{"export", "-project", "nope", "-db", db, "-o", to}, &bytes.Buffer{}, quiet)
	require.Error(t, err)
	assert.NotZero(t, exitCode(err))
	assert.NoFileExists(t, to)

	// Cut short in the middle: what was written goes nowhere.
	broken := errors.New("the database went away")
	cut := func(w io.Writer) error {
		_, _ = io.WriteString(w, `{"format":"accord.project/1","requirements":[`)
		return broken
	}
	assert.ErrorIs(t, writeWhole(to, cut), broken)
	assert.NoFileExists(t, to)
	require.NoError(t, os.WriteFile(to, []byte("the export of yesterday\n"), 0o640))
	assert.ErrorIs(t, writeWhole(to, cut), broken)
	kept, err := os.ReadFile(to)
	require.NoError(t, err)
	assert.Equal(t, "the export of yesterday\n", string(kept))
	left, err := os.ReadDir(filepath.Dir(to))
	require.NoError(t, err)
	assert.Len(t, left, 1, "no partial file is left beside it")

	// Whole: it takes the name, and the permissions of the file it replaces.
	require.NoError(t, writeWhole(to, func(w io.Writer) error { _, err := io.WriteString(w, "{}\n"); return err }))
	now, err := os.ReadFile(to)
	require.NoError(t, err)
	assert.Equal(t, "{}\n", string(now))
	st, err := os.Stat(to)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), st.Mode().Perm())
}
