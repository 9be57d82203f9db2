package transfer

import (
	"context"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// lister reads one page of a project's records of a kind.
type lister[T any] func(ctx context.Context, q accord.PageQuery) (accord.Page[T], error)

// manyRevisions reads the revisions of many records at once, keyed by ID
// (adapters/sqlstore's …RevisionsOf: a query per 500 records).
type manyRevisions[T any] func(ctx context.Context, project string, ids []string) (map[string][]accord.Revision[T], error)

// kind is how Export and Write read one kind of a project's records:
// the lists, the order of live and deleted records, and the revisions.
type kind[T any] struct {
	what    string // for messages: "requirement"
	project string
	live    lister[T]
	deleted lister[T] // nil: the kind is never deleted
	// seq reads a record's key number: live and deleted records go by
	// it. nil: the kind has no key, and deleted records go first (see
	// withDeleted).
	seq  func(T) (int, bool)
	id   func(T) string
	many manyRevisions[T] // optional: else one per record
	one  func(ctx context.Context, project, id string) ([]accord.Revision[T], error)
	edit func(accord.Revision[T]) accord.Revision[T] // optional: what each revision becomes in the document
}

// of reads the revisions of records, in their order: with one call of
// many for all of them when the store has it, else one call of one per
// record. Errors: NotFound for a record with no revisions.
func (k kind[T]) of(ctx context.Context, records []T) ([][]accord.Revision[T], error) {
	out := make([][]accord.Revision[T], 0, len(records))
	var got map[string][]accord.Revision[T]
	if k.many != nil && len(records) > 0 {
		ids := make([]string, len(records))
		for i, r := range records {
			ids[i] = k.id(r)
		}
		var err error
		if got, err = k.many(ctx, k.project, ids); err != nil {
			return nil, err
		}
	}
	for _, r := range records {
		id := k.id(r)
		var revs []accord.Revision[T]
		if k.many != nil {
			var ok bool
			if revs, ok = got[id]; !ok {
				return nil, accord.Errorf(accord.NotFound, "no revisions of %s %q in project %q", k.what, id, k.project)
			}
		} else {
			var err error
			if revs, err = k.one(ctx, k.project, id); err != nil {
				return nil, err
			}
		}
		if k.edit != nil {
			edited := make([]accord.Revision[T], len(revs))
			for i, v := range revs {
				edited[i] = k.edit(v)
			}
			revs = edited
		}
		out = append(out, revs)
	}
	return out, nil
}

// kinds are the kinds of records a project's document holds, each as
// Export and Write read it.
type kinds struct {
	requirements   kind[requirement.Requirement]
	changeRequests kind[requirement.ChangeRequest] // listed apart: see changeRequests
	terms          kind[requirement.Term]          // listed apart: ListTerms is not paged
	reviews        kind[review.Review]
	risks          kind[risk.Risk]
	retros         kind[retro.Retro]
	iterations     kind[plan.Iteration]
	milestones     kind[plan.Milestone]
	questions      kind[plan.Question]
	links          kind[trace.Link]
	external       kind[external.Reference] // zero without s.External
}

// kindsOf describes the kinds of project key in s, whose stores needed
// has checked.
func kindsOf(s adapters.Stores, key string) kinds {
	reqs := s.Requirements
	k := kinds{
		requirements: kind[requirement.Requirement]{what: "requirement", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
				return reqs.ListRequirements(ctx, key, requirement.Filter{}, q)
			},
			deleted: func(ctx context.Context, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
				return reqs.ListDeletedRequirements(ctx, key, q)
			},
			seq: func(r requirement.Requirement) (int, bool) { return requirement.ParseKey(r.Key) },
			id:  func(r requirement.Requirement) string { return r.ID },
			one: reqs.ListRequirementRevisions},
		changeRequests: kind[requirement.ChangeRequest]{what: "change request", project: key,
			id: func(c requirement.ChangeRequest) string { return c.ID }, one: reqs.ListChangeRequestRevisions},
		terms: kind[requirement.Term]{what: "glossary term", project: key,
			deleted: func(ctx context.Context, q accord.PageQuery) (accord.Page[requirement.Term], error) {
				return reqs.ListDeletedTerms(ctx, key, q)
			},
			id: func(t requirement.Term) string { return t.ID }, one: reqs.ListTermRevisions},
		reviews: kind[review.Review]{what: "review", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[review.Review], error) {
				return s.Reviews.ListReviews(ctx, key, review.Filter{}, q)
			},
			deleted: func(ctx context.Context, q accord.PageQuery) (accord.Page[review.Review], error) {
				return s.Reviews.ListDeletedReviews(ctx, key, q)
			},
			seq: func(r review.Review) (int, bool) { return review.ParseKey(r.Key) },
			id:  func(r review.Review) string { return r.ID }, one: s.Reviews.ListReviewRevisions},
		risks: kind[risk.Risk]{what: "risk", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[risk.Risk], error) {
				return s.Risks.ListRisks(ctx, key, risk.Filter{}, q)
			},
			deleted: func(ctx context.Context, q accord.PageQuery) (accord.Page[risk.Risk], error) {
				return s.Risks.ListDeletedRisks(ctx, key, q)
			},
			seq: func(r risk.Risk) (int, bool) { return risk.ParseKey(r.Key) },
			id:  func(r risk.Risk) string { return r.ID }, one: s.Risks.ListRiskRevisions},
		retros: kind[retro.Retro]{what: "retrospective", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[retro.Retro], error) {
				return s.Retros.ListRetros(ctx, key, retro.Filter{}, q)
			},
			deleted: func(ctx context.Context, q accord.PageQuery) (accord.Page[retro.Retro], error) {
				return s.Retros.ListDeletedRetros(ctx, key, q)
			},
			seq: func(r retro.Retro) (int, bool) { return retro.ParseKey(r.Key) },
			id:  func(r retro.Retro) string { return r.ID }, one: s.Retros.ListRetroRevisions,
			// No per-person token leaves with an anonymous retrospective.
			edit: func(v accord.Revision[retro.Retro]) accord.Revision[retro.Retro] {
				v.Record = v.Record.Anonymized()
				return v
			}},
		iterations: kind[plan.Iteration]{what: "iteration", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[plan.Iteration], error) {
				return s.Plans.ListIterations(ctx, key, plan.IterationFilter{}, q)
			},
			id: func(i plan.Iteration) string { return i.ID }, one: s.Plans.ListIterationRevisions},
		milestones: kind[plan.Milestone]{what: "milestone", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[plan.Milestone], error) {
				return s.Plans.ListMilestones(ctx, key, q)
			},
			id: func(m plan.Milestone) string { return m.ID }, one: s.Plans.ListMilestoneRevisions},
		questions: kind[plan.Question]{what: "question", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[plan.Question], error) {
				return s.Plans.ListQuestions(ctx, key, plan.QuestionFilter{}, q)
			},
			id: func(q plan.Question) string { return q.ID }, one: s.Plans.ListQuestionRevisions},
		links: kind[trace.Link]{what: "link", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[trace.Link], error) {
				return s.Traces.ListLinks(ctx, key, trace.Filter{}, q)
			},
			deleted: func(ctx context.Context, q accord.PageQuery) (accord.Page[trace.Link], error) {
				return s.Traces.ListDeletedLinks(ctx, key, q)
			},
			id: func(l trace.Link) string { return l.ID }, one: s.Traces.ListLinkRevisions},
	}
	if b, ok := reqs.(interface {
		RequirementRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[requirement.Requirement], error)
	}); ok {
		k.requirements.many = b.RequirementRevisionsOf
	}
	if b, ok := reqs.(interface {
		ChangeRequestRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[requirement.ChangeRequest], error)
	}); ok {
		k.changeRequests.many = b.ChangeRequestRevisionsOf
	}
	if b, ok := reqs.(interface {
		TermRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[requirement.Term], error)
	}); ok {
		k.terms.many = b.TermRevisionsOf
	}
	if b, ok := s.Reviews.(interface {
		ReviewRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[review.Review], error)
	}); ok {
		k.reviews.many = b.ReviewRevisionsOf
	}
	if b, ok := s.Risks.(interface {
		RiskRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[risk.Risk], error)
	}); ok {
		k.risks.many = b.RiskRevisionsOf
	}
	if b, ok := s.Traces.(interface {
		LinkRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[trace.Link], error)
	}); ok {
		k.links.many = b.LinkRevisionsOf
	}
	if x := s.External; x != nil {
		k.external = kind[external.Reference]{what: "external reference", project: key,
			live: func(ctx context.Context, q accord.PageQuery) (accord.Page[external.Reference], error) {
				return x.ListReferences(ctx, key, external.Filter{}, q)
			},
			deleted: func(ctx context.Context, q accord.PageQuery) (accord.Page[external.Reference], error) {
				return x.ListDeletedReferences(ctx, key, q)
			},
			id: func(r external.Reference) string { return r.ID }, one: x.ListReferenceRevisions}
		if b, ok := x.(interface {
			ReferenceRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[external.Reference], error)
		}); ok {
			k.external.many = b.ReferenceRevisionsOf
		}
	}
	return k
}
