package plan

import "github.com/accordhq/accord/internal/svc"

// The kinds of accord.Ref that point at a plan's records.
const (
	IterationRefKind = "iteration"
	MilestoneRefKind = "milestone"
)

// Key prefixes: IT-1, IT-2, … for iterations, MS-1, MS-2, … for
// milestones.
const (
	IterationKeyPrefix = "IT-"
	MilestoneKeyPrefix = "MS-"
)

// IterationKeyOf returns the key of a project's n-th iteration. Stores
// call it with the sequence number they allocate.
func IterationKeyOf(n int) string { return svc.Key(IterationKeyPrefix, n) }

// MilestoneKeyOf returns the key of a project's n-th milestone.
func MilestoneKeyOf(n int) string { return svc.Key(MilestoneKeyPrefix, n) }

// The kinds of the events the Service publishes; Event.Ref points at the
// iteration or milestone (settings events at the project).
const (
	EventIterationCreated   = "plan.iteration_created"
	EventIterationUpdated   = "plan.iteration_updated"
	EventItemScheduled      = "plan.item_scheduled"
	EventItemUnscheduled    = "plan.item_unscheduled"
	EventIterationCommitted = "plan.iteration_committed"
	EventIterationClosed    = "plan.iteration_closed"
	EventMilestoneCreated   = "plan.milestone_created"
	EventMilestoneUpdated   = "plan.milestone_updated"
	EventSettingsChanged    = "plan.settings_changed"
)

// QuestionRefKind is the kind of accord.Ref that points at a question, and
// QuestionKeyPrefix starts its key, …
const (
	QuestionRefKind   = "question"
	QuestionKeyPrefix = "Q-"
)

// QuestionKeyOf returns the key of a project's n-th question.
func QuestionKeyOf(n int) string { return svc.Key(QuestionKeyPrefix, n) }

// ParseKey reads a plan record's human key: the kind of record it names
// (IterationRefKind for IT-5, MilestoneRefKind for MS-2, QuestionRefKind
// for Q-1) and its sequence number. ok is false for anything else. Plans
// keep three kinds of keyed record, so unlike other domains' ParseKey it
// says which.
func ParseKey(s string) (kind string, n int, ok bool) {
	for _, k := range []struct{ kind, prefix string }{
		{IterationRefKind, IterationKeyPrefix}, {MilestoneRefKind, MilestoneKeyPrefix}, {QuestionRefKind, QuestionKeyPrefix},
	} {
		if n, ok := svc.ParseKey(k.prefix, s); ok {
			return k.kind, n, true
		}
	}
	return "", 0, false
}

// The kinds of the question events.
const (
	EventQuestionAsked    = "plan.question_asked"
	EventQuestionAnswered = "plan.question_answered"
	EventQuestionResolved = "plan.question_resolved"
	EventQuestionOverdue  = "plan.question_overdue"
)
