package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/trace"
)

// RequirementStore is a requirement.Store in SQL.
type RequirementStore struct {
	reqs     table[requirement.Requirement]
	changes  table[requirement.ChangeRequest]
	terms    table[requirement.Term]
	settings settings[requirement.Settings]
}

var _ requirement.Store = (*RequirementStore)(nil)

func newRequirementStore(db *sql.DB, d Dialect, c *readCache) *RequirementStore {
	return &RequirementStore{
		reqs: table[requirement.Requirement]{db: db, d: d, cache: c, clone: requirement.Requirement.Clone, kind: requirement.RefKind, what: "requirement",
			ident: func(r *requirement.Requirement) (string, string) { return r.Project, r.ID },
			stamp: func(r *requirement.Requirement) *accord.Stamp { return &r.Stamp },
			key:   func(r *requirement.Requirement) *string { return &r.Key }, keyOf: requirement.KeyOf,
			cols: func(r *requirement.Requirement) columns {
				c := columns{status: string(r.Status), class: string(r.Priority), owner: r.Owner,
					search: []string{r.Key, r.Title, r.Background, r.Description}, headline: 2}
				for _, l := range r.Labels {
					c.tags = append(c.tags, "label:"+l)
				}
				return c
			}},
		changes: table[requirement.ChangeRequest]{db: db, d: d, cache: c, clone: requirement.ChangeRequest.Clone, kind: requirement.ChangeRequestRefKind, what: "change request",
			ident:  func(c *requirement.ChangeRequest) (string, string) { return c.Project, c.ID },
			stamp:  func(c *requirement.ChangeRequest) *accord.Stamp { return &c.Stamp },
			parent: func(c *requirement.ChangeRequest) string { return c.RequirementID },
			cols:   func(c *requirement.ChangeRequest) columns { return columns{status: string(c.State)} }},
		terms: table[requirement.Term]{db: db, d: d, cache: c, clone: requirement.Term.Clone, kind: "glossary_term", what: "glossary term", // the stored kind, requirement.TermRefKind before it became "glossary"
			ident: func(t *requirement.Term) (string, string) { return t.Project, t.ID },
			stamp: func(t *requirement.Term) *accord.Stamp { return &t.Stamp },
			name:  func(t *requirement.Term) string { return strings.ToLower(t.Term) },
			taken: func(t *requirement.Term) error {
				return accord.Errorf(accord.Conflict, "the glossary already has the term %q", t.Term)
			}},
		settings: settings[requirement.Settings]{db: db, d: d, domain: "requirements",
			stamp: func(s *requirement.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) requirement.Settings { return requirement.Settings{Project: p} }},
	}
}

// CreateRequirement implements requirement.Store.
func (s *RequirementStore) CreateRequirement(ctx context.Context, first accord.Revision[requirement.Requirement]) (requirement.Requirement, error) {
	return s.reqs.create(ctx, first)
}

// GetRequirement implements requirement.Store.
func (s *RequirementStore) GetRequirement(ctx context.Context, project, id string) (requirement.Requirement, error) {
	return s.reqs.get(ctx, project, id)
}

// GetRequirementByKey implements requirement.Store.
func (s *RequirementStore) GetRequirementByKey(ctx context.Context, project, key string) (requirement.Requirement, error) {
	return s.reqs.getByKey(ctx, project, key)
}

// UpdateRequirement implements requirement.Store.
func (s *RequirementStore) UpdateRequirement(ctx context.Context, next accord.Revision[requirement.Requirement]) (requirement.Requirement, error) {
	return s.reqs.update(ctx, next)
}

// DeleteRequirement implements requirement.Store: its change requests are
// hidden with it.
func (s *RequirementStore) DeleteRequirement(ctx context.Context, tombstone accord.Revision[requirement.Requirement]) error {
	return s.reqs.tombstone(ctx, tombstone)
}

// ListRequirements implements requirement.Store: every filter is a column
// or tag condition, so pages are exact.
func (s *RequirementStore) ListRequirements(ctx context.Context, project string, f requirement.Filter, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	return s.reqs.list(ctx, project, requirementFilter(f), q)
}

