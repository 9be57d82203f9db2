package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// ContractStore checks a contract.Store: the generic record properties for
// contracts and their versions, what is particular to contracts (a service
// has one contract, versions go with their contract, created both or
// neither), and one scenario through the real Service. open returns a new,
// empty store for each subtest.
func ContractStore(t *testing.T, open func(t *testing.T) contract.Store) {
	t.Run("contracts", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[contract.Contract] { return contractRecords(open(t)) })
	})
	t.Run("versions", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[contract.Version] { return versionRecords(open(t)) })
	})
	t.Run("settings", func(t *testing.T) {
		CheckSettings(t, func(t *testing.T) SettingsRecords[contract.Settings] {
			s := open(t)
			return SettingsRecords[contract.Settings]{
				New: func(p string, n int) contract.Settings {
					return contract.Settings{Project: p, Levels: map[string]contract.ChangeLevel{"request-property-removed": contract.Warning},
						Ignore: []contract.Ignore{{Fingerprint: fmt.Sprintf("%016x", n), Reason: "known", Expires: epoch.AddDate(0, 0, n)}}}
				},
				Stamp: func(s *contract.Settings) *accord.Stamp { return &s.Stamp },
				Get:   s.GetSettings, Put: s.PutSettings}
		})
	})
	t.Run("services_and_versions", func(t *testing.T) { testContractSpecifics(t, open(t)) })
	t.Run("scenario", func(t *testing.T) { contractScenario(t, open(t)) })
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
			Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"string"}`)},
				{Name: "v", In: contract.InQuery, Deprecated: true, Sunset: "2030-01-31"}},
			Responses: map[string]contract.Response{"200": {Content: map[string]contract.MediaType{
				"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Thing"}`)}}}},
			ErrorCodes: []string{"NOPE"},
			Examples:   []contract.Example{{Name: "one", Request: &contract.ExampleRequest{PathParams: map[string]string{"id": "1"}}}},
			Deprecated: true, Sunset: "2030-06-30", Stability: contract.StabilityBeta,
			Callbacks: []contract.Hook{{Name: "onRead", URL: "{$request.query.cb}", Operation: hookOperation("read")}},
			Security:  []contract.SecurityRequirement{{"oauth": {"read"}}, {}},
		}},
		Webhooks:        []contract.Hook{{Name: "thingCreated", Operation: hookOperation("created")}},
		SecuritySchemes: map[string]json.RawMessage{"oauth": json.RawMessage(`{"type":"oauth2","flows":{}}`)},
	}
}

// hookOperation is what a webhook or callback sends.
func hookOperation(id string) contract.Operation {
	return contract.Operation{ID: id, Method: "POST",
		RequestBody: &contract.RequestBody{Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Thing"}`)}}},
		Responses:   map[string]contract.Response{"204": {}}}
}

func newContract(project string, i int) (contract.Contract, contract.Version) {
	id := fmt.Sprintf("%s-c-%03d", project, i)
	service := fmt.Sprintf("svc-%d", i)
	c := contract.Contract{ID: id, Project: project, Service: service, Stamp: accord.NewStamp("alice", epoch)}
	v := contract.Version{ContractID: id, Project: project, Version: "1.0.0", Status: contract.Draft, Spec: sampleSpec(service), Stamp: accord.NewStamp("alice", epoch)}
	return c, v
}

func firstVersion(v contract.Version) accord.Revision[contract.Version] {
	return accord.Revision[contract.Version]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: epoch, Record: v}
}

