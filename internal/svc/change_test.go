package svc

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/testkit"
)

// note is a record for the command path's tests: a key, a title, a body
// that is content and a counter that is not.
type note struct {
	ID, Key, Title, Body string
	Views                int
	accord.Stamp
}

func (n note) Ref() accord.Ref { return accord.Ref{Kind: "note", ID: n.ID} }
func (n note) Clone() note     { return n }

// notes is a one-record store with compare-and-swap; race, when set, runs
// before a write once, as a concurrent writer would.
type notes struct {
	mu     sync.Mutex
	cur    note
	revs   []accord.Revision[note]
	race   func(*note)
	writes int
}

func (s *notes) get(_ context.Context, _, id string) (note, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.cur.ID {
		return note{}, accord.Errorf(accord.NotFound, "no note %s", id)
	}
	return s.cur, nil
}

func (s *notes) byKey(ctx context.Context, p, key string) (note, error) {
	if key != s.cur.Key {
		return note{}, accord.Errorf(accord.NotFound, "no note %s", key)
	}
	return s.get(ctx, p, s.cur.ID)
}

func (s *notes) update(_ context.Context, next accord.Revision[note]) (note, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if race := s.race; race != nil {
		s.race = nil
		race(&s.cur)
		s.cur.Revision++
	}
	if next.Record.Revision != s.cur.Revision+1 {
		return note{}, accord.StaleError("note", next.Record.Revision-1, s.cur.Revision)
	}
	s.writes++
	s.cur = next.Record
	s.revs = append(s.revs, next)
	return s.cur, nil
}

func (s *notes) delete(ctx context.Context, tomb accord.Revision[note]) error {
	_, err := s.update(ctx, tomb)
	return err
}

func (s *notes) history(_ context.Context, _, id string) ([]accord.Revision[note], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.cur.ID {
		return nil, accord.Errorf(accord.NotFound, "no note %s", id)
	}
	return append([]accord.Revision[note](nil), s.revs...), nil
}

func newNotes(t *testing.T) (*notes, Commands[note, *note], *testkit.Events) {
	t.Helper()
	store := &notes{cur: note{ID: "01N", Key: "N-1", Title: "Refunds", Body: "v1", Stamp: accord.NewStamp("ann", time.Now())}}
	events := &testkit.Events{}
	cmds := Commands[note, *note]{Pub: Publisher{Events: events, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))},
		Table: Table[note]{What: "note", Prefix: "N-", Get: store.get, ByKey: store.byKey, Update: store.update,
			Delete: store.delete, History: store.history,
			Name: func(n note) (string, string) { return n.Key, n.Title },
			Content: func(a, b note) []string {
				if a.Body != b.Body {
					return []string{"body"}
				}
				return nil
			}}}
	return store, cmds, events
}

var ann = accord.WithActor(context.Background(), accord.Actor{ID: "ann"})

func edit(body string) func(*note, *Cmd) error {
	return func(n *note, c *Cmd) error {
		n.Body = body
		c.Kind, c.Note = "edited", "to "+body
		c.Event("note.edited", "%s edited by %s", n.Key, c.Actor.ID)
		return nil
	}
}

func TestChangeStoresTheNextRevisionAndPublishesNamedEvents(t *testing.T) {
	store, cmds, events := newNotes(t)
	out, err := cmds.Run(ann, Change[note]{Project: "p", Ref: "N-1", Base: 1, Edit: edit("v2")})
	require.NoError(t, err)
	assert.Equal(t, 2, out.Revision)
	assert.Equal(t, "ann", out.UpdatedBy)
	require.Len(t, store.revs, 1)
	assert.Equal(t, accord.Revision[note]{Number: 2, Kind: "edited", Actor: "ann", Time: out.UpdatedAt, Note: "to v2", Record: out}, store.revs[0])
	all := events.All()
	require.Len(t, all, 1)
	e := all[0]
	assert.Equal(t, "note.edited", e.Kind)
	assert.Equal(t, "N-1 edited by ann", e.Summary)
	assert.Equal(t, accord.Ref{Kind: "note", ID: "01N"}, e.Ref)
	assert.Equal(t, "N-1", e.Key)
	assert.Equal(t, "Refunds", e.Title)
	assert.Equal(t, 2, e.Revision)
	assert.Equal(t, []string{"body"}, e.Changed)
	assert.Equal(t, out.UpdatedAt, e.Time, "the event's time is the revision's")
	assert.NotEmpty(t, e.ID)

	// A change of what is not content names no fields.
	_, err = cmds.Run(ann, Change[note]{Project: "p", Ref: "01N", Edit: func(n *note, c *Cmd) error {
		n.Views++
		c.Event("note.viewed", "viewed")
		return nil
	}})
	require.NoError(t, err)
	assert.Empty(t, events.All()[1].Changed)
}

