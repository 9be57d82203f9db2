package requirement

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
)

// Term is a glossary entry: one agreed word for one concept, the aliases
// that may be used for it, and the synonyms that must not be (lint suggests
// the term instead).
type Term struct {
	ID         string    `json:"id"`
	Project    string    `json:"project"`
	Term       string    `json:"term"`
	Definition string    `json:"definition"`
	Aliases    []string  `json:"aliases,omitempty"`
	Forbidden  []string  `json:"forbidden,omitempty"`
	Revision   int       `json:"revision"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  string    `json:"created_by"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by"`
}

// Clone returns a deep copy of t.
func (t Term) Clone() Term {
	t.Aliases = slices.Clone(t.Aliases)
	t.Forbidden = slices.Clone(t.Forbidden)
	return t
}

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
	}
	seen := map[string]string{strings.ToLower(d.Term): "term"}
	check := func(list string, words []string) {
		for i, w := range words {
			field := fmt.Sprintf("%s[%d]", list, i)
			if strings.TrimSpace(w) == "" {
				errs.Add(field, "required")
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
	return errs.Err("glossary term")
}

// TermRevision is one immutable version of a glossary term.
type TermRevision struct {
	Number int       `json:"number"`
	Actor  string    `json:"actor"`
	Time   time.Time `json:"time"`
	Note   string    `json:"note,omitempty"`
	Term   Term      `json:"term"`
}

// Clone returns a deep copy of v.
func (v TermRevision) Clone() TermRevision {
	v.Term = v.Term.Clone()
	return v
}
