package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
)

func (s *server) planRoutes() {
	s.route("GET /projects/{project}/plans", s.planList)
	s.route("GET /projects/{project}/iterations/{key}", s.iterationBoard)
	s.route("GET /projects/{project}/iterations/{key}/burnup.svg", s.burnUp)
	s.route("POST /projects/{project}/iterations/{key}/items", s.itemState)
	s.route("GET /projects/{project}/questions", s.questions)
	s.route("POST /projects/{project}/questions/{key}/reply", s.reply)
}

type planData struct {
	Iterations []plan.Iteration
	Milestones []milestoneLine
}

type milestoneLine struct {
	plan.Milestone
	Forecast plan.Forecast
	Names    []string
}

func (s *server) planList(c *call) error {
	its, err := s.Plans.ListIterations(c.ctx(), c.project(), plan.IterationFilter{}, accord.PageQuery{Size: 200})
	if err != nil {
		return err
	}
	ms, err := s.Plans.ListMilestones(c.ctx(), c.project(), accord.PageQuery{Size: 200})
	if err != nil {
		return err
	}
	d := planData{Iterations: its.Items}
	for _, m := range ms.Items {
		f, err := s.Plans.ForecastMilestone(c.ctx(), c.project(), m.ID)
		if err != nil {
			return err
		}
		l := milestoneLine{Milestone: m, Forecast: f}
		for _, ref := range m.Deliverables {
			l.Names = append(l.Names, s.name(c, ref))
		}
		d.Milestones = append(d.Milestones, l)
	}
	return c.render(http.StatusOK, "plans", c.lang.t("plans.title"), d, nil)
}

// boardColumns are the iteration board's columns, in the order work moves.
var boardColumns = []plan.ItemState{plan.NotStarted, plan.InProgress, plan.Blocked, plan.Done}

type boardData struct {
	It        plan.Iteration
	Progress  plan.Progress
	Columns   []plan.ItemState
	ByState   map[plan.ItemState][]itemCard
	Questions []plan.Question      // open blocking questions about the items
	Refs      []external.Reference // the items that stand for the iteration in other systems
}

type itemCard struct {
	plan.ItemProgress
	URL  string
	Refs []external.Reference // the items that stand for the planned record in other systems
}

func (s *server) iterationBoard(c *call) error {
	it, err := s.Plans.GetIteration(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	p, err := s.Plans.IterationProgress(c.ctx(), c.project(), it.ID)
	if err != nil {
		return err
	}
	d := boardData{It: it, Progress: p, Columns: boardColumns, ByState: map[plan.ItemState][]itemCard{}}
	refs, err := s.referencesByRecord(c)
	if err != nil {
		return err
	}
	d.Refs = refs[it.Ref()]
	for _, ip := range p.Items {
		if ip.Name == "" {
			ip.Name = s.name(c, ip.Ref)
		}
		d.ByState[ip.State] = append(d.ByState[ip.State], itemCard{ItemProgress: ip, Refs: refs[ip.Ref],
			URL: s.path("/projects/" + url.PathEscape(c.project()) + "/go/" + url.PathEscape(ip.Ref.Kind) + "/" + url.PathEscape(ip.Ref.ID))})
		if ip.State == plan.Blocked {
			qs, err := s.Plans.ListQuestions(c.ctx(), c.project(), plan.QuestionFilter{About: ip.Ref, Status: []plan.QuestionStatus{plan.Open}, Blocking: true}, accord.PageQuery{Size: 50})
			if err != nil {
				return err
			}
			d.Questions = append(d.Questions, qs.Items...)
		}
	}
	return c.render(http.StatusOK, "board", it.Key+" "+it.Name, d, nil)
}

// burnUp is the iteration's burn-up chart, drawn by the plan service.
func (s *server) burnUp(c *call) error {
	svg, err := s.Plans.BurnUpChart(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "image/svg+xml")
	c.w.Header().Set("Cache-Control", "no-store")
	_, err = c.w.Write(svg)
	return err
}

// itemState moves an item on the board.
func (s *server) itemState(c *call) error {
	kind, id, _ := strings.Cut(c.r.PostFormValue("item"), "/")
	key := c.r.PathValue("key")
	err := s.unit(c.ctx(), func(ctx context.Context) error {
		_, err := s.Plans.SetItemState(ctx, c.project(), key, plan.ItemStateInput{Ref: accord.Ref{Kind: kind, ID: id}, State: plan.ItemState(c.r.PostFormValue("state")), Note: c.r.PostFormValue("note")})
		return err
	})
	if err != nil {
		if code := accord.ErrorCode(err); code == accord.Invalid || code == accord.FailedPrecondition || code == accord.PermissionDenied {
			c.refused, c.status = c.refusal(err), http.StatusUnprocessableEntity
			return s.iterationBoard(c)
		}
		return err
	}
	return c.redirect("/projects/" + url.PathEscape(c.project()) + "/iterations/" + url.PathEscape(key))
}

type questionLine struct {
	plan.Question
	Subject    string
	SubjectURL string
	ForMe      bool
}

type questionsData struct {
	Lines  []questionLine
	Status string
}

// questions is the questions inbox: open ones first (those for the
// caller or their roles marked), with answer and follow-up forms.
func (s *server) questions(c *call) error {
	status := c.r.URL.Query().Get("status")
	f := plan.QuestionFilter{}
	switch status {
	case "":
		status = "open"
		f.Status = []plan.QuestionStatus{plan.Open, plan.Answered}
	case "all":
	default:
		f.Status = []plan.QuestionStatus{plan.QuestionStatus(status)}
	}
	page, err := s.Plans.ListQuestions(c.ctx(), c.project(), f, accord.PageQuery{Size: 200})
	if err != nil {
		return err
	}
	d := questionsData{Status: status}
	for _, q := range page.Items {
		l := questionLine{Question: q, Subject: s.name(c, q.About),
			SubjectURL: s.path("/projects/" + url.PathEscape(c.project()) + "/go/" + url.PathEscape(q.About.Kind) + "/" + url.PathEscape(q.About.ID)),
			ForMe:      q.To.Actor == c.actor.ID || (q.To.Role != "" && c.actor.HasRole(q.To.Role))}
		d.Lines = append(d.Lines, l)
	}
	return c.render(http.StatusOK, "questions", c.lang.t("questions.title"), d, nil)
}

// reply answers a question, follows up on it ("kind" = followup) or
// resolves it ("kind" = resolve, the text its note).
func (s *server) reply(c *call) error {
	key := c.r.PathValue("key")
	kind := c.r.PostFormValue("kind")
	err := s.unit(c.ctx(), func(ctx context.Context) error {
		var err error
		if kind == "resolve" {
			_, err = s.Plans.Resolve(ctx, c.project(), key, strings.TrimSpace(c.r.PostFormValue("text")))
		} else {
			_, err = s.Plans.Reply(ctx, c.project(), key, plan.ReplyInput{Text: strings.TrimSpace(c.r.PostFormValue("text")), Answer: kind != "followup"})
		}
		return err
	})
	if err != nil {
		if code := accord.ErrorCode(err); code == accord.Invalid || code == accord.FailedPrecondition || code == accord.PermissionDenied {
			refused := fieldErrors{}
			for f, msgs := range c.refusal(err) {
				refused[key+"."+f] = msgs // beside this question's form
			}
			c.refused, c.status = refused, http.StatusUnprocessableEntity
			return s.questions(c)
		}
		return err
	}
	return c.redirect("/projects/" + url.PathEscape(c.project()) + "/questions")
}
