package memory

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// ContractStore is an in-memory contract.Store.
type ContractStore struct {
	mu        sync.RWMutex
	contracts table[contract.Contract]
	versions  table[contract.Version] // ID "<contract id>@<version>"
	runs      table[contract.TestRun]
	settings  settings[contract.Settings]
}

var _ contract.Store = (*ContractStore)(nil)

// NewContractStore returns an empty store.
func NewContractStore() *ContractStore {
	return &ContractStore{
		contracts: table[contract.Contract]{what: "contract", clone: func(c contract.Contract) contract.Contract { return c },
			ident: func(c *contract.Contract) (string, string) { return c.Project, c.ID },
			stamp: func(c *contract.Contract) *accord.Stamp { return &c.Stamp },
			name:  func(c *contract.Contract) string { return c.Service },
			taken: func(c *contract.Contract) error {
				return accord.Errorf(accord.Conflict, "service %q already has contract %s in project %q", c.Service, c.ID, c.Project)
			}},
		versions: table[contract.Version]{what: "contract version", clone: contract.Version.Clone,
			ident: func(v *contract.Version) (string, string) { return v.Project, versionID(v.ContractID, v.Version) },
			stamp: func(v *contract.Version) *accord.Stamp { return &v.Stamp }},
		runs: table[contract.TestRun]{what: "test run", clone: contract.TestRun.Clone,
			ident: func(r *contract.TestRun) (string, string) { return r.Project, r.ID },
			stamp: func(r *contract.TestRun) *accord.Stamp { return &r.Stamp }},
		settings: settings[contract.Settings]{what: "contract settings", clone: contract.Settings.Clone,
			stamp: func(s *contract.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) contract.Settings { return contract.Settings{Project: p} }},
	}
}

// GetSettings implements contract.Store.
func (s *ContractStore) GetSettings(_ context.Context, project string) (contract.Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings.get(project), nil
}

// PutSettings implements contract.Store.
func (s *ContractStore) PutSettings(_ context.Context, next contract.Settings) (contract.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.put(next.Project, next)
}

func versionID(contractID, version string) string { return contractID + "@" + version }

// CreateContract implements contract.Store.
func (s *ContractStore) CreateContract(_ context.Context, c contract.Contract, first accord.Revision[contract.Version]) (contract.Contract, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if first.Record.Project != c.Project || first.Record.ContractID != c.ID {
		return contract.Contract{}, accord.Errorf(accord.Invalid, "the first version belongs to another contract")
	}
	if _, err := s.versions.row(c.Project, versionID(c.ID, first.Record.Version)); err == nil {
		return contract.Contract{}, accord.Errorf(accord.Conflict, "contract %q already exists", c.ID)
	}
	stored, err := s.contracts.create(accord.Revision[contract.Contract]{Number: 1, Kind: first.Kind, Actor: first.Actor, Time: first.Time, Note: first.Note, Record: c})
	if err != nil {
		return contract.Contract{}, err
	}
	if _, err := s.versions.create(first); err != nil {
		_ = s.contracts.delete(c.Project, c.ID) // both or neither
		return contract.Contract{}, err
	}
	return stored, nil
}

// GetContract implements contract.Store.
func (s *ContractStore) GetContract(_ context.Context, project, id string) (contract.Contract, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.contracts.get(project, id)
}

// ListContracts implements contract.Store.
func (s *ContractStore) ListContracts(_ context.Context, project string, f contract.Filter, q accord.PageQuery) (accord.Page[contract.Contract], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.contracts.list(project, f.Match, q)
}

// ListDeletedContracts implements contract.Store.
func (s *ContractStore) ListDeletedContracts(_ context.Context, project string, q accord.PageQuery) (accord.Page[contract.Contract], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.contracts.listDeleted(project, q)
}

// DeleteContract implements contract.Store: its versions are hidden with
// it.
func (s *ContractStore) DeleteContract(_ context.Context, tombstone accord.Revision[contract.Contract]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contracts.tombstone(tombstone)
}

