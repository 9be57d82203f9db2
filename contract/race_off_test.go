//go:build !race

package contract

// raceEnabled: see race_on_test.go.
const raceEnabled = false
