package reqfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// File is one requirement as kept in a file.
type File struct {
	Key      string             // empty in a file not yet pushed
	Status   requirement.Status // as last pulled; push never changes it
	Revision int                // the server's revision the file was pulled at; 0: never pulled
	Content  requirement.Content
	// Lang is the language of the file's first heading (English when it
	// has none), so a file written back keeps its author's headings.
	Lang Lang

	// Name is the file's path, for messages; lines maps a lint path
	// (acceptance_criteria[2].text) or a section (acceptance_criteria) to
	// the line it was read from.
	Name  string
	lines map[string]int
}

// Error is a problem in a file, placed at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Line returns the line a lint finding's path (requirement.Finding.Path)
// points at: the row or line of the item, else its section's heading,
// else the front matter.
func (f File) Line(path string) int {
	for p := path; p != ""; {
		if n, ok := f.lines[p]; ok {
			return n
		}
		switch i := strings.LastIndexAny(p, ".["); {
		case i < 0:
			p = ""
		default:
			p = p[:i]
		}
	}
	return 1
}

// section is one heading of the format and how its body is read.
type section struct {
	key   string   // the lint path of the section
	names []string // English first: the writer's, then the accepted ones
	zh    []string // Chinese, the writer's first
	kind  int
	cols  []column // for tables
}

const (
	paragraph = iota
	list
	table
)

type column struct {
	names []string // English, Chinese; matched case-insensitively
	get   func(row any) string
	set   func(row any, v string) error
}

var sections = []section{
	{key: "background", names: []string{"Background"}, zh: []string{"背景"}, kind: paragraph},
	{key: "goal", names: []string{"Goal"}, zh: []string{"目标"}, kind: paragraph},
	{key: "kpis", names: []string{"KPIs", "KPI"}, zh: []string{"业务指标"}, kind: list},
	{key: "description", names: []string{"Description"}, zh: []string{"需求描述", "描述"}, kind: paragraph},
	{key: "flow", names: []string{"User flow", "Flow", "Business flow"}, zh: []string{"业务流程", "用户流程", "流程"}, kind: table, cols: []column{
		{names: []string{"Actor", "角色"}, get: func(r any) string { return r.(*requirement.FlowStep).Actor }, set: func(r any, v string) error { r.(*requirement.FlowStep).Actor = v; return nil }},
		{names: []string{"Action", "动作", "操作"}, get: func(r any) string { return r.(*requirement.FlowStep).Action }, set: func(r any, v string) error { r.(*requirement.FlowStep).Action = v; return nil }},
		{names: []string{"Diagram", "流程图"}, get: func(r any) string { return r.(*requirement.FlowStep).Diagram }, set: func(r any, v string) error { r.(*requirement.FlowStep).Diagram = v; return nil }},
	}},
	{key: "scenarios", names: []string{"Scenarios", "User scenarios"}, zh: []string{"用户场景", "场景"}, kind: table, cols: []column{
		{names: []string{"Name", "名称"}, get: func(r any) string { return r.(*requirement.Scenario).Name }, set: func(r any, v string) error { r.(*requirement.Scenario).Name = v; return nil }},
		{names: []string{"Actor", "角色"}, get: func(r any) string { return r.(*requirement.Scenario).Actor }, set: func(r any, v string) error { r.(*requirement.Scenario).Actor = v; return nil }},
		{names: []string{"Situation", "情境"}, get: func(r any) string { return r.(*requirement.Scenario).Situation }, set: func(r any, v string) error { r.(*requirement.Scenario).Situation = v; return nil }},
		{names: []string{"Action", "动作", "操作"}, get: func(r any) string { return r.(*requirement.Scenario).Action }, set: func(r any, v string) error { r.(*requirement.Scenario).Action = v; return nil }},
		{names: []string{"Outcome", "结果"}, get: func(r any) string { return r.(*requirement.Scenario).Outcome }, set: func(r any, v string) error { r.(*requirement.Scenario).Outcome = v; return nil }},
	}},
	{key: "exceptions", names: []string{"Exceptions", "Exception handling"}, zh: []string{"异常处理", "异常"}, kind: table, cols: []column{
		{names: []string{"Condition", "条件"}, get: func(r any) string { return r.(*requirement.ExceptionCase).Condition }, set: func(r any, v string) error { r.(*requirement.ExceptionCase).Condition = v; return nil }},
		{names: []string{"Handling", "处理"}, get: func(r any) string { return r.(*requirement.ExceptionCase).Handling }, set: func(r any, v string) error { r.(*requirement.ExceptionCase).Handling = v; return nil }},
		{names: []string{"Error code", "错误码"}, get: func(r any) string { return r.(*requirement.ExceptionCase).ErrorCode }, set: func(r any, v string) error { r.(*requirement.ExceptionCase).ErrorCode = v; return nil }},
	}},
	{key: "interface_notes", names: []string{"Interface notes"}, zh: []string{"接口说明"}, kind: paragraph},
	{key: "performance", names: []string{"Performance targets", "Performance"}, zh: []string{"性能指标", "性能要求"}, kind: table, cols: []column{
		{names: []string{"Metric", "指标"}, get: func(r any) string { return r.(*requirement.PerformanceTarget).Metric }, set: func(r any, v string) error { r.(*requirement.PerformanceTarget).Metric = v; return nil }},
		{names: []string{"Comparator", "比较"}, get: func(r any) string { return string(r.(*requirement.PerformanceTarget).Comparator) },
			set: func(r any, v string) error {
				r.(*requirement.PerformanceTarget).Comparator = requirement.Comparator(v)
				return nil
			}},
		{names: []string{"Target", "目标值"}, get: func(r any) string {
			if t := r.(*requirement.PerformanceTarget).Target; t != nil {
				return strconv.FormatFloat(*t, 'g', -1, 64)
			}
			return ""
		}, set: func(r any, v string) error {
			if v == "" {
				return nil
			}
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("target %q is not a number", v)
			}
			r.(*requirement.PerformanceTarget).Target = &n
			return nil
		}},
		{names: []string{"Unit", "单位"}, get: func(r any) string { return r.(*requirement.PerformanceTarget).Unit }, set: func(r any, v string) error { r.(*requirement.PerformanceTarget).Unit = v; return nil }},
	}},
	{key: "acceptance_criteria", names: []string{"Acceptance criteria"}, zh: []string{"验收标准"}, kind: table, cols: []column{
		{names: []string{"ID", "编号"}, get: func(r any) string { return r.(*requirement.AcceptanceCriterion).ID }, set: func(r any, v string) error { r.(*requirement.AcceptanceCriterion).ID = v; return nil }},
		{names: []string{"Criterion", "标准", "验收标准"}, get: func(r any) string { return r.(*requirement.AcceptanceCriterion).Text }, set: func(r any, v string) error { r.(*requirement.AcceptanceCriterion).Text = v; return nil }},
		{names: []string{"Test", "测试"}, get: func(r any) string { return r.(*requirement.AcceptanceCriterion).TestRef }, set: func(r any, v string) error { r.(*requirement.AcceptanceCriterion).TestRef = v; return nil }},
	}},
}

