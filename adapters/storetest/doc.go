// Package storetest holds conformance suites for accord stores. A third
// party backing a domain with its own tables runs the matching suite from an
// ordinary test:
//
//	func TestMyRequirementStore(t *testing.T) {
//		storetest.RequirementStore(t, func(t *testing.T) requirement.Store {
//			return mystore.New(t.TempDir())
//		})
//	}
//
// The suites are RequirementStore, ContractStore, ReviewStore, RiskStore,
// RetroStore, PlanStore, ProjectStore, TraceStore, WebhookStore and
// WatchStore. Each is
// the generic kit (CheckRecords, CheckSettings) run on every kind of record
// the store keeps, plus what is particular to the domain and one realistic
// scenario through the real Service. The kit checks, for any record store:
// create, get and delete; copies in and out; compare-and-swap with
// accord.ErrStale; complete, immutable revisions; 16 concurrent writers
// with no update lost; keys unique and sequential under concurrent
// creates, and a key given in advance kept when it is free; pages in
// creation order that never repeat or skip a record
// while others are added and removed; strict project isolation; and
// settings written with compare-and-swap.
//
// Every subtest gets a fresh store from the constructor, checks errors by
// code (accord.ErrorCode), never by message, and reports every misbehaviour
// it finds rather than stopping at the first. BenchmarkRequirementStore,
// BenchmarkContractStore and BenchmarkReviewStore measure the same work
// (get, a filtered first page, update, list revisions) on every engine.
package storetest
