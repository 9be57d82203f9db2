// Package retro runs retrospectives: what went well, what
// failed, what was learned and what to improve, with owners, shared as a
// summary, and improvements that are never forgotten.
//
// A Retro belongs to a series (a team or stream of work), looks back on
// records (accord.Refs), has a facilitator, a template of columns (built in
// or the project's own) and an anonymity setting fixed at creation. Its
// phases follow an explicit table (status.go), moved by the facilitator:
// collecting → grouping → voting → discussing → closed, and each phase
// allows only its own work.
//
// Anonymity by construction: in an anonymous retrospective no card, vote,
// note or health answer stores who made it, and nothing in the record, its
// revisions, its events or its views ties two contributions of one person
// together. Per-person rules (vote limits, editing one's own card, one
// health answer each) use pseudonyms computed from a per-retro secret;
// the secret and who wrote, voted and answered what live in the
// retrospective's Private part, which the store keeps apart from the
// record and never in a revision, and erases in the same write that
// closes the retrospective. Health answers stay in the Private part while
// open, so no revision shows a re-answer replacing an answer; the close
// writes them into the record without respondents, ordered by their
// scores. Every time an anonymous retrospective records or publishes
// (items, notes, actions, revisions, stamps, events) is to the minute.
// Events and history name "anonymous" for what participants do, and every
// view the Service returns leaves voters and respondents out. What the
// facilitator does (moving phases) is named, as are action owners.
//
// Votes are limited per person and per item or group (settings), checked
// against the newest tally so concurrent voters cannot exceed them, and
// may be hidden until voting ends. Actions use accord.Action, the shape
// risk mitigations use; when the next retrospective of a series opens,
// every action still open comes along with its origin and how often it was
// carried. Lessons are searchable across a project; a team health check
// shows once at least MinHealthAnswers answered (in an anonymous
// retrospective, once it is closed). Summary renders Markdown.
//
// Main calls, in the order a newcomer uses them: NewService; Create;
// AddItem and EditItem (collecting), Group, Vote, AddNote, AddAction,
// AddLesson and AnswerHealth in their phases; Transition (the facilitator,
// with an optional base revision and reason) from phase to phase;
// Summary, Results, Lessons and HealthTrend to read; UpdateAction and
// MarkPromoted after it closes.
//
// Events (events.go): retro.created, .phase_changed, .item_added,
// .item_edited, .grouped, .voted, .note_added, .action_added,
// .action_changed, .lesson_added, .health_answered, .promoted, .deleted,
// .settings_changed.
package retro
