package storetest

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/retro"
)

// testRetroPrivate checks the Private part of a retrospective: stored and
// read back as a copy, kept out of every revision, written with the record
// or not at all, erased by a nil update and with the record.
func testRetroPrivate(t *testing.T, s retro.Store) {
	rr := retroRecords(s)
	a := mustCreate(t, rr, "alpha", 1)
	priv := retro.Private{Secret: []byte("secret-7c1e-5a90"), Cards: map[string]string{"I1": "pseudo-card-4b2"},
		Votes: map[string][]string{"pseudo-vote-9d3": {"I1"}}, Health: map[string]map[string]int{"pseudo-health-1f8": {"pace": 4}}}
	tokens := []string{"pseudo-card-4b2", "pseudo-vote-9d3", "pseudo-health-1f8", "secret-7c1e-5a90",
		hex.EncodeToString(priv.Secret), base64.StdEncoding.EncodeToString(priv.Secret)}
	samePrivate := func(what string, want retro.Private) {
		t.Helper()
		got, err := s.GetPrivate(ctx, "alpha", a.ID)
		if err != nil {
			t.Errorf("%s: reading the private part: %v", what, err)
		} else if d := cmp.Diff(want, got, same...); d != "" {
			t.Errorf("%s: the private part differs (-want +got):\n%s", what, d)
		}
	}
	if _, err := s.GetPrivate(ctx, "alpha", a.ID); !checkCode(t, "the private part of a retrospective that has none", accord.NotFound, err) {
		return
	}
	if err := s.PutPrivate(ctx, "alpha", a.ID, priv); err != nil {
		t.Fatal(err)
	}
	samePrivate("after PutPrivate", priv)
	written := priv.Clone()
	priv.Cards["I1"], priv.Votes["pseudo-vote-9d3"][0], priv.Health["pseudo-health-1f8"]["pace"] = "scribbled", "scribbled", 1
	samePrivate("after the caller changed what it put", written)
	priv = written.Clone()
	if got, err := s.GetPrivate(ctx, "alpha", a.ID); err == nil {
		got.Cards["I1"], got.Votes["pseudo-vote-9d3"][0] = "scribbled", "scribbled"
	}
	samePrivate("after a reader changed what it got", priv)
	_, err := s.GetPrivate(ctx, "beta", a.ID)
	checkCode(t, "the private part from another project", accord.NotFound, err)

	// Written with the record: both, or neither.
	more := priv.Clone()
	more.Votes["pseudo-vote-9d3"] = append(more.Votes["pseudo-vote-9d3"], "I2")
	up, err := s.UpdateRetroPrivately(ctx, rr.next(a, 1), &more)
	if err != nil {
		t.Fatal(err)
	}
	if up.Revision != 2 {
		t.Errorf("UpdateRetroPrivately returned revision %d, want 2", up.Revision)
	}
	samePrivate("after UpdateRetroPrivately", more)
	lost := more.Clone()
	lost.Cards["I9"] = "pseudo-lost-6e0"
	_, err = s.UpdateRetroPrivately(ctx, rr.next(a, 2), &lost)
	if checkCode(t, "UpdateRetroPrivately from a stale revision", accord.Conflict, err) && !errors.Is(err, accord.ErrStale) {
		t.Errorf("a stale UpdateRetroPrivately does not wrap accord.ErrStale: %v", err)
	}
	samePrivate("after a stale UpdateRetroPrivately", more)
	if got, err := s.GetRetro(ctx, "alpha", a.ID); err != nil || got.Revision != 2 {
		t.Errorf("after a stale UpdateRetroPrivately the record is at revision %d (%v), want 2", got.Revision, err)
	}
	ghost := newRetro("alpha", 99)
	ghost.Stamp = ghost.Stamp.Next("alice", epoch.Add(time.Minute))
	_, err = s.UpdateRetroPrivately(ctx, accord.Revision[retro.Retro]{Number: 2, Kind: accord.RevisionEdited, Actor: "alice", Time: epoch, Record: ghost}, &more)
	checkCode(t, "UpdateRetroPrivately of a retrospective that does not exist", accord.NotFound, err)
	if _, err := s.GetPrivate(ctx, "alpha", ghost.ID); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("a refused UpdateRetroPrivately stored a private part for a retrospective that does not exist (%v)", err)
	}

	// Erased by a nil update, with the update.
	if _, err := s.UpdateRetroPrivately(ctx, rr.next(up, 3), nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetPrivate(ctx, "alpha", a.ID)
	checkCode(t, "the private part after an update that erases it", accord.NotFound, err)
	if got, err := s.GetRetro(ctx, "alpha", a.ID); err != nil || got.Revision != 3 {
		t.Errorf("the update that erased the private part left revision %d (%v), want 3", got.Revision, err)
	}
	revs, err := s.ListRetroRevisions(ctx, "alpha", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	searchTokens(t, "the revisions of a retrospective with a private part", revs, tokens)

	// Erased with the record.
	b := mustCreate(t, rr, "alpha", 2)
	if err := s.PutPrivate(ctx, "alpha", b.ID, priv); err != nil {
		t.Fatal(err)
	}
	if err := rr.remove(ctx, "alpha", b.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetPrivate(ctx, "alpha", b.ID)
	checkCode(t, "the private part of a deleted retrospective", accord.NotFound, err)
}

// testRetroPrivateConcurrently has writers race to add to the record and
// its private part together: every update that succeeded is in both, and
// no other.
func testRetroPrivateConcurrently(t *testing.T, s retro.Store) {
	rr := retroRecords(s)
	a := mustCreate(t, rr, "alpha", 1)
	if err := s.PutPrivate(ctx, "alpha", a.ID, retro.Private{Secret: []byte("s"), Cards: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				for attempt := 0; ; attempt++ {
					cur, err := s.GetRetro(ctx, "alpha", a.ID)
					if err != nil {
						errs <- err
						return
					}
					p, err := s.GetPrivate(ctx, "alpha", a.ID)
					if err != nil {
						errs <- err
						return
					}
					if p.Cards == nil {
						p.Cards = map[string]string{}
					}
					p.Cards[fmt.Sprintf("w%d-%d", w, i)] = "x"
					_, err = s.UpdateRetroPrivately(ctx, rr.next(cur, w), &p)
					if err == nil {
						break
					}
					if !errors.Is(err, accord.ErrStale) || attempt > 200 {
						errs <- fmt.Errorf("writer %d, update %d: %w", w, i, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := s.GetRetro(ctx, "alpha", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.GetPrivate(ctx, "alpha", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Edits(got) != writers*each || len(p.Cards) != writers*each {
		t.Errorf("%d updates succeeded: the record shows %d and the private part %d; want %d in both",
			writers*each, rr.Edits(got), len(p.Cards), writers*each)
	}
}

// driftClock advances 7.25 seconds on every reading, so that times have
// seconds and fractions that an anonymous retrospective must not keep.
type driftClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *driftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(7250 * time.Millisecond)
	return c.t
}

// retroAnonymity runs an anonymous retrospective with five participants
// through the real Service: each writes and edits a card, answers the
// health check twice, votes, and some take notes, actions and lessons;
// then it closes, and an action is marked done. Whatever the store holds
// of it afterwards (the record, every revision, a page of the list: all an
// export reads) and every event must carry no per-person token: no
// participant's ID, no pseudonym the private part held while open, not
// its secret. Beyond tokens: no author, voter or respondent is kept, the
// health answers appear only in the closing revision (so a re-answer
// cannot be told from the answer it replaced), and every time is to the
// minute.
func retroAnonymity(t *testing.T, s retro.Store) {
	var mu sync.Mutex
	var events []accord.Event
	sink := accord.EventSinkFunc(func(_ context.Context, e accord.Event) { mu.Lock(); events = append(events, e); mu.Unlock() })
	svc, err := retro.NewService(retro.Options{Store: s, Events: sink, Clock: &driftClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	people := []string{"ann-7f3", "ben-2c9", "cho-5d1", "dev-8e4", "eve-1a6"}
	tokens := slices.Clone(people)
	fac := as("fac-0b5")
	r := must[retro.Retro](t, "create")(svc.Create(fac, "shop", retro.NewRetro{Title: "Quarter", Series: "q", Anonymous: true}))
	// collect keeps every pseudonym and the secret the private part holds.
	collect := func() {
		t.Helper()
		p, err := s.GetPrivate(ctx, "shop", r.ID)
		if err != nil {
			t.Fatalf("reading the private part of an open anonymous retrospective: %v", err)
		}
		searchTokens(t, "the private part (pseudonyms only, no actor ID)", p, people)
		tokens = append(tokens, hex.EncodeToString(p.Secret), base64.StdEncoding.EncodeToString(p.Secret))
		for _, v := range p.Cards {
			tokens = append(tokens, v)
		}
		for k := range p.Votes {
			tokens = append(tokens, k)
		}
		for k := range p.Health {
			tokens = append(tokens, k)
		}
	}
	scores := func(i int) map[string]int {
		return map[string]int{"pace": 1 + i%5, "fun": 3, "delivering value": 4, "learning": 2, "teamwork": 5}
	}
	for i, p := range people {
		must[retro.Retro](t, "item")(svc.AddItem(as(p), "shop", r.Key, retro.ItemInput{Column: "improve", Text: fmt.Sprintf("card %d", i)}))
		must[retro.Retro](t, "health")(svc.AnswerHealth(as(p), "shop", r.Key, scores(i)))
	}
	cur := must[retro.Retro](t, "get")(svc.Get(fac, "shop", r.Key))
	want := map[string]bool{}
	for i, p := range people {
		must[retro.Retro](t, "edit")(svc.EditItem(as(p), "shop", r.Key, cur.Items[i].ID, retro.ItemEdit{Text: fmt.Sprintf("card %d, clearer", i)}))
		must[retro.Retro](t, "health again")(svc.AnswerHealth(as(p), "shop", r.Key, scores(i+2)))
		want[fmt.Sprint(scores(i+2))] = true
	}
	if _, err := svc.EditItem(as(people[1]), "shop", r.Key, cur.Items[0].ID, retro.ItemEdit{Text: "not mine"}); accord.ErrorCode(err) != accord.PermissionDenied {
		t.Errorf("editing another participant's card: %v, want permission_denied", err)
	}
	collect()
	must[retro.Retro](t, "grouping")(svc.Transition(fac, "shop", r.Key, 0, retro.TransitionInput{To: retro.Grouping}))
	g := must[retro.Retro](t, "group")(svc.Group(as(people[0]), "shop", r.Key, retro.GroupInput{Title: "reviews", Items: []string{cur.Items[0].ID, cur.Items[1].ID}}))
	must[retro.Retro](t, "voting")(svc.Transition(fac, "shop", r.Key, 0, retro.TransitionInput{To: retro.Voting}))
	for _, p := range people {
		must[retro.Retro](t, "vote")(svc.Vote(as(p), "shop", r.Key, cur.Items[2].ID))
		must[retro.Retro](t, "vote")(svc.Vote(as(p), "shop", r.Key, g.Groups[0].ID))
	}
	collect()
	must[retro.Retro](t, "discussing")(svc.Transition(fac, "shop", r.Key, 0, retro.TransitionInput{To: retro.Discussing}))
	must[retro.Retro](t, "note")(svc.AddNote(as(people[1]), "shop", r.Key, retro.NoteInput{Target: g.Groups[0].ID, Text: "reviews wait on one person"}))
	must[retro.Retro](t, "action")(svc.AddAction(as(people[2]), "shop", r.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "two reviewers", Owner: "the team"}}))
	must[retro.Retro](t, "lesson")(svc.AddLesson(as(people[3]), "shop", r.Key, retro.LessonInput{Text: "spread review load"}))
	collect()
	closed := must[retro.Retro](t, "close")(svc.Transition(fac, "shop", r.Key, 0, retro.TransitionInput{To: retro.Closed}))
	must[retro.Retro](t, "done")(svc.UpdateAction(as(people[4]), "shop", r.Key, closed.Actions[0].ID,
		accord.ActionInput{Title: "two reviewers", Owner: "the team", Status: accord.ActionDone}))

	if _, err := s.GetPrivate(ctx, "shop", r.ID); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("closing an anonymous retrospective left its private part in the store (%v)", err)
	}
	stored := must[retro.Retro](t, "get")(s.GetRetro(ctx, "shop", r.ID))
	byKey := must[retro.Retro](t, "get by key")(s.GetRetroByKey(ctx, "shop", r.Key))
	page := must[accord.Page[retro.Retro]](t, "list")(s.ListRetros(ctx, "shop", retro.Filter{}, accord.PageQuery{Size: 10}))
	revs := must[[]accord.Revision[retro.Retro]](t, "revisions")(s.ListRetroRevisions(ctx, "shop", r.ID))
	for _, v := range revs {
		one := must[accord.Revision[retro.Retro]](t, "revision")(s.GetRetroRevision(ctx, "shop", r.ID, v.Number))
		searchTokens(t, fmt.Sprintf("revision %d, read alone", v.Number), one, tokens)
	}
	searchTokens(t, "the stored record", stored, tokens)
	searchTokens(t, "the record by key", byKey, tokens)
	searchTokens(t, "the list", page, tokens)
	searchTokens(t, "the revisions", revs, tokens)
	mu.Lock()
	searchTokens(t, "the events", events, tokens)
	for _, e := range events {
		checkMinute(t, "event "+e.Kind, e.Time)
	}
	mu.Unlock()

	if len(revs) == 0 || revs[len(revs)-1].Number != stored.Revision {
		t.Fatalf("%d revisions, the record at revision %d", len(revs), stored.Revision)
	}
	closing := slices.IndexFunc(revs, func(v accord.Revision[retro.Retro]) bool { return v.Record.Phase == retro.Closed })
	for i, v := range revs {
		rec := v.Record
		what := fmt.Sprintf("revision %d (%s)", v.Number, v.Kind)
		if slices.Contains(people, v.Actor) || slices.Contains(people, rec.UpdatedBy) {
			t.Errorf("%s names participant %q", what, v.Actor)
		}
		checkMinute(t, what, v.Time, rec.CreatedAt, rec.UpdatedAt, rec.ClosedAt)
		for _, it := range rec.Items {
			checkMinute(t, what+", item", it.Time)
			if it.Author != "" {
				t.Errorf("%s: item %s keeps author %q", what, it.ID, it.Author)
			}
		}
		for _, n := range rec.Notes {
			checkMinute(t, what+", note", n.Time)
			if n.Author != "" {
				t.Errorf("%s: note %s keeps author %q", what, n.ID, n.Author)
			}
		}
		for _, a := range rec.Actions {
			checkMinute(t, what+", action", a.CreatedAt, a.UpdatedAt)
		}
		for _, vote := range rec.Votes {
			if vote.Voter != "" {
				t.Errorf("%s: a vote keeps voter %q", what, vote.Voter)
			}
		}
		for _, h := range rec.Health {
			if h.Respondent != "" {
				t.Errorf("%s: a health answer keeps respondent %q", what, h.Respondent)
			}
		}
		if i < closing && len(rec.Health) > 0 {
			t.Errorf("%s, before the close, shows %d health answer(s): a re-answer could be told from the answer it replaced", what, len(rec.Health))
		}
	}
	if len(stored.Votes) != 2*len(people) {
		t.Errorf("the closed record holds %d votes, want %d", len(stored.Votes), 2*len(people))
	}
	got := map[string]bool{}
	for _, h := range stored.Health {
		got[fmt.Sprint(h.Scores)] = true
	}
	if len(stored.Health) != len(people) || !cmp.Equal(got, want) {
		t.Errorf("the closed record holds health answers %v, want each participant's latest: %v", got, want)
	}
	if !slices.IsSortedFunc(stored.Health, func(a, b retro.HealthAnswer) int {
		return strings.Compare(fmt.Sprint(a.Scores), fmt.Sprint(b.Scores))
	}) {
		t.Errorf("the health answers are not in the order of their scores, so their order may tell who answered when: %v", stored.Health)
	}
}

// searchTokens reports every token found in v's JSON.
func searchTokens(t *testing.T, what string, v any, tokens []string) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, tok := range tokens {
		if tok != "" && strings.Contains(string(data), tok) {
			i := strings.Index(string(data), tok)
			t.Errorf("%s carries the per-person token %q: …%s…", what, tok, string(data[max(0, i-120):min(len(data), i+len(tok)+40)]))
		}
	}
}

// checkMinute reports a time with seconds or fractions of one.
func checkMinute(t *testing.T, what string, times ...time.Time) {
	t.Helper()
	for _, tm := range times {
		if !tm.Equal(tm.Truncate(time.Minute)) {
			t.Errorf("%s: time %s is finer than the minute", what, tm.Format(time.RFC3339Nano))
		}
	}
}
