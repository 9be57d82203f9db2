package memory

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

// ReviewStore is an in-memory review.Store.
type ReviewStore struct {
	mu       sync.RWMutex
	projects map[string]*reviewProject
}

var _ review.Store = (*ReviewStore)(nil)

// NewReviewStore returns an empty store.
func NewReviewStore() *ReviewStore {
	return &ReviewStore{projects: map[string]*reviewProject{}}
}

type subjectKey struct {
	kind    review.Kind
	subject accord.Ref
}

type reviewProject struct {
	seq      int
	reviews  map[string]*storedReview
	order    []listed              // creation order; seq is the number in the key
	keys     map[string]string     // RV-3 → ID
	subjects map[subjectKey]string // (kind, subject) → ID
	settings review.Settings
}

type storedReview struct {
	seq    int
	review review.Review
}

func (s *ReviewStore) project(name string, create bool) *reviewProject {
	p := s.projects[name]
	if p == nil && create {
		p = &reviewProject{reviews: map[string]*storedReview{}, keys: map[string]string{}, subjects: map[subjectKey]string{}}
		s.projects[name] = p
	}
	return p
}

func (s *ReviewStore) stored(project, id string) (*storedReview, error) {
	if p := s.project(project, false); p != nil {
		if r := p.reviews[id]; r != nil {
			return r, nil
		}
	}
	return nil, notFound("review", project, id)
}

// CreateReview implements review.Store.
func (s *ReviewStore) CreateReview(_ context.Context, rv review.Review) (review.Review, error) {
	if rv.Project == "" || rv.ID == "" || rv.Revision != 1 {
		return review.Review{}, accord.Errorf(accord.Invalid, "a new review needs a project, an ID and revision 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(rv.Project, true)
	if _, ok := p.reviews[rv.ID]; ok {
		return review.Review{}, accord.Errorf(accord.Conflict, "review %q already exists", rv.ID)
	}
	sk := subjectKey{rv.Kind, rv.Subject}
	if id, ok := p.subjects[sk]; ok {
		return review.Review{}, accord.Errorf(accord.Conflict, "%s already has a %s review: %s", rv.Subject, rv.Kind, p.reviews[id].review.Key)
	}
	p.seq++
	rv = rv.Clone()
	rv.Key = fmt.Sprintf("RV-%d", p.seq)
	p.reviews[rv.ID] = &storedReview{seq: p.seq, review: rv}
	p.order = append(p.order, listed{seq: p.seq, id: rv.ID})
	p.keys[rv.Key] = rv.ID
	p.subjects[sk] = rv.ID
	return rv.Clone(), nil
}

// GetReview implements review.Store.
func (s *ReviewStore) GetReview(_ context.Context, project, id string) (review.Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.stored(project, id)
	if err != nil {
		return review.Review{}, err
	}
	return r.review.Clone(), nil
}

// GetReviewByKey implements review.Store.
func (s *ReviewStore) GetReviewByKey(_ context.Context, project, key string) (review.Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.project(project, false); p != nil {
		if id, ok := p.keys[key]; ok {
			return p.reviews[id].review.Clone(), nil
		}
	}
	return review.Review{}, notFound("review", project, key)
}

// FindReview implements review.Store.
func (s *ReviewStore) FindReview(_ context.Context, project string, kind review.Kind, subject accord.Ref) (review.Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.project(project, false); p != nil {
		if id, ok := p.subjects[subjectKey{kind, subject}]; ok {
			return p.reviews[id].review.Clone(), nil
		}
	}
	return review.Review{}, accord.Errorf(accord.NotFound, "no %s review of %s in project %q", kind, subject, project)
}

// UpdateReview implements review.Store.
func (s *ReviewStore) UpdateReview(_ context.Context, rv review.Review) (review.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.stored(rv.Project, rv.ID)
	if err != nil {
		return review.Review{}, err
	}
	if cur := r.review.Revision; rv.Revision != cur+1 {
		return review.Review{}, accord.StaleError("review "+r.review.Key, rv.Revision-1, cur)
	}
	if rv.Kind != r.review.Kind || rv.Subject != r.review.Subject || rv.Key != r.review.Key {
		return review.Review{}, accord.Errorf(accord.Invalid, "a review's key, kind and subject cannot change")
	}
	r.review = rv.Clone()
	return rv.Clone(), nil
}

// DeleteReview implements review.Store.
func (s *ReviewStore) DeleteReview(_ context.Context, project, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.stored(project, id)
	if err != nil {
		return err
	}
	p := s.project(project, false)
	delete(p.reviews, id)
	delete(p.keys, r.review.Key)
	delete(p.subjects, subjectKey{r.review.Kind, r.review.Subject})
	i, _ := slices.BinarySearchFunc(p.order, r.seq, func(l listed, seq int) int { return l.seq - seq })
	p.order = slices.Delete(p.order, i, i+1)
	return nil
}

// ListReviews implements review.Store.
func (s *ReviewStore) ListReviews(_ context.Context, project string, q review.ListQuery) (review.Page[review.Review], error) {
	var page review.Page[review.Review]
	size, afterSeq, err := pageQuery(q.PageSize, q.PageToken, review.MaxPageSize)
	if err != nil {
		return page, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	page.Items = []review.Review{}
	p := s.project(project, false)
	if p == nil {
		return page, nil
	}
	start, _ := slices.BinarySearchFunc(p.order, afterSeq+1, func(l listed, seq int) int { return l.seq - seq })
	last := 0
	for _, l := range p.order[start:] {
		r := p.reviews[l.id]
		if !q.Filter.Match(&r.review) {
			continue
		}
		if len(page.Items) == size {
			page.NextPageToken = encodeToken(strconv.Itoa(last))
			break
		}
		page.Items = append(page.Items, r.review.Clone())
		last = l.seq
	}
	return page, nil
}

// GetSettings implements review.Store.
func (s *ReviewStore) GetSettings(_ context.Context, project string) (review.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.project(project, false); p != nil {
		return p.settings.Clone(), nil
	}
	return review.Settings{Project: project}, nil
}

// PutSettings implements review.Store.
func (s *ReviewStore) PutSettings(_ context.Context, st review.Settings) (review.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(st.Project, true)
	if cur := p.settings.Revision; st.Revision != cur+1 {
		return review.Settings{}, accord.StaleError("review settings of "+st.Project, st.Revision-1, cur)
	}
	p.settings = st.Clone()
	return st.Clone(), nil
}
