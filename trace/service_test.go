package trace_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/trace"
)

var bob = accord.WithActor(context.Background(), accord.Actor{ID: "bob"})

// world is a few records whose revisions say which fields changed: each
// revision lists the content fields it changed (none: status only).
type world struct {
	mu    sync.Mutex
	revs  map[accord.Ref][][]string // revision n is revs[ref][n-1]
	reads int                       // Target calls
}

func newWorld(refs ...accord.Ref) *world {
	w := &world{revs: map[accord.Ref][][]string{}}
	for _, r := range refs {
		w.revs[r] = [][]string{nil}
	}
	return w
}

func (w *world) revise(ref accord.Ref, fields ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.revs[ref] = append(w.revs[ref], fields)
}

func (w *world) remove(ref accord.Ref) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.revs, ref)
}

func (w *world) Target(_ context.Context, _ string, ref accord.Ref) (trace.Target, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads++
	if ref.Kind == "wiki" {
		return trace.Target{}, &accord.Error{Code: accord.Invalid, Message: "invalid ref",
			Fields: []accord.FieldError{{Field: "kind", Message: fmt.Sprintf("%q cannot be linked; one of requirement, contract_version", ref.Kind)}}}
	}
	revs, ok := w.revs[ref]
	if !ok {
		return trace.Target{}, accord.Errorf(accord.NotFound, "%s not found", ref)
	}
	return trace.Target{Ref: ref, Revision: len(revs), Title: ref.ID}, nil
}

