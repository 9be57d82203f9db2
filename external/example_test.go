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

// A project's admin connects it to Jira: approved requirements become
// Stories, and Jira's statuses move the plan items back. A rule that
// names no action is refused, naming the field.
func ExampleService_UpdateSettings() {
	refs, _ := external.NewService(external.Options{Store: memory.NewExternalStore(),
		PlanStates: []string{"not_started", "in_progress", "done", "blocked"}})
	admin := accord.WithActor(context.Background(), accord.Actor{ID: "ada", Roles: []string{"admin"}})
	jira := external.Connection{System: external.Jira, Project: "SHOP",
		Rules:     []external.Rule{{On: "requirement.transitioned", To: "approved", Action: external.Create, Type: "Story"}},
		StatusMap: []external.StatusMapping{{Status: "In Progress", State: "in_progress"}, {Status: "Done", State: "done"}}}
	st, _ := refs.UpdateSettings(admin, "shop", 0, external.Settings{Trackers: []external.Connection{jira}})
	fmt.Println(st.Revision, st.Trackers[0].System, st.Trackers[0].Project)
	state, _ := st.Trackers[0].StateOf("done")
	fmt.Println(state)

	jira.Rules[0].Action = ""
	_, err := refs.UpdateSettings(admin, "shop", st.Revision, external.Settings{Trackers: []external.Connection{jira}})
	fmt.Println(err.(*accord.Error).Fields[0].Field)
	// Output:
	// 1 jira SHOP
	// done
	// trackers[0].rules[0].action
}

// A connector records a failed delivery; the event waits for a re-run
// until a later delivery of it succeeds.
func ExampleService_SyncFailed() {
	refs, _ := external.NewService(external.Options{Store: memory.NewExternalStore()})
	connector := accord.WithActor(context.Background(), accord.Actor{ID: "tracker:jira"})
	ev := accord.Event{ID: "01JEV", Kind: "requirement.transitioned", Project: "shop", Key: "REQ-3", Title: "Refund by invoice"}
	st, _ := refs.SyncFailed(connector, "shop", external.Jira, external.FailedEvent{Event: ev, Record: "REQ-3 Refund by invoice",
		Error: "jira create: temporary (HTTP 503)"}, true)
	fmt.Println(len(st.Failed), st.LastErrorRecord+":", st.LastError)
	st, _ = refs.SyncSucceeded(connector, "shop", external.Jira, ev.ID)
	fmt.Println(len(st.Failed), st.LastError == "", st.Revision)
	// Output:
	// 1 REQ-3 Refund by invoice: jira create: temporary (HTTP 503)
	// 0 true 2
}
