package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// ContractStore runs the conformance suite for contract.Store
// implementations. newStore must return a fresh, empty store each call.
func ContractStore(t *testing.T, newStore func(t *testing.T) contract.Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, contract.Store)
	}{
		{"CreateAndGet", testContractCreateGet},
		{"ServiceNamesAreUniquePerProject", testContractServiceUnique},
		{"MissingIsNotFound", testContractMissing},
		{"CopiesInAndOut", testContractCopies},
		{"VersionsInCreationOrder", testContractVersions},
		{"StaleBaseConflicts", testContractStale},
		{"ConcurrentWritersLoseNothing", testContractConcurrent},
		{"DeleteRemovesVersions", testContractDelete},
		{"PaginationStableUnderInsertAndDelete", testContractPagination},
		{"PageTokenAndSizeErrors", testContractPageErrors},
		{"ProjectsAreIsolated", testContractIsolation},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func sampleSpec(service string) contract.Spec {
	return contract.Spec{
		Service:      service,
		Owner:        "team",
		Requirements: []accord.Ref{{Kind: "requirement", ID: "R1"}},
		Schemas:      map[string]json.RawMessage{"Thing": json.RawMessage(`{"type":"object"}`)},
		ErrorCodes:   []contract.ErrorCode{{Code: "NOPE", Status: 404, Message: "no"}},
		Operations: []contract.Operation{{
			ID: "get", Method: "GET", Path: "/things/{id}",
			Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"string"}`)}},
			Responses: map[string]contract.Response{"200": {Content: map[string]contract.MediaType{
				"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Thing"}`)}}}},
			ErrorCodes: []string{"NOPE"},
			Examples:   []contract.Example{{Name: "one", Request: &contract.ExampleRequest{PathParams: map[string]string{"id": "1"}}}},
		}},
	}
}

func newContract(project, id, service string) (contract.Contract, contract.Version) {
	c := contract.Contract{ID: id, Project: project, Service: service, CreatedAt: epoch, CreatedBy: "alice"}
	v := contract.Version{ContractID: id, Project: project, Version: "1.0.0", Status: contract.Draft, Revision: 1,
		Spec: sampleSpec(service), CreatedAt: epoch, CreatedBy: "alice", UpdatedAt: epoch, UpdatedBy: "alice"}
	return c, v
}

func mustCreateContract(t *testing.T, s contract.Store, project, id, service string) (contract.Contract, contract.Version) {
	t.Helper()
	c, v := newContract(project, id, service)
	require.NoError(t, s.CreateContract(ctx, c, v))
	return c, v
}

func testContractCreateGet(t *testing.T, s contract.Store) {
	c, v := mustCreateContract(t, s, "p", "C1", "orders")
	got, err := s.GetContract(ctx, "p", "C1")
	require.NoError(t, err)
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("contract (-want +got):\n%s", diff)
	}
	gotV, err := s.GetVersion(ctx, "p", "C1", "1.0.0")
	require.NoError(t, err)
	if diff := cmp.Diff(v, gotV); diff != "" {
		t.Errorf("version (-want +got):\n%s", diff)
	}
	requireCode(t, accord.Conflict, s.CreateContract(ctx, c, v))
}

func testContractServiceUnique(t *testing.T, s contract.Store) {
	mustCreateContract(t, s, "p", "C1", "orders")
	c, v := newContract("p", "C2", "orders")
	requireCode(t, accord.Conflict, s.CreateContract(ctx, c, v))
	_, err := s.GetContract(ctx, "p", "C2")
	requireCode(t, accord.NotFound, err)
	c, v = newContract("q", "C2", "orders")
	require.NoError(t, s.CreateContract(ctx, c, v), "another project may use the same service name")
}

