package memory

import (
	"slices"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/pagetoken"
	"github.com/accordhq/accord/internal/svc"
)

// table keeps one kind of record of every project, with every revision of
// each: the mechanics every store shares (sequence numbers, keys, unique
// names, compare-and-swap, creation-order pages, copying). It holds no lock
// of its own: each store guards all its tables with one mutex, so that a
// change touching two tables (a contract and its first version) is atomic.
type table[T any] struct {
	what  string                        // "requirement", for messages
	clone func(T) T                     // a deep copy
	ident func(*T) (project, id string) // where the record lives
	stamp func(*T) *accord.Stamp        // its bookkeeping
	key   func(*T) *string              // optional: the human key field, set from…
	keyOf func(seq int) string          // …the project's sequence number
	name  func(*T) string               // optional: a second name unique in the project (a service, a term)
	taken func(have *T) error           // with name: the Conflict when have already holds the name

	projects map[string]*tableProject[T]
}

type tableProject[T any] struct {
	seq   int
	rows  map[string]*row[T]
	order []*row[T]          // creation order, by seq
	keys  map[string]*row[T] // human key → row
	names map[string]*row[T] // unique name → row
}

type row[T any] struct {
	seq  int
	revs []accord.Revision[T] // oldest first; the last is current
}

func (r *row[T]) current() *T { return &r.revs[len(r.revs)-1].Record }

// copy is clone, with the stamp's deletion copied too: no caller shares
// the stored one.
func (t *table[T]) copy(v T) T {
	v = t.clone(v)
	if st := t.stamp(&v); st.Deleted != nil {
		d := *st.Deleted
		st.Deleted = &d
	}
	return v
}

// gone reports whether rec is deleted: its tombstone is its current
// revision, and only its history answers for it.
func (t *table[T]) gone(rec *T) bool { return t.stamp(rec).Deleted != nil }

// nameOf is the record's unique name; a deleted record holds none, so the
// name may be used again (and restoring it then conflicts).
func (t *table[T]) nameOf(rec *T) string {
	if t.name == nil || t.gone(rec) {
		return ""
	}
	return t.name(rec)
}

func (t *table[T]) project(name string, create bool) *tableProject[T] {
	if t.projects == nil {
		t.projects = map[string]*tableProject[T]{}
	}
	p := t.projects[name]
	if p == nil && create {
		p = &tableProject[T]{rows: map[string]*row[T]{}, keys: map[string]*row[T]{}, names: map[string]*row[T]{}}
		t.projects[name] = p
	}
	return p
}

func (t *table[T]) notFound(project, id string) error {
	return accord.Errorf(accord.NotFound, "%s %q not found in project %q", t.what, id, project)
}

func (t *table[T]) row(project, id string) (*row[T], error) {
	if p := t.project(project, false); p != nil {
		if r := p.rows[id]; r != nil {
			return r, nil
		}
	}
	return nil, t.notFound(project, id)
}

// live is row for a record that is not deleted.
func (t *table[T]) live(project, id string) (*row[T], error) {
	r, err := t.row(project, id)
	if err == nil && t.gone(r.current()) {
		return nil, t.notFound(project, id)
	}
	return r, err
}

func (t *table[T]) copyRevision(v accord.Revision[T]) accord.Revision[T] {
	v.Record = t.copy(v.Record)
	return v
}

// create stores a record from its first revision, allocating the next
// sequence number of the project (and the key made from it).
func (t *table[T]) create(first accord.Revision[T]) (T, error) {
	var zero T
	rec := t.copy(first.Record)
	project, id := t.ident(&rec)
	if project == "" || id == "" || first.Number != 1 || t.stamp(&rec).Revision != 1 {
		return zero, accord.Errorf(accord.Invalid, "a new %s needs a project, an ID and revision 1", t.what)
	}
	p := t.project(project, true)
	if _, exists := p.rows[id]; exists {
		return zero, accord.Errorf(accord.Conflict, "%s %q already exists", t.what, id)
	}
	var name string
	if t.name != nil {
		if name = t.nameOf(&rec); name != "" && p.names[name] != nil {
			return zero, t.taken(p.names[name].current())
		}
	}
	if t.key != nil {
		// A key given in advance (an import) is kept when it is free.
		if n, ok := svc.PresetKey(t.keyOf, *t.key(&rec)); ok {
			if n <= p.seq {
				return zero, accord.Errorf(accord.Conflict, "%s key %s is taken: the project's keys are past %d", t.what, *t.key(&rec), p.seq)
			}
			p.seq = n - 1
		}
	}
	p.seq++
	r := &row[T]{seq: p.seq}
	if t.key != nil {
		k := t.keyOf(p.seq)
		*t.key(&rec) = k
		p.keys[k] = r
	}
	first.Record = rec
	r.revs = []accord.Revision[T]{first}
	p.rows[id] = r
	p.order = append(p.order, r)
	if name != "" {
		p.names[name] = r
	}
	return t.copy(rec), nil
}

func (t *table[T]) get(project, id string) (T, error) {
	r, err := t.live(project, id)
	if err != nil {
		var zero T
		return zero, err
	}
	return t.copy(*r.current()), nil
}

