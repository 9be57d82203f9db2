package risk

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// DueReview is a risk whose review is due.
type DueReview struct {
	Key   string    `json:"key"`
	Title string    `json:"title"`
	Owner string    `json:"owner"`
	Level Level     `json:"level"`
	Due   time.Time `json:"due"`
}

// LateAction is an unfinished action past its due date.
type LateAction struct {
	Key    string        `json:"key"`
	Action accord.Action `json:"action"`
}

// ExpiredAcceptance is an acceptance whose expiry has passed.
type ExpiredAcceptance struct {
	Key        string     `json:"key"`
	Title      string     `json:"title"`
	Acceptance Acceptance `json:"acceptance"`
}

// OverdueReport is what needs attention at a moment.
type OverdueReport struct {
	At          time.Time           `json:"at"`
	Reviews     []DueReview         `json:"reviews"`
	Actions     []LateAction        `json:"actions"`
	Acceptances []ExpiredAcceptance `json:"acceptances"`
}

// Overdue lists, as of now, the risks whose review is due under the
// project's cadence, the actions past their due date and the acceptances
// that expired. It is computed when asked, from the records and the time
// given, so nothing depends on a scheduler having run.
// Errors: Invalid (bad project).
func (s *Service) Overdue(ctx context.Context, project string, now time.Time) (OverdueReport, error) {
	st, err := s.Settings(ctx, project)
	if err != nil {
		return OverdueReport{}, err
	}
	risks, err := s.all(ctx, project, Filter{})
	if err != nil {
		return OverdueReport{}, err
	}
	return overdue(st, risks, now), nil
}

// overdue is Overdue over risks already read.
func overdue(st Settings, risks []Risk, now time.Time) OverdueReport {
	rep := OverdueReport{At: now, Reviews: []DueReview{}, Actions: []LateAction{}, Acceptances: []ExpiredAcceptance{}}
	for i := range risks {
		r := &risks[i]
		if due, ok := st.due(r); ok && !now.Before(due) {
			rep.Reviews = append(rep.Reviews, DueReview{Key: r.Key, Title: r.Title, Owner: r.Owner, Level: r.Level(), Due: due})
		}
		if r.Response != nil && r.Status.Open() {
			for _, a := range r.Response.Actions {
				if a.Overdue(now) {
					rep.Actions = append(rep.Actions, LateAction{Key: r.Key, Action: a})
				}
			}
		}
		if acc := r.Acceptance; acc != nil && acc.LapsedAt.IsZero() && r.Status == Accepted && !now.Before(acc.Expires) {
			rep.Acceptances = append(rep.Acceptances, ExpiredAcceptance{Key: r.Key, Title: r.Title, Acceptance: *acc})
		}
	}
	return rep
}

