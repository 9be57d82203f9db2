package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// bulkParams bounds the parameters of one multi-row statement: under
// SQLite's 32,766 and PostgreSQL's 65,535.
const bulkParams = 30_000

// bulk writes whole records, each given as its revisions oldest first,
// into a project that holds none of them: the record rows, their tags,
// every revision and the project's sequence, in a few multi-row INSERTs
// in one transaction (the unit's, inside Atomically). It is what replaying
// each record through create, update and tombstone would store, in time
// linear in the records: there is no existence probe per record (the
// primary key refuses a record stored twice) and no round trip per row.
//
// Each record's revisions must run 1, 2, 3… with the record's own
// revision, keep its project and ID, mark a deletion (a revision of kind
// accord.RevisionDeleted) in the stamp, and follow a deletion only with a
// restoration. A key given in advance is kept and must rise from record
// to record, as create keeps it; a record without one takes the next
// number. Errors: Invalid, naming the record by its place, key and ID;
// Conflict for a key, name or ID taken twice; nothing is written then.
func (t *table[T]) bulk(ctx context.Context, records [][]accord.Revision[T]) error {
	if len(records) == 0 {
		return nil
	}
	return t.tx(ctx, func(tx *sql.Tx) error {
		if len(records[0]) == 0 {
			return accord.Errorf(accord.Invalid, "%s 1 has no revision", t.what)
		}
		project, _ := t.ident(&records[0][0].Record)
		var last int
		err := tx.QueryRowContext(ctx, t.d.q("SELECT last FROM accord_sequences WHERE kind = ? AND project = ?"), t.kind, project).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return internal("reading a sequence", err)
		}
		recs := newBatch(t.d, "accord_records", `kind text, project text, id text, seq bigint, rkey text, name text, parent text, status text, class text,
			owner text, ref_kind text, ref_id text, search text, pairs text, head bigint, revision bigint, created_at bigint, updated_at bigint, deleted_at bigint, record json`)
		revs := newBatch(t.d, "accord_revisions", "kind text, project text, id text, number bigint, change text, actor text, at bigint, note text, record json")
		tags := newBatch(t.d, "accord_tags", "kind text, project text, id text, tag text")
		ids := make(map[string]bool, len(records))
		// flush writes the three batches, records first, since revisions
		// and tags refer to their records. On PostgreSQL the records' key
		// columns are analyzed inside the transaction (ANALYZE counts its
		// own rows) once analyzeRows of them are written: the foreign-key
		// checks' cached plans, made while the table was empty, scan it
		// whole, which made each batch of revisions slower than the last;
		// new statistics replan them to the primary key, and they keep it
		// as the table grows, so a unit analyzes once for all its bulk
		// writes.
		u := unitOf(ctx)
		before := 0 // record rows the unit's earlier bulk writes made
		analyzed := t.d.analyze == ""
		if u != nil {
			before, analyzed = u.bulkRecords, analyzed || u.analyzed
		}
		written := 0 // record rows this call wrote
		flush := func() error {
			written += recs.rows
			if err := recs.flush(ctx, tx, t.what); err != nil {
				return err
			}
			if !analyzed && before+written >= analyzeRows {
				if _, err := tx.ExecContext(ctx, t.d.analyze); err != nil {
					return internal("analyzing the records", err)
				}
				analyzed = true
			}
			if err := revs.flush(ctx, tx, t.what); err != nil {
				return err
			}
			return tags.flush(ctx, tx, t.what)
		}
		for i, list := range records {
			if err := t.bulkRecord(i, list, project, ids, &last, recs, revs, tags); err != nil {
				return err
			}
			// Write as a batch fills, so memory stays bounded by a batch.
			if recs.full() || revs.full() || tags.full() {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, t.d.q(`INSERT INTO accord_sequences (kind, project, last) VALUES (?, ?, ?)
			ON CONFLICT (kind, project) DO UPDATE SET last = CASE WHEN accord_sequences.last > excluded.last THEN accord_sequences.last ELSE excluded.last END`),
			t.kind, project, last)
		if err != nil {
			return internal("writing a sequence", err)
		}
		if u != nil { // written now: the unit's savepoint keeps it
			u.bulkRecords, u.analyzed = before+written, analyzed
		}
		return nil
	})
}

