package review

import (
	"context"
	"slices"

	"github.com/accordhq/accord"
)

// Filter selects reviews in a list. Empty fields match everything.
type Filter struct {
	Kind        Kind
	Subject     accord.Ref // both parts must match when Kind is set
	Participant string     // an actor ID taking part
}

// Match reports whether rv passes the filter. Stores may use it or
// translate the filter into their own query.
func (f Filter) Match(rv *Review) bool {
	if f.Kind != "" && rv.Kind != f.Kind {
		return false
	}
	if f.Subject.Kind != "" && rv.Subject.Kind != f.Subject.Kind {
		return false
	}
	if f.Subject.ID != "" && rv.Subject.ID != f.Subject.ID {
		return false
	}
	if f.Participant != "" && !slices.ContainsFunc(rv.Participants, func(p Participant) bool { return p.Actor == f.Participant }) {
		return false
	}
	return true
}

// ListQuery asks for one page of reviews in creation (key) order.
type ListQuery struct {
	Filter    Filter
	PageSize  int    // 1–500; 0 means 50
	PageToken string // from a previous page's NextPageToken
}

// Page is one page of a list. NextPageToken is empty on the last page.
type Page[T any] struct {
	Items         []T    `json:"items"`
	NextPageToken string `json:"next_page_token,omitempty"`
}

// MaxPageSize is the largest page a list returns.
const MaxPageSize = 500

// Store keeps reviews and each project's review settings. Implementations
// must be safe for concurrent use, copy values in and out, and never return
// one project's data for another; adapters/storetest.ReviewStore checks it.
//
// A review is stored whole. UpdateReview is compare-and-swap on Revision,
// so concurrent verdicts on one round cannot overwrite each other: the
// loser gets Conflict wrapping accord.ErrStale, and the Service re-reads
// and retries.
type Store interface {
	// CreateReview stores a new review (Revision 1) and assigns its key
	// RV-n, n being the next number in the project starting at 1. Conflict
	// if the ID exists, or if the project already has a review of the same
	// kind for the same subject.
	CreateReview(ctx context.Context, rv Review) (Review, error)
	// GetReview returns a review. NotFound if absent.
	GetReview(ctx context.Context, project, id string) (Review, error)
	// GetReviewByKey returns the review with the key (RV-3). NotFound if absent.
	GetReviewByKey(ctx context.Context, project, key string) (Review, error)
	// FindReview returns the review of kind about subject. NotFound if none.
	FindReview(ctx context.Context, project string, kind Kind, subject accord.Ref) (Review, error)
	// UpdateReview stores rv; rv.Revision must be the stored revision + 1.
	// NotFound if absent; Conflict (ErrStale) if stale.
	UpdateReview(ctx context.Context, rv Review) (Review, error)
	// DeleteReview removes a review. NotFound if absent.
	DeleteReview(ctx context.Context, project, id string) error
	// ListReviews returns one page in creation order. Tokens stay valid
	// while reviews are added or removed. Invalid for a malformed token or
	// page size.
	ListReviews(ctx context.Context, project string, q ListQuery) (Page[Review], error)

	// GetSettings returns the project's settings; Revision 0 and no
	// policies if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings stores s; s.Revision must be the stored revision + 1.
	// Conflict (ErrStale) if stale.
	PutSettings(ctx context.Context, s Settings) (Settings, error)
}
