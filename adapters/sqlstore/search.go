package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/pagetoken"
)

// Text search, indexed on both engines (migration 0006_search.sql).
//
// A record's searchable fields are kept, lower-cased and joined by line
// breaks, in the search column, which a trigram index answers for texts
// of three characters or more. Two-character texts, which have no
// trigram, are common in Chinese (退款, 支付): for them the pairs column
// holds the search column with every character doubled ("退款" →
// "退退款款"), with a trigram index of its own. A text occurs in the
// search column exactly when its doubled form occurs in pairs, and the
// doubled form of two characters has trigrams. (Doubling alone would
// serve every length, but the trigrams of a doubled text say no more
// than its bigrams: English words of three letters and more are found
// far faster through the plain trigrams.)
//
//   - PostgreSQL: GIN trigram indexes (pg_trgm, gin_trgm_ops) on search
//     and on pairs, used by `LIKE '%…%'`, which is the exact test. They
//     need a database whose LC_CTYPE classifies the characters (C.UTF-8,
//     en_US.UTF-8, zh_CN.UTF-8…): under the plain C locale pg_trgm skips
//     every non-ASCII character, and Chinese searches, still correct,
//     read the whole index.
//   - SQLite: two FTS5 tables with the trigram tokenizer, of search and
//     of pairs, contentless and without positions (detail=none: lists of
//     row IDs, several times smaller and faster to read than positional
//     ones), whose row IDs are those of accord_search_docs (stable,
//     unlike the row IDs of accord_records, which VACUUM may renumber);
//     triggers on accord_records keep them in step in the writing
//     transaction and drop deleted records. The AND of the text's
//     trigrams finds the candidates through the index, and `search LIKE`
//     on them is the exact test.
//
// A text of one character has no trigram in either form and is looked for
// with `search LIKE` alone, which reads the project's records.

// searchColumns returns the search, pairs and head columns of a record.
func searchColumns(c columns) (search, pairs string, head int) {
	search = strings.ToLower(strings.Join(c.search, "\n"))
	if c.headline > 0 {
		head = utf8.RuneCountInString(strings.ToLower(strings.Join(c.search[:min(c.headline, len(c.search))], "\n")))
	}
	return search, doubled(search), head
}

// doubled writes every character of s twice.
func doubled(s string) string {
	var b strings.Builder
	b.Grow(2 * len(s))
	for _, r := range s {
		b.WriteRune(r)
		b.WriteRune(r)
	}
	return b.String()
}

// trigrams is the FTS5 query that finds a text of three characters or
// more through a trigram index without positions: each distinct
// trigram, quoted, all of them required.
func trigrams(text string) string {
	runes := []rune(text)
	seen := map[string]bool{}
	var b strings.Builder
	for i := 0; i+3 <= len(runes); i++ {
		g := string(runes[i : i+3])
		if seen[g] {
			continue
		}
		seen[g] = true
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(`"` + strings.ReplaceAll(g, `"`, `""`) + `"`)
	}
	return b.String()
}

// likeEscaper makes %, _ and \ literal in a LIKE pattern with escape \.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// contains is the LIKE pattern that finds text anywhere.
func contains(text string) string { return "%" + likeEscaper.Replace(text) + "%" }

// conditions returns f's SQL conditions on accord_records r, each after
// " AND ", and their arguments; the text, if any, is looked up in the
// search index.
func (t *table[T]) conditions(project string, f filter) (string, []any) {
	return t.textConditions(project, f, false)
}

// textConditions is conditions, with the text tested on each record's
// search column rather than looked up in the index when scan is set: for
// a window of records read in order, where a common text fills a page
// after a few dozen rows and the index would list every hit in the
// database.
func (t *table[T]) textConditions(project string, f filter, scan bool) (string, []any) {
	var b strings.Builder
	args := append([]any(nil), f.args...)
	for _, w := range f.where {
		b.WriteString(" AND " + w)
	}
	if f.text != "" {
		cond, targs := t.d.textCondition(t.kind, project, f.text, scan)
		b.WriteString(" AND " + cond)
		args = append(args, targs...)
	}
	return b.String(), args
}