// analyzeRows is how many records a bulk write (or a unit's bulk
// writes) make before they analyze the records (see table.bulk): fewer
// cost little to check whatever the plan, and from a few dozen pages on
// the planner prefers the primary key for the foreign-key checks.
const analyzeRows = 1_000

// bulkRecord checks one record's revisions and adds its rows to the
// batches; last is the project's sequence so far.
func (t *table[T]) bulkRecord(i int, list []accord.Revision[T], project string, ids map[string]bool, last *int, recs, revs, tags *batch) error {
	if len(list) == 0 {
		return accord.Errorf(accord.Invalid, "%s %d has no revision", t.what, i+1)
	}
	rec := list[0].Record
	p, id := t.ident(&rec)
	name := func() string { // how an error names the record
		if t.key != nil && *t.key(&rec) != "" {
			return fmt.Sprintf("%s %d (%s, %s)", t.what, i+1, *t.key(&rec), id)
		}
		return fmt.Sprintf("%s %d (%s)", t.what, i+1, id)
	}
	if p != project || id == "" {
		return accord.Errorf(accord.Invalid, "%s: a record of project %q with an ID is needed, not %q and %q", name(), project, p, id)
	}
	if ids[id] {
		return accord.Errorf(accord.Conflict, "%s: ID %q is in the document twice", name(), id)
	}
	ids[id] = true
	seq := *last + 1
	if t.key != nil {
		if preset, ok := svc.PresetKey(t.keyOf, *t.key(&rec)); ok && preset > 0 {
			if preset <= *last {
				return accord.Errorf(accord.Conflict, "%s key %s is taken: the project's keys are past %d", t.what, *t.key(&rec), preset)
			}
			seq = preset
		}
		// As create does: the first revision gets the key of its number;
		// later revisions carry theirs.
		*t.key(&rec) = t.keyOf(seq)
		list = append([]accord.Revision[T]{{Number: list[0].Number, Kind: list[0].Kind, Actor: list[0].Actor, Time: list[0].Time, Note: list[0].Note, Record: rec}}, list[1:]...)
	}
	*last = seq
	deleted := false
	for j, r := range list {
		rp, rid := t.ident(&r.Record)
		switch n := t.stamp(&r.Record).Revision; {
		case r.Number != j+1 || n != j+1:
			return accord.Errorf(accord.Invalid, "%s, revision %d: numbered %d (record revision %d), want %d: revisions go oldest first from 1", name(), j+1, r.Number, n, j+1)
		case rp != project || rid != id:
			return accord.Errorf(accord.Invalid, "%s, revision %d: it names %s %q of project %q, not the record's", name(), j+1, t.what, rid, rp)
		case r.Kind == accord.RevisionDeleted && !t.gone(&r.Record):
			return accord.Errorf(accord.Invalid, "%s, revision %d: a %s's tombstone is a revision of kind %s whose stamp says who deleted it", name(), j+1, t.what, accord.RevisionDeleted)
		case deleted && r.Kind != accord.RevisionRestored:
			return accord.Errorf(accord.Invalid, "%s, revision %d: it follows the record's deletion and is of kind %q, not %s", name(), j+1, r.Kind, accord.RevisionRestored)
		}
		deleted = r.Kind == accord.RevisionDeleted
		data, err := t.encode(&r.Record)
		if err != nil {
			return err
		}
		revs.add(t.kind, project, id, j+1, string(r.Kind), r.Actor, nanos(r.Time), r.Note, data)
		if j < len(list)-1 {
			continue
		}
		// The record row is its last revision, as write leaves it after
		// the updates: the key, the parent and the creation time are the
		// first revision's (an update keeps them), the rest the last's.
		cur := r.Record
		var c columns
		if t.cols != nil {
			c = t.cols(&cur)
		}
		var key, parent string
		if t.key != nil {
			key = *t.key(&rec)
		}
		if t.parent != nil {
			parent = t.parent(&rec)
		}
		st := t.stamp(&cur)
		// The search columns as write fills them (searchColumns; the
		// engine's search index follows by itself, by triggers or index).
		search, pairs, head := searchColumns(c)
		recs.add(t.kind, project, id, seq, nullable(key), nullable(t.nameOf(&cur)), nullable(parent), c.status, c.class, c.owner, c.refKind, c.refID, search, pairs, head,
			st.Revision, nanos(t.stamp(&rec).CreatedAt), nanos(st.UpdatedAt), t.deletedAt(&cur), data)
		for _, tag := range dedupe(c.tags) {
			tags.add(t.kind, project, id, tag)
		}
	}
	return nil
}

