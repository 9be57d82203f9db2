// Package trackerimport brings a team's backlog into accord from the
// export files of the trackers it already uses: Jira (REST search JSON or
// CSV), Trello (board JSON), Asana (project JSON or CSV), PingCode and
// Worktile (CSV, also as Excel saves it: UTF-8 with a BOM, or GB18030/GBK).
//
// Parse turns a file into Items, reporting what it cannot map by row and
// why; Importer.Import makes each item a requirement tied to its item by
// an external.Reference, so importing the same file again changes nothing
// and a changed item updates its requirement only when nobody edited the
// requirement in accord since the last import (otherwise: a conflict,
// reported, nothing overwritten).
//
// The Importer writes through two small interfaces: in the process,
// RequirementsOf a requirement.Service and an *external.Service (one unit
// of work); through a server's API, RequirementsVia and ReferencesVia a
// client.Client (each call its own unit of work; a second run continues
// an import that stopped half-way).
package trackerimport

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/accordhq/accord/external"
)

// Source names the tool an export comes from; it is also the system of
// the external references an import makes.
type Source string

// The sources Parse reads.
const (
	Jira     Source = external.Jira
	Trello   Source = external.Trello
	Asana    Source = external.Asana
	PingCode Source = external.PingCode
	Worktile Source = external.Worktile
)

// Sources lists them, for messages and flags.
func Sources() []Source { return []Source{Jira, Trello, Asana, PingCode, Worktile} }

// Item is one tracker item as it maps onto a requirement.
type Item struct {
	Row         int    // where it is in the file: a CSV line, or the item's index in a JSON list (1 = first)
	Key         string // the item's key in its system: SHOP-123, a Trello short link, an Asana gid
	URL         string // where the item is, when the export says
	Title       string
	Description string
	Status      string   // the item's status there, as the export names it
	Priority    string   // P0–P3, or empty for the project's default
	Owner       string   // the assignee, as the export names them
	Labels      []string // labels, tags
}

// Problem is an item (or a part of one) that could not be mapped.
type Problem struct {
	Row int    `json:"row"`
	Key string `json:"key,omitempty"`
	Why string `json:"why"`
}

func (p Problem) String() string {
	if p.Key != "" {
		return fmt.Sprintf("row %d (%s): %s", p.Row, p.Key, p.Why)
	}
	return fmt.Sprintf("row %d: %s", p.Row, p.Why)
}

// FileError is a file that cannot be read at all, with where.
type FileError struct {
	File         string
	Line, Column int // 0 when unknown
	Err          error
}

func (e *FileError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Parse reads an export of from, named file (for messages). JSON or CSV
// is told from the content. Items come in file order; items without a key
// or a title, and keys given twice, are Problems instead. An error means
// the file as a whole could not be read (a *FileError).
func Parse(from Source, file string, data []byte) ([]Item, []Problem, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, nil, &FileError{File: file, Err: err}
	}
	isJSON := strings.HasPrefix(strings.TrimSpace(text), "{") || strings.HasPrefix(strings.TrimSpace(text), "[")
	var items []Item
	var problems []Problem
	switch {
	case from == Jira && isJSON:
		items, problems, err = parseJiraJSON(file, text)
	case from == Trello && isJSON:
		items, problems, err = parseTrello(file, text)
	case from == Trello:
		return nil, nil, &FileError{File: file, Err: errors.New("a Trello export is the board's JSON (Menu → Print, export and share → Export as JSON)")}
	case from == Asana && isJSON:
		items, problems, err = parseAsanaJSON(file, text)
	case from == Jira, from == Asana, from == PingCode, from == Worktile:
		items, problems, err = parseCSV(from, file, text)
	default:
		return nil, nil, &FileError{File: file, Err: fmt.Errorf("unknown source %q; one of %v", from, Sources())}
	}
	if err != nil {
		return nil, nil, err
	}
	return checkItems(items, problems)
}

// checkItems moves items without a key or title, and repeated keys, to
// the problems.
func checkItems(items []Item, problems []Problem) ([]Item, []Problem, error) {
	var out []Item
	seen := map[string]int{}
	for _, it := range items {
		it.Key, it.Title = strings.TrimSpace(it.Key), strings.TrimSpace(it.Title)
		switch {
		case it.Key == "":
			problems = append(problems, Problem{Row: it.Row, Why: "no key: the item cannot be found again on the next import"})
		case it.Title == "":
			problems = append(problems, Problem{Row: it.Row, Key: it.Key, Why: "no title"})
		case seen[it.Key] != 0:
			problems = append(problems, Problem{Row: it.Row, Key: it.Key, Why: fmt.Sprintf("the key appears again (first at row %d)", seen[it.Key])})
		default:
			seen[it.Key] = it.Row
			out = append(out, it)
		}
	}
	return out, problems, nil
}

// decodeText returns data as UTF-8 text: without a BOM, and from
// GB18030 (which GBK is part of) when it is not valid UTF-8, as Excel
// saves CSV on a Chinese Windows.
func decodeText(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return "", errors.New("neither UTF-8 nor GB18030/GBK text")
	}
	return string(out), nil
}

// MapPriority maps a tracker's priority name onto P0–P3: Jira's Highest,
// High, Medium, Low, Lowest (and Blocker, Critical, Major, Minor, Trivial),
// the Chinese names PingCode and Worktile use (紧急, 最高, 高, 中, 普通, 低,
// 最低), and P0–P4 as such. ok is false for a name it does not know.
func MapPriority(name string) (p string, ok bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "":
		return "", true
	case "p0", "highest", "blocker", "urgent", "紧急", "最高", "非常高":
		return "P0", true
	case "p1", "high", "critical", "高", "较高":
		return "P1", true
	case "p2", "medium", "major", "normal", "中", "普通", "一般", "中等":
		return "P2", true
	case "p3", "p4", "low", "lowest", "minor", "trivial", "低", "较低", "最低":
		return "P3", true
	}
	return "", false
}

// priority maps name for the item at row, adding a problem (the item is
// still imported, at the default priority) when it is unknown.
func priority(problems *[]Problem, row int, key, name string) string {
	p, ok := MapPriority(name)
	if !ok {
		*problems = append(*problems, Problem{Row: row, Key: key, Why: fmt.Sprintf("unknown priority %q: imported at the project's default", name)})
	}
	return p
}

// splitLabels splits a cell of labels on commas (ASCII or Chinese),
// semicolons or spaces-free separators.
func splitLabels(cells ...string) []string {
	var out []string
	for _, c := range cells {
		for _, l := range strings.FieldsFunc(c, func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '；' || r == '、' }) {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}
