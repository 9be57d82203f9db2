package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/pagetoken"
	"github.com/accordhq/accord/internal/svc"
)

// columns are what a kind of record shows in the columns that lookups and
// filters read; the record itself is the JSON.
type columns struct {
	status, class, owner, refKind, refID string
	search                               []string // lower-cased and joined into the search column
	// headline is how many of search's first fields a search ranks
	// first (a requirement's key and title): the head column holds
	// their length in characters, separators included.
	headline int
	tags     []string // label:x, participant:y, member:z
}

// table stores one kind of record in accord_records, with a row per
// revision in accord_revisions: the mechanics every domain shares, in SQL.
type table[T any] struct {
	db   *sql.DB
	d    Dialect
	kind string // the kind column: requirement, review, …
	what string // for messages

	ident  func(*T) (project, id string)
	stamp  func(*T) *accord.Stamp
	key    func(*T) *string     // optional: the human key field, set from…
	keyOf  func(seq int) string // …the project's sequence number
	name   func(*T) string      // optional: a second name unique in the project
	taken  func(have *T) error  // with name: the Conflict when have holds it
	parent func(*T) string      // optional: the record this one belongs to
	cols   func(*T) columns     // optional: filter columns
	// clone (optional) copies a record; with it, reads by id or key go
	// through cache, when the stores have one.
	clone func(T) T
	cache *readCache
}

func nanos(t time.Time) int64 { return t.UnixNano() }

// gone reports whether rec is deleted: its tombstone is its last
// revision, and only its history answers for it.
func (t *table[T]) gone(rec *T) bool { return t.stamp(rec).Deleted != nil }

// nameOf is the record's unique name; a deleted record holds none, so the
// name may be used again (and restoring it then conflicts).
func (t *table[T]) nameOf(rec *T) string {
	if t.name == nil || t.gone(rec) {
		return ""
	}
	return t.name(rec)
}

// deletedAt is the deleted_at column of rec: NULL while it lives.
func (t *table[T]) deletedAt(rec *T) any {
	if d := t.stamp(rec).Deleted; d != nil {
		return nanos(d.At)
	}
	return nil
}

func (t *table[T]) notFound(project, id string) error {
	return accord.Errorf(accord.NotFound, "%s %q not found in project %q", t.what, id, project)
}

// tx runs fn in a transaction; SQLite's begins IMMEDIATE (see the opener),
// so a writer waits for the lock up front instead of failing later.
// within runs fn in outer when the caller already has a transaction (a
// record written with another), else in a transaction of its own.
func (t *table[T]) within(ctx context.Context, outer *sql.Tx, fn func(tx *sql.Tx) error) error {
	if outer != nil {
		return fn(outer)
	}
	return t.tx(ctx, fn)
}

func (t *table[T]) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if u := unitOf(ctx); u != nil {
		return u.savepoint(ctx, fn)
	}
	if t.cache != nil {
		t.cache.beginWrite()
		defer t.cache.endWrite()
	}
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return internal("begin", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return internal("commit", err)
	}
	return nil
}

func internal(what string, err error) error {
	var e *accord.Error
	if errors.As(err, &e) {
		return err
	}
	return accord.Errorf(accord.Internal, "sqlstore: %s: %w", what, err)
}

func (t *table[T]) encode(rec *T) (string, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return "", internal("encoding "+t.what, err)
	}
	return string(b), nil
}

func (t *table[T]) decode(data []byte) (T, error) {
	var rec T
	if err := json.Unmarshal(data, &rec); err != nil {
		return rec, internal("decoding "+t.what, err)
	}
	return rec, nil
}

// nullable stores "" as NULL, so that unique indexes ignore records
// without a key or name.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nextSeq allocates the project's next sequence number for the kind in tx:
// one atomic upsert, so concurrent creates never share a number.
// With at above 1 (a key given in advance), the number is at itself when
// the sequence has not passed it, else the next one.
func (t *table[T]) nextSeq(ctx context.Context, tx *sql.Tx, project string, at int) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, t.d.q(`INSERT INTO accord_sequences (kind, project, last) VALUES (?, ?, ?)
		ON CONFLICT (kind, project) DO UPDATE SET last = CASE WHEN accord_sequences.last + 1 > excluded.last THEN accord_sequences.last + 1 ELSE excluded.last END
		RETURNING last`), t.kind, project, max(at, 1)).Scan(&n)
	return n, err
}