// batch collects the rows of one multi-row INSERT. On an engine that
// takes arrays (Dialect.arrays, PostgreSQL) the statement passes each
// column as one array and inserts from unnest: one short statement, the
// same for every batch, whatever its rows, prepared once, with no bound
// on the rows but memory; elsewhere it is INSERT … VALUES with a
// placeholder per value, under bulkParams.
type batch struct {
	d     Dialect
	table string
	types []string // per column: text, bigint or json
	head  string
	args  []any // row after row
	rows  int
	stmts map[int]string // statements by row count: a full batch's is reused
}

// bulkRows bounds the rows of one statement that passes arrays: a few
// megabytes, and few round trips.
const bulkRows = 5_000

// newBatch prepares the INSERTs of rows into table; cols names each
// column with its type ("kind text, seq bigint, record json").
func newBatch(d Dialect, table, cols string) *batch {
	b := &batch{d: d, table: table, stmts: map[int]string{}}
	var names []string
	for _, c := range strings.Split(cols, ",") {
		name, typ, _ := strings.Cut(strings.TrimSpace(c), " ")
		names = append(names, name)
		b.types = append(b.types, typ)
	}
	list := strings.Join(names, ", ")
	if !d.arrays {
		b.head = "INSERT INTO " + table + " (" + list + ") VALUES "
		return b
	}
	// INSERT INTO t (a, b, r) SELECT a, b, r::jsonb FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u (a, b, r)
	sel := make([]string, len(names))
	arrays := make([]string, len(names))
	for i, name := range names {
		sel[i], arrays[i] = name, fmt.Sprintf("$%d::%s[]", i+1, b.types[i])
		if b.types[i] == "json" {
			sel[i], arrays[i] = name+"::jsonb", fmt.Sprintf("$%d::text[]", i+1)
		}
	}
	b.head = "INSERT INTO " + table + " (" + list + ") SELECT " + strings.Join(sel, ", ") +
		" FROM unnest(" + strings.Join(arrays, ", ") + ") AS u (" + list + ")"
	return b
}

func (b *batch) add(values ...any) {
	b.args = append(b.args, values...)
	b.rows++
}

func (b *batch) full() bool {
	if b.d.arrays {
		return b.rows >= bulkRows
	}
	return len(b.args)+len(b.types) > bulkParams
}

// flush writes the rows collected so far in one statement.
func (b *batch) flush(ctx context.Context, tx *sql.Tx, what string) error {
	if b.rows == 0 {
		return nil
	}
	var err error
	if b.d.arrays {
		var cols []any
		if cols, err = b.columns(); err != nil {
			b.args, b.rows = b.args[:0], 0
			return internal("writing "+what+"s ("+b.table+")", err)
		}
		_, err = tx.ExecContext(ctx, b.head, cols...)
	} else {
		stmt, ok := b.stmts[b.rows]
		if !ok {
			cols := len(b.types)
			row := "(?" + strings.Repeat(", ?", cols-1) + ")"
			var sb strings.Builder
			sb.WriteString(b.head)
			for i := range b.rows {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(row)
			}
			stmt = b.d.q(sb.String())
			b.stmts[b.rows] = stmt
		}
		_, err = tx.ExecContext(ctx, stmt, b.args...)
	}
	b.args, b.rows = b.args[:0], 0
	if err != nil {
		if uniqueViolation(err) {
			return accord.Errorf(accord.Conflict, "importing %ss: a key, name or ID is taken twice, in the document or by a record stored before", what)
		}
		return internal("writing "+what+"s ("+b.table+")", err)
	}
	return nil
}

