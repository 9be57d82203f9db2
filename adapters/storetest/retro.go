package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/retro"
)

// RetroStore checks a retro.Store: the generic record properties,
// settings, the filters, the Private part of an anonymous retrospective
// (kept apart, written with the record or not at all, erased for good),
// one scenario through the real Service, and anonymity: an anonymous
// retrospective run and closed through the real Service leaves no
// per-person token in anything the store holds of it (and so in nothing an
// export reads) nor in any event.
func RetroStore(t *testing.T, open func(t *testing.T) retro.Store) {
	t.Run("retros", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[retro.Retro] { return retroRecords(open(t)) })
	})
	t.Run("settings", func(t *testing.T) {
		CheckSettings(t, func(t *testing.T) SettingsRecords[retro.Settings] {
			s := open(t)
			return SettingsRecords[retro.Settings]{
				New: func(p string, n int) retro.Settings {
					return retro.Settings{Project: p, VotesPerPerson: n, VotesPerTarget: 1}
				},
				Stamp: func(s *retro.Settings) *accord.Stamp { return &s.Stamp },
				Get:   s.GetSettings, Put: s.PutSettings}
		})
	})
	t.Run("filters", func(t *testing.T) { testRetroSpecifics(t, open(t)) })
	t.Run("private", func(t *testing.T) { testRetroPrivate(t, open(t)) })
	t.Run("private_concurrent_writers", func(t *testing.T) { testRetroPrivateConcurrently(t, open(t)) })
	t.Run("scenario", func(t *testing.T) { retroScenario(t, open(t)) })
	t.Run("anonymity", func(t *testing.T) { retroAnonymity(t, open(t)) })
}

func newRetro(p string, i int) retro.Retro {
	return retro.Retro{ID: fmt.Sprintf("%s-retro-%03d", p, i), Project: p, Title: fmt.Sprintf("Sprint %d", i), Series: "payments",
		Facilitator: "alice", Template: "went_well", Columns: retro.BuiltinTemplates()[0].Columns, Phase: retro.Collecting,
		Items:  []retro.Item{{ID: "I1", Column: "well", Text: "fast reviews", Author: "bob", Time: epoch}},
		Groups: []retro.Group{}, Votes: []retro.Vote{{Target: "I1", Voter: "bob"}}, Notes: []retro.Note{},
		Actions: []retro.Action{{Action: accord.Action{ID: "A1", Title: "pair on the ledger", Owner: "bob", Status: accord.ActionOpen}}},
		Lessons: []retro.Lesson{{ID: "L1", Text: "small PRs merge faster", Tags: []string{"review"}}},
		Health:  []retro.HealthAnswer{{Respondent: "bob", Scores: map[string]int{"pace": 3}}},
		Stamp:   accord.NewStamp("alice", epoch)}
}

func retroRecords(s retro.Store) Records[retro.Retro] {
	return Records[retro.Retro]{
		Name: "retrospective",
		New:  newRetro,
		Edit: func(r retro.Retro, w int) retro.Retro {
			r = r.Clone()
			r.Items = append(r.Items, retro.Item{ID: fmt.Sprintf("w%d-%d", w, len(r.Items)), Column: "ideas", Text: "more", Time: epoch})
			return r
		},
		Edits: func(r retro.Retro) int { return len(r.Items) - 1 },
		Scribble: func(r *retro.Retro) {
			r.Items[0].Text = "scribbled"
			r.Lessons[0].Tags[0] = "scribbled"
			r.Health[0].Scores["pace"] = 5
			r.Columns[0].Name = "scribbled"
		},
		Stamp:   func(r *retro.Retro) *accord.Stamp { return &r.Stamp },
		ID:      func(r retro.Retro) string { return r.ID },
		Project: func(r *retro.Retro, p string) { r.Project = p },
		Create:  s.CreateRetro, Get: s.GetRetro, Update: s.UpdateRetro, Tombstone: s.DeleteRetro, Restore: s.UpdateRetro, ListDeleted: s.ListDeletedRetros,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[retro.Retro], error) {
			return s.ListRetros(ctx, p, retro.Filter{}, q)
		},
		Revisions: s.ListRetroRevisions, Revision: s.GetRetroRevision,
		Key: func(r retro.Retro) string { return r.Key }, KeyOf: retro.KeyOf, GetByKey: s.GetRetroByKey,
	}
}

func testRetroSpecifics(t *testing.T, s retro.Store) {
	rr := retroRecords(s)
	if _, err := s.CreateRetro(ctx, rr.first(newRetro("alpha", 1))); err != nil {
		t.Fatal(err)
	}
	other := newRetro("alpha", 2)
	other.Series, other.Phase = "search", retro.Closed
	if _, err := s.CreateRetro(ctx, rr.first(other)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    retro.Filter
		want int
	}{{"series", retro.Filter{Series: "payments"}, 1}, {"phase", retro.Filter{Phase: retro.Closed}, 1}, {"text", retro.Filter{Text: "SPRINT 2"}, 1}, {"none", retro.Filter{}, 2}} {
		page, err := s.ListRetros(ctx, "alpha", tc.f, accord.PageQuery{Size: 10})
		if err != nil || len(page.Items) != tc.want {
			t.Errorf("filter %s: %d (%v), want %d", tc.name, len(page.Items), err, tc.want)
		}
	}
}

// retroScenario runs two retrospectives of a series with the real
// Service: an open action is carried into the second.
func retroScenario(t *testing.T, s retro.Store) {
	svc, err := retro.NewService(retro.Options{Store: s, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := as("alice"), as("bob")
	r := must[retro.Retro](t, "create")(svc.Create(alice, "shop", retro.NewRetro{Title: "Sprint 1", Series: "payments", Anonymous: true}))
	r = must[retro.Retro](t, "item")(svc.AddItem(bob, "shop", r.Key, retro.ItemInput{Column: "improve", Text: "reviews take days"}))
	for _, to := range []retro.Phase{retro.Grouping, retro.Voting} {
		r = must[retro.Retro](t, "phase")(svc.Transition(alice, "shop", r.Key, 0, retro.TransitionInput{To: to}))
	}
	r = must[retro.Retro](t, "vote")(svc.Vote(bob, "shop", r.Key, r.Items[0].ID))
	r = must[retro.Retro](t, "discuss")(svc.Transition(alice, "shop", r.Key, 0, retro.TransitionInput{To: retro.Discussing}))
	r = must[retro.Retro](t, "action")(svc.AddAction(bob, "shop", r.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "review within a day", Owner: "bob"}}))
	r = must[retro.Retro](t, "close")(svc.Transition(alice, "shop", r.Key, 0, retro.TransitionInput{To: retro.Closed}))
	if _, err := s.GetPrivate(ctx, "shop", r.ID); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("closing an anonymous retrospective left its private part in the store (%v)", err)
	}
	next := must[retro.Retro](t, "next")(svc.Create(alice, "shop", retro.NewRetro{Title: "Sprint 2", Series: "payments"}))
	if len(next.Actions) != 1 || next.Actions[0].Carried != 1 || next.Actions[0].Origin != r.Ref() {
		t.Errorf("the open action was not carried into the next retrospective: %+v", next.Actions)
	}
}
