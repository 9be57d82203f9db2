package requirement

import (
	"context"
	"fmt"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

func termRef(id string) accord.Ref { return accord.Ref{Kind: TermRefKind, ID: id} }

// CreateTerm adds a glossary term to the project as revision 1.
// Errors: Unauthenticated, Invalid (bad definition, or a word that clashes
// with another term), Conflict (the term exists).
func (s *Service) CreateTerm(ctx context.Context, project string, in TermInput) (Term, error) {
	d, note := in.TermDefinition, in.Note
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Term{}, err
	}
	if err := s.checkTerm(ctx, project, "", d); err != nil {
		return Term{}, err
	}
	if err := checkNote("note", note); err != nil {
		return Term{}, err
	}
	now := s.clock.Now()
	t := Term{ID: accord.NewID(now), Project: project, Stamp: accord.NewStamp(actor.ID, now)}
	d.apply(&t)
	t, err = s.store.CreateTerm(ctx, svc.Revision(t, accord.RevisionCreated, note))
	if err != nil {
		return Term{}, err
	}
	s.terms.Publish(ctx, project, t, actor, EventTermCreated, "glossary term %q added by %s", t.Term, actor.ID)
	return t, nil
}

func (d TermDefinition) apply(t *Term) {
	t.Term = strings.TrimSpace(d.Term)
	t.Definition = d.Definition
	t.Aliases = append([]string(nil), d.Aliases...)
	t.Forbidden = append([]string(nil), d.Forbidden...)
}

// checkTerm validates d and refuses words that another term of the project
// already claims: a forbidden synonym that is another term's name or alias
// would make lint contradict the glossary, and one forbidden word with two
// canonical terms leaves lint unable to suggest either. A name equal to
// another term's name is left to the store, which reports Conflict.
func (s *Service) checkTerm(ctx context.Context, project, id string, d TermDefinition) error {
	if err := d.Validate(); err != nil {
		return err
	}
	terms, err := s.store.ListTerms(ctx, project)
	if err != nil {
		return err
	}
	claimed := map[string]string{}
	for _, t := range terms {
		if t.ID == id {
			continue
		}
		claimed[strings.ToLower(t.Term)] = fmt.Sprintf("the term %q", t.Term)
		for _, a := range t.Aliases {
			claimed[strings.ToLower(a)] = fmt.Sprintf("an alias of %q", t.Term)
		}
		for _, f := range t.Forbidden {
			claimed[strings.ToLower(f)] = fmt.Sprintf("a forbidden synonym of %q", t.Term)
		}
	}
	var errs accord.FieldErrors
	for i, a := range d.Aliases {
		if by, ok := claimed[strings.ToLower(a)]; ok {
			errs.Add(fmt.Sprintf("aliases[%d]", i), "%q is already %s", a, by)
		}
	}
	for i, f := range d.Forbidden {
		if by, ok := claimed[strings.ToLower(f)]; ok {
			errs.Add(fmt.Sprintf("forbidden[%d]", i), "%q is already %s", f, by)
		}
	}
	if by, ok := claimed[strings.ToLower(strings.TrimSpace(d.Term))]; ok && !strings.HasPrefix(by, "the term") {
		errs.Add("term", "%q is already %s", d.Term, by)
	}
	return errs.Err("glossary term")
}

// GetTerm returns a glossary term.
// Errors: Invalid (bad project), NotFound.
func (s *Service) GetTerm(ctx context.Context, project, id string) (Term, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Term{}, err
	}
	return s.store.GetTerm(ctx, project, id)
}

// ListTerms returns one page of the project's glossary, sorted by term
// (letter case aside).
// Errors: Invalid (bad project, page size outside 1–500, malformed token).
func (s *Service) ListTerms(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Term], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Term]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Term]{}, err
	}
	terms, err := s.store.ListTerms(ctx, project)
	if err != nil {
		return accord.Page[Term]{}, err
	}
	return svc.PageAfter("term", terms, q, func(t Term) string { return strings.ToLower(t.Term) + "\x00" + t.ID })
}

// ListDeletedTerms returns one page of the project's deleted glossary terms, in
// creation order, each as its tombstone: Deleted says who deleted it,
// when and why; RestoreTerm brings one back within
// accord.RetentionWindow. Members may read it, as they read a deleted
// record's history.
// Errors: Unauthenticated, Invalid (bad project, page size outside 1–500,
// malformed token), NotFound (not a member).
func (s *Service) ListDeletedTerms(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Term], error) {
	return svc.ListDeleted(ctx, s.guard, project, q, s.store.ListDeletedTerms)
}

// UpdateTerm replaces a term's definition, making revision base+1;
// in.Note lands in the revision.
// Errors: Unauthenticated, Invalid, NotFound, Conflict (stale base, or
// renamed onto another term).
func (s *Service) UpdateTerm(ctx context.Context, project, id string, base int, in TermInput) (Term, error) {
	if err := checkNote("note", in.Note); err != nil {
		return Term{}, err
	}
	return s.terms.Run(ctx, svc.Change[Term]{Project: project, Ref: id, Base: base, RequireBase: true,
		Edit: func(t *Term, c *svc.Cmd) error {
			if err := s.checkTerm(ctx, project, id, in.TermDefinition); err != nil {
				return err
			}
			in.TermDefinition.apply(t)
			c.Note = in.Note
			return nil
		},
		Stored: func(next Term, c *svc.Cmd) {
			c.Event(EventTermUpdated, "glossary term %q updated to revision %d by %s", next.Term, next.Revision, c.Actor.ID)
		}})
}

// DeleteTerm deletes a glossary term for reason (may be empty): it
// leaves a tombstone revision and leaves the glossary, its name free
// again; TermHistory still answers, and RestoreTerm brings it back within
// accord.RetentionWindow.
// Errors: Unauthenticated, Invalid (bad project, reason too long),
// NotFound, PermissionDenied, Conflict (changed meanwhile).
func (s *Service) DeleteTerm(ctx context.Context, project, id, reason string) error {
	return s.terms.Delete(ctx, project, id, reason, func(Term) bool { return true }, EventTermDeleted)
}

// RestoreTerm brings back a deleted glossary term as a new revision, for
// reason: within accord.RetentionWindow, with accord.PermRecordRestore.
// Errors: Unauthenticated, Invalid, NotFound, PermissionDenied,
// FailedPrecondition (not deleted, or the window has passed), Conflict
// (its name was taken meanwhile).
func (s *Service) RestoreTerm(ctx context.Context, project, id, reason string) (Term, error) {
	return s.terms.Restore(ctx, project, id, reason, EventTermRestored)
}

// TermHistory returns every revision of a glossary term, oldest first.
// Errors: Invalid (bad project), NotFound.
func (s *Service) TermHistory(ctx context.Context, project, id string) ([]accord.Revision[Term], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListTermRevisions(ctx, project, id)
}
