package httpapi

import (
	"net/http"
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

type resolutionBody struct {
	Resolved *bool `json:"resolved"`
}

func reviewEndpoints() []endpoint {
	const p = base
	const r = p + "/reviews"
	const one = r + "/{id}"
	// action is a change to one review that answers with the review.
	action := func(id, method, path, summary string, body any, handle handler) endpoint {
		return endpoint{id: id, handle: handle, method: method, path: path, summary: summary, body: body, status: 200, result: reviewResponse{}, etag: true}
	}
	return []endpoint{
		{id: "listReviews", method: "GET", path: r, summary: "List reviews with their outcomes",
			query: withPage(filterParam("kind", "requirement, change_request, contract or acceptance"),
				filterParam("subject", "kind/id of the subject"), filterParam("participant", "an actor taking part")),
			status: 200, result: accord.Page[reviewResponse]{}, handle: read(listReviews)},
		{id: "createReview", method: "POST", path: r, summary: "Open a review of a subject",
			body: review.NewReview{}, status: 201, result: reviewResponse{}, etag: true, location: true,
			handle: create(reviewLocation, func(c in, b review.NewReview) (reviewResponse, error) {
				return c.outcome(c.reviews.Create(c.ctx(), c.project(), b))
			})},
		{id: "getReview", method: "GET", path: one, summary: "Read a review by ID or key (RV-3), with its outcome", status: 200, result: reviewResponse{}, etag: true,
			handle: read(func(c in) (reviewResponse, error) { return c.outcome(c.reviews.Get(c.ctx(), c.project(), c.id())) })},
		{id: "deleteReview", method: "DELETE", path: one, summary: "Delete a review: a tombstone revision ends its history, which stays", status: 204,
			query: reasonQuery, handle: remove(func(c in) error { return c.reviews.Delete(c.ctx(), c.project(), c.id(), c.query("reason")) })},
		{id: "restoreReview", method: "POST", path: one + "/restore", summary: "Bring back a deleted review (by ID) within the retention window; admins only",
			body: reasonBody{}, status: 200, result: review.Review{}, etag: true,
			handle: act(func(c in, b reasonBody) (review.Review, error) {
				return c.reviews.Restore(c.ctx(), c.project(), c.id(), b.Reason)
			})},
		{id: "listDeletedReviews", method: "GET", path: r + "/deleted", summary: deletedSummary("reviews"), query: withPage(),
			status: 200, result: accord.Page[review.Review]{},
			handle: listDeleted(func(c in, q accord.PageQuery) (accord.Page[review.Review], error) {
				return c.reviews.ListDeleted(c.ctx(), c.project(), q)
			})},
		{id: "listReviewRevisions", method: "GET", path: one + "/revisions", summary: "Who changed a review, when and why (a deleted one's too, by ID, its tombstone last)",
			status: 200, result: items[recordRevisionSummary]{},
			handle: read(func(c in) (items[recordRevisionSummary], error) {
				revs, err := c.reviews.History(c.ctx(), c.project(), c.id())
				return summaries(revs, err, func(v accord.Revision[review.Review]) recordRevisionSummary {
					return recordRevisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note}
				})
			})},
		{id: "getReviewOutcome", method: "GET", path: one + "/outcome", summary: "The outcome of the open round and every unmet rule",
			status: 200, result: review.Evaluation{},
			handle: read(func(c in) (review.Evaluation, error) { return c.reviews.Outcome(c.ctx(), c.project(), c.id()) })},
		{id: "getReviewSummary", method: "GET", path: one + "/summary", summary: "The review as Markdown for sharing",
			status: 200, result: "", media: "text/markdown", handle: (*server).reviewSummary},
		{id: "getReviewHistory", method: "GET", path: one + "/history", summary: "Who did what in the review, and when",
			status: 200, result: items[review.Entry]{},
			handle: read(func(c in) (items[review.Entry], error) {
				rv, err := c.reviews.Get(c.ctx(), c.project(), c.id())
				return list(rv.Log, err)
			})},
		action("addReviewParticipant", "POST", one+"/participants", "Add a participant in a role", review.NewParticipant{},
			act(func(c in, b review.NewParticipant) (reviewResponse, error) {
				return c.outcome(c.reviews.AddParticipant(c.ctx(), c.project(), c.id(), b))
			})),
		action("removeReviewParticipant", "DELETE", one+"/participants/{actor}", "Remove a participant", nil,
			read(func(c in) (reviewResponse, error) {
				return c.outcome(c.reviews.RemoveParticipant(c.ctx(), c.project(), c.id(), c.path("actor")))
			})),
		{id: "setReviewDue", method: "PUT", path: one + "/due", summary: "Set or clear the due date",
			body: dueBody{}, ifMatch: true, status: 200, result: reviewResponse{}, etag: true,
			handle: update(1, func(c in, base int, b dueBody) (reviewResponse, error) {
				return c.outcome(c.reviews.SetDue(c.ctx(), c.project(), c.id(), base, b.Due))
			})},
		action("giveVerdict", "POST", one+"/verdicts", "Give a verdict on the open round", review.VerdictInput{},
			act(func(c in, b review.VerdictInput) (reviewResponse, error) {
				return c.outcome(c.reviews.Verdict(c.ctx(), c.project(), c.id(), b))
			})),
		action("withdrawVeto", "POST", one+"/veto-withdrawals", "Withdraw one's standing veto", reasonBody{},
			act(func(c in, b reasonBody) (reviewResponse, error) {
				return c.outcome(c.reviews.WithdrawVeto(c.ctx(), c.project(), c.id(), b.Reason))
			})),
		action("assessFeasibility", "POST", one+"/assessments", "Assess feasibility, difficulty, effort and risks", review.AssessmentInput{},
			act(func(c in, b review.AssessmentInput) (reviewResponse, error) {
				return c.outcome(c.reviews.Assess(c.ctx(), c.project(), c.id(), b))
			})),
		action("checkCriteria", "POST", one+"/checks", "Record acceptance checks", review.CheckInput{},
			act(func(c in, b review.CheckInput) (reviewResponse, error) {
				return c.outcome(c.reviews.Check(c.ctx(), c.project(), c.id(), b))
			})),
		action("openThread", "POST", one+"/threads", "Open a thread on a field", review.ThreadInput{},
			act(func(c in, b review.ThreadInput) (reviewResponse, error) {
				return c.outcome(c.reviews.OpenThread(c.ctx(), c.project(), c.id(), b))
			})),
		action("replyThread", "POST", one+"/threads/{thread}/comments", "Reply in a thread", review.ReplyInput{},
			act(func(c in, b review.ReplyInput) (reviewResponse, error) {
				return c.outcome(c.reviews.Reply(c.ctx(), c.project(), c.id(), c.path("thread"), b))
			})),
		action("resolveThread", "POST", one+"/threads/{thread}/resolution", "Resolve or reopen a thread", resolutionBody{},
			act(func(c in, b resolutionBody) (reviewResponse, error) {
				if b.Resolved == nil {
					return reviewResponse{}, invalid("resolved", "required: true to resolve the thread, false to reopen it")
				}
				return c.outcome(c.reviews.ResolveThread(c.ctx(), c.project(), c.id(), c.path("thread"), *b.Resolved))
			})),
		action("overrideReview", "POST", one+"/overrides", "Force the outcome of the open round", review.OverrideInput{},
			act(func(c in, b review.OverrideInput) (reviewResponse, error) {
				return c.outcome(c.reviews.Override(c.ctx(), c.project(), c.id(), b))
			})),
		action("syncReview", "POST", one+"/sync", "Follow the subject's current revision", nil,
			read(func(c in) (reviewResponse, error) {
				if err := checkParams(c.r); err != nil {
					return reviewResponse{}, err
				}
				return c.outcome(c.reviews.Sync(c.ctx(), c.project(), c.id()))
			})),
		{id: "getReviewSettings", method: "GET", path: p + "/settings/reviews", summary: "The project's review roles and policies",
			status: 200, result: review.Settings{}, etag: true,
			handle: read(func(c in) (review.Settings, error) { return c.reviews.Settings(c.ctx(), c.project()) })},
		{id: "putReviewSettings", method: "PUT", path: p + "/settings/reviews", summary: "Replace the project's review roles and policies (If-Match: \"0\" when never set)",
			body: reviewSettingsBody{}, ifMatch: true, status: 200, result: review.Settings{}, etag: true,
			handle: update(0, func(c in, base int, b reviewSettingsBody) (review.Settings, error) {
				return c.reviews.UpdateSettings(c.ctx(), c.project(), base, review.Settings{Roles: b.Roles, Policies: b.Policies})
			})},
	}
}

