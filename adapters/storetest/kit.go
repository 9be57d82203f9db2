package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
)

var (
	ctx   = context.Background()
	epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

// Records describes one kind of record of a store to the generic kit: how
// to make one, and the store's calls for it. Every domain suite fills one in
// per record kind, so the properties every record store must have are
// written, and checked, once.
type Records[T any] struct {
	Name string // "requirement", for messages

	// New returns a valid record at revision 1 in project, distinct for
	// each i (its own ID, name or subject).
	New func(project string, i int) T
	// Edit returns rec with a content change made by writer, keeping its
	// identity. The stamp is the kit's business. Edits counts the Edit
	// calls a record shows, so that a lost update is seen in the content,
	// not only in the revision number.
	Edit  func(rec T, writer int) T
	Edits func(rec T) int
	// Scribble changes rec in place through its shared memory (a slice
	// element, a map entry), to catch stores that keep the caller's value.
	Scribble func(rec *T)
	Stamp    func(rec *T) *accord.Stamp
	ID       func(rec T) string
	Project  func(rec *T, project string) // moves rec to another project (to test isolation)

	Create func(ctx context.Context, first accord.Revision[T]) (T, error)
	Get    func(ctx context.Context, project, id string) (T, error)
	Update func(ctx context.Context, next accord.Revision[T]) (T, error) // nil: the record never changes
	Delete func(ctx context.Context, project, id string) error           // nil: never erased
	// Tombstone (optional) deletes a record the way accord records are
	// deleted: it stores a revision of kind accord.RevisionDeleted whose
	// stamp says who, when and why, and the record is hidden from then on.
	// Restore stores a revision of kind accord.RevisionRestored over it
	// (the store's Update, for most kinds).
	Tombstone func(ctx context.Context, tombstone accord.Revision[T]) error
	Restore   func(ctx context.Context, next accord.Revision[T]) (T, error)
	// ListDeleted (required with Tombstone) lists a project's deleted
	// records, each as its tombstone, in creation order.
	ListDeleted func(ctx context.Context, project string, q accord.PageQuery) (accord.Page[T], error)
	List        func(ctx context.Context, project string, q accord.PageQuery) (accord.Page[T], error) // nil: no paged list
	Revisions   func(ctx context.Context, project, id string) ([]accord.Revision[T], error)           // nil with Update
	Revision    func(ctx context.Context, project, id string, n int) (accord.Revision[T], error)      // optional

	// Key and GetByKey, for records with a human key: Key reads it, KeyOf
	// formats the n-th of a project.
	Key   func(rec T) string
	KeyOf func(n int) string
	// SetKey (optional) gives a new record its key in advance, as an
	// import does: the store keeps it when it is free.
	SetKey   func(rec *T, key string)
	GetByKey func(ctx context.Context, project, key string) (T, error)
}

// first returns the first revision of rec.
func (r Records[T]) first(rec T) accord.Revision[T] {
	st := r.Stamp(&rec)
	return accord.Revision[T]{Number: 1, Kind: accord.RevisionCreated, Actor: st.CreatedBy, Time: st.CreatedAt, Note: "first", Record: rec}
}

// next returns the revision after cur, edited by writer.
func (r Records[T]) next(cur T, writer int) accord.Revision[T] {
	rec := r.Edit(cur, writer)
	st := r.Stamp(&rec)
	*st = st.Next(fmt.Sprintf("writer-%d", writer), r.Stamp(&cur).UpdatedAt.Add(time.Minute))
	return accord.Revision[T]{Number: st.Revision, Kind: accord.RevisionEdited, Actor: st.UpdatedBy, Time: st.UpdatedAt,
		Note: fmt.Sprintf("edit by writer %d", writer), Record: rec}
}

// tombstone returns the revision that deletes cur: by actor, a minute
// after its last change, for reason.
func (r Records[T]) tombstone(cur T, actor, reason string) accord.Revision[T] {
	st := r.Stamp(&cur)
	*st = st.Tombstone(actor, st.UpdatedAt.Add(time.Minute), reason)
	return accord.Revision[T]{Number: st.Revision, Kind: accord.RevisionDeleted, Actor: actor, Time: st.UpdatedAt, Note: reason, Record: cur}
}

// restoration returns the revision that brings back the record whose
// tombstone is dead.
func (r Records[T]) restoration(dead T, actor, reason string) accord.Revision[T] {
	st := r.Stamp(&dead)
	*st = st.Next(actor, st.UpdatedAt.Add(time.Minute))
	return accord.Revision[T]{Number: st.Revision, Kind: accord.RevisionRestored, Actor: actor, Time: st.UpdatedAt, Note: reason, Record: dead}
}

// deletes reports whether the store deletes this kind at all.
func (r Records[T]) deletes() bool { return r.Delete != nil || r.Tombstone != nil }

// remove deletes a record the way the store deletes its kind.
func (r Records[T]) remove(ctx context.Context, project, id string) error {
	if r.Delete != nil {
		return r.Delete(ctx, project, id)
	}
	cur, err := r.Get(ctx, project, id)
	if err != nil {
		return err
	}
	return r.Tombstone(ctx, r.tombstone(cur, "kit", "removed by the kit"))
}

// same compares records the way JSON clients see them: nil and empty lists
// and maps are alike, times compare as instants, and embedded JSON
// documents (schemas) by meaning, since an engine may store JSON in a
// normalised form (PostgreSQL's jsonb does).
var same = []cmp.Option{
	cmp.FilterPath(func(p cmp.Path) bool { return p.Last().Type() != rawJSON }, cmpopts.EquateEmpty()),
	cmpopts.EquateApproxTime(0),
	cmp.Comparer(diff.SameJSON),
}

var rawJSON = reflect.TypeFor[json.RawMessage]()

// checkCode reports err unless it carries the code want.
func checkCode(t testing.TB, what string, want accord.Code, err error) bool {
	t.Helper()
	if got := accord.ErrorCode(err); got != want {
		t.Errorf("%s: error code %q (error %v), want %q", what, got, err, want)
		return false
	}
	return true
}

// CheckRecords runs every generic property on the record kind that open
// describes, each on a fresh store, and reports every misbehaviour it finds.
func CheckRecords[T any](t *testing.T, open func(t *testing.T) Records[T]) {
	t.Run("create_get_delete", func(t *testing.T) { checkCreateGet(t, open(t)) })
	t.Run("copies", func(t *testing.T) { checkCopies(t, open(t)) })
	t.Run("isolation", func(t *testing.T) { checkIsolation(t, open(t)) })
	if r := open(t); r.Update != nil {
		t.Run("compare_and_swap", func(t *testing.T) { checkCAS(t, open(t)) })
		t.Run("revisions", func(t *testing.T) { checkRevisions(t, open(t)) })
		t.Run("concurrent_writers", func(t *testing.T) { checkConcurrentWriters(t, open(t)) })
	}
	if r := open(t); r.Key != nil {
		t.Run("keys", func(t *testing.T) { checkKeys(t, open(t)) })
	}
	if r := open(t); r.Tombstone != nil {
		t.Run("tombstones", func(t *testing.T) { checkTombstones(t, open(t)) })
	}
	if r := open(t); r.List != nil {
		t.Run("pages", func(t *testing.T) { checkPages(t, open(t)) })
		t.Run("pages_under_churn", func(t *testing.T) { checkChurn(t, open(t)) })
	}
}

func mustCreate[T any](t *testing.T, r Records[T], project string, i int) T {
	t.Helper()
	got, err := r.Create(ctx, r.first(r.New(project, i)))
	if err != nil {
		t.Fatalf("create %s %d in %s: %v", r.Name, i, project, err)
	}
	return got
}

func checkCreateGet[T any](t *testing.T, r Records[T]) {
	in := r.New("alpha", 1)
	created, err := r.Create(ctx, r.first(in))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if st := r.Stamp(&created); st.Revision != 1 {
		t.Errorf("create returned revision %d, want 1", st.Revision)
	}
	if r.Key == nil { // a keyed record comes back with its key
		if d := cmp.Diff(in, created, same...); d != "" {
			t.Errorf("create returned another record than it was given (-given +returned):\n%s", d)
		}
	}
	id := r.ID(created)
	got, err := r.Get(ctx, "alpha", id)
	if err != nil {
		t.Errorf("get after create: %v", err)
	} else if d := cmp.Diff(created, got, same...); d != "" {
		t.Errorf("get returned another record than create (-created +got):\n%s", d)
	}
	_, err = r.Create(ctx, r.first(in))
	checkCode(t, "creating the same ID again", accord.Conflict, err)
	_, err = r.Get(ctx, "alpha", "no-such-id")
	checkCode(t, "get of a missing ID", accord.NotFound, err)
	if !r.deletes() {
		return
	}
	if err := r.remove(ctx, "alpha", id); err != nil {
		t.Errorf("delete: %v", err)
	}
	_, err = r.Get(ctx, "alpha", id)
	checkCode(t, "get after delete", accord.NotFound, err)
	checkCode(t, "deleting again", accord.NotFound, r.remove(ctx, "alpha", id))
	if r.Revisions != nil && r.Delete != nil {
		_, err = r.Revisions(ctx, "alpha", id)
		checkCode(t, "revisions after erasing", accord.NotFound, err)
	}
}

// checkTombstones checks what deleting an accord record means: a
// tombstone revision (who, when, why) ends its history, the record is
// hidden from gets, key lookups and lists, takes no further edit or
// tombstone, and its key is never given again; a restoring revision
// brings it back where it was. The deleted records are listed apart, in
// creation order, each as its tombstone.
func checkTombstones[T any](t *testing.T, r Records[T]) {
	if r.ListDeleted == nil {
		t.Fatal("Records with Tombstone need ListDeleted: an admin finds what to restore there")
	}
	a, b, c := mustCreate(t, r, "alpha", 1), mustCreate(t, r, "alpha", 2), mustCreate(t, r, "alpha", 3)
	deleted := func(project string) []T {
		var out []T
		q := accord.PageQuery{Size: 1}
		for range 10 {
			page, err := r.ListDeleted(ctx, project, q)
			if err != nil {
				t.Fatalf("list of deleted records: %v", err)
			}
			out = append(out, page.Items...)
			if page.NextPageToken == "" {
				break
			}
			q.Token = page.NextPageToken
		}
		return out
	}
	ids := func(recs []T) []string {
		out := []string{}
		for _, rec := range recs {
			out = append(out, r.ID(rec))
		}
		return out
	}
	if got := deleted("alpha"); len(got) != 0 {
		t.Errorf("deleted records before any deletion: %v, want none", ids(got))
	}
	id := r.ID(b)
	var err error
	if r.Update != nil {
		if b, err = r.Update(ctx, r.next(b, 1)); err != nil {
			t.Fatalf("update before deleting: %v", err)
		}
	}
	before := r.Stamp(&b).Revision
	stale := r.tombstone(a, "admin-ann", "stale")
	stale.Number++
	r.Stamp(&stale.Record).Revision++
	_, err = r.Get(ctx, "alpha", r.ID(a))
	if err == nil {
		err = r.Tombstone(ctx, stale)
		if checkCode(t, "a tombstone two revisions ahead", accord.Conflict, err) && !errors.Is(err, accord.ErrStale) {
			t.Errorf("a stale tombstone: %v does not wrap accord.ErrStale", err)
		}
	}
	notDeleted := r.tombstone(a, "admin-ann", "no deletion")
	r.Stamp(&notDeleted.Record).Deleted = nil
	checkCode(t, "a tombstone whose stamp says no deletion", accord.Invalid, r.Tombstone(ctx, notDeleted))
	if _, err := r.Get(ctx, "alpha", r.ID(a)); err != nil {
		t.Errorf("refused tombstones deleted the record: %v", err)
	}

	tomb := r.tombstone(b, "admin-ann", "a duplicate of the first")
	if err := r.Tombstone(ctx, tomb); err != nil {
		t.Fatalf("tombstone: %v", err)
	}
	_, err = r.Get(ctx, "alpha", id)
	checkCode(t, "get of a deleted record", accord.NotFound, err)
	if r.Key != nil {
		_, err = r.GetByKey(ctx, "alpha", r.Key(b))
		checkCode(t, "get by the key of a deleted record", accord.NotFound, err)
	}
	listed := func() []string {
		var ids []string
		q := accord.PageQuery{Size: 1}
		for range 10 {
			page, err := r.List(ctx, "alpha", q)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			for _, it := range page.Items {
				ids = append(ids, r.ID(it))
			}
			if page.NextPageToken == "" {
				break
			}
			q.Token = page.NextPageToken
		}
		return ids
	}
	if r.List != nil {
		if got, want := listed(), []string{r.ID(a), r.ID(c)}; !slices.Equal(got, want) {
			t.Errorf("list after deleting %s: %v, want %v (pages of one)", id, got, want)
		}
	}
	if r.Revisions != nil {
		revs, err := r.Revisions(ctx, "alpha", id)
		if err != nil {
			t.Errorf("revisions of a deleted record: %v; its history stays", err)
		} else if len(revs) != before+1 {
			t.Errorf("a deleted record has %d revisions, want %d: every one before and the tombstone", len(revs), before+1)
		} else {
			last := revs[len(revs)-1]
			d := r.Stamp(&last.Record).Deleted
			if last.Number != before+1 || last.Kind != accord.RevisionDeleted || last.Actor != "admin-ann" || last.Note != "a duplicate of the first" || !last.Time.Equal(tomb.Time) {
				t.Errorf("tombstone revision %d %s by %q at %v (%q); want %d %s by admin-ann at %v with the reason", last.Number, last.Kind, last.Actor, last.Time, last.Note, before+1, accord.RevisionDeleted, tomb.Time)
			}
			if d == nil || d.By != "admin-ann" || d.Reason != "a duplicate of the first" || !d.At.Equal(tomb.Time) {
				t.Errorf("the tombstone's stamp says deleted %+v; want by admin-ann at %v with the reason", d, tomb.Time)
			}
		}
	}
	if got := deleted("alpha"); len(got) != 1 || r.ID(got[0]) != id {
		t.Errorf("deleted records after deleting %s: %v, want it alone (pages of one)", id, ids(got))
	} else if d := cmp.Diff(tomb.Record, got[0], same...); d != "" {
		t.Errorf("a deleted record is not listed as its tombstone (-tombstone +listed):\n%s", d)
	}
	if got := deleted("beta"); len(got) != 0 {
		t.Errorf("deleted records of another project: %v, want none", ids(got))
	}
	_, err = r.ListDeleted(ctx, "alpha", accord.PageQuery{Size: 1, Token: "not-a-token"})
	checkCode(t, "a list of deleted records with a malformed token", accord.Invalid, err)
	checkCode(t, "deleting a deleted record again", accord.NotFound, r.Tombstone(ctx, r.tombstone(tomb.Record, "admin-ann", "again")))
	if r.Update != nil {
		_, err = r.Update(ctx, r.next(tomb.Record, 2))
		checkCode(t, "an edit of a deleted record", accord.NotFound, err)
	}
	if r.Key != nil {
		d := mustCreate(t, r, "alpha", 4)
		if got, want := r.Key(d), r.KeyOf(4); got != want {
			t.Errorf("the record created after a deletion got key %s, want %s: keys are never given again", got, want)
		}
	}

	back := r.restoration(tomb.Record, "admin-bo", "not a duplicate after all")
	restored, err := r.Restore(ctx, back)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if st := r.Stamp(&restored); st.Revision != before+2 || st.Deleted != nil {
		t.Errorf("restored at revision %d, deleted %+v; want revision %d, not deleted", st.Revision, st.Deleted, before+2)
	}
	if got, err := r.Get(ctx, "alpha", id); err != nil {
		t.Errorf("get after restore: %v", err)
	} else if d := cmp.Diff(restored, got, same...); d != "" {
		t.Errorf("get after restore is not the restored record (-restored +got):\n%s", d)
	}
	if r.Key != nil {
		if _, err := r.GetByKey(ctx, "alpha", r.Key(b)); err != nil {
			t.Errorf("get by key after restore: %v", err)
		}
	}
	if r.List != nil {
		if got := listed(); len(got) < 3 || !slices.Equal(got[:3], []string{r.ID(a), id, r.ID(c)}) {
			t.Errorf("list after restoring %s: %v; want it back in its place, between %s and %s", id, got, r.ID(a), r.ID(c))
		}
	}
	if r.Revisions != nil {
		if revs, err := r.Revisions(ctx, "alpha", id); err != nil || len(revs) != before+2 || revs[len(revs)-1].Kind != accord.RevisionRestored {
			t.Errorf("after restore: %d revisions (%v); want %d, the last %s", len(revs), err, before+2, accord.RevisionRestored)
		}
	}
	if got := deleted("alpha"); len(got) != 0 {
		t.Errorf("deleted records after the restore: %v, want none", ids(got))
	}
	// Deleted last, c is listed after a: the list is in creation order.
	for _, rec := range []T{c, a} {
		if cur, err := r.Get(ctx, "alpha", r.ID(rec)); err != nil {
			t.Errorf("get before deleting: %v", err)
		} else if err := r.Tombstone(ctx, r.tombstone(cur, "admin-ann", "tidying")); err != nil {
			t.Errorf("tombstone: %v", err)
		}
	}
	if got, want := ids(deleted("alpha")), []string{r.ID(a), r.ID(c)}; !slices.Equal(got, want) {
		t.Errorf("deleted records: %v, want %v (creation order, pages of one)", got, want)
	}
}

func checkCopies[T any](t *testing.T, r Records[T]) {
	in := r.New("alpha", 1)
	first := r.first(in)
	created, err := r.Create(ctx, first)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id := r.ID(created)
	want, _ := r.Get(ctx, "alpha", id)
	r.Scribble(&first.Record)
	r.Scribble(&created)
	if got, _ := r.Get(ctx, "alpha", id); !cmp.Equal(want, got, same...) {
		t.Errorf("changing the value given to or returned by create changed the stored %s: the store shares memory with its callers", r.Name)
	}
	got, _ := r.Get(ctx, "alpha", id)
	r.Scribble(&got)
	if again, _ := r.Get(ctx, "alpha", id); !cmp.Equal(want, again, same...) {
		t.Errorf("changing a value returned by get changed the stored %s", r.Name)
	}
	if r.Update == nil {
		return
	}
	next := r.next(want, 1)
	updated, err := r.Update(ctx, next)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	want, _ = r.Get(ctx, "alpha", id)
	r.Scribble(&next.Record)
	r.Scribble(&updated)
	if got, _ := r.Get(ctx, "alpha", id); !cmp.Equal(want, got, same...) {
		t.Errorf("changing the value given to or returned by update changed the stored %s", r.Name)
	}
	revs, err := r.Revisions(ctx, "alpha", id)
	if err != nil || len(revs) == 0 {
		t.Fatalf("revisions: %v", err)
	}
	r.Scribble(&revs[0].Record)
	if again, _ := r.Revisions(ctx, "alpha", id); cmp.Equal(revs[0].Record, again[0].Record, same...) {
		t.Errorf("changing a revision returned by the store changed the stored revision")
	}
}

func checkCAS[T any](t *testing.T, r Records[T]) {
	cur := mustCreate(t, r, "alpha", 1)
	id := r.ID(cur)
	next := r.next(cur, 1)
	updated, err := r.Update(ctx, next)
	if err != nil {
		t.Fatalf("update from revision 1 to 2: %v", err)
	}
	if st := r.Stamp(&updated); st.Revision != 2 {
		t.Errorf("update returned revision %d, want 2", st.Revision)
	}
	if st := r.Stamp(&updated); !st.CreatedAt.Equal(r.Stamp(&cur).CreatedAt) || st.CreatedBy != r.Stamp(&cur).CreatedBy {
		t.Errorf("update changed the creation stamp: %+v, was %+v", *st, *r.Stamp(&cur))
	}
	if r.Key != nil && r.Key(updated) != r.Key(cur) {
		t.Errorf("update changed the key from %s to %s", r.Key(cur), r.Key(updated))
	}
	for _, tc := range []struct {
		name  string
		stale accord.Revision[T]
	}{
		{"revision 2 again (a lost update)", r.next(cur, 2)},
		{"revision 4 while at 2", r.next(r.next(updated, 2).Record, 3)},
	} {
		_, err := r.Update(ctx, tc.stale)
		if checkCode(t, "update to "+tc.name, accord.Conflict, err) && !errors.Is(err, accord.ErrStale) {
			t.Errorf("update to %s: %v does not wrap accord.ErrStale", tc.name, err)
		}
	}
	if got, _ := r.Get(ctx, "alpha", id); r.Stamp(&got).Revision != 2 {
		t.Errorf("a refused update changed the stored record: revision %d, want 2", r.Stamp(&got).Revision)
	}
	missing := r.next(r.New("alpha", 99), 1)
	_, err = r.Update(ctx, missing)
	checkCode(t, "update of a missing record", accord.NotFound, err)
}

func checkRevisions[T any](t *testing.T, r Records[T]) {
	cur := mustCreate(t, r, "alpha", 1)
	id := r.ID(cur)
	stored := []accord.Revision[T]{r.first(cur)}
	for i := 1; i <= 4; i++ {
		next := r.next(cur, i)
		var err error
		if cur, err = r.Update(ctx, next); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		next.Record = cur
		stored = append(stored, next)
	}
	revs, err := r.Revisions(ctx, "alpha", id)
	if err != nil {
		t.Fatalf("revisions: %v", err)
	}
	if len(revs) != len(stored) {
		t.Fatalf("%d revisions, want %d: every change keeps one", len(revs), len(stored))
	}
	for i, v := range revs {
		if v.Number != i+1 || r.Stamp(&v.Record).Revision != i+1 {
			t.Errorf("revision %d is numbered %d (record revision %d)", i+1, v.Number, r.Stamp(&v.Record).Revision)
		}
		want := stored[i]
		if i == 0 {
			want.Record = revs[0].Record // the stored first revision may carry the assigned key
		}
		if v.Actor != want.Actor || v.Note != want.Note || v.Kind != want.Kind || !v.Time.Equal(want.Time) {
			t.Errorf("revision %d: actor %q, kind %q, note %q, time %v; want %q, %q, %q, %v", i+1, v.Actor, v.Kind, v.Note, v.Time, want.Actor, want.Kind, want.Note, want.Time)
		}
		if d := cmp.Diff(want.Record, v.Record, same...); d != "" {
			t.Errorf("revision %d is not the record as it was stored (-stored +revision):\n%s", i+1, d)
		}
	}
	if r.Revision != nil {
		v, err := r.Revision(ctx, "alpha", id, 3)
		if err != nil || v.Number != 3 {
			t.Errorf("revision 3: number %d, %v", v.Number, err)
		}
		_, err = r.Revision(ctx, "alpha", id, 6)
		checkCode(t, "revision 6 of 5", accord.NotFound, err)
		_, err = r.Revision(ctx, "alpha", id, 0)
		checkCode(t, "revision 0", accord.NotFound, err)
	}
}

// writers is how many goroutines write one record at once.
const writers = 16

func checkConcurrentWriters[T any](t *testing.T, r Records[T]) {
	rec := mustCreate(t, r, "alpha", 1)
	id := r.ID(rec)
	const each = 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	start := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // all at once
			for done := 0; done < each; {
				cur, err := r.Get(ctx, "alpha", id)
				if err != nil {
					errs <- err
					return
				}
				runtime.Gosched() // let another writer in between the read and the write
				_, err = r.Update(ctx, r.next(cur, w))
				switch {
				case err == nil:
					done++
				case !errors.Is(err, accord.ErrStale):
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent update: %v", err)
	}
	got, _ := r.Get(ctx, "alpha", id)
	if n := r.Stamp(&got).Revision; n != 1+writers*each {
		t.Errorf("after %d successful updates the %s is at revision %d, want %d: an update was lost", writers*each, r.Name, n, 1+writers*each)
	}
	if n := r.Edits(got); n != writers*each {
		t.Errorf("after %d successful updates the %s shows %d edits: an update was lost (each was based on a revision another writer had already replaced)", writers*each, r.Name, n)
	}
	revs, _ := r.Revisions(ctx, "alpha", id)
	if len(revs) != 1+writers*each {
		t.Errorf("%d revisions after %d updates, want %d", len(revs), writers*each, 1+writers*each)
	}
	for i, v := range revs {
		if v.Number != i+1 {
			t.Errorf("revision at index %d is numbered %d", i, v.Number)
			break
		}
	}
}

func checkKeys[T any](t *testing.T, r Records[T]) {
	const n = 24
	keys := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := r.Create(ctx, r.first(r.New("alpha", i)))
			if err != nil {
				t.Errorf("concurrent create %d: %v", i, err)
				return
			}
			keys <- r.Key(got)
		}()
	}
	wg.Wait()
	close(keys)
	var got, want []string
	for k := range keys {
		got = append(got, k)
	}
	for i := 1; i <= n; i++ {
		want = append(want, r.KeyOf(i))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("keys of %d concurrent creates: %v, want each of %v once", n, got, want)
	}
	if r.SetKey != nil {
		imported := r.New("alpha", n+100)
		r.SetKey(&imported, r.KeyOf(n+10))
		if got, err := r.Create(ctx, r.first(imported)); err != nil || r.Key(got) != r.KeyOf(n+10) {
			t.Errorf("a %s created with the free key %s got %q (%v): a key given in advance is kept", r.Name, r.KeyOf(n+10), r.Key(got), err)
		}
		taken := r.New("alpha", n+101)
		r.SetKey(&taken, r.KeyOf(5))
		_, err := r.Create(ctx, r.first(taken))
		checkCode(t, "a create with a key already allocated", accord.Conflict, err)
		if next, err := r.Create(ctx, r.first(r.New("alpha", n+102))); err != nil || r.Key(next) != r.KeyOf(n+11) {
			t.Errorf("the next %s after an imported key got %q (%v), want %s", r.Name, r.Key(next), err, r.KeyOf(n+11))
		}
	}
	other := mustCreate(t, r, "beta", 1)
	if r.Key(other) != r.KeyOf(1) {
		t.Errorf("the first %s of another project got key %s, want %s: keys count per project", r.Name, r.Key(other), r.KeyOf(1))
	}
	if r.GetByKey != nil {
		got, err := r.GetByKey(ctx, "alpha", r.KeyOf(3))
		if err != nil || r.Key(got) != r.KeyOf(3) {
			t.Errorf("get by key %s: key %q, %v", r.KeyOf(3), r.Key(got), err)
		}
		_, err = r.GetByKey(ctx, "alpha", r.KeyOf(n+1))
		checkCode(t, "get by a key never assigned", accord.NotFound, err)
		_, err = r.GetByKey(ctx, "gamma", r.KeyOf(1))
		checkCode(t, "get by key in a project without records", accord.NotFound, err)
	}
}