func (w *world) Changes(_ context.Context, _ string, ref accord.Ref, from, to int) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for n := from + 1; n <= to; n++ {
		for _, f := range w.revs[ref][n-1] {
			if !contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

var (
	req  = accord.Ref{Kind: "requirement", ID: "R1"}
	req2 = accord.Ref{Kind: "requirement", ID: "R2"}
	api  = accord.Ref{Kind: "contract_version", ID: "C@1.0.0"}
)

func newService(t *testing.T) (*trace.Service, *world, *testkit.Events) {
	t.Helper()
	w := newWorld(req, req2, api)
	ev := &testkit.Events{}
	s, err := trace.NewService(trace.Options{Store: memory.NewTraceStore(), Targets: w, Events: ev, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	return s, w, ev
}

func TestLinkValidation(t *testing.T) {
	s, _, _ := newService(t)
	for _, tc := range []struct {
		in     trace.NewLink
		fields []string
	}{
		{trace.NewLink{}, []string{"from.kind", "from.id", "to.kind", "to.id", "role"}},
		{trace.NewLink{From: api, To: req, Role: "blocks"}, []string{"role"}},
		{trace.NewLink{From: api, To: accord.Ref{Kind: "requirement", ID: "R9"}, Role: trace.Implements}, []string{"to"}},
		{trace.NewLink{From: accord.Ref{Kind: "wiki", ID: "x"}, To: req, Role: trace.RelatesTo}, []string{"from.kind"}},
		{trace.NewLink{From: req, To: req, Role: trace.Refines}, []string{"to"}},
	} {
		_, err := s.Link(bob, "p", tc.in)
		var e *accord.Error
		require.ErrorAs(t, err, &e, "%+v", tc.in)
		require.Equal(t, accord.Invalid, e.Code)
		var got []string
		for _, f := range e.Fields {
			got = append(got, f.Field)
		}
		assert.Equal(t, tc.fields, got, "%+v: %v", tc.in, err)
	}
	_, err := s.Link(context.Background(), "p", trace.NewLink{From: api, To: req, Role: trace.Implements})
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
	page, err := s.List(bob, "p", trace.Filter{}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items, "refused links store nothing")

	_, err = s.Link(bob, "p", trace.NewLink{From: api, To: req, Role: trace.Implements})
	require.NoError(t, err)
	_, err = s.Link(bob, "p", trace.NewLink{From: api, To: req, Role: trace.Implements})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
}

func TestSuspectAndConfirm(t *testing.T) {
	s, w, ev := newService(t)
	l, err := s.Link(bob, "p", trace.NewLink{From: api, To: req, Role: trace.Implements})
	require.NoError(t, err)

	w.revise(req) // status only
	turned, err := s.TargetRevised(bob, "p", req)
	require.NoError(t, err)
	assert.Empty(t, turned)
	w.revise(req, "goal")
	w.revise(req, "acceptance_criteria[0].text")
	turned, err = s.TargetRevised(bob, "p", req)
	require.NoError(t, err)
	require.Len(t, turned, 1)
	assert.Equal(t, trace.Suspect, turned[0].Status)
	assert.Equal(t, []string{"goal", "acceptance_criteria[0].text"}, turned[0].Suspicion.Fields)
	assert.Equal(t, 4, turned[0].Suspicion.Revision)
	assert.Equal(t, 1, turned[0].TargetRevision, "still the revision it was made against")
	assert.Equal(t, trace.EventSuspect, ev.Kinds()[len(ev.Kinds())-1])

	again, err := s.TargetRevised(bob, "p", req)
	require.NoError(t, err)
	assert.Empty(t, again, "nothing new: no second event")

	_, err = s.Confirm(bob, "p", l.ID, 0, trace.ConfirmInput{Note: ""})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	ok, err := s.Confirm(bob, "p", l.ID, turned[0].Revision, trace.ConfirmInput{Note: "the contract serves the new goal"})
	require.NoError(t, err)
	assert.Equal(t, trace.Current, ok.Status)
	assert.Equal(t, 4, ok.TargetRevision)
	assert.Equal(t, &trace.Confirmation{Revision: 4, By: "bob", At: ok.UpdatedAt, Note: "the contract serves the new goal"}, ok.Confirmed)

	w.remove(req)
	turned, err = s.TargetRevised(bob, "p", req)
	require.NoError(t, err)
	require.Len(t, turned, 1)
	assert.True(t, turned[0].Suspicion.Gone)
	_, err = s.Confirm(bob, "p", l.ID, 0, trace.ConfirmInput{Note: "still fine"})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "a link to nothing is removed, not confirmed")
}

func TestContentChangedBackIsCurrentAgain(t *testing.T) {
	s, w, _ := newService(t)
	l, err := s.Link(bob, "p", trace.NewLink{From: req2, To: req, Role: trace.Refines})
	require.NoError(t, err)
	w.revise(req, "goal")
	_, err = s.TargetRevised(bob, "p", req)
	require.NoError(t, err)
	// A world where revision 3 restores what revision 1 said: Changes
	// from 1 to 3 is empty.
	w.mu.Lock()
	w.revs[req] = [][]string{nil, nil, nil}
	w.mu.Unlock()
	_, err = s.TargetRevised(bob, "p", req)
	require.NoError(t, err)
	got, err := s.Get(bob, "p", l.ID)
	require.NoError(t, err)
	assert.Equal(t, trace.Current, got.Status)
}

func TestDeclareKeepsStep(t *testing.T) {
	s, w, _ := newService(t)
	manual, err := s.Link(bob, "p", trace.NewLink{From: api, To: req2, Role: trace.Implements, Note: "by hand"})
	require.NoError(t, err)
	decl := []trace.Declaration{{To: req, Role: trace.Implements, Note: "operations a"}, {To: req2, Role: trace.Implements},
		{To: accord.Ref{Kind: "requirement", ID: "R9"}, Role: trace.Implements}}
	require.NoError(t, s.Declare(bob, "p", api, decl))
	reads := w.reads
	require.NoError(t, s.Declare(bob, "p", api, decl), "declaring again changes nothing")
	assert.Equal(t, reads+1, w.reads, "only R9, which is not linked, is looked up again")
	all, err := s.All(bob, "p", trace.Filter{From: api})
	require.NoError(t, err)
	require.Len(t, all, 2, "R9 does not exist: no link; R2 is linked by hand already")
	assert.Equal(t, manual.ID, all[0].ID)
	assert.Equal(t, trace.Declared, all[1].Origin)
	assert.Equal(t, "operations a", all[1].Note)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(s.Unlink(bob, "p", all[1].ID, "")))

	w.revise(req, "goal")
	require.NoError(t, s.Declare(bob, "p", api, nil))
	all, err = s.All(bob, "p", trace.Filter{From: api})
	require.NoError(t, err)
	require.Len(t, all, 1, "no longer declared: gone; the manual link stays")
	assert.Equal(t, manual.ID, all[0].ID)
	require.NoError(t, s.Unlink(bob, "p", manual.ID, ""))
	assert.Equal(t, accord.NotFound, accord.ErrorCode(s.Unlink(bob, "p", manual.ID, "")))

	err = s.Declare(bob, "p", api, []trace.Declaration{{To: req, Role: "owns"}})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "declarations[0].role")
}

func TestImpactAndNeighbours(t *testing.T) {
	s, _, _ := newService(t)
	_, err := s.Link(bob, "p", trace.NewLink{From: api, To: req, Role: trace.Implements})
	require.NoError(t, err)
	_, err = s.Link(bob, "p", trace.NewLink{From: req, To: req2, Role: trace.DerivesFrom})
	require.NoError(t, err)
	im, err := s.Impact(bob, "p", req, []string{"goal"})
	require.NoError(t, err)
	require.Len(t, im.Links, 1)
	assert.Equal(t, api, im.Links[0].From)
	none, err := s.Impact(bob, "p", req, nil)
	require.NoError(t, err)
	assert.Empty(t, none.Links, "a status change turns nothing suspect")
	nb, err := s.Neighbours(bob, "p", req)
	require.NoError(t, err)
	require.Len(t, nb.DependsOn, 1)
	require.Len(t, nb.Dependents, 1)
	assert.Equal(t, req2, nb.DependsOn[0].To)
	assert.Equal(t, api, nb.Dependents[0].From)
}

// Confirmations and suspicions race on one link: none is lost, and the
// link ends in a state one of them left it in, with every revision kept.
func TestConcurrentSuspicionAndConfirmation(t *testing.T) {
	s, w, _ := newService(t)
	l, err := s.Link(bob, "p", trace.NewLink{From: api, To: req, Role: trace.Implements})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			w.revise(req, fmt.Sprintf("field%d", i))
			_, err := s.TargetRevised(bob, "p", req)
			assert.NoError(t, err)
		}()
		go func() {
			defer wg.Done()
			_, err := s.Confirm(bob, "p", l.ID, 0, trace.ConfirmInput{Note: fmt.Sprintf("checked %d", i)})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	hist, err := s.History(bob, "p", l.ID)
	require.NoError(t, err)
	confirms := 0
	for i, h := range hist {
		assert.Equal(t, i+1, h.Number)
		if h.Kind == "confirmed" {
			confirms++
		}
	}
	assert.Equal(t, 8, confirms, "every confirmation is kept")
	final, err := s.Get(bob, "p", l.ID)
	require.NoError(t, err)
	if final.TargetRevision < 9 {
		assert.Equal(t, trace.Suspect, final.Status, "confirmed before the last change: suspect, never silently current")
	}
}

// The neighbours of a record that does not exist are NotFound, not two
// empty lists.
func TestNeighboursOfAMissingRecord(t *testing.T) {
	s, _, _ := newService(t)
	_, err := s.Neighbours(bob, "shop", accord.Ref{Kind: "requirement", ID: "REQ-0"})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	n, err := s.Neighbours(bob, "shop", req)
	require.NoError(t, err)
	assert.Empty(t, n.DependsOn)
}
