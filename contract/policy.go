package contract

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Settings are a project's contract policy: how loud each compatibility
// rule is, and the findings it decided to live with. Revision 0 means never
// set: every rule keeps its own level and nothing is ignored.
type Settings struct {
	Project string `json:"project"`
	// Levels changes a rule's level, by rule ID (see Change.ID).
	Levels map[string]ChangeLevel `json:"levels,omitempty"`
	// Ignore lists findings, by fingerprint, not to count until they expire.
	Ignore []Ignore `json:"ignore,omitempty"`
	// BreakingApprovers are the review roles (such as frontend) that must
	// approve in the contract review before a version with breaking
	// changes is agreed, whether it bumps the major version or not.
	BreakingApprovers []string `json:"breaking_approvers,omitempty"`
	accord.Stamp
}

// Ignore is one finding a project decided to live with for a while.
type Ignore struct {
	Fingerprint string    `json:"fingerprint"`
	Reason      string    `json:"reason"`
	Expires     time.Time `json:"expires"` // required: an ignored finding comes back
}

// Clone returns a deep copy.
func (st Settings) Clone() Settings {
	st.Levels = maps.Clone(st.Levels)
	st.Ignore = slices.Clone(st.Ignore)
	st.BreakingApprovers = slices.Clone(st.BreakingApprovers)
	return st
}

var (
	ruleID      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	fingerprint = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// Validate checks settings, naming each field that is wrong.
func (st Settings) Validate() error {
	var errs accord.FieldErrors
	for _, id := range slices.Sorted(maps.Keys(st.Levels)) {
		f := fmt.Sprintf("levels[%q]", id)
		if !ruleID.MatchString(id) {
			errs.Add(f, "not a rule ID: rule IDs are kebab case, such as request-property-max-decreased")
		}
		switch st.Levels[id] {
		case Breaking, Warning, Info:
		default:
			errs.Add(f, "level %q is not one of breaking, warning, info", st.Levels[id])
		}
	}
	seen := map[string]bool{}
	for i, ig := range st.Ignore {
		f := fmt.Sprintf("ignore[%d]", i)
		if !fingerprint.MatchString(ig.Fingerprint) {
			errs.Add(f+".fingerprint", "must be a change's fingerprint: 16 lowercase hex digits")
		} else if seen[ig.Fingerprint] {
			errs.Add(f+".fingerprint", "listed twice")
		}
		seen[ig.Fingerprint] = true
		svc.CheckText(&errs, f+".reason", ig.Reason, svc.MaxText, true)
		if ig.Expires.IsZero() {
			errs.Add(f+".expires", "required: an ignored finding must come back some day")
		}
	}
	for i, role := range st.BreakingApprovers {
		svc.CheckText(&errs, fmt.Sprintf("breaking_approvers[%d]", i), role, 64, true)
	}
	svc.CheckBounds(&errs, "", st)
	return errs.Err("contract settings")
}

// Apply returns changes under the policy at now: levels changed as the
// project says, and the findings it ignores (until they expire) moved to
// ignored. Breaking changes come first, as from Compare.
func (st Settings) Apply(changes []Change, now time.Time) (kept, ignored []Change) {
	kept, ignored = []Change{}, []Change{}
	for _, ch := range changes {
		if lvl, ok := st.Levels[ch.ID]; ok {
			ch.Level = lvl
		}
		if slices.ContainsFunc(st.Ignore, func(ig Ignore) bool { return ig.Fingerprint == ch.Fingerprint && now.Before(ig.Expires) }) {
			ignored = append(ignored, ch)
			continue
		}
		kept = append(kept, ch)
	}
	sortByLevel(kept)
	return kept, ignored
}

// Settings returns the project's contract policy.
// Errors: Invalid (bad project).
func (s *Service) Settings(ctx context.Context, project string) (Settings, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, project)
	st.Project = project
	return st, err
}

// UpdateSettings replaces the policy at revision base (0 when never set).
// Errors: Unauthenticated, Invalid, Conflict (stale base).
func (s *Service) UpdateSettings(ctx context.Context, project string, base int, in Settings) (Settings, error) {
	if err := in.Validate(); err != nil {
		return Settings{}, err
	}
	in.Project = project
	st := svc.Settings[Settings]{Guard: s.guard, What: "contract settings", Event: EventSettingsChanged, Get: s.store.GetSettings, Put: s.store.PutSettings}
	return st.Update(ctx, s.pub, project, base, in, func(x *Settings) *accord.Stamp { return &x.Stamp })
}
