package webhook

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/accordhq/accord"
)

// RunRelay runs the relay named name, for the subscription sub, over a
// durable event log until ctx ends: it hands deliver every event after
// the relay's cursor, in order, and moves the cursor past each one
// deliver returns nil for. A relay must keep its place while a delivery
// runs, however long its retries take, and cancel deliver's context if it
// loses it. It should read only what sub wants (its project's events of
// its kinds; Deliver passes over the rest), and may end with an error
// whose code is not_found once sub is deleted. adapters/sqlstore's
// Stores.RunWebhook is one.
type RunRelay func(ctx context.Context, name string, sub Subscription, deliver func(ctx context.Context, e accord.Event) error) error

// RelayName is the name of a subscription's relay: "webhook:<id>". A
// store that keeps relay cursors removes this one with the subscription.
func RelayName(id string) string { return "webhook:" + id }

// Dispatcher serves every active subscription with a relay of its own,
// named "webhook:<id>", so a slow or failing receiver holds up nobody
// else, and each receives its events in order. It reads the
// subscriptions again every Refresh, starting and stopping relays as
// they come, go and change.
type Dispatcher struct {
	Service *Service
	Store   Store
	Run     RunRelay
	Refresh time.Duration // default 5 s
	Logger  *slog.Logger  // optional
}

// Serve runs the relays until ctx ends.
func (d *Dispatcher) Serve(ctx context.Context) error {
	refresh := d.Refresh
	if refresh <= 0 {
		refresh = 5 * time.Second
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	type running struct {
		revision int
		stop     context.CancelFunc
		done     chan struct{} // closed when the relay has ended
	}
	relays := map[string]running{}
	var wg sync.WaitGroup
	defer func() {
		for _, r := range relays {
			r.stop()
		}
		wg.Wait()
	}()
	for {
		subs, err := d.Store.ActiveSubscriptions(ctx)
		if err != nil {
			log.Warn("webhooks: reading the subscriptions", slog.Any("error", err))
		} else {
			seen := map[string]bool{}
			for _, sub := range subs {
				seen[sub.ID] = true
				var previous chan struct{}
				if r, ok := relays[sub.ID]; ok && r.revision == sub.Revision {
					continue
				} else if ok {
					r.stop() // changed: serve the new revision
					previous = r.done
				}
				rctx, stop := context.WithCancel(ctx)
				done := make(chan struct{})
				relays[sub.ID] = running{sub.Revision, stop, done}
				wg.Add(1)
				go func(sub Subscription) {
					defer wg.Done()
					defer close(done)
					if previous != nil {
						<-previous // one relay per subscription at a time, here too
					}
					err := d.Run(rctx, RelayName(sub.ID), sub, func(ctx context.Context, e accord.Event) error {
						return d.Service.Deliver(ctx, sub, e)
					})
					if accord.ErrorCode(err) == accord.NotFound {
						// Unsubscribed: the relay and its cursor went with it.
						log.Debug("webhooks: relay ended with its subscription", slog.String("subscription", sub.ID))
					} else if err != nil && rctx.Err() == nil {
						log.Warn("webhooks: relay stopped", slog.String("subscription", sub.ID), slog.Any("error", err))
					}
				}(sub)
			}
			for id, r := range relays {
				if !seen[id] {
					r.stop()
					delete(relays, id)
				}
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(refresh):
		}
	}
}

// Direct returns an event sink that delivers each event of this process
// to the subscriptions that want it, in the background, as it is
// published: at most once, and not in order across events. It is for
// stores without an outbox (the memory store); with one, use a
// Dispatcher (a delivery in the background must not run inside the
// unit of work that published its event). Events are passed on to next
// (which may be nil) first.
func Direct(s *Service, store Store, next accord.EventSink) accord.EventSink {
	return accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		if next != nil {
			next.Publish(ctx, e)
		}
		subs, err := store.ActiveSubscriptions(ctx)
		if err != nil {
			return
		}
		for _, sub := range subs {
			if sub.Project == e.Project && sub.Wants(e.Kind) {
				go func() { _ = s.Deliver(context.WithoutCancel(ctx), sub, e) }()
			}
		}
	})
}
