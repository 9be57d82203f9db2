package contracttest

import (
	"fmt"
	"testing"

	"github.com/accordhq/accord/contract"
)

// AssertCompatible fails t with one line per breaking change from old to
// new (contract.Compare), naming the rule, the operation, the location in
// new and what changed, and reports whether there were none. Warnings and
// compatible changes do not fail the test.
//
//	func TestOrdersStayCompatible(t *testing.T) {
//		contracttest.AssertCompatible(t, published, orders.Spec())
//	}
func AssertCompatible(t testing.TB, old, new contract.Spec) bool {
	t.Helper()
	breaking := contract.BreakingChanges(contract.Compare(old, new))
	for _, ch := range breaking {
		where := ch.Location
		if ch.Operation != "" {
			where = ch.Operation + " " + where
		}
		t.Errorf("%s", fmt.Sprintf("contract: breaking change %s at %s: %s", ch.ID, where, ch.Message))
	}
	return len(breaking) == 0
}
