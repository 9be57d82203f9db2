package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/retro"
)

// Promoter turns a retrospective's item or action into a record of
// another domain (a risk, a draft requirement, a change request) and keeps
// the refs both ways. adapters/link implements it.
type Promoter interface {
	Promote(ctx context.Context, project, retroID string, p retro.Promotion) (accord.Ref, error)
}

type voteBody struct {
	Target string `json:"target"`
}

type healthBody struct {
	Scores map[string]int `json:"scores"`
}

type promoted struct {
	Ref accord.Ref `json:"ref"`
}

type retroRevisionSummary struct {
	Number int                 `json:"number"`
	Kind   accord.RevisionKind `json:"kind"`
	Actor  string              `json:"actor"`
	Time   time.Time           `json:"time"`
	Note   string              `json:"note,omitempty"`
	Phase  retro.Phase         `json:"phase"`
}

func retroEndpoints() []endpoint {
	const p = base
	const all = p + "/retros"
	const one = all + "/{id}"
	change := func(id, method, path, summary string, body any, handle handler) endpoint {
		return endpoint{id: id, method: method, path: path, summary: summary, body: body, status: 200, result: retro.Retro{}, etag: true, handle: handle}
	}
	return []endpoint{
		{id: "listRetros", method: "GET", path: all, summary: "Retrospectives, filtered",
			query:  withPage(filterParam("series", "series"), filterParam("phase", "phase"), filterParam("q", "text in key and title")),
			status: 200, result: accord.Page[retro.Retro]{},
			handle: read(func(c in) (accord.Page[retro.Retro], error) {
				size, token, err := listQuery(c.r, "series", "phase", "q")
				if err != nil {
					return accord.Page[retro.Retro]{}, err
				}
				f := retro.Filter{Series: c.query("series"), Phase: retro.Phase(c.query("phase")), Text: c.query("q")}
				if f.Phase != "" && !f.Phase.Valid() {
					return accord.Page[retro.Retro]{}, invalid("phase", "unknown phase %q", f.Phase)
				}
				return c.retros.List(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
			})},
		{id: "createRetro", method: "POST", path: all, summary: "Open a retrospective (RETRO-n, collecting); open actions of its series come along",
			body: retro.NewRetro{}, status: 201, result: retro.Retro{}, etag: true, location: true,
			handle: create(func(r retro.Retro) string { return "/v1/projects/" + r.Project + "/retros/" + r.ID }, func(c in, b retro.NewRetro) (retro.Retro, error) {
				return c.retros.Create(c.ctx(), c.project(), b)
			})},
		{id: "getRetro", method: "GET", path: one, summary: "A retrospective by ID or key (RETRO-2)", status: 200, result: retro.Retro{}, etag: true,
			handle: read(func(c in) (retro.Retro, error) { return c.retros.Get(c.ctx(), c.project(), c.id()) })},
		{id: "deleteRetro", method: "DELETE", path: one, summary: "Delete a retrospective: a tombstone revision ends its history, which stays (an anonymous one's secret is erased)", status: 204,
			query: reasonQuery, handle: remove(func(c in) error { return c.retros.Delete(c.ctx(), c.project(), c.id(), c.query("reason")) })},
		{id: "restoreRetro", method: "POST", path: one + "/restore", summary: "Bring back a deleted retrospective (by ID) within the retention window; admins only",
			body: reasonBody{}, status: 200, result: retro.Retro{}, etag: true,
			handle: act(func(c in, b reasonBody) (retro.Retro, error) {
				return c.retros.Restore(c.ctx(), c.project(), c.id(), b.Reason)
			})},
		optionalIfMatch(change("moveRetroPhase", "POST", one+"/phase", "Move to the next phase (the facilitator); If-Match, when sent, must name the current revision", retro.TransitionInput{},
			act(func(c in, b retro.TransitionInput) (retro.Retro, error) {
				base, err := c.optionalIfMatch()
				if err != nil {
					return retro.Retro{}, err
				}
				return c.retros.Transition(c.ctx(), c.project(), c.id(), base, b)
			}))),
		change("addRetroItem", "POST", one+"/items", "Add a card (collecting)", retro.ItemInput{},
			act(func(c in, b retro.ItemInput) (retro.Retro, error) {
				return c.retros.AddItem(c.ctx(), c.project(), c.id(), b)
			})),
		change("editRetroItem", "PUT", one+"/items/{item}", "Edit one's own card (collecting)", retro.ItemEdit{},
			act(func(c in, b retro.ItemEdit) (retro.Retro, error) {
				return c.retros.EditItem(c.ctx(), c.project(), c.id(), c.path("item"), b)
			})),
		change("groupRetroItems", "POST", one+"/groups", "Group cards (grouping)", retro.GroupInput{},
			act(func(c in, b retro.GroupInput) (retro.Retro, error) {
				return c.retros.Group(c.ctx(), c.project(), c.id(), b)
			})),
		change("voteInRetro", "POST", one+"/votes", "Vote on a card or a group (voting)", voteBody{},
			act(func(c in, b voteBody) (retro.Retro, error) {
				return c.retros.Vote(c.ctx(), c.project(), c.id(), b.Target)
			})),
		change("addRetroNote", "POST", one+"/notes", "Add a discussion note (discussing)", retro.NoteInput{},
			act(func(c in, b retro.NoteInput) (retro.Retro, error) {
				return c.retros.AddNote(c.ctx(), c.project(), c.id(), b)
			})),
		change("addRetroAction", "POST", one+"/actions", "Add an action item (discussing)", retro.ActionInput{},
			act(func(c in, b retro.ActionInput) (retro.Retro, error) {
				return c.retros.AddAction(c.ctx(), c.project(), c.id(), b)
			})),
		change("updateRetroAction", "PUT", one+"/actions/{action}", "Change an action, also once closed", accord.ActionInput{},
			act(func(c in, b accord.ActionInput) (retro.Retro, error) {
				return c.retros.UpdateAction(c.ctx(), c.project(), c.id(), c.path("action"), b)
			})),
		change("addRetroLesson", "POST", one+"/lessons", "Record a lesson learned (discussing)", retro.LessonInput{},
			act(func(c in, b retro.LessonInput) (retro.Retro, error) {
				return c.retros.AddLesson(c.ctx(), c.project(), c.id(), b)
			})),
		change("answerRetroHealth", "POST", one+"/health", "Answer the team health check", healthBody{},
			act(func(c in, b healthBody) (retro.Retro, error) {
				return c.retros.AnswerHealth(c.ctx(), c.project(), c.id(), b.Scores)
			})),
		{id: "promoteFromRetro", method: "POST", path: one + "/promotions", summary: "Turn a card or an action into a risk, a draft requirement or a change request",
			body: retro.Promotion{}, status: 201, result: promoted{},
			handle: withBody(func(c in, b retro.Promotion) (promoted, error) {
				if c.promoter == nil {
					return promoted{}, accord.Errorf(accord.Unimplemented, "this server promotes nothing")
				}
				ref, err := c.promoter.Promote(c.ctx(), c.project(), c.id(), b)
				return promoted{Ref: ref}, err
			}, func(w http.ResponseWriter, v promoted) { writeRecord(w, 201, v) })},
		{id: "getRetroResults", method: "GET", path: one + "/results", summary: "Cards and groups ranked by votes", status: 200, result: items[retro.Tally]{},
			handle: read(func(c in) (items[retro.Tally], error) {
				r, err := c.retros.Get(c.ctx(), c.project(), c.id())
				return list(retro.Results(r), err)
			})},
		{id: "getRetroSummary", method: "GET", path: one + "/summary", summary: "The retrospective as Markdown, safe to share",
			status: 200, result: "", media: "text/markdown", handle: markdownOf(func(c in) (string, error) { return c.retros.Summary(c.ctx(), c.project(), c.id()) })},
		{id: "listDeletedRetros", method: "GET", path: all + "/deleted", summary: deletedSummary("retrospectives"), query: withPage(),
			status: 200, result: accord.Page[retro.Retro]{},
			handle: listDeleted(func(c in, q accord.PageQuery) (accord.Page[retro.Retro], error) {
				return c.retros.ListDeleted(c.ctx(), c.project(), q)
			})},
		{id: "listRetroRevisions", method: "GET", path: one + "/revisions", summary: "The history of a retrospective", status: 200, result: items[retroRevisionSummary]{},
			handle: read(func(c in) (items[retroRevisionSummary], error) {
				revs, err := c.retros.History(c.ctx(), c.project(), c.id())
				return summaries(revs, err, func(v accord.Revision[retro.Retro]) retroRevisionSummary {
					return retroRevisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Phase: v.Record.Phase}
				})
			})},
		{id: "retroHealthTrend", method: "GET", path: all + "/health-trend", summary: "The team health check over a series",
			query:  []contract.Parameter{{Name: "series", In: contract.InQuery, Required: true, Description: "the series", Schema: stringSchema}},
			status: 200, result: items[retro.HealthPoint]{},
			handle: read(func(c in) (items[retro.HealthPoint], error) {
				if err := checkParams(c.r, "series"); err != nil {
					return items[retro.HealthPoint]{}, err
				}
				if c.query("series") == "" {
					return items[retro.HealthPoint]{}, invalid("series", "required")
				}
				return list(c.retros.HealthTrend(c.ctx(), c.project(), c.query("series")))
			})},
		{id: "listLessons", method: "GET", path: p + "/lessons", summary: "Lessons learned across the project's retrospectives",
			query: []contract.Parameter{filterParam("q", "text in the lesson or its tags")}, status: 200, result: items[retro.LessonFound]{},
			handle: read(func(c in) (items[retro.LessonFound], error) {
				if err := checkParams(c.r, "q"); err != nil {
					return items[retro.LessonFound]{}, err
				}
				return list(c.retros.Lessons(c.ctx(), c.project(), c.query("q")))
			})},
		{id: "getRetroSettings", method: "GET", path: p + "/settings/retros", summary: "The project's templates, vote limits and health dimensions",
			status: 200, result: retro.Settings{}, etag: true,
			handle: read(func(c in) (retro.Settings, error) { return c.retros.Settings(c.ctx(), c.project()) })},
		{id: "putRetroSettings", method: "PUT", path: p + "/settings/retros", summary: "Replace the project's retro settings (If-Match: \"0\" when never set)",
			body: retroSettingsBody{}, ifMatch: true, status: 200, result: retro.Settings{}, etag: true,
			handle: update(0, func(c in, base int, b retroSettingsBody) (retro.Settings, error) {
				return c.retros.UpdateSettings(c.ctx(), c.project(), base, retro.Settings{Templates: b.Templates, VotesPerPerson: b.VotesPerPerson,
					VotesPerTarget: b.VotesPerTarget, Health: b.Health})
			})},
	}
}

// retroSettingsBody is what a client may set; what it leaves out keeps the
// defaults.
type retroSettingsBody struct {
	Templates      []retro.Template `json:"templates,omitempty"`
	VotesPerPerson int              `json:"votes_per_person,omitempty"`
	VotesPerTarget int              `json:"votes_per_target,omitempty"`
	Health         []string         `json:"health,omitempty"`
}
