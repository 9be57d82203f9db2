package risk

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Level is how serious a risk is, from its likelihood and impact.
type Level string

// The levels, lowest first.
const (
	Low      Level = "low"
	Medium   Level = "medium"
	High     Level = "high"
	Critical Level = "critical"
)

// Levels lists the levels, lowest first.
func Levels() []Level { return []Level{Low, Medium, High, Critical} }

// rank orders levels: 1 for low up to 4 for critical, 0 for none.
func (l Level) rank() int { return slices.Index(Levels(), l) + 1 }

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return l.rank() > 0 }

// Stage says which picture of a risk an assessment is.
type Stage string

// The stages.
const (
	Inherent Stage = "inherent" // with no controls at all
	Current  Stage = "current"  // with the controls in place today
	Target   Stage = "target"   // once the planned response is done
)

// Stages lists the stages.
func Stages() []Stage { return []Stage{Inherent, Current, Target} }

// Assessment is one scoring of a risk at one stage, kept with everything
// that produced it: the inputs, the scorer and its version, and the
// working, so a score can always be explained and re-checked.
type Assessment struct {
	Stage      Stage          `json:"stage"`
	Likelihood int            `json:"likelihood"`
	Impact     map[string]int `json:"impact"`          // per impact dimension
	Combined   int            `json:"combined_impact"` // the dimensions combined (the highest)
	Level      Level          `json:"level"`
	Scorer     string         `json:"scorer"`
	Version    string         `json:"scorer_version"`
	Working    string         `json:"working"` // "likelihood 4 (likely) x impact 3 (moderate) → cell (4,3) → high"
	Note       string         `json:"note,omitempty"`
	Actor      string         `json:"actor"`
	Time       time.Time      `json:"time"`
}

func (a Assessment) clone() Assessment {
	a.Impact = maps.Clone(a.Impact)
	return a
}

