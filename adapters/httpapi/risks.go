package httpapi

import (
	"net/http"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/risk"
)

// riskSettingsBody is what a client may set; what it leaves out keeps the
// defaults (risk.DefaultSettings).
type riskSettingsBody struct {
	Likelihood  risk.Scale              `json:"likelihood,omitempty"`
	Impact      []risk.Dimension        `json:"impact,omitempty"`
	Scoring     risk.Scoring            `json:"scoring,omitzero"`
	Categories  []string                `json:"categories,omitempty"`
	AcceptRoles map[risk.Level][]string `json:"accept_roles,omitempty"`
	ReviewDays  map[risk.Level]int      `json:"review_days,omitempty"`
}

type noteBody struct {
	Note string `json:"note"`
}

type riskRevisionSummary struct {
	Number int                 `json:"number"`
	Kind   accord.RevisionKind `json:"kind"`
	Actor  string              `json:"actor"`
	Time   time.Time           `json:"time"`
	Note   string              `json:"note,omitempty"`
	Status risk.Status         `json:"status"`
}

// riskResponse is a risk with its consistency findings.
type riskResponse struct {
	risk.Risk
	Findings []risk.Finding `json:"findings"`
}

func withFindings(r risk.Risk, err error) (riskResponse, error) {
	f := risk.Check(r)
	if f == nil {
		f = []risk.Finding{}
	}
	return riskResponse{Risk: r, Findings: f}, err
}