// RestoreContract implements contract.Store.
func (s *ContractStore) RestoreContract(_ context.Context, next accord.Revision[contract.Contract]) (contract.Contract, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if next.Kind != accord.RevisionRestored {
		return contract.Contract{}, accord.Errorf(accord.Invalid, "a contract is restored by a revision of kind %s", accord.RevisionRestored)
	}
	return s.contracts.update(next)
}

// ListContractRevisions implements contract.Store.
func (s *ContractStore) ListContractRevisions(_ context.Context, project, id string) ([]accord.Revision[contract.Contract], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.contracts.revisions(project, id)
}

// CreateTestRun implements contract.Store.
func (s *ContractStore) CreateTestRun(_ context.Context, first accord.Revision[contract.TestRun]) (contract.TestRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.contracts.live(first.Record.Project, first.Record.ContractID); err != nil {
		return contract.TestRun{}, err
	}
	return s.runs.create(first)
}

// ListTestRuns implements contract.Store.
func (s *ContractStore) ListTestRuns(_ context.Context, project string, f contract.TestRunFilter, q accord.PageQuery) (accord.Page[contract.TestRun], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// The runs of a deleted contract are hidden with it.
	return s.runs.list(project, func(r *contract.TestRun) bool {
		_, err := s.contracts.live(project, r.ContractID)
		return err == nil && f.Match(r)
	}, q)
}

// CreateVersion implements contract.Store.
func (s *ContractStore) CreateVersion(_ context.Context, first accord.Revision[contract.Version]) (contract.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := first.Record
	if _, err := s.contracts.live(v.Project, v.ContractID); err != nil {
		return contract.Version{}, err
	}
	if _, err := s.versions.row(v.Project, versionID(v.ContractID, v.Version)); err == nil {
		return contract.Version{}, accord.Errorf(accord.Conflict, "version %s of contract %s exists", v.Version, v.ContractID)
	}
	return s.versions.create(first)
}

// GetVersion implements contract.Store.
func (s *ContractStore) GetVersion(_ context.Context, project, id, version string) (contract.Version, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.contracts.live(project, id); err != nil {
		return contract.Version{}, err
	}
	return s.versions.get(project, versionID(id, version))
}

// ListVersions implements contract.Store.
func (s *ContractStore) ListVersions(_ context.Context, project, id string) ([]contract.Version, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.contracts.live(project, id); err != nil {
		return nil, err
	}
	return s.versions.all(project, func(v *contract.Version) bool { return v.ContractID == id }), nil
}

// ListDeletedVersions implements contract.Store.
func (s *ContractStore) ListDeletedVersions(_ context.Context, project, id string) ([]contract.Version, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.deleted(project, id); err != nil {
		return nil, err
	}
	return s.versions.all(project, func(v *contract.Version) bool { return v.ContractID == id }), nil
}

// ListDeletedTestRuns implements contract.Store.
func (s *ContractStore) ListDeletedTestRuns(_ context.Context, project, id string) ([]contract.TestRun, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.deleted(project, id); err != nil {
		return nil, err
	}
	return s.runs.all(project, func(r *contract.TestRun) bool { return r.ContractID == id }), nil
}

// deleted answers NotFound unless the contract is stored and deleted.
func (s *ContractStore) deleted(project, id string) error {
	r, err := s.contracts.row(project, id)
	if err != nil {
		return err
	}
	if !s.contracts.gone(r.current()) {
		return accord.Errorf(accord.NotFound, "contract %q in project %q is not deleted: ListVersions and ListTestRuns answer for it", id, project)
	}
	return nil
}

// UpdateVersion implements contract.Store.
func (s *ContractStore) UpdateVersion(_ context.Context, next accord.Revision[contract.Version]) (contract.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.contracts.live(next.Record.Project, next.Record.ContractID); err != nil {
		return contract.Version{}, err
	}
	return s.versions.update(next)
}

// GetVersionRevision implements contract.Store.
func (s *ContractStore) GetVersionRevision(_ context.Context, project, id, version string, n int) (accord.Revision[contract.Version], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.versions.revision(project, versionID(id, version), n)
}

// ListVersionRevisions implements contract.Store.
func (s *ContractStore) ListVersionRevisions(_ context.Context, project, id, version string) ([]accord.Revision[contract.Version], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.versions.revisions(project, versionID(id, version))
}
