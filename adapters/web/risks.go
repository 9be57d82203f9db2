package web

import (
	"net/http"
	"slices"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/risk"
)

func (s *server) riskRoutes() {
	s.route("GET /projects/{project}/risks", s.riskRegister)
	s.route("GET /projects/{project}/risks/{key}", s.riskPage)
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
	return c.render(http.StatusOK, "risk", r.Key+" "+r.Title, riskData{R: r, Links: links}, nil)
}
