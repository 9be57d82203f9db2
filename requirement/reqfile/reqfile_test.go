package reqfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/requirement/reqfile"
)

func target(v float64) *float64 { return &v }

// full uses every part of Content, with the characters a table must
// escape.
func full() requirement.Content {
	return requirement.Content{
		Title:       "Cancel an unpaid order",
		Background:  "Buyers abandon orders.\n\nSupport cancels them by hand.",
		Goal:        "Buyers cancel without calling support",
		KPIs:        []string{"support tickets about cancelling -50%", "a | bar"},
		Description: "A buyer cancels an order that is not paid.",
		Flow: []requirement.FlowStep{
			{Actor: "buyer", Action: "opens the order", Diagram: "https://example.com/flow.png"},
			{Action: "the system releases the stock"},
		},
		Scenarios: []requirement.Scenario{{Name: "unpaid", Actor: "buyer", Situation: "order unpaid", Action: "taps Cancel", Outcome: "order cancelled\nstock released"}},
		Exceptions: []requirement.ExceptionCase{
			{Condition: "order already paid", Handling: "refuse | explain", ErrorCode: "ORDER_PAID"},
		},
		InterfaceNotes: "POST /orders/{id}/cancel",
		Performance: []requirement.PerformanceTarget{
			{Metric: "p99 latency", Comparator: requirement.LessOrEqual, Target: target(200), Unit: "ms"},
			{Metric: "throughput", Comparator: requirement.GreaterOrEqual, Target: target(12.5), Unit: "orders/s"},
		},
		Acceptance: []requirement.AcceptanceCriterion{
			{ID: "AC-1", Text: "a paid order returns 409 ORDER_PAID", TestRef: "TestCancelPaid"},
			{ID: "AC-2", Text: "an unpaid order is cancelled within 1 s"},
		},
		Priority: requirement.P1,
		Owner:    "alice",
		Labels:   []string{"orders", "mobile"},
		Links:    []accord.Ref{{Kind: "contract", ID: "orders"}, {Kind: "requirement", ID: "REQ-1"}},
	}
}

func TestRoundTripGivesTheSameContent(t *testing.T) {
	for _, lang := range []reqfile.Lang{reqfile.English, reqfile.Chinese} {
		for name, f := range map[string]reqfile.File{
			"full":             {Key: "REQ-3", Status: requirement.InReview, Revision: 4, Content: full()},
			"minimal":          {Content: requirement.Content{Title: "Only a title"}},
			"markdown in text": {Content: requirement.Content{Title: "t", Description: "    indented first\n## Notes\n  ## not a section\n---\n### deeper"}},
		} {
			data := reqfile.Format(f, lang)
			got, err := reqfile.Parse("REQ-3.md", data)
			require.NoError(t, err, "%s %s:\n%s", lang, name, data)
			assert.Equal(t, f.Key, got.Key)
			assert.Equal(t, f.Status, got.Status)
			assert.Equal(t, f.Revision, got.Revision)
			if diff := cmp.Diff(f.Content, got.Content); diff != "" {
				t.Errorf("%s %s: round trip changed the content (-written +read):\n%s\n%s", lang, name, diff, data)
			}
			// Writing what was read gives the same bytes.
			assert.Equal(t, string(data), string(reqfile.Format(got, lang)))
		}
	}
}

func TestTheGoldenFileReadsAsWritten(t *testing.T) {
	want := reqfile.File{Key: "REQ-3", Status: requirement.InReview, Revision: 4, Content: full()}
	if *update {
		require.NoError(t, os.WriteFile("testdata/REQ-3.md", reqfile.Format(want, reqfile.English), 0o644))
	}
	data, err := os.ReadFile("testdata/REQ-3.md")
	require.NoError(t, err)
	assert.Equal(t, string(reqfile.Format(want, reqfile.English)), string(data), "run with -update to rewrite")
	got, err := reqfile.Parse("testdata/REQ-3.md", data)
	require.NoError(t, err)
	assert.Equal(t, want.Content, got.Content)
}