// create stores a record from its first revision.
func (t *table[T]) create(ctx context.Context, first accord.Revision[T]) (T, error) {
	return t.createIn(ctx, nil, first)
}

// createIn is create inside an open transaction (nil: its own).
func (t *table[T]) createIn(ctx context.Context, outer *sql.Tx, first accord.Revision[T]) (T, error) {
	var zero T
	rec := first.Record
	project, id := t.ident(&rec)
	if project == "" || id == "" || first.Number != 1 || t.stamp(&rec).Revision != 1 {
		return zero, accord.Errorf(accord.Invalid, "a new %s needs a project, an ID and revision 1", t.what)
	}
	do := func(tx *sql.Tx) error {
		var exists int
		err := tx.QueryRowContext(ctx, t.d.q("SELECT 1 FROM accord_records WHERE kind = ? AND project = ? AND id = ?"), t.kind, project, id).Scan(&exists)
		if err == nil {
			return accord.Errorf(accord.Conflict, "%s %q already exists", t.what, id)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return internal("create", err)
		}
		if t.nameOf(&rec) != "" {
			if have, err := t.byName(ctx, tx, project, t.nameOf(&rec)); err == nil {
				return t.taken(&have)
			} else if accord.ErrorCode(err) != accord.NotFound {
				return err
			}
		}
		// A key given in advance (an import) is kept when it is free.
		preset := 0
		if t.key != nil {
			preset, _ = svc.PresetKey(t.keyOf, *t.key(&rec))
		}
		seq, err := t.nextSeq(ctx, tx, project, preset)
		if err != nil {
			return internal("allocating a key", err)
		}
		if preset > 0 && seq != preset {
			return accord.Errorf(accord.Conflict, "%s key %s is taken: the project's keys are past %d", t.what, *t.key(&rec), preset)
		}
		if t.key != nil {
			*t.key(&rec) = t.keyOf(seq)
		}
		return t.write(ctx, tx, first.Kind, first.Actor, first.Time, first.Note, &rec, seq, true)
	}
	if err := t.within(ctx, outer, do); err != nil {
		return zero, err
	}
	return rec, nil
}

