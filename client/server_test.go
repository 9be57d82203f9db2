package client_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/watch"
	"github.com/accordhq/accord/webhook"
)

// The actors of the test server, by token: alice creates the projects
// (so she is their admin); bob is added as a backend engineer.
const (
	aliceToken = "alice-token"
	bobToken   = "bob-token"
)

// newServer starts the whole reference API over memory stores, wired as
// accord serve wires it, and returns its URL. It panics rather than
// failing a test so that the examples can use it too.
func newServer() (*httptest.Server, error) {
	stores := memory.New()
	projects, err := project.NewService(project.Options{Store: stores.Projects})
	if err != nil {
		return nil, err
	}
	hooks, err := webhook.NewService(webhook.Options{Store: stores.Webhooks, Authorizer: projects, Allow: []string{"127.0.0.1/32"}})
	if err != nil {
		return nil, err
	}
	services, err := link.New(link.Options{Stores: stores, Authorizer: projects,
		Events: webhook.Direct(hooks, stores.Webhooks, stores.Watches.(*memory.WatchStore))})
	if err != nil {
		return nil, err
	}
	reports, err := report.New(report.Options{Services: services, Stores: stores})
	if err != nil {
		return nil, err
	}
	watches, err := watch.NewService(watch.Options{Store: stores.Watches, Records: services.Records, Authorizer: projects})
	if err != nil {
		return nil, err
	}
	refs, err := external.NewService(external.Options{Store: stores.External, Records: services.Records, Authorizer: projects})
	if err != nil {
		return nil, err
	}
	h, err := httpapi.New(httpapi.Options{Services: services, Impacts: reports.Impacts,
		Names: services.Records, Reports: reports, Webhooks: hooks, Watches: watches, External: refs, Promoter: services, Projects: projects,
		Exports: &transfer.Exporter{Stores: stores, Authorizer: projects},
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{
			aliceToken: {ID: "alice", Name: "Alice"},
			bobToken:   {ID: "bob", Name: "Bob"},
		}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, err
	}
	return httptest.NewServer(h), nil
}

// testServer starts a server for t and returns clients for alice and bob.
func testServer(t *testing.T) (alice, bob *client.Client) {
	t.Helper()
	srv, err := newServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	alice, err = client.New(client.Options{BaseURL: srv.URL, Token: aliceToken, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	bob, err = client.New(client.Options{BaseURL: srv.URL, Token: bobToken, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return alice, bob
}

var ctx = context.Background()