// A file written by hand in Chinese, with the columns in another order.
func TestChineseSectionsAndColumnsInAnyOrder(t *testing.T) {
	src := `---
title: 取消未支付订单
priority: P0
---

## 背景

买家放弃订单。

## 异常处理

| 错误码 | 条件 | 处理 |
|---|---|---|
| ORDER_PAID | 订单已支付 | 拒绝取消 |

## 验收标准

| 标准 | 编号 |
|---|---|
| 已支付订单返回 409 | AC-1 |
`
	f, err := reqfile.Parse("zh.md", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, reqfile.Chinese, f.Lang)
	assert.Equal(t, "买家放弃订单。", f.Content.Background)
	assert.Equal(t, []requirement.ExceptionCase{{Condition: "订单已支付", Handling: "拒绝取消", ErrorCode: "ORDER_PAID"}}, f.Content.Exceptions)
	assert.Equal(t, []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "已支付订单返回 409"}}, f.Content.Acceptance)
	// Lint paths point at rows and headings.
	assert.Equal(t, 2, f.Line("title"))
	assert.Equal(t, 8, f.Line("background"))
	assert.Equal(t, 14, f.Line("exceptions[0].condition"))
	assert.Equal(t, 20, f.Line("acceptance_criteria[0].text"))
	assert.Equal(t, 16, f.Line("acceptance_criteria"))
	assert.Equal(t, 1, f.Line("performance"), "a missing section: the top of the file")
}

func TestErrorsNameTheFileAndLine(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"no front matter":   {"## Background\n", "x.md:1: the file must start with front matter"},
		"unclosed":          {"---\ntitle: a\n", "x.md:1: the front matter is not closed"},
		"no title":          {"---\nkey: REQ-1\n---\n", "x.md:2: front matter: title is required"},
		"unknown key":       {"---\ntitle: a\nowner: bo\ncolour: red\n---\n", `x.md:4: unknown front-matter key "colour"`},
		"bad priority":      {"---\ntitle: a\npriority: high\n---\n", `x.md:3: priority: "high" is not one of P0, P1, P2, P3`},
		"bad status":        {"---\ntitle: a\nstatus: done\n---\n", `x.md:3: status: "done" is not a requirement status`},
		"bad link":          {"---\ntitle: a\nlinks: [orders]\n---\n", `x.md:3: links: "orders" is not kind/id`},
		"unknown section":   {"---\ntitle: a\n---\n\n## Risks\n", `x.md:5: unknown section "Risks"`},
		"text before":       {"---\ntitle: a\n---\nhello\n", "x.md:4: text before the first section"},
		"unknown column":    {"---\ntitle: a\n---\n## Acceptance criteria\n| ID | Colour |\n", `x.md:5: Acceptance criteria: unknown column "Colour"`},
		"cells":             {"---\ntitle: a\n---\n## 验收标准\n| ID | Criterion |\n|---|---|\n| AC-1 |\n", "x.md:7: Acceptance criteria: 1 cells, the header has 2"},
		"not a number":      {"---\ntitle: a\n---\n## Performance targets\n| Metric | Target |\n|--|--|\n| p99 | fast |\n", `x.md:7: Performance targets: target "fast" is not a number`},
		"no separator":      {"---\ntitle: a\n---\n## Scenarios\n| Name |\n| x |\n", "x.md:6: Scenarios: want the separator row"},
		"list":              {"---\ntitle: a\n---\n## KPIs\nmore sales\n", `x.md:5: KPIs: want a list item`},
		"section twice":     {"---\ntitle: a\n---\n## Goal\nx\n## 目标\ny\n", `x.md:6: section "目标" again (first at line 4)`},
		"not a table":       {"---\ntitle: a\n---\n## Exceptions\nwhen it fails, retry\n", "x.md:5: Exceptions: want a table row"},
		"revision negative": {"---\ntitle: a\nrevision: -1\n---\n", `x.md:3: revision: "-1" is not a revision number`},
	} {
		_, err := reqfile.Parse("x.md", []byte(tc.src))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
		var fe *reqfile.Error
		assert.True(t, errors.As(err, &fe), name)
	}
}

func TestReadDirReadsFilesAndGlossary(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	write("REQ-1.md", "---\nkey: REQ-1\ntitle: one\n---\n")
	write("new.md", "---\ntitle: two\n---\n")
	write("README.md", "# not a requirement\n")
	write("glossary.yaml", "- term: order\n  definition: a request to buy\n  forbidden: [purchase]\n")
	folder, err := reqfile.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, folder.Files, 2)
	assert.Equal(t, "REQ-1", folder.Files[0].Key)
	assert.Equal(t, "", folder.Files[1].Key)
	require.Len(t, folder.Glossary, 1)
	assert.Equal(t, []string{"purchase"}, folder.Glossary[0].Forbidden)

	write("copy.md", "---\nkey: REQ-1\ntitle: copy\n---\n")
	_, err = reqfile.ReadDir(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "key REQ-1 is also the key of")

	require.NoError(t, os.Remove(filepath.Join(dir, "copy.md")))
	write("glossary.yaml", "- term: order\n  definition: x\n- term: cart\n")
	_, err = reqfile.ReadDir(dir)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), filepath.Join(dir, "glossary.yaml")+":3:"), err.Error())
}
