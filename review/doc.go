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
// The package imports neither the requirement nor the contract package.
// It reads subjects through the Subjects interface, and Service.Require is
// what their transition gates call; adapters/reviewlink wires both.
package review