// write inserts (or, for an update, replaces) the record row, its tags and
// a revision row.
func (t *table[T]) write(ctx context.Context, tx *sql.Tx, change accord.RevisionKind, actor string, at time.Time, note string, rec *T, seq int, insert bool) error {
	project, id := t.ident(rec)
	data, err := t.encode(rec)
	if err != nil {
		return err
	}
	var c columns
	if t.cols != nil {
		c = t.cols(rec)
	}
	var key, name, parent string
	if t.key != nil {
		key = *t.key(rec)
	}
	name = t.nameOf(rec)
	if t.parent != nil {
		parent = t.parent(rec)
	}
	st := t.stamp(rec)
	search, pairs, head := searchColumns(c)
	if insert {
		_, err = tx.ExecContext(ctx, t.d.q(`INSERT INTO accord_records (kind, project, id, seq, rkey, name, parent, status, class, owner, ref_kind, ref_id, search, pairs, head,
			revision, created_at, updated_at, deleted_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			t.kind, project, id, seq, nullable(key), nullable(name), nullable(parent), c.status, c.class, c.owner, c.refKind, c.refID, search, pairs, head,
			st.Revision, nanos(st.CreatedAt), nanos(st.UpdatedAt), t.deletedAt(rec), data)
	} else {
		var res sql.Result
		// A deleted record takes only a restoring revision.
		restoring := 0
		if change == accord.RevisionRestored {
			restoring = 1
		}
		res, err = tx.ExecContext(ctx, t.d.q(`UPDATE accord_records SET name = ?, status = ?, class = ?, owner = ?, ref_kind = ?, ref_id = ?, search = ?, pairs = ?, head = ?,
			revision = ?, updated_at = ?, deleted_at = ?, record = ? WHERE kind = ? AND project = ? AND id = ? AND revision = ? AND (deleted_at IS NULL OR ? = 1)`),
			nullable(name), c.status, c.class, c.owner, c.refKind, c.refID, search, pairs, head, st.Revision, nanos(st.UpdatedAt), t.deletedAt(rec), data,
			t.kind, project, id, st.Revision-1, restoring)
		if err == nil {
			if n, _ := res.RowsAffected(); n != 1 {
				return errStaleRace
			}
		}
	}
	if err != nil {
		if uniqueViolation(err) {
			if t.name != nil && name != "" {
				if have, lerr := t.byName(ctx, tx, project, name); lerr == nil {
					return t.taken(&have)
				}
			}
			return accord.Errorf(accord.Conflict, "%s %q: its key or name is taken by another %s", t.what, id, t.what)
		}
		return internal("writing "+t.what, err)
	}
	if !insert {
		if _, err := tx.ExecContext(ctx, t.d.q("DELETE FROM accord_tags WHERE kind = ? AND project = ? AND id = ?"), t.kind, project, id); err != nil {
			return internal("writing tags", err)
		}
	}
	for _, tag := range dedupe(c.tags) {
		if _, err := tx.ExecContext(ctx, t.d.q("INSERT INTO accord_tags (kind, project, id, tag) VALUES (?, ?, ?, ?)"), t.kind, project, id, tag); err != nil {
			return internal("writing tags", err)
		}
	}
	_, err = tx.ExecContext(ctx, t.d.q(`INSERT INTO accord_revisions (kind, project, id, number, change, actor, at, note, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), t.kind, project, id, st.Revision, string(change), actor, nanos(at), note, data)
	if err != nil {
		if uniqueViolation(err) {
			return errStaleRace
		}
		return internal("writing a revision", err)
	}
	return nil
}

// errStaleRace is returned inside update when the compare-and-swap found
// another revision; update turns it into the caller's StaleError.
var errStaleRace = errors.New("stale")

func dedupe(tags []string) []string {
	seen := map[string]bool{}
	out := tags[:0:0]
	for _, t := range tags {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// update stores next as the record's next revision, compare-and-swap on
// the stored revision. Identity and creation never change.
func (t *table[T]) update(ctx context.Context, next accord.Revision[T]) (T, error) {
	return t.updateIn(ctx, nil, next)
}

func (t *table[T]) updateIn(ctx context.Context, outer *sql.Tx, next accord.Revision[T]) (T, error) {
	var zero T
	rec := next.Record
	project, id := t.ident(&rec)
	if next.Number != t.stamp(&rec).Revision {
		return zero, accord.Errorf(accord.Invalid, "revision number %d differs from the %s's revision %d", next.Number, t.what, t.stamp(&rec).Revision)
	}
	// The service hands over the whole next record, identity and creation
	// stamp included, and the store trusts it: the write is one
	// compare-and-swap UPDATE, and only when it matches no row does the
	// store look at what is there, to say NotFound or stale.
	do := func(tx *sql.Tx) error {
		if t.nameOf(&rec) != "" {
			// A name taken by another record is a Conflict that names it;
			// PostgreSQL cannot be asked after a failed statement.
			if have, err := t.byName(ctx, tx, project, t.nameOf(&rec)); err == nil {
				if _, hid := t.ident(&have); hid != id {
					return t.taken(&have)
				}
			}
		}
		err := t.write(ctx, tx, next.Kind, next.Actor, next.Time, next.Note, &rec, 0, false)
		if !errors.Is(err, errStaleRace) {
			return err
		}
		var stored int
		var deleted sql.NullInt64
		err = tx.QueryRowContext(ctx, t.d.q("SELECT revision, deleted_at FROM accord_records WHERE kind = ? AND project = ? AND id = ?"), t.kind, project, id).Scan(&stored, &deleted)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && deleted.Valid && next.Kind != accord.RevisionRestored) {
			return t.notFound(project, id)
		}
		if err != nil {
			return internal("reading "+t.what, err)
		}
		return accord.StaleError(t.what+" "+t.display(&rec, id), next.Number-1, stored)
	}
	if err := t.within(ctx, outer, do); err != nil {
		return zero, err
	}
	return rec, nil
}

// tombstone stores next, a revision of kind accord.RevisionDeleted whose
// stamp carries the deletion, as the record's last: the record is hidden
// from then on, its key never used again, its history kept.
func (t *table[T]) tombstone(ctx context.Context, next accord.Revision[T]) error {
	return t.tombstoneIn(ctx, nil, next)
}

func (t *table[T]) tombstoneIn(ctx context.Context, outer *sql.Tx, next accord.Revision[T]) error {
	if next.Kind != accord.RevisionDeleted || !t.gone(&next.Record) {
		return accord.Errorf(accord.Invalid, "a %s's tombstone is a revision of kind %s whose stamp says who deleted it", t.what, accord.RevisionDeleted)
	}
	_, err := t.updateIn(ctx, outer, next)
	return err
}

func (t *table[T]) display(rec *T, id string) string {
	if t.key != nil {
		return *t.key(rec)
	}
	return id
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (t *table[T]) one(ctx context.Context, q querier, where string, args ...any) (T, error) {
	var data []byte
	err := q.QueryRowContext(ctx, t.d.q("SELECT record FROM accord_records WHERE kind = ? AND project = ? AND deleted_at IS NULL AND "+where), append([]any{t.kind}, args...)...).Scan(&data)
	if err != nil {
		var zero T
		if errors.Is(err, sql.ErrNoRows) {
			return zero, errNoRow
		}
		return zero, internal("reading "+t.what, err)
	}
	return t.decode(data)
}

var errNoRow = errors.New("no row")

// many returns the live records among ids, in no particular order, one
// query per manyChunk IDs: for naming many records at once.
func (t *table[T]) many(ctx context.Context, project string, ids []string) ([]T, error) {
	out := make([]T, 0, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), manyChunk)]
		ids = ids[len(chunk):]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, t.kind, project)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q("SELECT record FROM accord_records WHERE kind = ? AND project = ? AND deleted_at IS NULL AND id IN (?"+
			strings.Repeat(", ?", len(chunk)-1)+")"), args...)
		if err != nil {
			return nil, internal("reading "+t.what+"s", err)
		}
		for rows.Next() {
			var data []byte
			if err := rows.Scan(&data); err != nil {
				rows.Close()
				return nil, internal("reading "+t.what+"s", err)
			}
			rec, err := t.decode(data)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, rec)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, internal("reading "+t.what+"s", err)
		}
	}
	return out, nil
}