func (t *table[T]) getByKey(project, key string) (T, error) {
	if p := t.project(project, false); p != nil {
		if r := p.keys[key]; r != nil && !t.gone(r.current()) {
			return t.copy(*r.current()), nil
		}
	}
	var zero T
	return zero, t.notFound(project, key)
}

// update stores next as the record's next revision (compare-and-swap).
// Identity and creation never change, whatever the caller sent. A deleted
// record takes only a restoring revision.
func (t *table[T]) update(next accord.Revision[T]) (T, error) {
	var zero T
	rec := t.copy(next.Record)
	project, id := t.ident(&rec)
	if next.Number != t.stamp(&rec).Revision {
		return zero, accord.Errorf(accord.Invalid, "revision number %d differs from the %s's revision %d", next.Number, t.what, t.stamp(&rec).Revision)
	}
	r, err := t.row(project, id)
	if err != nil {
		return zero, err
	}
	cur := r.current()
	if t.gone(cur) && next.Kind != accord.RevisionRestored {
		return zero, t.notFound(project, id)
	}
	if st := t.stamp(cur); next.Number != st.Revision+1 {
		return zero, accord.StaleError(t.what+" "+t.display(cur, id), next.Number-1, st.Revision)
	}
	p := t.projects[project]
	if t.key != nil {
		*t.key(&rec) = *t.key(cur)
	}
	if t.name != nil {
		oldName, name := t.nameOf(cur), t.nameOf(&rec)
		if other := p.names[name]; name != "" && other != nil && other != r {
			return zero, t.taken(other.current())
		}
		if oldName != "" {
			delete(p.names, oldName)
		}
		if name != "" {
			p.names[name] = r
		}
	}
	st, was := t.stamp(&rec), t.stamp(cur)
	st.CreatedAt, st.CreatedBy = was.CreatedAt, was.CreatedBy
	next.Record = rec
	r.revs = append(r.revs, next)
	return t.copy(rec), nil
}

// display names a record in messages: its key if it has one.
func (t *table[T]) display(rec *T, id string) string {
	if t.key != nil {
		return *t.key(rec)
	}
	return id
}

// tombstone stores next, a revision of kind accord.RevisionDeleted whose
// stamp carries the deletion, as the record's last: the record is hidden
// from then on, its key never used again, its history kept.
func (t *table[T]) tombstone(next accord.Revision[T]) error {
	if next.Kind != accord.RevisionDeleted || !t.gone(&next.Record) {
		return accord.Errorf(accord.Invalid, "a %s's tombstone is a revision of kind %s whose stamp says who deleted it", t.what, accord.RevisionDeleted)
	}
	_, err := t.update(next)
	return err
}

func (t *table[T]) delete(project, id string) error {
	r, err := t.row(project, id)
	if err != nil {
		return err
	}
	t.drop(project, id, r)
	return nil
}

func (t *table[T]) drop(project, id string, r *row[T]) {
	p := t.projects[project]
	delete(p.rows, id)
	if i, ok := slices.BinarySearchFunc(p.order, r.seq, func(x *row[T], seq int) int { return x.seq - seq }); ok {
		p.order = slices.Delete(p.order, i, i+1)
	}
	if t.key != nil {
		delete(p.keys, *t.key(r.current()))
	}
	if t.name != nil && p.names[t.nameOf(r.current())] == r {
		delete(p.names, t.nameOf(r.current()))
	}
}

// deleteWhere drops every record of the project that match selects: the
// children of a deleted parent.
func (t *table[T]) deleteWhere(project string, match func(*T) bool) {
	p := t.project(project, false)
	if p == nil {
		return
	}
	for id, r := range p.rows {
		if match(r.current()) {
			t.drop(project, id, r)
		}
	}
}

// all returns every record of the project that match selects (nil: all),
// in creation order.
func (t *table[T]) all(project string, match func(*T) bool) []T {
	out := []T{}
	if p := t.project(project, false); p != nil {
		for _, r := range p.order {
			if !t.gone(r.current()) && (match == nil || match(r.current())) {
				out = append(out, t.copy(*r.current()))
			}
		}
	}
	return out
}

// list returns one page of the records that match selects, in creation
// order. The token names the sequence number of the last record listed, so
// resuming stays correct while records are added or removed.
func (t *table[T]) list(project string, match func(*T) bool, q accord.PageQuery) (accord.Page[T], error) {
	page := accord.Page[T]{Items: []T{}}
	after, err := decodeToken(q.Token)
	if err != nil {
		return page, err
	}
	p := t.project(project, false)
	if p == nil {
		return page, nil
	}
	return t.page(p.order, after, match, false, q), nil
}

// listDeleted returns one page of the project's deleted records, in
// creation order, each as its tombstone.
func (t *table[T]) listDeleted(project string, q accord.PageQuery) (accord.Page[T], error) {
	after, err := decodeToken(q.Token)
	if err != nil {
		return accord.Page[T]{Items: []T{}}, err
	}
	p := t.project(project, false)
	if p == nil {
		return accord.Page[T]{Items: []T{}}, nil
	}
	return t.page(p.order, after, nil, true, q), nil
}

