package transfer

import (
	"context"
	"io"
	"time"

	"github.com/accordhq/accord/adapters"
)

// WriteHolding is Write holding size records at a time instead of a
// page, so that tests cross many page boundaries with few records.
func WriteHolding(ctx context.Context, w io.Writer, s adapters.Stores, key string, now time.Time, l Layout, size int) error {
	return write(ctx, w, s, key, now, l, size)
}
