package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

// ReviewStore checks a review.Store: the generic record properties for
// reviews and the settings, what is particular to reviews (one review per
// kind and subject, lookups by key and subject, filters), and one scenario
// through the real Service. open returns a new, empty store for each
// subtest.
func ReviewStore(t *testing.T, open func(t *testing.T) review.Store) {
	t.Run("reviews", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[review.Review] { return reviewRecords(open(t)) })
	})
	t.Run("settings", func(t *testing.T) {
		CheckSettings(t, func(t *testing.T) SettingsRecords[review.Settings] {
			s := open(t)
			return SettingsRecords[review.Settings]{
				New: func(p string, n int) review.Settings {
					return review.Settings{Project: p, Roles: []string{fmt.Sprintf("role-%d", n)}}
				},
				Stamp: func(s *review.Settings) *accord.Stamp { return &s.Stamp },
				Get:   s.GetSettings, Put: s.PutSettings}
		})
	})
	t.Run("subjects_and_filters", func(t *testing.T) { testReviewSpecifics(t, open(t)) })
	t.Run("scenario", func(t *testing.T) { reviewScenario(t, open(t)) })
}

func reqRef(id string) accord.Ref { return accord.Ref{Kind: "requirement", ID: id} }

// newReview returns a full review record, as a service would create it.
func newReview(project, id string, kind review.Kind, subject accord.Ref) review.Review {
	return review.Review{
		ID: id, Project: project, Kind: kind, Subject: subject, Title: "Refund an order", Due: epoch.AddDate(0, 0, 7),
		Policy: review.DefaultPolicy(kind),
		Participants: []review.Participant{
			{Actor: "alice", Role: review.RoleProduct, AddedAt: epoch, AddedBy: "alice"},
			{Actor: "bob", Role: review.RoleBackend, AddedAt: epoch, AddedBy: "alice"},
		},
		Rounds: []review.Round{{Number: 1, SubjectRevision: 2, State: review.RoundOpen, OpenedAt: epoch, OpenedBy: "alice",
			Criteria: []review.Criterion{{ID: "AC-1", Text: "refund returns 200"}},
			Verdicts: []review.Verdict{{Actor: "alice", Decision: review.Approve, Time: epoch}},
			Assessments: []review.Assessment{{Actor: "bob", Feasibility: review.FeasibleWithRisks, Difficulty: 3, EffortDays: 5, Time: epoch,
				Risks: []review.Risk{{ID: "K1", Title: "idempotency", Category: accord.RiskTechnical}}}},
			Checks:    []review.Check{},
			Overrides: []review.Override{}}},
		Vetoes: []review.Veto{},
		Threads: []review.Thread{{ID: "T1", Anchor: "acceptance_criteria[0]", Round: 1,
			Comments: []review.Comment{{ID: "C1", Actor: "bob", Body: "which status code?", Time: epoch}}}},
		Log:   []review.Entry{{Time: epoch, Actor: "alice", Action: "created", Round: 1, Detail: "created"}},
		Stamp: accord.NewStamp("alice", epoch),
	}
}

func reviewRecords(s review.Store) Records[review.Review] {
	return Records[review.Review]{
		Name: "review",
		New: func(p string, i int) review.Review {
			return newReview(p, fmt.Sprintf("%s-rv-%03d", p, i), review.RequirementReview, reqRef(fmt.Sprintf("R%d", i)))
		},
		Edit: func(rv review.Review, w int) review.Review {
			rv = rv.Clone()
			rv.Current().Verdicts = append(rv.Current().Verdicts, review.Verdict{Actor: fmt.Sprintf("w%d", w), Decision: review.Approve, Time: epoch})
			rv.Log = append(rv.Log, review.Entry{Time: epoch, Actor: fmt.Sprintf("w%d", w), Action: "verdict", Round: 1})
			return rv
		},
		Edits: func(rv review.Review) int { return len(rv.Log) - 1 },
		Scribble: func(rv *review.Review) {
			rv.Rounds[0].Assessments[0].Risks[0].Title = "scribbled"
			rv.Threads[0].Comments[0].Body = "scribbled"
			rv.Participants[0].Role = "scribbled"
		},
		Stamp:   func(rv *review.Review) *accord.Stamp { return &rv.Stamp },
		ID:      func(rv review.Review) string { return rv.ID },
		Project: func(rv *review.Review, p string) { rv.Project = p },
		Create:  s.CreateReview, Get: s.GetReview, Update: s.UpdateReview, Tombstone: s.DeleteReview, Restore: s.UpdateReview, ListDeleted: s.ListDeletedReviews,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[review.Review], error) {
			return s.ListReviews(ctx, p, review.Filter{}, q)
		},
		Revisions: s.ListReviewRevisions, Revision: s.GetReviewRevision,
		Key: func(rv review.Review) string { return rv.Key }, KeyOf: review.KeyOf, GetByKey: s.GetReviewByKey,
	}
}

