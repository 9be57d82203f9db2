package sqlstore

import (
	"context"
	"sync"
)

// maxCached bounds the records a readCache holds; when full it starts
// again empty.
const maxCached = 10000

// readCache keeps records read by key, decoded, so that reading an
// unchanged record again costs neither the query nor the decoding. It is
// exact, not eventually right:
//   - every write transaction through these stores empties it, at the start
//     and at the end, and nothing is kept from a read that overlapped one;
//   - before every cached read, changed asks the database whether anyone
//     else (another process, another instance) committed since the last
//     time, and if so the cache is emptied too.
//
// sqlite.Open turns it on: PRAGMA data_version answers changed in a few
// microseconds. The PostgreSQL stores leave it off, since several
// instances write one database and nothing that cheap tells them of each
// other's commits.
type readCache struct {
	mu      sync.RWMutex
	entries map[cacheKey]any // a private copy of a record
	gen     uint64           // moves on every write and every external change
	writing int              // write transactions in flight

	changed func(ctx context.Context) (bool, error)

	// Asking changed is shared: a caller waits for an answer to a question
	// asked after it arrived, and one question answers every caller that
	// arrived before it was asked.
	ask       sync.Mutex
	answered  *sync.Cond
	asking    bool
	asked     uint64 // questions asked
	answers   uint64 // questions answered
	answerErr error  // the last answer's error
}

type cacheKey struct {
	kind, project, column, value string
}

func newReadCache(changed func(ctx context.Context) (bool, error)) *readCache {
	c := &readCache{entries: map[cacheKey]any{}, changed: changed}
	c.answered = sync.NewCond(&c.ask)
	return c
}

// sync returns once changed has been asked after the call began, and the
// cache emptied if the answer was yes.
func (c *readCache) sync(ctx context.Context) error {
	c.ask.Lock()
	defer c.ask.Unlock()
	want := c.asked + 1 // a question under way began before this call
	for c.answers < want {
		if c.asking {
			c.answered.Wait()
			continue
		}
		c.asking = true
		c.asked++
		n := c.asked
		c.ask.Unlock()
		changed, err := c.changed(ctx)
		if err == nil && changed {
			c.mu.Lock()
			c.forget()
			c.mu.Unlock()
		}
		c.ask.Lock()
		c.asking, c.answers, c.answerErr = false, n, err
		c.answered.Broadcast()
	}
	return c.answerErr
}

// forget empties the cache; the caller holds mu.
func (c *readCache) forget() {
	c.gen++
	if len(c.entries) > 0 {
		c.entries = map[cacheKey]any{}
	}
}

func (c *readCache) beginWrite() {
	c.mu.Lock()
	c.writing++
	c.forget()
	c.mu.Unlock()
}

func (c *readCache) endWrite() {
	c.mu.Lock()
	c.writing--
	c.forget()
	c.mu.Unlock()
}

// cached reads a record through the cache: load reads it from the
// database; clone makes the copies kept and handed out.
func cached[T any](ctx context.Context, c *readCache, clone func(T) T, key cacheKey, load func() (T, error)) (T, error) {
	if c == nil || c.changed == nil || clone == nil || unitOf(ctx) != nil {
		return load() // a unit reads its own writes, which nobody else may cache yet
	}
	if err := c.sync(ctx); err != nil {
		return load()
	}
	c.mu.RLock()
	v, hit := c.entries[key]
	gen, writing := c.gen, c.writing
	c.mu.RUnlock()
	if hit {
		return clone(v.(T)), nil
	}
	rec, err := load()
	if err != nil || writing > 0 {
		return rec, err
	}
	c.mu.Lock()
	if c.gen == gen && c.writing == 0 {
		if len(c.entries) >= maxCached {
			c.entries = map[cacheKey]any{}
		}
		c.entries[key] = clone(rec)
	}
	c.mu.Unlock()
	return rec, nil
}