// sectionByName finds a section by its heading, in either language.
func sectionByName(heading string) (*section, Lang, bool) {
	h := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(heading), ":"), "："))
	for i := range sections {
		if slices.ContainsFunc(sections[i].names, func(n string) bool { return strings.ToLower(n) == h }) {
			return &sections[i], English, true
		}
		if slices.Contains(sections[i].zh, h) {
			return &sections[i], Chinese, true
		}
	}
	return nil, "", false
}

// rows are the table rows of a section in c, as pointers the columns read
// and write; add appends an empty row and returns it.
func rows(c *requirement.Content, key string) (all []any, add func() any) {
	switch key {
	case "flow":
		return tableRows(&c.Flow)
	case "scenarios":
		return tableRows(&c.Scenarios)
	case "exceptions":
		return tableRows(&c.Exceptions)
	case "performance":
		return tableRows(&c.Performance)
	case "acceptance_criteria":
		return tableRows(&c.Acceptance)
	}
	return nil, nil
}

// tableRows is rows for one list of the content.
func tableRows[T any](list *[]T) (all []any, add func() any) {
	for i := range *list {
		all = append(all, &(*list)[i])
	}
	return all, func() any {
		var zero T
		*list = append(*list, zero)
		return &(*list)[len(*list)-1]
	}
}

func paragraphField(c *requirement.Content, key string) *string {
	switch key {
	case "background":
		return &c.Background
	case "goal":
		return &c.Goal
	case "description":
		return &c.Description
	case "interface_notes":
		return &c.InterfaceNotes
	}
	return nil
}

// Lang chooses the headings Format writes.
type Lang string

// The languages of headings.
const (
	English Lang = "en"
	Chinese Lang = "zh"
)

