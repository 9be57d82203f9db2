// Package memory holds in-memory stores for the accord domains. They are
// safe for concurrent use, copy values in and out so callers cannot change
// stored data, and pass the conformance suites in adapters/storetest. They
// are meant for tests, demos and small single-process deployments: nothing
// survives a restart.
//
// New returns a store for every domain as one adapters.Stores, ready for
// link.New; the New…Store constructors make one store at a time.
package memory
