package watch_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/watch"
)

var (
	bob   = accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	carol = accord.WithActor(context.Background(), accord.Actor{ID: "carol"})
	req1  = accord.Ref{Kind: "requirement", ID: "R1"}
)

func newService(t testing.TB) (*watch.Service, *memory.WatchStore) {
	t.Helper()
	store := memory.NewWatchStore()
	s, err := watch.NewService(watch.Options{Store: store, Events: store})
	require.NoError(t, err)
	return s, store
}

func TestWatchRules(t *testing.T) {
	s, _ := newService(t)
	_, err := s.Watch(bob, "shop", accord.Ref{Kind: "requirement"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "target.id")
	_, err = s.Watch(bob, "shop", accord.Ref{Kind: watch.ProjectKind, ID: "other"})
	assert.Contains(t, err.Error(), "a project watch names this project")
	w, err := s.Watch(bob, "shop", req1)
	require.NoError(t, err)
	_, err = s.Watch(bob, "shop", req1)
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	assert.Equal(t, accord.NotFound, accord.ErrorCode(s.Unwatch(carol, "shop", w.ID)), "carol cannot stop bob's watch")
	mine, err := s.Watches(bob, "shop", accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, mine.Items, 1)
	require.NoError(t, s.Unwatch(bob, "shop", w.ID))
	_, err = s.Watches(context.Background(), "shop", accord.PageQuery{})
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
}

func TestInboxPagesAndMarks(t *testing.T) {
	s, store := newService(t)
	_, err := s.Watch(bob, "shop", req1)
	require.NoError(t, err)
	for i := range 7 {
		store.Publish(bob, accord.Event{ID: fmt.Sprint(i), Kind: "requirement.updated", Project: "shop", Ref: req1, Time: time.Now()})
	}
	store.Publish(bob, accord.Event{ID: "elsewhere", Kind: "requirement.updated", Project: "else", Ref: req1, Time: time.Now()})
	store.Publish(bob, accord.Event{ID: "before", Kind: "requirement.updated", Project: "shop", Ref: req1, Time: time.Now().Add(-time.Hour)})
	in, err := s.Inbox(bob, "shop", accord.PageQuery{Size: 3})
	require.NoError(t, err)
	require.Len(t, in.Entries, 3)
	assert.True(t, in.More)
	assert.Equal(t, "0", in.Entries[0].Event.ID)
	require.NotEmpty(t, in.NextPageToken)
	next, err := s.Inbox(bob, "shop", accord.PageQuery{Size: 3, Token: in.NextPageToken})
	require.NoError(t, err)
	require.Len(t, next.Entries, 3, "the next page reads on without marking")
	assert.Equal(t, "3", next.Entries[0].Event.ID)
	_, err = s.Inbox(bob, "shop", accord.PageQuery{Token: "not a token"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	require.NoError(t, s.MarkRead(bob, "shop", in.Through))
	in, err = s.Inbox(bob, "shop", accord.PageQuery{})
	require.NoError(t, err)
	require.Len(t, in.Entries, 4, "the rest; not another project's, nor one from before the watch")
	assert.False(t, in.More)
	assert.Equal(t, "3", in.Entries[0].Event.ID)
	empty, err := s.Inbox(carol, "shop", accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, empty.Entries, "carol watches nothing")
	assert.Equal(t, accord.Invalid, accord.ErrorCode(s.MarkRead(bob, "shop", -1)))
}
