package watch_test

import (
	"context"
	"fmt"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/watch"
)

func ExampleService_Inbox() {
	store := memory.NewWatchStore() // its log is fed by the events it is given
	watches, _ := watch.NewService(watch.Options{Store: store})
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	refund := accord.Ref{Kind: "requirement", ID: "REQ-1"}
	watches.Watch(bob, "shop", refund)

	// Elsewhere, the services publish.
	store.Publish(bob, accord.Event{Kind: "requirement.updated", Project: "shop", Ref: refund, Time: time.Now(), Summary: "REQ-1 Refund a paid order: edited by alice"})
	store.Publish(bob, accord.Event{Kind: "requirement.created", Project: "shop", Ref: accord.Ref{Kind: "requirement", ID: "REQ-2"}, Time: time.Now(), Summary: "REQ-2 created"})

	in, _ := watches.Inbox(bob, "shop", accord.PageQuery{})
	for _, e := range in.Entries {
		fmt.Println(e.Event.Summary)
	}
	watches.MarkRead(bob, "shop", in.Through)
	in, _ = watches.Inbox(bob, "shop", accord.PageQuery{})
	fmt.Println(len(in.Entries), "unread")
	// Output:
	// REQ-1 Refund a paid order: edited by alice
	// 0 unread
}
