package testkit

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sizes reads a comma-separated list of positive sizes from the
// environment variable name (a benchmark's sizes, ACCORD_BENCH_…); def
// when it is unset or not such a list.
func Sizes(name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return def
		}
		out = append(out, n)
	}
	return out
}

// PeakHeap runs fn and returns the most heap in use while it ran above
// what was in use before, sampled every millisecond (heap objects and the
// free space of the spans that hold them, runtime.MemStats' HeapInuse,
// read through runtime/metrics, which does not stop the world as
// ReadMemStats does); and, after a collection, what is still in use
// above the same base: what fn left reachable, its result.
func PeakHeap(fn func()) (peak, kept uint64) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	inUse := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() + samples[1].Value.Uint64()
	}
	runtime.GC()
	base := inUse()
	peak = base
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				peak = max(peak, inUse())
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	peak = max(peak, inUse()) - base
	runtime.GC()
	return peak, max(inUse(), base) - base
}
