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

func reviewEndpoints() []endpoint {
	const p = base
	const r = p + "/reviews"
	const one = r + "/{id}"
	action := func(id string, handle func(*server, http.ResponseWriter, *http.Request) error, method, path, summary string, body any) endpoint {
		return endpoint{id: id, handle: handle, method: method, path: path, summary: summary, body: body, status: 200, result: reviewResponse{}, etag: true}
	}
	return []endpoint{
		{id: "listReviews", handle: (*server).listReviews, method: "GET", path: r, summary: "List reviews with their outcomes",
			query: withPage(filterParam("kind", "requirement, change_request, contract or acceptance"),
				filterParam("subject", "kind/id of the subject"), filterParam("participant", "an actor taking part")),
			status: 200, result: accord.Page[reviewResponse]{}},
		{id: "createReview", handle: (*server).createReview, method: "POST", path: r, summary: "Open a review of a subject",
			body: review.NewReview{}, status: 201, result: reviewResponse{}, etag: true, location: true},
		{id: "getReview", handle: (*server).getReview, method: "GET", path: one, summary: "Read a review by ID or key (RV-3), with its outcome", status: 200, result: reviewResponse{}, etag: true},
		{id: "deleteReview", handle: (*server).deleteReview, method: "DELETE", path: one, summary: "Delete a review", status: 204},
		{id: "getReviewOutcome", handle: (*server).reviewOutcome, method: "GET", path: one + "/outcome", summary: "The outcome of the open round and every unmet rule",
			status: 200, result: review.Evaluation{}},
		{id: "getReviewSummary", handle: (*server).reviewSummary, method: "GET", path: one + "/summary", summary: "The review as Markdown for sharing",
			status: 200, result: "", media: "text/markdown"},
		{id: "getReviewHistory", handle: (*server).reviewHistory, method: "GET", path: one + "/history", summary: "Who did what in the review, and when",
			status: 200, result: items[review.Entry]{}},
		action("addReviewParticipant", addParticipant, "POST", one+"/participants", "Add a participant in a role", review.NewParticipant{}),
		action("removeReviewParticipant", (*server).removeParticipant, "DELETE", one+"/participants/{actor}", "Remove a participant", nil),
		{id: "setReviewDue", handle: setDue, method: "PUT", path: one + "/due", summary: "Set or clear the due date",
			body: dueBody{}, ifMatch: true, status: 200, result: reviewResponse{}, etag: true},
		action("giveVerdict", giveVerdict, "POST", one+"/verdicts", "Give a verdict on the open round", review.VerdictInput{}),
		action("withdrawVeto", withdrawVeto, "POST", one+"/veto-withdrawals", "Withdraw one's standing veto", reasonBody{}),
		action("assessFeasibility", assess, "POST", one+"/assessments", "Assess feasibility, difficulty, effort and risks", review.AssessmentInput{}),
		action("checkCriteria", checkCriteria, "POST", one+"/checks", "Record acceptance checks", review.CheckInput{}),
		action("openThread", openThread, "POST", one+"/threads", "Open a thread on a field", review.ThreadInput{}),
		action("replyThread", replyThread, "POST", one+"/threads/{thread}/comments", "Reply in a thread", commentBody{}),
		action("resolveThread", resolveThread, "POST", one+"/threads/{thread}/resolution", "Resolve or reopen a thread", resolutionBody{}),
		action("overrideReview", overrideReview, "POST", one+"/overrides", "Force the outcome of the open round", review.OverrideInput{}),
		action("syncReview", (*server).syncReview, "POST", one+"/sync", "Follow the subject's current revision", nil),
		{id: "getReviewSettings", handle: (*server).getReviewSettings, method: "GET", path: p + "/settings/reviews", summary: "The project's review roles and policies",
			status: 200, result: review.Settings{}, etag: true},
		{id: "putReviewSettings", handle: (*server).putReviewSettings, method: "PUT", path: p + "/settings/reviews", summary: "Replace the project's review roles and policies (If-Match: \"0\" when never set)",
			body: reviewSettingsBody{}, ifMatch: true, status: 200, result: review.Settings{}, etag: true},
	}
}

