package requirement

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Limits that keep one record a document rather than a dump.
const (
	maxTitle    = 200
	maxText     = 20000
	maxListItem = 200 // items in any one list section
)

// Validate checks that c is well-formed: required fields present, enums
// known, sizes bounded. It does not judge quality; Lint does that.
func (c Content) Validate() error {
	var errs accord.FieldErrors
	c.validate(&errs, "")
	svc.CheckBounds(&errs, "", c)
	return errs.Err("requirement")
}

// fieldPath names a field without formatting it: paths are only spelled
// out for the rare invalid field, which keeps validation allocation-free.
type fieldPath struct {
	prefix, list string
	index        int // -1 for a field that is not in a list
	field        string
}

func (p fieldPath) String() string {
	s := p.prefix + p.list
	if p.index >= 0 {
		s += "[" + strconv.Itoa(p.index) + "]"
		if p.field != "" {
			s += "." + p.field
		}
	}
	return s
}

func (c Content) validate(errs *accord.FieldErrors, prefix string) {
	at := func(list string, index int, field string) fieldPath { return fieldPath{prefix, list, index, field} }
	text := func(p fieldPath, v string, required bool, max int) {
		switch {
		case required && strings.TrimSpace(v) == "":
			errs.Add(p.String(), "required")
		case len(v) > max && utf8.RuneCountInString(v) > max:
			errs.Add(p.String(), "longer than %d characters", max)
		case !utf8.ValidString(v):
			errs.Add(p.String(), "not valid UTF-8")
		}
	}
	list := func(field string, n int) bool {
		if n > maxListItem {
			errs.Add(prefix+field, "more than %d items", maxListItem)
			return false
		}
		return true
	}
	text(at("title", -1, ""), c.Title, true, maxTitle)
	text(at("background", -1, ""), c.Background, false, maxText)
	text(at("goal", -1, ""), c.Goal, false, maxText)
	text(at("description", -1, ""), c.Description, false, maxText)
	text(at("interface_notes", -1, ""), c.InterfaceNotes, false, maxText)
	text(at("owner", -1, ""), c.Owner, true, maxTitle)
	if !c.Priority.Valid() {
		if c.Priority == "" {
			errs.Add(prefix+"priority", "required: one of P0, P1, P2, P3")
		} else {
			errs.Add(prefix+"priority", "unknown priority %q; one of P0, P1, P2, P3", c.Priority)
		}
	}
	if list("kpis", len(c.KPIs)) {
		for i, k := range c.KPIs {
			text(at("kpis", i, ""), k, true, maxTitle)
		}
	}
	if list("flow", len(c.Flow)) {
		for i, s := range c.Flow {
			text(at("flow", i, "action"), s.Action, true, maxText)
			text(at("flow", i, "actor"), s.Actor, false, maxTitle)
			text(at("flow", i, "diagram"), s.Diagram, false, maxTitle*10)
		}
	}
	if list("scenarios", len(c.Scenarios)) {
		for i, s := range c.Scenarios {
			text(at("scenarios", i, "name"), s.Name, true, maxTitle)
			text(at("scenarios", i, "actor"), s.Actor, false, maxTitle)
			text(at("scenarios", i, "situation"), s.Situation, false, maxText)
			text(at("scenarios", i, "action"), s.Action, false, maxText)
			text(at("scenarios", i, "outcome"), s.Outcome, false, maxText)
		}
	}
	if list("exceptions", len(c.Exceptions)) {
		for i, x := range c.Exceptions {
			text(at("exceptions", i, "condition"), x.Condition, true, maxText)
			text(at("exceptions", i, "handling"), x.Handling, true, maxText)
			text(at("exceptions", i, "error_code"), x.ErrorCode, false, maxTitle)
		}
	}
	if list("performance", len(c.Performance)) {
		for i, t := range c.Performance {
			text(at("performance", i, "metric"), t.Metric, true, maxTitle)
			if !slices.Contains(comparators, t.Comparator) {
				errs.Add(at("performance", i, "comparator").String(), "unknown comparator %q; one of <=, <, >=, >, =", t.Comparator)
			}
			text(at("performance", i, "unit"), t.Unit, false, 40)
		}
	}
	if list("acceptance_criteria", len(c.Acceptance)) {
		for i, a := range c.Acceptance {
			text(at("acceptance_criteria", i, "id"), a.ID, true, 40)
			text(at("acceptance_criteria", i, "text"), a.Text, true, maxText)
			text(at("acceptance_criteria", i, "test_ref"), a.TestRef, false, maxTitle*10)
		}
	}
	if list("labels", len(c.Labels)) {
		for i, l := range c.Labels {
			text(at("labels", i, ""), l, true, 64)
		}
	}
	if list("links", len(c.Links)) {
		for i, l := range c.Links {
			if l.Kind == "" || l.ID == "" {
				l.Validate(at("links", i, "").String(), errs)
			}
		}
	}
}

// withCriterionIDs returns c with IDs assigned to criteria that lack one,
// copying c first so the caller's content is never modified.
func withCriterionIDs(c Content) Content {
	for _, a := range c.Acceptance {
		if strings.TrimSpace(a.ID) == "" {
			c = c.Clone()
			assignCriterionIDs(&c)
			return c
		}
	}
	return c
}

// assignCriterionIDs gives every acceptance criterion without an ID the next
// free AC-n, so IDs stay stable when criteria are reordered later.
func assignCriterionIDs(c *Content) {
	next := 1
	for _, a := range c.Acceptance {
		if rest, ok := strings.CutPrefix(a.ID, "AC-"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= next {
				next = n + 1
			}
		}
	}
	for i := range c.Acceptance {
		if strings.TrimSpace(c.Acceptance[i].ID) == "" {
			c.Acceptance[i].ID = fmt.Sprintf("AC-%d", next)
			next++
		}
	}
}
