package requirement

import (
	"context"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
	"github.com/accordhq/accord/internal/svc"
)

// ProposeChange proposes new content for a requirement that is approved or
// later, with the reason and the impact assessment. The proposal records the
// requirement revision it was written against.
// Errors: Unauthenticated, Invalid, NotFound (requirement),
// FailedPrecondition (the requirement is not yet approved: edit it directly).
func (s *Service) ProposeChange(ctx context.Context, project, requirementID string, p ChangeProposal) (ChangeRequest, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return ChangeRequest{}, err
	}
	r, err := s.reqs.Lookup(ctx, project, requirementID)
	if err != nil {
		return ChangeRequest{}, err
	}
	p.Proposed = withCriterionIDs(keepOwnerAndPriority(p.Proposed, r.Content))
	if err := p.Validate(); err != nil {
		return ChangeRequest{}, err
	}
	if !r.Status.Locked() {
		return ChangeRequest{}, accord.Errorf(accord.FailedPrecondition,
			"%s is %s: change requests are for approved-or-later requirements; edit it directly", r.Key, r.Status)
	}
	now := s.clock.Now()
	cr := ChangeRequest{ID: accord.NewID(now), Project: project, RequirementID: r.ID, BaseRevision: r.Revision,
		Proposed: p.Proposed, Reason: p.Reason, Impact: p.Impact, State: ChangeProposed, Stamp: accord.NewStamp(actor.ID, now)}
	cr, err = s.store.CreateChangeRequest(ctx, svc.Revision(cr, accord.RevisionCreated, p.Reason))
	if err != nil {
		return ChangeRequest{}, err
	}
	s.changes.Publish(ctx, project, cr, actor, EventChangeProposed,
		"change to %s proposed by %s: %s (schedule %+g days, effort %+g person-days)", r.Key, actor.ID, cr.Reason, cr.Impact.ScheduleDays, cr.Impact.EffortDays)
	return cr, nil
}

// GetChange returns a change request.
// Errors: Invalid (bad project), NotFound.
func (s *Service) GetChange(ctx context.Context, project, id string) (ChangeRequest, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return ChangeRequest{}, err
	}
	return s.store.GetChangeRequest(ctx, project, id)
}

// ListChanges returns one page of the change requests of a requirement,
// oldest first.
// Errors: Invalid (bad project, page size outside 1–500, malformed
// token), NotFound (requirement).
func (s *Service) ListChanges(ctx context.Context, project, requirementID string, q accord.PageQuery) (accord.Page[ChangeRequest], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[ChangeRequest]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[ChangeRequest]{}, err
	}
	// The requirement is read, not just its ID: a requirement that does
	// not exist is NotFound, not one without change requests.
	r, err := s.Get(ctx, project, requirementID)
	if err != nil {
		return accord.Page[ChangeRequest]{}, err
	}
	all, err := s.store.ListChangeRequests(ctx, project, r.ID)
	if err != nil {
		return accord.Page[ChangeRequest]{}, err
	}
	return svc.PageAfter("change", all, q, func(cr ChangeRequest) string { return cr.ID })
}

// DecideChange approves, rejects or withdraws a change request whose
// revision is base. Rejecting and withdrawing need a reason.
// Errors: Unauthenticated, Invalid (unknown decision, missing reason),
// NotFound, Conflict (stale base), FailedPrecondition (not allowed from the
// current state).
func (s *Service) DecideChange(ctx context.Context, project, id string, base int, in DecisionInput) (ChangeRequest, error) {
	to, reason := in.To, in.Reason
	return s.changes.Run(ctx, svc.Change[ChangeRequest]{Project: project, Ref: id, Base: base, RequireBase: true,
		Edit: func(cr *ChangeRequest, c *svc.Cmd) error {
			if err := checkChangeTransition(id, cr.State, to); err != nil {
				return err
			}
			if strings.TrimSpace(reason) == "" && to != ChangeApproved {
				return accord.InvalidField("decision", "reason", "required when the change is %s", to)
			}
			if err := checkNote("reason", reason); err != nil {
				return err
			}
			decide(cr, c.Actor, c.Now, to, reason)
			c.Kind, c.Note = accord.RevisionTransitioned, reason
			c.Event(changeEvents[to], "change request %s %s by %s", id, to, c.Actor.ID)
			return nil
		}})
}