// listAll reads every page of size size.
func listAll[T any](t *testing.T, r Records[T], project string, size int) []string {
	t.Helper()
	var ids []string
	q := accord.PageQuery{Size: size}
	for pages := 0; ; pages++ {
		page, err := r.List(ctx, project, q)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if page.Items == nil {
			t.Errorf("a page's items are nil; an empty page has an empty list")
		}
		if len(page.Items) > size {
			t.Errorf("a page of size %d has %d items", size, len(page.Items))
		}
		for _, it := range page.Items {
			ids = append(ids, r.ID(it))
		}
		if page.NextPageToken == "" {
			return ids
		}
		if pages > 1000 {
			t.Fatalf("list never ends")
		}
		q.Token = page.NextPageToken
	}
}

func checkPages[T any](t *testing.T, r Records[T]) {
	var want []string
	for i := range 11 {
		want = append(want, r.ID(mustCreate(t, r, "alpha", i)))
	}
	for _, size := range []int{1, 4, 11, 50} {
		if got := listAll(t, r, "alpha", size); !slices.Equal(got, want) {
			t.Errorf("pages of %d: %v, want creation order %v", size, got, want)
		}
	}
	page, err := r.List(ctx, "alpha", accord.PageQuery{Size: 11})
	if err == nil && page.NextPageToken != "" {
		t.Errorf("a page holding the last record has a next page token")
	}
	page, err = r.List(ctx, "empty", accord.PageQuery{Size: 10})
	if err != nil || len(page.Items) != 0 || page.Items == nil || page.NextPageToken != "" {
		t.Errorf("list of a project without records: %+v, %v; want an empty list", page, err)
	}
	for _, tok := range []string{"not a token", "%%%", "\x00"} {
		_, err = r.List(ctx, "alpha", accord.PageQuery{Size: 5, Token: tok})
		checkCode(t, "list with a token "+tok+" no list handed out", accord.Invalid, err)
	}
}