// SearchRequirements implements requirement.Store: the text through the
// search index (search.go), ranked in SQL.
func (s *RequirementStore) SearchRequirements(ctx context.Context, project string, f requirement.Filter, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	if f.Text == "" {
		return accord.Page[requirement.Requirement]{}, accord.Errorf(accord.Invalid, "a search of requirements needs a text")
	}
	return s.reqs.search(ctx, project, requirementFilter(f), q)
}

// requirementFilter is f in SQL: every filter is a column or tag
// condition, so pages are exact.
func requirementFilter(f requirement.Filter) filter {
	var w filter
	in(&w, "r.status", f.Status)
	in(&w, "r.class", f.Priority)
	if f.Owner != "" {
		w.add("r.owner = ?", f.Owner)
	}
	if f.Label != "" {
		w.tag("label:" + f.Label)
	}
	if f.Text != "" {
		w.contains(f.Text)
	}
	return w
}

// ListDeletedRequirements implements requirement.Store.
func (s *RequirementStore) ListDeletedRequirements(ctx context.Context, project string, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	return s.reqs.listDeleted(ctx, project, q)
}

// GetRequirementRevision implements requirement.Store.
func (s *RequirementStore) GetRequirementRevision(ctx context.Context, project, id string, n int) (accord.Revision[requirement.Requirement], error) {
	return s.reqs.revision(ctx, project, id, n)
}

// ListRequirementRevisions implements requirement.Store.
func (s *RequirementStore) ListRequirementRevisions(ctx context.Context, project, id string) ([]accord.Revision[requirement.Requirement], error) {
	return s.reqs.revisions(ctx, project, id)
}

// CreateChangeRequest implements requirement.Store.
func (s *RequirementStore) CreateChangeRequest(ctx context.Context, first accord.Revision[requirement.ChangeRequest]) (requirement.ChangeRequest, error) {
	var out requirement.ChangeRequest
	err := s.changes.tx(ctx, func(tx *sql.Tx) error {
		if err := s.reqs.exists(ctx, tx, first.Record.Project, first.Record.RequirementID); err != nil {
			return err
		}
		var err error
		out, err = s.changes.createIn(ctx, tx, first)
		return err
	})
	return out, err
}

// GetChangeRequest implements requirement.Store.
func (s *RequirementStore) GetChangeRequest(ctx context.Context, project, id string) (requirement.ChangeRequest, error) {
	cr, err := s.changes.get(ctx, project, id)
	if err == nil {
		if err := s.reqs.exists(ctx, on(ctx, s.reqs.db), project, cr.RequirementID); err != nil {
			return requirement.ChangeRequest{}, s.changes.notFound(project, id) // hidden with its requirement
		}
	}
	return cr, err
}

// UpdateChangeRequest implements requirement.Store. The requirement a
// change request belongs to never changes.
func (s *RequirementStore) UpdateChangeRequest(ctx context.Context, next accord.Revision[requirement.ChangeRequest]) (requirement.ChangeRequest, error) {
	var out requirement.ChangeRequest
	err := s.changes.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.changes.getIn(ctx, tx, next.Record.Project, next.Record.ID)
		if err != nil {
			return err
		}
		next.Record.RequirementID = cur.RequirementID
		out, err = s.changes.updateIn(ctx, tx, next)
		return err
	})
	return out, err
}

// ListChangeRequests implements requirement.Store.
func (s *RequirementStore) ListChangeRequests(ctx context.Context, project, requirementID string) ([]requirement.ChangeRequest, error) {
	if err := s.reqs.exists(ctx, on(ctx, s.reqs.db), project, requirementID); err != nil {
		return nil, err
	}
	var w filter
	w.add("r.parent = ?", requirementID)
	return s.changes.all(ctx, on(ctx, s.changes.db), project, w)
}

// ListChangeRequestRevisions implements requirement.Store.
func (s *RequirementStore) ListChangeRequestRevisions(ctx context.Context, project, id string) ([]accord.Revision[requirement.ChangeRequest], error) {
	return s.changes.revisions(ctx, project, id)
}