func contractRecords(s contract.Store) Records[contract.Contract] {
	return Records[contract.Contract]{
		Name:     "contract",
		New:      func(p string, i int) contract.Contract { c, _ := newContract(p, i); return c },
		Scribble: func(c *contract.Contract) { c.Service = "scribbled" },
		Stamp:    func(c *contract.Contract) *accord.Stamp { return &c.Stamp },
		ID:       func(c contract.Contract) string { return c.ID },
		Project:  func(c *contract.Contract, p string) { c.Project = p },
		Create: func(ctx context.Context, first accord.Revision[contract.Contract]) (contract.Contract, error) {
			c := first.Record
			_, v := newContract(c.Project, 0)
			v.ContractID, v.Spec.Service = c.ID, c.Service
			return s.CreateContract(ctx, c, firstVersion(v))
		},
		Get: s.GetContract, Tombstone: s.DeleteContract, Restore: s.RestoreContract, ListDeleted: s.ListDeletedContracts, Revisions: s.ListContractRevisions,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[contract.Contract], error) {
			return s.ListContracts(ctx, p, contract.Filter{}, q)
		},
	}
}

// versionRecords describes versions: version i of one contract per
// project, which the kit's Create makes first.
func versionRecords(s contract.Store) Records[contract.Version] {
	parent := func(project string) string { return project + "-parent" }
	return Records[contract.Version]{
		Name: "contract version",
		New: func(p string, i int) contract.Version {
			return contract.Version{ContractID: parent(p), Project: p, Version: fmt.Sprintf("2.%d.0", i), Status: contract.Draft,
				Spec: sampleSpec("parent"), Stamp: accord.NewStamp("alice", epoch)}
		},
		Edit: func(v contract.Version, w int) contract.Version {
			v = v.Clone()
			v.Spec.Operations[0].Summary += fmt.Sprintf(" w%d", w)
			v.Note = fmt.Sprintf("edit %d", w)
			return v
		},
		Edits: func(v contract.Version) int { return strings.Count(v.Spec.Operations[0].Summary, " w") },
		Scribble: func(v *contract.Version) {
			v.Spec.Schemas["Thing"][0] = '['
			v.Spec.Operations[0].ErrorCodes[0] = "SCRIBBLED"
		},
		Stamp:   func(v *contract.Version) *accord.Stamp { return &v.Stamp },
		ID:      func(v contract.Version) string { return v.Version },
		Project: func(v *contract.Version, p string) { v.Project = p },
		Create: func(ctx context.Context, first accord.Revision[contract.Version]) (contract.Version, error) {
			v := first.Record
			if _, err := s.GetContract(ctx, v.Project, v.ContractID); accord.ErrorCode(err) == accord.NotFound {
				c := contract.Contract{ID: v.ContractID, Project: v.Project, Service: "parent", Stamp: accord.NewStamp("alice", epoch)}
				base := v
				base.Version = "1.0.0"
				if _, err := s.CreateContract(ctx, c, firstVersion(base)); err != nil {
					return contract.Version{}, err
				}
			}
			return s.CreateVersion(ctx, first)
		},
		Get: func(ctx context.Context, p, id string) (contract.Version, error) {
			return s.GetVersion(ctx, p, parent(p), id)
		},
		Update: s.UpdateVersion,
		Revisions: func(ctx context.Context, p, id string) ([]accord.Revision[contract.Version], error) {
			return s.ListVersionRevisions(ctx, p, parent(p), id)
		},
		Revision: func(ctx context.Context, p, id string, n int) (accord.Revision[contract.Version], error) {
			return s.GetVersionRevision(ctx, p, parent(p), id, n)
		},
	}
}

