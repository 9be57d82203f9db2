// Package requirement manages structured requirement documents (需求): the
// sections product and engineering both read (background, flow, scenarios,
// exception handling, performance targets, acceptance criteria), their
// lifecycle, immutable revisions with field-level diffs, change requests
// (需求变更) with impact assessment, a per-project glossary (统一的术语), and a
// lint that finds vague or incomplete requirements.
//
// The main calls, on a Service over a Store:
//
//   - Create, Get, List (a Filter and an accord.PageQuery), Update,
//     Transition and Delete; History, Revision and Diff read the kept
//     revisions. Keys are REQ-n (KeyOf, ParseKey) and every call that takes
//     an ID also takes the key.
//   - ProposeChange, DecideChange and ApplyChange for change requests.
//   - CreateTerm, UpdateTerm, DeleteTerm, ListTerms and TermHistory for the
//     glossary; Lint checks content against the lint rules and the glossary.
//   - Settings and UpdateSettings (compare-and-swap, like every record).
//
// The Store is a small interface so a platform can keep requirements in its
// own tables; adapters/memory implements it, and adapters/storetest holds
// the conformance suite every Store must pass.
//
// Every changing call needs an actor in the context (accord.WithActor); the
// actor and the service clock land in the new revision. After every change
// the Service publishes an event (events.go): requirement.created,
// requirement.updated, requirement.transitioned, requirement.deleted,
// requirement.settings_changed; change_request.proposed, .approved,
// .rejected, .withdrawn and .applied; glossary.term_created, .term_updated
// and .term_deleted.
package requirement
