package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
)

// Ready needs a database that answers and a schema with every migration.
func TestReady(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ready(ctx); err == nil || !strings.Contains(err.Error(), "run accord migrate") {
		t.Fatalf("unmigrated: %v", err)
	}
	if err := sqlite.Migrate(ctx, s.DB); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("migrated: %v", err)
	}
	s.DB.Close()
	if err := s.Ready(ctx); err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Fatalf("closed: %v", err)
	}
}

// The outbox lag is the age of the oldest event a relay has not
// delivered, and 0 once all are.
func TestOutboxLag(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if lag, err := s.OutboxLag(ctx); err != nil || lag != 0 {
		t.Fatalf("empty outbox: %v %v", lag, err)
	}
	s.Outbox().Publish(ctx, accord.Event{Kind: "requirement.updated", Project: "shop", Time: time.Now().Add(-3 * time.Second)})
	fail := sqlstore.Relay{Name: "webhook:test", Owner: "test", Deliver: func(context.Context, sqlstore.OutboxEvent) error { return errors.New("down") }}
	if _, err := s.RunOnce(ctx, fail); err == nil {
		t.Fatal("a failing delivery passed")
	}
	lag, err := s.OutboxLag(ctx)
	if err != nil || lag < 3*time.Second || lag > time.Minute {
		t.Fatalf("undelivered event 3s old: lag %v, %v", lag, err)
	}
	ok := fail
	ok.Deliver = func(context.Context, sqlstore.OutboxEvent) error { return nil }
	if n, err := s.RunOnce(ctx, ok); n != 1 || err != nil {
		t.Fatalf("delivered %d, %v", n, err)
	}
	if lag, err := s.OutboxLag(ctx); err != nil || lag != 0 {
		t.Fatalf("all delivered: lag %v, %v", lag, err)
	}
}
