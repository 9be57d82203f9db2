// Package requirement manages structured requirement documents (需求): the
// sections product and engineering both read (background, flow, scenarios,
// exception handling, performance targets, acceptance criteria), their
// lifecycle, immutable revisions with field-level diffs, change requests
// (需求变更) with impact assessment, a per-project glossary (统一的术语), and a
// lint that finds vague or incomplete requirements.
//
// The main calls, on a Service over a Store, in the order a newcomer uses
// them:
//
//   - Create (a ContentInput), Get, List (a Filter and an
//     accord.PageQuery), Search (a Filter whose Text is found in any
//     language, best first: Filter.Rank, then newest), Update (base revision and a ContentInput),
//     Transition (base revision and a TransitionInput) and Delete;
//     History, Revision and Diff read the kept revisions. Keys are REQ-n
//     (KeyOf, ParseKey) and every call that takes an ID also takes the key.
//   - ProposeChange, DecideChange (a DecisionInput), ApplyChange and
//     ListChanges (a page) for change requests.
//   - CreateTerm and UpdateTerm (a TermInput), DeleteTerm, ListTerms (a
//     page) and TermHistory for the glossary; Lint checks content against
//     the lint rules and the glossary.
//   - Settings and UpdateSettings (compare-and-swap, like every record).
//
// ContentChanges says which fields are content: what a link to a
// requirement relies on.
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
// .rejected, .withdrawn and .applied; glossary.term_created, .term_updated,
// .term_deleted and .term_restored.
package requirement