// listAmong is list over the records with the given IDs only: for stores
// that index a field themselves. IDs not in the table are skipped.
func (t *table[T]) listAmong(project string, ids []string, match func(*T) bool, q accord.PageQuery) (accord.Page[T], error) {
	after, err := decodeToken(q.Token)
	if err != nil {
		return accord.Page[T]{Items: []T{}}, err
	}
	p := t.project(project, false)
	if p == nil {
		return accord.Page[T]{Items: []T{}}, nil
	}
	rows := make([]*row[T], 0, len(ids))
	for _, id := range ids {
		if r := p.rows[id]; r != nil {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b *row[T]) int { return a.seq - b.seq })
	return t.page(rows, after, match, false, q), nil
}

// page returns the records of rows (in seq order) after seq after that
// match, one page of them: the live ones, or with deleted the deleted
// ones only.
func (t *table[T]) page(rows []*row[T], after int, match func(*T) bool, deleted bool, q accord.PageQuery) accord.Page[T] {
	page := accord.Page[T]{Items: []T{}}
	start, _ := slices.BinarySearchFunc(rows, after+1, func(x *row[T], seq int) int { return x.seq - seq })
	last := 0
	for _, r := range rows[start:] {
		if t.gone(r.current()) != deleted || (match != nil && !match(r.current())) {
			continue
		}
		if len(page.Items) == q.Size {
			page.NextPageToken = encodeToken(last) // one more match exists
			break
		}
		page.Items = append(page.Items, t.copy(*r.current()))
		last = r.seq
	}
	return page
}

func (t *table[T]) revision(project, id string, n int) (accord.Revision[T], error) {
	r, err := t.row(project, id)
	if err != nil {
		return accord.Revision[T]{}, err
	}
	if n < 1 || n > len(r.revs) {
		return accord.Revision[T]{}, accord.Errorf(accord.NotFound, "%s %q has no revision %d (it has 1 to %d)", t.what, id, n, len(r.revs))
	}
	return t.copyRevision(r.revs[n-1]), nil
}

func (t *table[T]) revisions(project, id string) ([]accord.Revision[T], error) {
	r, err := t.row(project, id)
	if err != nil {
		return nil, err
	}
	out := make([]accord.Revision[T], len(r.revs))
	for i, v := range r.revs {
		out[i] = t.copyRevision(v)
	}
	return out, nil
}

// settings keeps one revisioned settings record per project.
type settings[S any] struct {
	what      string
	clone     func(S) S
	stamp     func(*S) *accord.Stamp
	zero      func(project string) S
	byProject map[string]S
}

func (s *settings[S]) get(project string) S {
	if v, ok := s.byProject[project]; ok {
		return s.clone(v)
	}
	return s.zero(project)
}

// put stores next when its revision is the stored one plus one.
func (s *settings[S]) put(project string, next S) (S, error) {
	cur := s.get(project)
	if c, n := s.stamp(&cur).Revision, s.stamp(&next).Revision; n != c+1 {
		var zero S
		return zero, accord.StaleError(s.what+" of "+project, n-1, c)
	}
	if s.byProject == nil {
		s.byProject = map[string]S{}
	}
	s.byProject[project] = s.clone(next)
	return s.clone(next), nil
}

// ranked returns one page of the live records that match selects, by
// rank (lowest first), then newest first. Its tokens resume after a
// (rank, seq) pair: 2*seq+rank, with their own prefix.
func (t *table[T]) ranked(project string, match func(*T) bool, rank func(*T) int, q accord.PageQuery) (accord.Page[T], error) {
	page := accord.Page[T]{Items: []T{}}
	n, err := pagetoken.Decode(rankedPrefix, q.Token)
	if err == nil && q.Token != "" && n < 2 {
		err = accord.BadPageToken()
	}
	if err != nil {
		return page, err
	}
	p := t.project(project, false)
	if p == nil {
		return page, nil
	}
	type hit struct {
		rank int
		r    *row[T]
	}
	var hits []hit
	for _, r := range p.order {
		if rec := r.current(); !t.gone(rec) && match(rec) {
			h := hit{rank(rec), r}
			if q.Token == "" || h.rank > n%2 || (h.rank == n%2 && r.seq < n/2) {
				hits = append(hits, h)
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return b.r.seq - a.r.seq
	})
	for i, h := range hits {
		if i == q.Size {
			last := hits[i-1]
			page.NextPageToken = pagetoken.Encode(rankedPrefix, 2*last.r.seq+last.rank)
			break
		}
		page.Items = append(page.Items, t.copy(*h.r.current()))
	}
	return page, nil
}

// rankedPrefix marks the page tokens of ranked searches.
const rankedPrefix = "mq1:"

// tokenPrefix marks this store's page tokens (internal/pagetoken).
const tokenPrefix = "m1:"

func encodeToken(seq int) string { return pagetoken.Encode(tokenPrefix, seq) }

func decodeToken(tok string) (int, error) { return pagetoken.Decode(tokenPrefix, tok) }
