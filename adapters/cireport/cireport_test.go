package cireport_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/adapters/cireport"
)

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestLocatorFollowsRefsIntoOtherFiles(t *testing.T) {
	dir := t.TempDir()
	api := write(t, dir, "api.yaml", `openapi: 3.1.0
paths:
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Order'
components:
  schemas:
    Order:
      $ref: 'schemas/order.yaml#/Order'
    Loop:
      $ref: '#/components/schemas/Loop'
`)
	order := write(t, dir, "schemas/order.yaml", "Order:\n  type: object\n  properties:\n    quantity:\n      type: integer\n")
	jsonDoc := write(t, dir, "api.json", "{\n  \"paths\": {\n    \"/a\": {\n      \"get\": {}\n    }\n  }\n}\n")
	l := cireport.NewLocator()
	for _, tc := range []struct {
		file, pointer, wantFile string
		wantLine                int
	}{
		{api, "/paths/~1orders/post/requestBody/content/application~1json/schema/properties/quantity", order, 4},
		{api, "/paths/~1orders/post", api, 4},
		{api, "/paths/~1orders/delete", api, 3},               // absent: the deepest place reached
		{api, "/components/schemas/Loop/properties", api, 14}, // a $ref cycle ends
		{api, "", api, 1},
		{jsonDoc, "/paths/~1a/get", jsonDoc, 4},
	} {
		file, line, err := l.Locate(tc.file, tc.pointer)
		require.NoError(t, err, tc.pointer)
		assert.Equal(t, tc.wantFile, file, tc.pointer)
		assert.Equal(t, tc.wantLine, line, tc.pointer)
	}
	_, _, err := l.Locate(filepath.Join(dir, "missing.yaml"), "/a")
	assert.Error(t, err)
	bad := write(t, dir, "bad.yaml", "a: [\n")
	_, _, err = l.Locate(bad, "/a")
	assert.ErrorContains(t, err, bad)
}

func TestGitHubCommandsEscapeTheirData(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, cireport.Write(&b, "github", cireport.Report{Tool: "t", FailOn: cireport.Error, Annotations: []cireport.Annotation{
		{Rule: "r", Level: cireport.Warning, File: "a,b:c.yaml", Line: 3, Title: "GET /x", Message: "100% sure\nsecond line"},
		{Rule: "r", Level: cireport.Error, File: "z.yaml", Message: "no line"},
	}}))
	assert.Equal(t, "::error file=z.yaml,title=r::no line\n"+
		"::warning file=a%2Cb%3Ac.yaml,line=3,title=r%3A GET /x::100%25 sure%0Asecond line\n", b.String())
}

func TestWriteRefusesAnUnknownFormat(t *testing.T) {
	assert.Error(t, cireport.Write(&bytes.Buffer{}, "html", cireport.Report{}))
	assert.False(t, cireport.IsFormat("text"), "text is the commands' own, not a CI format")
}

func TestFailingCountsWhatNoIgnoreCovers(t *testing.T) {
	as := []cireport.Annotation{
		{Rule: "a", Level: cireport.Error, File: "x"},
		{Rule: "b", Level: cireport.Warning, File: "x"},
		{Rule: "c", Level: cireport.Error, File: "y"},
		{Rule: "d", Level: cireport.Notice, File: "y"},
	}
	cfg, err := cireport.ParseConfig(".accord.yaml", []byte(`ignore:
  - rule: c
    reason: known
    file: y
  - rule: a
    reason: was fine until
    expires: 2026-12-01
`))
	require.NoError(t, err)
	notes := cfg.Apply(as, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	require.Len(t, notes, 1)
	assert.Contains(t, notes[0], ".accord.yaml:5: the ignore of a (was fine until) expired on 2026-12-01")
	assert.Equal(t, "known", as[2].Ignored)
	assert.Equal(t, "", as[0].Ignored)
	assert.Equal(t, 1, cireport.Failing(as, cireport.Error))
	assert.Equal(t, 2, cireport.Failing(as, cireport.Warning))
	cireport.Sort(as)
	var order []string
	for _, a := range as {
		order = append(order, a.Rule)
	}
	assert.Equal(t, "a b c d", strings.Join(order, " "), "error, warning, then the ignored error and the notice")
}

func TestLoadConfigWithoutAFileGivesTheDefaults(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg, err := cireport.LoadConfig("")
	require.NoError(t, err)
	assert.Equal(t, cireport.Config{}, cfg)
	_, err = cireport.LoadConfig("nope.yaml")
	assert.Error(t, err, "a config named with -config must exist")
}
