// Package contract makes the API agreement between product and backend
// executable: each endpoint's parameters, bodies, data types and error codes
// (错误码), written as a Spec or generated from Go types, and checked
// against real HTTP traffic in unit tests and in running services.
//
// The main calls:
//
//   - Compile turns a Spec into a Validator; compile once and share it.
//     It returns a Validator or an error, never neither.
//   - Validator.ValidateRequest and ValidateResponse check an exchange and
//     report every violation with its operation, part, JSON pointer, schema
//     keyword and a message a product manager can read.
//   - Validator.Middleware validates live traffic in report or enforce mode.
//   - SchemaSet generates JSON Schemas from Go types.
//   - Lint finds what is wrong or missing in a contract. Findings and
//     Compile's errors name an operation as its author does,
//     getOrder (GET /orders/{id}), and a Finding's Pointer is the place
//     in the contract's OpenAPI form.
//   - OpenAPI exports a Spec as an OpenAPI 3.1 document; ImportOpenAPI
//     and ImportOpenAPIFile read OpenAPI 3.0, 3.1 and Swagger 2.0 into one,
//     reporting what they drop or approximate (an unresolved $ref among
//     them; ImportOptions.Strict makes that an error).
//   - Service keeps contracts and their versions over a Store: Create (a
//     NewContract; it returns the first version, the record the next
//     command changes), NewVersion, UpdateVersion (a SpecInput) and
//     Transition (a TransitionInput) with the version's base revision;
//     drafts change, agreed versions never do. Every revision of a version
//     is kept (History, Revision), and Diff, DiffRevisions and DiffVersions
//     say field by field what changed between two revisions or two
//     versions; ContentChanges says what a link to a version relies on.
//     List takes a Filter and an accord.PageQuery.
//
// After every change the Service publishes an event (events.go):
// contract.created, contract.deleted, contract.version_created,
// contract.version_updated and contract.version_transitioned.
//
// Package contracttest wraps the validator for go test.
//
// Schemas are JSON Schema draft 2020-12, validated by
// santhosh-tekuri/jsonschema with formats asserted (uuid, email, date-time,
// …). Request bodies reject properties their schema does not declare and
// responses accept them, unless Spec.UnknownProperties says otherwise. An
// "enum": [] rejects every value (the validator alone would accept all).
package contract