func testContractMissing(t *testing.T, s contract.Store) {
	_, err := s.GetContract(ctx, "p", "nope")
	requireCode(t, accord.NotFound, err)
	_, err = s.GetVersion(ctx, "p", "nope", "1.0.0")
	requireCode(t, accord.NotFound, err)
	_, err = s.ListVersions(ctx, "p", "nope")
	requireCode(t, accord.NotFound, err)
	requireCode(t, accord.NotFound, s.DeleteContract(ctx, "p", "nope"))
	_, v := newContract("p", "nope", "x")
	requireCode(t, accord.NotFound, s.CreateVersion(ctx, v))
	requireCode(t, accord.NotFound, s.UpdateVersion(ctx, v, 1))
	mustCreateContract(t, s, "p", "C1", "orders")
	_, err = s.GetVersion(ctx, "p", "C1", "9.9.9")
	requireCode(t, accord.NotFound, err)
	_, v = newContract("p", "C1", "orders")
	v.Version = "9.9.9"
	requireCode(t, accord.NotFound, s.UpdateVersion(ctx, v, 1))
}

func testContractCopies(t *testing.T, s contract.Store) {
	c, v := newContract("p", "C1", "orders")
	require.NoError(t, s.CreateContract(ctx, c, v))
	// Change what was passed in; the store must not see it.
	v.Spec.Operations[0].Parameters[0].Schema[1] = 'X'
	v.Spec.Operations[0].Responses["200"] = contract.Response{}
	v.Spec.Schemas["Thing"] = json.RawMessage(`{}`)
	v.Spec.Operations[0].Examples[0].Request.PathParams["id"] = "changed"
	got, err := s.GetVersion(ctx, "p", "C1", "1.0.0")
	require.NoError(t, err)
	_, fresh := newContract("p", "C1", "orders")
	if diff := cmp.Diff(fresh, got); diff != "" {
		t.Fatalf("store shares memory with the caller (-want +got):\n%s", diff)
	}
	// Change what came out; the store must not see it either.
	got.Spec.Operations[0].ErrorCodes[0] = "CHANGED"
	got.Spec.ErrorCodes[0].Code = "CHANGED"
	list, err := s.ListVersions(ctx, "p", "C1")
	require.NoError(t, err)
	list[0].Spec.Requirements[0].ID = "CHANGED"
	again, err := s.GetVersion(ctx, "p", "C1", "1.0.0")
	require.NoError(t, err)
	if diff := cmp.Diff(fresh, again); diff != "" {
		t.Fatalf("store shares memory with the caller (-want +got):\n%s", diff)
	}
}

func testContractVersions(t *testing.T, s contract.Store) {
	_, v1 := mustCreateContract(t, s, "p", "C1", "orders")
	var want []string
	want = append(want, v1.Version)
	for _, ver := range []string{"1.1.0", "2.0.0-rc.1", "1.0.1"} {
		v := v1
		v.Version = ver
		require.NoError(t, s.CreateVersion(ctx, v))
		want = append(want, ver)
	}
	requireCode(t, accord.Conflict, s.CreateVersion(ctx, v1))
	list, err := s.ListVersions(ctx, "p", "C1")
	require.NoError(t, err)
	var got []string
	for _, v := range list {
		got = append(got, v.Version)
	}
	assert.Equal(t, want, got)
}

func testContractStale(t *testing.T, s contract.Store) {
	_, v := mustCreateContract(t, s, "p", "C1", "orders")
	next := v
	next.Revision, next.Note = 2, "first"
	require.NoError(t, s.UpdateVersion(ctx, next, 1))
	stale := v
	stale.Revision, stale.Note = 2, "lost"
	err := s.UpdateVersion(ctx, stale, 1)
	requireCode(t, accord.Conflict, err)
	assert.True(t, errors.Is(err, accord.ErrStale), "a stale base wraps accord.ErrStale: %v", err)
	got, err := s.GetVersion(ctx, "p", "C1", "1.0.0")
	require.NoError(t, err)
	assert.Equal(t, "first", got.Note, "the stale write left nothing behind")
}

