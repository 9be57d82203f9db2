package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

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

// ChangeRequestRevisionsOf is RequirementRevisionsOf for change requests.
// adapters/transfer's Write and Export read a page of records' revisions
// with these calls: a query per 500 records, never the whole project's at
// once.
func (s *RequirementStore) ChangeRequestRevisionsOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[requirement.ChangeRequest], error) {
	return s.changes.historiesOf(ctx, project, ids)
}

// TermRevisionsOf is RequirementRevisionsOf for glossary terms.
func (s *RequirementStore) TermRevisionsOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[requirement.Term], error) {
	return s.terms.historiesOf(ctx, project, ids)
}

// ReviewRevisionsOf is RequirementRevisionsOf for reviews.
func (s *ReviewStore) ReviewRevisionsOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[review.Review], error) {
	return s.reviews.historiesOf(ctx, project, ids)
}

// RiskRevisionsOf is RequirementRevisionsOf for risks.
func (s *RiskStore) RiskRevisionsOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[risk.Risk], error) {
	return s.risks.historiesOf(ctx, project, ids)
}

// LinkRevisionsOf is RequirementRevisionsOf for trace links.
func (s *TraceStore) LinkRevisionsOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[trace.Link], error) {
	return s.links.historiesOf(ctx, project, ids)
}

// ReferenceRevisionsOf is RequirementRevisionsOf for references to
// tracker items.
func (s *ExternalStore) ReferenceRevisionsOf(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[external.Reference], error) {
	return s.refs.historiesOf(ctx, project, ids)
}

// ChangeRequestsOf returns the change requests of the requirements ids
// names, each requirement's in creation order (as ListChangeRequests
// returns them; a requirement's all come from one query): a query per 500
// requirements, where ListChangeRequests is one per
// requirement. adapters/transfer's Write reads a page of requirements'
// change requests with it.
func (s *RequirementStore) ChangeRequestsOf(ctx context.Context, project string, ids []string) ([]requirement.ChangeRequest, error) {
	var out []requirement.ChangeRequest
	for start := 0; start < len(ids); start += historyIDs {
		chunk := ids[start:min(start+historyIDs, len(ids))]
		var w filter
		in(&w, "r.parent", chunk)
		more, err := s.changes.all(ctx, on(ctx, s.changes.db), project, w)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// RequirementIDs returns one page of the IDs of the project's live
// requirements, in creation order (ListRequirements' order and page
// tokens), without reading the records: adapters/transfer's Write walks
// the requirements a second time with it, for their change requests.
func (s *RequirementStore) RequirementIDs(ctx context.Context, project string, q accord.PageQuery) (accord.Page[string], error) {
	page := accord.Page[string]{Items: []string{}}
	after, err := decodeToken(q.Token)
	if err != nil {
		return page, err
	}
	t := &s.reqs
	rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q(`SELECT seq, id FROM accord_records
		WHERE kind = ? AND project = ? AND seq > ? AND deleted_at IS NULL ORDER BY seq LIMIT ?`), t.kind, project, after, q.Size+1)
	if err != nil {
		return page, internal("listing requirements", err)
	}
	defer rows.Close()
	last := 0
	for rows.Next() {
		var seq int
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			return page, internal("listing requirements", err)
		}
		if len(page.Items) == q.Size {
			page.NextPageToken = encodeToken(last)
			break
		}
		page.Items = append(page.Items, id)
		last = seq
	}
	if err := rows.Err(); err != nil {
		return page, internal("listing requirements", err)
	}
	return page, nil
}