// decide moves cr to state to, with the decision recorded.
func decide(cr *ChangeRequest, actor accord.Actor, now time.Time, to ChangeState, reason string) {
	cr.Decisions = append(cr.Decisions, ChangeDecision{From: cr.State, To: to, Actor: actor.ID, Time: now, Reason: reason})
	cr.State = to
}

var changeEvents = map[ChangeState]string{ChangeApproved: EventChangeApproved, ChangeRejected: EventChangeRejected,
	ChangeWithdrawn: EventChangeWithdrawn, ChangeApplied: EventChangeApplied}

// ApplyChange applies an approved change request whose revision is base:
// the proposed content becomes a new requirement revision and the
// requirement goes back to in_review, so the changed document is reviewed
// again. The change request ends as applied, naming that revision.
// Errors: Unauthenticated, NotFound, Conflict (stale base, or the
// requirement changed while applying: retry), FailedPrecondition (not
// approved, the requirement is no longer approved-or-later, or a gate
// refuses in_review).
func (s *Service) ApplyChange(ctx context.Context, project, id string, base int) (Requirement, ChangeRequest, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Requirement{}, ChangeRequest{}, err
	}
	cr, err := s.store.GetChangeRequest(ctx, project, id)
	if err != nil {
		return Requirement{}, ChangeRequest{}, err
	}
	if err := svc.CheckBase("change request "+id, base, cr.Revision); err != nil {
		return Requirement{}, ChangeRequest{}, err
	}
	if cr.State != ChangeApproved {
		return Requirement{}, ChangeRequest{}, accord.Errorf(accord.FailedPrecondition,
			"change request %s is %s: only an approved change request can be applied", id, cr.State)
	}
	r, err := s.store.GetRequirement(ctx, project, cr.RequirementID)
	if err != nil {
		return Requirement{}, ChangeRequest{}, err
	}
	if !r.Status.Locked() {
		return Requirement{}, ChangeRequest{}, accord.Errorf(accord.FailedPrecondition,
			"%s is %s: a change request applies only to an approved-or-later requirement", r.Key, r.Status)
	}
	if err := s.admit(ctx, r, cr.Proposed, InReview); err != nil {
		return Requirement{}, ChangeRequest{}, err
	}
	// Claim the change request first so two callers cannot both apply it;
	// release the claim if the requirement cannot be updated.
	now := s.clock.Now()
	claimed := cr.Clone()
	decide(&claimed, actor, now, ChangeApplied, "applied as revision of "+r.Key)
	claimed.Stamp = cr.Stamp.Next(actor.ID, now)
	claimed.AppliedAs = r.Revision + 1
	claimed, err = s.store.UpdateChangeRequest(ctx, svc.Revision(claimed, accord.RevisionTransitioned, "applying"))
	if err != nil {
		return Requirement{}, ChangeRequest{}, err
	}
	// The claim above is what keeps a second caller out, so the
	// requirement is written once, at the revision read: no retry.
	next := r
	next.Content = cr.Proposed // cr is our own copy; the store copies it in
	next.Status = InReview
	next.Stamp = r.Stamp.Next(actor.ID, now)
	next, err = s.store.UpdateRequirement(ctx, svc.Revision(next, ChangeRequestApplied, "applied change request "+id+": "+cr.Reason))
	if err != nil {
		released := cr.Clone()
		released.Stamp = claimed.Stamp.Next(actor.ID, s.clock.Now())
		if _, rerr := s.store.UpdateChangeRequest(ctx, svc.Revision(released, accord.RevisionTransitioned, "released: "+err.Error())); rerr != nil {
			return Requirement{}, ChangeRequest{}, accord.Errorf(accord.Internal,
				"applying change request %s failed (%v) and releasing it failed too: %w", id, err, rerr)
		}
		return Requirement{}, ChangeRequest{}, err
	}
	s.changes.Publish(ctx, project, claimed, actor, EventChangeApplied,
		"change request to %s %q applied by %s: %s (revision %d); %s is back in review", r.Key, next.Title, actor.ID, diff.Describe(diff.Paths(Diff(r, next))), next.Revision, r.Key)
	return next, claimed, nil
}
