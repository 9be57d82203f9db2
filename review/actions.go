package review

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// VerdictInput is a participant's verdict on the open round. Round names
// the round the participant reviewed, so a verdict on a revision that has
// since been superseded is refused instead of counted for the new one.
type VerdictInput struct {
	Round    int      `json:"round"`
	Decision Decision `json:"decision"`
	Comment  string   `json:"comment,omitempty"` // required for request_changes and reject
}

// Verdict records a participant's verdict. A later verdict replaces the
// participant's earlier one in the outcome; both stay in the round. A
// reject is a veto: only the policy's veto roles may give one, and it
// stands across rounds until its author withdraws it, explicitly or by a
// later approve or request_changes.
// Errors: Unauthenticated, Invalid, NotFound, PermissionDenied (not a
// participant), Conflict wrapping ErrStale (the round was superseded),
// FailedPrecondition (the role may not veto).
func (s *Service) Verdict(ctx context.Context, project, id string, in VerdictInput) (Review, error) {
	if err := svc.Bounded("verdict", in); err != nil {
		return Review{}, err
	}
	var errs accord.FieldErrors
	if !slices.Contains(Decisions(), in.Decision) {
		errs.Add("decision", "unknown decision %q; one of approve, request_changes, reject, comment", in.Decision)
	}
	checkText(&errs, "comment", in.Comment, in.Decision == RequestChanges || in.Decision == Reject || in.Decision == CommentOnly)
	if err := errs.Err("verdict"); err != nil {
		return Review{}, err
	}
	return s.change(ctx, project, id, func(t *txn) error {
		p, round, err := t.participantIn(in.Round)
		if err != nil {
			return err
		}
		if in.Decision == Reject && !slices.Contains(t.rv.Policy.VetoRoles, p.Role) {
			return accord.Errorf(accord.FailedPrecondition, "%s takes part as %s, and the %s review policy lets only %s veto; request changes instead",
				p.Actor, p.Role, t.rv.Kind, orNobody(t.rv.Policy.VetoRoles))
		}
		round.Verdicts = append(round.Verdicts, Verdict{Actor: p.Actor, Decision: in.Decision, Comment: in.Comment, Time: t.now})
		t.record("verdict", EventVerdictGiven, "%s (%s) gave %s in round %d%s", p.Actor, p.Role, in.Decision, round.Number, quoted(in.Comment))
		standing := slices.IndexFunc(t.rv.Vetoes, func(v Veto) bool { return v.Actor == p.Actor && v.Standing() })
		switch {
		case in.Decision == Reject && standing < 0:
			t.rv.Vetoes = append(t.rv.Vetoes, Veto{Actor: p.Actor, Reason: in.Comment, Round: round.Number, Time: t.now})
		case (in.Decision == Approve || in.Decision == RequestChanges) && standing >= 0:
			withdrawVeto(t, standing, fmt.Sprintf("replaced by %s in round %d", in.Decision, round.Number))
		}
		return nil
	})
}

func withdrawVeto(t *txn, i int, reason string) {
	v := &t.rv.Vetoes[i]
	v.WithdrawnAt, v.WithdrawnReason = t.now, reason
	t.record("veto_withdrawn", EventVetoWithdrawn, "%s withdrew the veto given in round %d: %s", v.Actor, v.Round, reason)
}

// WithdrawVeto withdraws the acting user's standing veto.
// Errors: Unauthenticated, Invalid (no reason), NotFound,
// FailedPrecondition (no standing veto of theirs).
func (s *Service) WithdrawVeto(ctx context.Context, project, id, reason string) (Review, error) {
	var errs accord.FieldErrors
	checkText(&errs, "reason", reason, true)
	if err := errs.Err("veto withdrawal"); err != nil {
		return Review{}, err
	}
	return s.change(ctx, project, id, func(t *txn) error {
		i := slices.IndexFunc(t.rv.Vetoes, func(v Veto) bool { return v.Actor == t.actor.ID && v.Standing() })
		if i < 0 {
			return accord.Errorf(accord.FailedPrecondition, "%s has no standing veto on %s", t.actor.ID, t.rv.Key)
		}
		withdrawVeto(t, i, reason)
		return nil
	})
}

// RiskInput is a technical risk raised in an assessment.
type RiskInput struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category"` // one of accord.RiskCategories
}

// AssessmentInput is a feasibility assessment of the open round.
type AssessmentInput struct {
	Round       int         `json:"round"`
	Feasibility Feasibility `json:"feasibility"`
	Difficulty  int         `json:"difficulty"`  // 1–5
	EffortDays  float64     `json:"effort_days"` // person-days: required, more than 0 unless infeasible (then 0)
	Risks       []RiskInput `json:"risks,omitempty"`
	Notes       string      `json:"notes,omitempty"` // required when infeasible
}

