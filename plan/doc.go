// Package plan schedules agreed work: iterations with goals and each
// member's capacity in person-days (less absences), the requirements,
// change requests and contract versions scheduled into them with the
// people who do them, and milestones with their deliverables.
//
// Effort comes from the reviews: an Estimator (adapters/link wires the
// review domain) gives the feasibility assessments of an item's latest
// approved review, and the plan counts the largest of them; an estimate
// written into the plan (an override, with a reason) replaces it. An item
// with neither is called out.
//
// Committing an iteration checks it (Check runs the same rules without
// committing): over capacity, items not approved, items whose review is
// pending, items without an estimate. The project's settings say per rule
// whether it refuses the commit or only warns; a refusal names the rule
// and the items, warnings stay with the commitment.
//
// Questions keep development moving: anyone asks about a scheduled item
// (or any record) a person or a role, optionally blocking the item until
// the question is answered. Answers and follow-ups are kept; the time to
// the first answer counts working hours only (Settings.WorkingHours), and
// Overdue lists the questions past the project's response target.
//
// Main calls, in the order a newcomer uses them: NewService;
// CreateIteration; Schedule and Unschedule; Estimate and Check; Commit;
// SetItemState, IterationProgress and BurnUp while it runs; Close.
// CreateMilestone, UpdateMilestone, ForecastMilestone and CheckSlips, with
// TrimScope, MoveItem, Reprioritise and SwapScope as responses to a slip.
// Ask, Reply, Resolve, Overdue and TimeToAnswer for questions. ParseKey
// tells IT-n, MS-n and Q-n apart; Settings and UpdateSettings.
//
// Events: EventIterationCreated, EventIterationUpdated, EventItemScheduled,
// EventItemUnscheduled, EventIterationCommitted, EventIterationClosed,
// EventMilestoneCreated, EventMilestoneUpdated, EventQuestionAsked,
// EventQuestionAnswered, EventQuestionResolved, EventQuestionOverdue,
// EventSettingsChanged.
package plan
