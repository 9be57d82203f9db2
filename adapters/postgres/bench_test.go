package postgres_test

import (
	"testing"

	"github.com/accordhq/accord/adapters/internal/enginetest"
)

// BenchmarkStores measures the stores on this engine: the kit's work, and
// a project of 100,000 requirements against hand-written SQL on the same
// database (the floor). The bulk load runs with synchronous_commit off; the
// measured operations with the server's own setting.
func BenchmarkStores(b *testing.B) {
	enginetest.Benchmarks(b, open, "SET synchronous_commit TO OFF", "SET synchronous_commit TO ON")
}

// BenchmarkSearch measures text search on a project of 200,000
// requirements (ACCORD_BENCH_SEARCH_REQUIREMENTS) in English and Chinese:
// the pg_trgm GIN index against the unindexed LIKE scan, in the same run.
// The load is followed by ANALYZE, as autovacuum would run it.
func BenchmarkSearch(b *testing.B) {
	s := open(b)
	enginetest.Search(b, s, enginetest.SearchSize(), func(b *testing.B) {
		if _, err := s.DB.Exec("ANALYZE accord_records"); err != nil {
			b.Fatal(err)
		}
	})
}