// columns turns the rows into one array per column, for unnest: text
// (and json) columns as []*string, bigint columns as []*int64, nil for
// NULL.
func (b *batch) columns() ([]any, error) {
	n := len(b.types)
	texts := make([]string, 0, b.rows*n) // backing store of the pointers
	ints := make([]int64, 0, b.rows*n)
	out := make([]any, n)
	for c, typ := range b.types {
		if typ == "bigint" {
			col := make([]*int64, b.rows)
			for r := range b.rows {
				switch v := b.args[r*n+c].(type) {
				case int:
					ints = append(ints, int64(v))
					col[r] = &ints[len(ints)-1]
				case int64:
					ints = append(ints, v)
					col[r] = &ints[len(ints)-1]
				case nil:
				default:
					return nil, fmt.Errorf("column %d of %s holds a %T, not an integer", c+1, b.table, v)
				}
			}
			out[c] = col
			continue
		}
		col := make([]*string, b.rows)
		for r := range b.rows {
			switch v := b.args[r*n+c].(type) {
			case string:
				texts = append(texts, v)
				col[r] = &texts[len(texts)-1]
			case nil:
			default:
				return nil, fmt.Errorf("column %d of %s holds a %T, not a text", c+1, b.table, v)
			}
		}
		out[c] = col
	}
	return out, nil
}

// ImportRequirements writes whole requirements into a project that has
// none yet, each as its revisions oldest first (a deleted one ending with
// its tombstone), in a few multi-row statements in one transaction (the
// unit's, inside Stores.Atomically): what replaying each through
// CreateRequirement, UpdateRequirement and DeleteRequirement would store,
// in time linear in the requirements. Keys given in advance are kept and
// must rise. adapters/transfer's Import uses it when the store has it.
// Errors: Invalid (revisions out of order, or of another record), Conflict
// (a key or ID taken twice); nothing is written then.
func (s *RequirementStore) ImportRequirements(ctx context.Context, records [][]accord.Revision[requirement.Requirement]) error {
	return s.reqs.bulk(ctx, records)
}

// ImportChangeRequests is ImportRequirements for change requests, which
// come after their requirements: each must belong to a live requirement
// of its project (NotFound otherwise, as CreateChangeRequest says), and
// its later revisions keep the first's requirement, as
// UpdateChangeRequest keeps it. The requirements are read once, in one
// query, without locking them: run it in the unit that imported them
// (Stores.Atomically), where no one else sees the project yet.
func (s *RequirementStore) ImportChangeRequests(ctx context.Context, records [][]accord.Revision[requirement.ChangeRequest]) error {
	if len(records) == 0 || len(records[0]) == 0 {
		return s.changes.bulk(ctx, records) // empty, or refused there
	}
	project := records[0][0].Record.Project
	live := make(map[string]bool)
	rows, err := on(ctx, s.reqs.db).QueryContext(ctx, s.reqs.d.q("SELECT id FROM accord_records WHERE kind = ? AND project = ? AND deleted_at IS NULL"), s.reqs.kind, project)
	if err != nil {
		return internal("reading requirements", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return internal("reading requirements", err)
		}
		live[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal("reading requirements", err)
	}
	out := make([][]accord.Revision[requirement.ChangeRequest], len(records))
	for i, list := range records {
		if len(list) == 0 {
			out[i] = list // bulk refuses it, by its place
			continue
		}
		first := list[0].Record
		if first.Project == project && !live[first.RequirementID] {
			return accord.Errorf(accord.NotFound, "change request %d (%s): requirement %q not found in project %q", i+1, first.ID, first.RequirementID, project)
		}
		out[i] = make([]accord.Revision[requirement.ChangeRequest], len(list))
		for j, r := range list {
			r.Record.RequirementID = first.RequirementID
			out[i][j] = r
		}
	}
	return s.changes.bulk(ctx, out)
}

// ImportTerms is ImportRequirements for glossary terms: a term taken twice
// (by live terms) is a Conflict.
func (s *RequirementStore) ImportTerms(ctx context.Context, records [][]accord.Revision[requirement.Term]) error {
	return s.terms.bulk(ctx, records)
}

// ImportRisks is ImportRequirements for risks.
func (s *RiskStore) ImportRisks(ctx context.Context, records [][]accord.Revision[risk.Risk]) error {
	return s.risks.bulk(ctx, records)
}

// ImportLinks is ImportRequirements for trace links: the same link (from,
// role, to) live twice is a Conflict.
func (s *TraceStore) ImportLinks(ctx context.Context, records [][]accord.Revision[trace.Link]) error {
	return s.links.bulk(ctx, records)
}
