package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/plan"
)

type moveResult struct {
	From plan.Iteration `json:"from"`
	To   plan.Iteration `json:"to"`
}

type trimResult struct {
	Iteration     plan.Iteration `json:"iteration"`
	ChangeRequest accord.Ref     `json:"change_request"`
}

// planSettingsBody is what a client may set; what it leaves out keeps the
// defaults (plan.DefaultSettings).
type planSettingsBody struct {
	Commit              map[plan.Rule]plan.Action `json:"commit,omitempty"`
	ResponseTargetHours float64                   `json:"response_target_hours,omitempty"`
	WorkingHours        plan.WorkingHours         `json:"working_hours,omitzero"`
}

// itemEstimate is one scheduled item with the effort the plan counts.
type itemEstimate struct {
	Item     plan.Item     `json:"item"`
	Estimate plan.Estimate `json:"estimate"`
}

// responseTime is plan.ResponseTimes with the durations in hours.
type responseTime struct {
	To           plan.Addressee `json:"to"`
	Answered     int            `json:"answered"`
	Waiting      int            `json:"waiting"`
	MedianHours  float64        `json:"median_hours"`
	LongestHours float64        `json:"longest_hours"`
}

func planEndpoints() []endpoint {
	const p = base
	const its = p + "/iterations"
	const it = its + "/{id}"
	const ms = p + "/milestones"
	const qs = p + "/questions"
	iteration := func(id, method, path, summary string, body any, handle handler) endpoint {
		return endpoint{id: id, method: method, path: path, summary: summary, body: body, ifMatch: true, status: 200, result: plan.Iteration{}, etag: true, handle: handle}
	}
	return []endpoint{
		{id: "listIterations", method: "GET", path: its, summary: "The project's iterations, filtered",
			query: withPage(filterParam("status", "planning, committed or closed, comma-separated"), filterParam("item", "kind/id of a scheduled record"),
				filterParam("member", "a member in the capacity or among the assignees")),
			status: 200, result: accord.Page[plan.Iteration]{}, handle: read(listIterations)},
		{id: "createIteration", method: "POST", path: its, summary: "Plan an iteration (IT-n): dates, goals, capacity per member", body: plan.IterationContent{},
			status: 201, result: plan.Iteration{}, etag: true, location: true,
			handle: create(func(i plan.Iteration) string { return "/v1/projects/" + i.Project + "/iterations/" + i.ID }, func(c in, b plan.IterationContent) (plan.Iteration, error) {
				return c.plans.CreateIteration(c.ctx(), c.project(), b)
			})},
		{id: "getIteration", method: "GET", path: it, summary: "An iteration by ID or key (IT-3)", status: 200, result: plan.Iteration{}, etag: true,
			handle: read(func(c in) (plan.Iteration, error) { return c.plans.GetIteration(c.ctx(), c.project(), c.id()) })},
		iteration("updateIteration", "PUT", it, "Replace an iteration's name, dates, goals and capacity", plan.IterationContent{},
			update(1, func(c in, base int, b plan.IterationContent) (plan.Iteration, error) {
				return c.plans.UpdateIteration(c.ctx(), c.project(), c.id(), base, b)
			})),
		iteration("scheduleItem", "POST", it+"/items", "Schedule a requirement, change request or contract version, with its assignees", plan.ScheduleInput{},
			update(1, func(c in, base int, b plan.ScheduleInput) (plan.Iteration, error) {
				return c.plans.Schedule(c.ctx(), c.project(), c.id(), base, b)
			})),
		iteration("unscheduleItem", "POST", it+"/unscheduled", "Take an item out of an iteration, saying why", plan.UnscheduleInput{},
			update(1, func(c in, base int, b plan.UnscheduleInput) (plan.Iteration, error) {
				return c.plans.Unschedule(c.ctx(), c.project(), c.id(), base, b)
			})),
		iteration("commitIteration", "POST", it+"/commitment", "Commit to an iteration: refused or warned by the project's rules", noteBody{},
			update(1, func(c in, base int, _ noteBody) (plan.Iteration, error) {
				return c.plans.Commit(c.ctx(), c.project(), c.id(), base)
			})),
		iteration("closeIteration", "POST", it+"/closure", "Close an iteration", plan.CloseInput{},
			update(1, func(c in, base int, b plan.CloseInput) (plan.Iteration, error) {
				return c.plans.Close(c.ctx(), c.project(), c.id(), base, b)
			})),
		{id: "setItemState", method: "POST", path: it + "/item-states", summary: "Record how far a scheduled item is: not_started, in_progress, done or blocked",
			body: plan.ItemStateInput{}, status: 200, result: plan.Iteration{}, etag: true,
			handle: act(func(c in, b plan.ItemStateInput) (plan.Iteration, error) {
				return c.plans.SetItemState(c.ctx(), c.project(), c.id(), b)
			})},
		{id: "moveItem", method: "POST", path: it + "/moves", summary: "Move an item to another iteration, saying why", body: plan.MoveInput{},
			status: 200, result: moveResult{},
			handle: act(func(c in, b plan.MoveInput) (moveResult, error) {
				from, to, err := c.plans.MoveItem(c.ctx(), c.project(), c.id(), b)
				return moveResult{From: from, To: to}, err
			})},
		iteration("reprioritiseItems", "POST", it+"/priorities", "Put the items in a new order, the most important first", plan.ReprioritiseInput{},
			update(1, func(c in, base int, b plan.ReprioritiseInput) (plan.Iteration, error) {
				return c.plans.Reprioritise(c.ctx(), c.project(), c.id(), base, b)
			})),
		iteration("swapScope", "POST", it+"/swaps", "Take one item out and another in, in one revision", plan.SwapInput{},
			update(1, func(c in, base int, b plan.SwapInput) (plan.Iteration, error) {
				return c.plans.SwapScope(c.ctx(), c.project(), c.id(), base, b)
			})),
		{id: "trimScope", method: "POST", path: it + "/trims", summary: "Open a change request that trims a scheduled requirement, recorded with the item",
			body: plan.TrimInput{}, status: 200, result: trimResult{},
			handle: act(func(c in, b plan.TrimInput) (trimResult, error) {
				it, cr, err := c.plans.TrimScope(c.ctx(), c.project(), c.id(), b)
				return trimResult{Iteration: it, ChangeRequest: cr}, err
			})},
		{id: "iterationProgress", method: "GET", path: it + "/progress", summary: "Items and effort by state; blocked where a blocking question is open",
			status: 200, result: plan.Progress{},
			handle: read(func(c in) (plan.Progress, error) { return c.plans.IterationProgress(c.ctx(), c.project(), c.id()) })},
		{id: "iterationBurnUp", method: "GET", path: it + "/burnup", summary: "Scope and done effort at the end of each working day, as recorded then",
			status: 200, result: items[plan.BurnUpPoint]{},
			handle: read(func(c in) (items[plan.BurnUpPoint], error) { return list(c.plans.BurnUp(c.ctx(), c.project(), c.id())) })},
		{id: "iterationBurnUpSVG", method: "GET", path: it + "/burnup.svg", summary: "The burn-up as a picture",
			status: 200, result: "", media: "image/svg+xml", handle: (*server).burnUpSVG},
		{id: "iterationSummary", method: "GET", path: it + "/summary", summary: "The iteration as Markdown to share",
			status: 200, result: "", media: "text/markdown", handle: (*server).iterationSummary},
		{id: "milestoneProgress", method: "GET", path: ms + "/{id}/progress", summary: "A milestone's deliverables by state, and those no iteration schedules",
			status: 200, result: plan.Progress{},
			handle: read(func(c in) (plan.Progress, error) { return c.plans.MilestoneProgress(c.ctx(), c.project(), c.id()) })},
		{id: "milestoneForecast", method: "GET", path: ms + "/{id}/forecast", summary: "When the deliverables will be done at the pace kept so far, with the working",
			status: 200, result: plan.Forecast{},
			handle: read(func(c in) (plan.Forecast, error) { return c.plans.ForecastMilestone(c.ctx(), c.project(), c.id()) })},
		{id: "checkSlips", method: "POST", path: ms + "/slips", summary: "Forecast every milestone ahead; a slip raises (or updates) its schedule risk and is announced",
			body: noteBody{}, status: 200, result: items[plan.Forecast]{},
			handle: act(func(c in, _ noteBody) (items[plan.Forecast], error) {
				return list(c.plans.CheckSlips(c.ctx(), c.project()))
			})},
		{id: "checkIteration", method: "GET", path: it + "/check", summary: "What committing would find, rule by rule, without committing",
			status: 200, result: items[plan.Finding]{},
			handle: read(func(c in) (items[plan.Finding], error) { return list(c.plans.Check(c.ctx(), c.project(), c.id())) })},
		{id: "iterationEstimates", method: "GET", path: it + "/estimates", summary: "Each item's effort and where it comes from (a review, an override, none)",
			status: 200, result: items[itemEstimate]{}, handle: read(iterationEstimates)},
		{id: "listMilestones", method: "GET", path: ms, summary: "The project's milestones", query: withPage(),
			status: 200, result: accord.Page[plan.Milestone]{},
			handle: read(func(c in) (accord.Page[plan.Milestone], error) {
				size, token, err := listQuery(c.r)
				if err != nil {
					return accord.Page[plan.Milestone]{}, err
				}
				return c.plans.ListMilestones(c.ctx(), c.project(), accord.PageQuery{Size: size, Token: token})
			})},
		{id: "createMilestone", method: "POST", path: ms, summary: "Set a milestone (MS-n): a date and its deliverables", body: plan.MilestoneContent{},
			status: 201, result: plan.Milestone{}, etag: true, location: true,
			handle: create(func(m plan.Milestone) string { return "/v1/projects/" + m.Project + "/milestones/" + m.ID }, func(c in, b plan.MilestoneContent) (plan.Milestone, error) {
				return c.plans.CreateMilestone(c.ctx(), c.project(), b)
			})},
		{id: "getMilestone", method: "GET", path: ms + "/{id}", summary: "A milestone by ID or key (MS-2)", status: 200, result: plan.Milestone{}, etag: true,
			handle: read(func(c in) (plan.Milestone, error) { return c.plans.GetMilestone(c.ctx(), c.project(), c.id()) })},
		{id: "updateMilestone", method: "PUT", path: ms + "/{id}", summary: "Replace a milestone's name, date and deliverables", body: plan.MilestoneContent{},
			ifMatch: true, status: 200, result: plan.Milestone{}, etag: true,
			handle: update(1, func(c in, base int, b plan.MilestoneContent) (plan.Milestone, error) {
				return c.plans.UpdateMilestone(c.ctx(), c.project(), c.id(), base, b)
			})},
		{id: "listQuestions", method: "GET", path: qs, summary: "Questions, filtered",
			query: withPage(filterParam("status", "open, answered or resolved, comma-separated"), filterParam("about", "kind/id of the record asked about"),
				filterParam("to_actor", "addressed to this person"), filterParam("to_role", "addressed to this role"), filterParam("blocking", "true: only blocking questions")),
			status: 200, result: accord.Page[plan.Question]{}, handle: read(listQuestions)},
		{id: "askQuestion", method: "POST", path: qs, summary: "Ask a person or a role about a record (Q-n), optionally blocking it", body: plan.Ask{},
			status: 201, result: plan.Question{}, etag: true, location: true,
			handle: create(func(q plan.Question) string { return "/v1/projects/" + q.Project + "/questions/" + q.ID }, func(c in, b plan.Ask) (plan.Question, error) {
				return c.plans.Ask(c.ctx(), c.project(), b)
			})},
		{id: "getQuestion", method: "GET", path: qs + "/{id}", summary: "A question by ID or key (Q-4)", status: 200, result: plan.Question{}, etag: true,
			handle: read(func(c in) (plan.Question, error) { return c.plans.GetQuestion(c.ctx(), c.project(), c.id()) })},
		{id: "replyToQuestion", method: "POST", path: qs + "/{id}/replies", summary: "Answer a question, or follow it up", body: plan.ReplyInput{},
			status: 200, result: plan.Question{}, etag: true,
			handle: act(func(c in, b plan.ReplyInput) (plan.Question, error) {
				return c.plans.Reply(c.ctx(), c.project(), c.id(), b)
			})},
		{id: "resolveQuestion", method: "POST", path: qs + "/{id}/resolution", summary: "Resolve a question, unblocking its record", body: noteBody{},
			status: 200, result: plan.Question{}, etag: true,
			handle: act(func(c in, b noteBody) (plan.Question, error) {
				return c.plans.Resolve(c.ctx(), c.project(), c.id(), b.Note)
			})},
		{id: "overdueQuestions", method: "GET", path: qs + "/overdue", summary: "Open questions past the project's response target, the longest wait first",
			status: 200, result: items[plan.Question]{},
			handle: read(func(c in) (items[plan.Question], error) { return list(c.plans.Overdue(c.ctx(), c.project())) })},
		{id: "questionResponseTimes", method: "GET", path: qs + "/response-times", summary: "Time to first answer per person or role, in working hours",
			query:  []contract.Parameter{{Name: "since", In: contract.InQuery, Description: "an RFC 3339 time; default 90 days ago", Schema: stringSchema}},
			status: 200, result: items[responseTime]{}, handle: read(responseTimes)},
		{id: "getPlanSettings", method: "GET", path: p + "/settings/plans", summary: "The project's commit rules, response target and working hours",
			status: 200, result: plan.Settings{}, etag: true,
			handle: read(func(c in) (plan.Settings, error) { return c.plans.Settings(c.ctx(), c.project()) })},
		{id: "putPlanSettings", method: "PUT", path: p + "/settings/plans", summary: "Replace the project's plan settings (If-Match: \"0\" when never set)",
			body: planSettingsBody{}, ifMatch: true, status: 200, result: plan.Settings{}, etag: true,
			handle: update(0, func(c in, base int, b planSettingsBody) (plan.Settings, error) {
				return c.plans.UpdateSettings(c.ctx(), c.project(), base, plan.Settings{Commit: b.Commit, ResponseTargetHours: b.ResponseTargetHours, WorkingHours: b.WorkingHours})
			})},
	}
}

