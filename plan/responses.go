package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// The kinds of the events of the responses to a slip.
const (
	EventItemMoved     = "plan.item_moved"
	EventReprioritised = "plan.reprioritised"
	EventScopeSwapped  = "plan.scope_swapped"
	EventTrimProposed  = "plan.trim_proposed"
)

// ChangeRequests opens the change request that trims a requirement's
// scope. proposed is the requirement's content after the trim, as the
// requirement domain writes it (JSON): the plan passes it on unread.
// adapters/link implements it over the requirement domain.
type ChangeRequests interface {
	ProposeTrim(ctx context.Context, project string, requirement accord.Ref, proposed json.RawMessage, reason string) (changeRequest accord.Ref, err error)
}

// TrimInput is the input of TrimScope: the scheduled requirement, its
// content after the trim, and why.
type TrimInput struct {
	Requirement accord.Ref      `json:"requirement"`
	Proposed    json.RawMessage `json:"proposed"` // the requirement's content after the trim
	Reason      string          `json:"reason"`
}

// TrimScope opens a change request that trims a requirement scheduled in
// the iteration, and records it with the item: who proposed the trim and
// why. The requirement changes only when the change request is decided
// and applied, as any change to an approved requirement.
// Errors: Unauthenticated, Invalid, NotFound, Unimplemented (no
// ChangeRequests), and those of the requirement domain.
func (s *Service) TrimScope(ctx context.Context, project, id string, in TrimInput) (Iteration, accord.Ref, error) {
	requirement, proposed, reason := in.Requirement, in.Proposed, in.Reason
	if err := svc.Bounded("proposed", map[string]any{"proposed": proposed}); err != nil {
		return Iteration{}, accord.Ref{}, err
	}
	var errs accord.FieldErrors
	requirement.Validate("requirement", &errs)
	if requirement.Kind != "" && requirement.Kind != "requirement" {
		errs.Add("requirement.kind", "only a requirement is trimmed by a change request, not %q", requirement.Kind)
	}
	if len(proposed) == 0 {
		errs.Add("proposed", "required: the requirement's content after the trim")
	}
	svc.CheckText(&errs, "reason", reason, svc.MaxText, true)
	if err := errs.Err("trim"); err != nil {
		return Iteration{}, accord.Ref{}, err
	}
	if s.changes == nil {
		return Iteration{}, accord.Ref{}, accord.Errorf(accord.Unimplemented, "this plan service has no change requests to open")
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, accord.Ref{}, err
	}
	requirement, err := s.canonical(ctx, project, requirement)
	if err != nil {
		return Iteration{}, accord.Ref{}, err
	}
	it, err := s.GetIteration(ctx, project, id)
	if err != nil {
		return Iteration{}, accord.Ref{}, err
	}
	if _, err := it.item(requirement); err != nil {
		return Iteration{}, accord.Ref{}, err
	}
	cr, err := s.changes.ProposeTrim(ctx, project, requirement, proposed, reason)
	if err != nil {
		return Iteration{}, accord.Ref{}, err
	}
	out, err := s.changeIteration(ctx, project, it.ID, 0, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		i, err := it.item(requirement)
		if err != nil {
			return "", "", "", err
		}
		c := cr
		it.Items[i].Trim = &c
		return accord.RevisionEdited, EventTrimProposed, fmt.Sprintf("%s: trim of %s proposed as %s by %s: %s", it.Key, requirement, cr, actor.ID, reason), nil
	})
	return out, cr, err
}

// MoveInput is the input of MoveItem: the item, the iteration it moves
// to (by ID or key) and why.
type MoveInput struct {
	Ref    accord.Ref `json:"ref"`
	To     string     `json:"to"`
	Reason string     `json:"reason"`
}

// MoveItem moves an item from one iteration to another, keeping its
// assignees, state and override; both iterations record who moved it and
// why. The target must be open. Errors: Unauthenticated, Invalid,
// NotFound, Conflict (the item is in the target already),
// FailedPrecondition (an iteration is closed).
func (s *Service) MoveItem(ctx context.Context, project, from string, in MoveInput) (Iteration, Iteration, error) {
	to, item, reason := in.To, in.Ref, in.Reason
	var errs accord.FieldErrors
	item.Validate("ref", &errs)
	svc.CheckText(&errs, "reason", reason, svc.MaxText, true)
	if err := errs.Err("move"); err != nil {
		return Iteration{}, Iteration{}, err
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, Iteration{}, err
	}
	item, err := s.canonical(ctx, project, item)
	if err != nil {
		return Iteration{}, Iteration{}, err
	}
	target, err := s.GetIteration(ctx, project, to)
	if err != nil {
		return Iteration{}, Iteration{}, err
	}
	if target.Status == Closed {
		return Iteration{}, Iteration{}, accord.Errorf(accord.FailedPrecondition, "iteration %s is closed", target.Key)
	}
	var moved Item
	source, err := s.changeIteration(ctx, project, from, 0, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		if it.ID == target.ID {
			return "", "", "", accord.Errorf(accord.Invalid, "%s is already in %s", item, it.Key)
		}
		i, err := it.item(item)
		if err != nil {
			return "", "", "", err
		}
		moved = it.Items[i]
		it.Items = slices.Delete(it.Items, i, i+1)
		return accord.RevisionEdited, EventItemMoved, fmt.Sprintf("%s: %s moved to %s by %s: %s", it.Key, item, target.Key, actor.ID, reason), nil
	})
	if err != nil {
		return Iteration{}, Iteration{}, err
	}
	dest, err := s.changeIteration(ctx, project, target.ID, 0, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		if it.has(item) {
			return "", "", "", accord.Errorf(accord.Conflict, "%s is already scheduled in %s", item, it.Key)
		}
		it.Items = append(it.Items, moved)
		summary := fmt.Sprintf("%s: %s moved in from %s by %s: %s", it.Key, item, source.Key, actor.ID, reason)
		if it.Status == Committed {
			it.Status, it.Commitment = Planning, nil
			summary += "; back to planning"
		}
		return accord.RevisionEdited, EventItemMoved, summary, nil
	})
	if err != nil {
		// Put it back where it was, so that a failed move loses nothing.
		if _, undo := s.changeIteration(ctx, project, source.ID, 0, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
			it.Items = append(it.Items, moved)
			return accord.RevisionEdited, EventItemMoved, fmt.Sprintf("%s: %s back: the move to %s failed", it.Key, item, target.Key), nil
		}); undo != nil {
			return Iteration{}, Iteration{}, fmt.Errorf("%w; and putting %s back in %s failed: %v", err, item, source.Key, undo)
		}
		return Iteration{}, Iteration{}, err
	}
	return source, dest, nil
}

