// Package risk is the risk register: risks identified early,
// scored with the working shown, treated, reviewed on time and linked to
// the work.
//
// A Risk states cause → event → effect, has a kind (threat or
// opportunity), a category, an owner, labels, links and a source (by hand,
// or raised in a review's feasibility assessment). Its status follows an
// explicit table (status.go): identified → assessed → treating →
// monitoring → closed, plus accepted and escalated.
//
// Assessments score three stages, inherent, current and target, on the
// likelihood and impact scales the project configures (impact may have
// several dimensions; they combine by their highest value). A Scorer turns
// them into a level: MatrixScorer and ProductScorer are built in, and an
// embedder may plug its own. Every assessment keeps its inputs, the
// scorer's method and version, and its working; Check lists what does not
// add up; Rescore is a dry run of another method.
//
// A Response (strategy and plan) carries actions, of the accord.Action
// shape that other domains share. An Acceptance is a decision by a role
// the settings allow for the level, with a rationale and an expiry; it
// lapses, and says why, when the risk is re-assessed higher or its
// statement changes. Overdue computes, at query time, the reviews due under
// the settings' cadence, the late actions and the expired acceptances;
// NotifyDue publishes risk.review_due once per risk per due date.
//
// Views: List with filters, HeatMap (JSON, and SVG), AsOf (the register at
// a past moment, from revisions), LevelCounts, and Register (Markdown).
//
// Main calls, in the order a newcomer uses them: NewService; Create;
// Assess; Respond and AddAction; Transition, Accept, MarkReviewed; List,
// Overdue, HeatMap and Register to read; Update when the statement
// changes; History and Diff. Categories are accord.RiskCategories plus
// the project's own.
//
// Events (events.go): risk.created, .updated, .transitioned, .assessed,
// .responded, .action_changed, .accepted, .acceptance_lapsed, .reviewed,
// .review_due, .deleted and .settings_changed.
package risk
