package transfer_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/contract"
)

// contractSpec is a small valid spec for service.
func contractSpec(service string) contract.Spec {
	return contract.Spec{Service: service, Owner: "team-" + service, Operations: []contract.Operation{{
		ID: "get", Method: "GET", Path: "/" + service + "/{id}",
		Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"string"}`)}},
		Responses:  map[string]contract.Response{"200": {Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(`{"type":"object"}`)}}}},
	}}}
}

func kinds(revs []accord.Revision[contract.Contract]) []accord.RevisionKind {
	var out []accord.RevisionKind
	for _, r := range revs {
		out = append(out, r.Kind)
	}
	return out
}

// A deleted contract moves with its two versions and every revision of
// each, and a contract once deleted and restored (revision 3) moves
// too: from memory to SQLite (and PostgreSQL, when ACCORD_POSTGRES_URL
// names a server) the export of the import is the export, the deleted
// contract is hidden with its versions and listed as deleted, its
// service name is held by the live contract that took it, and an admin
// restores it there once that one is gone.
func TestDeletedContractsMoveStillDeleted(t *testing.T) {
	ctx := context.Background()
	ann := accord.WithActor(ctx, accord.Actor{ID: "ann", Name: "Ann", Roles: []string{"admin"}})
	src := memoryStores()
	createProject(t, src, "shop")
	s := wired(t, src)

	old, err := s.Contracts.Create(ann, "shop", contract.NewContract{Version: "1.0.0", Spec: contractSpec("orders"), Note: "first cut"})
	require.NoError(t, err)
	edited := contractSpec("orders")
	edited.Operations[0].Summary = "Read an order"
	_, err = s.Contracts.UpdateVersion(ann, "shop", old.ContractID, "1.0.0", old.Revision, contract.SpecInput{Spec: edited, Note: "a summary"})
	require.NoError(t, err)
	_, err = s.Contracts.NewVersion(ann, "shop", old.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0", Note: "next"})
	require.NoError(t, err)
	report := contract.TestReport{Source: "ci orders#7", Operations: []contract.ExercisedOperation{{ID: "get", Responses: []string{"200"}}}}
	oldRun, err := s.Contracts.RecordTestRun(ann, "shop", old.ContractID, "1.1.0", report)
	require.NoError(t, err)
	require.NoError(t, s.Contracts.Delete(ann, "shop", old.ContractID, "replaced by a new orders contract"))
	taker, err := s.Contracts.Create(ann, "shop", contract.NewContract{Version: "2.0.0", Spec: contractSpec("orders")})
	require.NoError(t, err)
	takerRun, err := s.Contracts.RecordTestRun(ann, "shop", taker.ContractID, "2.0.0", report)
	require.NoError(t, err)
	back, err := s.Contracts.Create(ann, "shop", contract.NewContract{Version: "1.0.0", Spec: contractSpec("payments")})
	require.NoError(t, err)
	require.NoError(t, s.Contracts.Delete(ann, "shop", back.ContractID, "by mistake"))
	restored, err := s.Contracts.Restore(ann, "shop", back.ContractID, "needed")
	require.NoError(t, err)
	require.Equal(t, 3, restored.Revision)

	doc, err := transfer.Export(ctx, src, "shop", t0)
	require.NoError(t, err)
	require.Len(t, doc.Contracts, 3, "the deleted contract is exported")
	gone := doc.Contracts[0]
	assert.Equal(t, old.ContractID, gone.Contract.ID, "deleted first: its service name is a live contract's now")
	require.NotNil(t, gone.Contract.Deleted, "exported as its tombstone")
	assert.Equal(t, "replaced by a new orders contract", gone.Contract.Deleted.Reason)
	assert.Equal(t, []accord.RevisionKind{accord.RevisionCreated, accord.RevisionDeleted}, kinds(gone.Revisions))
	require.Len(t, gone.Versions, 2, "with both its versions")
	assert.Len(t, gone.Versions[0], 2, "1.0.0: created, edited")
	assert.Equal(t, "1.1.0", gone.Versions[1][0].Record.Version)
	require.Len(t, gone.TestRuns, 1, "and its test run")
	assert.Equal(t, oldRun.ID, gone.TestRuns[0].ID)
	require.Len(t, doc.TestRuns, 1, "a live contract's runs are the document's")
	assert.Equal(t, takerRun.ID, doc.TestRuns[0].ID)
	assert.Equal(t, taker.ContractID, doc.Contracts[1].Contract.ID)
	assert.Nil(t, doc.Contracts[1].Revisions, "a contract with only its creation carries no revisions: the document reads as before")
	plain, err := json.Marshal(doc.Contracts[1])
	require.NoError(t, err)
	assert.NotContains(t, string(plain), `"revisions"`)
	assert.NotContains(t, string(plain), `"test_runs"`)
	assert.Equal(t, []accord.RevisionKind{accord.RevisionCreated, accord.RevisionDeleted, accord.RevisionRestored}, kinds(doc.Contracts[2].Revisions))
	text := withoutTime(t, doc)

	for _, dst := range sqlTargets(t) {
		t.Run(dst.name, func(t *testing.T) {
			require.NoError(t, dst.raw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, dst.stores, doc) }))
			again, err := transfer.Export(ctx, dst.stores, "shop", t0)
			require.NoError(t, err)
			assert.JSONEq(t, text, withoutTime(t, again), "every contract comes out as it went in, deleted and restored ones included")

			d := wired(t, dst.stores)
			_, err = d.Contracts.Get(ann, "shop", old.ContractID)
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the contract is still deleted")
			_, err = d.Contracts.Versions(ann, "shop", old.ContractID)
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "its versions are hidden with it")
			_, err = d.Contracts.Version(ann, "shop", old.ContractID, "1.1.0")
			assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "its versions are hidden with it")
			runs, err := d.Contracts.TestRuns(ann, "shop", contract.TestRunFilter{}, accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, runs.Items, 1, "its test runs are hidden with it")
			assert.Equal(t, takerRun.ID, runs.Items[0].ID)
			live, err := d.Contracts.List(ann, "shop", contract.Filter{}, accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, live.Items, 2)
			assert.Equal(t, []string{taker.ContractID, back.ContractID}, []string{live.Items[0].ID, live.Items[1].ID})
			deleted, err := d.Contracts.ListDeleted(ann, "shop", accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, deleted.Items, 1)
			assert.Equal(t, old.ContractID, deleted.Items[0].ID)
			assert.Equal(t, "ann", deleted.Items[0].Deleted.By)
			assert.Equal(t, "replaced by a new orders contract", deleted.Items[0].Deleted.Reason)

			c, err := d.Contracts.Get(ann, "shop", back.ContractID)
			require.NoError(t, err)
			assert.Equal(t, 3, c.Revision, "the restored contract keeps its revision")
			require.NoError(t, d.Contracts.Delete(ann, "shop", back.ContractID, "again"), "and takes the next")
			h, err := d.Contracts.ContractHistory(ann, "shop", back.ContractID)
			require.NoError(t, err)
			assert.Equal(t, []accord.RevisionKind{accord.RevisionCreated, accord.RevisionDeleted, accord.RevisionRestored, accord.RevisionDeleted}, kinds(h))

			_, err = d.Contracts.Restore(ann, "shop", old.ContractID, "the old one was right")
			assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "its service name is the live contract's")
			require.NoError(t, d.Contracts.Delete(ann, "shop", taker.ContractID, "the old one was right"))
			c, err = d.Contracts.Restore(ann, "shop", old.ContractID, "the old one was right")
			require.NoError(t, err)
			assert.Equal(t, "orders", c.Service)
			versions, err := d.Contracts.Versions(ann, "shop", old.ContractID)
			require.NoError(t, err)
			require.Len(t, versions, 2, "its versions are back with it")
			assert.Equal(t, "Read an order", versions[0].Spec.Operations[0].Summary)
			assert.Equal(t, 2, versions[0].Revision)
			assert.Equal(t, "1.1.0", versions[1].Version)
			runs, err = d.Contracts.TestRuns(ann, "shop", contract.TestRunFilter{ContractID: old.ContractID}, accord.PageQuery{})
			require.NoError(t, err)
			require.Len(t, runs.Items, 1, "its test run is back with it")
			assert.Equal(t, oldRun.ID, runs.Items[0].ID)
			assert.Equal(t, "ci orders#7", runs.Items[0].Source)
		})
	}
}

// A document whose contract Import could not replay is refused before
// anything is written, naming the contract's place in the document and
// the problem: a contract at revision 3 without its revisions (what
// exports made before contracts carried them hold for a contract once
// deleted and restored), revisions of a kind a contract never takes, and
// a contract without versions, and another contract's test run.
func TestImportRefusesContractsItCannotReplay(t *testing.T) {
	ctx := context.Background()
	ann := accord.WithActor(ctx, accord.Actor{ID: "ann", Name: "Ann", Roles: []string{"admin"}})
	src := memoryStores()
	createProject(t, src, "shop")
	s := wired(t, src)
	v, err := s.Contracts.Create(ann, "shop", contract.NewContract{Version: "1.0.0", Spec: contractSpec("orders")})
	require.NoError(t, err)
	require.NoError(t, s.Contracts.Delete(ann, "shop", v.ContractID, ""))
	_, err = s.Contracts.Restore(ann, "shop", v.ContractID, "")
	require.NoError(t, err)
	doc, err := transfer.Export(ctx, src, "shop", t0)
	require.NoError(t, err)
	require.Len(t, doc.Contracts, 1)

	fields := func(err error) map[string]string {
		t.Helper()
		var e *accord.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, accord.Invalid, e.Code)
		out := map[string]string{}
		for _, f := range e.Fields {
			out[f.Field] = f.Message
		}
		return out
	}
	withContract := func(edit func(c *transfer.ContractHistory)) transfer.Document {
		d := doc
		d.Contracts = []transfer.ContractHistory{doc.Contracts[0]}
		c := &d.Contracts[0]
		c.Revisions = append([]accord.Revision[contract.Contract](nil), c.Revisions...)
		edit(c)
		return d
	}

	old := withContract(func(c *transfer.ContractHistory) { c.Revisions = nil })
	got := fields(old.Validate())
	assert.Contains(t, got["contracts[0].revisions"], "is at revision 3: export it again")

	edited := withContract(func(c *transfer.ContractHistory) { c.Revisions[1].Kind = accord.RevisionEdited })
	got = fields(edited.Validate())
	assert.Contains(t, got["contracts[0].revisions[1].kind"], `is "edited": a contract changes only by deletion`)

	empty := withContract(func(c *transfer.ContractHistory) { c.Versions = nil })
	got = fields(empty.Validate())
	assert.Contains(t, got["contracts[0].versions"], "is empty")

	alien := withContract(func(c *transfer.ContractHistory) {
		c.TestRuns = []contract.TestRun{{ID: "run-1", Project: "shop", ContractID: "another", Version: "1.0.0"}}
	})
	got = fields(alien.Validate())
	assert.Contains(t, got["contracts[0].test_runs[0].contract_id"], `is "another", not the contract's`)

	dst := memoryStores()
	for _, d := range []transfer.Document{old, edited, empty, alien} {
		assert.Equal(t, accord.Invalid, accord.ErrorCode(transfer.Import(ctx, dst, d)))
		_, err := dst.Projects.GetProject(ctx, "shop")
		assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "nothing is written")
	}
	require.NoError(t, transfer.Import(ctx, dst, doc))
	c, err := dst.Contracts.GetContract(ctx, "shop", v.ContractID)
	require.NoError(t, err)
	assert.Equal(t, 3, c.Revision)
}
