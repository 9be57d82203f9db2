package sqlstore

import (
	"context"
	"database/sql"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// ContractStore is a contract.Store in SQL. A version's ID is
// "<contract id>@<version>", its parent the contract.
type ContractStore struct {
	contracts table[contract.Contract]
	versions  table[contract.Version]
	runs      table[contract.TestRun]
	settings  settings[contract.Settings]
}

var _ contract.Store = (*ContractStore)(nil)

func newContractStore(db *sql.DB, d Dialect, c *readCache) *ContractStore {
	return &ContractStore{
		contracts: table[contract.Contract]{db: db, d: d, cache: c, kind: contract.RefKind, what: "contract",
			ident: func(c *contract.Contract) (string, string) { return c.Project, c.ID },
			stamp: func(c *contract.Contract) *accord.Stamp { return &c.Stamp },
			name:  func(c *contract.Contract) string { return c.Service },
			taken: func(c *contract.Contract) error {
				return accord.Errorf(accord.Conflict, "service %q already has contract %s in project %q", c.Service, c.ID, c.Project)
			},
			cols: func(c *contract.Contract) columns { return columns{search: []string{c.Service}} }},
		versions: table[contract.Version]{db: db, d: d, cache: c, clone: contract.Version.Clone, kind: contract.VersionRefKind, what: "contract version",
			ident:  func(v *contract.Version) (string, string) { return v.Project, versionID(v.ContractID, v.Version) },
			stamp:  func(v *contract.Version) *accord.Stamp { return &v.Stamp },
			parent: func(v *contract.Version) string { return v.ContractID },
			cols:   func(v *contract.Version) columns { return columns{status: string(v.Status)} }},
		runs: table[contract.TestRun]{db: db, d: d, kind: contract.TestRunRefKind, what: "test run",
			ident:  func(r *contract.TestRun) (string, string) { return r.Project, r.ID },
			stamp:  func(r *contract.TestRun) *accord.Stamp { return &r.Stamp },
			parent: func(r *contract.TestRun) string { return r.ContractID },
			cols:   func(r *contract.TestRun) columns { return columns{refID: r.Version} }},
		settings: settings[contract.Settings]{db: db, d: d, domain: "contracts",
			stamp: func(s *contract.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) contract.Settings { return contract.Settings{Project: p} }},
	}
}

func versionID(contractID, version string) string { return contractID + "@" + version }

// CreateContract implements contract.Store: the contract and its first
// version in one transaction.
func (s *ContractStore) CreateContract(ctx context.Context, c contract.Contract, first accord.Revision[contract.Version]) (contract.Contract, error) {
	if first.Record.Project != c.Project || first.Record.ContractID != c.ID {
		return contract.Contract{}, accord.Errorf(accord.Invalid, "the first version belongs to another contract")
	}
	var out contract.Contract
	err := s.contracts.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.contracts.createIn(ctx, tx, accord.Revision[contract.Contract]{Number: 1, Kind: first.Kind, Actor: first.Actor, Time: first.Time, Note: first.Note, Record: c})
		if err != nil {
			return err
		}
		_, err = s.versions.createIn(ctx, tx, first)
		return err
	})
	return out, err
}

// GetContract implements contract.Store.
func (s *ContractStore) GetContract(ctx context.Context, project, id string) (contract.Contract, error) {
	return s.contracts.get(ctx, project, id)
}

// ListContracts implements contract.Store.
func (s *ContractStore) ListContracts(ctx context.Context, project string, f contract.Filter, q accord.PageQuery) (accord.Page[contract.Contract], error) {
	var w filter
	if f.Service != "" {
		w.add("r.name = ?", f.Service)
	}
	if f.Text != "" {
		w.contains(f.Text)
	}
	return s.contracts.list(ctx, project, w, q)
}

// ListDeletedContracts implements contract.Store.
func (s *ContractStore) ListDeletedContracts(ctx context.Context, project string, q accord.PageQuery) (accord.Page[contract.Contract], error) {
	return s.contracts.listDeleted(ctx, project, q)
}

// DeleteContract implements contract.Store: its versions are hidden with
// it.
func (s *ContractStore) DeleteContract(ctx context.Context, tombstone accord.Revision[contract.Contract]) error {
	return s.contracts.tombstone(ctx, tombstone)
}

// RestoreContract implements contract.Store.
func (s *ContractStore) RestoreContract(ctx context.Context, next accord.Revision[contract.Contract]) (contract.Contract, error) {
	if next.Kind != accord.RevisionRestored {
		return contract.Contract{}, accord.Errorf(accord.Invalid, "a contract is restored by a revision of kind %s", accord.RevisionRestored)
	}
	return s.contracts.update(ctx, next)
}

// ListContractRevisions implements contract.Store.
func (s *ContractStore) ListContractRevisions(ctx context.Context, project, id string) ([]accord.Revision[contract.Contract], error) {
	return s.contracts.revisions(ctx, project, id)
}

// CreateTestRun implements contract.Store: the run's parent is its
// contract, its ref_id the version.
func (s *ContractStore) CreateTestRun(ctx context.Context, first accord.Revision[contract.TestRun]) (contract.TestRun, error) {
	var out contract.TestRun
	err := s.runs.tx(ctx, func(tx *sql.Tx) error {
		if err := s.contracts.exists(ctx, tx, first.Record.Project, first.Record.ContractID); err != nil {
			return err
		}
		var err error
		out, err = s.runs.createIn(ctx, tx, first)
		return err
	})
	return out, err
}