func riskEndpoints() []endpoint {
	const p = base
	const all = p + "/risks"
	const one = all + "/{id}"
	change := func(id, method, path, summary string, body any, ifMatch bool, handle handler) endpoint {
		return endpoint{id: id, method: method, path: path, summary: summary, body: body, ifMatch: ifMatch, status: 200, result: riskResponse{}, etag: true, handle: handle}
	}
	stage := contract.Parameter{Name: "stage", In: contract.InQuery, Description: "inherent, current (default) or target", Schema: stringSchema}
	at := contract.Parameter{Name: "at", In: contract.InQuery, Description: "an RFC 3339 time; default now", Schema: stringSchema}
	return []endpoint{
		{id: "listRisks", method: "GET", path: all, summary: "The register, filtered",
			query: withPage(filterParam("status", "statuses, comma-separated"), filterParam("kind", "threat or opportunity"), filterParam("category", "category"),
				filterParam("level", "current levels, comma-separated"), filterParam("owner", "owner"), filterParam("link", "kind/id of a linked record"),
				filterParam("q", "text in the statement"), filterParam("overdue", "true: only risks with something overdue now")),
			status: 200, result: accord.Page[risk.Risk]{}, handle: read(listRisks)},
		{id: "createRisk", method: "POST", path: all, summary: "File a risk (RISK-n, identified)", body: risk.NewRisk{},
			status: 201, result: riskResponse{}, etag: true, location: true,
			handle: create(func(r riskResponse) string { return "/v1/projects/" + r.Project + "/risks/" + r.ID }, func(c in, b risk.NewRisk) (riskResponse, error) {
				return withFindings(c.risks.Create(c.ctx(), c.project(), b))
			})},
		{id: "getRisk", method: "GET", path: one, summary: "A risk by ID or key (RISK-3), with its findings", status: 200, result: riskResponse{}, etag: true,
			handle: read(func(c in) (riskResponse, error) { return withFindings(c.risks.Get(c.ctx(), c.project(), c.id())) })},
		change("updateRisk", "PUT", one, "Replace a risk's statement and filing", risk.Content{}, true,
			update(1, func(c in, base int, b risk.Content) (riskResponse, error) {
				return withFindings(c.risks.Update(c.ctx(), c.project(), c.id(), base, b))
			})),
		{id: "deleteRisk", method: "DELETE", path: one, summary: "Delete a risk: a tombstone revision ends its history, which stays", status: 204,
			query: reasonQuery, handle: remove(func(c in) error { return c.risks.Delete(c.ctx(), c.project(), c.id(), c.query("reason")) })},
		{id: "restoreRisk", method: "POST", path: one + "/restore", summary: "Bring back a deleted risk (by ID) within the retention window; admins only",
			body: reasonBody{}, status: 200, result: risk.Risk{}, etag: true,
			handle: act(func(c in, b reasonBody) (risk.Risk, error) {
				return c.risks.Restore(c.ctx(), c.project(), c.id(), b.Reason)
			})},
		change("transitionRisk", "POST", one+"/transitions", "Move a risk along its lifecycle", risk.TransitionInput{}, true,
			update(1, func(c in, base int, b risk.TransitionInput) (riskResponse, error) {
				return withFindings(c.risks.Transition(c.ctx(), c.project(), c.id(), base, b))
			})),
		change("assessRisk", "POST", one+"/assessments", "Score a stage; the working is kept", risk.AssessInput{}, true,
			update(1, func(c in, base int, b risk.AssessInput) (riskResponse, error) {
				return withFindings(c.risks.Assess(c.ctx(), c.project(), c.id(), base, b))
			})),
		change("respondToRisk", "PUT", one+"/response", "Set the response strategy and plan", risk.ResponseInput{}, true,
			update(1, func(c in, base int, b risk.ResponseInput) (riskResponse, error) {
				return withFindings(c.risks.Respond(c.ctx(), c.project(), c.id(), base, b))
			})),
		change("addRiskAction", "POST", one+"/actions", "Add a mitigation action", accord.ActionInput{}, false,
			act(func(c in, b accord.ActionInput) (riskResponse, error) {
				return withFindings(c.risks.AddAction(c.ctx(), c.project(), c.id(), b))
			})),
		change("updateRiskAction", "PUT", one+"/actions/{action}", "Change an action", accord.ActionInput{}, false,
			act(func(c in, b accord.ActionInput) (riskResponse, error) {
				return withFindings(c.risks.UpdateAction(c.ctx(), c.project(), c.id(), c.path("action"), b))
			})),
		change("acceptRisk", "POST", one+"/acceptance", "Accept a risk at its level, with a rationale and an expiry", risk.AcceptInput{}, true,
			update(1, func(c in, base int, b risk.AcceptInput) (riskResponse, error) {
				return withFindings(c.risks.Accept(c.ctx(), c.project(), c.id(), base, b))
			})),
		change("markRiskReviewed", "POST", one+"/reviewed", "Record a review that changed nothing", noteBody{}, false,
			act(func(c in, b noteBody) (riskResponse, error) {
				return withFindings(c.risks.MarkReviewed(c.ctx(), c.project(), c.id(), b.Note))
			})),
		{id: "listDeletedRisks", method: "GET", path: all + "/deleted", summary: deletedSummary("risks"), query: withPage(),
			status: 200, result: accord.Page[risk.Risk]{},
			handle: listDeleted(func(c in, q accord.PageQuery) (accord.Page[risk.Risk], error) {
				return c.risks.ListDeleted(c.ctx(), c.project(), q)
			})},
		{id: "listRiskRevisions", method: "GET", path: one + "/revisions", summary: "Who changed a risk, when and why", status: 200, result: items[riskRevisionSummary]{},
			handle: read(func(c in) (items[riskRevisionSummary], error) {
				revs, err := c.risks.History(c.ctx(), c.project(), c.id())
				return summaries(revs, err, func(v accord.Revision[risk.Risk]) riskRevisionSummary {
					return riskRevisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Status: v.Record.Status}
				})
			})},
		{id: "diffRisk", method: "GET", path: one + "/diff", summary: "Field-level changes between two revisions",
			query: []contract.Parameter{revisionQuery("from"), revisionQuery("to")}, status: 200, result: diffResponse{},
			handle: read(func(c in) (diffResponse, error) {
				from, to, err := fromTo(c.r)
				if err != nil {
					return diffResponse{}, err
				}
				cs, err := c.risks.Diff(c.ctx(), c.project(), c.id(), from, to)
				return changes(from, to, cs, err)
			})},
		{id: "riskOverdue", method: "GET", path: all + "/overdue", summary: "Reviews due, late actions and expired acceptances, computed now",
			query: []contract.Parameter{at}, status: 200, result: risk.OverdueReport{},
			handle: read(func(c in) (risk.OverdueReport, error) {
				now, err := atParam(c)
				if err != nil {
					return risk.OverdueReport{}, err
				}
				return c.risks.Overdue(c.ctx(), c.project(), now)
			})},
		{id: "riskHeatMap", method: "GET", path: all + "/heatmap", summary: "Open risks per likelihood x impact cell of a stage",
			query: []contract.Parameter{stage}, status: 200, result: risk.HeatMap{},
			handle: read(func(c in) (risk.HeatMap, error) { return heatMap(c) })},
		{id: "riskHeatMapSVG", method: "GET", path: all + "/heatmap.svg", summary: "The heat map as a picture",
			query: []contract.Parameter{stage}, status: 200, result: "", media: "image/svg+xml", handle: (*server).heatMapSVG},
		{id: "riskRegister", method: "GET", path: all + "/register", summary: "The register as Markdown to share",
			query: []contract.Parameter{at}, status: 200, result: "", media: "text/markdown", handle: (*server).riskRegister},
		{id: "riskRegisterAsOf", method: "GET", path: all + "/as-of", summary: "The register as it stood at a past moment",
			query: []contract.Parameter{at}, status: 200, result: items[risk.Risk]{},
			handle: read(func(c in) (items[risk.Risk], error) {
				when, err := atParam(c)
				if err != nil {
					return items[risk.Risk]{}, err
				}
				return list(c.risks.AsOf(c.ctx(), c.project(), when))
			})},
		{id: "riskLevelCounts", method: "GET", path: all + "/level-counts", summary: "Open risks per level at each moment asked (at=, repeated or comma-separated)",
			query:  []contract.Parameter{{Name: "at", In: contract.InQuery, Required: true, Description: "RFC 3339 times, comma-separated or repeated", Schema: stringSchema}},
			status: 200, result: items[levelCounts]{}, handle: read(riskLevelCounts)},
		{id: "rescoreRisks", method: "POST", outsideUnit: true, path: all + "/rescore", summary: "Dry run: which levels another scoring method would change",
			body: risk.Scoring{}, status: 200, result: items[risk.Rescored]{},
			handle: act(func(c in, b risk.Scoring) (items[risk.Rescored], error) {
				return list(c.risks.Rescore(c.ctx(), c.project(), b))
			})},
		{id: "getRiskSettings", method: "GET", path: p + "/settings/risks", summary: "The project's risk scales, scoring, acceptance roles and cadence",
			status: 200, result: risk.Settings{}, etag: true,
			handle: read(func(c in) (risk.Settings, error) { return c.risks.Settings(c.ctx(), c.project()) })},
		{id: "putRiskSettings", method: "PUT", path: p + "/settings/risks", summary: "Replace the project's risk settings (If-Match: \"0\" when never set)",
			body: riskSettingsBody{}, ifMatch: true, status: 200, result: risk.Settings{}, etag: true,
			handle: update(0, func(c in, base int, b riskSettingsBody) (risk.Settings, error) {
				return c.risks.UpdateSettings(c.ctx(), c.project(), base, risk.Settings{Likelihood: b.Likelihood, Impact: b.Impact,
					Scoring: b.Scoring, Categories: b.Categories, AcceptRoles: b.AcceptRoles, ReviewDays: b.ReviewDays})
			})},
	}
}