// Validate reports every invalid field of in.
func (in AssessmentInput) Validate() error {
	var errs accord.FieldErrors
	switch in.Feasibility {
	case Feasible, FeasibleWithRisks, Infeasible:
	default:
		errs.Add("feasibility", "unknown value %q; one of feasible, feasible_with_risks, infeasible", in.Feasibility)
	}
	if in.Difficulty < 1 || in.Difficulty > 5 {
		errs.Add("difficulty", "must be from 1 (trivial) to 5 (very hard)")
	}
	switch {
	case math.IsNaN(in.EffortDays) || math.IsInf(in.EffortDays, 0) || in.EffortDays < 0 || in.EffortDays > 100000:
		errs.Add("effort_days", "must be a number of person-days from 0 to 100000")
	case in.EffortDays == 0 && in.Feasibility != Infeasible:
		errs.Add("effort_days", "required: estimate the effort in person-days")
	}
	if in.Feasibility == FeasibleWithRisks && len(in.Risks) == 0 {
		errs.Add("risks", "required when feasible_with_risks: name the risks")
	}
	for i, r := range in.Risks {
		f := fmt.Sprintf("risks[%d]", i)
		checkText(&errs, f+".title", r.Title, true)
		checkText(&errs, f+".description", r.Description, false)
		if !slices.Contains(accord.RiskCategories(), r.Category) {
			errs.Add(f+".category", "unknown category %q; one of %s", r.Category, strings.Join(accord.RiskCategories(), ", "))
		}
	}
	checkText(&errs, "notes", in.Notes, in.Feasibility == Infeasible)
	svc.CheckBounds(&errs, "", in)
	return errs.Err("assessment")
}

// Assess records a participant's feasibility assessment of the open round.
// Each risk gets an ID; RiskRef(review, risk) is its back-link.
// Errors: Unauthenticated, Invalid, NotFound, PermissionDenied (not a
// participant), Conflict wrapping ErrStale (the round was superseded).
func (s *Service) Assess(ctx context.Context, project, id string, in AssessmentInput) (Review, error) {
	if err := in.Validate(); err != nil {
		return Review{}, err
	}
	return s.change(ctx, project, id, func(t *txn) error {
		p, round, err := t.participantIn(in.Round)
		if err != nil {
			return err
		}
		a := Assessment{Actor: p.Actor, Feasibility: in.Feasibility, Difficulty: in.Difficulty, EffortDays: in.EffortDays, Notes: in.Notes, Time: t.now}
		// A risk raised again (same title) keeps its ID, so a register
		// that takes the review's risks over files it once.
		known := map[string]string{}
		for _, r := range t.rv.Risks() {
			known[strings.ToLower(strings.TrimSpace(r.Title))] = r.ID
		}
		for _, r := range in.Risks {
			id := known[strings.ToLower(strings.TrimSpace(r.Title))]
			if id == "" {
				id = accord.NewID(t.now)
			}
			a.Risks = append(a.Risks, Risk{ID: id, Title: r.Title, Description: r.Description, Category: r.Category})
		}
		round.Assessments = append(round.Assessments, a)
		t.record("assessed", EventAssessed, "%s (%s) assessed round %d: %s, difficulty %d, %g person-days, %d risk(s)",
			p.Actor, p.Role, round.Number, in.Feasibility, in.Difficulty, in.EffortDays, len(in.Risks))
		return nil
	})
}

// CriterionResult is the result of checking one acceptance criterion.
type CriterionResult struct {
	CriterionID string      `json:"criterion_id"`
	Result      CheckResult `json:"result"`
	Problem     string      `json:"problem,omitempty"` // required when failed
}

// CheckInput records acceptance checks against the open round's criteria.
type CheckInput struct {
	Round   int               `json:"round"`
	Results []CriterionResult `json:"results"`
}

