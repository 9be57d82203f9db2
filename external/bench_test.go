package external_test

import (
	"fmt"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/external"
)

// BenchmarkFind measures what every import and sync does first for each
// item: find its reference by system and key, among 1,000.
func BenchmarkFind(b *testing.B) {
	s, err := external.NewService(external.Options{Store: memory.NewExternalStore()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := as("alice", "product")
	for i := range 1000 {
		if _, err := s.Add(ctx, "shop", external.NewReference{Record: accord.Ref{Kind: "requirement", ID: fmt.Sprintf("REQ-%d", i+1)},
			System: external.Jira, Key: fmt.Sprintf("SHOP-%d", i+1)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Find(ctx, "shop", external.Jira, fmt.Sprintf("SHOP-%d", i%1000+1)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