// frontMatter is the YAML head of a file, in the order it is written.
type frontMatter struct {
	Key      string   `yaml:"key,omitempty"`
	Title    string   `yaml:"title"`
	Priority string   `yaml:"priority,omitempty"`
	Owner    string   `yaml:"owner,omitempty"`
	Status   string   `yaml:"status,omitempty"`
	Labels   []string `yaml:"labels,omitempty,flow"`
	Links    []string `yaml:"links,omitempty,flow"`
	Revision int      `yaml:"revision,omitempty"`
}

// Format writes f in the file format, headings in lang.
func Format(f File, lang Lang) []byte {
	c := f.Content
	fm := frontMatter{Key: f.Key, Title: c.Title, Priority: string(c.Priority), Owner: c.Owner, Status: string(f.Status),
		Labels: c.Labels, Revision: f.Revision}
	for _, l := range c.Links {
		fm.Links = append(fm.Links, l.Kind+"/"+l.ID)
	}
	head, _ := yaml.Marshal(fm) // plain strings and lists: cannot fail
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(head)
	b.WriteString("---\n")
	for i := range sections {
		s := &sections[i]
		name := s.names[0]
		if lang == Chinese {
			name = s.zh[0]
		}
		switch s.kind {
		case paragraph:
			text := *paragraphField(&c, s.key)
			if text != "" {
				fmt.Fprintf(&b, "\n## %s\n\n%s\n", name, escapeHeadings(text))
			}
		case list:
			if len(c.KPIs) > 0 {
				fmt.Fprintf(&b, "\n## %s\n\n", name)
				for _, k := range c.KPIs {
					fmt.Fprintf(&b, "- %s\n", escapeCell(k))
				}
			}
		case table:
			all, _ := rows(&c, s.key)
			if len(all) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n## %s\n\n|", name)
			for _, col := range s.cols {
				h := col.names[0]
				if lang == Chinese {
					h = col.names[1]
				}
				fmt.Fprintf(&b, " %s |", h)
			}
			b.WriteString("\n|")
			for range s.cols {
				b.WriteString("---|")
			}
			b.WriteString("\n")
			for _, r := range all {
				b.WriteString("|")
				for _, col := range s.cols {
					fmt.Fprintf(&b, " %s |", escapeCell(col.get(r)))
				}
				b.WriteString("\n")
			}
		}
	}
	return b.Bytes()
}

// heading returns the text of a level-2 heading line ("## Goal", indented
// by at most three spaces, as Markdown reads it).
func heading(line string) (string, bool) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 {
		return "", false
	}
	return strings.CutPrefix(trimmed, "## ")
}

