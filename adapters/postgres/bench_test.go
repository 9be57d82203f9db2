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