// ScaleLevel is one step of a scale: 1 is the lowest.
type ScaleLevel struct {
	Value       int    `json:"value"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Scale is a likelihood or impact scale, lowest first.
type Scale []ScaleLevel

// name returns the name of value v on the scale.
func (s Scale) name(v int) string {
	for _, l := range s {
		if l.Value == v {
			return l.Name
		}
	}
	return "?"
}

// Dimension is one impact dimension (schedule, cost, quality, scope) with
// its own scale. Several dimensions combine by the documented rule: the
// highest value across them (a risk is as bad as its worst effect).
type Dimension struct {
	Name  string `json:"name"`
	Scale Scale  `json:"scale"`
}

// Scorer turns a likelihood and a combined impact into a level, with the
// working that shows how. Method and version are kept with every
// assessment. MatrixScorer and ProductScorer are built in; an embedder may
// plug its own (Options.Scorer).
type Scorer interface {
	Method() string
	Version() string
	Score(likelihood, impact int, likelihoodScale, impactScale Scale) (Level, string)
}

// MatrixScorer looks the level up in a matrix: Cells[l-1][i-1] for
// likelihood l and impact i.
type MatrixScorer struct {
	Cells [][]Level `json:"cells"`
}

// Method implements Scorer.
func (MatrixScorer) Method() string { return "matrix" }

// Version implements Scorer: the cells themselves, so that an assessment
// made with another matrix says so.
func (m MatrixScorer) Version() string {
	var rows []string
	for _, row := range m.Cells {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = string(c)[:1]
		}
		rows = append(rows, strings.Join(cells, ""))
	}
	return "1:" + strings.Join(rows, "/")
}

// Score implements Scorer.
func (m MatrixScorer) Score(l, i int, ls, is Scale) (Level, string) {
	level := Low
	if l >= 1 && l <= len(m.Cells) && i >= 1 && i <= len(m.Cells[l-1]) {
		level = m.Cells[l-1][i-1]
	}
	return level, fmt.Sprintf("likelihood %d (%s) x impact %d (%s) → cell (%d,%d) → %s", l, ls.name(l), i, is.name(i), l, i, level)
}

// ProductScorer multiplies likelihood and impact and compares the product
// with thresholds: at least Medium is medium, at least High high, at least
// Critical critical, anything less low.
type ProductScorer struct {
	Medium   int `json:"medium"`
	High     int `json:"high"`
	Critical int `json:"critical"`
}

// Method implements Scorer.
func (ProductScorer) Method() string { return "product" }

// Version implements Scorer: the thresholds.
func (p ProductScorer) Version() string {
	return fmt.Sprintf("1:%d/%d/%d", p.Medium, p.High, p.Critical)
}

// Score implements Scorer.
func (p ProductScorer) Score(l, i int, ls, is Scale) (Level, string) {
	n := l * i
	level, rule := Low, fmt.Sprintf("< %d", p.Medium)
	switch {
	case n >= p.Critical:
		level, rule = Critical, fmt.Sprintf("≥ %d", p.Critical)
	case n >= p.High:
		level, rule = High, fmt.Sprintf("≥ %d", p.High)
	case n >= p.Medium:
		level, rule = Medium, fmt.Sprintf("≥ %d", p.Medium)
	}
	return level, fmt.Sprintf("likelihood %d (%s) x impact %d (%s) = %d → %s (%s)", l, ls.name(l), i, is.name(i), n, level, rule)
}

// Scoring is a project's choice of built-in scorer.
type Scoring struct {
	Method  string        `json:"method"` // matrix or product
	Matrix  MatrixScorer  `json:"matrix,omitzero"`
	Product ProductScorer `json:"product,omitzero"`
}

// Scorer returns the built-in scorer the choice names.
func (s Scoring) Scorer() Scorer {
	if s.Method == "product" {
		return s.Product
	}
	return s.Matrix
}

// DefaultScoring is a 5x5 matrix in the common shape.
func DefaultScoring() Scoring {
	L, M, H, C := Low, Medium, High, Critical
	return Scoring{Method: "matrix", Matrix: MatrixScorer{Cells: [][]Level{
		{L, L, L, M, M}, // rare
		{L, L, M, M, H}, // unlikely
		{L, M, M, H, H}, // possible
		{M, M, H, H, C}, // likely
		{M, H, H, C, C}, // almost certain
	}}, Product: ProductScorer{Medium: 5, High: 10, Critical: 17}}
}

// DefaultLikelihood is the five-step likelihood scale.
func DefaultLikelihood() Scale {
	return Scale{{1, "rare", "may happen only in exceptional circumstances"}, {2, "unlikely", "could happen but is not expected"},
		{3, "possible", "might well happen"}, {4, "likely", "will probably happen"}, {5, "almost certain", "is expected to happen"}}
}

// DefaultImpact is one five-step impact dimension, "overall".
func DefaultImpact() []Dimension {
	return []Dimension{{Name: "overall", Scale: Scale{{1, "negligible", "no noticeable effect"}, {2, "minor", "small delay or cost, absorbed"},
		{3, "moderate", "a visible slip or cost, agreed with the sponsor"}, {4, "major", "a milestone or budget is missed"}, {5, "severe", "the project's goal is at stake"}}}}
}

// Finding is a consistency problem in a risk's assessments or response.
type Finding struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Check reports what does not add up in r: a target above the current
// level, a current level with no response planned, a current level above
// the inherent one, a response whose target was never assessed.
func Check(r Risk) []Finding {
	var out []Finding
	if r.Current != nil && r.Target != nil && r.Target.Level.rank() > r.Current.Level.rank() {
		out = append(out, Finding{"target-above-current", fmt.Sprintf("the target level (%s) is higher than the current one (%s): the response would make things worse", r.Target.Level, r.Current.Level)})
	}
	if r.Current != nil && r.Response == nil && r.Status != Accepted && r.Status != Closed {
		out = append(out, Finding{"no-response", fmt.Sprintf("the current level is assessed (%s) but no response is planned", r.Current.Level)})
	}
	if r.Inherent != nil && r.Current != nil && r.Current.Level.rank() > r.Inherent.Level.rank() {
		out = append(out, Finding{"current-above-inherent", fmt.Sprintf("the current level (%s) is higher than the inherent one (%s): controls cannot raise a risk", r.Current.Level, r.Inherent.Level)})
	}
	if r.Response != nil && r.Response.Strategy != Accept && r.Target == nil {
		out = append(out, Finding{"target-missing", "a response is planned but its target level was never assessed"})
	}
	return out
}
