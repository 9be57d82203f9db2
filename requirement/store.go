package requirement

import (
	"context"
	"slices"
	"strings"

	"github.com/accordhq/accord"
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

// Rank says how well r answers a search for f.Text, for
// Store.SearchRequirements: 0 when its key or title contains the text
// (case-insensitive), 1 when only its background or description does.
// Every store ranks the same way; Match decides whether r is a hit at all.
func (f Filter) Rank(r *Requirement) int {
	if matchText(f.Text, r.Key, r.Title) {
		return 0
	}
	return 1
}

// Settings are a project's requirement rules: one revisioned record per
// project, changed with compare-and-swap like every record. Revision 0
// means never set.
type Settings struct {
	Project string `json:"project"`
	// LintBlocksReview refuses the move to in_review while Lint reports a
	// finding of severity error.
	LintBlocksReview bool `json:"lint_blocks_review"`
	accord.Stamp
}

// Store keeps requirements, change requests and glossary terms with every
// revision of each, and the project settings. The rules are those of every
// accord store (adapters/storetest checks them):
//
//   - Create… stores revision 1 and returns the stored record.
//   - Update… is compare-and-swap: next.Number (= next.Record.Revision) must
//     be the stored revision plus one, otherwise Conflict wrapping
//     accord.ErrStale. Identity (ID, key, creation stamp) never changes.
//   - Every revision stays readable until the record is deleted.
//   - Lists are in creation order; page tokens stay correct while records
//     are added or removed. Queries arrive normalised by the Service.
//   - Values are copied in and out; no call returns another project's data;
//     every method is safe for concurrent use.
type Store interface {
	// CreateRequirement stores a requirement from its first revision and
	// assigns its key: KeyOf(n), n being the project's next sequence
	// number, allocated atomically. Conflict if the ID exists.
	CreateRequirement(ctx context.Context, first accord.Revision[Requirement]) (Requirement, error)
	// GetRequirement returns the current revision. NotFound if absent.
	GetRequirement(ctx context.Context, project, id string) (Requirement, error)
	// GetRequirementByKey returns the requirement with the key (REQ-7).
	// NotFound if absent.
	GetRequirementByKey(ctx context.Context, project, key string) (Requirement, error)
	// UpdateRequirement stores next as the new current revision.
	// NotFound if absent; Conflict (ErrStale) if stale.
	UpdateRequirement(ctx context.Context, next accord.Revision[Requirement]) (Requirement, error)
	// DeleteRequirement stores tombstone, a revision of kind accord.RevisionDeleted
	// whose stamp's Deleted says who deleted the requirement, when and why, as
	// its next revision (compare-and-swap, like an update), and hides it:
	// gets, finds and lists answer as if it did not exist (its change requests too) and its key is never given again, its
	// revisions stay. An update of kind accord.RevisionRestored brings it
	// back. NotFound if absent or deleted; Conflict (ErrStale) if stale.
	DeleteRequirement(ctx context.Context, tombstone accord.Revision[Requirement]) error
	// ListRequirements returns one page of the requirements that match f,
	// in creation (key) order. Invalid for a malformed token.
	ListRequirements(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Requirement], error)
	// SearchRequirements returns one page of the requirements that match
	// f (f.Text is not empty), best first: by f.Rank (key or title hits
	// before background or description hits), then newest first (the
	// highest key number). Every store returns the same pages in the same
	// order. Invalid for a malformed token.
	SearchRequirements(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Requirement], error)
	// ListDeletedRequirements returns one page of the project's deleted
	// requirements, each as its tombstone (Stamp.Deleted says who, when and
	// why), in creation order: what an admin may restore. Invalid for a
	// malformed token.
	ListDeletedRequirements(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Requirement], error)
	// GetRequirementRevision returns revision n. NotFound if the
	// requirement or the revision does not exist.
	GetRequirementRevision(ctx context.Context, project, id string, n int) (accord.Revision[Requirement], error)
	// ListRequirementRevisions returns every revision, oldest first.
	// NotFound if absent.
	ListRequirementRevisions(ctx context.Context, project, id string) ([]accord.Revision[Requirement], error)

	// CreateChangeRequest stores a change request from its first revision.
	// NotFound if its requirement does not exist; Conflict if the ID exists.
	CreateChangeRequest(ctx context.Context, first accord.Revision[ChangeRequest]) (ChangeRequest, error)
	// GetChangeRequest returns a change request. NotFound if absent.
	GetChangeRequest(ctx context.Context, project, id string) (ChangeRequest, error)
	// UpdateChangeRequest stores next as the new current revision.
	// NotFound if absent; Conflict (ErrStale) if stale.
	UpdateChangeRequest(ctx context.Context, next accord.Revision[ChangeRequest]) (ChangeRequest, error)
	// ListChangeRequests returns the change requests of one requirement,
	// oldest first. NotFound if the requirement does not exist.
	ListChangeRequests(ctx context.Context, project, requirementID string) ([]ChangeRequest, error)
	// ListChangeRequestRevisions returns every revision of a change
	// request, oldest first. NotFound if absent.
	ListChangeRequestRevisions(ctx context.Context, project, id string) ([]accord.Revision[ChangeRequest], error)

	// CreateTerm stores a glossary term from its first revision. Conflict
	// if the ID exists or the project has a term with the same name
	// (case-insensitive).
	CreateTerm(ctx context.Context, first accord.Revision[Term]) (Term, error)
	// GetTerm returns a term. NotFound if absent.
	GetTerm(ctx context.Context, project, id string) (Term, error)
	// UpdateTerm stores next as the term's new revision. NotFound if
	// absent; Conflict (ErrStale) if stale; Conflict if renamed to another
	// term's name.
	UpdateTerm(ctx context.Context, next accord.Revision[Term]) (Term, error)
	// DeleteTerm stores tombstone, a revision of kind accord.RevisionDeleted
	// whose stamp's Deleted says who deleted the term, when and why, as
	// its next revision (compare-and-swap, like an update), and hides it:
	// gets, finds and lists answer as if it did not exist and its name is free again, its
	// revisions stay. An update of kind accord.RevisionRestored brings it
	// back. NotFound if absent or deleted; Conflict (ErrStale) if stale.
	DeleteTerm(ctx context.Context, tombstone accord.Revision[Term]) error
	// ListTerms returns every term of the project, sorted by name.
	ListTerms(ctx context.Context, project string) ([]Term, error)
	// ListDeletedTerms returns one page of the project's deleted
	// glossary terms, each as its tombstone (Stamp.Deleted says who, when and
	// why), in creation order: what an admin may restore. Invalid for a
	// malformed token.
	ListDeletedTerms(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Term], error)
	// ListTermRevisions returns every revision of a term, oldest first.
	// NotFound if absent.
	ListTermRevisions(ctx context.Context, project, id string) ([]accord.Revision[Term], error)

	// GetSettings returns the project's settings; revision 0 if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings stores s; s.Revision must be the stored revision plus
	// one. Conflict (ErrStale) if stale.
	PutSettings(ctx context.Context, s Settings) (Settings, error)
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
