package contract

import "context"

// MaxPageSize is the largest page a list returns.
const MaxPageSize = 500

// ListQuery asks for one page of contracts in creation order.
type ListQuery struct {
	PageSize  int    // 1–500; 0 means 50
	PageToken string // from a previous page's NextPageToken
}

// Page is one page of a list. NextPageToken is empty on the last page.
type Page[T any] struct {
	Items         []T    `json:"items"`
	NextPageToken string `json:"next_page_token,omitempty"`
}

// Store keeps contracts and their versions. Implementations copy values in
// and out (a caller never shares memory with the store), keep projects
// apart, and are safe for concurrent use. adapters/storetest.ContractStore
// checks an implementation.
type Store interface {
	// CreateContract stores a new contract with its first version, both or
	// neither. Conflict if the ID exists or the service name is taken in
	// the project.
	CreateContract(ctx context.Context, c Contract, first Version) error
	// GetContract returns a contract. NotFound if it does not exist.
	GetContract(ctx context.Context, project, id string) (Contract, error)
	// ListContracts lists a project's contracts in creation order.
	// Invalid for a bad page size or token.
	ListContracts(ctx context.Context, project string, q ListQuery) (Page[Contract], error)
	// DeleteContract removes a contract and all its versions. NotFound if
	// it does not exist.
	DeleteContract(ctx context.Context, project, id string) error

	// CreateVersion stores a new version of an existing contract.
	// NotFound if the contract does not exist; Conflict if the version
	// does.
	CreateVersion(ctx context.Context, v Version) error
	// GetVersion returns one version. NotFound if it does not exist.
	GetVersion(ctx context.Context, project, id, version string) (Version, error)
	// ListVersions returns a contract's versions in creation order.
	// NotFound if the contract does not exist.
	ListVersions(ctx context.Context, project, id string) ([]Version, error)
	// UpdateVersion replaces a version whose revision is baseRevision;
	// v.Revision is baseRevision+1. NotFound if it does not exist; Conflict
	// wrapping accord.ErrStale if its revision is not baseRevision.
	UpdateVersion(ctx context.Context, v Version, baseRevision int) error
}
