package retro

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/accordhq/accord/internal/svc"
)

// LessonFound is a lesson with the retrospective it was learned in.
type LessonFound struct {
	Retro  string `json:"retro"` // its key
	Title  string `json:"title"`
	Lesson Lesson `json:"lesson"`
}

// Lessons lists the project's lessons learned across its
// retrospectives, oldest first; text (case-insensitive, in the lesson or
// its tags) narrows them, empty lists all.
func (s *Service) Lessons(ctx context.Context, project, text string) ([]LessonFound, error) {
	retros, err := s.all(ctx, project, Filter{})
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(text)
	out := []LessonFound{}
	for _, r := range retros {
		for _, l := range r.Lessons {
			hay := strings.ToLower(l.Text + " " + strings.Join(l.Tags, " "))
			if q == "" || strings.Contains(hay, q) {
				out = append(out, LessonFound{Retro: r.Key, Title: r.Title, Lesson: l})
			}
		}
	}
	return out, nil
}

func (s *Service) all(ctx context.Context, project string, f Filter) ([]Retro, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	return svc.All(ctx, project, f, s.store.ListRetros)
}

// MinHealthAnswers is how many people must answer a health check before
// its results show: fewer would let a reader tell who scored what.
const MinHealthAnswers = 5

// HealthPoint is one retrospective's health check: the averages per
// dimension, or none when fewer than MinHealthAnswers answered.
type HealthPoint struct {
	Retro    string             `json:"retro"`
	Answers  int                `json:"answers"`
	Averages map[string]float64 `json:"averages,omitempty"`
}

// health averages r's answers, when enough people answered.
func health(r Retro) HealthPoint {
	p := HealthPoint{Retro: r.Key, Answers: len(r.Health)}
	if p.Answers < MinHealthAnswers {
		return p
	}
	sums := map[string]int{}
	for _, h := range r.Health {
		for d, v := range h.Scores {
			sums[d] += v
		}
	}
	p.Averages = map[string]float64{}
	for d, sum := range sums {
		p.Averages[d] = float64(sum) / float64(p.Answers)
	}
	return p
}

// HealthTrend is the health check over a series, oldest first.
func (s *Service) HealthTrend(ctx context.Context, project, series string) ([]HealthPoint, error) {
	retros, err := s.all(ctx, project, Filter{Series: series})
	if err != nil {
		return nil, err
	}
	out := []HealthPoint{}
	for _, r := range retros {
		out = append(out, health(r))
	}
	return out, nil
}

// Summary renders the retrospective as Markdown, safe to share: the
// columns with items ranked by votes, groups, notes, actions with owners
// and due dates, carried actions with their count, lessons, the health
// check when enough answered, and participation. An anonymous
// retrospective's summary names nobody at all: no authors, no
// facilitator, no action owners.
func (s *Service) Summary(ctx context.Context, project, id string) (string, error) {
	r, err := s.Get(ctx, project, id)
	if err != nil {
		return "", err
	}
	return Markdown(r), nil
}

// Markdown renders r as Summary does.
func Markdown(r Retro) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n- **Series:** %s\n- **Phase:** %s\n", r.Key, md(r.Title), md(r.Series), r.Phase)
	if r.Anonymous {
		b.WriteString("- **Anonymous:** yes; this summary names nobody\n")
	} else {
		fmt.Fprintf(&b, "- **Facilitator:** %s\n", md(r.Facilitator))
	}
	tallies := map[string]int{}
	for _, t := range Results(r) {
		tallies[t.Target] = t.Votes
	}
	for _, c := range r.Columns {
		fmt.Fprintf(&b, "\n## %s\n\n", md(c.Name))
		items := slices.DeleteFunc(slices.Clone(r.Items), func(it Item) bool { return it.Column != c.ID })
		slices.SortStableFunc(items, func(x, y Item) int { return tallies[y.ID] - tallies[x.ID] })
		if len(items) == 0 {
			b.WriteString("Nothing.\n")
		}
		for _, it := range items {
			line := "- " + md(it.Text)
			if v := tallies[it.ID]; v > 0 {
				line += fmt.Sprintf(" (%d vote(s))", v)
			}
			if it.Author != "" && !r.Anonymous {
				line += " — " + md(it.Author)
			}
			b.WriteString(line + "\n")
		}
	}
	if len(r.Groups) > 0 {
		b.WriteString("\n## Groups\n\n")
		groups := slices.Clone(r.Groups)
		slices.SortStableFunc(groups, func(x, y Group) int { return tallies[y.ID] - tallies[x.ID] })
		for _, g := range groups {
			fmt.Fprintf(&b, "- **%s** (%d item(s), %d vote(s))\n", md(g.Title), len(g.Items), tallies[g.ID])
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Discussion\n\n")
		for _, n := range r.Notes {
			b.WriteString("- " + md(n.Text) + "\n")
		}
	}
	b.WriteString("\n## Actions\n\n")
	if len(r.Actions) == 0 {
		b.WriteString("None.\n")
	} else {
		// An owner is a name, and an anonymous summary holds none: the
		// owners are in the retrospective itself, for its members.
		if r.Anonymous {
			b.WriteString("| Action | Due | Status | Carried |\n|---|---|---|---|\n")
		} else {
			b.WriteString("| Action | Owner | Due | Status | Carried |\n|---|---|---|---|---|\n")
		}
		for _, a := range r.Actions {
			due := "—"
			if !a.Due.IsZero() {
				due = a.Due.Format("2006-01-02")
			}
			carried := "—"
			if a.Carried > 0 {
				carried = fmt.Sprintf("%d time(s)", a.Carried)
				if a.Carried >= 3 {
					carried += " ⚠ carried three times or more: decide to do it or drop it"
				}
			}
			if r.Anonymous {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(a.Title), due, a.Status, carried)
			} else {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", md(a.Title), md(a.Owner), due, a.Status, carried)
			}
		}
	}
	if len(r.Lessons) > 0 {
		b.WriteString("\n## Lessons learned\n\n")
		for _, l := range r.Lessons {
			b.WriteString("- " + md(l.Text) + "\n")
		}
	}
	if h := health(r); h.Averages != nil {
		b.WriteString("\n## Team health\n\n")
		dims := make([]string, 0, len(h.Averages))
		for d := range h.Averages {
			dims = append(dims, d)
		}
		slices.Sort(dims)
		for _, d := range dims {
			fmt.Fprintf(&b, "- %s: %.1f of 5\n", md(d), h.Averages[d])
		}
	}
	fmt.Fprintf(&b, "\n## Participation\n\n%d card(s), %d vote(s), %d note(s), %d health check answer(s).\n", len(r.Items), len(r.Votes), len(r.Notes), len(r.Health))
	return b.String()
}

var mdEscaper = strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "\n", " ")

func md(s string) string { return mdEscaper.Replace(s) }
