package main

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
	orders "github.com/accordhq/accord/examples/contracttest"
)

// The demo's orders contract is the one examples/contracttest builds
// from its Go types; the server binary carries it as JSON so as not to
// link example code. ACCORD_UPDATE=1 writes the file anew.
func TestSeedOrdersContractIsTheExamplesContract(t *testing.T) {
	if os.Getenv("ACCORD_UPDATE") == "1" {
		b, err := json.MarshalIndent(orders.Contract(), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile("seed_orders.json", append(b, '\n'), 0o644))
		return
	}
	var seeded contract.Spec
	require.NoError(t, json.Unmarshal(ordersContract, &seeded))
	want, err := json.Marshal(orders.Contract())
	require.NoError(t, err)
	got, err := json.Marshal(seeded)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got), "seed_orders.json differs from examples/contracttest's Contract(): run the test with ACCORD_UPDATE=1")
}
