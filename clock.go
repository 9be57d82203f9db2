package accord

import "time"

// Clock tells the time. Services take one so that tests and replays can
// control time; nil means the system clock.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock returns the wall clock, in UTC.
func SystemClock() Clock { return ClockFunc(func() time.Time { return time.Now().UTC() }) }