// textCondition is the condition that selects the records of (kind,
// project) whose search column holds text (lower-cased), through the
// index when text has two characters or more, unless scan is set.
func (d Dialect) textCondition(kind, project, text string, scan bool) (string, []any) {
	switch n := utf8.RuneCountInString(text); {
	case n == 1 || scan:
		// Read through an expression, so that no engine tries the
		// trigram index (which a single character cannot use).
		return `(r.search || '') LIKE ` + d.literal(contains(text)) + ` ESCAPE '\'`, nil
	case n == 2:
		return d.indexed(kind, project, "pairs", doubled(text), contains(text))
	default:
		return d.indexed(kind, project, "search", text, contains(text))
	}
}

// searchPrefix marks the page tokens of ranked searches, which resume
// after a (rank, seq) pair rather than a seq.
const searchPrefix = "q1:"

// rankedToken encodes the position after a hit of rank 0 or 1 and
// sequence number seq.
func rankedToken(rank, seq int) string { return pagetoken.Encode(searchPrefix, 2*seq+rank) }

func decodeRankedToken(tok string) (rank, seq int, err error) {
	n, err := pagetoken.Decode(searchPrefix, tok)
	if err == nil && tok != "" && n < 2 {
		err = accord.BadPageToken()
	}
	return n % 2, n / 2, err
}

// Text searches walk the project's sequence numbers in windows: the
// first spans firstWindow numbers, each next one eight times more, until
// a page is full or the project ends. A text found in many records fills
// a page from the first window, after a few dozen rows: its other hits
// are never read, where one query over the whole project would visit
// every hit (thousands of rows, each a heap page, in a big project) to
// sort them. A rare text is found through the index in a few wide
// windows, and one found nowhere costs the index's look alone.
var firstWindow = 4096

// walk collects up to n items from fetch over the window [lo, hi) of
// sequence numbers, window by window, upward (or downward), in that
// order; fetch returns up to n of the items in [a, b), in the walk's
// order, reading the first window in order (scan) and the others
// through the index.
func walk[H any](lo, hi int, down bool, n int, fetch func(a, b, n int, scan bool) ([]H, error)) ([]H, error) {
	var out []H
	for w := firstWindow; lo < hi && len(out) < n; w *= 8 {
		a, b := lo, min(hi, lo+w)
		if down {
			a, b = max(lo, hi-w), hi
		}
		got, err := fetch(a, b, n-len(out), w == firstWindow)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		if down {
			hi = a
		} else {
			lo = b
		}
	}
	return out, nil
}

// lastSeq returns the project's highest sequence number of the kind (0:
// none), from the end of an index.
func (t *table[T]) lastSeq(ctx context.Context, project string) (int, error) {
	var top sql.NullInt64
	if err := on(ctx, t.db).QueryRowContext(ctx, t.d.q("SELECT MAX(seq) FROM accord_records WHERE kind = ? AND project = ?"), t.kind, project).Scan(&top); err != nil {
		return 0, internal("searching "+t.what, err)
	}
	return int(top.Int64), nil
}

// listText is list for a filter with a text (f.text set, live records,
// no branches): the page after seq after, in creation order, walked in
// windows.
func (t *table[T]) listText(ctx context.Context, project string, f filter, after int, q accord.PageQuery) (accord.Page[T], error) {
	top, err := t.lastSeq(ctx, project)
	if err != nil {
		return accord.Page[T]{Items: []T{}}, err
	}
	rows, err := walk(after+1, top+1, false, q.Size+1, func(a, b, n int, scan bool) ([]seqRecord, error) {
		cond, fargs := t.textConditions(project, f, scan)
		return t.seqRecords(ctx, t.d.q(t.window(project, a, b, false, scan)+cond+" ORDER BY "+t.windowOrder(scan)+" LIMIT "+strconv.Itoa(n)), fargs...)
	})
	if err != nil {
		return accord.Page[T]{Items: []T{}}, err
	}
	return t.pageOf(rows, q.Size, func(r seqRecord) string { return encodeToken(r.seq) })
}

