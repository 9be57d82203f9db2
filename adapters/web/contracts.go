package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"sort"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

func (s *server) contractRoutes() {
	s.route("GET /projects/{project}/contracts", s.contractList)
	s.route("GET /projects/{project}/contracts/{service}/{version}", s.contractVersion)
	s.route("GET /projects/{project}/contracts/{service}/diff", s.contractDiff)
}

type contractLine struct {
	contract.Contract
	Versions []contract.Version
}

func (s *server) contractList(c *call) error {
	page, err := s.Contracts.List(c.ctx(), c.project(), contract.Filter{}, accord.PageQuery{Size: 500})
	if err != nil {
		return err
	}
	var out []contractLine
	for _, k := range page.Items {
		vs, err := s.Contracts.Versions(c.ctx(), c.project(), k.ID)
		if err != nil {
			return err
		}
		out = append(out, contractLine{Contract: k, Versions: vs})
	}
	return c.render(http.StatusOK, "contracts", c.lang.t("contracts.title"), out, nil)
}

// contractByService finds a contract by its service name, the key its
// pages use.
func (s *server) contractByService(c *call) (contract.Contract, []contract.Version, error) {
	page, err := s.Contracts.List(c.ctx(), c.project(), contract.Filter{Service: c.r.PathValue("service")}, accord.PageQuery{Size: 1})
	if err != nil {
		return contract.Contract{}, nil, err
	}
	if len(page.Items) == 0 {
		return contract.Contract{}, nil, accord.Errorf(accord.NotFound, "no contract for %s", c.r.PathValue("service"))
	}
	vs, err := s.Contracts.Versions(c.ctx(), c.project(), page.Items[0].ID)
	return page.Items[0], vs, err
}

type versionData struct {
	K          contract.Contract
	V          contract.Version
	Versions   []contract.Version
	Operations []operationView
	Run        *contract.TestRun // the latest run against this version
	Exercised  int
}

type operationView struct {
	contract.Operation
	Statuses []string // responses, in order
	Body     string   // the request body's schema, indented
	Hit      map[string]bool
	Tested   bool
}

func (s *server) contractVersion(c *call) error {
	k, vs, err := s.contractByService(c)
	if err != nil {
		return err
	}
	v, err := s.Contracts.Version(c.ctx(), c.project(), k.ID, c.r.PathValue("version"))
	if err != nil {
		return err
	}
	d := versionData{K: k, V: v, Versions: vs}
	runs, err := s.Contracts.TestRuns(c.ctx(), c.project(), contract.TestRunFilter{ContractID: k.ID, Version: v.Version}, accord.PageQuery{Size: 500})
	if err != nil {
		return err
	}
	if n := len(runs.Items); n > 0 {
		d.Run = &runs.Items[n-1]
	}
	for _, op := range v.Spec.Operations {
		ov := operationView{Operation: op, Hit: map[string]bool{}}
		for code := range op.Responses {
			ov.Statuses = append(ov.Statuses, code)
		}
		sort.Strings(ov.Statuses)
		if op.RequestBody != nil {
			for _, mt := range op.RequestBody.Content {
				ov.Body = indent(mt.Schema)
				break
			}
		}
		if d.Run != nil {
			for _, ex := range d.Run.Operations {
				if ex.ID == op.ID && len(ex.Responses) > 0 {
					ov.Tested = true
					for _, r := range ex.Responses {
						ov.Hit[r] = true
					}
				}
			}
		}
		if ov.Tested {
			d.Exercised++
		}
		d.Operations = append(d.Operations, ov)
	}
	return c.render(http.StatusOK, "contract", k.Service+" "+v.Version, d, nil)
}

func indent(raw json.RawMessage) string {
	var b bytes.Buffer
	if len(raw) == 0 || json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

type contractDiffData struct {
	K        contract.Contract
	From, To string
	Versions []contract.Version
	Changes  []contract.Change
	Breaking int
}

// contractDiff lists the changes between two versions, breaking first.
func (s *server) contractDiff(c *call) error {
	k, vs, err := s.contractByService(c)
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	d := contractDiffData{K: k, From: q.Get("from"), To: q.Get("to"), Versions: vs}
	if len(vs) > 0 && d.To == "" {
		d.To = vs[len(vs)-1].Version
	}
	if len(vs) > 1 && d.From == "" {
		d.From = vs[len(vs)-2].Version
	}
	if d.From != "" && d.To != "" {
		if d.Changes, err = s.Contracts.Changes(c.ctx(), c.project(), k.ID, d.From, d.To); err != nil {
			return err
		}
	}
	rank := map[contract.ChangeLevel]int{contract.Breaking: 0, contract.Warning: 1, contract.Info: 2}
	slices.SortStableFunc(d.Changes, func(a, b contract.Change) int { return rank[a.Level] - rank[b.Level] })
	for _, ch := range d.Changes {
		if ch.Level == contract.Breaking {
			d.Breaking++
		}
	}
	return c.render(http.StatusOK, "contractdiff", k.Service+" "+d.From+" → "+d.To, d, nil)
}
