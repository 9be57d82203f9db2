package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/risk"
)

func (s *server) riskRoutes() {
	s.route("GET /projects/{project}/risks", s.riskRegister)
	s.route("GET /projects/{project}/risks/{key}", s.riskPage)
	s.route("POST /projects/{project}/risks/{key}/actions", s.riskAddAction)
	s.route("POST /projects/{project}/risks/{key}/actions/{action}/done", s.riskActionDone)
	s.route("POST /projects/{project}/risks/{key}/reviewed", s.riskReviewed)
}

func (s *server) riskAddAction(c *call) error {
	in := accord.ActionInput{Title: strings.TrimSpace(c.r.PostFormValue("title")), Owner: strings.TrimSpace(c.r.PostFormValue("owner"))}
	if d := strings.TrimSpace(c.r.PostFormValue("due")); d != "" {
		due, err := time.Parse(time.DateOnly, d)
		if err != nil {
			c.refused, c.status = fieldErrors{"due": {"a date, as 2026-05-31"}}, http.StatusUnprocessableEntity
			return s.riskPage(c)
		}
		in.Due = due
	}
	return s.riskChange(c, func(ctx context.Context) error {
		_, err := s.Risks.AddAction(ctx, c.project(), c.r.PathValue("key"), in)
		return err
	})
}

// riskActionDone marks an action of the risk's response done.
func (s *server) riskActionDone(c *call) error {
	return s.riskChange(c, func(ctx context.Context) error {
		r, err := s.Risks.Get(ctx, c.project(), c.r.PathValue("key"))
		if err != nil {
			return err
		}
		if r.Response != nil {
			for _, a := range r.Response.Actions {
				if a.ID == c.r.PathValue("action") {
					_, err := s.Risks.UpdateAction(ctx, c.project(), r.ID, a.ID, accord.ActionInput{Title: a.Title, Owner: a.Owner, Due: a.Due, Note: a.Note, Status: accord.ActionDone})
					return err
				}
			}
		}
		return accord.Errorf(accord.NotFound, "%s has no action %q", r.Key, c.r.PathValue("action"))
	})
}

// riskReviewed records that the risk was looked at, restarting its cadence.
func (s *server) riskReviewed(c *call) error {
	return s.riskChange(c, func(ctx context.Context) error {
		_, err := s.Risks.MarkReviewed(ctx, c.project(), c.r.PathValue("key"), strings.TrimSpace(c.r.PostFormValue("note")))
		return err
	})
}

func (s *server) riskChange(c *call, fn func(ctx context.Context) error) error {
	err := s.unit(c.ctx(), fn)
	if err == nil {
		return c.redirect("/projects/" + url.PathEscape(c.project()) + "/risks/" + url.PathEscape(c.r.PathValue("key")))
	}
	switch accord.ErrorCode(err) {
	case accord.Invalid, accord.FailedPrecondition, accord.PermissionDenied, accord.Conflict:
		c.refused, c.status = c.refusal(err), http.StatusUnprocessableEntity
		return s.riskPage(c)
	}
	return err
}

type registerData struct {
	Risks []risk.Risk
	Heat  risk.HeatMap
	Rows  [][]risk.Cell // the heat map, most likely first
}

// riskRegister is the register with the heat map of current scores.
func (s *server) riskRegister(c *call) error {
	page, err := s.Risks.List(c.ctx(), c.project(), risk.Filter{}, accord.PageQuery{Size: 500})
	if err != nil {
		return err
	}
	heat, err := s.Risks.HeatMap(c.ctx(), c.project(), risk.Current)
	if err != nil {
		return err
	}
	rows := slices.Clone(heat.Cells)
	slices.Reverse(rows)
	return c.render(http.StatusOK, "risks", c.lang.t("risks.title"), registerData{Risks: page.Items, Heat: heat, Rows: rows}, nil)
}

type riskData struct {
	R     risk.Risk
	Links []linkView
	Refs  []external.Reference // the items that stand for it in other systems
}

// riskPage is a risk with its working shown and its actions.
func (s *server) riskPage(c *call) error {
	r, err := s.Risks.Get(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	links, err := s.links(c, accord.Ref{Kind: "risk", ID: r.ID})
	if err != nil {
		return err
	}
	refs, err := s.references(c, accord.Ref{Kind: "risk", ID: r.ID})
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "risk", r.Key+" "+r.Title, riskData{R: r, Links: links, Refs: refs}, nil)
}
