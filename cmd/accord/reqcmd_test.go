package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/requirement/reqfile"
)

type revisionCount struct {
	Items []struct {
		Number int `json:"number"`
	} `json:"items"`
}

func revisions(t *testing.T, s running, key string) int {
	t.Helper()
	var revs revisionCount
	require.Equal(t, 200, do(t, "GET", s.url+"/v1/projects/demo/requirements/"+key+"/revisions", s.pm, "", &revs).StatusCode)
	return len(revs.Items)
}

func serverRequirement(t *testing.T, s running, key string) requirement.Requirement {
	t.Helper()
	var r requirement.Requirement
	require.Equal(t, 200, do(t, "GET", s.url+"/v1/projects/demo/requirements/"+key, s.pm, "", &r).StatusCode)
	return r
}

func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o600))
}

// The round trip the issue asks for: pull the demo project into files,
// lint them, edit one, push, and see a new revision on the server; a
// pulled folder pushed back unchanged changes nothing; a new file gets its
// key; an edit on both sides is a conflict that loses nothing.
func TestRequirementFilesRoundTripWithTheDemoServer(t *testing.T) {
	s := start(t, "memory", "")
	defer s.stop()
	dir := filepath.Join(t.TempDir(), "requirements")
	t.Setenv("ACCORD_TOKEN", s.pm)
	remote := []string{"-server", s.url, "-project", "demo"}

	out, code, err := runIn(t, append([]string{"req", "pull", dir}, remote...)...)
	require.NoError(t, err, out)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "REQ-2.md (REQ-2 Stack coupons at checkout, revision 1)")
	folder, err := reqfile.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, folder.Files, 4, "the demo's four requirements")
	for _, f := range folder.Files {
		r := serverRequirement(t, s, f.Key)
		assert.Equal(t, r.Revision, f.Revision, f.Key)
		assert.Equal(t, r.Status, f.Status, f.Key)
		assert.True(t, sameContent(r.Content, f.Content), "%s: the file holds the server's content", f.Key)
	}

	// Lint offline: the demo's REQ-2 is deliberately vague.
	out, code, _ = runIn(t, "req", "lint", "-config", noCfg, "-format", "github", dir)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "::error file="+filepath.ToSlash(filepath.Join(dir, "REQ-2.md")))
	assert.Contains(t, out, "acceptance-criterion-unverifiable")

	// Pushed back unchanged: no new revision anywhere.
	before := map[string]int{}
	for _, f := range folder.Files {
		before[f.Key] = revisions(t, s, f.Key)
	}
	out, err = runOK(t, append([]string{"req", "push", dir}, remote...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "0 created, 0 updated, 4 unchanged, 0 not pushed")
	for key, n := range before {
		assert.Equal(t, n, revisions(t, s, key), "%s: an unchanged push made no revision", key)
	}

	// Edit one file, push: a new revision with the edit, the file at it.
	req2 := filepath.Join(dir, "REQ-2.md")
	editFile(t, req2, "| AC-1 | Coupons work nicely together |", "| AC-1 | Two coupons applied together return a total at most 50% off |")
	out, err = runOK(t, append([]string{"req", "push", dir}, remote...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "updated  REQ-2 Stack coupons at checkout: revision 1 → 2")
	r := serverRequirement(t, s, "REQ-2")
	assert.Equal(t, 2, r.Revision)
	assert.Equal(t, "Two coupons applied together return a total at most 50% off", r.Acceptance[0].Text)
	assert.Equal(t, 2, revisions(t, s, "REQ-2"))
	f := readReq(t, req2)
	assert.Equal(t, 2, f.Revision, "the file records the revision it now matches")

	// A new file without a key creates a requirement and gets its key.
	newFile := writeFile(t, dir, "gift-cards.md", "---\ntitle: Pay with a gift card\npriority: P2\n---\n\n## 描述\n\n买家可以用礼品卡支付。\n")
	out, err = runOK(t, append([]string{"req", "push", dir}, remote...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "created  REQ-5 Pay with a gift card from "+newFile)
	f = readReq(t, newFile)
	assert.Equal(t, "REQ-5", f.Key)
	assert.Equal(t, 1, f.Revision)
	assert.Equal(t, reqfile.Chinese, f.Lang, "written back with the author's headings")
	assert.Equal(t, "买家可以用礼品卡支付。", serverRequirement(t, s, "REQ-5").Description)

	// Both sides edit REQ-2: the server through the API, the file here.
	body, _ := json.Marshal(struct {
		requirement.Content
		Note string `json:"note"`
	}{func() requirement.Content { c := r.Content; c.Description = "Edited on the server."; return c }(), "web edit"})
	require.Equal(t, 200, do(t, "PUT", s.url+"/v1/projects/demo/requirements/REQ-2", s.pm, string(body), nil, "If-Match", `"2"`).StatusCode)
	editFile(t, req2, "## Description\n\n", "## Description\n\nEdited in the repository. ")
	local, err := os.ReadFile(req2)
	require.NoError(t, err)

	out, code, err = runIn(t, append([]string{"req", "push", dir}, remote...)...)
	assert.Equal(t, 1, code, "a conflict exits 1: %s", out)
	require.Error(t, err)
	assert.Contains(t, out, req2+": conflict: REQ-2 Stack coupons at checkout was pulled at revision 2 and changed on the server since (now revision 3); not pushed")
	assert.Equal(t, "Edited on the server.", serverRequirement(t, s, "REQ-2").Description, "the server's edit is not overwritten")
	assert.Equal(t, 3, revisions(t, s, "REQ-2"))
	now, err := os.ReadFile(req2)
	require.NoError(t, err)
	assert.Equal(t, string(local), string(now), "the local edit is kept")

	out, code, _ = runIn(t, append([]string{"req", "pull", dir}, remote...)...)
	assert.Equal(t, 1, code, "pull reports the conflict too: %s", out)
	assert.Contains(t, out, req2+": conflict: REQ-2 Stack coupons at checkout was edited here since its pull at revision 2 and on the server (now revision 3); the file is left as it is")
	now, err = os.ReadFile(req2)
	require.NoError(t, err)
	assert.Equal(t, string(local), string(now), "pull does not overwrite the local edit")

	// A file unchanged since its pull is brought up to date by pull.
	require.NoError(t, os.WriteFile(req2, reqfile.Format(reqfile.File{Key: "REQ-2", Status: r.Status, Revision: 2, Content: r.Content}, reqfile.English), 0o600))
	out, err = runOK(t, append([]string{"req", "pull", dir}, remote...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "updated  "+req2+" (REQ-2 Stack coupons at checkout, revision 2 → 3)")
	assert.Equal(t, "Edited on the server.", readReq(t, req2).Content.Description)

	// A requirement deleted on the server is not recreated from its file.
	require.Equal(t, 204, do(t, "DELETE", s.url+"/v1/projects/demo/requirements/REQ-5?reason=duplicate", s.pm, "", nil).StatusCode)
	editFile(t, newFile, "买家可以用礼品卡支付。", "买家可以用礼品卡支付，余额不足时应返回 GIFT_CARD_BALANCE。")
	out, code, _ = runIn(t, append([]string{"req", "push", dir}, remote...)...)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, newFile+": REQ-5 is not in project demo (deleted?); not pushed")
	assert.Equal(t, 404, do(t, "GET", s.url+"/v1/projects/demo/requirements/REQ-5", s.pm, "", nil).StatusCode)

	// Usage errors exit 2.
	for _, args := range [][]string{
		{"req", "push", dir},
		{"req", "push", dir, "-server", "ftp://x", "-project", "demo"},
		{"req", "pull"},
		{"req", "frobnicate"},
	} {
		_, code, _ := runIn(t, args...)
		assert.Equal(t, 2, code, "%v", args)
	}
	editFile(t, req2, "priority: P2", "priority: urgent")
	_, code, err = runIn(t, append([]string{"req", "push", dir}, remote...)...)
	assert.Equal(t, 2, code)
	assert.Contains(t, err.Error(), req2+`:4: priority: "urgent" is not one of P0, P1, P2, P3`)
}

func runOK(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, _, err := runIn(t, args...)
	return out, err
}

func readReq(t *testing.T, path string) reqfile.File {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := reqfile.Parse(path, data)
	require.NoError(t, err)
	return f
}

// needsFileSchema is the structure sphinx-needs checks a needs.json
// against when it imports one (its needsfile.json, JSON Schema draft-07,
// as its documentation describes the builder's output under "Format"):
// required at the top are current_version and project; created is a
// string; versions maps a version to {created, needs, needs_amount}, needs
// maps an id to an object whose title, id and content are strings, and
// needs_amount is a number. Written here from that description.
const needsFileSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["current_version", "project"],
  "properties": {
    "created": {"type": "string"},
    "current_version": {"type": "string"},
    "project": {"type": "string"},
    "versions": {
      "type": "object",
      "additionalProperties": {
        "type": "object",
        "properties": {
          "created": {"type": "string"},
          "needs": {
            "type": "object",
            "additionalProperties": {
              "type": "object",
              "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "content": {"type": "string"}
              }
            }
          },
          "needs_amount": {"type": "number"}
        }
      }
    }
  }
}`

// The export is sphinx-needs' needs.json: it satisfies the schema, and
// every need carries the core fields its builder writes (id, title,
// description, type, status, tags, links), links between requirements as
// need links.
func TestNeedsJSONExport(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	require.NoError(t, c.AddResource("needs.json", strings.NewReader(needsFileSchema)))
	schema, err := c.Compile("needs.json")
	require.NoError(t, err)

	dir := t.TempDir()
	writeFile(t, dir, "REQ-1.md", "---\nkey: REQ-1\ntitle: Refund\nstatus: approved\nlabels: [payments]\nlinks: [contract/refunds-api]\n---\n\n## Description\n\nRefund a paid order.\n")
	writeFile(t, dir, "REQ-2.md", "---\nkey: REQ-2\ntitle: Partial refund\nlinks: [requirement/REQ-1]\n---\n")
	out, err := runOK(t, "req", "export", "-format", "needs.json", "-version", "2.1", dir)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.NoError(t, schema.Validate(doc))

	var parsed struct {
		Created        string `json:"created"`
		CurrentVersion string `json:"current_version"`
		Project        string `json:"project"`
		Versions       map[string]struct {
			NeedsSchema json.RawMessage           `json:"needs_schema"`
			Needs       map[string]map[string]any `json:"needs"`
			NeedsAmount int                       `json:"needs_amount"`
		} `json:"versions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &parsed))
	// Each need satisfies the needs_schema written beside it, and the
	// schema gives every field its field_type, as sphinx-needs' does.
	nc := jsonschema.NewCompiler()
	require.NoError(t, nc.AddResource("need.json", strings.NewReader(string(parsed.Versions["2.1"].NeedsSchema))))
	needSchema, err := nc.Compile("need.json")
	require.NoError(t, err)
	var schemaDoc struct {
		Properties map[string]struct {
			FieldType string `json:"field_type"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(parsed.Versions["2.1"].NeedsSchema, &schemaDoc))
	for name, p := range schemaDoc.Properties {
		assert.Contains(t, []string{"core", "links", "backlinks", "extra", "global"}, p.FieldType, name)
	}
	for id, n := range parsed.Versions["2.1"].Needs {
		assert.NoError(t, needSchema.Validate(n), id)
		for field := range n {
			assert.Contains(t, schemaDoc.Properties, field, "%s: the schema describes %s", id, field)
		}
	}
	assert.Equal(t, "2.1", parsed.CurrentVersion)
	_, err = time.Parse("2006-01-02T15:04:05", parsed.Created)
	assert.NoError(t, err, "created is an ISO time as sphinx-needs writes it")
	v := parsed.Versions["2.1"]
	assert.Equal(t, 2, v.NeedsAmount)
	for id, n := range v.Needs {
		for _, field := range []string{"id", "title", "description", "content", "type", "status", "tags", "links"} {
			assert.Contains(t, n, field, "%s lacks %s", id, field)
		}
		assert.Equal(t, id, n["id"])
		assert.Equal(t, "req", n["type"])
	}
	assert.Equal(t, "Refund a paid order.", v.Needs["REQ-1"]["description"])
	assert.Equal(t, "approved", v.Needs["REQ-1"]["status"])
	assert.Equal(t, []any{"payments"}, v.Needs["REQ-1"]["tags"])
	assert.Equal(t, []any{}, v.Needs["REQ-1"]["links"], "a contract is not a need")
	assert.Equal(t, []any{"contract/refunds-api"}, v.Needs["REQ-1"]["accord_links"])
	assert.Equal(t, []any{"REQ-1"}, v.Needs["REQ-2"]["links"])
	assert.Nil(t, v.Needs["REQ-2"]["status"], "no status: null, as sphinx-needs writes it")

	// A file not yet pushed has no id to export under.
	writeFile(t, dir, "new.md", "---\ntitle: New\n---\n")
	_, code, err := runIn(t, "req", "export", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, fmt.Sprint(err), filepath.Join(dir, "new.md")+": no key yet, so no id to export it under: push it first")
}

// From a server: the demo project's requirements and their links.
func TestNeedsJSONExportFromAServer(t *testing.T) {
	s := start(t, "memory", "")
	defer s.stop()
	out, err := runOK(t, "req", "export", "-server", s.url, "-project", "demo", "-token", s.pm)
	require.NoError(t, err)
	var parsed struct {
		Project  string `json:"project"`
		Versions map[string]struct {
			Needs       map[string]map[string]any `json:"needs"`
			NeedsAmount int                       `json:"needs_amount"`
		} `json:"versions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &parsed))
	assert.Equal(t, "demo", parsed.Project)
	assert.Equal(t, 4, parsed.Versions["1.0"].NeedsAmount)
	assert.Equal(t, "Refund a paid order", parsed.Versions["1.0"].Needs["REQ-1"]["title"])
}
