package sqlstore

import (
	"context"
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
// " AND ", and their arguments.
func (t *table[T]) conditions(project string, f filter) (string, []any) {
	var b strings.Builder
	args := append([]any(nil), f.args...)
	for _, w := range f.where {
		b.WriteString(" AND " + w)
	}
	if f.text != "" {
		cond, targs := t.d.textCondition(t.kind, project, f.text)
		b.WriteString(" AND " + cond)
		args = append(args, targs...)
	}
	return b.String(), args
}

// textCondition is the condition that selects the records of (kind,
// project) whose search column holds text (lower-cased), through the
// index when text has two characters or more.
func (d Dialect) textCondition(kind, project, text string) (string, []any) {
	switch utf8.RuneCountInString(text) {
	case 1:
		// Read through an expression, so that no engine tries the
		// trigram index, which a single character cannot use.
		return `(r.search || '') LIKE ? ESCAPE '\'`, []any{contains(text)}
	case 2:
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

// search returns one page of the records f selects (f.text is set), best
// first: rank 0 when the text lies within the first head characters of
// the search column (a requirement's key and title), else 1; then the
// newest first. A text holds no line break (svc.CheckQuery), so its first
// occurrence lies within one field, and within the head exactly when the
// head's fields hold it.
func (t *table[T]) search(ctx context.Context, project string, f filter, q accord.PageQuery) (accord.Page[T], error) {
	page := accord.Page[T]{Items: []T{}}
	afterRank, afterSeq, err := decodeRankedToken(q.Token)
	if err != nil {
		return page, err
	}
	cond, fargs := t.conditions(project, f)
	rank := "CASE WHEN " + t.d.position + "(r.search, ?) + ? <= r.head THEN 0 ELSE 1 END"
	args := []any{f.text, utf8.RuneCountInString(f.text) - 1, t.kind, project}
	args = append(args, fargs...)
	// The page is chosen from the hits' ranks and numbers alone; only its
	// records are read.
	query := "SELECT y.rank, y.seq FROM (SELECT " + rank + " AS rank, r.seq FROM accord_records r WHERE r.kind = ? AND r.project = ? AND r.deleted_at IS NULL" + cond + ") y"
	if q.Token != "" {
		query += " WHERE y.rank > ? OR (y.rank = ? AND y.seq < ?)"
		args = append(args, afterRank, afterRank, afterSeq)
	}
	query = "SELECT x.rank, x.seq, r.record FROM (" + query + " ORDER BY y.rank, y.seq DESC LIMIT ?) x JOIN accord_records r ON r.kind = ? AND r.project = ? AND r.seq = x.seq"
	args = append(args, q.Size+1, t.kind, project)
	rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q(query+" ORDER BY x.rank, x.seq DESC"), args...)
	if err != nil {
		return page, internal("searching "+t.what, err)
	}
	defer rows.Close()
	lastRank, lastSeq := 0, 0
	for rows.Next() {
		var r, seq int
		var data []byte
		if err := rows.Scan(&r, &seq, &data); err != nil {
			return page, internal("searching "+t.what, err)
		}
		if len(page.Items) == q.Size {
			page.NextPageToken = rankedToken(lastRank, lastSeq) // one more hit exists
			break
		}
		rec, err := t.decode(data)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, rec)
		lastRank, lastSeq = r, seq
	}
	if err := rows.Err(); err != nil {
		return page, internal("searching "+t.what, err)
	}
	return page, nil
}
