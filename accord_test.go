package accord_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
)

func TestErrorCodeThroughWrapping(t *testing.T) {
	base := accord.Errorf(accord.NotFound, "requirement %q not found", "REQ-9")
	wrapped := fmt.Errorf("loading: %w", base)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(wrapped))
	assert.Equal(t, accord.Internal, accord.ErrorCode(errors.New("boom")))
	assert.Equal(t, accord.Code(""), accord.ErrorCode(nil))

	cause := errors.New("disk full")
	e := accord.Errorf(accord.Internal, "saving: %w", cause)
	assert.ErrorIs(t, e, cause, "Errorf wraps its %w operand")
	assert.Equal(t, "internal: saving: disk full", e.Error())
}

func TestStaleErrorIsConflictWrappingErrStale(t *testing.T) {
	err := fmt.Errorf("update: %w", accord.StaleError("requirement REQ-1", 2, 3))
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	assert.ErrorIs(t, err, accord.ErrStale)
	assert.Contains(t, err.Error(), "at revision 3")
}

func TestFieldErrors(t *testing.T) {
	var errs accord.FieldErrors
	assert.NoError(t, errs.Err("requirement"))
	errs.Add("title", "required")
	errs.Add("acceptance_criteria[2].text", "longer than %d characters", 10)
	err := errs.Err("requirement")
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, accord.Invalid, e.Code)
	assert.Equal(t, []accord.FieldError{{Field: "title", Message: "required"}, {Field: "acceptance_criteria[2].text", Message: "longer than 10 characters"}}, e.Fields)
	assert.Equal(t, "invalid: invalid requirement: title: required; acceptance_criteria[2].text: longer than 10 characters", err.Error())
}

func TestActorContext(t *testing.T) {
	_, ok := accord.ActorFrom(context.Background())
	assert.False(t, ok)
	_, err := accord.RequireActor(context.Background())
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
	_, err = accord.RequireActor(accord.WithActor(context.Background(), accord.Actor{}))
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err), "an actor without ID is no actor")

	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})
	a, err := accord.RequireActor(ctx)
	require.NoError(t, err)
	assert.True(t, a.HasRole("product"))
	assert.False(t, a.HasRole("backend"))
}

func TestNewIDSortsByTimeAndIsUnique(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	seen := map[string]bool{}
	for i := range 2000 {
		id := accord.NewID(start.Add(time.Duration(i) * time.Millisecond))
		require.Len(t, id, 26)
		require.False(t, seen[id])
		seen[id] = true
		ids = append(ids, id)
	}
	assert.True(t, sort.StringsAreSorted(ids), "IDs from later milliseconds sort later")
	for range 1000 {
		id := accord.NewID(start)
		require.False(t, seen[id], "random part must differ within one millisecond")
		seen[id] = true
	}
	assert.Less(t, accord.NewID(time.UnixMilli(0)), accord.NewID(time.UnixMilli(1<<47)))
}

func TestRefValidate(t *testing.T) {
	var errs accord.FieldErrors
	accord.Ref{}.Validate("links[0]", &errs)
	assert.Equal(t, accord.FieldErrors{{Field: "links[0].kind", Message: "required"}, {Field: "links[0].id", Message: "required"}}, errs)
	assert.Equal(t, "contract/orders", accord.Ref{Kind: "contract", ID: "orders"}.String())
}

func BenchmarkNewID(b *testing.B) {
	now := time.Now()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		accord.NewID(now)
	}
}

func TestPageQueryNormalize(t *testing.T) {
	q, err := accord.PageQuery{}.Normalize()
	require.NoError(t, err)
	assert.Equal(t, accord.DefaultPageSize, q.Size)
	q, err = accord.PageQuery{Size: accord.MaxPageSize, Token: "t"}.Normalize()
	require.NoError(t, err)
	assert.Equal(t, accord.PageQuery{Size: 500, Token: "t"}, q)
	for _, bad := range []int{-1, accord.MaxPageSize + 1} {
		_, err := accord.PageQuery{Size: bad}.Normalize()
		var e *accord.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, accord.Invalid, e.Code)
		assert.Equal(t, "page_size", e.Fields[0].Field)
	}
}

func TestStamp(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := accord.NewStamp("alice", t0)
	assert.Equal(t, accord.Stamp{Revision: 1, CreatedAt: t0, CreatedBy: "alice", UpdatedAt: t0, UpdatedBy: "alice"}, s)
	next := s.Next("bob", t0.Add(time.Hour))
	assert.Equal(t, accord.Stamp{Revision: 2, CreatedAt: t0, CreatedBy: "alice", UpdatedAt: t0.Add(time.Hour), UpdatedBy: "bob"}, next)
	assert.Equal(t, 1, s.Revision, "Next returns a new stamp")
	type record struct {
		ID string
		accord.Stamp
	}
	r := record{ID: "x", Stamp: s}
	var stamped accord.Stamped = &r
	stamped.StampRef().Revision = 7
	assert.Equal(t, 7, r.Revision, "every record that embeds a Stamp is Stamped")
}
