package contract

import (
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
)

// diffView is what a diff compares: the status and the spec. Bookkeeping
// (revision, times, actors, the note) changes every time and is noise.
type diffView struct {
	Status Status `json:"status"`
	Spec   Spec   `json:"spec"`
}

// ContentChanges lists the content fields that differ from a to b, two
// revisions of one version: what a link to the version relies on, its
// spec. Status and notes move on their own.
func ContentChanges(a, b Version) []string {
	return diff.Paths(Diff(a, b), "status")
}

// Diff returns the field-level changes from a to b, two revisions of one
// version or two versions of one contract, as JSON paths into the version
// (spec.operations[1].summary). A schema that changed is reported whole, at
// its path (spec.schemas["Order"]). Diff says what changed; it does not
// judge whether a change breaks callers.
func Diff(a, b Version) []accord.FieldChange {
	return diff.Fields(diffView{a.Status, a.Spec}, diffView{b.Status, b.Spec})
}
