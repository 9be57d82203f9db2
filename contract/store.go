package contract

import (
	"context"
	"strings"

	"github.com/accordhq/accord"
)

// Filter selects contracts in a list. Empty fields match everything.
type Filter struct {
	Service string // the service name, exactly
	Text    string // case-insensitive substring of the service name
}

// Match reports whether c passes the filter. Stores may use it or translate
// the filter into their own query; the conformance suite checks the result.
func (f Filter) Match(c *Contract) bool {
	if f.Service != "" && c.Service != f.Service {
		return false
	}
	if f.Text != "" && !strings.Contains(strings.ToLower(c.Service), strings.ToLower(f.Text)) {
		return false
	}
	return true
}

// Store keeps contracts and their versions, with every revision of each
// version. The rules are those of every accord store (adapters/storetest
// checks them): creates store revision 1 and return the stored record;
// updates are compare-and-swap on next.Number = stored revision + 1
// (Conflict wrapping accord.ErrStale otherwise); lists are in creation
// order with tokens that survive churn; values are copied in and out;
// projects are kept apart; every method is safe for concurrent use.
type Store interface {
	// CreateContract stores a new contract with its first version, both or
	// neither, and returns the stored contract. Conflict if the ID exists
	// or the service name is taken in the project.
	CreateContract(ctx context.Context, c Contract, first accord.Revision[Version]) (Contract, error)
	// GetContract returns a contract. NotFound if it does not exist.
	GetContract(ctx context.Context, project, id string) (Contract, error)
	// ListContracts returns one page of the contracts that match f, in
	// creation order. Invalid for a malformed token.
	ListContracts(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Contract], error)
	// DeleteContract stores tombstone, a revision of kind accord.RevisionDeleted
	// whose stamp's Deleted says who deleted the contract, when and why, as
	// its next revision (compare-and-swap, like an update), and hides it:
	// gets, finds and lists answer as if it did not exist (its versions too) and its service name is free again, its
	// revisions stay. RestoreContract brings it back. NotFound if absent or deleted; Conflict (ErrStale) if stale.
	DeleteContract(ctx context.Context, tombstone accord.Revision[Contract]) error
	// RestoreContract stores next, a revision of kind
	// accord.RevisionRestored, over a deleted contract's tombstone: the
	// contract and its versions are back. NotFound if absent or not
	// deleted; Conflict if stale or its service name was taken meanwhile.
	RestoreContract(ctx context.Context, next accord.Revision[Contract]) (Contract, error)
	// ListDeletedContracts returns one page of the project's deleted
	// contracts, each as its tombstone (Stamp.Deleted says who, when and
	// why), in creation order: what an admin may restore. Invalid for a
	// malformed token.
	ListDeletedContracts(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Contract], error)
	// ListContractRevisions returns every revision of a contract (its
	// creation, deletions and restorations), oldest first, deleted or not.
	// NotFound if absent.
	ListContractRevisions(ctx context.Context, project, id string) ([]accord.Revision[Contract], error)

	// CreateVersion stores a new version of an existing contract from its
	// first revision. NotFound if the contract does not exist; Conflict if
	// the version does.
	CreateVersion(ctx context.Context, first accord.Revision[Version]) (Version, error)
	// GetVersion returns one version. NotFound if it does not exist.
	GetVersion(ctx context.Context, project, id, version string) (Version, error)
	// ListVersions returns a contract's versions in creation order.
	// NotFound if the contract does not exist.
	ListVersions(ctx context.Context, project, id string) ([]Version, error)
	// ListDeletedVersions returns a deleted contract's versions in
	// creation order, as they stand: hidden with the contract, they come
	// back when it is restored, and a project export carries them with
	// it (ListVersionRevisions answers for them too). NotFound if the
	// contract is absent or not deleted (ListVersions answers for a live
	// one).
	ListDeletedVersions(ctx context.Context, project, id string) ([]Version, error)
	// UpdateVersion stores next as the version's new revision. NotFound if
	// it does not exist; Conflict (ErrStale) if stale.
	UpdateVersion(ctx context.Context, next accord.Revision[Version]) (Version, error)
	// GetVersionRevision returns revision n of a version. NotFound if the
	// version or the revision does not exist.
	GetVersionRevision(ctx context.Context, project, id, version string, n int) (accord.Revision[Version], error)
	// ListVersionRevisions returns every revision of a version, oldest
	// first, its contract deleted or not. NotFound if absent.
	ListVersionRevisions(ctx context.Context, project, id, version string) ([]accord.Revision[Version], error)

	// CreateTestRun stores a test run of a version. NotFound if the
	// contract does not exist; a contract's runs go when it is deleted.
	CreateTestRun(ctx context.Context, first accord.Revision[TestRun]) (TestRun, error)
	// ListTestRuns returns one page of the test runs that match f, in
	// creation order. Invalid for a malformed token.
	ListTestRuns(ctx context.Context, project string, f TestRunFilter, q accord.PageQuery) (accord.Page[TestRun], error)
	// ListDeletedTestRuns returns a deleted contract's test runs in
	// creation order: hidden with the contract, they come back when it is
	// restored, and a project export carries them with it. NotFound if
	// the contract is absent or not deleted (ListTestRuns answers for a
	// live one).
	ListDeletedTestRuns(ctx context.Context, project, id string) ([]TestRun, error)

	// GetSettings returns the project's policy; revision 0 if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings stores s; s.Revision must be the stored revision plus one.
	PutSettings(ctx context.Context, s Settings) (Settings, error)
}