// escapeHeadings keeps a line of free text that looks like a section
// heading from being read as one: "\## Notes" (Markdown shows "## Notes").
func escapeHeadings(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if _, ok := heading(l); ok {
			lines[i] = `\` + l
		}
	}
	return strings.Join(lines, "\n")
}

func unescapeHeading(line string) string {
	if rest, ok := strings.CutPrefix(line, `\`); ok {
		if _, isHeading := heading(rest); isHeading {
			return rest
		}
	}
	return line
}

// trimBlankLines drops the blank lines around a section's text, keeping
// the indentation of its first line.
func trimBlankLines(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// The cell escapes, built once: a Replacer is safe for concurrent use.
var (
	cellEscaper   = strings.NewReplacer("|", `\|`, "\r\n", "<br>", "\n", "<br>")
	cellUnescaper = strings.NewReplacer(`\|`, "|", "<br>", "\n")
)

func escapeCell(s string) string { return cellEscaper.Replace(s) }

func unescapeCell(s string) string { return cellUnescaper.Replace(s) }

// Parse reads a requirement file; name is used in errors and kept in
// File.Name.
func Parse(name string, data []byte) (File, error) {
	f := File{Name: name, Lang: English, lines: map[string]int{}}
	bad := func(line int, format string, args ...any) error {
		return &Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return f, bad(1, "the file must start with front matter: a line ---, key: value lines (title at least), and ---")
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return f, bad(1, "the front matter is not closed by a line ---")
	}
	if err := f.parseFrontMatter(strings.Join(lines[1:end], "\n"), bad); err != nil {
		return f, err
	}
	var cur *section
	var body []string // paragraph lines
	bodyStart := 0
	var header []*column // table columns, once the header row is read
	headerSeen, sepSeen := false, false
	var add func() any
	flush := func() {
		if cur != nil && cur.kind == paragraph {
			*paragraphField(&f.Content, cur.key) = trimBlankLines(body)
			if bodyStart > 0 {
				f.lines[cur.key] = bodyStart
			}
		}
		body, bodyStart = nil, 0
	}
	seen := map[string]int{}
	for i := end + 1; i < len(lines); i++ {
		n, line := i+1, lines[i]
		trimmed := strings.TrimSpace(line)
		if h, ok := heading(line); ok {
			flush()
			s, lang, known := sectionByName(h)
			if !known {
				return f, bad(n, "unknown section %q (known: %s)", strings.TrimSpace(h), knownSections())
			}
			if len(seen) == 0 {
				f.Lang = lang
			}
			if prev, dup := seen[s.key]; dup {
				return f, bad(n, "section %q again (first at line %d)", strings.TrimSpace(h), prev)
			}
			seen[s.key] = n
			cur, header, headerSeen, sepSeen = s, nil, false, false
			f.lines[s.key] = n
			if s.kind == table {
				_, add = rows(&f.Content, s.key)
			}
			continue
		}
		if cur == nil {
			if trimmed != "" {
				return f, bad(n, "text before the first section: put it under a heading such as ## Description")
			}
			continue
		}
		switch cur.kind {
		case paragraph:
			if bodyStart == 0 && trimmed != "" {
				bodyStart = n
			}
			body = append(body, unescapeHeading(line))
		case list:
			if trimmed == "" {
				continue
			}
			item, ok := strings.CutPrefix(trimmed, "- ")
			if !ok {
				item, ok = strings.CutPrefix(trimmed, "* ")
			}
			if !ok {
				return f, bad(n, "%s: want a list item \"- ...\"", cur.names[0])
			}
			f.lines[fmt.Sprintf("%s[%d]", cur.key, len(f.Content.KPIs))] = n
			f.Content.KPIs = append(f.Content.KPIs, unescapeCell(strings.TrimSpace(item)))
		case table:
			if trimmed == "" {
				continue
			}
			if !strings.HasPrefix(trimmed, "|") {
				return f, bad(n, "%s: want a table row starting with |", cur.names[0])
			}
			cells := splitRow(trimmed)
			switch {
			case !headerSeen:
				headerSeen = true
				for _, c := range cells {
					col := findColumn(cur, c)
					if col == nil {
						return f, bad(n, "%s: unknown column %q (known: %s)", cur.names[0], c, knownColumns(cur))
					}
					header = append(header, col)
				}
			case !sepSeen:
				sepSeen = true
				if strings.Trim(trimmed, "|-: ") != "" {
					return f, bad(n, "%s: want the separator row |---|---| under the header", cur.names[0])
				}
			default:
				if len(cells) != len(header) {
					return f, bad(n, "%s: %d cells, the header has %d", cur.names[0], len(cells), len(header))
				}
				idx := f.count(cur.key)
				row := add()
				for j, c := range cells {
					if err := header[j].set(row, unescapeCell(c)); err != nil {
						return f, bad(n, "%s: %v", cur.names[0], err)
					}
				}
				f.lines[fmt.Sprintf("%s[%d]", cur.key, idx)] = n
			}
		}
	}
	flush()
	return f, nil
}

func (f *File) count(key string) int {
	all, _ := rows(&f.Content, key)
	return len(all)
}

func (f *File) parseFrontMatter(text string, bad func(int, string, ...any) error) error {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return bad(1, "front matter: %v", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return bad(2, "front matter: want key: value lines (title at least)")
	}
	m := doc.Content[0]
	c := &f.Content
	titleSeen := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := k.Line + 1 // the front matter starts on the file's line 2
		scalar := func() (string, error) {
			if v.Kind != yaml.ScalarNode {
				return "", bad(line, "%s: want a single value", k.Value)
			}
			return strings.TrimSpace(v.Value), nil
		}
		strs := func() ([]string, error) {
			if v.Kind != yaml.SequenceNode {
				return nil, bad(line, "%s: want a list, e.g. [a, b]", k.Value)
			}
			var out []string
			for _, item := range v.Content {
				if item.Kind != yaml.ScalarNode {
					return nil, bad(item.Line+1, "%s: want plain values", k.Value)
				}
				out = append(out, item.Value)
			}
			return out, nil
		}
		var err error
		var s string
		switch k.Value {
		case "key":
			f.Key, err = scalar()
		case "title":
			c.Title, err = scalar()
			titleSeen = true
			f.lines["title"] = line
		case "priority":
			if s, err = scalar(); err == nil {
				c.Priority = requirement.Priority(s)
				if !c.Priority.Valid() {
					err = bad(line, "priority: %q is not one of P0, P1, P2, P3", s)
				}
			}
		case "owner":
			c.Owner, err = scalar()
		case "status":
			if s, err = scalar(); err == nil {
				f.Status = requirement.Status(s)
				if !f.Status.Valid() {
					err = bad(line, "status: %q is not a requirement status", s)
				}
			}
		case "labels":
			c.Labels, err = strs()
		case "links":
			var refs []string
			if refs, err = strs(); err == nil {
				for _, r := range refs {
					kind, id, ok := strings.Cut(r, "/")
					if !ok || kind == "" || id == "" {
						return bad(line, "links: %q is not kind/id (contract/orders, requirement/REQ-2)", r)
					}
					c.Links = append(c.Links, accord.Ref{Kind: kind, ID: id})
				}
			}
		case "revision":
			if s, err = scalar(); err == nil {
				f.Revision, err = strconv.Atoi(s)
				if err != nil || f.Revision < 0 {
					err = bad(line, "revision: %q is not a revision number", s)
				}
			}
		default:
			return bad(line, "unknown front-matter key %q (known: key, title, priority, owner, status, labels, links, revision)", k.Value)
		}
		if err != nil {
			return err
		}
	}
	if !titleSeen || c.Title == "" {
		return bad(2, "front matter: title is required")
	}
	return nil
}

// splitRow splits a table row into trimmed cells, honouring \|.
func splitRow(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, `\|`) {
		row = row[:len(row)-1]
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row) && row[i+1] == '|':
			cur.WriteString(`\|`)
			i++
		case row[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

func findColumn(s *section, name string) *column {
	name = strings.ToLower(strings.TrimSpace(name))
	for i := range s.cols {
		for _, n := range s.cols[i].names {
			if strings.ToLower(n) == name {
				return &s.cols[i]
			}
		}
	}
	return nil
}

func knownSections() string {
	var names []string
	for _, s := range sections {
		names = append(names, s.names[0]+" / "+s.zh[0])
	}
	return strings.Join(names, ", ")
}

func knownColumns(s *section) string {
	var names []string
	for _, c := range s.cols {
		names = append(names, strings.Join(c.names, "/"))
	}
	return strings.Join(names, ", ")
}

// GlossaryFile is the name of a folder's glossary.
const GlossaryFile = "glossary.yaml"

// Folder is a folder of requirement files.
type Folder struct {
	Dir      string
	Files    []File             // in file-name order
	Glossary []requirement.Term // from glossary.yaml, if present
}

// ReadDir reads every .md file of dir (README.md excepted) and its
// glossary.yaml. A file that does not parse is an error naming the file
// and line; a key used by two files is an error too.
func ReadDir(dir string) (Folder, error) {
	folder := Folder{Dir: dir}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return folder, err
	}
	keys := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".md") || strings.EqualFold(name, "README.md") {
			continue
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return folder, err
		}
		f, err := Parse(path, data)
		if err != nil {
			return folder, err
		}
		if f.Key != "" {
			if other, dup := keys[f.Key]; dup {
				return folder, &Error{File: path, Line: 2, Msg: fmt.Sprintf("key %s is also the key of %s", f.Key, other)}
			}
			keys[f.Key] = path
		}
		folder.Files = append(folder.Files, f)
	}
	folder.Glossary, err = readGlossary(filepath.Join(dir, GlossaryFile))
	return folder, err
}

type glossaryEntry struct {
	Term       string   `yaml:"term"`
	Definition string   `yaml:"definition"`
	Aliases    []string `yaml:"aliases"`
	Forbidden  []string `yaml:"forbidden"`
}

func readGlossary(path string) ([]requirement.Term, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.SequenceNode {
		return nil, &Error{File: path, Line: root.Line, Msg: "want a list of {term, definition, aliases, forbidden}"}
	}
	var terms []requirement.Term
	for _, item := range root.Content {
		var e glossaryEntry
		if err := item.Decode(&e); err != nil {
			return nil, &Error{File: path, Line: item.Line, Msg: err.Error()}
		}
		def := requirement.TermDefinition{Term: e.Term, Definition: e.Definition, Aliases: e.Aliases, Forbidden: e.Forbidden}
		if err := def.Validate(); err != nil {
			return nil, &Error{File: path, Line: item.Line, Msg: err.Error()}
		}
		terms = append(terms, requirement.Term{Term: e.Term, Definition: e.Definition, Aliases: e.Aliases, Forbidden: e.Forbidden})
	}
	return terms, nil
}

// FileName is the name a pulled requirement's file gets: its key.
func FileName(key string) string { return key + ".md" }
