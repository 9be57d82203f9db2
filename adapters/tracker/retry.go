package tracker

import (
	"context"
	"time"
)

// RetryOptions configure Retry. The zero value retries 4 times.
type RetryOptions struct {
	// Attempts is the most calls made for one operation (default 4).
	Attempts int
	// Backoff is the first wait after a temporary failure, doubled after
	// each (default 1s). Rate-limit waits are the tracker's, not this.
	Backoff time.Duration
	// MaxWait caps any single wait, including one a tracker asks for
	// (default 5 minutes); a longer wait is returned as the error instead,
	// so an outbox relay can reschedule rather than hold a worker.
	MaxWait time.Duration
	// Sleep waits; nil sleeps on a timer and stops when ctx ends. Tests
	// inject one that records the waits and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Retry wraps c so that rate-limited calls wait as long as the tracker
// asked and temporary failures are retried with backoff. Other errors
// (unauthorized, not found, invalid, conflict) are returned at once.
//
// Upsert is safe to retry because connectors search for the item's marker
// before creating it.
func Retry(c Connector, o RetryOptions) Connector {
	if o.Attempts <= 0 {
		o.Attempts = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 5 * time.Minute
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	return &retrying{c: c, o: o}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type retrying struct {
	c Connector
	o RetryOptions
}

func (r *retrying) do(ctx context.Context, f func() error) error {
	backoff := r.o.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		if err = f(); err == nil || attempt >= r.o.Attempts {
			return err
		}
		var wait time.Duration
		switch KindOf(err) {
		case RateLimited:
			var e *Error
			_ = asError(err, &e)
			wait = e.RetryAfter
			if wait <= 0 {
				wait = backoff
				backoff *= 2
			}
		case Temporary:
			wait = backoff
			backoff *= 2
		default:
			return err
		}
		if wait > r.o.MaxWait {
			return err
		}
		if serr := r.o.Sleep(ctx, wait); serr != nil {
			return err
		}
	}
}

func (r *retrying) System() string { return r.c.System() }

func (r *retrying) Upsert(ctx context.Context, it Item) (ItemRef, error) {
	var ref ItemRef
	err := r.do(ctx, func() (err error) { ref, err = r.c.Upsert(ctx, it); return err })
	return ref, err
}

func (r *retrying) Move(ctx context.Context, key, status string) error {
	return r.do(ctx, func() error { return r.c.Move(ctx, key, status) })
}

func (r *retrying) Comment(ctx context.Context, key, markdown string) error {
	return r.do(ctx, func() error { return r.c.Comment(ctx, key, markdown) })
}

func (r *retrying) Status(ctx context.Context, key string) (ItemStatus, error) {
	var st ItemStatus
	err := r.do(ctx, func() (err error) { st, err = r.c.Status(ctx, key); return err })
	return st, err
}
