package retro_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/retro"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// admin changes project settings (settings.update).
var admin = accord.WithActor(context.Background(), accord.Actor{ID: "ada", Roles: []string{accord.RoleAdmin}})

func as(id string) context.Context {
	return accord.WithActor(context.Background(), accord.Actor{ID: id, Name: "Name of " + id})
}

type env struct {
	svc    *retro.Service
	store  *memory.RetroStore
	events *testkit.Events
}

func newEnv(t *testing.T) env {
	t.Helper()
	store, events := memory.NewRetroStore(), &testkit.Events{}
	svc, err := retro.NewService(retro.Options{Store: store, Events: events, Clock: testkit.NewStepClock(t0)})
	require.NoError(t, err)
	return env{svc, store, events}
}

func (e env) to(t *testing.T, key string, phases ...retro.Phase) retro.Retro {
	t.Helper()
	var r retro.Retro
	for _, p := range phases {
		var err error
		r, err = e.svc.Transition(as("fac"), "shop", key, 0, retro.TransitionInput{To: p})
		require.NoError(t, err)
	}
	return r
}

func TestPhaseRules(t *testing.T) {
	e := newEnv(t)
	r, err := e.svc.Create(as("fac"), "shop", retro.NewRetro{Title: "Sprint 1", Series: "payments"})
	require.NoError(t, err)
	assert.Equal(t, "RETRO-1", r.Key)
	assert.Equal(t, retro.Collecting, r.Phase)
	ctx := as("bob")
	item := func() error {
		_, err := e.svc.AddItem(ctx, "shop", r.Key, retro.ItemInput{Column: "well", Text: "fast reviews"})
		return err
	}
	group := func() error {
		cur, _ := e.svc.Get(ctx, "shop", r.Key)
		_, err := e.svc.Group(ctx, "shop", r.Key, retro.GroupInput{Title: "reviews", Items: []string{cur.Items[0].ID}})
		return err
	}
	vote := func() error {
		cur, _ := e.svc.Get(ctx, "shop", r.Key)
		_, err := e.svc.Vote(ctx, "shop", r.Key, cur.Items[0].ID)
		return err
	}
	note := func() error {
		_, err := e.svc.AddNote(ctx, "shop", r.Key, retro.NoteInput{Text: "keep it"})
		return err
	}
	action := func() error {
		_, err := e.svc.AddAction(ctx, "shop", r.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "keep PRs small", Owner: "bob"}})
		return err
	}
	lesson := func() error {
		_, err := e.svc.AddLesson(ctx, "shop", r.Key, retro.LessonInput{Text: "small PRs merge faster"})
		return err
	}
	allowed := map[retro.Phase][]string{retro.Collecting: {"item"}, retro.Grouping: {"group"}, retro.Voting: {"vote"},
		retro.Discussing: {"note", "action", "lesson"}, retro.Closed: {}}
	ops := []struct {
		name string
		op   func() error
	}{{"item", item}, {"group", group}, {"vote", vote}, {"note", note}, {"action", action}, {"lesson", lesson}}
	for i, phase := range retro.Phases() {
		if i > 0 {
			_, err := e.svc.Transition(as("bob"), "shop", r.Key, 0, retro.TransitionInput{To: phase})
			assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "only the facilitator moves phases")
			e.to(t, r.Key, phase)
		}
		for _, o := range ops {
			name, op := o.name, o.op
			err := op()
			if contains(allowed[phase], name) {
				assert.NoError(t, err, "%s while %s", name, phase)
			} else {
				assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "%s while %s must be refused", name, phase)
			}
		}
	}
	_, err = e.svc.Transition(as("fac"), "shop", r.Key, 0, retro.TransitionInput{To: retro.Collecting})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "a closed retro stays closed")

	r2, err := e.svc.Create(as("fac"), "shop", retro.NewRetro{Title: "Sprint 2", Series: "payments"})
	require.NoError(t, err)
	_, err = e.svc.Transition(as("fac"), "shop", r2.Key, 0, retro.TransitionInput{To: retro.Voting})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "phases are not skipped")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestVoteLimitsUnderConcurrentVoters(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateSettings(admin, "shop", 0, retro.Settings{VotesPerPerson: 3, VotesPerTarget: 2})
	require.NoError(t, err)
	r, err := e.svc.Create(as("fac"), "shop", retro.NewRetro{Title: "Sprint", Series: "s", Anonymous: true})
	require.NoError(t, err)
	for i := range 2 {
		_, err := e.svc.AddItem(as("fac"), "shop", r.Key, retro.ItemInput{Column: "well", Text: fmt.Sprintf("item %d", i)})
		require.NoError(t, err)
	}
	r = e.to(t, r.Key, retro.Grouping, retro.Voting)
	var wg sync.WaitGroup
	const voters, tries = 16, 6
	for v := range voters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range tries {
				_, _ = e.svc.Vote(as(fmt.Sprintf("voter-%d", v)), "shop", r.Key, r.Items[i%2].ID) // some are refused
			}
			// And all on one item: at most 2 count.
			for range 3 {
				_, _ = e.svc.Vote(as(fmt.Sprintf("late-%d", v)), "shop", r.Key, r.Items[0].ID)
			}
		}()
	}
	wg.Wait()
	r = e.to(t, r.Key, retro.Discussing)
	assert.Len(t, r.Votes, voters*3+voters*2, "3 votes each for the first group of voters, 2 (the per-item limit) for the second")
	results := retro.Results(r)
	assert.Equal(t, voters*2+voters*2, results[0].Votes, "ranked by votes, most first")
}

