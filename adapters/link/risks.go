package link

import (
	"context"
	"fmt"
	"slices"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
)

// ReviewRisks files the risks raised in a review's feasibility assessments
// in the risk register, each once: its source is the review and the risk's
// ID there, so filing again finds it instead of duplicating it. It returns
// the register entries, new or found. The context must carry the actor who
// files them (the assessor, when called from FileRisks).
func ReviewRisks(ctx context.Context, risks *risk.Service, store risk.Store, rv review.Review) ([]risk.Risk, error) {
	var out []risk.Risk
	for _, raised := range rv.Risks() {
		src := risk.Source{Kind: risk.SourceReview, Ref: rv.Ref(), Item: raised.ID}
		if r, err := store.FindRiskBySource(ctx, rv.Project, src); err == nil {
			out = append(out, r)
			continue
		}
		cause := raised.Description
		if cause == "" {
			cause = fmt.Sprintf("engineering's feasibility assessment in %s of %s", rv.Key, rv.Title)
		}
		r, err := risks.Create(ctx, rv.Project, risk.NewRisk{Title: raised.Title, Cause: cause, Event: raised.Title,
			Effect: "endanger the delivery of " + rv.Title, Category: string(raised.Category), Source: &src,
			Links: []accord.Ref{rv.Subject, rv.Ref()}, Note: "raised in " + rv.Key})
		if accord.ErrorCode(err) == accord.Conflict { // filed meanwhile by another instance
			if r, err = store.FindRiskBySource(ctx, rv.Project, src); err == nil {
				out = append(out, r)
				continue
			}
		}
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// FileRisks returns an event sink that files the risks of a review in the
// register whenever someone assesses it, then passes every event on to
// next (which may be nil). Give it to the review service as its Events. A
// filing that fails is passed on as an EventRiskFilingFailed event; the
// next assessment, or ReviewRisks, files what is missing. New runs the
// same as its "risk filing" subscriber.
func FileRisks(reviews review.Store, risks *risk.Service, store risk.Store, next accord.EventSink) accord.EventSink {
	return chained(next, riskFiling(reviews, risks, store))
}

// riskFiling files the risks of an assessed review.
func riskFiling(reviews review.Store, risks *risk.Service, store risk.Store) step {
	return func(ctx context.Context, e accord.Event, fail func(accord.Event)) {
		if e.Kind != review.EventAssessed {
			return
		}
		rv, err := reviews.GetReview(ctx, e.Project, e.Ref.ID)
		if err == nil {
			_, err = ReviewRisks(ctx, risks, store, rv)
		}
		if err != nil {
			fail(accord.Event{Kind: EventRiskFilingFailed, Project: e.Project, Ref: e.Ref, Actor: e.Actor, Time: e.Time,
				Summary: fmt.Sprintf("the risks of %s could not be filed in the register: %v", e.Ref, err)})
		}
	}
}

// EventRiskFilingFailed is published when the risks of a review could not
// be filed in the register.
const EventRiskFilingFailed = "risk.filing_failed"

// Register implements review.Register over a risk store: a review's
// summary names the register key of each risk it raised.
type Register struct{ Store risk.Store }

// RiskKey implements review.Register.
func (r Register) RiskKey(ctx context.Context, project string, rv accord.Ref, riskID string) (string, bool) {
	found, err := r.Store.FindRiskBySource(ctx, project, risk.Source{Kind: risk.SourceReview, Ref: rv, Item: riskID})
	return found.Key, err == nil
}

// RiskSubject reads risks for reviews of their response plans (review
// kind risk_response). A risk may be named by its key (RISK-2). Changes
// are the field-level diff of two revisions, status and review bookkeeping
// excluded.
type RiskSubject struct{ Store risk.Store }

func (s RiskSubject) get(ctx context.Context, project, id string) (risk.Risk, error) {
	return svc.Lookup(ctx, project, id, risk.KeyPrefix, func(ctx context.Context, project, id string) (risk.Risk, error) {
		return shared(ctx, id, func() (risk.Risk, error) { return s.Store.GetRisk(ctx, project, id) })
	}, s.Store.GetRiskByKey)
}

// Subject implements review.Subjects.
func (s RiskSubject) Subject(ctx context.Context, project string, ref accord.Ref) (review.SubjectInfo, error) {
	r, err := s.get(ctx, project, ref.ID)
	if err != nil {
		return review.SubjectInfo{}, err
	}
	return review.SubjectInfo{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}, nil
}

// Changes implements review.Subjects.
func (s RiskSubject) Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, bool, error) {
	paths, known, err := contentChanges(from, to, risk.Diff, revisionOrShared(ctx, ref.ID, func(r risk.Risk) int { return r.Revision },
		func(n int) (accord.Revision[risk.Risk], error) {
			return s.Store.GetRiskRevision(ctx, project, ref.ID, n)
		}))
	// Being reviewed is bookkeeping, not content.
	return slices.DeleteFunc(paths, func(p string) bool {
		return p == "reviewed_at" || p == "reviewed_by" || p == "due_notified"
	}), known, err
}
