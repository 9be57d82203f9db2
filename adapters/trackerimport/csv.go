package trackerimport

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// columns names, per field, the headers each tool's CSV export uses for
// it, in English and in Chinese (PingCode and Worktile export in the
// language of the account). Headers compare case-insensitively.
var columns = map[Source]map[string][]string{
	Jira: {
		// Jira Cloud calls issues work items since 2025; exports name either.
		"key": {"Issue key", "Work item key", "Key"}, "title": {"Summary"}, "description": {"Description"}, "status": {"Status"},
		"priority": {"Priority"}, "owner": {"Assignee"}, "labels": {"Labels"},
	},
	Asana: {
		"key": {"Task ID"}, "title": {"Name"}, "description": {"Notes"}, "status": {"Section/Column"},
		"priority": {"Priority", "优先级"}, "owner": {"Assignee Email", "Assignee"}, "labels": {"Tags"}, "completed": {"Completed At"},
	},
	PingCode: {
		"key": {"编号", "ID", "Identifier", "Number"}, "title": {"标题", "Title"}, "description": {"描述", "Description"},
		"status": {"状态", "Status"}, "priority": {"优先级", "Priority"}, "owner": {"负责人", "Assignee"}, "labels": {"标签", "Tags", "Labels"},
	},
}

func init() { columns[Worktile] = columns[PingCode] }

func parseCSV(from Source, file, text string) ([]Item, []Problem, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1 // Excel leaves short rows; a missing cell is empty
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, csvError(file, err)
	}
	at := map[string][]int{} // field → the columns that hold it, in order
	for field, names := range columns[from] {
		for _, name := range names {
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), name) {
					at[field] = append(at[field], i)
				}
			}
			if len(at[field]) > 0 {
				break // the first name present wins
			}
		}
	}
	var missing []string
	for _, f := range []string{"key", "title"} {
		if len(at[f]) == 0 {
			missing = append(missing, strings.Join(columns[from][f], " or "))
		}
	}
	if len(missing) > 0 {
		return nil, nil, &FileError{File: file, Line: 1, Err: fmt.Errorf("not a %s CSV export: no column %s (the header has %s)", from, strings.Join(missing, ", nor "), strings.Join(header, ", "))}
	}
	var items []Item
	var problems []Problem
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		if slices.IndexFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) < 0 {
			continue // a blank line, as Excel leaves at the end
		}
		cell := func(field string) string {
			for _, i := range at[field] {
				if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
					return strings.TrimSpace(rec[i])
				}
			}
			return ""
		}
		it := Item{Row: line, Key: cell("key"), Title: cell("title"), Description: cell("description"), Status: cell("status"), Owner: cell("owner")}
		for _, i := range at["labels"] {
			if i < len(rec) {
				it.Labels = append(it.Labels, splitLabels(rec[i])...)
			}
		}
		if from == Asana && cell("completed") != "" {
			it.Status = "completed"
		}
		it.Priority = priority(&problems, it.Row, it.Key, cell("priority"))
		items = append(items, it)
	}
	return items, problems, nil
}

// csvError names the line and column of a CSV that cannot be read.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{File: file, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	if errors.Is(err, io.EOF) {
		return &FileError{File: file, Err: errors.New("empty: no header row")}
	}
	return &FileError{File: file, Err: err}
}
