package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// PlanStore runs the plan suite: the generic record properties for
// iterations and milestones, the settings, and the iteration filters.
func PlanStore(t *testing.T, open func(t *testing.T) plan.Store) {
	t.Run("iterations", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[plan.Iteration] { return iterationRecords(open(t)) })
	})
	t.Run("milestones", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[plan.Milestone] { return milestoneRecords(open(t)) })
	})
	t.Run("questions", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[plan.Question] { return questionRecords(open(t)) })
	})
	t.Run("settings", func(t *testing.T) {
		CheckSettings(t, func(t *testing.T) SettingsRecords[plan.Settings] {
			s := open(t)
			return SettingsRecords[plan.Settings]{
				New: func(p string, n int) plan.Settings {
					st := plan.DefaultSettings(p)
					if n%2 == 1 {
						st.Commit[plan.RuleNotApproved] = plan.Warn
					}
					st.Commit[plan.RuleNoEstimate] = []plan.Action{plan.Warn, plan.Refuse}[n%2]
					return st
				},
				Stamp: func(s *plan.Settings) *accord.Stamp { return &s.Stamp },
				Get:   s.GetSettings, Put: s.PutSettings}
		})
	})
	t.Run("iteration_filters", func(t *testing.T) { testIterationFilters(t, open(t)) })
	t.Run("question_filters", func(t *testing.T) { testQuestionFilters(t, open(t)) })
}

func newQuestion(p string, i int) plan.Question {
	return plan.Question{ID: fmt.Sprintf("%s-q-%03d", p, i), Project: p, About: accord.Ref{Kind: "requirement", ID: fmt.Sprintf("R%d", i)},
		Text: "Which currency does a partial refund use?", To: plan.Addressee{Role: "product"}, Status: plan.Open,
		Messages: []plan.Message{{By: "bob", At: epoch, Text: "and the rounding?"}}, AskedBy: "bob", AskedAt: epoch,
		Stamp: accord.NewStamp("bob", epoch)}
}

func questionRecords(s plan.Store) Records[plan.Question] {
	return Records[plan.Question]{
		Name: "question",
		New:  newQuestion,
		Edit: func(q plan.Question, w int) plan.Question {
			q = q.Clone()
			q.Messages = append(q.Messages, plan.Message{By: fmt.Sprintf("writer-%d", w), At: epoch, Text: "an answer", Answer: true})
			return q
		},
		Edits:    func(q plan.Question) int { return len(q.Messages) - 1 },
		Scribble: func(q *plan.Question) { q.Messages[0].Text = "scribbled" },
		Stamp:    func(q *plan.Question) *accord.Stamp { return &q.Stamp },
		ID:       func(q plan.Question) string { return q.ID },
		Project:  func(q *plan.Question, p string) { q.Project = p },
		Create:   s.CreateQuestion, Get: s.GetQuestion, Update: s.UpdateQuestion,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[plan.Question], error) {
			return s.ListQuestions(ctx, p, plan.QuestionFilter{}, q)
		},
		Revisions: s.ListQuestionRevisions,
		Key:       func(q plan.Question) string { return q.Key }, KeyOf: plan.QuestionKeyOf, GetByKey: s.GetQuestionByKey,
	}
}

