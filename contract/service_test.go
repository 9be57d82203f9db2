package contract_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/contract"
)

type events struct {
	mu    sync.Mutex
	kinds []string
}

func (e *events) Publish(_ context.Context, ev accord.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.kinds = append(e.kinds, ev.Kind)
}

type gateFunc func(context.Context, contract.Version, contract.Status) error

func (g gateFunc) CheckTransition(ctx context.Context, v contract.Version, to contract.Status) error {
	return g(ctx, v, to)
}

var pm = accord.WithActor(context.Background(), accord.Actor{ID: "pm", Roles: []string{"product"}})

func newService(t *testing.T, gate contract.TransitionGate) (*contract.Service, *events) {
	ev := &events{}
	s, err := contract.NewService(contract.Options{Store: memory.NewContractStore(), Events: ev, Gate: gate})
	require.NoError(t, err)
	return s, ev
}

func TestServiceLifecycle(t *testing.T) {
	reviewed := false
	s, ev := newService(t, gateFunc(func(_ context.Context, v contract.Version, to contract.Status) error {
		if to == contract.Agreed && !reviewed {
			return accord.Errorf(accord.FailedPrecondition, "version %s needs an approved contract review", v.Version)
		}
		return nil
	}))
	spec := ordersSpec(t)
	v1, err := s.Create(pm, "shop", contract.NewContract{Version: "1.0.0", Spec: spec, Note: "first draft"})
	require.NoError(t, err)
	assert.Equal(t, contract.Draft, v1.Status)
	assert.Equal(t, 1, v1.Revision)
	assert.Equal(t, "pm", v1.CreatedBy)

	_, err = s.Create(pm, "shop", contract.NewContract{Version: "1.0.0", Spec: spec})
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err), "one contract per service")

	// Edit the draft; a stale base is refused.
	spec.Description = "Orders of the shop."
	v1, err = s.UpdateVersion(pm, "shop", v1.ContractID, "1.0.0", 1, contract.SpecInput{Spec: spec, Note: "describe"})
	require.NoError(t, err)
	assert.Equal(t, 2, v1.Revision)
	_, err = s.UpdateVersion(pm, "shop", v1.ContractID, "1.0.0", 1, contract.SpecInput{Spec: spec, Note: "again"})
	assert.True(t, errors.Is(err, accord.ErrStale))

	// A lint error blocks proposing.
	broken := spec
	broken.Operations = append([]contract.Operation(nil), spec.Operations...)
	broken.Operations[1].ErrorCodes = []string{"GONE"}
	v1, err = s.UpdateVersion(pm, "shop", v1.ContractID, "1.0.0", 2, contract.SpecInput{Spec: broken, Note: "oops"})
	require.NoError(t, err)
	_, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 3, contract.TransitionInput{To: contract.Proposed})
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), `operations[1].error_codes[0]: getOrder (GET /orders/{id}): error code "GONE" is not in the error-code catalogue (unknown-error-code)`)
	v1, err = s.UpdateVersion(pm, "shop", v1.ContractID, "1.0.0", 3, contract.SpecInput{Spec: spec, Note: "fixed"})
	require.NoError(t, err)

	v1, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 4, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
	_, err = s.UpdateVersion(pm, "shop", v1.ContractID, "1.0.0", 5, contract.SpecInput{Spec: spec})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "move it back to draft first")

	// Going back to draft needs a note.
	_, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 5, contract.TransitionInput{To: contract.Draft})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))

	// The gate refuses agreement until the review is approved.
	_, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 5, contract.TransitionInput{To: contract.Agreed})
	assert.EqualError(t, err, "failed_precondition: version 1.0.0 needs an approved contract review")
	reviewed = true
	v1, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 5, contract.TransitionInput{To: contract.Agreed, Note: "reviewed"})
	require.NoError(t, err)

	// Agreed is immutable: changes make a new version.
	_, err = s.UpdateVersion(pm, "shop", v1.ContractID, "1.0.0", 6, contract.SpecInput{Spec: spec})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "start a new version")
	_, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 6, contract.TransitionInput{To: contract.Draft, Note: "why not"})
	assert.EqualError(t, err, "failed_precondition: version 1.0.0 of orders cannot move from agreed to draft; allowed next: deprecated")
	_, err = s.NewVersion(pm, "shop", v1.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "0.9.0"})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	_, err = s.NewVersion(pm, "shop", v1.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "1.0"})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	v2, err := s.NewVersion(pm, "shop", v1.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0", Note: "add refunds"})
	require.NoError(t, err)
	assert.Equal(t, contract.Draft, v2.Status)
	assert.Equal(t, "Orders of the shop.", v2.Spec.Description, "starts from the copied spec")

	// A contract with an agreed version cannot be deleted.
	err = s.Delete(pm, "shop", v1.ContractID, "")
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "past its drafts, deleting needs record.delete")
	err = s.Delete(accord.WithActor(context.Background(), accord.Actor{ID: "ada", Roles: []string{accord.RoleAdmin}}), "shop", v1.ContractID, "")
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))

	versions, err := s.Versions(pm, "shop", v1.ContractID)
	require.NoError(t, err)
	assert.Len(t, versions, 2)
	assert.Equal(t, []string{"contract.created", "contract.version_updated", "contract.version_updated", "contract.version_updated",
		"contract.version_transitioned", "contract.version_transitioned", "contract.version_created"}, ev.kinds)
}

