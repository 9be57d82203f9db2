package risk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
)

// Filter selects risks in a list. Empty fields match everything; several
// values of one field match any of them.
type Filter struct {
	Status   []Status
	Kind     Kind
	Category string
	Level    []Level // the current level
	Owner    string
	Link     accord.Ref // risks linked to this record (a requirement, a contract)
	Text     string     // case-insensitive, in key, title, cause, event, effect
	// Overdue keeps the risks with something overdue at the moment it
	// names (a review due, a late action, an expired acceptance). It needs
	// the settings and the clock, so the Service applies it, not stores.
	Overdue time.Time
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Risk) bool {
	if len(f.Status) > 0 && !slices.Contains(f.Status, r.Status) {
		return false
	}
	if f.Kind != "" && r.Kind != f.Kind {
		return false
	}
	if f.Category != "" && r.Category != f.Category {
		return false
	}
	if len(f.Level) > 0 && !slices.Contains(f.Level, r.Level()) {
		return false
	}
	if f.Owner != "" && r.Owner != f.Owner {
		return false
	}
	if f.Link.Kind != "" && !slices.Contains(r.Links, f.Link) {
		return false
	}
	if f.Text != "" {
		q := strings.ToLower(f.Text)
		if !slices.ContainsFunc([]string{r.Key, r.Title, r.Cause, r.Event, r.Effect}, func(s string) bool { return strings.Contains(strings.ToLower(s), q) }) {
			return false
		}
	}
	return true
}

// Settings are a project's risk rules: the scales, how scores are made,
// its own categories, who may accept at each level, and how often each
// level is reviewed. Revision 0 means never set: DefaultSettings apply.
type Settings struct {
	Project    string      `json:"project"`
	Likelihood Scale       `json:"likelihood"`
	Impact     []Dimension `json:"impact"`
	Scoring    Scoring     `json:"scoring"`
	Categories []string    `json:"categories,omitempty"` // beyond BuiltinCategories
	// AcceptRoles lists, per level, the project roles that may accept a
	// risk at that level.
	AcceptRoles map[Level][]string `json:"accept_roles"`
	// ReviewDays is the review cadence per level, in days.
	ReviewDays map[Level]int `json:"review_days"`
	accord.Stamp
}

// DefaultSettings are the rules of a project that set none.
func DefaultSettings(project string) Settings {
	return Settings{Project: project, Likelihood: DefaultLikelihood(), Impact: DefaultImpact(), Scoring: DefaultScoring(),
		AcceptRoles: map[Level][]string{Low: {"product", "backend", "admin"}, Medium: {"product", "admin"}, High: {"admin"}, Critical: {"admin"}},
		ReviewDays:  map[Level]int{Low: 180, Medium: 90, High: 30, Critical: 14}}
}

// Store keeps risks with every revision of each, and the project's
// settings. The rules are those of every accord store (adapters/storetest
// checks them). Risks raised elsewhere (a review's assessment) carry their
// source as a unique name, so the same source never files twice.
type Store interface {
	// CreateRisk stores a risk from its first revision and assigns its key
	// KeyOf(n). Conflict if the ID exists, or a risk with the same source
	// (review and item) exists.
	CreateRisk(ctx context.Context, first accord.Revision[Risk]) (Risk, error)
	// GetRisk returns a risk. NotFound if absent.
	GetRisk(ctx context.Context, project, id string) (Risk, error)
	// GetRiskByKey returns the risk with the key (RISK-3). NotFound if absent.
	GetRiskByKey(ctx context.Context, project, key string) (Risk, error)
	// FindRiskBySource returns the risk raised from src. NotFound if none.
	FindRiskBySource(ctx context.Context, project string, src Source) (Risk, error)
	// UpdateRisk stores next as the new current revision. NotFound if
	// absent; Conflict (ErrStale) if stale.
	UpdateRisk(ctx context.Context, next accord.Revision[Risk]) (Risk, error)
	// DeleteRisk stores tombstone, a revision of kind accord.RevisionDeleted
	// whose stamp's Deleted says who deleted the risk, when and why, as
	// its next revision (compare-and-swap, like an update), and hides it:
	// gets, finds and lists answer as if it did not exist and its key is never given again, its
	// revisions stay. An update of kind accord.RevisionRestored brings it
	// back. NotFound if absent or deleted; Conflict (ErrStale) if stale.
	DeleteRisk(ctx context.Context, tombstone accord.Revision[Risk]) error
	// ListRisks returns one page of the risks that match f, in creation
	// order. Invalid for a malformed token.
	ListRisks(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Risk], error)
	// ListDeletedRisks returns one page of the project's deleted
	// risks, each as its tombstone (Stamp.Deleted says who, when and
	// why), in creation order: what an admin may restore. Invalid for a
	// malformed token.
	ListDeletedRisks(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Risk], error)
	// GetRiskRevision returns revision n. NotFound if absent.
	GetRiskRevision(ctx context.Context, project, id string, n int) (accord.Revision[Risk], error)
	// ListRiskRevisions returns every revision, oldest first. NotFound if absent.
	ListRiskRevisions(ctx context.Context, project, id string) ([]accord.Revision[Risk], error)
	// GetSettings returns the project's settings; revision 0 if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings stores s; s.Revision must be the stored revision plus one.
	PutSettings(ctx context.Context, s Settings) (Settings, error)
}

// SourceName is the unique name a store keeps for a risk's source: empty
// for risks raised by hand.
func SourceName(s Source) string {
	if s.Kind == "" || s.Kind == SourceManual {
		return ""
	}
	return s.Kind + ":" + s.Ref.String() + "#" + s.Item
}

// due returns when r is next due for review under the cadence, and whether
// it has one.
func (s Settings) due(r *Risk) (time.Time, bool) {
	if !r.Status.Open() {
		return time.Time{}, false
	}
	days, ok := s.ReviewDays[r.Level()]
	if !ok || days <= 0 {
		return time.Time{}, false
	}
	return r.ReviewedAt.AddDate(0, 0, days), true
}
