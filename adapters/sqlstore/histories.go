package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// historyPage is how many revisions one query of histories reads.
const historyPage = 2_000

// histories reads every revision of the project's records of the kind,
// deleted records' included, keyed by record ID, oldest first: one query
// per page of historyPage revisions, in the order of the revisions'
// primary key (a row-value comparison, so each page starts where the last
// ended in the index), instead of one query per record.
func (t *table[T]) histories(ctx context.Context, project string) (map[string][]accord.Revision[T], error) {
	out := map[string][]accord.Revision[T]{}
	lastID, lastNumber := "", 0
	for {
		rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q(`SELECT id, number, change, actor, at, note, record FROM accord_revisions
			WHERE kind = ? AND project = ? AND (id, number) > (?, ?) ORDER BY id, number LIMIT ?`),
			t.kind, project, lastID, lastNumber, historyPage)
		if err != nil {
			return nil, internal("reading revisions", err)
		}
		n := 0
		for rows.Next() {
			var v accord.Revision[T]
			var id, change string
			var at int64
			var data []byte
			if err := rows.Scan(&id, &v.Number, &change, &v.Actor, &at, &v.Note, &data); err != nil {
				rows.Close()
				return nil, internal("reading revisions", err)
			}
			v.Kind, v.Time = accord.RevisionKind(change), time.Unix(0, at).UTC()
			if v.Record, err = t.decode(data); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = append(out[id], v)
			lastID, lastNumber = id, v.Number
			n++
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, internal("reading revisions", err)
		}
		if n < historyPage {
			return out, nil
		}
	}
}

// historiesOf reads the revisions of the records ids names, keyed by ID,
// oldest first: one query per historyIDs records.
func (t *table[T]) historiesOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[T], error) {
	out := make(map[string][]accord.Revision[T], len(ids))
	for start := 0; start < len(ids); start += historyIDs {
		chunk := ids[start:min(start+historyIDs, len(ids))]
		args := []any{t.kind, project}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q(`SELECT id, number, change, actor, at, note, record FROM accord_revisions
			WHERE kind = ? AND project = ? AND id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) ORDER BY id, number`), args...)
		if err != nil {
			return nil, internal("reading revisions", err)
		}
		err = scanRevisions(t, rows, out)
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// historyIDs is how many records one query of historiesOf reads.
const historyIDs = 500

// scanRevisions adds the rows (id, number, change, actor, at, note,
// record) to out.
func scanRevisions[T any](t *table[T], rows *sql.Rows, out map[string][]accord.Revision[T]) error {
	for rows.Next() {
		var v accord.Revision[T]
		var id, change string
		var at int64
		var data []byte
		if err := rows.Scan(&id, &v.Number, &change, &v.Actor, &at, &v.Note, &data); err != nil {
			return internal("reading revisions", err)
		}
		v.Kind, v.Time = accord.RevisionKind(change), time.Unix(0, at).UTC()
		var err error
		if v.Record, err = t.decode(data); err != nil {
			return err
		}
		out[id] = append(out[id], v)
	}
	if err := rows.Err(); err != nil {
		return internal("reading revisions", err)
	}
	return nil
}

// RequirementRevisionsOf returns the revisions of the requirements ids
// names, keyed by ID, oldest first (an ID with none is left out): a query
// per 500 requirements rather than one each. adapters/report's progress
// report uses it for the requirements changed in its period.
func (s *RequirementStore) RequirementRevisionsOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[requirement.Requirement], error) {
	return s.reqs.historiesOf(ctx, project, ids)
}

// RequirementHistories returns every requirement's revisions in the
// project, deleted requirements' too, keyed by ID, oldest first: what
// ListRequirementRevisions returns for each, read in pages of one query
// each rather than one query per requirement. adapters/transfer's Export
// uses it when the store has it.
func (s *RequirementStore) RequirementHistories(ctx context.Context, project string) (map[string][]accord.Revision[requirement.Requirement], error) {
	return s.reqs.histories(ctx, project)
}

// ChangeRequestHistories is RequirementHistories for change requests.
func (s *RequirementStore) ChangeRequestHistories(ctx context.Context, project string) (map[string][]accord.Revision[requirement.ChangeRequest], error) {
	return s.changes.histories(ctx, project)
}

// TermHistories is RequirementHistories for glossary terms.
func (s *RequirementStore) TermHistories(ctx context.Context, project string) (map[string][]accord.Revision[requirement.Term], error) {
	return s.terms.histories(ctx, project)
}

// ReviewHistories is RequirementHistories for reviews.
func (s *ReviewStore) ReviewHistories(ctx context.Context, project string) (map[string][]accord.Revision[review.Review], error) {
	return s.reviews.histories(ctx, project)
}

// RiskHistories is RequirementHistories for risks.
func (s *RiskStore) RiskHistories(ctx context.Context, project string) (map[string][]accord.Revision[risk.Risk], error) {
	return s.risks.histories(ctx, project)
}

// LinkHistories is RequirementHistories for trace links.
func (s *TraceStore) LinkHistories(ctx context.Context, project string) (map[string][]accord.Revision[trace.Link], error) {
	return s.links.histories(ctx, project)
}

// AllChangeRequests returns every change request of the project, of every
// requirement, in creation order: one query, where ListChangeRequests is
// one per requirement. adapters/transfer's Export uses it when the store
// has it.
func (s *RequirementStore) AllChangeRequests(ctx context.Context, project string) ([]requirement.ChangeRequest, error) {
	return s.changes.all(ctx, on(ctx, s.changes.db), project, filter{})
}