// manyChunk is how many IDs one query of many asks for.
const manyChunk = 500

func (t *table[T]) getIn(ctx context.Context, q querier, project, id string) (T, error) {
	rec, err := t.one(ctx, q, "id = ?", project, id)
	if errors.Is(err, errNoRow) {
		return rec, t.notFound(project, id)
	}
	return rec, err
}

// current returns the record as stored, deleted or not: what a restoring
// revision starts from.
func (t *table[T]) current(ctx context.Context, q querier, project, id string) (T, error) {
	var data []byte
	err := q.QueryRowContext(ctx, t.d.q("SELECT record FROM accord_records WHERE kind = ? AND project = ? AND id = ?"), t.kind, project, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, t.notFound(project, id)
	} else if err != nil {
		var zero T
		return zero, internal("reading "+t.what, err)
	}
	return t.decode(data)
}

func (t *table[T]) get(ctx context.Context, project, id string) (T, error) {
	return cached(ctx, t.cache, t.clone, cacheKey{t.kind, project, "id", id}, func() (T, error) {
		return t.getIn(ctx, on(ctx, t.db), project, id)
	})
}

func (t *table[T]) getByKey(ctx context.Context, project, key string) (T, error) {
	return cached(ctx, t.cache, t.clone, cacheKey{t.kind, project, "rkey", key}, func() (T, error) {
		rec, err := t.one(ctx, on(ctx, t.db), "rkey = ?", project, key)
		if errors.Is(err, errNoRow) {
			return rec, t.notFound(project, key)
		}
		return rec, err
	})
}

func (t *table[T]) byName(ctx context.Context, q querier, project, name string) (T, error) {
	rec, err := t.one(ctx, q, "name = ?", project, name)
	if errors.Is(err, errNoRow) {
		return rec, accord.Errorf(accord.NotFound, "no %s named %q in project %q", t.what, name, project)
	}
	return rec, err
}

// exists reports NotFound unless the record is stored and not deleted.
func (t *table[T]) exists(ctx context.Context, q querier, project, id string) error {
	return t.stored(ctx, q, project, id, " AND deleted_at IS NULL")
}

