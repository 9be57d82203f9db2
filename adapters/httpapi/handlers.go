package httpapi

import (
	"context"
	"net/http"
	"sync"

	"github.com/accordhq/accord"
)

// handler is what an endpoint runs; an error becomes a problem response.
type handler = func(s *server, w http.ResponseWriter, r *http.Request) error

// in is what a handler built by read, create, update, act or remove sees:
// the server and the request.
type in struct {
	*server
	r *http.Request
}

func (c in) ctx() context.Context     { return c.r.Context() }
func (c in) project() string          { return c.r.PathValue("project") }
func (c in) path(name string) string  { return c.r.PathValue(name) }
func (c in) query(name string) string { return c.r.URL.Query().Get(name) }
func (c in) id() string               { return c.r.PathValue("id") }
func (c in) version() string          { return c.r.PathValue("version") }

// writeRecord writes v as JSON with the given status and, when v is a
// record (it embeds accord.Stamp), its revision as the ETag.
func writeRecord[T any](w http.ResponseWriter, status int, v T) {
	if st, ok := any(&v).(accord.Stamped); ok {
		w.Header().Set("ETag", etag(st.StampRef().Revision))
	}
	writeJSON(w, status, v)
}

// readRecord answers 200 with the record fn returns, as read does. A
// record's revision never changes, so the JSON written for a revision at a
// path is kept and written again for every later read of it: a read costs
// the store lookup, not the encoding. Only for records whose JSON is the
// stored revision and nothing computed at read time.
func readRecord[T any](fn func(c in) (T, error)) handler {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		v, err := fn(in{s, r})
		if err != nil {
			return err
		}
		st, ok := any(&v).(accord.Stamped)
		if !ok {
			writeRecord(w, http.StatusOK, v)
			return nil
		}
		key := revisionKey{r.URL.Path, st.StampRef().Revision}
		resp, ok := s.encoded.get(key)
		if !ok {
			body, err := encodeJSON(v)
			if err != nil {
				return err
			}
			resp = encodedRecord{body: body, etag: []string{etag(key.revision)}}
			s.encoded.put(key, resp)
		}
		// The header values are shared, never changed: no copies per read.
		h := w.Header()
		h["Content-Type"], h["Etag"] = jsonContentType, resp.etag
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(resp.body)
		return nil
	}
}

var jsonContentType = []string{"application/json"}

// revisionKey names a record revision's JSON: where it was read, and the
// revision.
type revisionKey struct {
	path     string
	revision int
}

type encodedRecord struct {
	body []byte
	etag []string
}

// byteCache holds encoded responses, at most max of them; when full, an
// arbitrary entry makes room.
type byteCache struct {
	mu  sync.RWMutex
	m   map[revisionKey]encodedRecord
	max int
}

func newByteCache(max int) *byteCache {
	return &byteCache{m: make(map[revisionKey]encodedRecord), max: max}
}

func (c *byteCache) get(key revisionKey) (encodedRecord, bool) {
	c.mu.RLock()
	b, ok := c.m[key]
	c.mu.RUnlock()
	return b, ok
}

func (c *byteCache) put(key revisionKey, b encodedRecord) {
	c.mu.Lock()
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = b
	c.mu.Unlock()
}

// read answers 200 with what fn returns.
func read[T any](fn func(c in) (T, error)) handler {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		v, err := fn(in{s, r})
		if err != nil {
			return err
		}
		writeRecord(w, http.StatusOK, v)
		return nil
	}
}

// listDeleted answers one page of a project's deleted records, each as
// its tombstone (who deleted it, when and why), from a service's
// ListDeleted call.
func listDeleted[T any](fn func(c in, q accord.PageQuery) (accord.Page[T], error)) handler {
	return paged(fn)
}

// paged reads page_size and page_token and answers one page of what fn
// lists.
func paged[T any](fn func(c in, q accord.PageQuery) (accord.Page[T], error)) handler {
	return read(func(c in) (accord.Page[T], error) {
		size, token, err := listQuery(c.r)
		if err != nil {
			return accord.Page[T]{}, err
		}
		return fn(c, accord.PageQuery{Size: size, Token: token})
	})
}

// deletedSummary describes the routes that list deleted records.
func deletedSummary(what string) string {
	return "Deleted " + what + ", each as its tombstone (deleted: who, when, why), in creation order; admins restore within the retention window"
}

// create decodes a B and answers 201 with the record fn makes, and where it
// lives in Location.
func create[B, T any](location func(T) string, fn func(c in, body B) (T, error)) handler {
	return withBody(fn, func(w http.ResponseWriter, v T) {
		w.Header().Set("Location", location(v))
		writeRecord(w, http.StatusCreated, v)
	})
}

// update reads the base revision from If-Match (lowest: the lowest a record
// can be at, 0 for settings never written), decodes a B and answers 200
// with the changed record.
func update[B, T any](lowest int, fn func(c in, base int, body B) (T, error)) handler {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		base, err := ifMatchFrom(r, lowest)
		if err != nil {
			return err
		}
		var body B
		if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
			return err
		}
		v, err := fn(in{s, r}, base, body)
		if err != nil {
			return err
		}
		writeRecord(w, http.StatusOK, v)
		return nil
	}
}

// act decodes a B and answers 200 with what fn returns: an action that is
// not a plain update (a verdict, a lint of unsaved content).
func act[B, T any](fn func(c in, body B) (T, error)) handler {
	return withBody(fn, func(w http.ResponseWriter, v T) { writeRecord(w, http.StatusOK, v) })
}

// withBody decodes a B, runs fn and writes its result with write.
func withBody[B, T any](fn func(c in, body B) (T, error), write func(http.ResponseWriter, T)) handler {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		var body B
		if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
			return err
		}
		v, err := fn(in{s, r}, body)
		if err != nil {
			return err
		}
		write(w, v)
		return nil
	}
}

// remove answers 204 once fn has deleted the record.
func remove(fn func(c in) error) handler {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		if err := fn(in{s, r}); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// list wraps a slice for a JSON answer, never null.
func list[T any](v []T, err error) (items[T], error) {
	if v == nil {
		v = []T{}
	}
	return items[T]{Items: v}, err
}

// summaries maps each revision to its summary line.
func summaries[T, S any](revs []accord.Revision[T], err error, line func(accord.Revision[T]) S) (items[S], error) {
	out := make([]S, len(revs))
	for i, v := range revs {
		out[i] = line(v)
	}
	return items[S]{Items: out}, err
}

// changes answers a diff, never null.
func changes(from, to int, cs []accord.FieldChange, err error) (diffResponse, error) {
	if cs == nil {
		cs = []accord.FieldChange{}
	}
	return diffResponse{From: from, To: to, Changes: cs}, err
}

// markdownOf answers 200 with the Markdown fn renders.
func markdownOf(fn func(c in) (string, error)) handler {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		md, err := fn(in{s, r})
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, err = w.Write([]byte(md))
		return err
	}
}
