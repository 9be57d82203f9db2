// Package review runs review cycles between product and engineering: the
// requirement review before development (需求评审), reviews of change
// requests and API contracts, and the acceptance review of a delivery
// against its acceptance criteria (验收).
//
// A Review is about one subject, an accord.Ref at a revision. It has
// participants in roles and a Policy, copied from the project's Settings
// when the review is created. Work happens in rounds: each round covers one
// revision of the subject, and when the subject's content changes the open
// round is superseded by a new one (Sync, SubjectRevised). Approvals given
// on the old revision do not count for the new one unless every changed
// field is editorial under the policy. A reject is a veto that stands
// across rounds until its author withdraws it.
//
// In a round, participants give verdicts (approve, request_changes,
// reject, comment), engineers give feasibility assessments with difficulty,
// effort and technical risks, and acceptance reviews record a result per
// acceptance criterion. Threads anchored to a field of the subject carry
// the discussion across rounds. Evaluate turns all of this into an Outcome
// and lists every unmet rule and whom it waits on; Markdown renders the
// review for sharing.
//
// Main calls, in the order a newcomer uses them: NewService with a
// Subjects; Create; AddParticipant; Verdict, Assess, Check, OpenThread
// and Reply in a round; Outcome and Summary to read; Sync (or
// SubjectRevised, wired to the subject's events) when the subject
// changes; Override, WithdrawVeto, SetDue; Require for gates.
//
// Every change is appended to the review's Log (who, what, when, in which
// round) and published as an event: review.created, review.round_opened,
// review.verdict_given, review.assessed, review.checked,
// review.thread_opened, review.comment_added, review.thread_resolved,
// review.thread_reopened, review.veto_withdrawn, review.overridden,
// review.participant_added, review.participant_removed, review.due_changed,
// review.deleted and review.settings_changed, plus review.outcome_changed
// whenever a change moves the outcome. Expiry is computed when a review is
// read, so it publishes no event.
//
// The package imports neither the requirement nor the contract package.
// It reads subjects through the Subjects interface, and Service.Require is
// what their transition gates call; adapters/link wires both.
package review
