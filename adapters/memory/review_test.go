package memory_test

import (
	"testing"

	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/review"
)

func TestReviewStoreConformance(t *testing.T) {
	storetest.ReviewStore(t, func(*testing.T) review.Store { return memory.NewReviewStore() })
}