func testContractSpecifics(t *testing.T, s contract.Store) {
	c, v := newContract("alpha", 1)
	if _, err := s.CreateContract(ctx, c, firstVersion(v)); err != nil {
		t.Fatalf("create: %v", err)
	}
	c2, v2 := newContract("alpha", 2)
	c2.Service, v2.Spec.Service = c.Service, c.Service
	_, err := s.CreateContract(ctx, c2, firstVersion(v2))
	checkCode(t, "a second contract for the same service", accord.Conflict, err)
	if _, err := s.GetContract(ctx, "alpha", c2.ID); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("a refused contract was stored anyway (%v)", err)
	}
	if _, err := s.GetVersion(ctx, "alpha", c2.ID, "1.0.0"); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("the first version of a refused contract was stored anyway: contract and first version are created both or neither (%v)", err)
	}
	again := v
	_, err = s.CreateVersion(ctx, firstVersion(again))
	checkCode(t, "a version that exists", accord.Conflict, err)
	orphan := v
	orphan.ContractID = "missing"
	orphan.Version = "9.0.0"
	_, err = s.CreateVersion(ctx, firstVersion(orphan))
	checkCode(t, "a version of a missing contract", accord.NotFound, err)
	_, err = s.ListVersions(ctx, "alpha", "missing")
	checkCode(t, "versions of a missing contract", accord.NotFound, err)
	for _, ver := range []string{"1.1.0", "1.2.0"} {
		n := v
		n.Version = ver
		if _, err := s.CreateVersion(ctx, firstVersion(n)); err != nil {
			t.Fatalf("create version %s: %v", ver, err)
		}
	}
	list, err := s.ListVersions(ctx, "alpha", c.ID)
	if err != nil || len(list) != 3 || list[0].Version != "1.0.0" || list[2].Version != "1.2.0" {
		t.Errorf("versions: %d (%v), want 1.0.0, 1.1.0, 1.2.0 in creation order", len(list), err)
	}
	page, err := s.ListContracts(ctx, "alpha", contract.Filter{Service: c.Service}, accord.PageQuery{Size: 10})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != c.ID {
		t.Errorf("filter by service: %v (%v)", page.Items, err)
	}
	run := func(n int, version string) accord.Revision[contract.TestRun] {
		r := contract.TestRun{ID: fmt.Sprintf("run-%d", n), Project: "alpha", ContractID: c.ID, Version: version,
			TestReport: contract.TestReport{Service: c.Service, Source: "ci", Operations: []contract.ExercisedOperation{{ID: "get", Responses: []string{"200"}}}},
			Stamp:      accord.NewStamp("ci", epoch)}
		return accord.Revision[contract.TestRun]{Number: 1, Kind: accord.RevisionCreated, Actor: "ci", Time: epoch, Record: r}
	}
	for i, ver := range []string{"1.1.0", "1.2.0", "1.1.0"} {
		first := run(i, ver)
		if _, err := s.CreateTestRun(ctx, first); err != nil {
			t.Fatalf("test run %d: %v", i, err)
		}
		first.Record.Operations[0].Responses[0] = "scribbled" // the store keeps its own copy
	}
	orphanRun := run(9, "1.0.0")
	orphanRun.Record.ContractID = "missing"
	_, err = s.CreateTestRun(ctx, orphanRun)
	checkCode(t, "a test run of a missing contract", accord.NotFound, err)
	runs, err := s.ListTestRuns(ctx, "alpha", contract.TestRunFilter{ContractID: c.ID, Version: "1.1.0"}, accord.PageQuery{Size: 10})
	if err != nil || len(runs.Items) != 2 || runs.Items[0].ID != "run-0" || runs.Items[1].ID != "run-2" || runs.Items[0].Operations[0].Responses[0] != "200" {
		t.Errorf("test runs of 1.1.0: %+v (%v), want run-0 and run-2 as stored", runs.Items, err)
	}
	runs, err = s.ListTestRuns(ctx, "alpha", contract.TestRunFilter{ContractID: c.ID}, accord.PageQuery{Size: 10})
	if err != nil || len(runs.Items) != 3 {
		t.Errorf("test runs of the contract: %d (%v), want 3", len(runs.Items), err)
	}
	if runs, err := s.ListTestRuns(ctx, "beta", contract.TestRunFilter{}, accord.PageQuery{Size: 10}); err != nil || len(runs.Items) != 0 {
		t.Errorf("test runs of another project: %d (%v)", len(runs.Items), err)
	}
	if err := contractRecords(s).remove(ctx, "alpha", c.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = s.GetVersion(ctx, "alpha", c.ID, "1.1.0")
	checkCode(t, "a version of a deleted contract", accord.NotFound, err)
	if runs, err := s.ListTestRuns(ctx, "alpha", contract.TestRunFilter{ContractID: c.ID}, accord.PageQuery{Size: 10}); err != nil || len(runs.Items) != 0 {
		t.Errorf("test runs of a deleted contract: %d (%v), want none: they are hidden with it", len(runs.Items), err)
	}
	_, err = s.ListVersions(ctx, "alpha", c.ID)
	checkCode(t, "ListVersions of a deleted contract", accord.NotFound, err)
	if gone, err := s.ListDeletedVersions(ctx, "alpha", c.ID); err != nil || len(gone) != 3 || gone[0].Version != "1.0.0" || gone[2].Version != "1.2.0" || gone[1].ContractID != c.ID {
		t.Errorf("ListDeletedVersions of a deleted contract: %d (%v), want 1.0.0, 1.1.0, 1.2.0 in creation order", len(gone), err)
	} else {
		gone[0].Spec.ErrorCodes[0].Code = "SCRIBBLED" // the store keeps its own copy
		if again, err := s.ListDeletedVersions(ctx, "alpha", c.ID); err != nil || again[0].Spec.ErrorCodes[0].Code != "NOPE" {
			t.Errorf("ListDeletedVersions handed out the stored version, not a copy: a caller's edit shows in the next call (%v)", err)
		}
	}
	if revs, err := s.ListVersionRevisions(ctx, "alpha", c.ID, "1.1.0"); err != nil || len(revs) != 1 || revs[0].Record.Version != "1.1.0" {
		t.Errorf("ListVersionRevisions of a deleted contract's version: %d (%v), want its one revision", len(revs), err)
	}
	_, err = s.ListDeletedVersions(ctx, "alpha", "missing")
	checkCode(t, "ListDeletedVersions of a missing contract", accord.NotFound, err)
	_, err = s.ListDeletedVersions(ctx, "beta", c.ID)
	checkCode(t, "ListDeletedVersions of another project's deleted contract", accord.NotFound, err)
	live, lv := newContract("alpha", 3)
	if _, err := s.CreateContract(ctx, live, firstVersion(lv)); err != nil {
		t.Fatalf("create: %v", err)
	}
	_, err = s.ListDeletedVersions(ctx, "alpha", live.ID)
	checkCode(t, "ListDeletedVersions of a live contract", accord.NotFound, err)
	if runs, err := s.ListDeletedTestRuns(ctx, "alpha", c.ID); err != nil || len(runs) != 3 || runs[0].ID != "run-0" || runs[2].ID != "run-2" {
		t.Errorf("ListDeletedTestRuns of a deleted contract: %d (%v), want run-0, run-1, run-2 in creation order", len(runs), err)
	} else {
		runs[0].Operations[0].Responses[0] = "scribbled" // the store keeps its own copy
		if again, err := s.ListDeletedTestRuns(ctx, "alpha", c.ID); err != nil || again[0].Operations[0].Responses[0] != "200" {
			t.Errorf("ListDeletedTestRuns handed out the stored run, not a copy: a caller's edit shows in the next call (%v)", err)
		}
	}
	_, err = s.ListDeletedTestRuns(ctx, "alpha", live.ID)
	checkCode(t, "ListDeletedTestRuns of a live contract", accord.NotFound, err)
	_, err = s.ListDeletedTestRuns(ctx, "alpha", "missing")
	checkCode(t, "ListDeletedTestRuns of a missing contract", accord.NotFound, err)
	_, err = s.ListDeletedTestRuns(ctx, "beta", c.ID)
	checkCode(t, "ListDeletedTestRuns of another project's deleted contract", accord.NotFound, err)
	anew, av := c, v
	anew.ID, av.ContractID = c.ID+"-again", c.ID+"-again"
	if _, err := s.CreateContract(ctx, anew, firstVersion(av)); err != nil {
		t.Errorf("a new contract for a deleted contract's service (its name is free again): %v", err)
	}
	_, err = s.CreateContract(ctx, c, firstVersion(v))
	checkCode(t, "re-creating a deleted contract under its ID", accord.Conflict, err)
}
