package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/retro"
)

func (s *server) retroRoutes() {
	s.route("GET /projects/{project}/retros", s.retroList)
	s.route("GET /projects/{project}/retros/{key}", s.retroBoard)
	s.route("POST /projects/{project}/retros/{key}/items", s.retroAddItem)
	s.route("POST /projects/{project}/retros/{key}/vote", s.retroVote)
	s.route("POST /projects/{project}/retros/{key}/phase", s.retroPhase)
	s.route("POST /projects/{project}/retros/{key}/actions", s.retroAction)
	s.route("POST /projects/{project}/retros/{key}/groups", s.retroGroup)
	s.route("POST /projects/{project}/retros/{key}/notes", s.retroNote)
}

// retroNote records a note of the discussion on a card or a group.
func (s *server) retroNote(c *call) error {
	in := retro.NoteInput{Target: c.r.PostFormValue("target"), Text: strings.TrimSpace(c.r.PostFormValue("text"))}
	return s.retroChange(c, func(ctx context.Context) error {
		_, err := s.Retros.AddNote(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

// retroGroup gathers the checked cards under a title.
func (s *server) retroGroup(c *call) error {
	in := retro.GroupInput{Title: strings.TrimSpace(c.r.PostFormValue("title")), Items: c.r.PostForm["items"]}
	return s.retroChange(c, func(ctx context.Context) error {
		_, err := s.Retros.Group(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

// retroAction records an action agreed in the discussion.
func (s *server) retroAction(c *call) error {
	in := retro.ActionInput{ActionInput: accord.ActionInput{Title: strings.TrimSpace(c.r.PostFormValue("title")), Owner: strings.TrimSpace(c.r.PostFormValue("owner"))},
		Target: c.r.PostFormValue("target")}
	if d := strings.TrimSpace(c.r.PostFormValue("due")); d != "" {
		due, err := time.Parse(time.DateOnly, d)
		if err != nil {
			c.refused, c.status = fieldErrors{"due": {"a date, as 2026-05-31"}}, http.StatusUnprocessableEntity
			return s.retroBoard(c)
		}
		in.Due = due
	}
	return s.retroChange(c, func(ctx context.Context) error {
		_, err := s.Retros.AddAction(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

func (s *server) retroList(c *call) error {
	page, err := s.Retros.List(c.ctx(), c.project(), retro.Filter{}, accord.PageQuery{Size: 200})
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "retros", c.lang.t("retros.title"), page.Items, nil)
}

// phases is the order a retrospective goes through.
var phases = []retro.Phase{retro.Collecting, retro.Grouping, retro.Voting, retro.Discussing, retro.Closed}

type retroData struct {
	R        retro.Retro
	Refs     []external.Reference // the items that stand for it in other systems
	Columns  []retroColumn
	Votes    map[string]int          // by item or group
	Notes    map[string][]retro.Note // by item or group
	Next     retro.Phase             // the phase after this one; empty when closed
	Settings retro.Settings
	Facil    bool // the caller facilitates
	Phases   []retro.Phase
	Groups   []groupView
	Summary  string // once closed: the summary, in Markdown
}

type groupView struct {
	retro.Group
	Texts []string
}

type retroColumn struct {
	retro.Column
	Items []retro.Item
}

func (s *server) retroBoard(c *call) error {
	r, err := s.Retros.Get(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	st, err := s.Retros.Settings(c.ctx(), c.project())
	if err != nil {
		return err
	}
	d := retroData{R: r, Votes: map[string]int{}, Notes: map[string][]retro.Note{}, Settings: st, Facil: r.Facilitator == c.actor.ID, Phases: phases}
	for _, col := range r.Columns {
		rc := retroColumn{Column: col}
		for _, it := range r.Items {
			if it.Column == col.ID {
				rc.Items = append(rc.Items, it)
			}
		}
		d.Columns = append(d.Columns, rc)
	}
	for _, v := range r.Votes {
		d.Votes[v.Target]++
	}
	for _, n := range r.Notes {
		d.Notes[n.Target] = append(d.Notes[n.Target], n)
	}
	for _, g := range r.Groups {
		gv := groupView{Group: g}
		for _, id := range g.Items {
			for _, it := range r.Items {
				if it.ID == id {
					gv.Texts = append(gv.Texts, it.Text)
				}
			}
		}
		d.Groups = append(d.Groups, gv)
	}
	if r.Phase == retro.Closed {
		if d.Summary, err = s.Retros.Summary(c.ctx(), c.project(), r.ID); err != nil {
			return err
		}
	}
	for i, p := range phases {
		if p == r.Phase && i+1 < len(phases) {
			d.Next = phases[i+1]
		}
	}
	if d.Refs, err = s.references(c, r.Ref()); err != nil {
		return err
	}
	return c.render(http.StatusOK, "retro", r.Key+" "+r.Title, d, nil)
}

func (s *server) retroAddItem(c *call) error {
	in := retro.ItemInput{Column: c.r.PostFormValue("column"), Text: strings.TrimSpace(c.r.PostFormValue("text"))}
	return s.retroChange(c, func(ctx context.Context) error {
		_, err := s.Retros.AddItem(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

func (s *server) retroVote(c *call) error {
	return s.retroChange(c, func(ctx context.Context) error {
		_, err := s.Retros.Vote(ctx, c.project(), c.r.PathValue("key"), c.r.PostFormValue("target"))
		return err
	})
}

func (s *server) retroPhase(c *call) error {
	base, err := formInt(c.r, "base")
	if err != nil {
		return err
	}
	return s.retroChange(c, func(ctx context.Context) error {
		_, err := s.Retros.Transition(ctx, c.project(), c.r.PathValue("key"), base, retro.TransitionInput{To: retro.Phase(c.r.PostFormValue("phase"))})
		return err
	})
}

// retroChange runs a change and shows the board again, with the service's
// refusal (a vote over the limit, a card in the wrong phase) on it.
func (s *server) retroChange(c *call, fn func(ctx context.Context) error) error {
	err := s.unit(c.ctx(), fn)
	if err == nil {
		return c.redirect("/projects/" + url.PathEscape(c.project()) + "/retros/" + url.PathEscape(c.r.PathValue("key")))
	}
	switch accord.ErrorCode(err) {
	case accord.Invalid, accord.FailedPrecondition, accord.PermissionDenied, accord.Conflict:
		c.refused, c.status = c.refusal(err), http.StatusUnprocessableEntity
		return s.retroBoard(c)
	}
	return err
}