// NotifyDue publishes EventReviewDue once per risk per due date: a risk
// whose review fell due since the last notice. The reference server calls
// it on a timer; the notice is kept on the risk (DueNotified), so several
// servers and restarts notify once. It returns how many it published.
func (s *Service) NotifyDue(ctx context.Context, project string, now time.Time) (int, error) {
	rep, err := s.Overdue(ctx, project, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range rep.Reviews {
		_, err := s.change(ctx, project, d.Key, 0, func(r *Risk, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
			if !r.DueNotified.Before(d.Due) {
				return "", "", "", errAlreadyNotified
			}
			r.DueNotified = d.Due
			return "review_due", EventReviewDue, fmt.Sprintf("%s (%s, owner %s) is due for review since %s", r.Key, d.Level, r.Owner, d.Due.Format("2006-01-02")), nil
		})
		switch {
		case err == nil:
			n++
		case err != errAlreadyNotified:
			return n, err
		}
	}
	return n, nil
}

var errAlreadyNotified = accord.Errorf(accord.FailedPrecondition, "already notified")

// Cell is one likelihood x impact cell of a heat map.
type Cell struct {
	Likelihood int      `json:"likelihood"`
	Impact     int      `json:"impact"`
	Level      Level    `json:"level"` // what the scorer makes of the cell
	Count      int      `json:"count"`
	Keys       []string `json:"keys"`
}

// HeatMap counts the open risks of one stage per cell.
type HeatMap struct {
	Stage      Stage    `json:"stage"`
	Likelihood Scale    `json:"likelihood"`
	Impact     Scale    `json:"impact"`
	Cells      [][]Cell `json:"cells"` // [likelihood-1][impact-1]
	Unassessed int      `json:"unassessed"`
}

// HeatMap counts the project's open risks per likelihood x impact cell of
// the stage. Errors: Invalid (bad project or stage).
func (s *Service) HeatMap(ctx context.Context, project string, stage Stage) (HeatMap, error) {
	if !slices.Contains(Stages(), stage) {
		return HeatMap{}, accord.InvalidField("stage", "stage", "one of inherent, current, target")
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return HeatMap{}, err
	}
	risks, err := s.all(ctx, project, Filter{})
	if err != nil {
		return HeatMap{}, err
	}
	scorer := s.scorer
	if scorer == nil {
		scorer = st.Scoring.Scorer()
	}
	h := HeatMap{Stage: stage, Likelihood: st.Likelihood, Impact: st.Impact[0].Scale}
	for l := 1; l <= len(h.Likelihood); l++ {
		row := make([]Cell, len(h.Impact))
		for i := range row {
			level, _ := scorer.Score(l, i+1, h.Likelihood, h.Impact)
			row[i] = Cell{Likelihood: l, Impact: i + 1, Level: level, Keys: []string{}}
		}
		h.Cells = append(h.Cells, row)
	}
	for _, r := range risks {
		if !r.Status.Open() {
			continue
		}
		a := r.Stage(stage)
		if a == nil || a.Likelihood < 1 || a.Likelihood > len(h.Cells) || a.Combined < 1 || a.Combined > len(h.Impact) {
			h.Unassessed++
			continue
		}
		c := &h.Cells[a.Likelihood-1][a.Combined-1]
		c.Count++
		c.Keys = append(c.Keys, r.Key)
	}
	return h, nil
}

var levelColour = map[Level]string{Low: "#cfe8cf", Medium: "#ffe8a3", High: "#f8b98b", Critical: "#e8766d"}

// SVG draws the heat map: likelihood up the side (highest on top), impact
// along the bottom, each cell coloured by its level with its count.
func (h HeatMap) SVG() []byte {
	const cell, left, top, bottom = 84, 150, 56, 112
	w, hgt := left+cell*len(h.Impact)+24, top+cell*len(h.Cells)+bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`, w, hgt, w, hgt)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`)
	fmt.Fprintf(&b, `<text x="%d" y="30" font-size="20" font-weight="bold" fill="#222">Risks by likelihood and impact (%s)</text>`, left, html.EscapeString(string(h.Stage)))
	for r := range h.Cells {
		l := len(h.Cells) - r // highest likelihood on top
		y := top + r*cell
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" text-anchor="end" fill="#333">%d %s</text>`, left-10, y+cell/2+5, l, html.EscapeString(h.Likelihood.name(l)))
		for i, c := range h.Cells[l-1] {
			x := left + i*cell
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ffffff" stroke-width="3"><title>%s: %d risk(s) %s</title></rect>`,
				x, y, cell, cell, levelColour[c.Level], c.Level, c.Count, html.EscapeString(strings.Join(c.Keys, ", ")))
			if c.Count > 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="26" font-weight="bold" text-anchor="middle" fill="#222">%d</text>`, x+cell/2, y+cell/2+9, c.Count)
			}
		}
	}
	yAxis := top + cell*len(h.Cells)
	for i := range h.Impact {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" text-anchor="middle" fill="#333">%d %s</text>`, left+i*cell+cell/2, yAxis+20, i+1, html.EscapeString(h.Impact.name(i+1)))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" text-anchor="middle" fill="#555">impact →</text>`, left+cell*len(h.Impact)/2, yAxis+44)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" text-anchor="middle" fill="#555" transform="rotate(-90 %d %d)">likelihood →</text>`, 18, top+cell*len(h.Cells)/2, 18, top+cell*len(h.Cells)/2)
	if h.Unassessed > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="#555">%d open risk(s) not assessed at this stage are not shown</text>`, left, yAxis+100, h.Unassessed)
	}
	x := left
	for _, l := range Levels() {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="16" height="16" fill="%s"/><text x="%d" y="%d" font-size="13" fill="#333">%s</text>`, x, yAxis+62, levelColour[l], x+22, yAxis+75, l)
		x += 90
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

// Rescored is a level a re-scoring would change.
type Rescored struct {
	Key     string `json:"key"`
	Stage   Stage  `json:"stage"`
	From    Level  `json:"from"`
	To      Level  `json:"to"`
	Working string `json:"working"`
}

// Rescore is a dry run: it scores every open risk's latest assessments
// under another scoring method, changes nothing, and lists the levels that
// would change, from what to what. Errors: Invalid.
func (s *Service) Rescore(ctx context.Context, project string, scoring Scoring) ([]Rescored, error) {
	if err := svc.Bounded("scoring", scoring); err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return nil, err
	}
	trial := st
	trial.Scoring = scoring
	if err := trial.Validate(); err != nil {
		return nil, err
	}
	scorer := scoring.Scorer()
	risks, err := s.all(ctx, project, Filter{})
	if err != nil {
		return nil, err
	}
	out := []Rescored{}
	for _, r := range risks {
		if !r.Status.Open() {
			continue
		}
		for _, stage := range Stages() {
			a := r.Stage(stage)
			if a == nil {
				continue
			}
			level, working := scorer.Score(a.Likelihood, a.Combined, st.Likelihood, st.Impact[0].Scale)
			if level != a.Level {
				out = append(out, Rescored{Key: r.Key, Stage: stage, From: a.Level, To: level, Working: working})
			}
		}
	}
	return out, nil
}

