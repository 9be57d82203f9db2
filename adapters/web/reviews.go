package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

func (s *server) reviewRoutes() {
	s.route("GET /projects/{project}/reviews", s.reviewList)
	s.route("GET /projects/{project}/reviews/{key}", s.reviewPage)
	s.route("POST /projects/{project}/reviews/{key}/verdict", s.reviewVerdict)
	s.route("POST /projects/{project}/reviews/{key}/assess", s.reviewAssess)
	s.route("POST /projects/{project}/reviews/{key}/threads", s.reviewThread)
	s.route("POST /projects/{project}/reviews/{key}/threads/{thread}", s.reviewReply)
}

// reviewThread opens a thread, anchored to a field of the subject or not.
func (s *server) reviewThread(c *call) error {
	in := review.ThreadInput{Anchor: strings.TrimSpace(c.r.PostFormValue("anchor")), Body: strings.TrimSpace(c.r.PostFormValue("body"))}
	return s.reviewChange(c, func(ctx context.Context) error {
		_, err := s.Reviews.OpenThread(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

// reviewReply replies in a thread, or resolves or reopens it ("resolve").
func (s *server) reviewReply(c *call) error {
	key, thread := c.r.PathValue("key"), c.r.PathValue("thread")
	return s.reviewChange(c, func(ctx context.Context) error {
		if v := c.r.PostFormValue("resolve"); v != "" {
			_, err := s.Reviews.ResolveThread(ctx, c.project(), key, thread, v == "true")
			return err
		}
		_, err := s.Reviews.Reply(ctx, c.project(), key, thread, review.ReplyInput{Body: strings.TrimSpace(c.r.PostFormValue("body"))})
		return err
	})
}

type reviewLine struct {
	review.Review
	Eval review.Evaluation
}

func (s *server) reviewList(c *call) error {
	page, err := s.Reviews.List(c.ctx(), c.project(), review.Filter{Kind: review.Kind(c.r.URL.Query().Get("kind"))}, accord.PageQuery{Size: 200, Token: c.r.URL.Query().Get("page")})
	if err != nil {
		return err
	}
	var out []reviewLine
	for _, rv := range page.Items {
		out = append(out, reviewLine{Review: rv, Eval: s.Reviews.Evaluate(rv)})
	}
	return c.render(http.StatusOK, "reviews", c.lang.t("reviews.title"), out, nil)
}

type reviewData struct {
	RV         review.Review
	Eval       review.Evaluation
	Round      review.Round // the open one
	SubjectURL string
	Subject    string
	Mine       bool // the caller takes part
	Decisions  []review.Decision
	Feasible   []review.Feasibility
}

func (s *server) reviewPage(c *call) error {
	rv, err := s.Reviews.Get(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	d := reviewData{RV: rv, Eval: s.Reviews.Evaluate(rv), Decisions: []review.Decision{review.Approve, review.RequestChanges, review.Reject, review.CommentOnly},
		Feasible: []review.Feasibility{review.Feasible, review.FeasibleWithRisks, review.Infeasible}}
	if n := len(rv.Rounds); n > 0 {
		d.Round = rv.Rounds[n-1]
	}
	for _, p := range rv.Participants {
		if p.Actor == c.actor.ID {
			d.Mine = true
		}
	}
	d.Subject = s.name(c, rv.Subject)
	d.SubjectURL = s.path("/projects/" + url.PathEscape(c.project()) + "/go/" + url.PathEscape(rv.Subject.Kind) + "/" + url.PathEscape(rv.Subject.ID))
	return c.render(http.StatusOK, "review", rv.Key+" "+rv.Title, d, nil)
}

// reviewVerdict gives the caller's verdict in the open round.
func (s *server) reviewVerdict(c *call) error {
	round, err := formInt(c.r, "round")
	if err != nil {
		return err
	}
	in := review.VerdictInput{Round: round, Decision: review.Decision(c.r.PostFormValue("decision")), Comment: strings.TrimSpace(c.r.PostFormValue("comment"))}
	return s.reviewChange(c, func(ctx context.Context) error {
		_, err := s.Reviews.Verdict(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

// reviewAssess records the caller's feasibility assessment.
func (s *server) reviewAssess(c *call) error {
	round, err := formInt(c.r, "round")
	if err != nil {
		return err
	}
	difficulty, err := formInt(c.r, "difficulty")
	if err != nil {
		return err
	}
	effort, err := formFloat(c.r, "effort_days")
	if err != nil {
		return err
	}
	in := review.AssessmentInput{Round: round, Feasibility: review.Feasibility(c.r.PostFormValue("feasibility")), Difficulty: difficulty,
		EffortDays: effort, Notes: strings.TrimSpace(c.r.PostFormValue("notes"))}
	if t := strings.TrimSpace(c.r.PostFormValue("risk")); t != "" {
		in.Risks = []review.RiskInput{{Title: t, Category: accord.RiskTechnical}}
	}
	return s.reviewChange(c, func(ctx context.Context) error {
		_, err := s.Reviews.Assess(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

// reviewChange runs a change to a review and shows the review again: with
// the refusal beside the form when the service refused.
func (s *server) reviewChange(c *call, fn func(ctx context.Context) error) error {
	err := s.unit(c.ctx(), fn)
	if err == nil {
		return c.redirect("/projects/" + url.PathEscape(c.project()) + "/reviews/" + url.PathEscape(c.r.PathValue("key")))
	}
	switch accord.ErrorCode(err) {
	case accord.Invalid, accord.FailedPrecondition, accord.PermissionDenied, accord.Conflict:
		c.refused, c.status = c.refusal(err), http.StatusUnprocessableEntity
		return s.reviewPage(c)
	}
	return err
}
