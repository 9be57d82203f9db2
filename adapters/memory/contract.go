package memory

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// ContractStore is an in-memory contract.Store.
type ContractStore struct {
	mu       sync.RWMutex
	projects map[string]*contractProject
}

var _ contract.Store = (*ContractStore)(nil)

// NewContractStore returns an empty store.
func NewContractStore() *ContractStore {
	return &ContractStore{projects: map[string]*contractProject{}}
}

type contractProject struct {
	seq       int
	contracts map[string]*storedContract
	order     []listed          // creation order; seq is the creation number
	services  map[string]string // service name → contract ID
}

type storedContract struct {
	contract contract.Contract
	versions []contract.Version // creation order
}

func (s *ContractStore) project(name string, create bool) *contractProject {
	p := s.projects[name]
	if p == nil && create {
		p = &contractProject{contracts: map[string]*storedContract{}, services: map[string]string{}}
		s.projects[name] = p
	}
	return p
}

func (s *ContractStore) stored(project, id string) (*storedContract, error) {
	if p := s.project(project, false); p != nil {
		if c := p.contracts[id]; c != nil {
			return c, nil
		}
	}
	return nil, notFound("contract", project, id)
}

// CreateContract implements contract.Store.
func (s *ContractStore) CreateContract(_ context.Context, c contract.Contract, first contract.Version) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(c.Project, true)
	if _, ok := p.contracts[c.ID]; ok {
		return accord.Errorf(accord.Conflict, "contract %q exists", c.ID)
	}
	if id, ok := p.services[c.Service]; ok {
		return accord.Errorf(accord.Conflict, "service %q already has contract %s in project %q", c.Service, id, c.Project)
	}
	p.seq++
	p.contracts[c.ID] = &storedContract{contract: c, versions: []contract.Version{first.Clone()}}
	p.order = append(p.order, listed{seq: p.seq, id: c.ID})
	p.services[c.Service] = c.ID
	return nil
}

// GetContract implements contract.Store.
func (s *ContractStore) GetContract(_ context.Context, project, id string) (contract.Contract, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.stored(project, id)
	if err != nil {
		return contract.Contract{}, err
	}
	return c.contract, nil
}

// ListContracts implements contract.Store.
func (s *ContractStore) ListContracts(_ context.Context, project string, q contract.ListQuery) (contract.Page[contract.Contract], error) {
	var page contract.Page[contract.Contract]
	size, afterSeq, err := pageQuery(q.PageSize, q.PageToken, contract.MaxPageSize)
	if err != nil {
		return page, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	page.Items = []contract.Contract{}
	p := s.project(project, false)
	if p == nil {
		return page, nil
	}
	start, _ := slices.BinarySearchFunc(p.order, afterSeq+1, func(l listed, seq int) int { return l.seq - seq })
	for i, l := range p.order[start:] {
		if len(page.Items) == size {
			page.NextPageToken = encodeToken(strconv.Itoa(p.order[start+i-1].seq))
			break
		}
		page.Items = append(page.Items, p.contracts[l.id].contract)
	}
	return page, nil
}

// DeleteContract implements contract.Store.
func (s *ContractStore) DeleteContract(_ context.Context, project, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.stored(project, id)
	if err != nil {
		return err
	}
	p := s.project(project, false)
	delete(p.contracts, id)
	delete(p.services, c.contract.Service)
	p.order = slices.DeleteFunc(p.order, func(l listed) bool { return l.id == id })
	return nil
}

// CreateVersion implements contract.Store.
func (s *ContractStore) CreateVersion(_ context.Context, v contract.Version) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.stored(v.Project, v.ContractID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(c.versions, func(e contract.Version) bool { return e.Version == v.Version }) {
		return accord.Errorf(accord.Conflict, "version %s of contract %s exists", v.Version, v.ContractID)
	}
	c.versions = append(c.versions, v.Clone())
	return nil
}

func (c *storedContract) version(project, version string) (int, error) {
	i := slices.IndexFunc(c.versions, func(e contract.Version) bool { return e.Version == version })
	if i < 0 {
		return 0, accord.Errorf(accord.NotFound, "version %s of contract %q not found in project %q", version, c.contract.ID, project)
	}
	return i, nil
}

// GetVersion implements contract.Store.
func (s *ContractStore) GetVersion(_ context.Context, project, id, version string) (contract.Version, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.stored(project, id)
	if err != nil {
		return contract.Version{}, err
	}
	i, err := c.version(project, version)
	if err != nil {
		return contract.Version{}, err
	}
	return c.versions[i].Clone(), nil
}

// ListVersions implements contract.Store.
func (s *ContractStore) ListVersions(_ context.Context, project, id string) ([]contract.Version, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.stored(project, id)
	if err != nil {
		return nil, err
	}
	out := make([]contract.Version, len(c.versions))
	for i, v := range c.versions {
		out[i] = v.Clone()
	}
	return out, nil
}

// UpdateVersion implements contract.Store.
func (s *ContractStore) UpdateVersion(_ context.Context, v contract.Version, baseRevision int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.stored(v.Project, v.ContractID)
	if err != nil {
		return err
	}
	i, err := c.version(v.Project, v.Version)
	if err != nil {
		return err
	}
	if cur := c.versions[i].Revision; cur != baseRevision {
		return accord.StaleError("version "+v.Version+" of contract "+v.ContractID, baseRevision, cur)
	}
	c.versions[i] = v.Clone()
	return nil
}
