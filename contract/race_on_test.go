//go:build race

package contract

// raceEnabled: the race detector's sync.Pool drops pooled values at
// random, so code that reuses pooled buffers allocates under it.
const raceEnabled = true
