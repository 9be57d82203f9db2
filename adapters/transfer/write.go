package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/requirement"
)

// Layout is how Write lays the document out. The zero Layout is compact
// JSON with <, > and & left as they are, as the reference API writes its
// answers.
type Layout struct {
	// Indent, when not empty, puts each element on a line of its own,
	// indented by Indent once per level: what json.MarshalIndent(d, "",
	// Indent) writes.
	Indent string
	// EscapeHTML writes <, > and & as \u003c, \u003e and \u0026, as
	// json.Marshal does.
	EscapeHTML bool
}

// pageSize is how many records Write holds at a time: a page of a list,
// and the records whose revisions it reads in one query.
const pageSize = accord.MaxPageSize

// Write writes project key's document to w as JSON, followed by a
// newline: byte for byte what a json.Encoder set up as l says writes for
// the Document that Export returns, in the same field and record order.
// Unlike Export it holds a page of records at a time, never the project:
// it reads the big kinds (requirements, change requests, reviews, risks,
// links, references to tracker items) a page of records at a time, with
// those records' revisions (in one query each page on adapters/sqlstore's
// stores, which have …RevisionsOf calls), encodes them and drops them.
// What it holds whole is small by nature: the glossary, contracts, the
// settings. It is for whoever holds the stores, like Export; Exporter's
// WriteTo checks the caller's permission first.
//
// It writes nothing to w before it has found the project: errors then are
// Invalid (a store of a domain with content is missing) and NotFound (no
// such project). An error after that (a store failing, ctx ending)
// leaves what was written a document cut short, without its closing
// brace, so no reader takes it for a whole project; w then holds what w's
// own buffering flushed so far (Write buffers up to 32 KiB itself and
// flushes only as it goes and at the end).
func Write(ctx context.Context, w io.Writer, s adapters.Stores, key string, now time.Time, l Layout) error {
	return write(ctx, w, s, key, now, l, pageSize)
}

// WriteTo writes the project's document to w for the actor in ctx, as
// Write does, once the actor's permission project.export is checked:
// nothing is written before that. Errors: those of Export, before
// anything is written, and those of Write.
func (e Exporter) WriteTo(ctx context.Context, w io.Writer, key string, l Layout) error {
	if _, err := (svc.Guard{Authz: e.Authorizer}).Begin(ctx, key, accord.PermProjectExport); err != nil {
		return err
	}
	return Write(ctx, w, e.Stores, key, e.now(), l)
}

// write is Write holding size records at a time.
func write(ctx context.Context, w io.Writer, s adapters.Stores, key string, now time.Time, l Layout, size int) error {
	if err := needed(s); err != nil {
		return err
	}
	if _, err := s.Projects.GetProject(ctx, key); err != nil {
		return err
	}
	projectRevisions, err := s.Projects.ListProjectRevisions(ctx, key)
	if err != nil {
		return err
	}
	e := newEncoder(w, l)
	k := kindsOf(s, key)
	reqs := k.requirements
	steps := []struct {
		field string
		write func() error
	}{
		{"format", func() error { return e.value(1, Format) }},
		{"exported", func() error { return e.value(1, now) }},
		{"project", func() error { return e.value(1, projectRevisions) }},
		{"requirements", func() error { return stream(ctx, e, reqs, merged(ctx, reqs, size), size) }},
		{"change_requests", func() error {
			return stream(ctx, e, k.changeRequests, changeRequestsOfPages(ctx, s.Requirements, key, size), size)
		}},
		{"glossary", func() error {
			terms, err := s.Requirements.ListTerms(ctx, key)
			if err != nil {
				return err
			}
			k.terms.live = func(context.Context, accord.PageQuery) (accord.Page[requirement.Term], error) {
				return accord.Page[requirement.Term]{Items: terms}, nil
			}
			return stream(ctx, e, k.terms, merged(ctx, k.terms, size), size)
		}},
		{"contracts", func() error { return writeContracts(ctx, e, s.Contracts, key, size) }},
		{"test_runs", func() error {
			a := e.array(1, "null") // svc.All: nil when there are none
			next := (&cursor[contract.TestRun]{size: size, list: func(ctx context.Context, q accord.PageQuery) (accord.Page[contract.TestRun], error) {
				return s.Contracts.ListTestRuns(ctx, key, contract.TestRunFilter{}, q)
			}}).next
			for {
				r, ok, err := next(ctx)
				if err != nil || !ok {
					a.end()
					return err
				}
				if err := a.item(r); err != nil {
					return err
				}
			}
		}},
		{"reviews", func() error { return stream(ctx, e, k.reviews, merged(ctx, k.reviews, size), size) }},
		{"risks", func() error { return stream(ctx, e, k.risks, merged(ctx, k.risks, size), size) }},
		{"retros", func() error { return stream(ctx, e, k.retros, merged(ctx, k.retros, size), size) }},
		{"iterations", func() error { return stream(ctx, e, k.iterations, merged(ctx, k.iterations, size), size) }},
		{"milestones", func() error { return stream(ctx, e, k.milestones, merged(ctx, k.milestones, size), size) }},
		{"questions", func() error { return stream(ctx, e, k.questions, merged(ctx, k.questions, size), size) }},
		{"links", func() error { return stream(ctx, e, k.links, merged(ctx, k.links, size), size) }},
		{"external_references", nil}, // below: left out when there are none, as Document's omitempty does
		{"settings", func() error {
			st, err := settings(ctx, s, key)
			if err != nil {
				return err
			}
			return e.value(1, st)
		}},
	}
	e.raw("{")
	for i, st := range steps {
		what := st.field
		if st.field == "external_references" {
			if s.External == nil {
				continue
			}
			next, ok, err := nonEmpty(ctx, merged(ctx, k.external, size))
			if err != nil {
				return fmt.Errorf("exporting project %s: reading %s: %w", key, what, err)
			}
			if !ok {
				continue // omitempty: a document without them reads as before
			}
			st.write = func() error { return stream(ctx, e, k.external, next, size) }
		}
		e.field(i, st.field)
		if err := st.write(); err != nil {
			return fmt.Errorf("exporting project %s: writing %s: %w", key, what, err)
		}
		if e.err != nil {
			return fmt.Errorf("exporting project %s: %w", key, e.err)
		}
	}
	e.newline(0)
	e.raw("}\n")
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err != nil {
		return fmt.Errorf("exporting project %s: %w", key, e.err)
	}
	return nil
}