func testQuestionFilters(t *testing.T, s plan.Store) {
	rr := questionRecords(s)
	for i := 1; i <= 3; i++ {
		q := newQuestion("alpha", i)
		switch i {
		case 2:
			q.To, q.Blocking = plan.Addressee{Actor: "alice"}, true
		case 3:
			q.Status = plan.Resolved
		}
		if _, err := s.CreateQuestion(ctx, rr.first(q)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    plan.QuestionFilter
		want []string
	}{
		{"status", plan.QuestionFilter{Status: []plan.QuestionStatus{plan.Resolved}}, []string{"alpha-q-003"}},
		{"about", plan.QuestionFilter{About: accord.Ref{Kind: "requirement", ID: "R2"}}, []string{"alpha-q-002"}},
		{"to a person", plan.QuestionFilter{To: plan.Addressee{Actor: "alice"}}, []string{"alpha-q-002"}},
		{"to a role", plan.QuestionFilter{To: plan.Addressee{Role: "product"}}, []string{"alpha-q-001", "alpha-q-003"}},
		{"blocking", plan.QuestionFilter{Blocking: true}, []string{"alpha-q-002"}},
	} {
		page, err := s.ListQuestions(ctx, "alpha", tc.f, accord.PageQuery{Size: 50})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var got []string
		for _, q := range page.Items {
			got = append(got, q.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("question filter %s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func newIteration(p string, i int) plan.Iteration {
	return plan.Iteration{ID: fmt.Sprintf("%s-it-%03d", p, i), Project: p, Status: plan.Planning,
		IterationContent: plan.IterationContent{Name: fmt.Sprintf("Sprint %d", i), Start: "2026-11-23", End: "2026-12-04", Goals: []string{"refunds"},
			Capacity: []plan.Capacity{{Member: "bob", DaysPerWeek: 5, Absences: []plan.Absence{{From: "2026-11-26", To: "2026-11-27"}}}}},
		Items: []plan.Item{{Ref: accord.Ref{Kind: "requirement", ID: fmt.Sprintf("R%d", i)}, Assignees: []string{"bob"}, State: plan.NotStarted,
			Override: &plan.Override{Days: 2, Reason: "small"}, ScheduledBy: "alice", ScheduledAt: epoch}},
		Stamp: accord.NewStamp("alice", epoch)}
}

func iterationRecords(s plan.Store) Records[plan.Iteration] {
	return Records[plan.Iteration]{
		Name: "iteration",
		New:  newIteration,
		Edit: func(it plan.Iteration, w int) plan.Iteration {
			it = it.Clone()
			it.Goals = append(it.Goals, fmt.Sprintf("goal of writer %d", w))
			return it
		},
		Edits: func(it plan.Iteration) int { return len(it.Goals) - 1 },
		Scribble: func(it *plan.Iteration) {
			it.Goals[0] = "scribbled"
			it.Capacity[0].Absences[0].Reason = "scribbled"
			it.Items[0].Assignees[0] = "scribbled"
			it.Items[0].Override.Days = 99
		},
		Stamp:   func(it *plan.Iteration) *accord.Stamp { return &it.Stamp },
		ID:      func(it plan.Iteration) string { return it.ID },
		Project: func(it *plan.Iteration, p string) { it.Project = p },
		Create:  s.CreateIteration, Get: s.GetIteration, Update: s.UpdateIteration,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[plan.Iteration], error) {
			return s.ListIterations(ctx, p, plan.IterationFilter{}, q)
		},
		Revisions: s.ListIterationRevisions,
		Key:       func(it plan.Iteration) string { return it.Key }, KeyOf: plan.IterationKeyOf, GetByKey: s.GetIterationByKey,
	}
}

func milestoneRecords(s plan.Store) Records[plan.Milestone] {
	return Records[plan.Milestone]{
		Name: "milestone",
		New: func(p string, i int) plan.Milestone {
			return plan.Milestone{ID: fmt.Sprintf("%s-ms-%03d", p, i), Project: p,
				MilestoneContent: plan.MilestoneContent{Name: fmt.Sprintf("Milestone %d", i), Date: "2026-12-18",
					Deliverables: []accord.Ref{{Kind: "requirement", ID: "R1"}}},
				Stamp: accord.NewStamp("alice", epoch)}
		},
		Edit: func(m plan.Milestone, w int) plan.Milestone {
			m = m.Clone()
			m.Deliverables = append(m.Deliverables, accord.Ref{Kind: "requirement", ID: fmt.Sprintf("w%d", w)})
			return m
		},
		Edits:    func(m plan.Milestone) int { return len(m.Deliverables) - 1 },
		Scribble: func(m *plan.Milestone) { m.Deliverables[0].ID = "scribbled" },
		Stamp:    func(m *plan.Milestone) *accord.Stamp { return &m.Stamp },
		ID:       func(m plan.Milestone) string { return m.ID },
		Project:  func(m *plan.Milestone, p string) { m.Project = p },
		Create:   s.CreateMilestone, Get: s.GetMilestone, Update: s.UpdateMilestone,
		List: s.ListMilestones, Revisions: s.ListMilestoneRevisions,
		Key: func(m plan.Milestone) string { return m.Key }, KeyOf: plan.MilestoneKeyOf, GetByKey: s.GetMilestoneByKey,
	}
}

func testIterationFilters(t *testing.T, s plan.Store) {
	rr := iterationRecords(s)
	for i := 1; i <= 3; i++ {
		it := newIteration("alpha", i)
		if i == 3 {
			it.Status, it.Capacity = plan.Closed, []plan.Capacity{{Member: "carol", DaysPerWeek: 5}}
			it.Items[0].Assignees = []string{"dan"}
		}
		if _, err := s.CreateIteration(ctx, rr.first(it)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    plan.IterationFilter
		want []string
	}{
		{"status", plan.IterationFilter{Status: []plan.IterationStatus{plan.Closed}}, []string{"alpha-it-003"}},
		{"item", plan.IterationFilter{Item: accord.Ref{Kind: "requirement", ID: "R2"}}, []string{"alpha-it-002"}},
		{"member in capacity", plan.IterationFilter{Member: "carol"}, []string{"alpha-it-003"}},
		{"member assigned", plan.IterationFilter{Member: "dan"}, []string{"alpha-it-003"}},
		{"bob", plan.IterationFilter{Member: "bob"}, []string{"alpha-it-001", "alpha-it-002"}},
	} {
		page, err := s.ListIterations(ctx, "alpha", tc.f, accord.PageQuery{Size: 50})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var got []string
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("filter %s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