// window is the start of a query of a text search's window: the live
// records of the table's kind in project numbered a to b-1, in order
// (down: newest first), read in order when scan is set. The values are
// written into the query, as the text is (Dialect.indexed): a plan made
// for any window cannot tell a hundred numbers from the whole project,
// and PostgreSQL's generic plan of a prepared statement then reads every
// record of a wide window in order. A window to scan has a LIMIT of its
// size, which tells the planner how few rows it holds (every project
// numbers its records from 1, so its statistics see a range of numbers
// as a share of every project's records).
func (t *table[T]) window(project string, a, b int, down, scan bool) string {
	where := "WHERE r.kind = " + t.d.literal(t.kind) + " AND r.project = " + t.d.literal(project)
	bounds := " AND r.seq >= " + strconv.Itoa(a) + " AND r.seq < " + strconv.Itoa(b)
	if !scan {
		if t.d.hitsDrive {
			bounds = strings.ReplaceAll(bounds, "r.seq", "+r.seq")
		}
		return "SELECT r.seq, r.record FROM accord_records r " + where + bounds + " AND r.deleted_at IS NULL"
	}
	where += bounds
	order := " ORDER BY r.seq"
	if down {
		order += " DESC"
	}
	return "SELECT r.seq, r.record FROM (SELECT * FROM accord_records r " + where + " AND r.deleted_at IS NULL" + order +
		" LIMIT " + strconv.Itoa(b-a) + ") r WHERE 1 = 1"
}

// windowOrder is what a window's hits are ordered by: for a window looked
// up in the index on a dialect whose hits drive it, an expression, so
// that the hits are sorted rather than the window read in order.
func (t *table[T]) windowOrder(scan bool) string {
	if !scan && t.d.hitsDrive {
		return "r.seq + 0"
	}
	return "r.seq"
}

// seqRecord is a row of a text search: the record's number, rank, and
// stored form.
type seqRecord struct {
	seq, rank int
	record    []byte
}

// seqRecords runs a query of (seq, record) rows.
func (t *table[T]) seqRecords(ctx context.Context, query string, args ...any) ([]seqRecord, error) {
	rows, err := on(ctx, t.db).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal("searching "+t.what, err)
	}
	defer rows.Close()
	var out []seqRecord
	for rows.Next() {
		var r seqRecord
		if err := rows.Scan(&r.seq, &r.record); err != nil {
			return nil, internal("searching "+t.what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("searching "+t.what, err)
	}
	return out, nil
}

// pageOf makes a page of size from rows, which hold one more when a next
// page exists; token is the position after a row.
func (t *table[T]) pageOf(rows []seqRecord, size int, token func(seqRecord) string) (accord.Page[T], error) {
	page := accord.Page[T]{Items: []T{}}
	for i, r := range rows {
		if i == size {
			page.NextPageToken = token(rows[i-1]) // one more hit exists
			break
		}
		rec, err := t.decode(r.record)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, rec)
	}
	return page, nil
}

// search returns one page of the records f selects (f.text is set), best
// first: rank 0 when the text lies within the first head characters of
// the search column (a requirement's key and title), else 1; then the
// newest first. A text holds no line break (svc.CheckQuery), so its first
// occurrence lies within one field, and within the head exactly when the
// head's fields hold it. Each rank is walked in windows, newest first.
func (t *table[T]) search(ctx context.Context, project string, f filter, q accord.PageQuery) (accord.Page[T], error) {
	afterRank, afterSeq, err := decodeRankedToken(q.Token)
	if err != nil {
		return accord.Page[T]{Items: []T{}}, err
	}
	top, err := t.lastSeq(ctx, project)
	if err != nil {
		return accord.Page[T]{Items: []T{}}, err
	}
	var hits []seqRecord
	for rank := afterRank; rank <= 1 && len(hits) <= q.Size; rank++ {
		below := top + 1
		if q.Token != "" && rank == afterRank {
			below = afterSeq
		}
		in := " <= r.head"
		if rank == 1 {
			in = " > r.head"
		}
		ranked := " AND " + t.d.position + "(r.search, " + t.d.literal(f.text) + ") + " + strconv.Itoa(utf8.RuneCountInString(f.text)-1) + in
		got, err := walk(1, below, true, q.Size+1-len(hits), func(a, b, n int, scan bool) ([]seqRecord, error) {
			cond, fargs := t.textConditions(project, f, scan)
			return t.seqRecords(ctx, t.d.q(t.window(project, a, b, true, scan)+cond+ranked+" ORDER BY "+t.windowOrder(scan)+" DESC LIMIT "+strconv.Itoa(n)), fargs...)
		})
		if err != nil {
			return accord.Page[T]{Items: []T{}}, err
		}
		for i := range got {
			got[i].rank = rank
		}
		hits = append(hits, got...)
	}
	return t.pageOf(hits, q.Size, func(r seqRecord) string { return rankedToken(r.rank, r.seq) })
}
