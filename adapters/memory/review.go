package memory

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

// ReviewStore is an in-memory review.Store.
type ReviewStore struct {
	mu       sync.RWMutex
	reviews  table[review.Review]
	settings settings[review.Settings]
}

var _ review.Store = (*ReviewStore)(nil)

// NewReviewStore returns an empty store.
func NewReviewStore() *ReviewStore {
	return &ReviewStore{
		reviews: table[review.Review]{what: "review", clone: review.Review.Clone,
			ident: func(rv *review.Review) (string, string) { return rv.Project, rv.ID },
			stamp: func(rv *review.Review) *accord.Stamp { return &rv.Stamp },
			key:   func(rv *review.Review) *string { return &rv.Key }, keyOf: review.KeyOf,
			// One review per kind and subject: the subject is the unique name.
			name: func(rv *review.Review) string { return subjectName(rv.Kind, rv.Subject) },
			taken: func(rv *review.Review) error {
				return accord.Errorf(accord.Conflict, "%s already has a %s review: %s", rv.Subject, rv.Kind, rv.Key)
			}},
		settings: settings[review.Settings]{what: "review settings", clone: review.Settings.Clone,
			stamp: func(s *review.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) review.Settings { return review.Settings{Project: p} }},
	}
}

// CreateReview implements review.Store.
func (s *ReviewStore) CreateReview(_ context.Context, first accord.Revision[review.Review]) (review.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reviews.create(first)
}

// GetReview implements review.Store.
func (s *ReviewStore) GetReview(_ context.Context, project, id string) (review.Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reviews.get(project, id)
}

// GetReviewByKey implements review.Store.
func (s *ReviewStore) GetReviewByKey(_ context.Context, project, key string) (review.Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reviews.getByKey(project, key)
}

// FindReview implements review.Store.
func (s *ReviewStore) FindReview(_ context.Context, project string, kind review.Kind, subject accord.Ref) (review.Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.reviews.project(project, false); p != nil {
		if r := p.names[subjectName(kind, subject)]; r != nil {
			return review.Review.Clone(*r.current()), nil
		}
	}
	return review.Review{}, accord.Errorf(accord.NotFound, "no %s review of %s in project %q", kind, subject, project)
}

// UpdateReview implements review.Store.
func (s *ReviewStore) UpdateReview(_ context.Context, next accord.Revision[review.Review]) (review.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, err := s.reviews.row(next.Record.Project, next.Record.ID); err == nil {
		if cur := r.current(); next.Record.Kind != cur.Kind || next.Record.Subject != cur.Subject {
			return review.Review{}, accord.Errorf(accord.Invalid, "a review's kind and subject cannot change")
		}
	}
	return s.reviews.update(next)
}

// DeleteReview implements review.Store.
func (s *ReviewStore) DeleteReview(_ context.Context, tombstone accord.Revision[review.Review]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reviews.tombstone(tombstone)
}

// ListReviews implements review.Store.
func (s *ReviewStore) ListReviews(_ context.Context, project string, f review.Filter, q accord.PageQuery) (accord.Page[review.Review], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reviews.list(project, f.Match, q)
}

// ListDeletedReviews implements review.Store.
func (s *ReviewStore) ListDeletedReviews(_ context.Context, project string, q accord.PageQuery) (accord.Page[review.Review], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reviews.listDeleted(project, q)
}

// GetReviewRevision implements review.Store.
func (s *ReviewStore) GetReviewRevision(_ context.Context, project, id string, n int) (accord.Revision[review.Review], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reviews.revision(project, id, n)
}

// ListReviewRevisions implements review.Store.
func (s *ReviewStore) ListReviewRevisions(_ context.Context, project, id string) ([]accord.Revision[review.Review], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reviews.revisions(project, id)
}

// GetSettings implements review.Store.
func (s *ReviewStore) GetSettings(_ context.Context, project string) (review.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings.get(project), nil
}

// PutSettings implements review.Store.
func (s *ReviewStore) PutSettings(_ context.Context, next review.Settings) (review.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.put(next.Project, next)
}

// subjectName is a review's unique name in its project: one review per
// kind and subject.
func subjectName(kind review.Kind, subject accord.Ref) string {
	return string(kind) + " " + subject.String()
}
