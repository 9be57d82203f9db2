package review_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/review"
)

// subjects is a review.Subjects whose subjects are maps of field → value.
// Contract versions cannot list their changes, as in link.
type subjects struct {
	mu   sync.Mutex
	revs map[accord.Ref][]map[string]string
}

func newSubjects() *subjects { return &subjects{revs: map[accord.Ref][]map[string]string{}} }

// revise makes the next revision of ref with fields changed; it returns the
// revision number.
func (s *subjects) revise(ref accord.Ref, fields map[string]string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := map[string]string{}
	if revs := s.revs[ref]; len(revs) > 0 {
		next = maps.Clone(revs[len(revs)-1])
	}
	maps.Copy(next, fields)
	s.revs[ref] = append(s.revs[ref], next)
	return len(s.revs[ref])
}

func (s *subjects) Subject(_ context.Context, _ string, ref accord.Ref) (review.SubjectInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	revs := s.revs[ref]
	if len(revs) == 0 {
		return review.SubjectInfo{}, accord.Errorf(accord.NotFound, "%s not found", ref)
	}
	cur := revs[len(revs)-1]
	info := review.SubjectInfo{Revision: len(revs), Title: cur["title"]}
	if ref.Kind == "contract_version" { // no listed changes, but a fingerprint
		for _, k := range slices.Sorted(maps.Keys(cur)) {
			if k != "status" {
				info.Fingerprint += k + "=" + cur[k] + ";"
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(cur)) {
		if id, ok := cutCriterion(k); ok {
			info.Criteria = append(info.Criteria, review.Criterion{ID: id, Text: cur[k]})
		}
	}
	return info, nil
}

func cutCriterion(field string) (string, bool) {
	const prefix = "criterion:"
	if len(field) > len(prefix) && field[:len(prefix)] == prefix {
		return field[len(prefix):], true
	}
	return "", false
}

func (s *subjects) Changes(_ context.Context, _ string, ref accord.Ref, from, to int) ([]string, bool, error) {
	if ref.Kind == "contract_version" {
		return nil, false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, b := s.revs[ref][from-1], s.revs[ref][to-1]
	var out []string
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if k != "status" && a[k] != b[k] {
			out = append(out, k)
		}
	}
	return out, true, nil
}

func as(id string, roles ...string) context.Context {
	return accord.WithActor(context.Background(), accord.Actor{ID: id, Roles: roles})
}

var (
	alice = as("alice", "product") // product manager
	bob   = as("bob", "backend")
	carol = as("carol", "frontend")
	zed   = as("zed", "architect") // not a participant
	admin = as("alice", "product", "admin")
	req1  = accord.Ref{Kind: "requirement", ID: "R1"}
)

type env struct {
	svc      *review.Service
	subjects *subjects
	events   *testkit.Events
	clock    *testkit.StepClock
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{subjects: newSubjects(), events: &testkit.Events{}, clock: testkit.NewStepClock(t0)}
	svc, err := review.NewService(review.Options{Store: memory.NewReviewStore(), Subjects: e.subjects, Events: e.events, Clock: e.clock})
	require.NoError(t, err)
	e.svc = svc
	return e
}

// requirementReview creates R1 at revision 1 and its requirement review
// with alice (product) and bob (backend).
func (e *env) requirementReview(t testing.TB) review.Review {
	t.Helper()
	e.subjects.revise(req1, map[string]string{"title": "Refund an order", "description": "refund within 14 days",
		"labels": "payments", "criterion:AC-1": "refund returns 200"})
	rv, err := e.svc.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: req1,
		Participants: []review.NewParticipant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"}}})
	require.NoError(t, err)
	return rv
}

// approve has alice and bob approve round n, bob with an assessment.
func (e *env) approve(t testing.TB, id string, n int) review.Review {
	t.Helper()
	_, err := e.svc.Assess(bob, "p", id, review.AssessmentInput{Round: n, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 3})
	require.NoError(t, err)
	_, err = e.svc.Verdict(alice, "p", id, review.VerdictInput{Round: n, Decision: review.Approve})
	require.NoError(t, err)
	rv, err := e.svc.Verdict(bob, "p", id, review.VerdictInput{Round: n, Decision: review.Approve})
	require.NoError(t, err)
	return rv
}

func (e *env) outcome(t testing.TB, id string) review.Evaluation {
	t.Helper()
	ev, err := e.svc.Outcome(context.Background(), "p", id)
	require.NoError(t, err)
	return ev
}

func requireCode(t testing.TB, want accord.Code, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, want, accord.ErrorCode(err), "%v", err)
}

func fields(err error) []string {
	var out []string
	if e, ok := err.(*accord.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}
