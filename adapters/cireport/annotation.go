package cireport

import (
	"cmp"
	"fmt"
	"slices"
)

// Level is how much an annotation matters, in the words GitHub uses for
// workflow commands; other formats map it to their own.
type Level string

// The levels, most severe first.
const (
	Error   Level = "error"
	Warning Level = "warning"
	Notice  Level = "notice"
)

// rank orders levels: higher is more severe.
func (l Level) rank() int {
	switch l {
	case Error:
		return 3
	case Warning:
		return 2
	case Notice:
		return 1
	}
	return 0
}

// AtLeast reports whether l is as severe as other or more.
func (l Level) AtLeast(other Level) bool { return l.rank() >= other.rank() }

// ParseLevel reads the failing level as a person writes it in -fail-on or
// .accord.yaml: breaking (a contract change) or its synonym error (a lint
// finding), or warning. Notices never fail a build.
func ParseLevel(s string) (Level, error) {
	switch s {
	case "error", "breaking":
		return Error, nil
	case "warning":
		return Warning, nil
	}
	return "", fmt.Errorf("%q is not one of breaking, error, warning", s)
}

// Annotation is one finding placed in a file.
type Annotation struct {
	Rule    string // stable rule id, e.g. request-property-max-decreased
	Level   Level
	File    string // path relative to the repository root, with forward slashes
	Line    int    // 1-based; 0 when unknown (the file as a whole)
	Title   string // short: the operation or record concerned
	Message string
	Help    string // how to fix it, if known
	// Ignored is the reason an ignore entry of the config gives; an
	// ignored annotation is reported as a notice and never fails the build.
	Ignored string
}

// Sort orders annotations most severe first, then by file, line and rule,
// so every format lists what matters first and output is reproducible.
func Sort(as []Annotation) {
	slices.SortStableFunc(as, func(a, b Annotation) int {
		return cmp.Or(
			cmp.Compare(b.effective().rank(), a.effective().rank()),
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Rule, b.Rule))
	})
}

// effective is the level an annotation is reported at: ignored ones are
// notices.
func (a Annotation) effective() Level {
	if a.Ignored != "" {
		return Notice
	}
	return a.Level
}

// Failing counts the annotations at failOn or above that no ignore
// covers.
func Failing(as []Annotation, failOn Level) int {
	n := 0
	for _, a := range as {
		if a.Ignored == "" && a.Level.AtLeast(failOn) {
			n++
		}
	}
	return n
}
