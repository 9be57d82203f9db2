package sqlite_test

import (
	"testing"

	"github.com/accordhq/accord/adapters/internal/sqlbench"
	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/requirement"
)

func BenchmarkRequirementStore(b *testing.B) {
	storetest.BenchmarkRequirementStore(b, func(b *testing.B) requirement.Store { return open(b).Requirements })
}

// BenchmarkLargeProject measures the store on 100,000 requirements against
// hand-written SQL on the same file (the floor). The load runs with
// synchronous=OFF to take seconds, not minutes; the measured operations run
// with the store's own synchronous=FULL.
func BenchmarkLargeProject(b *testing.B) {
	s := open(b)
	n := sqlbench.Size()
	sqlbench.Load(b, s, n, "PRAGMA synchronous=OFF", "PRAGMA synchronous=FULL")
	sqlbench.Requirements(b, s, n)
}