// ReprioritiseInput is the input of Reprioritise: every item, the most
// important first, and why.
type ReprioritiseInput struct {
	Order  []accord.Ref `json:"order"`
	Reason string       `json:"reason"`
}

// Reprioritise puts an iteration's items in a new order, the most
// important first, at revision base; order must name every item once.
// Errors: Unauthenticated, Invalid, NotFound, Conflict, FailedPrecondition.
func (s *Service) Reprioritise(ctx context.Context, project, id string, base int, in ReprioritiseInput) (Iteration, error) {
	order, reason := in.Order, in.Reason
	if err := svc.Bounded("order", map[string]any{"order": order}); err != nil {
		return Iteration{}, err
	}
	var errs accord.FieldErrors
	for i, r := range order {
		r.Validate(fmt.Sprintf("order[%d]", i), &errs)
	}
	svc.CheckText(&errs, "reason", reason, svc.MaxText, true)
	if err := errs.Err("reprioritise"); err != nil {
		return Iteration{}, err
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, err
	}
	for i, r := range order {
		c, err := s.canonical(ctx, project, r)
		if err != nil {
			return Iteration{}, err
		}
		order[i] = c
	}
	return s.changeIteration(ctx, project, id, base, func(it *Iteration, actor accord.Actor, _ time.Time) (accord.RevisionKind, string, string, error) {
		if len(order) != len(it.Items) {
			return "", "", "", accord.Errorf(accord.Invalid, "the order names %d items; %s has %d", len(order), it.Key, len(it.Items))
		}
		next := make([]Item, 0, len(order))
		for _, r := range order {
			i, err := it.item(r)
			if err != nil || slices.ContainsFunc(next, func(x Item) bool { return x.Ref == r }) {
				return "", "", "", accord.Errorf(accord.Invalid, "the order must name each item of %s once; %s is not one or is twice", it.Key, r)
			}
			next = append(next, it.Items[i])
		}
		it.Items = next
		return accord.RevisionEdited, EventReprioritised, fmt.Sprintf("%s reprioritised by %s: %s", it.Key, actor.ID, reason), nil
	})
}

// SwapInput is the input of SwapScope: the item that goes out, the one
// scheduled in its place, and why.
type SwapInput struct {
	Out    accord.Ref    `json:"out"`
	In     ScheduleInput `json:"in"`
	Reason string        `json:"reason"`
}

// SwapScope takes one item out of an iteration and schedules another in
// its place, in one revision, at revision base: the trade a team makes to
// keep a date. Errors: those of Schedule and Unschedule.
func (s *Service) SwapScope(ctx context.Context, project, id string, base int, swap SwapInput) (Iteration, error) {
	out, in, reason := swap.Out, swap.In, swap.Reason
	var errs accord.FieldErrors
	out.Validate("out", &errs)
	svc.CheckText(&errs, "reason", reason, svc.MaxText, true)
	if err := errs.Err("swap"); err != nil {
		return Iteration{}, err
	}
	if err := in.Validate(); err != nil {
		return Iteration{}, err
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return Iteration{}, err
	}
	out, err := s.canonical(ctx, project, out)
	if err != nil {
		return Iteration{}, err
	}
	if in.Ref, err = s.canonical(ctx, project, in.Ref); err != nil {
		return Iteration{}, err
	}
	elsewhere, err := s.openIterationOf(ctx, project, in.Ref)
	if err != nil {
		return Iteration{}, err
	}
	return s.changeIteration(ctx, project, id, base, func(it *Iteration, actor accord.Actor, now time.Time) (accord.RevisionKind, string, string, error) {
		if elsewhere != nil && elsewhere.ID != it.ID {
			return "", "", "", accord.Errorf(accord.Conflict, "%s is already scheduled in %s: move it instead", in.Ref, elsewhere.Key)
		}
		i, err := it.item(out)
		if err != nil {
			return "", "", "", err
		}
		if it.has(in.Ref) {
			return "", "", "", accord.Errorf(accord.Conflict, "%s is already scheduled in %s", in.Ref, it.Key)
		}
		it.Items[i] = newItem(in, actor.ID, now)
		return accord.RevisionEdited, EventScopeSwapped, fmt.Sprintf("%s: %s swapped for %s by %s: %s", it.Key, out, in.Ref, actor.ID, reason), nil
	})
}