func testContractConcurrent(t *testing.T, s contract.Store) {
	mustCreateContract(t, s, "p", "C1", "orders")
	const writers, each = 16, 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	successes := 0
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; {
				cur, err := s.GetVersion(ctx, "p", "C1", "1.0.0")
				if err != nil {
					t.Error(err)
					return
				}
				next := cur
				next.Revision = cur.Revision + 1
				next.Note = fmt.Sprintf("w%d-%d", w, i)
				err = s.UpdateVersion(ctx, next, cur.Revision)
				if errors.Is(err, accord.ErrStale) {
					continue // lost the race: re-read and retry
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				successes++
				mu.Unlock()
				i++
			}
		}()
	}
	wg.Wait()
	got, err := s.GetVersion(ctx, "p", "C1", "1.0.0")
	require.NoError(t, err)
	assert.Equal(t, writers*each, successes)
	assert.Equal(t, 1+writers*each, got.Revision, "every successful update counted exactly once")
}

func testContractDelete(t *testing.T, s contract.Store) {
	_, v := mustCreateContract(t, s, "p", "C1", "orders")
	v.Version = "2.0.0"
	require.NoError(t, s.CreateVersion(ctx, v))
	require.NoError(t, s.DeleteContract(ctx, "p", "C1"))
	_, err := s.GetContract(ctx, "p", "C1")
	requireCode(t, accord.NotFound, err)
	_, err = s.GetVersion(ctx, "p", "C1", "2.0.0")
	requireCode(t, accord.NotFound, err)
	c, first := newContract("p", "C2", "orders")
	require.NoError(t, s.CreateContract(ctx, c, first), "the service name is free again")
}

func testContractPagination(t *testing.T, s contract.Store) {
	for i := range 7 {
		mustCreateContract(t, s, "p", fmt.Sprintf("C%d", i), fmt.Sprintf("svc%d", i))
	}
	var seen []string
	page, err := s.ListContracts(ctx, "p", contract.ListQuery{PageSize: 3})
	require.NoError(t, err)
	for _, c := range page.Items {
		seen = append(seen, c.ID)
	}
	require.NotEmpty(t, page.NextPageToken)
	// Between pages: delete a listed one and the next unlisted one, add one.
	require.NoError(t, s.DeleteContract(ctx, "p", "C2"))
	require.NoError(t, s.DeleteContract(ctx, "p", "C3"))
	mustCreateContract(t, s, "p", "C9", "svc9")
	for page.NextPageToken != "" {
		page, err = s.ListContracts(ctx, "p", contract.ListQuery{PageSize: 3, PageToken: page.NextPageToken})
		require.NoError(t, err)
		for _, c := range page.Items {
			seen = append(seen, c.ID)
		}
	}
	assert.Equal(t, []string{"C0", "C1", "C2", "C4", "C5", "C6", "C9"}, seen, "nothing skipped, nothing repeated")
}

func testContractPageErrors(t *testing.T, s contract.Store) {
	for _, q := range []contract.ListQuery{{PageSize: -1}, {PageSize: contract.MaxPageSize + 1}, {PageToken: "%%%"}, {PageToken: "bm9wZQ"}} {
		_, err := s.ListContracts(ctx, "p", q)
		requireCode(t, accord.Invalid, err)
	}
	page, err := s.ListContracts(ctx, "empty", contract.ListQuery{})
	require.NoError(t, err)
	assert.NotNil(t, page.Items, "an empty list, not null")
	assert.Empty(t, page.Items)
}

func testContractIsolation(t *testing.T, s contract.Store) {
	mustCreateContract(t, s, "p", "C1", "orders")
	_, err := s.GetContract(ctx, "q", "C1")
	requireCode(t, accord.NotFound, err)
	_, err = s.GetVersion(ctx, "q", "C1", "1.0.0")
	requireCode(t, accord.NotFound, err)
	requireCode(t, accord.NotFound, s.DeleteContract(ctx, "q", "C1"))
	page, err := s.ListContracts(ctx, "q", contract.ListQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	_, v := newContract("q", "C1", "orders")
	v.Version = "2.0.0"
	requireCode(t, accord.NotFound, s.CreateVersion(ctx, v))
}
