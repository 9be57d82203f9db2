package watch_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord"
)

// BenchmarkInbox reads a 50-entry inbox out of a log of 2,000 events of
// which one in 40 is about a watched record, against reading the same
// log entries with no filtering (the floor).
func BenchmarkInbox(b *testing.B) {
	s, store := newService(b)
	for i := range 5 {
		if _, err := s.Watch(bob, "shop", accord.Ref{Kind: "requirement", ID: fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 2000 {
		store.Publish(bob, accord.Event{Kind: "requirement.updated", Project: "shop", Ref: accord.Ref{Kind: "requirement", ID: fmt.Sprint(i % 200)}, Time: time.Now()})
	}
	b.Run("floor_read_log", func(b *testing.B) {
		for b.Loop() {
			for after := int64(0); ; {
				batch, _ := store.Log(bob, "shop", after, 500)
				if len(batch) == 0 {
					break
				}
				after = batch[len(batch)-1].Seq
			}
		}
	})
	b.Run("inbox", func(b *testing.B) {
		for b.Loop() {
			if in, err := s.Inbox(bob, "shop", accord.PageQuery{Size: 50}); err != nil || len(in.Entries) != 50 {
				b.Fatal(len(in.Entries), err)
			}
		}
	})
}
