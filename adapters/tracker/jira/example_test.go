package jira_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/adapters/tracker/jira"
	"github.com/accordhq/accord/adapters/tracker/jira/jiratest"
)

// Connecting a project to Jira: an approved requirement becomes a Story.
func Example() {
	site := jiratest.New() // a real site: https://your-domain.atlassian.net
	defer site.Close()

	client, err := jira.New(jira.Options{BaseURL: site.URL, Email: "pm@example.com", APIToken: "api-token-123", HTTPClient: site.Client()})
	if err != nil {
		panic(err)
	}
	refs := &tracker.MemoryReferences{} // later: the external-references store
	engine, err := tracker.NewEngine(tracker.Options{
		Connectors: []tracker.Connector{tracker.Retry(client, tracker.RetryOptions{})},
		Configs: func(context.Context, string) ([]tracker.Config, error) {
			return []tracker.Config{{System: jira.System, Project: "SHOP", Rules: []tracker.Rule{
				{On: "requirement.transitioned", To: "approved", Action: tracker.Create, Type: "Story"},
				{On: "requirement.transitioned", To: "accepted", Action: tracker.Move, Status: "Done"},
			}}}, nil
		},
		References: refs,
	})
	if err != nil {
		panic(err)
	}
	rec := tracker.Record{Ref: accord.Ref{Kind: "requirement", ID: "01JREQ7"}, Key: "REQ-7", Title: "Refunds to the original card",
		Status: "approved", URL: "https://accord.example.com/projects/shop/requirements/REQ-7"}
	out, err := engine.Handle(context.Background(), accord.Event{Kind: "requirement.transitioned", Project: "shop"}, rec)
	if err != nil {
		panic(err)
	}
	is, _ := site.Issue(out[0].Key)
	fmt.Println(out[0].Action, out[0].Key, is.Type, is.Status, is.Labels)
	// Output: create SHOP-1 Story To Do [accord-01JREQ7]
}
