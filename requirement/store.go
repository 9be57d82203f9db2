package requirement

import (
	"context"
	"slices"
	"strings"
)

// Filter selects requirements in a list. Empty fields match everything;
// several statuses or priorities match any of them.
type Filter struct {
	Status   []Status
	Priority []Priority
	Owner    string
	Label    string
	Text     string // case-insensitive substring of key, title, background or description
}

// Match reports whether r passes the filter. Stores may use it or translate
// the filter into their own query; the conformance suite checks the result.
func (f Filter) Match(r *Requirement) bool {
	if len(f.Status) > 0 && !slices.Contains(f.Status, r.Status) {
		return false
	}
	if len(f.Priority) > 0 && !slices.Contains(f.Priority, r.Priority) {
		return false
	}
	if f.Owner != "" && r.Owner != f.Owner {
		return false
	}
	if f.Label != "" && !slices.Contains(r.Labels, f.Label) {
		return false
	}
	if f.Text != "" && !matchText(f.Text, r.Key, r.Title, r.Background, r.Description) {
		return false
	}
	return true
}

// ListQuery asks for one page of requirements in creation (key) order.
type ListQuery struct {
	Filter    Filter
	PageSize  int    // 1–500; 0 means 50
	PageToken string // from a previous page's NextPageToken
}

// Page is one page of a list. NextPageToken is empty on the last page.
type Page[T any] struct {
	Items         []T    `json:"items"`
	NextPageToken string `json:"next_page_token,omitempty"`
}

// Settings are a project's requirement rules.
type Settings struct {
	// LintBlocksReview refuses the move to in_review while Lint reports a
	// finding of severity error.
	LintBlocksReview bool `json:"lint_blocks_review,omitempty"`
}

// Store keeps requirements, their revisions, change requests, glossary terms
// and settings. Implementations must be safe for concurrent use, must copy
// values in and out (a caller changing a returned value changes nothing
// stored), and must never return one project's data for another.
// adapters/storetest checks all of this.
//
// Writes that name a revision are compare-and-swap: they succeed only when
// the stored revision is exactly one less than the new one, and otherwise
// fail with a Conflict error wrapping accord.ErrStale.
type Store interface {
	// CreateRequirement stores a new requirement from its first revision
	// (Number 1). It assigns the key REQ-n, n being the next number in the
	// project starting at 1, even under concurrent creates, and returns the
	// stored requirement. Conflict if the ID exists.
	CreateRequirement(ctx context.Context, first Revision) (Requirement, error)
	// GetRequirement returns the current revision. NotFound if absent.
	GetRequirement(ctx context.Context, project, id string) (Requirement, error)
	// GetRequirementByKey returns the current revision of the requirement
	// with the human key (REQ-7). NotFound if absent.
	GetRequirementByKey(ctx context.Context, project, key string) (Requirement, error)
	// UpdateRequirement stores next as the new current revision; next.Number
	// must be current+1. NotFound if absent; Conflict (ErrStale) if stale.
	UpdateRequirement(ctx context.Context, next Revision) (Requirement, error)
	// DeleteRequirement removes a requirement, its revisions and its change
	// requests. NotFound if absent.
	DeleteRequirement(ctx context.Context, project, id string) error
	// ListRequirements returns one page in creation order: REQ-1, REQ-2, …
	// (keys are assigned in creation order). Tokens stay valid while
	// records are added or removed: a page never repeats or skips a record
	// that existed throughout. Invalid for a malformed token or page size.
	ListRequirements(ctx context.Context, project string, q ListQuery) (Page[Requirement], error)
	// GetRevision returns revision n. NotFound if the requirement or the
	// revision does not exist.
	GetRevision(ctx context.Context, project, id string, n int) (Revision, error)
	// ListRevisions returns every revision, oldest first. NotFound if absent.
	ListRevisions(ctx context.Context, project, id string) ([]Revision, error)

	// CreateChangeRequest stores a new change request (Revision 1).
	// NotFound if its requirement does not exist; Conflict if the ID exists.
	CreateChangeRequest(ctx context.Context, cr ChangeRequest) (ChangeRequest, error)
	// GetChangeRequest returns a change request. NotFound if absent.
	GetChangeRequest(ctx context.Context, project, id string) (ChangeRequest, error)
	// UpdateChangeRequest stores cr; cr.Revision must be current+1.
	// NotFound if absent; Conflict (ErrStale) if stale.
	UpdateChangeRequest(ctx context.Context, cr ChangeRequest) (ChangeRequest, error)
	// ListChangeRequests returns the change requests of one requirement,
	// oldest first. NotFound if the requirement does not exist.
	ListChangeRequests(ctx context.Context, project, requirementID string) ([]ChangeRequest, error)

	// CreateTerm stores a new glossary term from its first revision.
	// Conflict if the project has a term with the same name (case-insensitive).
	CreateTerm(ctx context.Context, first TermRevision) (Term, error)
	// GetTerm returns a term. NotFound if absent.
	GetTerm(ctx context.Context, project, id string) (Term, error)
	// UpdateTerm stores next as the term's new revision; next.Number must be
	// current+1. NotFound if absent; Conflict (ErrStale) if stale; Conflict
	// if renamed to another term's name.
	UpdateTerm(ctx context.Context, next TermRevision) (Term, error)
	// DeleteTerm removes a term and its revisions. NotFound if absent.
	DeleteTerm(ctx context.Context, project, id string) error
	// ListTerms returns every term of the project, sorted by name.
	ListTerms(ctx context.Context, project string) ([]Term, error)
	// ListTermRevisions returns every revision of a term, oldest first.
	// NotFound if absent.
	ListTermRevisions(ctx context.Context, project, id string) ([]TermRevision, error)

	// GetSettings returns the project's settings; zero Settings if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings replaces the project's settings.
	PutSettings(ctx context.Context, project string, s Settings) error
}

func matchText(q string, fields ...string) bool {
	q = strings.ToLower(q)
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}
