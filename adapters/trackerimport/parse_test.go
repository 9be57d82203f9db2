package trackerimport_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/adapters/trackerimport"
)

func parseFile(t *testing.T, from trackerimport.Source, name string) ([]trackerimport.Item, []trackerimport.Problem) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	items, problems, err := trackerimport.Parse(from, name, data)
	require.NoError(t, err)
	return items, problems
}

func keys(items []trackerimport.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Key)
	}
	return out
}

func whys(ps []trackerimport.Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

func TestJiraSearchJSON(t *testing.T) {
	items, problems := parseFile(t, trackerimport.Jira, "jira-search.json")
	require.Equal(t, []string{"SHOP-101", "SHOP-102", "SHOP-103"}, keys(items))
	refund := items[0]
	assert.Equal(t, "退款到原支付方式", refund.Title)
	assert.Equal(t, "买家在发货前可以申请全额退款。\n- Refund within 30 days\n- Notify @Alice", refund.Description, "ADF as text")
	assert.Equal(t, "P1", refund.Priority)
	assert.Equal(t, "To Do", refund.Status)
	assert.Equal(t, "alice@example.com", refund.Owner)
	assert.Equal(t, []string{"payments", "退款"}, refund.Labels)
	assert.Equal(t, "https://shop.atlassian.net/browse/SHOP-101", refund.URL)
	assert.Equal(t, "Plain text, as API v2 returns it.", items[1].Description)
	assert.Equal(t, "P2", items[1].Priority)
	assert.Equal(t, "", items[2].Priority, "an unknown priority leaves the default")
	w := whys(problems)
	assert.Contains(t, w, `row 3 (SHOP-103): unknown priority "Showstopper"`)
	assert.Contains(t, w, "row 4 (SHOP-104): no title")
}

func TestJiraCSV(t *testing.T) {
	items, problems := parseFile(t, trackerimport.Jira, "jira.csv")
	require.Equal(t, []string{"SHOP-101", "SHOP-102"}, keys(items))
	assert.Equal(t, "退款到原支付方式", items[0].Title)
	assert.Equal(t, "P0", items[0].Priority)
	assert.Equal(t, []string{"payments", "退款"}, items[0].Labels, "Jira repeats the Labels column")
	assert.Equal(t, "买家在发货前可以申请全额退款。\nRefund within 30 days.", items[0].Description)
	assert.Equal(t, 2, items[0].Row)
	assert.Equal(t, 4, items[1].Row, "rows are file lines: the description above spans two")
	assert.Contains(t, whys(problems), "row 5 (SHOP-105): no title")
}

func TestTrelloBoard(t *testing.T) {
	items, problems := parseFile(t, trackerimport.Trello, "trello-board.json")
	require.Equal(t, []string{"Xy12Ab34", "Zz98Yy76"}, keys(items))
	assert.Equal(t, "待办", items[0].Status, "the list is the status")
	assert.Equal(t, "P1", items[0].Priority, "a label named like a priority")
	assert.Equal(t, []string{"payments"}, items[0].Labels)
	assert.Equal(t, "alice", items[0].Owner)
	assert.Equal(t, "https://trello.com/c/Xy12Ab34", items[0].URL)
	assert.Equal(t, []string{"blue"}, items[1].Labels, "an unnamed label by its colour")
	assert.Contains(t, whys(problems), "row 3 (Old00000): archived in Trello")
}

func TestAsana(t *testing.T) {
	for _, file := range []string{"asana-tasks.json", "asana.csv"} {
		t.Run(file, func(t *testing.T) {
			items, problems := parseFile(t, trackerimport.Asana, file)
			assert.Empty(t, problems)
			require.Equal(t, []string{"1204567890123456", "1204567890123457"}, keys(items))
			assert.Equal(t, "退款到原支付方式", items[0].Title)
			assert.Equal(t, "To do", items[0].Status)
			assert.Equal(t, "P1", items[0].Priority)
			assert.Contains(t, items[0].Labels, "payments")
			assert.Equal(t, "completed", items[1].Status)
		})
	}
}

func TestPingCodeAndWorktileCSV(t *testing.T) {
	items, problems := parseFile(t, trackerimport.PingCode, "pingcode.csv")
	require.Equal(t, []string{"SHOP-12", "SHOP-13"}, keys(items), "the BOM is not part of the first header")
	assert.Equal(t, trackerimport.Item{Row: 2, Key: "SHOP-12", Title: "退款到原支付方式", Description: "买家在发货前可以申请全额退款。",
		Status: "进行中", Priority: "P1", Owner: "alice", Labels: []string{"支付", "退款"}}, items[0])
	assert.Contains(t, whys(problems), "row 4 (SHOP-14): no title")

	items, problems = parseFile(t, trackerimport.Worktile, "worktile-gbk.csv")
	assert.Empty(t, problems)
	require.Equal(t, []string{"WT-7", "WT-8"}, keys(items), "GBK, as Excel saves it on a Chinese Windows")
	assert.Equal(t, "退款到原支付方式", items[0].Title)
	assert.Equal(t, "买家在发货前可以申请全额退款。\n第二行", items[0].Description)
	assert.Equal(t, "P0", items[0].Priority)
	assert.Equal(t, []string{"支付", "退款"}, items[0].Labels)
	assert.Equal(t, "P3", items[1].Priority)
}

func TestBadFilesNameWhere(t *testing.T) {
	_, _, err := trackerimport.Parse(trackerimport.Jira, "broken.json", []byte("{\n  \"issues\": [\n    {\"key\": 7}\n  ]\n}"))
	var fe *trackerimport.FileError
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, 3, fe.Line)
	assert.Contains(t, err.Error(), "broken.json:3:")

	_, _, err = trackerimport.Parse(trackerimport.PingCode, "wrong.csv", []byte("Name,Notes\nx,y\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "wrong.csv:1: not a pingcode CSV export: no column 编号")

	_, _, err = trackerimport.Parse(trackerimport.Trello, "board.csv", []byte("a,b\n"))
	assert.ErrorContains(t, err, "Export as JSON")
}

func TestMapPriority(t *testing.T) {
	for in, want := range map[string]string{"Highest": "P0", "紧急": "P0", "high": "P1", "高": "P1", "Medium": "P2", "普通": "P2", "Lowest": "P3", "最低": "P3", "P4": "P3", "": ""} {
		got, ok := trackerimport.MapPriority(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	_, ok := trackerimport.MapPriority("whenever")
	assert.False(t, ok)
}

func TestJiraCSVOfWorkItems(t *testing.T) {
	items, problems, err := trackerimport.Parse(trackerimport.Jira, "work-items.csv", []byte("Summary,Work item key,Status,Priority\n订单导出,SHOP-7,Done,Lowest\n"))
	require.NoError(t, err)
	assert.Empty(t, problems)
	require.Len(t, items, 1)
	assert.Equal(t, trackerimport.Item{Row: 2, Key: "SHOP-7", Title: "订单导出", Status: "Done", Priority: "P3"}, items[0])
}