func refParam(name, v string) (accord.Ref, error) {
	kind, id, ok := strings.Cut(v, "/")
	if !ok || kind == "" || id == "" {
		return accord.Ref{}, invalid(name, "must be kind/id, such as requirement/REQ-3, not %q", v)
	}
	return accord.Ref{Kind: kind, ID: id}, nil
}

func listIterations(c in) (accord.Page[plan.Iteration], error) {
	size, token, err := listQuery(c.r, "status", "item", "member")
	if err != nil {
		return accord.Page[plan.Iteration]{}, err
	}
	f := plan.IterationFilter{Member: c.query("member")}
	for _, v := range values(c.r, "status") {
		if !plan.IterationStatus(v).Valid() {
			return accord.Page[plan.Iteration]{}, invalid("status", "unknown status %q; one of planning, committed, closed", v)
		}
		f.Status = append(f.Status, plan.IterationStatus(v))
	}
	if v := c.query("item"); v != "" {
		if f.Item, err = refParam("item", v); err != nil {
			return accord.Page[plan.Iteration]{}, err
		}
	}
	return c.plans.ListIterations(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
}

func iterationEstimates(c in) (items[itemEstimate], error) {
	it, err := c.plans.GetIteration(c.ctx(), c.project(), c.id())
	if err != nil {
		return items[itemEstimate]{}, err
	}
	out := make([]itemEstimate, 0, len(it.Items))
	for _, item := range it.Items {
		est, err := c.plans.Estimate(c.ctx(), c.project(), item)
		if err != nil {
			return items[itemEstimate]{}, err
		}
		out = append(out, itemEstimate{Item: item, Estimate: est})
	}
	return items[itemEstimate]{Items: out}, nil
}

func listQuestions(c in) (accord.Page[plan.Question], error) {
	size, token, err := listQuery(c.r, "status", "about", "to_actor", "to_role", "blocking")
	if err != nil {
		return accord.Page[plan.Question]{}, err
	}
	f := plan.QuestionFilter{To: plan.Addressee{Actor: c.query("to_actor"), Role: c.query("to_role")}}
	for _, v := range values(c.r, "status") {
		switch s := plan.QuestionStatus(v); s {
		case plan.Open, plan.Answered, plan.Resolved:
			f.Status = append(f.Status, s)
		default:
			return accord.Page[plan.Question]{}, invalid("status", "unknown status %q; one of open, answered, resolved", v)
		}
	}
	if v := c.query("about"); v != "" {
		if f.About, err = refParam("about", v); err != nil {
			return accord.Page[plan.Question]{}, err
		}
	}
	switch c.query("blocking") {
	case "", "false":
	case "true":
		f.Blocking = true
	default:
		return accord.Page[plan.Question]{}, invalid("blocking", "must be true or false, not %q", c.query("blocking"))
	}
	return c.plans.ListQuestions(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
}

func responseTimes(c in) (items[responseTime], error) {
	if err := checkParams(c.r, "since"); err != nil {
		return items[responseTime]{}, err
	}
	since := time.Now().AddDate(0, 0, -90)
	if v := c.query("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return items[responseTime]{}, invalid("since", "must be an RFC 3339 time, not %q", v)
		}
		since = t
	}
	rts, err := c.plans.TimeToAnswer(c.ctx(), c.project(), since)
	if err != nil {
		return items[responseTime]{}, err
	}
	out := make([]responseTime, len(rts))
	for i, rt := range rts {
		out[i] = responseTime{To: rt.To, Answered: rt.Answered, Waiting: rt.Waiting, MedianHours: rt.Median.Hours(), LongestHours: rt.Longest.Hours()}
	}
	return items[responseTime]{Items: out}, nil
}

func (s *server) burnUpSVG(w http.ResponseWriter, r *http.Request) error {
	c := in{s, r}
	svg, err := s.plans.BurnUpChart(r.Context(), c.project(), c.id())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(svg)
	return err
}

func (s *server) iterationSummary(w http.ResponseWriter, r *http.Request) error {
	c := in{s, r}
	md, err := s.plans.Summary(r.Context(), c.project(), c.id())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	_, err = w.Write([]byte(md))
	return err
}
