package sqlstore

import (
	"fmt"
	"slices"
	"testing"

	"github.com/accordhq/accord"
)

// woken reports which of the channels were signalled, and drains them.
func woken(chs map[string]<-chan struct{}) []string {
	var out []string
	for name, ch := range chs {
		select {
		case <-ch:
			out = append(out, name)
		default:
		}
	}
	slices.Sort(out)
	return out
}

func TestCommitsWakeOnlyTheRelaysOfTheirProjects(t *testing.T) {
	var o outbox
	chs := map[string]<-chan struct{}{}
	for _, p := range []string{"p", "q", ""} {
		ch, stop := o.subscribe(p)
		defer stop()
		chs["relay of "+p] = ch
	}
	o.wake("p")
	if got := woken(chs); !slices.Equal(got, []string{"relay of ", "relay of p"}) {
		t.Errorf("an event of p woke %v; want the relay of p and the relay of every project", got)
	}
	o.wake("q", "p")
	if got := woken(chs); len(got) != 3 {
		t.Errorf("events of p and q woke %v; want all three", got)
	}
	o.wake()
	if got := woken(chs); len(got) != 3 {
		t.Errorf("a wake-up naming no project woke %v; want every relay", got)
	}
}

func TestAUnitNamesItsEventsProjectsUpToABound(t *testing.T) {
	event := func(project string) outboxRow { return outboxRow{event: accord.Event{Project: project}} }
	var u unit
	u.wrote(event("p"))
	u.wrote(event("q"))
	u.wrote(event("p"))
	if !slices.Equal(u.projects, []string{"p", "q"}) || u.everyone || len(u.events) != 3 {
		t.Errorf("projects %v, everyone %v, %d events; want [p q], false, 3", u.projects, u.everyone, len(u.events))
	}
	u.wrote(event(""))
	if u.projects != nil || !u.everyone {
		t.Errorf("after an event of no project: projects %v, everyone %v; want every relay woken", u.projects, u.everyone)
	}
	var many unit
	for i := range maxWakeProjects + 1 {
		many.wrote(event(fmt.Sprintf("p%d", i)))
	}
	if many.projects != nil || !many.everyone {
		t.Errorf("events of %d projects: projects %d, everyone %v; want every relay woken", maxWakeProjects+1, len(many.projects), many.everyone)
	}
}
