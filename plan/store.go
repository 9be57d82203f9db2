package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Rule is a check Commit makes.
type Rule string

// The commit rules.
const (
	RuleOverCapacity  Rule = "over_capacity"  // the items' effort exceeds the team's person-days
	RuleNotApproved   Rule = "not_approved"   // an item is not approved
	RuleReviewPending Rule = "review_pending" // an item's review is still under way
	RuleNoEstimate    Rule = "no_estimate"    // an item has no estimate, from a review or an override
	RuleBlocked       Rule = "blocked"        // an item has a blocking question nobody has answered
)

// Rules lists every commit rule, in the order Commit reports them.
func Rules() []Rule {
	return []Rule{RuleOverCapacity, RuleNotApproved, RuleReviewPending, RuleBlocked, RuleNoEstimate}
}

// Action is what a project does when an iteration breaks a rule.
type Action string

// The actions.
const (
	Refuse Action = "refuse" // Commit fails, naming the rule and the items
	Warn   Action = "warn"   // Commit succeeds and records the finding
)

// Settings are a project's planning rules. Revision 0 means never set:
// DefaultSettings apply.
type Settings struct {
	Project string          `json:"project"`
	Commit  map[Rule]Action `json:"commit"`
	// ResponseTargetHours is how long, in working hours, a question may
	// wait for its first answer before it is listed as overdue.
	ResponseTargetHours float64      `json:"response_target_hours"`
	WorkingHours        WorkingHours `json:"working_hours"`
	accord.Stamp
}

// DefaultSettings are the rules of a project that set none: an iteration
// over capacity, with an item not approved or blocked cannot be committed;
// a pending review or a missing estimate is a warning. Questions get their
// first answer within 4 working hours, 9:00 to 18:00 UTC.
func DefaultSettings(project string) Settings {
	return Settings{Project: project, Commit: map[Rule]Action{
		RuleOverCapacity: Refuse, RuleNotApproved: Refuse, RuleReviewPending: Warn, RuleBlocked: Refuse, RuleNoEstimate: Warn},
		ResponseTargetHours: 4, WorkingHours: WorkingHours{Start: 9, End: 18}}
}

// Validate reports every problem of the settings, naming its field.
func (s Settings) Validate() error {
	var errs accord.FieldErrors
	for r, a := range s.Commit {
		if !slices.Contains(Rules(), r) {
			names := make([]string, 0, len(Rules()))
			for _, r := range Rules() {
				names = append(names, string(r))
			}
			errs.Add(fmt.Sprintf("commit.%s", r), "unknown rule; one of %s", strings.Join(names, ", "))
		}
		if a != Refuse && a != Warn {
			errs.Add(fmt.Sprintf("commit.%s", r), "unknown action %q; refuse or warn", a)
		}
	}
	if s.ResponseTargetHours < 0 || s.ResponseTargetHours > 24*30 {
		errs.Add("response_target_hours", "must be between 0 (the default) and 720, got %v", s.ResponseTargetHours)
	}
	if w := s.WorkingHours; w != (WorkingHours{}) {
		if w.Start < 0 || w.Start > 23 || w.End <= w.Start || w.End > 24 {
			errs.Add("working_hours", "start must be an hour 0–23 and end an hour after it, at most 24; got %d to %d", w.Start, w.End)
		}
		if _, err := time.LoadLocation(w.Location); err != nil {
			errs.Add("working_hours.location", "unknown time zone %q", w.Location)
		}
	}
	svc.CheckBounds(&errs, "", s)
	return errs.Err("plan settings")
}

// Clone returns a deep copy.
func (s Settings) Clone() Settings {
	c := s
	if s.Commit != nil {
		c.Commit = make(map[Rule]Action, len(s.Commit))
		for k, v := range s.Commit {
			c.Commit[k] = v
		}
	}
	return c
}

// IterationFilter selects iterations in a list. Empty fields match
// everything.
type IterationFilter struct {
	Status []IterationStatus
	Item   accord.Ref // iterations that schedule this record
	Member string     // iterations with this member in their capacity or assignees
}

