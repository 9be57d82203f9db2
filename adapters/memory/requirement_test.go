package memory_test

import (
	"testing"

	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/requirement"
)

func TestRequirementStoreConformance(t *testing.T) {
	storetest.RequirementStore(t, func(*testing.T) requirement.Store { return memory.NewRequirementStore() })
}
