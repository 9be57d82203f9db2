package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/postgres"
	"github.com/accordhq/accord/adapters/sqlstore"
)

// An event committed by one instance wakes the relay of another at once:
// its poll is an hour, so only the notification can.
func TestListenWakesOtherInstances(t *testing.T) {
	one, u := openURL(t)
	other, err := postgres.Open(u)
	if err != nil {
		t.Fatal(err)
	}
	defer other.DB.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = postgres.Listen(ctx, other) }()
	got := make(chan string, 1)
	go func() {
		_ = other.Run(ctx, sqlstore.Relay{Name: "listen-test", Poll: time.Hour,
			Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error { got <- e.ID; return nil }})
	}()
	time.Sleep(300 * time.Millisecond) // both are waiting now
	actor := accord.WithActor(ctx, accord.Actor{ID: "alice"})
	if err := one.Atomically(actor, func(ctx context.Context) error {
		one.Outbox().Publish(ctx, accord.Event{ID: "ev-listen", Kind: "requirement.created", Project: "p", Time: time.Now()})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-got:
		if id != "ev-listen" {
			t.Fatalf("delivered %s", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other instance's relay was not woken by the commit")
	}
}