// AsOf returns the register as it stood at a past moment: each risk at its
// latest revision no later than at (risks created later are left out, and
// so are deleted ones, whose history is gone). Errors: Invalid.
func (s *Service) AsOf(ctx context.Context, project string, at time.Time) ([]Risk, error) {
	risks, err := s.all(ctx, project, Filter{})
	if err != nil {
		return nil, err
	}
	out := []Risk{}
	for _, r := range risks {
		if r.CreatedAt.After(at) {
			continue
		}
		if !r.UpdatedAt.After(at) {
			out = append(out, r)
			continue
		}
		revs, err := s.store.ListRiskRevisions(ctx, project, r.ID)
		if err != nil {
			return nil, err
		}
		for i := len(revs) - 1; i >= 0; i-- {
			if !revs[i].Record.UpdatedAt.After(at) {
				out = append(out, revs[i].Record)
				break
			}
		}
	}
	return out, nil
}

// MaxMoments is the most moments one LevelCounts call counts at: each is
// a reading of the whole register's history.
const MaxMoments = 100

// LevelCounts counts the open risks per current level as of each moment:
// the register over time. Errors: Invalid (more than MaxMoments moments).
func (s *Service) LevelCounts(ctx context.Context, project string, at ...time.Time) ([]map[Level]int, error) {
	if len(at) > MaxMoments {
		return nil, &accord.Error{Code: accord.Invalid, Message: "too many moments",
			Fields: []accord.FieldError{{Field: "at", Message: fmt.Sprintf("%d moments; at most %d", len(at), MaxMoments)}}}
	}
	out := make([]map[Level]int, len(at))
	for i, t := range at {
		risks, err := s.AsOf(ctx, project, t)
		if err != nil {
			return nil, err
		}
		counts := map[Level]int{}
		for _, r := range risks {
			if r.Status.Open() && r.Level() != "" {
				counts[r.Level()]++
			}
		}
		out[i] = counts
	}
	return out, nil
}

// Register renders the register as Markdown to share: the top risks with
// owner, response and open actions, what is overdue, and recent changes.
func (s *Service) Register(ctx context.Context, project string, now time.Time) (string, error) {
	st, err := s.Settings(ctx, project)
	if err != nil {
		return "", err
	}
	risks, err := s.all(ctx, project, Filter{})
	if err != nil {
		return "", err
	}
	rep := overdue(st, risks, now)
	// Sorting pointers: a Risk is a large value to move around.
	var open, recent []*Risk
	for i := range risks {
		recent = append(recent, &risks[i])
		if risks[i].Status.Open() {
			open = append(open, &risks[i])
		}
	}
	slices.SortStableFunc(open, func(a, b *Risk) int { return b.Level().rank() - a.Level().rank() })
	slices.SortStableFunc(recent, func(a, b *Risk) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	var b strings.Builder
	fmt.Fprintf(&b, "# Risk register of %s\n\n%d open risk(s), as of %s.\n\n", project, len(open), now.UTC().Format("2006-01-02 15:04 MST"))
	b.WriteString("## Top risks\n\n| Key | Risk | Level | Owner | Status | Response | Open actions |\n|---|---|---|---|---|---|---|\n")
	for i, r := range open {
		if i == 10 {
			break
		}
		response, actions := "—", 0
		if r.Response != nil {
			response = string(r.Response.Strategy)
			for _, a := range r.Response.Actions {
				if !a.Status.Finished() {
					actions++
				}
			}
		}
		level := string(r.Level())
		if level == "" {
			level = "not assessed"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d |\n", r.Key, md(r.Title), level, md(r.Owner), r.Status, response, actions)
	}
	b.WriteString("\n## Overdue\n\n")
	if len(rep.Reviews)+len(rep.Actions)+len(rep.Acceptances) == 0 {
		b.WriteString("Nothing is overdue.\n")
	}
	for _, d := range rep.Reviews {
		fmt.Fprintf(&b, "- %s review due since %s (%s, %s)\n", d.Key, d.Due.Format("2006-01-02"), d.Level, md(d.Owner))
	}
	for _, a := range rep.Actions {
		fmt.Fprintf(&b, "- %s action %q (%s) was due %s\n", a.Key, a.Action.Title, md(a.Action.Owner), a.Action.Due.Format("2006-01-02"))
	}
	for _, a := range rep.Acceptances {
		fmt.Fprintf(&b, "- %s acceptance by %s expired %s\n", a.Key, md(a.Acceptance.By), a.Acceptance.Expires.Format("2006-01-02"))
	}
	b.WriteString("\n## Recent changes\n\n")
	for i, r := range recent {
		if i == 10 {
			break
		}
		fmt.Fprintf(&b, "- %s %s: revision %d by %s, %s\n", r.UpdatedAt.UTC().Format("2006-01-02 15:04"), r.Key, r.Revision, md(r.UpdatedBy), r.Status)
	}
	return b.String(), nil
}

// md escapes the characters that would break a Markdown table or emphasis.
func md(s string) string { return mdEscaper.Replace(s) }

var mdEscaper = strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "\n", " ")
