package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixToday makes the expiry of ignores reproducible.
func fixToday(t *testing.T, day string) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	require.NoError(t, err)
	prev := ciNow
	ciNow = func() time.Time { return d }
	t.Cleanup(func() { ciNow = prev })
}

// runIn runs the command in-process and returns its output and exit code.
func runIn(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	var out bytes.Buffer
	err := cli(context.Background(), args, &out, quiet)
	if err != nil {
		return out.String(), exitCode(err), err
	}
	return out.String(), 0, nil
}

const (
	ciBase = "testdata/ci/base/openapi.yaml"
	ciHead = "testdata/ci/head/openapi.yaml"
	ciReqs = "testdata/ci/reqs"
	noCfg  = "testdata/ci/empty.yaml" // an empty config: no .accord.yaml of the developer's leaks in
)

// Each CI format of each command, compared with testdata/ci/*.golden
// (go test -run TestCIOutputGolden -update rewrites them). Every SARIF
// output is validated against the SARIF 2.1.0 schema.
func TestCIOutputGolden(t *testing.T) {
	fixToday(t, "2026-12-01")
	schema := sarifSchema(t)
	for _, cmd := range []struct {
		name string
		args []string
		code int
	}{
		{"diff", []string{"contract", "diff", "-config", noCfg, "-fail-on", "breaking", ciBase, ciHead}, 1},
		{"lint", []string{"contract", "lint", "-config", noCfg, ciHead}, 0},
		{"reqlint", []string{"req", "lint", "-config", noCfg, ciReqs}, 1},
	} {
		for _, format := range []string{"github", "sarif", "junit", "markdown"} {
			args := append(append([]string{}, cmd.args[:2]...), append([]string{"-format", format}, cmd.args[2:]...)...)
			out, code, _ := runIn(t, args...)
			assert.Equal(t, cmd.code, code, "%s %s", cmd.name, format)
			golden := filepath.Join("testdata", "ci", cmd.name+"."+format+".golden")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -run TestCIOutputGolden -update")
			assert.Equal(t, string(want), out, "%s -format %s differs from %s", cmd.name, format, golden)
			if format == "sarif" {
				var doc any
				require.NoError(t, json.Unmarshal([]byte(out), &doc))
				assert.NoError(t, schema.Validate(doc), "%s: SARIF output does not satisfy the SARIF 2.1.0 schema", cmd.name)
			}
		}
	}
}

// The annotations land where a reviewer looks: a changed schema property
// at its line in the $ref'd file, a lint finding at the row of the
// requirement file.
func TestCIAnnotationsPointAtTheLine(t *testing.T) {
	fixToday(t, "2026-12-01")
	out, _, _ := runIn(t, "contract", "diff", "-config", noCfg, "-format", "github", ciBase, ciHead)
	assert.Contains(t, out, "::error file=testdata/ci/head/schemas/order.yaml,line=4,title=request-property-max-decreased%3A POST /orders::")
	assert.Contains(t, out, "::error file=testdata/ci/head/schemas/order.yaml,line=7,title=request-property-max-length-set")
	assert.Contains(t, out, "::error file=testdata/ci/head/openapi.yaml,line=5,title=api-path-removed-without-deprecation", "removed: the nearest place still there")
	assert.Contains(t, out, "::notice file=testdata/ci/head/openapi.yaml,line=19,title=endpoint-added")
	out, _, _ = runIn(t, "req", "lint", "-config", noCfg, "-format", "github", ciReqs)
	assert.Contains(t, out, "::error file=testdata/ci/reqs/REQ-1.md,line=29,title=acceptance-criterion-unverifiable")
	assert.Contains(t, out, "::warning file=testdata/ci/reqs/REQ-2.md,line=11,title=vague-wording", "a Chinese file")
	assert.Contains(t, out, `line=16,title=glossary-forbidden-synonym%3A REQ-1 Cancel an unpaid order::description: "purchase" is a forbidden synonym of the glossary term "order"`)
	// Most severe first.
	assert.Less(t, strings.Index(out, "::error"), strings.Index(out, "::warning"))
	assert.Less(t, strings.LastIndex(out, "::error"), strings.Index(out, "::warning"))
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	require.NoError(t, c.AddResource("sarif.json", bytes.NewReader(data)))
	s, err := c.Compile("sarif.json")
	require.NoError(t, err)
	return s
}

// The schema check can fail: a result without a message is refused.
func TestSARIFSchemaRejectsABrokenLog(t *testing.T) {
	schema := sarifSchema(t)
	var doc any
	require.NoError(t, json.Unmarshal([]byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"accord"}},"results":[{"ruleId":"x"}]}]}`), &doc))
	assert.Error(t, schema.Validate(doc))
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	return writeFile(t, t.TempDir(), ".accord.yaml", text)
}

// Exit codes: 0 clean, 1 findings at the failing level, 2 usage or input
// errors; .accord.yaml decides the level, the ignores and the version bump.
func TestCIConfigAndExitCodes(t *testing.T) {
	fixToday(t, "2026-12-01")
	_, code, _ := runIn(t, "contract", "diff", "-config", noCfg, "-format", "github", ciBase, ciBase)
	assert.Equal(t, 0, code, "no change: clean")
	_, code, _ = runIn(t, "contract", "diff", "-config", writeConfig(t, "fail-on: breaking\n"), "-format", "github", ciBase, ciHead)
	assert.Equal(t, 1, code, "breaking changes with fail-on: breaking")
	_, code, _ = runIn(t, "contract", "lint", "-config", writeConfig(t, "fail-on: warning\n"), "-format", "junit", ciHead)
	assert.Equal(t, 1, code, "a lint warning with fail-on: warning")
	_, code, _ = runIn(t, "contract", "lint", "-config", noCfg, "-format", "junit", ciHead)
	assert.Equal(t, 0, code, "only a warning, failing on errors")
	_, code, _ = runIn(t, "req", "lint", "-config", noCfg, "-format", "sarif", "testdata/ci/nope")
	assert.Equal(t, 2, code, "a missing folder")
	_, code, _ = runIn(t, "req", "lint", "-format", "yaml", ciReqs)
	assert.Equal(t, 2, code, "an unknown format")

	ignoreAll := `fail-on: breaking
