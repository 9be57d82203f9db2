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

// Store keeps reviews and each project's review settings. Implementations
// must be safe for concurrent use, copy values in and out, and never return
// one project's data for another; adapters/storetest.ReviewStore checks it.
//
// A review is stored whole, with a revision per change. UpdateReview is
// compare-and-swap on the revision, so concurrent verdicts on one round
// cannot overwrite each other: the loser gets Conflict wrapping
// accord.ErrStale, and the Service re-reads and retries.
type Store interface {
	// CreateReview stores a new review (Revision 1) and assigns its key
	// RV-n, n being the next number in the project starting at 1. Conflict
	// if the ID exists, or if the project already has a review of the same
	// kind for the same subject. The key is KeyOf(n).
	CreateReview(ctx context.Context, first accord.Revision[Review]) (Review, error)
	// GetReview returns a review. NotFound if absent.
	GetReview(ctx context.Context, project, id string) (Review, error)
	// GetReviewByKey returns the review with the key (RV-3). NotFound if absent.
	GetReviewByKey(ctx context.Context, project, key string) (Review, error)
	// FindReview returns the review of kind about subject. NotFound if none.
	FindReview(ctx context.Context, project string, kind Kind, subject accord.Ref) (Review, error)
	// UpdateReview stores next as the new current revision; its number must
	// be the stored revision + 1. NotFound if absent; Conflict (ErrStale)
	// if stale. Key, kind and subject never change.
	UpdateReview(ctx context.Context, next accord.Revision[Review]) (Review, error)
	// DeleteReview stores tombstone, a revision of kind accord.RevisionDeleted
	// whose stamp's Deleted says who deleted the review, when and why, as
	// its next revision (compare-and-swap, like an update), and hides it:
	// gets, finds and lists answer as if it did not exist and its key is never given again, its
	// revisions stay. An update of kind accord.RevisionRestored brings it
	// back. NotFound if absent or deleted; Conflict (ErrStale) if stale.
	DeleteReview(ctx context.Context, tombstone accord.Revision[Review]) error
	// ListReviews returns one page of the reviews that match f, in
	// creation order. Tokens stay valid while reviews are added or
	// removed. Invalid for a malformed token.
	ListReviews(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Review], error)
	// ListDeletedReviews returns one page of the project's deleted
	// reviews, each as its tombstone (Stamp.Deleted says who, when and
	// why), in creation order: what an admin may restore. Invalid for a
	// malformed token.
	ListDeletedReviews(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Review], error)
	// GetReviewRevision returns revision n of a review. NotFound if the
	// review or the revision does not exist.
	GetReviewRevision(ctx context.Context, project, id string, n int) (accord.Revision[Review], error)
	// ListReviewRevisions returns every revision of a review, oldest
	// first. NotFound if absent.
	ListReviewRevisions(ctx context.Context, project, id string) ([]accord.Revision[Review], error)

	// GetSettings returns the project's settings; Revision 0 and no
	// policies if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings stores s; s.Revision must be the stored revision + 1.
	// Conflict (ErrStale) if stale.
	PutSettings(ctx context.Context, s Settings) (Settings, error)
}