// reviewSettingsBody is what a client may set; the rest is bookkeeping.
type reviewSettingsBody struct {
	Roles    []string                      `json:"roles,omitempty"`
	Policies map[review.Kind]review.Policy `json:"policies,omitempty"`
}

func reviewLocation(rv reviewResponse) string {
	return "/v1/projects/" + rv.Project + "/reviews/" + rv.ID
}

// outcome adds the review's outcome, evaluated now.
func (c in) outcome(rv review.Review, err error) (reviewResponse, error) {
	if err != nil {
		return reviewResponse{}, err
	}
	return reviewResponse{Review: rv, Outcome: c.reviews.Evaluate(rv)}, nil
}

func listReviews(c in) (accord.Page[reviewResponse], error) {
	size, token, err := listQuery(c.r, "kind", "subject", "participant")
	if err != nil {
		return accord.Page[reviewResponse]{}, err
	}
	f := review.Filter{Kind: review.Kind(c.query("kind")), Participant: c.query("participant")}
	if v := c.query("subject"); v != "" {
		if f.Subject, err = refParam("subject", v); err != nil {
			return accord.Page[reviewResponse]{}, err
		}
	}
	page, err := c.reviews.List(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
	if err != nil {
		return accord.Page[reviewResponse]{}, err
	}
	out := accord.Page[reviewResponse]{Items: make([]reviewResponse, len(page.Items)), NextPageToken: page.NextPageToken}
	for i, rv := range page.Items {
		out.Items[i], _ = c.outcome(rv, nil)
	}
	return out, nil
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
