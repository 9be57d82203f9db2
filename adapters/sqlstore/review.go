package sqlstore

import (
	"context"
	"database/sql"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

// ReviewStore is a review.Store in SQL. A review's unique name is its kind
// and subject: one review per kind and subject.
type ReviewStore struct {
	reviews  table[review.Review]
	settings settings[review.Settings]
}

var _ review.Store = (*ReviewStore)(nil)

func subjectName(kind review.Kind, subject accord.Ref) string {
	return string(kind) + " " + subject.String()
}

func newReviewStore(db *sql.DB, d Dialect, c *readCache) *ReviewStore {
	return &ReviewStore{
		reviews: table[review.Review]{db: db, d: d, cache: c, clone: review.Review.Clone, kind: review.RefKind, what: "review",
			ident: func(rv *review.Review) (string, string) { return rv.Project, rv.ID },
			stamp: func(rv *review.Review) *accord.Stamp { return &rv.Stamp },
			key:   func(rv *review.Review) *string { return &rv.Key }, keyOf: review.KeyOf,
			name: func(rv *review.Review) string { return subjectName(rv.Kind, rv.Subject) },
			taken: func(rv *review.Review) error {
				return accord.Errorf(accord.Conflict, "%s already has a %s review: %s", rv.Subject, rv.Kind, rv.Key)
			},
			cols: func(rv *review.Review) columns {
				c := columns{class: string(rv.Kind), refKind: rv.Subject.Kind, refID: rv.Subject.ID}
				for _, p := range rv.Participants {
					c.tags = append(c.tags, "participant:"+p.Actor)
				}
				return c
			}},
		settings: settings[review.Settings]{db: db, d: d, domain: "reviews",
			stamp: func(s *review.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) review.Settings { return review.Settings{Project: p} }},
	}
}

// CreateReview implements review.Store.
func (s *ReviewStore) CreateReview(ctx context.Context, first accord.Revision[review.Review]) (review.Review, error) {
	return s.reviews.create(ctx, first)
}

// GetReview implements review.Store.
func (s *ReviewStore) GetReview(ctx context.Context, project, id string) (review.Review, error) {
	return s.reviews.get(ctx, project, id)
}

// GetReviewByKey implements review.Store.
func (s *ReviewStore) GetReviewByKey(ctx context.Context, project, key string) (review.Review, error) {
	return s.reviews.getByKey(ctx, project, key)
}

// FindReview implements review.Store.
func (s *ReviewStore) FindReview(ctx context.Context, project string, kind review.Kind, subject accord.Ref) (review.Review, error) {
	rv, err := s.reviews.byName(ctx, on(ctx, s.reviews.db), project, subjectName(kind, subject))
	if accord.ErrorCode(err) == accord.NotFound {
		return rv, accord.Errorf(accord.NotFound, "no %s review of %s in project %q", kind, subject, project)
	}
	return rv, err
}

// UpdateReview implements review.Store.
func (s *ReviewStore) UpdateReview(ctx context.Context, next accord.Revision[review.Review]) (review.Review, error) {
	var out review.Review
	err := s.reviews.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.reviews.getIn(ctx, tx, next.Record.Project, next.Record.ID)
		if next.Kind == accord.RevisionRestored {
			cur, err = s.reviews.current(ctx, tx, next.Record.Project, next.Record.ID)
		}
		if err != nil {
			return err
		}
		if next.Record.Kind != cur.Kind || next.Record.Subject != cur.Subject {
			return accord.Errorf(accord.Invalid, "a review's kind and subject cannot change")
		}
		out, err = s.reviews.updateIn(ctx, tx, next)
		return err
	})
	return out, err
}

// DeleteReview implements review.Store.
func (s *ReviewStore) DeleteReview(ctx context.Context, tombstone accord.Revision[review.Review]) error {
	return s.reviews.tombstone(ctx, tombstone)
}

// ListReviews implements review.Store.
func (s *ReviewStore) ListReviews(ctx context.Context, project string, f review.Filter, q accord.PageQuery) (accord.Page[review.Review], error) {
	var w filter
	if f.Kind != "" {
		w.add("r.class = ?", string(f.Kind))
	}
	if f.Subject.Kind != "" {
		w.add("r.ref_kind = ?", f.Subject.Kind)
	}
	if f.Subject.ID != "" {
		w.add("r.ref_id = ?", f.Subject.ID)
	}
	if f.Participant != "" {
		w.tag("participant:" + f.Participant)
	}
	return s.reviews.list(ctx, project, w, q)
}

// ListDeletedReviews implements review.Store.
func (s *ReviewStore) ListDeletedReviews(ctx context.Context, project string, q accord.PageQuery) (accord.Page[review.Review], error) {
	return s.reviews.listDeleted(ctx, project, q)
}

// GetReviewRevision implements review.Store.
func (s *ReviewStore) GetReviewRevision(ctx context.Context, project, id string, n int) (accord.Revision[review.Review], error) {
	return s.reviews.revision(ctx, project, id, n)
}

// ListReviewRevisions implements review.Store.
func (s *ReviewStore) ListReviewRevisions(ctx context.Context, project, id string) ([]accord.Revision[review.Review], error) {
	return s.reviews.revisions(ctx, project, id)
}

// GetSettings implements review.Store.
func (s *ReviewStore) GetSettings(ctx context.Context, project string) (review.Settings, error) {
	return s.settings.get(ctx, project)
}

// PutSettings implements review.Store.
func (s *ReviewStore) PutSettings(ctx context.Context, next review.Settings) (review.Settings, error) {
	return s.settings.put(ctx, next.Project, next)
}