// ListTestRuns implements contract.Store.
func (s *ContractStore) ListTestRuns(ctx context.Context, project string, f contract.TestRunFilter, q accord.PageQuery) (accord.Page[contract.TestRun], error) {
	var w filter
	if f.ContractID != "" {
		w.add("r.parent = ?", f.ContractID)
	}
	if f.Version != "" {
		w.add("r.ref_id = ?", f.Version)
	}
	// The runs of a deleted contract are hidden with it.
	w.add("NOT EXISTS (SELECT 1 FROM accord_records p WHERE p.kind = ? AND p.project = r.project AND p.id = r.parent AND p.deleted_at IS NOT NULL)", contract.RefKind)
	return s.runs.list(ctx, project, w, q)
}

// CreateVersion implements contract.Store.
func (s *ContractStore) CreateVersion(ctx context.Context, first accord.Revision[contract.Version]) (contract.Version, error) {
	var out contract.Version
	err := s.versions.tx(ctx, func(tx *sql.Tx) error {
		v := first.Record
		if err := s.contracts.exists(ctx, tx, v.Project, v.ContractID); err != nil {
			return err
		}
		if s.versions.exists(ctx, tx, v.Project, versionID(v.ContractID, v.Version)) == nil {
			return accord.Errorf(accord.Conflict, "version %s of contract %s exists", v.Version, v.ContractID)
		}
		var err error
		out, err = s.versions.createIn(ctx, tx, first)
		return err
	})
	return out, err
}

// GetVersion implements contract.Store.
func (s *ContractStore) GetVersion(ctx context.Context, project, id, version string) (contract.Version, error) {
	if err := s.contracts.exists(ctx, on(ctx, s.contracts.db), project, id); err != nil {
		return contract.Version{}, err
	}
	return s.versions.get(ctx, project, versionID(id, version))
}

// ListVersions implements contract.Store.
func (s *ContractStore) ListVersions(ctx context.Context, project, id string) ([]contract.Version, error) {
	if err := s.contracts.exists(ctx, on(ctx, s.contracts.db), project, id); err != nil {
		return nil, err
	}
	var w filter
	w.add("r.parent = ?", id)
	return s.versions.all(ctx, on(ctx, s.versions.db), project, w)
}

// ListDeletedVersions implements contract.Store: a deleted contract's
// versions keep their rows (only the contract carries the tombstone).
func (s *ContractStore) ListDeletedVersions(ctx context.Context, project, id string) ([]contract.Version, error) {
	if err := s.deleted(ctx, project, id); err != nil {
		return nil, err
	}
	var w filter
	w.add("r.parent = ?", id)
	return s.versions.all(ctx, on(ctx, s.versions.db), project, w)
}

// ListDeletedTestRuns implements contract.Store: like versions, the runs
// keep their rows.
func (s *ContractStore) ListDeletedTestRuns(ctx context.Context, project, id string) ([]contract.TestRun, error) {
	if err := s.deleted(ctx, project, id); err != nil {
		return nil, err
	}
	var w filter
	w.add("r.parent = ?", id)
	return s.runs.all(ctx, on(ctx, s.runs.db), project, w)
}

// deleted answers NotFound unless the contract is stored and deleted.
func (s *ContractStore) deleted(ctx context.Context, project, id string) error {
	q := on(ctx, s.contracts.db)
	if err := s.contracts.stored(ctx, q, project, id, ""); err != nil {
		return err
	}
	if err := s.contracts.stored(ctx, q, project, id, " AND deleted_at IS NOT NULL"); accord.ErrorCode(err) == accord.NotFound {
		return accord.Errorf(accord.NotFound, "contract %q in project %q is not deleted: ListVersions and ListTestRuns answer for it", id, project)
	} else if err != nil {
		return err
	}
	return nil
}

// UpdateVersion implements contract.Store.
func (s *ContractStore) UpdateVersion(ctx context.Context, next accord.Revision[contract.Version]) (contract.Version, error) {
	var out contract.Version
	err := s.versions.tx(ctx, func(tx *sql.Tx) error {
		if err := s.contracts.exists(ctx, tx, next.Record.Project, next.Record.ContractID); err != nil {
			return err
		}
		var err error
		out, err = s.versions.updateIn(ctx, tx, next)
		return err
	})
	return out, err
}

// GetVersionRevision implements contract.Store.
func (s *ContractStore) GetVersionRevision(ctx context.Context, project, id, version string, n int) (accord.Revision[contract.Version], error) {
	return s.versions.revision(ctx, project, versionID(id, version), n)
}

// ListVersionRevisions implements contract.Store.
func (s *ContractStore) ListVersionRevisions(ctx context.Context, project, id, version string) ([]accord.Revision[contract.Version], error) {
	return s.versions.revisions(ctx, project, versionID(id, version))
}

// GetSettings implements contract.Store.
func (s *ContractStore) GetSettings(ctx context.Context, project string) (contract.Settings, error) {
	return s.settings.get(ctx, project)
}

// PutSettings implements contract.Store.
func (s *ContractStore) PutSettings(ctx context.Context, next contract.Settings) (contract.Settings, error) {
	return s.settings.put(ctx, next.Project, next)
}