func checkChurn[T any](t *testing.T, r Records[T]) {
	var all []T
	for i := range 20 {
		all = append(all, mustCreate(t, r, "alpha", i))
	}
	// Records 0-14 stay throughout; 15-19 are deleted while listing (when
	// the store deletes this kind), and new ones are added.
	q := accord.PageQuery{Size: 3}
	seen := map[string]int{}
	var order []string
	added := 100
	for pages := 0; ; pages++ {
		page, err := r.List(ctx, "alpha", q)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, it := range page.Items {
			seen[r.ID(it)]++
			order = append(order, r.ID(it))
		}
		if r.deletes() && 15+pages < 20 {
			if err := r.remove(ctx, "alpha", r.ID(all[15+pages])); err != nil {
				t.Errorf("delete while listing: %v", err)
			}
		}
		mustCreate(t, r, "alpha", added)
		added++
		if page.NextPageToken == "" || pages > 100 {
			break
		}
		q.Token = page.NextPageToken
	}
	for i := range 15 {
		if n := seen[r.ID(all[i])]; n != 1 {
			t.Errorf("%s %d, present throughout, was listed %d times while records were added and removed", r.Name, i, n)
		}
	}
	pos := map[string]int{}
	for i, id := range order {
		pos[id] = i
	}
	for i := 1; i < 15; i++ {
		if pos[r.ID(all[i])] < pos[r.ID(all[i-1])] {
			t.Errorf("%s %d was listed before %s %d: lists are in creation order", r.Name, i, r.Name, i-1)
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s %s listed %d times", r.Name, id, n)
		}
	}
}