// stored reports NotFound unless the record is stored (deleted or not,
// when cond is empty).
func (t *table[T]) stored(ctx context.Context, q querier, project, id, cond string) error {
	var one int
	err := q.QueryRowContext(ctx, t.d.q("SELECT 1 FROM accord_records WHERE kind = ? AND project = ? AND id = ?"+cond), t.kind, project, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return t.notFound(project, id)
	}
	if err != nil {
		return internal("reading "+t.what, err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// deleteIn removes a record; its revisions and tags go with it (foreign
// keys), and so do the records whose parent it is in children's kinds.
func (t *table[T]) deleteIn(ctx context.Context, ex execer, project, id string, children ...string) error {
	res, err := ex.ExecContext(ctx, t.d.q("DELETE FROM accord_records WHERE kind = ? AND project = ? AND id = ?"), t.kind, project, id)
	if err != nil {
		return internal("deleting "+t.what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t.notFound(project, id)
	}
	for _, kind := range children {
		if _, err := ex.ExecContext(ctx, t.d.q("DELETE FROM accord_records WHERE kind = ? AND project = ? AND parent = ?"), kind, project, id); err != nil {
			return internal("deleting what belongs to "+t.what, err)
		}
	}
	return nil
}

func (t *table[T]) delete(ctx context.Context, project, id string, children ...string) error {
	return t.tx(ctx, func(tx *sql.Tx) error { return t.deleteIn(ctx, tx, project, id, children...) })
}

// filter is a SQL condition on accord_records (aliased r) with its args.
type filter struct {
	where []string
	args  []any
	// branches (optional): the records any one of them selects, each
	// read through its own index and merged in creation order; an OR of
	// two indexed columns would scan the project in order instead.
	branches []filter
	// deleted selects the deleted records instead of the live ones.
	deleted bool
	// text (optional, lower-cased): the records whose search column
	// holds it, found through the search index (search.go).
	text string
}

// either selects the records that any of the branches selects, besides
// what f's own conditions say.
func (f *filter) either(branches ...filter) { f.branches = branches }

func (f *filter) add(cond string, args ...any) {
	f.where = append(f.where, cond)
	f.args = append(f.args, args...)
}

// in adds "column IN (…)" for a non-empty list.
func in[S ~string](f *filter, column string, values []S) {
	if len(values) == 0 {
		return
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = string(v)
	}
	f.add(column+" IN ("+marks+")", args...)
}

// tag adds "the record has this tag".
func (f *filter) tag(tag string) {
	f.add("EXISTS (SELECT 1 FROM accord_tags g WHERE g.kind = r.kind AND g.project = r.project AND g.id = r.id AND g.tag = ?)", tag)
}

// contains selects the records whose search column holds text,
// case-insensitively (search.go says how).
func (f *filter) contains(text string) { f.text = strings.ToLower(text) }

// list returns one page of the records that f selects, in creation order.
func (t *table[T]) list(ctx context.Context, project string, f filter, q accord.PageQuery) (accord.Page[T], error) {
	page := accord.Page[T]{Items: []T{}}
	after, err := decodeToken(q.Token)
	if err != nil {
		return page, err
	}
	cond, fargs := t.conditions(project, f)
	sel := "SELECT r.seq, r.record FROM accord_records r WHERE r.kind = ? AND r.project = ? AND r.seq > ? AND r.deleted_at IS NULL"
	if f.deleted {
		sel = "SELECT r.seq, r.record FROM accord_records r WHERE r.kind = ? AND r.project = ? AND r.seq > ? AND r.deleted_at IS NOT NULL"
	}
	if f.text != "" && !f.deleted && len(f.branches) == 0 {
		return t.listText(ctx, project, f, after, q)
	}
	query, args, order := sel+cond, append([]any{t.kind, project, after}, fargs...), "r.seq"
	if f.text != "" {
		// Not in the order of an index: a text is found through the
		// search index and its hits sorted, never by reading the project
		// in order and testing each record (a plan PostgreSQL prefers
		// once its generic plan no longer sees the text).
		order = "r.seq + 0"
	}
	if len(f.branches) > 0 {
		parts := make([]string, len(f.branches))
		args = nil
		for i, b := range f.branches {
			parts[i] = "SELECT * FROM (" + sel + cond + " AND " + strings.Join(b.where, " AND ") + " ORDER BY r.seq LIMIT ?) b" + strconv.Itoa(i)
			args = append(append(append(args, t.kind, project, after), fargs...), b.args...)
			args = append(args, q.Size+1)
		}
		query, order = "SELECT u.seq, u.record FROM ("+strings.Join(parts, " UNION ALL ")+") u", "u.seq"
	}
	args = append(args, q.Size+1)
	page, _, err = t.readPage(ctx, query+" ORDER BY "+order+" LIMIT ?", args, q.Size)
	return page, err
}

// readPage runs a query of (seq, record) rows that asks for one row
// beyond a page of size, and returns the page and how many rows came.
func (t *table[T]) readPage(ctx context.Context, query string, args []any, size int) (accord.Page[T], int, error) {
	page := accord.Page[T]{Items: []T{}}
	rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q(query), args...)
	if err != nil {
		return page, 0, internal("listing "+t.what, err)
	}
	defer rows.Close()
	n, last := 0, 0
	for rows.Next() {
		var seq int
		var data []byte
		if err := rows.Scan(&seq, &data); err != nil {
			return page, n, internal("listing "+t.what, err)
		}
		n++
		if len(page.Items) == size {
			page.NextPageToken = encodeToken(last) // one more match exists
			break
		}
		rec, err := t.decode(data)
		if err != nil {
			return page, n, err
		}
		page.Items = append(page.Items, rec)
		last = seq
	}
	if err := rows.Err(); err != nil {
		return page, n, internal("listing "+t.what, err)
	}
	return page, n, nil
}

// listDeleted returns one page of the project's deleted records, in
// creation order, each as its tombstone.
func (t *table[T]) listDeleted(ctx context.Context, project string, q accord.PageQuery) (accord.Page[T], error) {
	return t.list(ctx, project, filter{deleted: true}, q)
}

// all returns every record of the project that f selects, in creation order.
func (t *table[T]) all(ctx context.Context, q querier, project string, f filter) ([]T, error) {
	cond, args := t.conditions(project, f)
	rows, err := q.QueryContext(ctx, t.d.q("SELECT r.record FROM accord_records r WHERE r.kind = ? AND r.project = ? AND r.deleted_at IS NULL"+cond+" ORDER BY r.seq"),
		append([]any{t.kind, project}, args...)...)
	if err != nil {
		return nil, internal("listing "+t.what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, internal("listing "+t.what, err)
		}
		rec, err := t.decode(data)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

func (t *table[T]) revision(ctx context.Context, project, id string, n int) (accord.Revision[T], error) {
	revs, err := t.revisionsWhere(ctx, project, id, " AND number = ?", n)
	if err != nil {
		return accord.Revision[T]{}, err
	}
	if len(revs) == 0 {
		return accord.Revision[T]{}, accord.Errorf(accord.NotFound, "%s %q has no revision %d", t.what, id, n)
	}
	return revs[0], nil
}

func (t *table[T]) revisions(ctx context.Context, project, id string) ([]accord.Revision[T], error) {
	return t.revisionsWhere(ctx, project, id, "")
}

func (t *table[T]) revisionsWhere(ctx context.Context, project, id, cond string, args ...any) ([]accord.Revision[T], error) {
	rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q("SELECT number, change, actor, at, note, record FROM accord_revisions WHERE kind = ? AND project = ? AND id = ?"+cond+" ORDER BY number"),
		append([]any{t.kind, project, id}, args...)...)
	if err != nil {
		return nil, internal("reading revisions", err)
	}
	defer rows.Close()
	var out []accord.Revision[T]
	for rows.Next() {
		var v accord.Revision[T]
		var change string
		var at int64
		var data []byte
		if err := rows.Scan(&v.Number, &change, &v.Actor, &at, &v.Note, &data); err != nil {
			return nil, internal("reading revisions", err)
		}
		v.Kind, v.Time = accord.RevisionKind(change), time.Unix(0, at).UTC()
		if v.Record, err = t.decode(data); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("reading revisions", err)
	}
	if len(out) == 0 {
		// No revision: either no such record, or (with cond) no such number.
		if err := t.stored(ctx, on(ctx, t.db), project, id, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tokenPrefix marks this store's page tokens (internal/pagetoken).
const tokenPrefix = "s1:"

func encodeToken(seq int) string { return pagetoken.Encode(tokenPrefix, seq) }

func decodeToken(tok string) (int, error) { return pagetoken.Decode(tokenPrefix, tok) }