// CreateTerm implements requirement.Store.
func (s *RequirementStore) CreateTerm(ctx context.Context, first accord.Revision[requirement.Term]) (requirement.Term, error) {
	return s.terms.create(ctx, first)
}

// GetTerm implements requirement.Store.
func (s *RequirementStore) GetTerm(ctx context.Context, project, id string) (requirement.Term, error) {
	return s.terms.get(ctx, project, id)
}

// UpdateTerm implements requirement.Store.
func (s *RequirementStore) UpdateTerm(ctx context.Context, next accord.Revision[requirement.Term]) (requirement.Term, error) {
	return s.terms.update(ctx, next)
}

// DeleteTerm implements requirement.Store.
func (s *RequirementStore) DeleteTerm(ctx context.Context, tombstone accord.Revision[requirement.Term]) error {
	return s.terms.tombstone(ctx, tombstone)
}

// ListTerms implements requirement.Store.
func (s *RequirementStore) ListTerms(ctx context.Context, project string) ([]requirement.Term, error) {
	terms, err := s.terms.all(ctx, on(ctx, s.terms.db), project, filter{})
	slices.SortFunc(terms, func(a, b requirement.Term) int {
		return strings.Compare(strings.ToLower(a.Term), strings.ToLower(b.Term))
	})
	return terms, err
}

// ListDeletedTerms implements requirement.Store.
func (s *RequirementStore) ListDeletedTerms(ctx context.Context, project string, q accord.PageQuery) (accord.Page[requirement.Term], error) {
	return s.terms.listDeleted(ctx, project, q)
}

// ListTermRevisions implements requirement.Store.
func (s *RequirementStore) ListTermRevisions(ctx context.Context, project, id string) ([]accord.Revision[requirement.Term], error) {
	return s.terms.revisions(ctx, project, id)
}

// GetSettings implements requirement.Store.
func (s *RequirementStore) GetSettings(ctx context.Context, project string) (requirement.Settings, error) {
	return s.settings.get(ctx, project)
}

// PutSettings implements requirement.Store.
func (s *RequirementStore) PutSettings(ctx context.Context, next requirement.Settings) (requirement.Settings, error) {
	return s.settings.put(ctx, next.Project, next)
}

// RequirementsByID returns the project's live requirements among ids (in
// no particular order; an ID that is absent or deleted is left out), a
// query per 500 IDs: what names the records of an impact or a report at
// once instead of one read each (adapters/link's Records.Targets).
func (s *RequirementStore) RequirementsByID(ctx context.Context, project string, ids []string) ([]requirement.Requirement, error) {
	return s.reqs.many(ctx, project, ids)
}

// RequirementTargets names the project's live requirements among ids as
// links name their ends ("REQ-3 Refund an order", with the revision),
// keyed by ID: RequirementsByID without decoding each whole record,
// for the thousand ends of an impact (adapters/link's Records.Targets).
func (s *RequirementStore) RequirementTargets(ctx context.Context, project string, ids []string) (map[string]trace.Target, error) {
	out := make(map[string]trace.Target, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), manyChunk)]
		ids = ids[len(chunk):]
		args := []any{requirement.RefKind, project}
		for _, id := range chunk {
			args = append(args, id)
		}
		t := &s.reqs
		rows, err := on(ctx, t.db).QueryContext(ctx, t.d.q("SELECT id, rkey, revision, "+t.d.titleOf+
			" FROM accord_records WHERE kind = ? AND project = ? AND deleted_at IS NULL AND id IN (?"+strings.Repeat(", ?", len(chunk)-1)+")"), args...)
		if err != nil {
			return nil, internal("reading requirements", err)
		}
		for rows.Next() {
			var id, key, title string
			var revision int
			if err := rows.Scan(&id, &key, &revision, &title); err != nil {
				rows.Close()
				return nil, internal("reading requirements", err)
			}
			out[id] = trace.Target{Ref: accord.Ref{Kind: requirement.RefKind, ID: id}, Revision: revision, Title: key + " " + title}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, internal("reading requirements", err)
		}
	}
	return out, nil
}
