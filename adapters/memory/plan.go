package memory

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// PlanStore is an in-memory plan.Store.
type PlanStore struct {
	mu         sync.RWMutex
	iterations table[plan.Iteration]
	milestones table[plan.Milestone]
	questions  table[plan.Question]
	settings   settings[plan.Settings]
}

var _ plan.Store = (*PlanStore)(nil)

// NewPlanStore returns an empty store.
func NewPlanStore() *PlanStore {
	return &PlanStore{
		iterations: table[plan.Iteration]{what: "iteration", clone: plan.Iteration.Clone,
			ident: func(it *plan.Iteration) (string, string) { return it.Project, it.ID },
			stamp: func(it *plan.Iteration) *accord.Stamp { return &it.Stamp },
			key:   func(it *plan.Iteration) *string { return &it.Key }, keyOf: plan.IterationKeyOf},
		milestones: table[plan.Milestone]{what: "milestone", clone: plan.Milestone.Clone,
			ident: func(m *plan.Milestone) (string, string) { return m.Project, m.ID },
			stamp: func(m *plan.Milestone) *accord.Stamp { return &m.Stamp },
			key:   func(m *plan.Milestone) *string { return &m.Key }, keyOf: plan.MilestoneKeyOf},
		questions: table[plan.Question]{what: "question", clone: plan.Question.Clone,
			ident: func(q *plan.Question) (string, string) { return q.Project, q.ID },
			stamp: func(q *plan.Question) *accord.Stamp { return &q.Stamp },
			key:   func(q *plan.Question) *string { return &q.Key }, keyOf: plan.QuestionKeyOf},
		settings: settings[plan.Settings]{what: "plan settings", clone: plan.Settings.Clone,
			stamp: func(s *plan.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) plan.Settings { return plan.Settings{Project: p} }},
	}
}

// CreateIteration implements plan.Store.
func (s *PlanStore) CreateIteration(_ context.Context, first accord.Revision[plan.Iteration]) (plan.Iteration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.iterations.create(first)
}

// GetIteration implements plan.Store.
func (s *PlanStore) GetIteration(_ context.Context, project, id string) (plan.Iteration, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.iterations.get(project, id)
}

// GetIterationByKey implements plan.Store.
func (s *PlanStore) GetIterationByKey(_ context.Context, project, key string) (plan.Iteration, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.iterations.getByKey(project, key)
}

// UpdateIteration implements plan.Store.
func (s *PlanStore) UpdateIteration(_ context.Context, next accord.Revision[plan.Iteration]) (plan.Iteration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.iterations.update(next)
}

// ListIterations implements plan.Store.
func (s *PlanStore) ListIterations(_ context.Context, project string, f plan.IterationFilter, q accord.PageQuery) (accord.Page[plan.Iteration], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.iterations.list(project, f.Match, q)
}

// ListIterationRevisions implements plan.Store.
func (s *PlanStore) ListIterationRevisions(_ context.Context, project, id string) ([]accord.Revision[plan.Iteration], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.iterations.revisions(project, id)
}

// CreateMilestone implements plan.Store.
func (s *PlanStore) CreateMilestone(_ context.Context, first accord.Revision[plan.Milestone]) (plan.Milestone, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.milestones.create(first)
}

// GetMilestone implements plan.Store.
func (s *PlanStore) GetMilestone(_ context.Context, project, id string) (plan.Milestone, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.milestones.get(project, id)
}

// GetMilestoneByKey implements plan.Store.
func (s *PlanStore) GetMilestoneByKey(_ context.Context, project, key string) (plan.Milestone, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.milestones.getByKey(project, key)
}

// UpdateMilestone implements plan.Store.
func (s *PlanStore) UpdateMilestone(_ context.Context, next accord.Revision[plan.Milestone]) (plan.Milestone, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.milestones.update(next)
}

// ListMilestones implements plan.Store.
func (s *PlanStore) ListMilestones(_ context.Context, project string, q accord.PageQuery) (accord.Page[plan.Milestone], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.milestones.list(project, func(*plan.Milestone) bool { return true }, q)
}

// ListMilestoneRevisions implements plan.Store.
func (s *PlanStore) ListMilestoneRevisions(_ context.Context, project, id string) ([]accord.Revision[plan.Milestone], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.milestones.revisions(project, id)
}

// CreateQuestion implements plan.Store.
func (s *PlanStore) CreateQuestion(_ context.Context, first accord.Revision[plan.Question]) (plan.Question, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.questions.create(first)
}

// GetQuestion implements plan.Store.
func (s *PlanStore) GetQuestion(_ context.Context, project, id string) (plan.Question, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.questions.get(project, id)
}

// GetQuestionByKey implements plan.Store.
func (s *PlanStore) GetQuestionByKey(_ context.Context, project, key string) (plan.Question, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.questions.getByKey(project, key)
}

// UpdateQuestion implements plan.Store.
func (s *PlanStore) UpdateQuestion(_ context.Context, next accord.Revision[plan.Question]) (plan.Question, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.questions.update(next)
}

// ListQuestions implements plan.Store.
func (s *PlanStore) ListQuestions(_ context.Context, project string, f plan.QuestionFilter, q accord.PageQuery) (accord.Page[plan.Question], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.questions.list(project, f.Match, q)
}

// ListQuestionRevisions implements plan.Store.
func (s *PlanStore) ListQuestionRevisions(_ context.Context, project, id string) ([]accord.Revision[plan.Question], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.questions.revisions(project, id)
}

// GetSettings implements plan.Store.
func (s *PlanStore) GetSettings(_ context.Context, project string) (plan.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings.get(project), nil
}

// PutSettings implements plan.Store.
func (s *PlanStore) PutSettings(_ context.Context, st plan.Settings) (plan.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.put(st.Project, st)
}