// The review actions that take a body.
var (
	addParticipant = reviewAction(func(s *server, r *http.Request, project, id string, p review.NewParticipant) (review.Review, error) {
		return s.reviews.AddParticipant(r.Context(), project, id, p)
	})
	setDue = reviewAction(func(s *server, r *http.Request, project, id string, b dueBody) (review.Review, error) {
		base, err := ifMatch(r)
		if err != nil {
			return review.Review{}, err
		}
		return s.reviews.SetDue(r.Context(), project, id, base, b.Due)
	})
	giveVerdict = reviewAction(func(s *server, r *http.Request, project, id string, in review.VerdictInput) (review.Review, error) {
		return s.reviews.Verdict(r.Context(), project, id, in)
	})
	withdrawVeto = reviewAction(func(s *server, r *http.Request, project, id string, b reasonBody) (review.Review, error) {
		return s.reviews.WithdrawVeto(r.Context(), project, id, b.Reason)
	})
	assess = reviewAction(func(s *server, r *http.Request, project, id string, in review.AssessmentInput) (review.Review, error) {
		return s.reviews.Assess(r.Context(), project, id, in)
	})
	checkCriteria = reviewAction(func(s *server, r *http.Request, project, id string, in review.CheckInput) (review.Review, error) {
		return s.reviews.Check(r.Context(), project, id, in)
	})
	openThread = reviewAction(func(s *server, r *http.Request, project, id string, in review.ThreadInput) (review.Review, error) {
		return s.reviews.OpenThread(r.Context(), project, id, in)
	})
	replyThread = reviewAction(func(s *server, r *http.Request, project, id string, b commentBody) (review.Review, error) {
		return s.reviews.Reply(r.Context(), project, id, r.PathValue("thread"), b.Body)
	})
	resolveThread = reviewAction(func(s *server, r *http.Request, project, id string, b resolutionBody) (review.Review, error) {
		if b.Resolved == nil {
			return review.Review{}, invalid("resolved", "required: true to resolve the thread, false to reopen it")
		}
		return s.reviews.ResolveThread(r.Context(), project, id, r.PathValue("thread"), *b.Resolved)
	})
	overrideReview = reviewAction(func(s *server, r *http.Request, project, id string, in review.OverrideInput) (review.Review, error) {
		return s.reviews.Override(r.Context(), project, id, in)
	})
)

func (s *server) writeReview(w http.ResponseWriter, status int, rv review.Review) {
	w.Header().Set("ETag", etag(rv.Revision))
	writeJSON(w, status, reviewResponse{Review: rv, Outcome: s.reviews.Evaluate(rv)})
}

func (s *server) listReviews(w http.ResponseWriter, r *http.Request) error {
	size, token, err := listQuery(r, "kind", "subject", "participant")
	if err != nil {
		return err
	}
	f := review.Filter{Kind: review.Kind(r.URL.Query().Get("kind")), Participant: r.URL.Query().Get("participant")}
	if v := r.URL.Query().Get("subject"); v != "" {
		kind, id, ok := strings.Cut(v, "/")
		if !ok || kind == "" || id == "" {
			return invalid("subject", "must be kind/id, such as requirement/01J…, not %q", v)
		}
		f.Subject = accord.Ref{Kind: kind, ID: id}
	}
	page, err := s.reviews.List(r.Context(), r.PathValue("project"), f, accord.PageQuery{Size: size, Token: token})
	if err != nil {
		return err
	}
	out := accord.Page[reviewResponse]{Items: make([]reviewResponse, len(page.Items)), NextPageToken: page.NextPageToken}
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
func reviewAction[T any](do func(s *server, r *http.Request, project, id string, body T) (review.Review, error)) func(*server, http.ResponseWriter, *http.Request) error {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		var body T
		if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
			return err
		}
		rv, err := do(s, r, r.PathValue("project"), r.PathValue("id"), body)
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