func listRisks(c in) (accord.Page[risk.Risk], error) {
	size, token, err := listQuery(c.r, "status", "kind", "category", "level", "owner", "link", "q", "overdue")
	if err != nil {
		return accord.Page[risk.Risk]{}, err
	}
	f := risk.Filter{Kind: risk.Kind(c.query("kind")), Category: c.query("category"), Owner: c.query("owner"), Text: c.query("q")}
	for _, v := range values(c.r, "status") {
		if !risk.Status(v).Valid() {
			return accord.Page[risk.Risk]{}, invalid("status", "unknown status %q", v)
		}
		f.Status = append(f.Status, risk.Status(v))
	}
	for _, v := range values(c.r, "level") {
		if !risk.Level(v).Valid() {
			return accord.Page[risk.Risk]{}, invalid("level", "unknown level %q; one of low, medium, high, critical", v)
		}
		f.Level = append(f.Level, risk.Level(v))
	}
	if v := c.query("link"); v != "" {
		if f.Link, err = refParam("link", v); err != nil {
			return accord.Page[risk.Risk]{}, err
		}
	}
	switch c.query("overdue") {
	case "", "false":
	case "true":
		f.Overdue = time.Now().UTC()
	default:
		return accord.Page[risk.Risk]{}, invalid("overdue", "true or false")
	}
	return c.risks.List(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
}

// levelCounts is the open risks per level at one moment.
type levelCounts struct {
	At     time.Time          `json:"at"`
	Counts map[risk.Level]int `json:"counts"`
}

func riskLevelCounts(c in) (items[levelCounts], error) {
	if err := checkParams(c.r, "at"); err != nil {
		return items[levelCounts]{}, err
	}
	var at []time.Time
	for _, v := range values(c.r, "at") {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return items[levelCounts]{}, invalid("at", "must be RFC 3339 times such as 2026-06-01T00:00:00Z, not %q", v)
		}
		at = append(at, t)
	}
	if len(at) == 0 || len(at) > 100 {
		return items[levelCounts]{}, invalid("at", "give 1 to 100 moments")
	}
	counts, err := c.risks.LevelCounts(c.ctx(), c.project(), at...)
	out := make([]levelCounts, len(counts))
	for i := range counts {
		out[i] = levelCounts{At: at[i], Counts: counts[i]}
	}
	return items[levelCounts]{Items: out}, err
}

func atParam(c in) (time.Time, error) {
	if err := checkParams(c.r, "at"); err != nil {
		return time.Time{}, err
	}
	v := c.query("at")
	if v == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, invalid("at", "must be an RFC 3339 time such as 2026-06-01T00:00:00Z, not %q", v)
	}
	return t, nil
}

func heatMap(c in) (risk.HeatMap, error) {
	if err := checkParams(c.r, "stage"); err != nil {
		return risk.HeatMap{}, err
	}
	stage := risk.Stage(c.query("stage"))
	if stage == "" {
		stage = risk.Current
	}
	return c.risks.HeatMap(c.ctx(), c.project(), stage)
}

func (s *server) heatMapSVG(w http.ResponseWriter, r *http.Request) error {
	h, err := heatMap(in{s, r})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(h.SVG())
	return err
}

func (s *server) riskRegister(w http.ResponseWriter, r *http.Request) error {
	c := in{s, r}
	now, err := atParam(c)
	if err != nil {
		return err
	}
	md, err := s.risks.Register(r.Context(), c.project(), now)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write([]byte(md))
	return err
}
