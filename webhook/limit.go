package webhook

import (
	"context"
	"sync"
	"time"

	"github.com/accordhq/accord"
)

// robots paces the messages to each chat robot within its platform's
// documented rate, so that a burst of events waits its turn instead of
// being throttled (DingTalk then refuses a robot's messages for ten
// minutes). A robot is its URL as subscribed: subscriptions that share
// a robot share its rate, across the relays of this process.
type robots struct {
	clock accord.Clock
	sleep func(ctx context.Context, d time.Duration) error
	mu    sync.Mutex
	by    map[string]*robot
}

// robot is one robot's turn (one message in flight at a time) and the
// times its last messages were answered.
type robot struct {
	turn chan struct{}
	sent []time.Time
}

// wait returns once a message to the robot at rawURL keeps within ls,
// holding the robot's turn; done ends the turn, counting the message if
// it reached the robot. A message counts from when its answer came (or
// the attempt ended), which the robot's own count of it cannot follow:
// so no rolling window on the robot's side sees more than its limit.
func (r *robots) wait(ctx context.Context, rawURL string, ls []limit) (done func(reached bool), err error) {
	if len(ls) == 0 {
		return func(bool) {}, nil
	}
	r.mu.Lock()
	b := r.by[rawURL]
	if b == nil {
		b = &robot{turn: make(chan struct{}, 1)}
		r.by[rawURL] = b
	}
	r.mu.Unlock()
	select {
	case b.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for {
		now := r.clock.Now()
		next := now
		keep := 0
		for _, l := range ls {
			if len(b.sent) >= l.n {
				if t := b.sent[len(b.sent)-l.n].Add(l.window); t.After(next) {
					next = t
				}
			}
			keep = max(keep, l.n)
		}
		if len(b.sent) > keep {
			b.sent = append(b.sent[:0], b.sent[len(b.sent)-keep:]...)
		}
		if !next.After(now) {
			break
		}
		if err := r.sleep(ctx, next.Sub(now)); err != nil {
			<-b.turn
			return nil, err
		}
	}
	return func(reached bool) {
		if reached {
			b.sent = append(b.sent, r.clock.Now())
		}
		<-b.turn
	}, nil
}
