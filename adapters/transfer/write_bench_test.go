package transfer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/internal/testkit"
)

// BenchmarkWrite streams the document of a generated project on SQLite
// (transfer.Write into a writer that counts) against its peer, Export
// and then encoding the document it returns (what the server and
// `accord export` did before), at 2,000, 5,000 and 8,000 requirements
// (seeded: one to four revisions each, about two links each, change
// requests, terms, risks). Besides ns/op, B/op and allocs/op it reports
// peak-heap-MB: the most heap in use (as runtime.MemStats.HeapInuse,
// sampled every millisecond while it runs) above what was in use before,
// the figure a server's memory follows. Export's grows with the project;
// Write's stays near a page's. ACCORD_BENCH_WRITE overrides the sizes.
func BenchmarkWrite(b *testing.B) {
	ctx := context.Background()
	for _, n := range testkit.Sizes("ACCORD_BENCH_WRITE", []int{2_000, 5_000, 8_000}) {
		src, raw := sqliteStores(b)
		if err := raw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, src, generated(n, 29)) }); err != nil {
			b.Fatal(err)
		}
		run := func(name string, export func(w io.Writer) error) {
			b.Run(fmt.Sprintf("%s/requirements=%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				var peak uint64
				var size int64
				for b.Loop() {
					var w counter
					p, _ := testkit.PeakHeap(func() {
						if err := export(&w); err != nil {
							b.Fatal(err)
						}
					})
					peak, size = max(peak, p), int64(w)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(size)/(1<<20), "MB-of-JSON")
			})
		}
		run("export_then_encode", func(w io.Writer) error {
			d, err := transfer.Export(ctx, src, "big", t0)
			if err != nil {
				return err
			}
			return json.NewEncoder(w).Encode(d)
		})
		run("write", func(w io.Writer) error {
			return transfer.Write(ctx, w, src, "big", t0, transfer.Layout{EscapeHTML: true})
		})
	}
}

// counter counts what is written to it.
type counter int64

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}
