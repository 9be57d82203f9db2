package trace_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/trace"
)

// BenchmarkTargetRevised measures what an event costs the links: the 30
// links to a record whose new revision changed only its status are
// examined (its changes computed once), against a record nothing links
// to (the floor: one empty lookup).
func BenchmarkTargetRevised(b *testing.B) {
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	w := newWorld(req)
	for i := range 30 {
		w.revs[accord.Ref{Kind: "contract_version", ID: fmt.Sprintf("C%d@1.0.0", i)}] = [][]string{nil}
	}
	s, err := trace.NewService(trace.Options{Store: memory.NewTraceStore(), Targets: w})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 30 {
		if _, err := s.Link(ctx, "p", trace.NewLink{From: accord.Ref{Kind: "contract_version", ID: fmt.Sprintf("C%d@1.0.0", i)}, To: req, Role: trace.Implements}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("unlinked_record", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.TargetRevised(ctx, "p", req2); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("status_only_30_links", func(b *testing.B) {
		w.revise(req)
		for b.Loop() {
			if _, err := s.TargetRevised(ctx, "p", req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
