package requirement

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/accordhq/accord"
)

// Limits that keep one record a document rather than a dump.
const (
	maxTitle    = 200
	maxText     = 20000
	maxListItem = 200 // items in any one list section
)

var projectPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidateProject checks a project key: 1–64 letters, digits, '.', '_' or
// '-', starting with a letter or digit.
func ValidateProject(project string) error {
	if !projectPattern.MatchString(project) {
		return &accord.Error{Code: accord.Invalid, Message: "invalid project",
			Fields: []accord.FieldError{{Field: "project", Message: "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"}}}
	}
	return nil
}

// Validate checks that c is well-formed: required fields present, enums
// known, sizes bounded. It does not judge quality; Lint does that.
func (c Content) Validate() error {
	var errs accord.FieldErrors
	c.validate(&errs, "")
	return errs.Err("requirement")
}

func (c Content) validate(errs *accord.FieldErrors, prefix string) {
	text := func(field, v string, required bool, max int) {
		switch {
		case required && strings.TrimSpace(v) == "":
			errs.Add(prefix+field, "required")
		case utf8.RuneCountInString(v) > max:
			errs.Add(prefix+field, "longer than %d characters", max)
		case !utf8.ValidString(v):
			errs.Add(prefix+field, "not valid UTF-8")
		}
	}
	list := func(field string, n int) bool {
		if n > maxListItem {
			errs.Add(prefix+field, "more than %d items", maxListItem)
			return false
		}
		return true
	}
	text("title", c.Title, true, maxTitle)
	text("background", c.Background, false, maxText)
	text("goal", c.Goal, false, maxText)
	text("description", c.Description, false, maxText)
	text("interface_notes", c.InterfaceNotes, false, maxText)
	text("owner", c.Owner, true, maxTitle)
	if !c.Priority.Valid() {
		if c.Priority == "" {
			errs.Add(prefix+"priority", "required: one of P0, P1, P2, P3")
		} else {
			errs.Add(prefix+"priority", "unknown priority %q; one of P0, P1, P2, P3", c.Priority)
		}
	}
	if list("kpis", len(c.KPIs)) {
		for i, k := range c.KPIs {
			text(fmt.Sprintf("kpis[%d]", i), k, true, maxTitle)
		}
	}
	if list("flow", len(c.Flow)) {
		for i, s := range c.Flow {
			text(fmt.Sprintf("flow[%d].action", i), s.Action, true, maxText)
			text(fmt.Sprintf("flow[%d].actor", i), s.Actor, false, maxTitle)
			text(fmt.Sprintf("flow[%d].diagram", i), s.Diagram, false, maxTitle*10)
		}
	}
	if list("scenarios", len(c.Scenarios)) {
		for i, s := range c.Scenarios {
			p := fmt.Sprintf("scenarios[%d].", i)
			text(p+"name", s.Name, true, maxTitle)
			text(p+"actor", s.Actor, false, maxTitle)
			text(p+"situation", s.Situation, false, maxText)
			text(p+"action", s.Action, false, maxText)
			text(p+"outcome", s.Outcome, false, maxText)
		}
	}
	if list("exceptions", len(c.Exceptions)) {
		for i, x := range c.Exceptions {
			p := fmt.Sprintf("exceptions[%d].", i)
			text(p+"condition", x.Condition, true, maxText)
			text(p+"handling", x.Handling, true, maxText)
			text(p+"error_code", x.ErrorCode, false, maxTitle)
		}
	}
	if list("performance", len(c.Performance)) {
		for i, t := range c.Performance {
			p := fmt.Sprintf("performance[%d].", i)
			text(p+"metric", t.Metric, true, maxTitle)
			if !slices.Contains(comparators, t.Comparator) {
				errs.Add(p+"comparator", "unknown comparator %q; one of <=, <, >=, >, =", t.Comparator)
			}
			text(p+"unit", t.Unit, false, 40)
		}
	}
	if list("acceptance_criteria", len(c.Acceptance)) {
		for i, a := range c.Acceptance {
			p := fmt.Sprintf("acceptance_criteria[%d].", i)
			text(p+"id", a.ID, true, 40)
			text(p+"text", a.Text, true, maxText)
			text(p+"test_ref", a.TestRef, false, maxTitle*10)
		}
	}
	if list("labels", len(c.Labels)) {
		for i, l := range c.Labels {
			text(fmt.Sprintf("labels[%d]", i), l, true, 64)
		}
	}
	if list("links", len(c.Links)) {
		for i, l := range c.Links {
			l.Validate(fmt.Sprintf("%slinks[%d]", prefix, i), errs)
		}
	}
}

// assignCriterionIDs gives every acceptance criterion without an ID the next
// free AC-n, so IDs stay stable when criteria are reordered later.
func assignCriterionIDs(c *Content) {
	next := 1
	for _, a := range c.Acceptance {
		var n int
		if _, err := fmt.Sscanf(a.ID, "AC-%d", &n); err == nil && n >= next {
			next = n + 1
		}
	}
	for i := range c.Acceptance {
		if strings.TrimSpace(c.Acceptance[i].ID) == "" {
			c.Acceptance[i].ID = fmt.Sprintf("AC-%d", next)
			next++
		}
	}
}
