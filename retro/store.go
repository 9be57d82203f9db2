package retro

import (
	"context"
	"strings"

	"github.com/accordhq/accord"
)

// Filter selects retrospectives in a list. Empty fields match everything.
type Filter struct {
	Series string
	Phase  Phase
	Text   string // case-insensitive, in key and title
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Retro) bool {
	if f.Series != "" && r.Series != f.Series {
		return false
	}
	if f.Phase != "" && r.Phase != f.Phase {
		return false
	}
	if f.Text != "" {
		q := strings.ToLower(f.Text)
		if !strings.Contains(strings.ToLower(r.Key), q) && !strings.Contains(strings.ToLower(r.Title), q) {
			return false
		}
	}
	return true
}

// Settings are a project's retrospective rules: its own templates, vote
// limits and health check dimensions. Revision 0 means never set.
type Settings struct {
	Project   string     `json:"project"`
	Templates []Template `json:"templates,omitempty"` // beyond BuiltinTemplates
	// VotesPerPerson is how many votes each participant has in total;
	// VotesPerTarget how many of them one item or group may take.
	VotesPerPerson int      `json:"votes_per_person"`
	VotesPerTarget int      `json:"votes_per_target"`
	Health         []string `json:"health,omitempty"` // health check dimensions
	accord.Stamp
}

// DefaultSettings are the rules of a project that set none.
func DefaultSettings(project string) Settings {
	return Settings{Project: project, VotesPerPerson: 5, VotesPerTarget: 3,
		Health: []string{"pace", "fun", "delivering value", "learning", "teamwork"}}
}

// Store keeps retrospectives with every revision of each, their settings,
// and the Private part of each open anonymous retrospective. The rules are
// those of every accord store (adapters/storetest checks them). A Private
// part is kept apart from the record, so no revision ever holds it, and
// once erased it is gone for good.
type Store interface {
	CreateRetro(ctx context.Context, first accord.Revision[Retro]) (Retro, error)
	GetRetro(ctx context.Context, project, id string) (Retro, error)
	GetRetroByKey(ctx context.Context, project, key string) (Retro, error)
	UpdateRetro(ctx context.Context, next accord.Revision[Retro]) (Retro, error)
	// DeleteRetro stores tombstone, a revision of kind
	// accord.RevisionDeleted whose stamp's Deleted says who deleted the
	// retrospective, when and why, as its next revision (compare-and-swap,
	// like an update), hides it and erases its Private part in the same
	// unit: gets, finds and lists answer as if it did not exist and its key
	// is never given again; its revisions stay. An update of kind
	// accord.RevisionRestored brings it back. NotFound if absent or
	// deleted; Conflict (ErrStale) if stale.
	DeleteRetro(ctx context.Context, tombstone accord.Revision[Retro]) error
	// ListRetros returns one page of the retrospectives that match f, in
	// creation order.
	ListRetros(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Retro], error)
	// ListDeletedRetros returns one page of the project's deleted
	// retrospectives, each as its tombstone (Stamp.Deleted says who, when and
	// why), in creation order: what an admin may restore. Invalid for a
	// malformed token.
	ListDeletedRetros(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Retro], error)
	GetRetroRevision(ctx context.Context, project, id string, n int) (accord.Revision[Retro], error)
	ListRetroRevisions(ctx context.Context, project, id string) ([]accord.Revision[Retro], error)

	// PutPrivate stores the Private part of a retrospective; GetPrivate
	// returns it (NotFound when there is none, or once erased).
	PutPrivate(ctx context.Context, project, id string, p Private) error
	GetPrivate(ctx context.Context, project, id string) (Private, error)
	// UpdateRetroPrivately is UpdateRetro that, in the same unit of work,
	// replaces the Private part with p, or erases it for good when p is
	// nil: both happen or neither does (a stale revision changes neither),
	// so closing never leaves it behind.
	UpdateRetroPrivately(ctx context.Context, next accord.Revision[Retro], p *Private) (Retro, error)

	GetSettings(ctx context.Context, project string) (Settings, error)
	PutSettings(ctx context.Context, s Settings) (Settings, error)
}