func checkIsolation[T any](t *testing.T, r Records[T]) {
	rec := mustCreate(t, r, "alpha", 1)
	id := r.ID(rec)
	_, err := r.Get(ctx, "beta", id)
	checkCode(t, "get from another project", accord.NotFound, err)
	if r.List != nil {
		page, err := r.List(ctx, "beta", accord.PageQuery{Size: 10})
		if err != nil || len(page.Items) != 0 {
			t.Errorf("list of another project returned %d records (%v)", len(page.Items), err)
		}
	}
	if r.Update != nil {
		other := r.next(rec, 1) // the same record, addressed in another project
		r.Project(&other.Record, "beta")
		_, err := r.Update(ctx, other)
		checkCode(t, "update addressed to another project", accord.NotFound, err)
		_, err = r.Revisions(ctx, "beta", id)
		checkCode(t, "revisions from another project", accord.NotFound, err)
	}
	if r.deletes() {
		checkCode(t, "delete from another project", accord.NotFound, r.remove(ctx, "beta", id))
	}
	if r.Tombstone != nil {
		other := r.tombstone(rec, "kit", "addressed to another project")
		r.Project(&other.Record, "beta")
		checkCode(t, "a tombstone addressed to another project", accord.NotFound, r.Tombstone(ctx, other))
	}
	if _, err := r.Get(ctx, "alpha", id); err != nil {
		t.Errorf("calls addressed to another project touched the record: %v", err)
	}
}

