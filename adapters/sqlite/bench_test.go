package sqlite_test

import (
	"testing"

	"github.com/accordhq/accord/adapters/internal/enginetest"
)

// BenchmarkStores measures the stores on this engine: the kit's work, and
// a project of 100,000 requirements against hand-written SQL on the same
// file (the floor). The bulk load runs with synchronous=OFF to take seconds,
// not minutes; the measured operations run with the store's own
// synchronous=FULL.
func BenchmarkStores(b *testing.B) {
	enginetest.Benchmarks(b, open, "PRAGMA synchronous=OFF", "PRAGMA synchronous=FULL")
}

// BenchmarkSearch measures text search on a project of 200,000
// requirements (ACCORD_BENCH_SEARCH_REQUIREMENTS) in English and Chinese:
// the FTS5 trigram index against the unindexed LIKE scan, in the same run.
func BenchmarkSearch(b *testing.B) {
	s := open(b)
	enginetest.Search(b, s, enginetest.SearchSize(), func(b *testing.B) {
		if _, err := s.DB.Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	})
}
