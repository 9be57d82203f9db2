// Package storetest holds conformance suites for accord stores. A third
// party backing a domain with its own tables runs the matching suite from an
// ordinary test:
//
//	func TestMyRequirementStore(t *testing.T) {
//		storetest.RequirementStore(t, func(t testing.TB) requirement.Store {
//			return mystore.New(t.TempDir())
//		})
//	}
//
// The suites are RequirementStore, ContractStore and ReviewStore. Every
// subtest gets a fresh store from the constructor and checks errors by
// code (accord.ErrorCode), never by message.
package storetest
