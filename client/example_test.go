package client_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// exampleClient starts a test server with a project "shop" and returns a
// client of alice, its admin.
func exampleClient() (*client.Client, func()) {
	srv, err := newServer()
	if err != nil {
		panic(err)
	}
	c, err := client.New(client.Options{BaseURL: srv.URL, Token: aliceToken, HTTPClient: srv.Client()})
	if err != nil {
		panic(err)
	}
	if _, _, err := c.CreateProject(context.Background(), project.NewProject{Key: "shop", Name: "Shop"}); err != nil {
		panic(err)
	}
	return c, srv.Close
}

func Example() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()

	r, rev, err := c.CreateRequirement(ctx, "shop", requirement.ContentInput{Content: requirement.Content{
		Title: "Refund an order", Goal: "Customers get their money back within a day"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Key, r.Title, r.Status, "revision", rev)
	// Output: REQ-1 Refund an order draft revision 1
}

// Updates name the revision they start from (If-Match); an update from a
// revision someone else has changed since is refused, and the caller
// re-reads and retries.
func ExampleClient_UpdateRequirement() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()

	r, rev, _ := c.CreateRequirement(ctx, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund an order"}})
	edit := requirement.ContentInput{Content: r.Content, Note: "a goal"}
	edit.Goal = "Customers get their money back within a day"
	if _, _, err := c.UpdateRequirement(ctx, "shop", r.Key, rev, edit); err != nil {
		fmt.Println(err)
		return
	}

	// A second update from the same, now stale, revision:
	edit.Goal = "Customers get their money back within an hour"
	_, _, err := c.UpdateRequirement(ctx, "shop", r.Key, rev, edit)
	var apiErr *client.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Code, errors.Is(err, accord.ErrStale), accord.ErrorCode(err))
	}
	// Re-read, and apply the edit to what is there now.
	r, rev, _ = c.GetRequirement(ctx, "shop", r.Key)
	edit.Content.Title = r.Title
	r, rev, err = c.UpdateRequirement(ctx, "shop", r.Key, rev, edit)
	fmt.Println(r.Goal, "revision", rev, err)
	// Output:
	// 412 stale_revision true conflict
	// Customers get their money back within an hour revision 3 <nil>
}

// A list method yields every item, reading page after page.
func ExampleClient_ListRequirements() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()

	for _, title := range []string{"Refund an order", "Cancel an order", "Track a parcel"} {
		_, _, _ = c.CreateRequirement(ctx, "shop", requirement.ContentInput{Content: requirement.Content{Title: title}})
	}
	// Pages of two, to show the pages being followed.
	for r, err := range c.ListRequirements(ctx, "shop", &client.ListRequirementsOptions{PageSize: 2, Status: "draft"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.Key, r.Title)
	}
	// Output:
	// REQ-1 Refund an order
	// REQ-2 Cancel an order
	// REQ-3 Track a parcel
}