func testReviewSpecifics(t *testing.T, s review.Store) {
	rr := reviewRecords(s)
	mk := func(i int, kind review.Kind, subject accord.Ref, participant string) review.Review {
		rv := newReview("alpha", fmt.Sprintf("rv-%d", i), kind, subject)
		rv.Participants[1].Actor = participant
		got, err := s.CreateReview(ctx, rr.first(rv))
		if err != nil {
			t.Fatalf("create review %d: %v", i, err)
		}
		return got
	}
	a := mk(1, review.RequirementReview, reqRef("R1"), "bob")
	b := mk(2, review.AcceptanceReview, reqRef("R1"), "carol")
	c := mk(3, review.ContractReview, accord.Ref{Kind: "contract_version", ID: "C1@1.0.0"}, "bob")
	_, err := s.CreateReview(ctx, rr.first(newReview("alpha", "rv-4", review.RequirementReview, reqRef("R1"))))
	checkCode(t, "a second requirement review of the same subject", accord.Conflict, err)
	got, err := s.FindReview(ctx, "alpha", review.AcceptanceReview, reqRef("R1"))
	if err != nil || got.ID != b.ID {
		t.Errorf("find the acceptance review of R1: %s (%v), want %s", got.ID, err, b.ID)
	}
	_, err = s.FindReview(ctx, "alpha", review.ChangeRequestReview, reqRef("R1"))
	checkCode(t, "find a review kind the subject does not have", accord.NotFound, err)
	_, err = s.FindReview(ctx, "beta", review.RequirementReview, reqRef("R1"))
	checkCode(t, "find in another project", accord.NotFound, err)
	for _, tc := range []struct {
		name   string
		filter review.Filter
		want   []string
	}{
		{"kind", review.Filter{Kind: review.ContractReview}, []string{c.ID}},
		{"subject", review.Filter{Subject: reqRef("R1")}, []string{a.ID, b.ID}},
		{"participant", review.Filter{Participant: "bob"}, []string{a.ID, c.ID}},
		{"kind and subject", review.Filter{Kind: review.RequirementReview, Subject: reqRef("R1")}, []string{a.ID}},
	} {
		page, err := s.ListReviews(ctx, "alpha", tc.filter, accord.PageQuery{Size: 10})
		var ids []string
		for _, rv := range page.Items {
			ids = append(ids, rv.ID)
		}
		if err != nil || fmt.Sprint(ids) != fmt.Sprint(tc.want) {
			t.Errorf("filter %s: %v (%v), want %v", tc.name, ids, err, tc.want)
		}
	}
	moved := rr.next(a, 1)
	moved.Record.Subject = reqRef("R9")
	_, err = s.UpdateReview(ctx, moved)
	if err == nil {
		t.Errorf("an update changed a review's subject")
	}
	if err := rr.remove(ctx, "alpha", a.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := s.CreateReview(ctx, rr.first(newReview("alpha", "rv-5", review.RequirementReview, reqRef("R1")))); err != nil {
		t.Errorf("a new review of a subject whose review was deleted: %v", err)
	}
}

// subjects is a review.Subjects over a map: revision and title per subject.
type subjects map[accord.Ref]int

func (m subjects) Subject(_ context.Context, _ string, ref accord.Ref) (review.SubjectInfo, error) {
	rev, ok := m[ref]
	if !ok {
		return review.SubjectInfo{}, accord.Errorf(accord.NotFound, "no subject %s", ref)
	}
	return review.SubjectInfo{Revision: rev, Title: ref.ID, Criteria: []review.Criterion{{ID: "AC-1", Text: "works"}}}, nil
}

func (m subjects) Changes(context.Context, string, accord.Ref, int, int) ([]string, bool, error) {
	return []string{"description"}, true, nil
}

// reviewScenario runs a review through two rounds with the real Service.
func reviewScenario(t *testing.T, s review.Store) {
	subj := subjects{reqRef("R1"): 1}
	svc, err := review.NewService(review.Options{Store: s, Subjects: subj, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := as("alice", "product"), as("bob", "backend")
	rv := must[review.Review](t, "create")(svc.Create(alice, "shop", review.NewReview{Kind: review.RequirementReview, Subject: reqRef("R1"),
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}}))
	if rv.Key != "RV-1" {
		t.Errorf("first review key %s, want RV-1", rv.Key)
	}
	must[review.Review](t, "assess")(svc.Assess(bob, "shop", rv.Key, review.AssessmentInput{Round: 1, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 3}))
	must[review.Review](t, "verdict")(svc.Verdict(bob, "shop", rv.Key, review.VerdictInput{Round: 1, Decision: review.RequestChanges, Comment: "name the columns"}))
	subj[reqRef("R1")] = 2
	rv = must[review.Review](t, "sync")(svc.Sync(alice, "shop", rv.Key))
	if len(rv.Rounds) != 2 {
		t.Fatalf("after the subject changed: %d rounds, want 2", len(rv.Rounds))
	}
	_, err = svc.Verdict(bob, "shop", rv.Key, review.VerdictInput{Round: 1, Decision: review.Approve})
	checkCode(t, "a verdict on a superseded round", accord.Conflict, err)
	must[review.Review](t, "assess round 2")(svc.Assess(bob, "shop", rv.Key, review.AssessmentInput{Round: 2, Feasibility: review.Feasible, Difficulty: 2, EffortDays: 3}))
	for _, who := range []context.Context{alice, bob} {
		must[review.Review](t, "approve")(svc.Verdict(who, "shop", rv.Key, review.VerdictInput{Round: 2, Decision: review.Approve}))
	}
	if out := must[review.Evaluation](t, "outcome")(svc.Outcome(alice, "shop", rv.Key)); out.Outcome != review.Approved {
		t.Errorf("after both approved round 2: %s", out.Explain())
	}
	rv = must[review.Review](t, "get")(svc.Get(alice, "shop", rv.Key))
	due := epoch.AddDate(1, 0, 0)
	_, err = svc.SetDue(alice, "shop", rv.Key, rv.Revision-1, due)
	checkCode(t, "a due date from a stale revision", accord.Conflict, err)
	rv = must[review.Review](t, "due")(svc.SetDue(alice, "shop", rv.Key, rv.Revision, due))
	hist := must[[]accord.Revision[review.Review]](t, "history")(svc.History(alice, "shop", rv.Key))
	if len(hist) != rv.Revision || !hist[len(hist)-1].Record.Due.Equal(due) {
		t.Errorf("%d revisions of a review at revision %d; every change keeps one", len(hist), rv.Revision)
	}
}
