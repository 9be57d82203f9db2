package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

// reviewResponse is a review with its outcome evaluated now, so a client
// sees where the review stands without a second call.
type reviewResponse struct {
	review.Review
	Outcome review.Evaluation `json:"outcome"`
}

type dueBody struct {
	Due time.Time `json:"due,omitzero"` // zero or absent clears the due date
}

type reasonBody struct {
	Reason string `json:"reason"`
}

type commentBody struct {
	Body string `json:"body"`
}

type resolutionBody struct {
	Resolved *bool `json:"resolved"`
}

func (s *server) routeReviews() {
	const c = base + "/reviews"
	const one = c + "/{id}"
	s.route("GET "+c, s.listReviews)
	s.route("POST "+c, s.createReview)
	s.route("GET "+one, s.getReview)
	s.route("DELETE "+one, s.deleteReview)
	s.route("GET "+one+"/outcome", s.reviewOutcome)
	s.route("GET "+one+"/summary", s.reviewSummary)
	s.route("GET "+one+"/history", s.reviewHistory)
	s.route("POST "+one+"/participants", reviewAction(s, func(r *http.Request, project, id string, p review.NewParticipant) (review.Review, error) {
		return s.reviews.AddParticipant(r.Context(), project, id, p)
	}))
	s.route("DELETE "+one+"/participants/{actor}", s.removeParticipant)
	s.route("PUT "+one+"/due", reviewAction(s, func(r *http.Request, project, id string, b dueBody) (review.Review, error) {
		return s.reviews.SetDue(r.Context(), project, id, b.Due)
	}))
	s.route("POST "+one+"/verdicts", reviewAction(s, func(r *http.Request, project, id string, in review.VerdictInput) (review.Review, error) {
		return s.reviews.Verdict(r.Context(), project, id, in)
	}))
	s.route("POST "+one+"/veto-withdrawals", reviewAction(s, func(r *http.Request, project, id string, b reasonBody) (review.Review, error) {
		return s.reviews.WithdrawVeto(r.Context(), project, id, b.Reason)
	}))
	s.route("POST "+one+"/assessments", reviewAction(s, func(r *http.Request, project, id string, in review.AssessmentInput) (review.Review, error) {
		return s.reviews.Assess(r.Context(), project, id, in)
	}))
	s.route("POST "+one+"/checks", reviewAction(s, func(r *http.Request, project, id string, in review.CheckInput) (review.Review, error) {
		return s.reviews.Check(r.Context(), project, id, in)
	}))
	s.route("POST "+one+"/threads", reviewAction(s, func(r *http.Request, project, id string, in review.ThreadInput) (review.Review, error) {
		return s.reviews.OpenThread(r.Context(), project, id, in)
	}))
	s.route("POST "+one+"/threads/{thread}/comments", reviewAction(s, func(r *http.Request, project, id string, b commentBody) (review.Review, error) {
		return s.reviews.Reply(r.Context(), project, id, r.PathValue("thread"), b.Body)
	}))
	s.route("POST "+one+"/threads/{thread}/resolution", reviewAction(s, func(r *http.Request, project, id string, b resolutionBody) (review.Review, error) {
		if b.Resolved == nil {
			return review.Review{}, invalid("resolved", "required: true to resolve the thread, false to reopen it")
		}
		return s.reviews.ResolveThread(r.Context(), project, id, r.PathValue("thread"), *b.Resolved)
	}))
	s.route("POST "+one+"/overrides", reviewAction(s, func(r *http.Request, project, id string, in review.OverrideInput) (review.Review, error) {
		return s.reviews.Override(r.Context(), project, id, in)
	}))
	s.route("POST "+one+"/sync", s.syncReview)
	s.route("GET "+base+"/review-settings", s.getReviewSettings)
	s.route("PUT "+base+"/review-settings", s.putReviewSettings)
}

func (s *server) writeReview(w http.ResponseWriter, status int, rv review.Review) {
	w.Header().Set("ETag", etag(rv.Revision))
	writeJSON(w, status, reviewResponse{Review: rv, Outcome: s.reviews.Evaluate(rv)})
}

