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
// breaks, in the search column, and again with every character doubled
// in the pairs column ("退款" → "退退款款"). A text occurs in the search
// column exactly when its doubled form occurs in the pairs column, and
// a doubled text of two characters or more is at least four characters
// long: long enough for a trigram index, even for the two-character
// words that make up much of Chinese (退款, 支付), which have no trigram
// of their own.
//
//   - PostgreSQL: a GIN trigram index (pg_trgm, gin_trgm_ops) on pairs,
//     used by `pairs LIKE '%…%'`; the LIKE itself is the exact test. It
//     needs a database whose LC_CTYPE classifies the characters (C.UTF-8,
//     en_US.UTF-8, zh_CN.UTF-8…): under the plain C locale pg_trgm skips
//     every non-ASCII character, and Chinese searches, still correct,
//     read the whole index.
//   - SQLite: an FTS5 table with the trigram tokenizer, contentless, whose
//     row IDs are those of accord_search_docs (stable, unlike the row IDs
//     of accord_records, which VACUUM may renumber); triggers on
//     accord_records keep both in step in the writing transaction and
//     drop deleted records. The FTS phrase finds the candidates through
//     the index, and `search LIKE` on them is the exact test.
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
	if utf8.RuneCountInString(text) < 2 {
		return `r.search LIKE ? ESCAPE '\'`, []any{contains(text)}
	}
	return d.indexed(kind, project, doubled(text), contains(text))
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
	query := "SELECT x.rank, x.seq, x.record FROM (SELECT " + rank + " AS rank, r.seq, r.record FROM accord_records r WHERE r.kind = ? AND r.project = ? AND r.deleted_at IS NULL" + cond + ") x"
	if q.Token != "" {
		query += " WHERE x.rank > ? OR (x.rank = ? AND x.seq < ?)"
		args = append(args, afterRank, afterRank, afterSeq)
	}
	args = append(args, q.Size+1)
	rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q(query+" ORDER BY x.rank, x.seq DESC LIMIT ?"), args...)
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