// Check records acceptance checks: passed, failed (with the problem found)
// or not_tested, one per criterion. Acceptance reviews only.
// Errors: Unauthenticated, Invalid (unknown criterion, missing problem),
// NotFound, PermissionDenied (not a participant), Conflict wrapping
// ErrStale (the round was superseded), FailedPrecondition (not an
// acceptance review).
func (s *Service) Check(ctx context.Context, project, id string, in CheckInput) (Review, error) {
	if err := svc.Bounded("check", in); err != nil {
		return Review{}, err
	}
	var errs accord.FieldErrors
	if len(in.Results) == 0 {
		errs.Add("results", "required: at least one criterion result")
	}
	for i, r := range in.Results {
		f := fmt.Sprintf("results[%d]", i)
		if r.CriterionID == "" {
			errs.Add(f+".criterion_id", "required")
		} else if slices.IndexFunc(in.Results, func(o CriterionResult) bool { return o.CriterionID == r.CriterionID }) != i {
			errs.Add(f+".criterion_id", "%s is listed twice", r.CriterionID)
		}
		if r.Result != Passed && r.Result != Failed && r.Result != NotTested {
			errs.Add(f+".result", "unknown result %q; one of passed, failed, not_tested", r.Result)
		}
		checkText(&errs, f+".problem", r.Problem, r.Result == Failed)
	}
	if err := errs.Err("acceptance check"); err != nil {
		return Review{}, err
	}
	return s.change(ctx, project, id, func(t *txn) error {
		if t.rv.Kind != AcceptanceReview {
			return accord.Errorf(accord.FailedPrecondition, "%s is a %s review: only acceptance reviews check acceptance criteria", t.rv.Key, t.rv.Kind)
		}
		p, round, err := t.participantIn(in.Round)
		if err != nil {
			return err
		}
		for i, r := range in.Results {
			if !slices.ContainsFunc(round.Criteria, func(c Criterion) bool { return c.ID == r.CriterionID }) {
				var ids []string
				for _, c := range round.Criteria {
					ids = append(ids, c.ID)
				}
				errs.Add(fmt.Sprintf("results[%d].criterion_id", i), "%s is not a criterion of round %d; its criteria are %s", r.CriterionID, round.Number, strings.Join(ids, ", "))
			}
		}
		if err := errs.Err("acceptance check"); err != nil {
			return err
		}
		var parts []string
		for _, r := range in.Results {
			round.Checks = append(round.Checks, Check{CriterionID: r.CriterionID, Result: r.Result, Problem: r.Problem, Actor: p.Actor, Time: t.now})
			parts = append(parts, r.CriterionID+" "+string(r.Result)+quoted(r.Problem))
		}
		t.record("checked", EventChecked, "%s checked in round %d: %s", p.Actor, round.Number, strings.Join(parts, ", "))
		return nil
	})
}

// ThreadInput opens a thread. Anchor is the JSON path of the field the
// thread is about (acceptance_criteria[2]); empty means the whole subject.
type ThreadInput struct {
	Anchor string `json:"anchor,omitempty"`
	Body   string `json:"body"`
}

// OpenThread starts a thread with its first comment. The new thread is the
// last of the returned review's Threads.
// Errors: Unauthenticated, Invalid, NotFound, PermissionDenied (not a
// participant).
func (s *Service) OpenThread(ctx context.Context, project, id string, in ThreadInput) (Review, error) {
	if err := svc.Bounded("thread", in); err != nil {
		return Review{}, err
	}
	var errs accord.FieldErrors
	if len(in.Anchor) > svc.MaxName {
		errs.Add("anchor", "longer than %d bytes", svc.MaxName)
	} else if in.Anchor != "" && !fieldPath.MatchString(in.Anchor) {
		errs.Add("anchor", "%q is not a field path such as acceptance_criteria[2] or flow[0].action", in.Anchor)
	}
	checkText(&errs, "body", in.Body, true)
	if err := errs.Err("thread"); err != nil {
		return Review{}, err
	}
	return s.change(ctx, project, id, func(t *txn) error {
		if _, err := t.participant(); err != nil {
			return err
		}
		round := t.rv.Current().Number
		t.rv.Threads = append(t.rv.Threads, Thread{ID: accord.NewID(t.now), Anchor: in.Anchor, Round: round,
			Comments: []Comment{{ID: accord.NewID(t.now), Actor: t.actor.ID, Body: in.Body, Time: t.now}}})
		t.record("thread_opened", EventThreadOpened, "%s opened a thread on %s: %q", t.actor.ID, anchorName(in.Anchor), in.Body)
		return nil
	})
}

func (t *txn) thread(id string) (*Thread, error) {
	i := slices.IndexFunc(t.rv.Threads, func(th Thread) bool { return th.ID == id })
	if i < 0 {
		return nil, accord.Errorf(accord.NotFound, "thread %q not found in %s", id, t.rv.Key)
	}
	return &t.rv.Threads[i], nil
}

// ReplyInput is a comment in a thread: the input of Reply.
type ReplyInput struct {
	Body string `json:"body"`
}