func (s *server) listReviews(w http.ResponseWriter, r *http.Request) error {
	size, token, err := listQuery(r, "kind", "subject", "participant")
	if err != nil {
		return err
	}
	q := review.ListQuery{PageSize: size, PageToken: token,
		Filter: review.Filter{Kind: review.Kind(r.URL.Query().Get("kind")), Participant: r.URL.Query().Get("participant")}}
	if v := r.URL.Query().Get("subject"); v != "" {
		kind, id, ok := strings.Cut(v, "/")
		if !ok || kind == "" || id == "" {
			return invalid("subject", "must be kind/id, such as requirement/01J…, not %q", v)
		}
		q.Filter.Subject = accord.Ref{Kind: kind, ID: id}
	}
	page, err := s.reviews.List(r.Context(), r.PathValue("project"), q)
	if err != nil {
		return err
	}
	out := review.Page[reviewResponse]{Items: make([]reviewResponse, len(page.Items)), NextPageToken: page.NextPageToken}
	for i, rv := range page.Items {
		out.Items[i] = reviewResponse{Review: rv, Outcome: s.reviews.Evaluate(rv)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) createReview(w http.ResponseWriter, r *http.Request) error {
	var body review.NewReview
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	rv, err := s.reviews.Create(r.Context(), r.PathValue("project"), body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/projects/"+rv.Project+"/reviews/"+rv.ID)
	s.writeReview(w, http.StatusCreated, rv)
	return nil
}

func (s *server) getReview(w http.ResponseWriter, r *http.Request) error {
	rv, err := s.reviews.Get(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeReview(w, http.StatusOK, rv)
	return nil
}

func (s *server) deleteReview(w http.ResponseWriter, r *http.Request) error {
	if err := s.reviews.Delete(r.Context(), r.PathValue("project"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) reviewOutcome(w http.ResponseWriter, r *http.Request) error {
	e, err := s.reviews.Outcome(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *server) reviewSummary(w http.ResponseWriter, r *http.Request) error {
	md, err := s.reviews.Summary(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write([]byte(md))
	return err
}

func (s *server) reviewHistory(w http.ResponseWriter, r *http.Request) error {
	rv, err := s.reviews.Get(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, items[review.Entry]{Items: rv.Log})
	return nil
}

// reviewAction decodes a body into T and applies do to the review.
func reviewAction[T any](s *server, do func(r *http.Request, project, id string, body T) (review.Review, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body T
		if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
			return err
		}
		rv, err := do(r, r.PathValue("project"), r.PathValue("id"), body)
		if err != nil {
			return err
		}
		s.writeReview(w, http.StatusOK, rv)
		return nil
	}
}

func (s *server) removeParticipant(w http.ResponseWriter, r *http.Request) error {
	rv, err := s.reviews.RemoveParticipant(r.Context(), r.PathValue("project"), r.PathValue("id"), r.PathValue("actor"))
	if err != nil {
		return err
	}
	s.writeReview(w, http.StatusOK, rv)
	return nil
}

func (s *server) syncReview(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	rv, err := s.reviews.Sync(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeReview(w, http.StatusOK, rv)
	return nil
}

func (s *server) getReviewSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.reviews.Settings(r.Context(), r.PathValue("project"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(st.Revision))
	writeJSON(w, http.StatusOK, st)
	return nil
}

// reviewSettingsBody is what a client may set; the rest is bookkeeping.
type reviewSettingsBody struct {
	Roles    []string                      `json:"roles,omitempty"`
	Policies map[review.Kind]review.Policy `json:"policies,omitempty"`
}

func (s *server) putReviewSettings(w http.ResponseWriter, r *http.Request) error {
	base, err := ifMatchFrom(r, 0)
	if err != nil {
		return err
	}
	var body reviewSettingsBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	st, err := s.reviews.UpdateSettings(r.Context(), r.PathValue("project"), base, review.Settings{Roles: body.Roles, Policies: body.Policies})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(st.Revision))
	writeJSON(w, http.StatusOK, st)
	return nil
}
