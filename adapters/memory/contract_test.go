package memory_test

import (
	"testing"

	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/contract"
)

func TestContractStoreConformance(t *testing.T) {
	storetest.ContractStore(t, func(*testing.T) contract.Store { return memory.NewContractStore() })
}