// Match reports whether it passes the filter.
func (f IterationFilter) Match(it *Iteration) bool {
	if len(f.Status) > 0 && !slices.Contains(f.Status, it.Status) {
		return false
	}
	if f.Item.Kind != "" && !slices.ContainsFunc(it.Items, func(i Item) bool { return i.Ref == f.Item }) {
		return false
	}
	if f.Member != "" {
		in := slices.ContainsFunc(it.Capacity, func(c Capacity) bool { return c.Member == f.Member }) ||
			slices.ContainsFunc(it.Items, func(i Item) bool { return slices.Contains(i.Assignees, f.Member) })
		if !in {
			return false
		}
	}
	return true
}

// Store keeps iterations and milestones with every revision of each, and
// the project's settings. The rules are those of every accord store
// (adapters/storetest checks them).
type Store interface {
	// CreateIteration stores an iteration from its first revision and
	// assigns its key IterationKeyOf(n). Conflict if the ID exists.
	CreateIteration(ctx context.Context, first accord.Revision[Iteration]) (Iteration, error)
	// GetIteration returns an iteration. NotFound if absent.
	GetIteration(ctx context.Context, project, id string) (Iteration, error)
	// GetIterationByKey returns the iteration with the key (IT-3).
	// NotFound if absent.
	GetIterationByKey(ctx context.Context, project, key string) (Iteration, error)
	// UpdateIteration stores next as the new current revision. NotFound if
	// absent; Conflict (ErrStale) if stale.
	UpdateIteration(ctx context.Context, next accord.Revision[Iteration]) (Iteration, error)
	// ListIterations returns one page of the iterations that match f, in
	// creation order. Invalid for a malformed token.
	ListIterations(ctx context.Context, project string, f IterationFilter, q accord.PageQuery) (accord.Page[Iteration], error)
	// ListIterationRevisions returns every revision, oldest first.
	// NotFound if absent.
	ListIterationRevisions(ctx context.Context, project, id string) ([]accord.Revision[Iteration], error)

	// CreateMilestone stores a milestone from its first revision and
	// assigns its key MilestoneKeyOf(n). Conflict if the ID exists.
	CreateMilestone(ctx context.Context, first accord.Revision[Milestone]) (Milestone, error)
	// GetMilestone returns a milestone. NotFound if absent.
	GetMilestone(ctx context.Context, project, id string) (Milestone, error)
	// GetMilestoneByKey returns the milestone with the key (MS-2).
	// NotFound if absent.
	GetMilestoneByKey(ctx context.Context, project, key string) (Milestone, error)
	// UpdateMilestone stores next as the new current revision. NotFound
	// if absent; Conflict (ErrStale) if stale.
	UpdateMilestone(ctx context.Context, next accord.Revision[Milestone]) (Milestone, error)
	// ListMilestones returns one page of the project's milestones, in
	// creation order. Invalid for a malformed token.
	ListMilestones(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Milestone], error)
	// ListMilestoneRevisions returns every revision, oldest first.
	// NotFound if absent.
	ListMilestoneRevisions(ctx context.Context, project, id string) ([]accord.Revision[Milestone], error)

	// CreateQuestion stores a question from its first revision and assigns
	// its key QuestionKeyOf(n). Conflict if the ID exists.
	CreateQuestion(ctx context.Context, first accord.Revision[Question]) (Question, error)
	// GetQuestion returns a question. NotFound if absent.
	GetQuestion(ctx context.Context, project, id string) (Question, error)
	// GetQuestionByKey returns the question with the key. NotFound
	// if absent.
	GetQuestionByKey(ctx context.Context, project, key string) (Question, error)
	// UpdateQuestion stores next as the new current revision. NotFound if
	// absent; Conflict (ErrStale) if stale.
	UpdateQuestion(ctx context.Context, next accord.Revision[Question]) (Question, error)
	// ListQuestions returns one page of the questions that match f, in
	// creation order. Invalid for a malformed token.
	ListQuestions(ctx context.Context, project string, f QuestionFilter, q accord.PageQuery) (accord.Page[Question], error)
	// ListQuestionRevisions returns every revision, oldest first.
	// NotFound if absent.
	ListQuestionRevisions(ctx context.Context, project, id string) ([]accord.Revision[Question], error)

	// GetSettings returns the project's settings; revision 0 if never set.
	GetSettings(ctx context.Context, project string) (Settings, error)
	// PutSettings stores s; s.Revision must be the stored revision plus one.
	PutSettings(ctx context.Context, s Settings) (Settings, error)
}