func TestServiceCachesValidators(t *testing.T) {
	s, _ := newService(t, nil)
	v, err := s.Create(pm, "shop", contract.NewContract{Version: "1.0.0", Spec: ordersSpec(t)})
	require.NoError(t, err)
	a, err := s.Validator(pm, "shop", v.ContractID, "1.0.0")
	require.NoError(t, err)
	b, err := s.Validator(pm, "shop", v.ContractID, "1.0.0")
	require.NoError(t, err)
	assert.Same(t, a, b, "compiled once")
	spec := ordersSpec(t)
	spec.Owner = "someone else"
	_, err = s.UpdateVersion(pm, "shop", v.ContractID, "1.0.0", 1, contract.SpecInput{Spec: spec})
	require.NoError(t, err)
	c, err := s.Validator(pm, "shop", v.ContractID, "1.0.0")
	require.NoError(t, err)
	assert.NotSame(t, a, c, "a new revision compiles anew")
	assert.Equal(t, "someone else", c.Spec().Owner)
}

func TestServiceRefusesBadInput(t *testing.T) {
	s, _ := newService(t, nil)
	_, err := s.Create(context.Background(), "shop", contract.NewContract{Version: "1.0.0", Spec: ordersSpec(t)})
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))
	_, err = s.Create(pm, "bad project!", contract.NewContract{Version: "1.0.0", Spec: ordersSpec(t)})
	requireField(t, err, "project", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	_, err = s.Create(pm, "shop", contract.NewContract{Version: "v1", Spec: ordersSpec(t)})
	requireField(t, err, "version", `"v1" is not a semantic version MAJOR.MINOR.PATCH`)
	_, err = s.Create(pm, "shop", contract.NewContract{Version: "1.0.0", Spec: contract.Spec{}})
	requireField(t, err, "service", "required")
	page, err := s.List(pm, "shop", contract.Filter{}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items, "nothing was stored")
}

func TestCompareVersions(t *testing.T) {
	ordered := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"}
	for i := 0; i+1 < len(ordered); i++ {
		c, err := contract.CompareVersions(ordered[i], ordered[i+1])
		require.NoError(t, err)
		assert.Equal(t, -1, c, "%s < %s", ordered[i], ordered[i+1])
		c, _ = contract.CompareVersions(ordered[i+1], ordered[i])
		assert.Equal(t, 1, c)
	}
	for _, bad := range []string{"1", "1.0", "01.0.0", "1.0.0-", "1.0.0+build", "a.b.c", "1.0.0-al_pha"} {
		_, err := contract.CompareVersions(bad, "1.0.0")
		assert.Error(t, err, bad)
	}
}