func TestCarryForwardAcrossThreeRetros(t *testing.T) {
	e := newEnv(t)
	fac := as("fac")
	first, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint 1", Series: "payments"})
	require.NoError(t, err)
	e.to(t, first.Key, retro.Grouping, retro.Voting, retro.Discussing)
	for _, title := range []string{"pair on the ledger", "write the runbook", "fix flaky tests"} {
		_, err := e.svc.AddAction(fac, "shop", first.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: title, Owner: "bob"}})
		require.NoError(t, err)
	}
	first = e.to(t, first.Key, retro.Closed)
	// Done in between: marked done on the closed retro.
	_, err = e.svc.UpdateAction(as("bob"), "shop", first.Key, first.Actions[1].ID, accord.ActionInput{Title: "write the runbook", Owner: "bob", Status: accord.ActionDone})
	require.NoError(t, err)

	other, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Search sprint", Series: "search"})
	require.NoError(t, err)
	assert.Empty(t, other.Actions, "another series carries nothing")

	second, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint 2", Series: "payments"})
	require.NoError(t, err)
	require.Len(t, second.Actions, 2, "the done action does not come back")
	for _, a := range second.Actions {
		assert.Equal(t, 1, a.Carried)
		assert.Equal(t, first.Ref(), a.Origin)
	}
	e.to(t, second.Key, retro.Grouping, retro.Voting, retro.Discussing)
	_, err = e.svc.UpdateAction(as("bob"), "shop", second.Key, second.Actions[0].ID, accord.ActionInput{Title: "pair on the ledger", Owner: "bob", Status: accord.ActionDone})
	require.NoError(t, err)
	e.to(t, second.Key, retro.Closed)

	third, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint 3", Series: "payments"})
	require.NoError(t, err)
	require.Len(t, third.Actions, 1)
	assert.Equal(t, "fix flaky tests", third.Actions[0].Title)
	assert.Equal(t, 2, third.Actions[0].Carried)
	assert.Equal(t, first.Ref(), third.Actions[0].Origin, "the origin stays the retro it was decided in")
	e.to(t, third.Key, retro.Grouping, retro.Voting, retro.Discussing, retro.Closed)
	fourth, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint 4", Series: "payments"})
	require.NoError(t, err)
	assert.Equal(t, 3, fourth.Actions[0].Carried)
	md, err := e.svc.Summary(fac, "shop", fourth.Key)
	require.NoError(t, err)
	assert.Contains(t, md, "3 time(s) ⚠ carried three times or more")

	// Done where it was decided, after it was carried on: it stays done.
	_, err = e.svc.UpdateAction(as("bob"), "shop", first.Key, fourth.Actions[0].ID, accord.ActionInput{Title: "fix flaky tests", Owner: "bob", Status: accord.ActionDone})
	require.NoError(t, err)
	e.to(t, fourth.Key, retro.Grouping, retro.Voting, retro.Discussing, retro.Closed)
	fifth, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint 5", Series: "payments"})
	require.NoError(t, err)
	assert.Empty(t, fifth.Actions, "an action done in any retro it lives in does not come back")
}