// Validate checks the comment's body.
func (in ReplyInput) Validate() error {
	var errs accord.FieldErrors
	checkText(&errs, "body", in.Body, true)
	return errs.Err("comment")
}

// Reply adds a comment to a thread. Replying does not reopen a resolved
// thread; ResolveThread does.
// Errors: Unauthenticated, Invalid, NotFound (review or thread),
// PermissionDenied (not a participant).
func (s *Service) Reply(ctx context.Context, project, id, thread string, in ReplyInput) (Review, error) {
	if err := in.Validate(); err != nil {
		return Review{}, err
	}
	body := in.Body
	return s.change(ctx, project, id, func(t *txn) error {
		if _, err := t.participant(); err != nil {
			return err
		}
		th, err := t.thread(thread)
		if err != nil {
			return err
		}
		th.Comments = append(th.Comments, Comment{ID: accord.NewID(t.now), Actor: t.actor.ID, Body: body, Time: t.now})
		t.record("comment_added", EventCommentAdded, "%s replied on %s: %q", t.actor.ID, anchorName(th.Anchor), body)
		return nil
	})
}

// ResolveThread marks a thread resolved, or open again.
// Errors: Unauthenticated, NotFound (review or thread), PermissionDenied
// (not a participant).
func (s *Service) ResolveThread(ctx context.Context, project, id, thread string, resolved bool) (Review, error) {
	return s.change(ctx, project, id, func(t *txn) error {
		if _, err := t.participant(); err != nil {
			return err
		}
		th, err := t.thread(thread)
		if err != nil {
			return err
		}
		if th.Resolved == resolved {
			return nil
		}
		th.Resolved = resolved
		if resolved {
			th.ResolvedBy, th.ResolvedAt = t.actor.ID, t.now
			t.record("thread_resolved", EventThreadResolved, "%s resolved the thread on %s", t.actor.ID, anchorName(th.Anchor))
		} else {
			th.ResolvedBy, th.ResolvedAt = "", time.Time{}
			t.record("thread_reopened", EventThreadReopened, "%s reopened the thread on %s", t.actor.ID, anchorName(th.Anchor))
		}
		return nil
	})
}

// OverrideInput forces the outcome of the open round.
type OverrideInput struct {
	Round   int     `json:"round"`
	Outcome Outcome `json:"outcome"` // approved, changes_requested or rejected
	Reason  string  `json:"reason"`
}

// Override forces the outcome of the open round. It needs the permission
// review.override, and one of the policy's override roles held in the
// project (not merely named as a participant role); the override is kept
// with the round, with who and why, and shown in every evaluation until a
// new round opens.
// Errors: Unauthenticated, Invalid, NotFound, PermissionDenied (no
// permission or override role), Conflict wrapping ErrStale (the round was
// superseded).
func (s *Service) Override(ctx context.Context, project, id string, in OverrideInput) (Review, error) {
	if err := svc.Bounded("override", in); err != nil {
		return Review{}, err
	}
	var errs accord.FieldErrors
	if in.Outcome != Approved && in.Outcome != ChangesRequested && in.Outcome != Rejected {
		errs.Add("outcome", "must be approved, changes_requested or rejected, not %q", in.Outcome)
	}
	checkText(&errs, "reason", in.Reason, true)
	if err := errs.Err("override"); err != nil {
		return Review{}, err
	}
	return s.change(ctx, project, id, func(t *txn) error {
		if err := s.guard.Allows(ctx, project, t.actor, accord.PermReviewOverride); err != nil {
			return err
		}
		// Only roles the actor holds count, never a participant role named
		// in the review.
		if !slices.ContainsFunc(t.rv.Policy.OverrideRoles, t.actor.HasRole) {
			return accord.Errorf(accord.PermissionDenied, "%s may not override %s: the %s review policy lets only %s override",
				t.actor.ID, t.rv.Key, t.rv.Kind, orNobody(t.rv.Policy.OverrideRoles))
		}
		round, err := t.openRound(in.Round)
		if err != nil {
			return err
		}
		round.Overrides = append(round.Overrides, Override{Outcome: in.Outcome, Reason: in.Reason, Actor: t.actor.ID, Time: t.now})
		t.record("overridden", EventOverridden, "%s overrode round %d to %s: %q", t.actor.ID, round.Number, in.Outcome, in.Reason)
		return nil
	})
}

func orNobody(roles []string) string {
	if len(roles) == 0 {
		return "nobody"
	}
	return strings.Join(roles, ", ")
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(": %q", s)
}

func anchorName(anchor string) string {
	if anchor == "" {
		return "the whole subject"
	}
	return anchor
}
