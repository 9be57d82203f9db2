package requirement

import (
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
)

// diffView is what a diff compares: the status and the written content.
// Bookkeeping (revision, timestamps, actors) changes every time and would
// only be noise.
type diffView struct {
	Status Status `json:"status"`
	Content
}

// ContentChanges lists the content fields that differ from a to b: what a
// link to the requirement (a contract operation, a test, a plan) relies on.
// Status, priority, owner, labels and links are filing, not content.
func ContentChanges(a, b Requirement) []string {
	return diff.Paths(Diff(a, b), "status", "priority", "owner", "labels", "links")
}

// Diff returns the field-level changes from a to b, in document order.
// Nil and empty lists count as equal: JSON clients send either.
func Diff(a, b Requirement) []accord.FieldChange {
	return diff.Fields(diffView{a.Status, nilEmpty(a.Content)}, diffView{b.Status, nilEmpty(b.Content)})
}

// nilEmpty returns c with every empty list made nil.
func nilEmpty(c Content) Content {
	c.KPIs, c.Flow, c.Scenarios = orNil(c.KPIs), orNil(c.Flow), orNil(c.Scenarios)
	c.Exceptions, c.Performance, c.Acceptance = orNil(c.Exceptions), orNil(c.Performance), orNil(c.Acceptance)
	c.Labels, c.Links = orNil(c.Labels), orNil(c.Links)
	return c
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