func TestChangeChecksTheBaseRevision(t *testing.T) {
	store, cmds, events := newNotes(t)
	_, err := cmds.Run(ann, Change[note]{Project: "p", Ref: "N-1", Base: 3, Edit: edit("v2")})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	assert.ErrorIs(t, err, accord.ErrStale)
	assert.Contains(t, err.Error(), "note N-1 is at revision 1")
	_, err = cmds.Run(ann, Change[note]{Project: "p", Ref: "N-1", RequireBase: true, Edit: edit("v2")})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "a command that needs a base refuses none")
	assert.Zero(t, store.writes)
	assert.Empty(t, events.All())
}

func TestChangeRetriesALostRaceOnlyWithoutABase(t *testing.T) {
	store, cmds, _ := newNotes(t)
	store.race = func(n *note) { n.Views = 7 }
	out, err := cmds.Run(ann, Change[note]{Project: "p", Ref: "N-1", Edit: edit("v2")})
	require.NoError(t, err)
	assert.Equal(t, 3, out.Revision, "re-applied to the newest")
	assert.Equal(t, 7, out.Views, "the concurrent change is kept")
	assert.Equal(t, "v2", out.Body)

	store.race = func(n *note) { n.Views = 8 }
	_, err = cmds.Run(ann, Change[note]{Project: "p", Ref: "N-1", Base: 3, Edit: edit("v3")})
	assert.ErrorIs(t, err, accord.ErrStale, "a named base that lost the race is reported")
}

func TestChangeEndsOnTheEditsErrorAndOnUnchanged(t *testing.T) {
	store, cmds, events := newNotes(t)
	refused := accord.Errorf(accord.FailedPrecondition, "no")
	_, err := cmds.Run(ann, Change[note]{Project: "p", Ref: "N-1", Edit: func(*note, *Cmd) error { return refused }})
	assert.True(t, errors.Is(err, refused))
	out, err := cmds.Run(ann, Change[note]{Project: "p", Ref: "N-1", Edit: func(n *note, c *Cmd) error {
		n.Body = "ignored"
		c.Event("note.edited", "never sent")
		c.Unchanged()
		return nil
	}})
	require.NoError(t, err)
	assert.Equal(t, 1, out.Revision)
	assert.Zero(t, store.writes)
	assert.Empty(t, events.All())
	_, err = cmds.Run(ann, Change[note]{Project: "p", Ref: "N-9", Edit: edit("v2")})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	_, err = cmds.Run(context.Background(), Change[note]{Project: "p", Ref: "N-1", Edit: edit("v2")})
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
}

func TestLookupByIDOrKey(t *testing.T) {
	_, cmds, _ := newNotes(t)
	for _, ref := range []string{"N-1", "01N"} {
		n, err := cmds.Lookup(ann, "p", ref)
		require.NoError(t, err, ref)
		assert.Equal(t, "01N", n.ID, ref)
	}
	id, err := cmds.IDOf(ann, "p", "N-1")
	require.NoError(t, err)
	assert.Equal(t, "01N", id)
	id, err = cmds.IDOf(ann, "p", "01X")
	require.NoError(t, err)
	assert.Equal(t, "01X", id, "an ID is taken as it is, so a deleted record's history still answers")
}

func TestPageAfter(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e"}
	key := func(s string) string { return s }
	p, err := PageAfter("x", items, accord.PageQuery{Size: 2}, key)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, p.Items)
	p, err = PageAfter("x", items, accord.PageQuery{Size: 2, Token: p.NextPageToken}, key)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "d"}, p.Items)
	next := p.NextPageToken
	p, err = PageAfter("x", []string{"a", "b", "c", "e"}, accord.PageQuery{Size: 2, Token: next}, key)
	require.NoError(t, err)
	assert.Equal(t, []string{"e"}, p.Items, "d was removed: the page starts after where it stood")
	assert.Empty(t, p.NextPageToken)
	_, err = PageAfter("y", items, accord.PageQuery{Size: 2, Token: next}, key)
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "another list's token")
}

func TestDeleteAndRestore(t *testing.T) {
	store, cmds, events := newNotes(t)
	draft := func(note) bool { return true }
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	err := cmds.Delete(bob, "p", "N-1", "", draft, "note.deleted")
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "someone else's note needs record.delete")
	require.NoError(t, cmds.Delete(ann, "p", "N-1", "a duplicate", draft, "note.deleted"), "the author deletes their draft")
	require.NotNil(t, store.cur.Deleted)
	assert.Equal(t, "a duplicate", store.cur.Deleted.Reason)
	e := events.All()[0]
	assert.Equal(t, `N-1 "Refunds" deleted by ann: a duplicate`, e.Summary)
	assert.Equal(t, 2, e.Revision, "the tombstone's revision")

	_, err = cmds.Restore(ann, "p", "01N", "", "note.restored")
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "restoring needs record.restore")
	admin := accord.WithActor(context.Background(), accord.Actor{ID: "ada", Roles: []string{accord.RoleAdmin}})
	back, err := cmds.Restore(admin, "p", "01N", "", "note.restored")
	require.NoError(t, err)
	assert.Nil(t, back.Deleted)
	assert.Equal(t, 3, back.Revision)
	assert.Equal(t, `N-1 "Refunds" restored by ada`, events.All()[1].Summary)
}