// next yields records one by one: ok false at the end.
type next[T any] func(ctx context.Context) (rec T, ok bool, err error)

// cursor reads a paged list a page at a time.
type cursor[T any] struct {
	list  lister[T] // nil: an empty list
	size  int
	items []T
	token string
	done  bool
}

// peek returns the next record, reading the next page when the one held
// is used up; ok false at the end of the list.
func (c *cursor[T]) peek(ctx context.Context) (T, bool, error) {
	var zero T
	for len(c.items) == 0 {
		if c.done || c.list == nil {
			return zero, false, nil
		}
		page, err := c.list(ctx, accord.PageQuery{Size: c.size, Token: c.token})
		if err != nil {
			return zero, false, err
		}
		c.items, c.token, c.done = page.Items, page.NextPageToken, page.NextPageToken == ""
	}
	return c.items[0], true, nil
}

// pop drops the record peek returned.
func (c *cursor[T]) pop() {
	var zero T
	c.items[0] = zero // the page's array is held until the next page: drop what is done with
	c.items = c.items[1:]
}

// next is peek and pop.
func (c *cursor[T]) next(ctx context.Context) (T, bool, error) {
	r, ok, err := c.peek(ctx)
	if ok {
		c.pop()
	}
	return r, ok, err
}

// merged yields a kind's live and deleted records in the order
// withDeleted gives the whole lists, reading each list a page at a time:
// by key number, the live record first of two with the same (a stable
// sort of live then deleted), when the kind has keys; else deleted
// first. Both lists come in creation order, and a store allocates key
// numbers in creation order (keeping a key given in advance only above
// the project's last), so merging them is sorting them.
func merged[T any](_ context.Context, k kind[T], size int) next[T] {
	live := &cursor[T]{list: k.live, size: size}
	gone := &cursor[T]{list: k.deleted, size: size}
	number := func(r T) int {
		n, _ := k.seq(r)
		return n
	}
	return func(ctx context.Context) (T, bool, error) {
		g, gok, err := gone.peek(ctx)
		if err != nil {
			return g, false, err
		}
		if gok && k.seq == nil {
			gone.pop()
			return g, true, nil
		}
		l, lok, err := live.peek(ctx)
		if err != nil {
			return l, false, err
		}
		switch {
		case lok && (!gok || number(l) <= number(g)):
			live.pop()
			return l, true, nil
		case gok:
			gone.pop()
			return g, true, nil
		}
		return l, false, nil
	}
}

// nonEmpty reports whether n yields any record, and returns what yields
// n's records from the first.
func nonEmpty[T any](ctx context.Context, n next[T]) (next[T], bool, error) {
	first, ok, err := n(ctx)
	if err != nil || !ok {
		return n, false, err
	}
	given := false
	return func(ctx context.Context) (T, bool, error) {
		if !given {
			given = true
			return first, true, nil
		}
		return n(ctx)
	}, true, nil
}

