package external_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/external"
)

// A requirement is tracked as a Jira issue; a sync records what it read.
func ExampleService_Add() {
	refs, _ := external.NewService(external.Options{Store: memory.NewExternalStore()})
	alice := accord.WithActor(context.Background(), accord.Actor{ID: "alice", Roles: []string{"product"}})

	r, _ := refs.Add(alice, "shop", external.NewReference{
		Record: accord.Ref{Kind: "requirement", ID: "REQ-3"}, System: external.Jira, Key: "SHOP-123",
		Content: external.Content{URL: "https://shop.atlassian.net/browse/SHOP-123", Status: "To Do"}})
	c := r.Content
	c.Status = "In Progress"
	r, _ = refs.Update(alice, "shop", r.ID, r.Revision, c, "read from Jira")

	found, _ := refs.Find(alice, "shop", external.Jira, "SHOP-123")
	fmt.Println(found.Record, found.Name(), found.Status, found.Revision)
	_, err := refs.Add(alice, "shop", external.NewReference{Record: accord.Ref{Kind: "requirement", ID: "REQ-4"}, System: external.Jira, Key: "SHOP-123"})
	fmt.Println(accord.ErrorCode(err))
	// Output:
	// requirement/REQ-3 jira SHOP-123 In Progress 2
	// conflict
}