ignore:
  - rule: request-property-max-decreased
    reason: no client sends more than 10 (RV-4)
  - rule: request-property-max-length-set
    reason: notes were always cut at 200
    file: testdata/ci/head/schemas/order.yaml
  - rule: api-path-removed-without-deprecation
    reason: the mobile app never called it
    expires: %s
`
	out, code, _ := runIn(t, "contract", "diff", "-config", writeConfig(t, strings.ReplaceAll(ignoreAll, "%s", "2027-01-31")), "-format", "github", ciBase, ciHead)
	assert.Equal(t, 0, code, "every breaking change ignored: %s", out)
	assert.Contains(t, out, "::notice file=testdata/ci/head/schemas/order.yaml,line=4,title=request-property-max-decreased%3A POST /orders::ignored (no client sends more than 10 (RV-4))")
	cfg := writeConfig(t, strings.ReplaceAll(ignoreAll, "%s", "2026-11-30"))
	out, code, _ = runIn(t, "contract", "diff", "-config", cfg, "-format", "markdown", ciBase, ciHead)
	assert.Equal(t, 1, code, "an expired ignore no longer applies")
	assert.Contains(t, out, "the ignore of api-path-removed-without-deprecation (the mobile app never called it) expired on 2026-11-30 and no longer applies")
	assert.Contains(t, out, cfg+":8:", "the note names the line of the entry")

	// Version bump: 1.4.0 → 1.5.0 with breaking changes fails; a copy
	// of head at 2.0.0 passes.
	bump := writeConfig(t, "fail-on: breaking\nversion-bump: major\n")
	out, code, _ = runIn(t, "contract", "diff", "-config", bump, "-format", "markdown", ciBase, ciHead)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `version-bump major: 3 breaking change(s) need a new major version, but info.version went from "1.4.0" to "1.5.0"`)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "schemas"), 0o755))
	head, err := os.ReadFile(ciHead)
	require.NoError(t, err)
	writeFile(t, dir, "openapi.yaml", strings.Replace(string(head), "version: 1.5.0", "version: 2.0.0", 1))
	schemaFile, err := os.ReadFile("testdata/ci/head/schemas/order.yaml")
	require.NoError(t, err)
	writeFile(t, filepath.Join(dir, "schemas"), "order.yaml", string(schemaFile))
	out, code, _ = runIn(t, "contract", "diff", "-config", bump, "-format", "markdown", ciBase, filepath.Join(dir, "openapi.yaml"))
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, `3 breaking change(s) allowed by the new major version 2.0.0 (was 1.4.0)`)

	// A malformed config: exit 2, naming the file, line and key.
	for text, want := range map[string]string{
		"fail-on: sometimes\n":                                     ":1: fail-on: \"sometimes\" is not one of breaking, error, warning",
		"fail-on: breaking\nfial-on: warning\n":                    ":2: fial-on: unknown key",
		"ignore:\n  - rule: x\n":                                   ":2: ignore[0].reason: required",
		"ignore:\n  - rule: x\n    reason: y\n    expires: soon\n": ":4: ignore[0].expires: \"soon\" is not a date",
		"version-bump: minor\n":                                    ":1: version-bump: \"minor\" is not one of major, none",
		"ignore: all\n":                                            ":1: ignore: want a list",
		"fail-on: [breaking\n":                                     "not valid YAML",
	} {
		path := writeConfig(t, text)
		for _, args := range [][]string{
			{"contract", "diff", "-config", path, ciBase, ciHead},
			{"req", "lint", "-config", path, ciReqs},
		} {
			_, code, err := runIn(t, args...)
			assert.Equal(t, 2, code, "%q", text)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path, "%q: names the file", text)
			assert.Contains(t, err.Error(), want, "%q", text)
		}
	}
}

// With no -config, .accord.yaml in the working directory is read.
func TestCIConfigFoundInTheWorkingDirectory(t *testing.T) {
	abs := func(p string) string { a, err := filepath.Abs(p); require.NoError(t, err); return a }
	base, head := abs(ciBase), abs(ciHead)
	dir := t.TempDir()
	writeFile(t, dir, ".accord.yaml", "fail-on: breaking\n")
	t.Chdir(dir)
	_, code, _ := runIn(t, "contract", "diff", "-format", "github", base, head)
	assert.Equal(t, 1, code, "the config in the working directory fails the build on breaking changes")
	require.NoError(t, os.Remove(filepath.Join(dir, ".accord.yaml")))
	_, code, _ = runIn(t, "contract", "diff", "-format", "github", base, head)
	assert.Equal(t, 0, code, "no config and no -fail-on: nothing fails, as before")
}
