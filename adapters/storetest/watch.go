package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/watch"
)

// WatchStore checks a watch.Store: the generic record properties of
// watches, one watch per person and target, read marks that only move
// forward, and the log, fed through log (the sink that fills it: the
// outbox, or the memory store itself), read per project in order. A
// scenario runs an inbox through the real Service.
func WatchStore(t *testing.T, open func(t *testing.T) (watch.Store, accord.EventSink)) {
	t.Run("watches", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[watch.Watch] { s, _ := open(t); return watchRecords(s) })
	})
	t.Run("marks_and_log", func(t *testing.T) { s, log := open(t); testWatchSpecifics(t, s, log) })
	t.Run("scenario", func(t *testing.T) { s, log := open(t); watchScenario(t, s, log) })
}

func newWatch(p string, i int) watch.Watch {
	return watch.Watch{ID: fmt.Sprintf("%s-w-%03d", p, i), Project: p, Actor: "bob",
		Target: accord.Ref{Kind: "requirement", ID: fmt.Sprintf("R%d", i)}, Stamp: accord.NewStamp("bob", epoch)}
}

func watchRecords(s watch.Store) Records[watch.Watch] {
	return Records[watch.Watch]{
		Name: "watch", New: newWatch,
		Scribble: func(w *watch.Watch) { w.Target.ID = "scribbled" },
		Stamp:    func(w *watch.Watch) *accord.Stamp { return &w.Stamp },
		ID:       func(w watch.Watch) string { return w.ID },
		Project:  func(w *watch.Watch, p string) { w.Project = p },
		Create:   s.CreateWatch, Get: s.GetWatch, Delete: s.DeleteWatch,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[watch.Watch], error) {
			return s.ListWatches(ctx, p, "bob", q)
		},
	}
}

func testWatchSpecifics(t *testing.T, s watch.Store, log accord.EventSink) {
	wr := watchRecords(s)
	w := mustCreate(t, wr, "alpha", 1)
	again := newWatch("alpha", 9)
	again.Target = w.Target
	_, err := s.CreateWatch(ctx, wr.first(again))
	checkCode(t, "watching the same record twice", accord.Conflict, err)
	other := again
	other.Actor = "carol"
	if _, err := s.CreateWatch(ctx, wr.first(other)); err != nil {
		t.Errorf("another person watching the same record: %v", err)
	}
	if page, err := s.ListWatches(ctx, "alpha", "carol", accord.PageQuery{Size: 10}); err != nil || len(page.Items) != 1 {
		t.Errorf("carol's watches: %d (%v), want 1", len(page.Items), err)
	}

	for _, step := range []struct {
		set, want int64
	}{{5, 5}, {3, 5}, {8, 8}} {
		if err := s.SetReadMark(ctx, "alpha", "bob", step.set); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ReadMark(ctx, "alpha", "bob"); err != nil || got != step.want {
			t.Errorf("read mark after setting %d: %d (%v), want %d: it never moves back", step.set, got, err, step.want)
		}
	}
	if got, err := s.ReadMark(ctx, "beta", "bob"); err != nil || got != 0 {
		t.Errorf("read mark in another project: %d (%v), want 0", got, err)
	}

	for i, p := range []string{"alpha", "beta", "alpha", "alpha"} {
		log.Publish(ctx, accord.Event{ID: fmt.Sprintf("e%d", i), Kind: "requirement.updated", Project: p, Time: epoch.Add(time.Duration(i) * time.Second)})
	}
	all, err := s.Log(ctx, "alpha", 0, 10)
	if err != nil || len(all) != 3 || all[0].Event.ID != "e0" || all[2].Event.ID != "e3" || all[0].Seq >= all[1].Seq {
		t.Fatalf("alpha's log: %+v (%v), want e0, e2, e3 in order", all, err)
	}
	rest, err := s.Log(ctx, "alpha", all[0].Seq, 1)
	if err != nil || len(rest) != 1 || rest[0].Event.ID != "e2" {
		t.Errorf("alpha's log after e0, one entry: %+v (%v), want e2", rest, err)
	}
}

// watchScenario follows a record and a project with the real Service.
func watchScenario(t *testing.T, s watch.Store, log accord.EventSink) {
	svc, err := watch.NewService(watch.Options{Store: s, Events: log, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	bob := as("bob")
	req := accord.Ref{Kind: "requirement", ID: "R1"}
	if _, err := svc.Watch(bob, "shop", req); err != nil {
		t.Fatal(err)
	}
	publish := func(id string, ref accord.Ref) {
		log.Publish(ctx, accord.Event{ID: id, Kind: "requirement.updated", Project: "shop", Ref: ref, Time: epoch.Add(time.Hour)})
	}
	publish("mine", req)
	publish("not mine", accord.Ref{Kind: "requirement", ID: "R2"})
	in, err := svc.Inbox(bob, "shop", accord.PageQuery{})
	if err != nil || len(in.Entries) != 1 || in.Entries[0].Event.ID != "mine" {
		t.Fatalf("bob's inbox: %+v (%v), want the event about R1 only", in.Entries, err)
	}
	if err := svc.MarkRead(bob, "shop", in.Through); err != nil {
		t.Fatal(err)
	}
	if in, err := svc.Inbox(bob, "shop", accord.PageQuery{}); err != nil || len(in.Entries) != 0 {
		t.Errorf("inbox after marking it read: %+v (%v), want empty", in.Entries, err)
	}
	if _, err := svc.Watch(bob, "shop", accord.Ref{Kind: watch.ProjectKind, ID: "shop"}); err != nil {
		t.Fatal(err)
	}
	publish("anything", accord.Ref{Kind: "risk", ID: "K1"})
	if in, err := svc.Inbox(bob, "shop", accord.PageQuery{}); err != nil || len(in.Entries) != 1 || in.Entries[0].Event.ID != "anything" {
		t.Errorf("inbox with a project watch: %+v (%v), want the risk event", in.Entries, err)
	}
}