func TestProposingGatesBreakingChanges(t *testing.T) {
	s, ev := newService(t, nil)
	spec := ordersSpec(t)
	v1, err := s.Create(pm, "shop", contract.NewContract{Version: "1.0.0", Spec: spec, Note: "first draft"})
	require.NoError(t, err)
	v1, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 1, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
	require.NotNil(t, v1.Compatibility)
	assert.Empty(t, v1.Compatibility.Base, "the first version has nothing to break")
	_, err = s.Transition(pm, "shop", v1.ContractID, "1.0.0", 2, contract.TransitionInput{To: contract.Agreed, Note: "reviewed"})
	require.NoError(t, err)
	id := v1.ContractID

	// 1.1.0 drops an operation: proposing it is refused, naming the change.
	v11, err := s.NewVersion(pm, "shop", id, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0"})
	require.NoError(t, err)
	smaller := v11.Spec.Clone()
	dropped := smaller.Operations[len(smaller.Operations)-1]
	smaller.Operations = smaller.Operations[:len(smaller.Operations)-1]
	v11, err = s.UpdateVersion(pm, "shop", id, "1.1.0", v11.Revision, contract.SpecInput{Spec: smaller, Note: "drop " + dropped.ID})
	require.NoError(t, err)
	compat, err := s.Compatibility(pm, "shop", id, "1.1.0")
	require.NoError(t, err)
	assert.Equal(t, "1.0.0", compat.Base)
	require.Positive(t, compat.Breaking)

	_, err = s.Transition(pm, "shop", id, "1.1.0", v11.Revision, contract.TransitionInput{To: contract.Proposed})
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "breaks callers of 1.0.0")
	assert.Contains(t, err.Error(), compat.Changes[0].ID)
	assert.Contains(t, err.Error(), "new major version")

	// Acknowledging needs a note, then records who and which changes.
	_, err = s.AcknowledgeBreaking(pm, "shop", id, "1.1.0", v11.Revision, contract.AcknowledgeInput{Note: " "})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	acked, err := s.AcknowledgeBreaking(pm, "shop", id, "1.1.0", v11.Revision, contract.AcknowledgeInput{Note: "no caller uses " + dropped.ID + " (checked the gateway logs)"})
	require.NoError(t, err)
	require.NotNil(t, acked.Acknowledged)
	assert.Equal(t, "pm", acked.Acknowledged.By)
	assert.Len(t, acked.Acknowledged.Fingerprints, compat.Breaking)
	proposed, err := s.Transition(pm, "shop", id, "1.1.0", acked.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err, "acknowledged breaking changes may be proposed")
	assert.Equal(t, compat.Breaking, proposed.Compatibility.Breaking, "the proposal keeps what it was judged on")
	assert.Contains(t, ev.kinds, contract.EventBreakingAcknowledged)

	// A compatible version is proposed without ceremony, and has nothing to acknowledge.
	v12, err := s.NewVersion(pm, "shop", id, contract.NewVersionInput{From: "1.0.0", Version: "1.2.0"})
	require.NoError(t, err)
	_, err = s.AcknowledgeBreaking(pm, "shop", id, "1.2.0", v12.Revision, contract.AcknowledgeInput{Note: "just in case"})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	_, err = s.Transition(pm, "shop", id, "1.2.0", v12.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)

	// A new major version needs no acknowledgement.
	v2, err := s.NewVersion(pm, "shop", id, contract.NewVersionInput{From: "1.0.0", Version: "2.0.0"})
	require.NoError(t, err)
	v2, err = s.UpdateVersion(pm, "shop", id, "2.0.0", v2.Revision, contract.SpecInput{Spec: smaller, Note: "drop " + dropped.ID})
	require.NoError(t, err)
	_, err = s.Transition(pm, "shop", id, "2.0.0", v2.Revision, contract.TransitionInput{To: contract.Proposed})
	require.NoError(t, err)
}

func TestRecordTestRun(t *testing.T) {
	s, ev := newService(t, nil)
	spec := ordersSpec(t)
	v, err := s.Create(pm, "shop", contract.NewContract{Version: "1.0.0", Spec: spec})
	require.NoError(t, err)
	op := spec.Operations[0]
	var key string
	for k := range op.Responses {
		key = k
		break
	}
	run, err := s.RecordTestRun(pm, "shop", v.ContractID, "1.0.0", contract.TestReport{Source: "ci #7",
		Operations: []contract.ExercisedOperation{{ID: op.ID, Responses: []string{key}}}})
	require.NoError(t, err)
	require.Len(t, run.Operations, len(spec.Operations), "every operation is listed, exercised or not")
	assert.Equal(t, op.ID, run.Operations[0].ID)
	assert.True(t, run.Operations[0].Exercised())
	for _, o := range run.Operations[1:] {
		assert.False(t, o.Exercised(), o.ID)
	}
	assert.Equal(t, spec.Service, run.Service)
	assert.Equal(t, contract.EventTestRunRecorded, ev.kinds[len(ev.kinds)-1])

	_, err = s.RecordTestRun(pm, "shop", v.ContractID, "1.0.0", contract.TestReport{Service: "billing",
		Operations: []contract.ExercisedOperation{{ID: "nope"}, {ID: op.ID, Responses: []string{"599"}, Statuses: []int{42}}}})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	for _, want := range []string{"service: the report is of \"billing\"", "operations[0].id: " + spec.Service + " 1.0.0 has no operation \"nope\"", "operations[1].responses[0]", "operations[1].statuses[0]: 42 is not an HTTP status"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = s.RecordTestRun(pm, "shop", v.ContractID, "9.9.9", contract.TestReport{})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	runs, err := s.TestRuns(context.Background(), "shop", contract.TestRunFilter{ContractID: v.ContractID, Version: "1.0.0"}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, runs.Items, 1, "refused reports store nothing")
}

// The test runs of a contract or version that does not exist are
// NotFound, not an empty page.
func TestTestRunsOfAMissingVersion(t *testing.T) {
	s, _ := newService(t, nil)
	v, err := s.Create(pm, "shop", contract.NewContract{Version: "1.0.0", Spec: ordersSpec(t)})
	require.NoError(t, err)
	for _, f := range []contract.TestRunFilter{{ContractID: "NOPE", Version: "1.0.0"}, {ContractID: v.ContractID, Version: "9.9.9"}, {ContractID: "NOPE"}} {
		_, err := s.TestRuns(pm, "shop", f, accord.PageQuery{})
		assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%+v", f)
	}
	page, err := s.TestRuns(pm, "shop", contract.TestRunFilter{ContractID: v.ContractID, Version: "1.0.0"}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
}
