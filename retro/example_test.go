package retro_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/retro"
)

// Open actions follow the series into its next retrospective.
func ExampleService_Create() {
	svc, _ := retro.NewService(retro.Options{Store: memory.NewRetroStore()})
	fac := accord.WithActor(context.Background(), accord.Actor{ID: "alice"})
	move := func(key string, phases ...retro.Phase) {
		for _, p := range phases {
			_, _ = svc.Transition(fac, "shop", key, 0, retro.TransitionInput{To: p})
		}
	}
	first, _ := svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint 1", Series: "payments"})
	move(first.Key, retro.Grouping, retro.Voting, retro.Discussing)
	_, _ = svc.AddAction(fac, "shop", first.Key, retro.ActionInput{ActionInput: accord.ActionInput{Title: "Two reviewers per PR", Owner: "bob"}})
	move(first.Key, retro.Closed)

	next, _ := svc.Create(fac, "shop", retro.NewRetro{Title: "Sprint 2", Series: "payments"})
	a := next.Actions[0]
	fmt.Println(next.Key, a.Title, a.Status, "carried", a.Carried, "from", a.Origin.ID == first.ID)
	// Output: RETRO-2 Two reviewers per PR open carried 1 from true
}