// SettingsRecords describes a domain's project settings to the kit.
type SettingsRecords[S any] struct {
	New   func(project string, n int) S // settings with content that differs for each n, at revision 0
	Stamp func(s *S) *accord.Stamp
	Get   func(ctx context.Context, project string) (S, error)
	Put   func(ctx context.Context, s S) (S, error)
}

// CheckSettings checks that settings are one revisioned record per
// project, written with compare-and-swap.
func CheckSettings[S any](t *testing.T, open func(t *testing.T) SettingsRecords[S]) {
	r := open(t)
	zero, err := r.Get(ctx, "alpha")
	if err != nil || r.Stamp(&zero).Revision != 0 {
		t.Errorf("settings never set: revision %d, %v; want revision 0", r.Stamp(&zero).Revision, err)
	}
	put := func(n, revision int) (S, error) {
		s := r.New("alpha", n)
		st := r.Stamp(&s)
		st.Revision, st.UpdatedAt, st.UpdatedBy = revision, epoch.Add(time.Duration(n)*time.Minute), "alice"
		return r.Put(ctx, s)
	}
	first, err := put(1, 1)
	if err != nil {
		t.Fatalf("put revision 1: %v", err)
	}
	if got, _ := r.Get(ctx, "alpha"); !cmp.Equal(first, got, same...) {
		t.Errorf("get after put: %s", cmp.Diff(first, got, same...))
	}
	for _, rev := range []int{1, 3} {
		_, err := put(2, rev)
		if checkCode(t, fmt.Sprintf("put revision %d while at 1", rev), accord.Conflict, err) && !errors.Is(err, accord.ErrStale) {
			t.Errorf("a stale settings write does not wrap accord.ErrStale: %v", err)
		}
	}
	if _, err := put(3, 2); err != nil {
		t.Errorf("put revision 2: %v", err)
	}
	if other, _ := r.Get(ctx, "beta"); r.Stamp(&other).Revision != 0 {
		t.Errorf("settings of one project show in another")
	}
	var wg sync.WaitGroup
	wins := make(chan int, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := put(10+w, 3); err == nil {
				wins <- w
			}
		}()
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Errorf("%d of %d concurrent writers of revision 3 succeeded, want exactly 1", n, writers)
	}
}
