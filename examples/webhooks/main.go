// Command webhooks embeds accord's durable events: changes and their
// events commit together into the outbox of an SQLite database, and a
// relay per webhook delivers them, signed, to a receiver that checks the
// signature. Its test runs it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/webhook"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer) error {
	dir, err := os.MkdirTemp("", "accord-webhooks")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	stores, err := sqlite.Open(filepath.Join(dir, "accord.db"))
	if err != nil {
		return err
	}
	defer stores.Close()
	ctx := context.Background()
	if err := sqlite.Migrate(ctx, stores.DB); err != nil {
		return err
	}

	// The services publish into the outbox.
	reqs, err := requirement.NewService(requirement.Options{Store: stores.Requirements, Events: stores.Outbox()})
	if err != nil {
		return err
	}
	// Deliveries go to public addresses only; this receiver runs on this
	// machine, so the allow-list names it.
	hooks, err := webhook.NewService(webhook.Options{Store: stores.Webhooks, Allow: []string{"127.0.0.1/32"}})
	if err != nil {
		return err
	}

	// A receiver, as your chat bridge or tracker would be: it checks the
	// signature with the secret it was given.
	var secret []byte
	got := make(chan string, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.HeaderSignature), body, 5*time.Minute, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var e accord.Event
		_ = json.Unmarshal(body, &e)
		got <- r.Header.Get(webhook.HeaderEventKind) + ": " + e.Summary
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	admin := accord.WithActor(ctx, accord.Actor{ID: "alice", Roles: []string{webhook.AdminRole}})
	_, s, err := hooks.Subscribe(admin, "shop", webhook.NewSubscription{URL: receiver.URL, Kinds: []string{"requirement.*"}})
	if err != nil {
		return err
	}
	secret = []byte(s)

	// One relay per webhook over the outbox: in order, at least once.
	relays, stop := context.WithCancel(ctx)
	defer stop()
	// Each relay reads only its subscription's project and kinds.
	d := webhook.Dispatcher{Service: hooks, Store: stores.Webhooks, Refresh: 50 * time.Millisecond, Run: stores.RunWebhook}
	go d.Serve(relays)

	// A change and its event commit together, or not at all.
	err = stores.Atomically(admin, func(ctx context.Context) error {
		_, err := reqs.Create(ctx, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund a paid order"}})
		return err
	})
	if err != nil {
		return err
	}
	select {
	case line := <-got:
		fmt.Fprintln(out, "received, signature checked:", line)
	case <-time.After(10 * time.Second):
		return fmt.Errorf("the webhook never arrived")
	}
	return nil
}
