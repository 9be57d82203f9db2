// Package requirement manages structured requirement documents (需求): the
// sections product and engineering both read (background, flow, scenarios,
// exception handling, performance targets, acceptance criteria), their
// lifecycle, immutable revisions with field-level diffs, change requests
// (需求变更) with impact assessment, a per-project glossary (统一的术语), and a
// lint that finds vague or incomplete requirements.
//
// A Service owns the rules on top of a Store. The Store is a small interface
// so a platform can keep requirements in its own tables; the in-memory store
// in adapters/memory implements it, and adapters/storetest holds the
// conformance suite every Store must pass.
//
// Every changing call needs an actor in the context (accord.WithActor); the
// actor and the service clock land in the new revision.
package requirement
