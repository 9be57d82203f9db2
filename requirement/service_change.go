package requirement

import (
	"context"
	"strings"

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
	r, err := s.lookup(ctx, project, requirementID)
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
	s.pub.Publish(ctx, EventChangeProposed, project, cr.Ref(), actor,
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

// ListChanges returns the change requests of a requirement, oldest first.
// Errors: Invalid (bad project), NotFound (requirement).
func (s *Service) ListChanges(ctx context.Context, project, requirementID string) ([]ChangeRequest, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	// The requirement is read, not just its ID: a requirement that does
	// not exist is NotFound, not one without change requests.
	r, err := s.Get(ctx, project, requirementID)
	if err != nil {
		return nil, err
	}
	return s.store.ListChangeRequests(ctx, project, r.ID)
}

// DecideChange approves, rejects or withdraws a change request whose
// revision is base. Rejecting and withdrawing need a reason.
// Errors: Unauthenticated, Invalid (unknown decision, missing reason),
// NotFound, Conflict (stale base), FailedPrecondition (not allowed from the
// current state).
func (s *Service) DecideChange(ctx context.Context, project, id string, base int, to ChangeState, reason string) (ChangeRequest, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return ChangeRequest{}, err
	}
	cur, err := s.store.GetChangeRequest(ctx, project, id)
	if err != nil {
		return ChangeRequest{}, err
	}
	if err := svc.CheckBase("change request "+id, base, cur.Revision); err != nil {
		return ChangeRequest{}, err
	}
	if err := checkChangeTransition(id, cur.State, to); err != nil {
		return ChangeRequest{}, err
	}
	if strings.TrimSpace(reason) == "" && to != ChangeApproved {
		return ChangeRequest{}, &accord.Error{Code: accord.Invalid, Message: "invalid decision",
			Fields: []accord.FieldError{{Field: "reason", Message: "required when the change is " + string(to)}}}
	}
	if err := checkNote("reason", reason); err != nil {
		return ChangeRequest{}, err
	}
	next, err := s.store.UpdateChangeRequest(ctx, svc.Revision(s.decided(cur, actor, to, reason), accord.RevisionTransitioned, reason))
	if err != nil {
		return ChangeRequest{}, err
	}
	s.pub.Publish(ctx, changeEvents[to], project, next.Ref(), actor, "change request %s %s by %s", id, to, actor.ID)
	return next, nil
}

// decided returns cur moved to state to, with the decision recorded.
func (s *Service) decided(cur ChangeRequest, actor accord.Actor, to ChangeState, reason string) ChangeRequest {
	next := cur.Clone()
	now := s.clock.Now()
	next.Decisions = append(next.Decisions, ChangeDecision{From: cur.State, To: to, Actor: actor.ID, Time: now, Reason: reason})
	next.State = to
	next.Stamp = cur.Stamp.Next(actor.ID, now)
	return next
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
	claimed := s.decided(cr, actor, ChangeApplied, "applied as revision of "+r.Key)
	claimed.AppliedAs = r.Revision + 1
	claimed, err = s.store.UpdateChangeRequest(ctx, svc.Revision(claimed, accord.RevisionTransitioned, "applying"))
	if err != nil {
		return Requirement{}, ChangeRequest{}, err
	}
	next, err := s.save(ctx, r, actor, ChangeRequestApplied, "applied change request "+id+": "+cr.Reason, func(n *Requirement) {
		n.Content = cr.Proposed // cr is our own copy; the store copies it in
		n.Status = InReview
	})
	if err != nil {
		released := cr.Clone()
		released.Stamp = claimed.Stamp.Next(actor.ID, s.clock.Now())
		if _, rerr := s.store.UpdateChangeRequest(ctx, svc.Revision(released, accord.RevisionTransitioned, "released: "+err.Error())); rerr != nil {
			return Requirement{}, ChangeRequest{}, accord.Errorf(accord.Internal,
				"applying change request %s failed (%v) and releasing it failed too: %w", id, err, rerr)
		}
		return Requirement{}, ChangeRequest{}, err
	}
	s.pub.Publish(ctx, EventChangeApplied, project, claimed.Ref(), actor,
		"change request to %s %q applied by %s: %s (revision %d); %s is back in review", r.Key, next.Title, actor.ID, diff.Describe(diff.Paths(Diff(r, next))), next.Revision, r.Key)
	return next, claimed, nil
}