// stream writes the records n yields as an array of their revisions:
// size records at a time, their revisions read together (kind.of),
// encoded and dropped.
func stream[T any](ctx context.Context, e *encoder, k kind[T], n next[T], size int) error {
	a := e.array(1, "[]")
	batch := make([]T, 0, size)
	flush := func() error {
		revs, err := k.of(ctx, batch)
		if err != nil {
			return err
		}
		clear(batch)
		batch = batch[:0]
		for _, r := range revs {
			if err := a.item(r); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		r, ok, err := n(ctx)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if batch = append(batch, r); len(batch) == size {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	a.end()
	return e.err
}

// changeRequestsOfPages yields the change requests of the live
// requirements, requirement by requirement as Export's changeRequests
// does, reading size requirements at a time: their IDs alone when the
// store lists them (adapters/sqlstore's RequirementIDs), else the
// requirements.
func changeRequestsOfPages(_ context.Context, s requirement.Store, key string, size int) next[requirement.ChangeRequest] {
	list := func(ctx context.Context, q accord.PageQuery) (accord.Page[string], error) {
		reqs, err := s.ListRequirements(ctx, key, requirement.Filter{}, q)
		page := accord.Page[string]{Items: make([]string, len(reqs.Items)), NextPageToken: reqs.NextPageToken}
		for i, r := range reqs.Items {
			page.Items[i] = r.ID
		}
		return page, err
	}
	if b, ok := s.(interface {
		RequirementIDs(context.Context, string, accord.PageQuery) (accord.Page[string], error)
	}); ok {
		list = func(ctx context.Context, q accord.PageQuery) (accord.Page[string], error) {
			return b.RequirementIDs(ctx, key, q)
		}
	}
	ids := &cursor[string]{list: list, size: size}
	var queue []requirement.ChangeRequest
	return func(ctx context.Context) (requirement.ChangeRequest, bool, error) {
		for len(queue) == 0 {
			var page []string
			for len(page) < size {
				id, ok, err := ids.next(ctx)
				if err != nil {
					return requirement.ChangeRequest{}, false, err
				}
				if !ok {
					break
				}
				page = append(page, id)
			}
			if len(page) == 0 {
				return requirement.ChangeRequest{}, false, nil
			}
			var err error
			if queue, err = changeRequests(ctx, s, key, page); err != nil {
				return requirement.ChangeRequest{}, false, err
			}
		}
		c := queue[0]
		queue = queue[1:]
		return c, true, nil
	}
}

// writeContracts writes the contracts as Export has them: deleted first,
// each with its versions' revisions. A project's contracts are few (one
// per service), and are read whole.
func writeContracts(ctx context.Context, e *encoder, s contract.Store, key string, size int) error {
	a := e.array(1, "null") // Export appends to a nil list
	for _, list := range []lister[contract.Contract]{
		func(ctx context.Context, q accord.PageQuery) (accord.Page[contract.Contract], error) {
			return s.ListDeletedContracts(ctx, key, q)
		},
		func(ctx context.Context, q accord.PageQuery) (accord.Page[contract.Contract], error) {
			return s.ListContracts(ctx, key, contract.Filter{}, q)
		},
	} {
		contracts, err := all(ctx, list)
		if err != nil {
			return err
		}
		for _, c := range contracts {
			h, err := contractHistory(ctx, s, key, c)
			if err != nil {
				return err
			}
			if err := a.item(h); err != nil {
				return err
			}
		}
	}
	a.end()
	return e.err
}

// encoder writes JSON as json.Encoder does, a piece at a time.
type encoder struct {
	w      *bufio.Writer
	layout Layout
	enc    *json.Encoder // onto buf
	buf    bytes.Buffer  // one value's JSON
	ind    bytes.Buffer  // …indented
	err    error         // the first error writing to w
}

func newEncoder(w io.Writer, l Layout) *encoder {
	e := &encoder{w: bufio.NewWriterSize(w, 32<<10), layout: l}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(l.EscapeHTML)
	return e
}

// raw writes s as it is.
func (e *encoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// newline starts a line indented depth levels (nothing when compact).
func (e *encoder) newline(depth int) {
	if e.layout.Indent == "" {
		return
	}
	e.raw("\n")
	for range depth {
		e.raw(e.layout.Indent)
	}
}

// field starts the document's field name, the i-th written.
func (e *encoder) field(i int, name string) {
	if i > 0 {
		e.raw(",")
	}
	e.newline(1)
	e.raw(`"` + name + `":`)
	if e.layout.Indent != "" {
		e.raw(" ")
	}
}

// value writes v's JSON as an element depth levels deep.
func (e *encoder) value(depth int, v any) error {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return err
	}
	b := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
	if e.layout.Indent != "" {
		e.ind.Reset()
		if err := json.Indent(&e.ind, b, strings.Repeat(e.layout.Indent, depth), e.layout.Indent); err != nil {
			return err
		}
		b = e.ind.Bytes()
	}
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
	return e.err
}

// array starts an array depth levels deep, written as empty when it ends
// with no item.
func (e *encoder) array(depth int, empty string) *array {
	return &array{e: e, depth: depth, empty: empty}
}

// array is an array being written.
type array struct {
	e     *encoder
	depth int
	n     int
	empty string // "[]" or "null"
}

// item writes the next element.
func (a *array) item(v any) error {
	if a.n == 0 {
		a.e.raw("[")
	} else {
		a.e.raw(",")
	}
	a.n++
	a.e.newline(a.depth + 1)
	return a.e.value(a.depth+1, v)
}

// end closes the array.
func (a *array) end() {
	if a.n == 0 {
		a.e.raw(a.empty)
		return
	}
	a.e.newline(a.depth)
	a.e.raw("]")
}