// TestAnonymityIsAPropertyOfEveryOutput runs a whole anonymous
// retrospective with several participants and checks that no output (the
// values returned, the events, the history, the summary, the lessons and
// health views, and what the store holds once closed) contains any
// participant's ID or name.
func TestAnonymityIsAPropertyOfEveryOutput(t *testing.T) {
	e := newEnv(t)
	people := []string{"ann-7f3", "ben-2c9", "cho-5d1", "dev-8e4", "eve-1a6"}
	var outputs []any
	keep := func(v any, err error) {
		t.Helper()
		require.NoError(t, err)
		outputs = append(outputs, v)
	}
	fac := as("fac")
	r, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Quarter", Series: "q", Anonymous: true, HideVotes: true})
	keep(r, err)
	for i, p := range people {
		keep(e.svc.AddItem(as(p), "shop", r.Key, retro.ItemInput{Column: "improve", Text: fmt.Sprintf("card %d", i)}))
		keep(e.svc.AnswerHealth(as(p), "shop", r.Key, map[string]int{"pace": 1 + i%5, "fun": 3, "delivering value": 4, "learning": 2, "teamwork": 5}))
	}
	cur, err := e.svc.Get(as(people[0]), "shop", r.Key)
	keep(cur, err)
	keep(e.svc.EditItem(as(people[0]), "shop", r.Key, cur.Items[0].ID, retro.ItemEdit{Text: "card 0, clearer"}))
	_, err = e.svc.EditItem(as(people[1]), "shop", r.Key, cur.Items[0].ID, retro.ItemEdit{Text: "not mine"})
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "one's own card is known by pseudonym")
	e.to(t, r.Key, retro.Grouping)
	keep(e.svc.Group(as(people[2]), "shop", r.Key, retro.GroupInput{Title: "slow reviews", Items: []string{cur.Items[0].ID, cur.Items[1].ID}}))
	e.to(t, r.Key, retro.Voting)
	for _, p := range people {
		keep(e.svc.Vote(as(p), "shop", r.Key, cur.Items[2].ID))
		v, err := e.svc.Get(as(p), "shop", r.Key)
		keep(v, err)
		assert.Empty(t, v.Votes, "votes are hidden until voting ends")
	}
	e.to(t, r.Key, retro.Discussing)
	keep(e.svc.AddNote(as(people[3]), "shop", r.Key, retro.NoteInput{Text: "reviews wait on one person"}))
	keep(e.svc.AddAction(as(people[4]), "shop", r.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "two reviewers per team", Owner: "the team"}}))
	keep(e.svc.AddAction(fac, "shop", r.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "rotate the on-call reviewer", Owner: "owner-9q2"}}))
	keep(e.svc.AddLesson(as(people[0]), "shop", r.Key, retro.LessonInput{Text: "spread review load"}))
	closed := e.to(t, r.Key, retro.Closed)
	outputs = append(outputs, closed)
	keep(e.svc.History(fac, "shop", r.Key))
	keep(e.svc.Summary(fac, "shop", r.Key))
	keep(e.svc.Lessons(fac, "shop", ""))
	keep(e.svc.HealthTrend(fac, "shop", "q"))
	keep(e.svc.List(fac, "shop", retro.Filter{}, accord.PageQuery{}))
	outputs = append(outputs, e.events.All())

	// What the store holds once closed: the record and every revision.
	stored, err := e.store.GetRetro(context.Background(), "shop", r.ID)
	require.NoError(t, err)
	revs, err := e.store.ListRetroRevisions(context.Background(), "shop", r.ID)
	require.NoError(t, err)
	outputs = append(outputs, stored, revs)
	_, err = e.store.GetPrivate(context.Background(), "shop", r.ID)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the private part (secret, pseudonyms) is erased at close")
	for _, it := range stored.Items {
		assert.Empty(t, it.Author, "no author is kept in the closed record")
	}
	for _, v := range stored.Votes {
		assert.Empty(t, v.Voter)
	}

	for i, out := range outputs {
		data, err := json.Marshal(out)
		require.NoError(t, err)
		text := string(data)
		if s, ok := out.(string); ok {
			text = s
		}
		for _, p := range people {
			assert.NotContains(t, text, p, "output %d names participant %s: %.300s", i, p, text)
			assert.NotContains(t, text, "Name of "+p, "output %d", i)
		}
	}
	md, _ := e.svc.Summary(fac, "shop", r.Key)
	assert.Contains(t, md, "Team health", "five answered: the health check shows")
	assert.Contains(t, md, "rotate the on-call reviewer")
	assert.NotContains(t, md, "owner-9q2", "an anonymous summary names no action owner")
	assert.NotContains(t, md, "Facilitator", "nor its facilitator")
}

