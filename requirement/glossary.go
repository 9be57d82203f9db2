package requirement

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Term is a glossary entry: one agreed word for one concept, the aliases
// that may be used for it, and the synonyms that must not be (lint suggests
// the term instead).
type Term struct {
	ID         string   `json:"id"`
	Project    string   `json:"project"`
	Term       string   `json:"term"`
	Definition string   `json:"definition"`
	Aliases    []string `json:"aliases,omitempty"`
	Forbidden  []string `json:"forbidden,omitempty"`
	accord.Stamp
}

// Clone returns a deep copy of t.
func (t Term) Clone() Term {
	t.Aliases = slices.Clone(t.Aliases)
	t.Forbidden = slices.Clone(t.Forbidden)
	return t
}

// TermInput is the body of CreateTerm and UpdateTerm: the definition,
// and a note saying why, which lands in the revision.
type TermInput struct {
	TermDefinition
	Note string `json:"note,omitempty"`
}

// Ref names the term for links, events and watches.
func (t Term) Ref() accord.Ref { return termRef(t.ID) }

// TermDefinition is what a caller writes for a glossary term.
type TermDefinition struct {
	Term       string   `json:"term"`
	Definition string   `json:"definition"`
	Aliases    []string `json:"aliases,omitempty"`
	Forbidden  []string `json:"forbidden,omitempty"`
}

// Validate checks the definition: term and definition required, no word
// both allowed and forbidden, the term itself not forbidden.
func (d TermDefinition) Validate() error {
	var errs accord.FieldErrors
	if strings.TrimSpace(d.Term) == "" {
		errs.Add("term", "required")
	} else if len(d.Term) > maxTitle {
		errs.Add("term", "longer than %d characters", maxTitle)
	}
	if strings.TrimSpace(d.Definition) == "" {
		errs.Add("definition", "required")
	} else if len(d.Definition) > maxText {
		errs.Add("definition", "longer than %d bytes", maxText)
	}
	seen := map[string]string{strings.ToLower(d.Term): "term"}
	check := func(list string, words []string) {
		for i, w := range words {
			field := fmt.Sprintf("%s[%d]", list, i)
			if strings.TrimSpace(w) == "" {
				errs.Add(field, "required")
				continue
			}
			if len(w) > maxTitle {
				errs.Add(field, "longer than %d bytes", maxTitle)
				continue
			}
			k := strings.ToLower(w)
			if prev, dup := seen[k]; dup {
				errs.Add(field, "%q already appears as %s", w, prev)
				continue
			}
			seen[k] = field
		}
	}
	check("aliases", d.Aliases)
	check("forbidden", d.Forbidden)
	svc.CheckBounds(&errs, "", d)
	return errs.Err("glossary term")
}
