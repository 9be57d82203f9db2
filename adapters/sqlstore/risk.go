package sqlstore

import (
	"context"
	"database/sql"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/risk"
)

// RiskStore is a risk.Store in SQL. A risk raised elsewhere carries its
// source as its unique name, so a source files once.
type RiskStore struct {
	risks    table[risk.Risk]
	settings settings[risk.Settings]
}

var _ risk.Store = (*RiskStore)(nil)

func newRiskStore(db *sql.DB, d Dialect, c *readCache) *RiskStore {
	return &RiskStore{
		risks: table[risk.Risk]{db: db, d: d, cache: c, clone: risk.Risk.Clone, kind: risk.RefKind, what: "risk",
			ident: func(r *risk.Risk) (string, string) { return r.Project, r.ID },
			stamp: func(r *risk.Risk) *accord.Stamp { return &r.Stamp },
			key:   func(r *risk.Risk) *string { return &r.Key }, keyOf: risk.KeyOf,
			name: func(r *risk.Risk) string { return risk.SourceName(r.Source) },
			taken: func(r *risk.Risk) error {
				return accord.Errorf(accord.Conflict, "%s was already filed from %s as %s", r.Source.Item, r.Source.Ref, r.Key)
			},
			cols: func(r *risk.Risk) columns {
				c := columns{status: string(r.Status), class: string(r.Level()), owner: r.Owner,
					refKind: string(r.Kind), refID: r.Category, search: []string{r.Key, r.Title, r.Cause, r.Event, r.Effect}}
				for _, l := range r.Links {
					c.tags = append(c.tags, "link:"+l.String())
				}
				return c
			}},
		settings: settings[risk.Settings]{db: db, d: d, domain: "risks",
			stamp: func(s *risk.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) risk.Settings { return risk.Settings{Project: p} }},
	}
}

// CreateRisk implements risk.Store.
func (s *RiskStore) CreateRisk(ctx context.Context, first accord.Revision[risk.Risk]) (risk.Risk, error) {
	return s.risks.create(ctx, first)
}

// GetRisk implements risk.Store.
func (s *RiskStore) GetRisk(ctx context.Context, project, id string) (risk.Risk, error) {
	return s.risks.get(ctx, project, id)
}

// GetRiskByKey implements risk.Store.
func (s *RiskStore) GetRiskByKey(ctx context.Context, project, key string) (risk.Risk, error) {
	return s.risks.getByKey(ctx, project, key)
}

// FindRiskBySource implements risk.Store.
func (s *RiskStore) FindRiskBySource(ctx context.Context, project string, src risk.Source) (risk.Risk, error) {
	name := risk.SourceName(src)
	if name == "" {
		return risk.Risk{}, accord.Errorf(accord.NotFound, "a risk raised by hand has no source to find it by")
	}
	return s.risks.byName(ctx, on(ctx, s.risks.db), project, name)
}

// UpdateRisk implements risk.Store.
func (s *RiskStore) UpdateRisk(ctx context.Context, next accord.Revision[risk.Risk]) (risk.Risk, error) {
	return s.risks.update(ctx, next)
}

// DeleteRisk implements risk.Store.
func (s *RiskStore) DeleteRisk(ctx context.Context, tombstone accord.Revision[risk.Risk]) error {
	return s.risks.tombstone(ctx, tombstone)
}

// ListRisks implements risk.Store: every filter is a column or tag
// condition (the kind in ref_kind, the category in ref_id, the level in
// class).
func (s *RiskStore) ListRisks(ctx context.Context, project string, f risk.Filter, q accord.PageQuery) (accord.Page[risk.Risk], error) {
	var w filter
	in(&w, "r.status", f.Status)
	in(&w, "r.class", f.Level)
	if f.Kind != "" {
		w.add("r.ref_kind = ?", string(f.Kind))
	}
	if f.Category != "" {
		w.add("r.ref_id = ?", f.Category)
	}
	if f.Owner != "" {
		w.add("r.owner = ?", f.Owner)
	}
	if f.Link.Kind != "" {
		w.tag("link:" + f.Link.String())
	}
	if f.Text != "" {
		w.contains(f.Text)
	}
	return s.risks.list(ctx, project, w, q)
}

// ListDeletedRisks implements risk.Store.
func (s *RiskStore) ListDeletedRisks(ctx context.Context, project string, q accord.PageQuery) (accord.Page[risk.Risk], error) {
	return s.risks.listDeleted(ctx, project, q)
}

// GetRiskRevision implements risk.Store.
func (s *RiskStore) GetRiskRevision(ctx context.Context, project, id string, n int) (accord.Revision[risk.Risk], error) {
	return s.risks.revision(ctx, project, id, n)
}

// ListRiskRevisions implements risk.Store.
func (s *RiskStore) ListRiskRevisions(ctx context.Context, project, id string) ([]accord.Revision[risk.Risk], error) {
	return s.risks.revisions(ctx, project, id)
}

// GetSettings implements risk.Store.
func (s *RiskStore) GetSettings(ctx context.Context, project string) (risk.Settings, error) {
	return s.settings.get(ctx, project)
}

// PutSettings implements risk.Store.
func (s *RiskStore) PutSettings(ctx context.Context, next risk.Settings) (risk.Settings, error) {
	return s.settings.put(ctx, next.Project, next)
}
