package postgres_test

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
// hand-written SQL on the same database (the floor). The load runs with
// synchronous_commit off; the measured operations with the server's own
// setting.
func BenchmarkLargeProject(b *testing.B) {
	s := open(b)
	n := sqlbench.Size()
	sqlbench.Load(b, s, n, "SET synchronous_commit TO OFF", "SET synchronous_commit TO ON")
	sqlbench.Requirements(b, s, n)
}
