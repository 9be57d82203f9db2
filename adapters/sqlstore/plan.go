package sqlstore

import (
	"context"
	"database/sql"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// PlanStore is a plan.Store in SQL. An iteration's scheduled items and its
// members are tags, so the filters are index lookups.
type PlanStore struct {
	iterations table[plan.Iteration]
	milestones table[plan.Milestone]
	questions  table[plan.Question]
	settings   settings[plan.Settings]
}

var _ plan.Store = (*PlanStore)(nil)

func newPlanStore(db *sql.DB, d Dialect, c *readCache) *PlanStore {
	return &PlanStore{
		iterations: table[plan.Iteration]{db: db, d: d, cache: c, clone: plan.Iteration.Clone, kind: plan.IterationRefKind, what: "iteration",
			ident: func(it *plan.Iteration) (string, string) { return it.Project, it.ID },
			stamp: func(it *plan.Iteration) *accord.Stamp { return &it.Stamp },
			key:   func(it *plan.Iteration) *string { return &it.Key }, keyOf: plan.IterationKeyOf,
			cols: func(it *plan.Iteration) columns {
				c := columns{status: string(it.Status), search: []string{it.Key, it.Name}}
				for _, cp := range it.Capacity {
					c.tags = append(c.tags, "member:"+cp.Member)
				}
				for _, item := range it.Items {
					c.tags = append(c.tags, "item:"+item.Ref.String())
					for _, a := range item.Assignees {
						c.tags = append(c.tags, "member:"+a)
					}
				}
				return c
			}},
		milestones: table[plan.Milestone]{db: db, d: d, cache: c, clone: plan.Milestone.Clone, kind: plan.MilestoneRefKind, what: "milestone",
			ident: func(m *plan.Milestone) (string, string) { return m.Project, m.ID },
			stamp: func(m *plan.Milestone) *accord.Stamp { return &m.Stamp },
			key:   func(m *plan.Milestone) *string { return &m.Key }, keyOf: plan.MilestoneKeyOf,
			cols: func(m *plan.Milestone) columns {
				c := columns{search: []string{m.Key, m.Name}}
				for _, d := range m.Deliverables {
					c.tags = append(c.tags, "deliverable:"+d.String())
				}
				return c
			}},
		questions: table[plan.Question]{db: db, d: d, cache: c, clone: plan.Question.Clone, kind: plan.QuestionRefKind, what: "question",
			ident: func(q *plan.Question) (string, string) { return q.Project, q.ID },
			stamp: func(q *plan.Question) *accord.Stamp { return &q.Stamp },
			key:   func(q *plan.Question) *string { return &q.Key }, keyOf: plan.QuestionKeyOf,
			cols: func(q *plan.Question) columns {
				c := columns{status: string(q.Status), owner: q.To.Actor, class: q.To.Role, refKind: q.About.Kind, refID: q.About.ID,
					search: []string{q.Key, q.Text}}
				if q.Blocking {
					c.tags = append(c.tags, "blocking")
				}
				return c
			}},
		settings: settings[plan.Settings]{db: db, d: d, domain: "plans",
			stamp: func(s *plan.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) plan.Settings { return plan.Settings{Project: p} }},
	}
}

// CreateIteration implements plan.Store.
func (s *PlanStore) CreateIteration(ctx context.Context, first accord.Revision[plan.Iteration]) (plan.Iteration, error) {
	return s.iterations.create(ctx, first)
}

// GetIteration implements plan.Store.
func (s *PlanStore) GetIteration(ctx context.Context, project, id string) (plan.Iteration, error) {
	return s.iterations.get(ctx, project, id)
}

// GetIterationByKey implements plan.Store.
func (s *PlanStore) GetIterationByKey(ctx context.Context, project, key string) (plan.Iteration, error) {
	return s.iterations.getByKey(ctx, project, key)
}

// UpdateIteration implements plan.Store.
func (s *PlanStore) UpdateIteration(ctx context.Context, next accord.Revision[plan.Iteration]) (plan.Iteration, error) {
	return s.iterations.update(ctx, next)
}

// ListIterations implements plan.Store.
func (s *PlanStore) ListIterations(ctx context.Context, project string, f plan.IterationFilter, q accord.PageQuery) (accord.Page[plan.Iteration], error) {
	var w filter
	in(&w, "r.status", f.Status)
	if f.Item.Kind != "" {
		w.tag("item:" + f.Item.String())
	}
	if f.Member != "" {
		w.tag("member:" + f.Member)
	}
	return s.iterations.list(ctx, project, w, q)
}

// ListIterationRevisions implements plan.Store.
func (s *PlanStore) ListIterationRevisions(ctx context.Context, project, id string) ([]accord.Revision[plan.Iteration], error) {
	return s.iterations.revisions(ctx, project, id)
}

// CreateMilestone implements plan.Store.
func (s *PlanStore) CreateMilestone(ctx context.Context, first accord.Revision[plan.Milestone]) (plan.Milestone, error) {
	return s.milestones.create(ctx, first)
}

// GetMilestone implements plan.Store.
func (s *PlanStore) GetMilestone(ctx context.Context, project, id string) (plan.Milestone, error) {
	return s.milestones.get(ctx, project, id)
}

// GetMilestoneByKey implements plan.Store.
func (s *PlanStore) GetMilestoneByKey(ctx context.Context, project, key string) (plan.Milestone, error) {
	return s.milestones.getByKey(ctx, project, key)
}

// UpdateMilestone implements plan.Store.
func (s *PlanStore) UpdateMilestone(ctx context.Context, next accord.Revision[plan.Milestone]) (plan.Milestone, error) {
	return s.milestones.update(ctx, next)
}

// ListMilestones implements plan.Store.
func (s *PlanStore) ListMilestones(ctx context.Context, project string, q accord.PageQuery) (accord.Page[plan.Milestone], error) {
	return s.milestones.list(ctx, project, filter{}, q)
}

// ListMilestoneRevisions implements plan.Store.
func (s *PlanStore) ListMilestoneRevisions(ctx context.Context, project, id string) ([]accord.Revision[plan.Milestone], error) {
	return s.milestones.revisions(ctx, project, id)
}

// CreateQuestion implements plan.Store.
func (s *PlanStore) CreateQuestion(ctx context.Context, first accord.Revision[plan.Question]) (plan.Question, error) {
	return s.questions.create(ctx, first)
}

// GetQuestion implements plan.Store.
func (s *PlanStore) GetQuestion(ctx context.Context, project, id string) (plan.Question, error) {
	return s.questions.get(ctx, project, id)
}

// GetQuestionByKey implements plan.Store.
func (s *PlanStore) GetQuestionByKey(ctx context.Context, project, key string) (plan.Question, error) {
	return s.questions.getByKey(ctx, project, key)
}

// UpdateQuestion implements plan.Store.
func (s *PlanStore) UpdateQuestion(ctx context.Context, next accord.Revision[plan.Question]) (plan.Question, error) {
	return s.questions.update(ctx, next)
}

// ListQuestions implements plan.Store: the addressee is in owner (a
// person) or class (a role), the subject in the ref columns.
func (s *PlanStore) ListQuestions(ctx context.Context, project string, f plan.QuestionFilter, q accord.PageQuery) (accord.Page[plan.Question], error) {
	var w filter
	in(&w, "r.status", f.Status)
	if f.About.Kind != "" {
		w.add("r.ref_kind = ? AND r.ref_id = ?", f.About.Kind, f.About.ID)
	}
	if f.To.Actor != "" {
		w.add("r.owner = ?", f.To.Actor)
	}
	if f.To.Role != "" {
		w.add("r.class = ?", f.To.Role)
	}
	if f.Blocking {
		w.tag("blocking")
	}
	return s.questions.list(ctx, project, w, q)
}

// ListQuestionRevisions implements plan.Store.
func (s *PlanStore) ListQuestionRevisions(ctx context.Context, project, id string) ([]accord.Revision[plan.Question], error) {
	return s.questions.revisions(ctx, project, id)
}

// GetSettings implements plan.Store.
func (s *PlanStore) GetSettings(ctx context.Context, project string) (plan.Settings, error) {
	return s.settings.get(ctx, project)
}

// PutSettings implements plan.Store.
func (s *PlanStore) PutSettings(ctx context.Context, next plan.Settings) (plan.Settings, error) {
	return s.settings.put(ctx, next.Project, next)
}