func TestNamedRetroSummaryAndHealthThreshold(t *testing.T) {
	e := newEnv(t)
	r, err := e.svc.Create(as("fac"), "shop", retro.NewRetro{Title: "Sprint", Series: "s", Template: "start_stop_continue"})
	require.NoError(t, err)
	_, err = e.svc.AddItem(as("bob"), "shop", r.Key, retro.ItemInput{Column: "start", Text: "pairing on Fridays"})
	require.NoError(t, err)
	_, err = e.svc.AddItem(as("bob"), "shop", r.Key, retro.ItemInput{Column: "nope", Text: "x"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	for _, p := range []string{"a", "b", "c", "d"} {
		_, err := e.svc.AnswerHealth(as(p), "shop", r.Key, map[string]int{"pace": 3, "fun": 3, "delivering value": 3, "learning": 3, "teamwork": 3})
		require.NoError(t, err)
	}
	_, err = e.svc.AnswerHealth(as("e"), "shop", r.Key, map[string]int{"pace": 9})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	md, err := e.svc.Summary(as("fac"), "shop", r.Key)
	require.NoError(t, err)
	assert.Contains(t, md, "pairing on Fridays — bob", "a named retro names its authors")
	assert.NotContains(t, md, "Team health", "four answers are too few to show")
	trend, err := e.svc.HealthTrend(as("fac"), "shop", "s")
	require.NoError(t, err)
	require.Len(t, trend, 1)
	assert.Nil(t, trend[0].Averages)
	_, err = e.svc.Create(as("fac"), "shop", retro.NewRetro{Title: "x", Series: "s", Template: "unknown"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.True(t, strings.HasPrefix(md, "# RETRO-1: Sprint"))
}

// In an anonymous retrospective a health answer is sealed until the close:
// no view or revision shows one, so a re-answer cannot be told from the
// answer it replaced; the close writes each participant's latest answer,
// once, without who gave it. Per-person rules still hold while open.
func TestAnonymousHealthIsSealedUntilClose(t *testing.T) {
	e := newEnv(t)
	fac := as("fac")
	r, err := e.svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint", Series: "s", Anonymous: true})
	require.NoError(t, err)
	people := []string{"p1", "p2", "p3", "p4", "p5"}
	for round := range 2 {
		for i, p := range people {
			v, err := e.svc.AnswerHealth(as(p), "shop", r.Key, map[string]int{"pace": 1 + (i+round)%5, "fun": 3 + round, "delivering value": 3, "learning": 3, "teamwork": 3})
			require.NoError(t, err)
			assert.Empty(t, v.Health, "an open anonymous retro shows no health answer")
		}
	}
	trend, err := e.svc.HealthTrend(fac, "shop", "s")
	require.NoError(t, err)
	assert.Zero(t, trend[0].Answers, "nor does its health trend while open")
	_, err = e.svc.AddItem(as("p1"), "shop", r.Key, retro.ItemInput{Column: "well", Text: "mine"})
	require.NoError(t, err)
	cur, err := e.svc.Get(fac, "shop", r.Key)
	require.NoError(t, err)
	_, err = e.svc.EditItem(as("p2"), "shop", r.Key, cur.Items[0].ID, retro.ItemEdit{Text: "not mine"})
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "the author is known to the private part")
	_, err = e.svc.EditItem(as("p1"), "shop", r.Key, cur.Items[0].ID, retro.ItemEdit{Text: "mine, clearer"})
	require.NoError(t, err)
	e.to(t, r.Key, retro.Grouping, retro.Voting)
	for range 3 {
		_, err = e.svc.Vote(as("p1"), "shop", r.Key, cur.Items[0].ID)
		require.NoError(t, err)
	}
	_, err = e.svc.Vote(as("p1"), "shop", r.Key, cur.Items[0].ID)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "the per-item limit (3) holds for one person")
	_, err = e.svc.Vote(as("p2"), "shop", r.Key, cur.Items[0].ID)
	assert.NoError(t, err, "and only for that person")

	revs, err := e.store.ListRetroRevisions(context.Background(), "shop", r.ID)
	require.NoError(t, err)
	for _, v := range revs {
		assert.Empty(t, v.Record.Health, "revision %d holds a health answer while open", v.Number)
	}
	closed := e.to(t, r.Key, retro.Discussing, retro.Closed)
	require.Len(t, closed.Health, len(people), "one answer per participant: the latest")
	paces := map[int]int{}
	for _, h := range closed.Health {
		paces[h.Scores["pace"]]++
		assert.Equal(t, 4, h.Scores["fun"], "the second answer replaced the first")
	}
	assert.Equal(t, map[int]int{1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, paces)
	trend, err = e.svc.HealthTrend(fac, "shop", "s")
	require.NoError(t, err)
	assert.Equal(t, len(people), trend[0].Answers)
	assert.InDelta(t, 3.0, trend[0].Averages["pace"], 0.001)
}
