package tracker_test

import (
	"context"
	"fmt"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/requirement"
)

// A Relay delivers an approval to the tracker a project is connected to.
// The tracker refuses the first try; the failure waits in the project's
// sync state until a re-run delivers it, and the item's reference names
// the requirement by key.
func ExampleRelay() {
	stores := memory.New()
	authz := tracker.Authorize(nil) // the connectors' own contexts write as tracker:<system>
	services, _ := link.New(link.Options{Stores: stores, Authorizer: authz})
	refs, _ := external.NewService(external.Options{Store: stores.External, Authorizer: authz, Records: services.Records, PlanStates: tracker.PlanStates()})
	admin := accord.WithActor(context.Background(), accord.Actor{ID: "ada", Roles: []string{"admin"}})
	_, _ = refs.UpdateSettings(admin, "shop", 0, external.Settings{Trackers: []external.Connection{{System: "mem", Project: "SHOP",
		Rules: []external.Rule{{On: requirement.EventTransitioned, To: "approved", Action: external.Create, Type: "Story"}}}}})
	req, _ := services.Requirements.Create(admin, "shop", requirement.ContentInput{Content: requirement.Content{Title: "Refund by invoice"}})

	conn := &memConnector{fail: []error{&tracker.Error{Kind: tracker.Unauthorized, System: "mem", Op: "create", Message: "token revoked"}}}
	xrefs := tracker.ExternalReferences{Service: refs}
	engine, _ := tracker.NewEngine(tracker.Options{Connectors: []tracker.Connector{conn}, Configs: tracker.SettingsSource(refs), References: xrefs})
	relay := &tracker.Relay{Engine: engine, Configs: tracker.SettingsSource(refs), References: xrefs, SyncStates: refs,
		Read: func(ctx context.Context, ev accord.Event) (tracker.Record, error) {
			r, err := services.Requirements.Get(ctx, ev.Project, ev.Ref.ID)
			return tracker.Record{Ref: r.Ref(), Key: r.Key, Title: r.Title, Status: "approved"}, err
		}}

	_ = relay.Deliver(context.Background(), accord.Event{ID: "ev-1", Time: time.Now(), Kind: requirement.EventTransitioned, Project: "shop", Ref: req.Ref()})
	st, _ := refs.SyncState(admin, "shop", "mem")
	fmt.Println(len(st.Failed), "awaiting a re-run:", st.Failed[0].Record)

	run, _ := relay.Rerun(admin, "shop", "mem")
	fmt.Println(run.Events[0].Outcome, run.Events[0].Record, len(run.State.Failed))
	page, _ := refs.ListByRecord(admin, "shop", req.Ref(), accord.PageQuery{})
	fmt.Println(page.Items[0].NamedRecord(), page.Items[0].CreatedBy)
	// Output:
	// 1 awaiting a re-run: REQ-1 Refund by invoice
	// delivered REQ-1 Refund by invoice 0
	// requirement REQ-1 tracker:mem
}
