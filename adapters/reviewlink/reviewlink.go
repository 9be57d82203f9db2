// Package reviewlink wires reviews into the requirement and contract
// lifecycles. The domain packages do not import each other: requirement and
// contract declare a TransitionGate, review declares Subjects, and this
// package implements them with each other's services and stores.
//
// With the wiring in place:
//   - a requirement moves to approved only when its current revision has an
//     approved requirement review, and to accepted only with an approved
//     acceptance review;
//   - a contract version becomes agreed only with an approved contract
//     review;
//   - a new revision of a reviewed subject (an edit, an applied change
//     request) supersedes the review's open round and opens the next one.
//
// New builds the three services wired together; the pieces (Subjects,
// RequirementGate, ContractGate, Follow) are exported for platforms that
// build their services themselves.
package reviewlink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// Subjects implements review.Subjects over the requirement and contract
// stores. It reads stores rather than services so that it can be built
// before the services whose gates need the review service.
type Subjects struct {
	Requirements requirement.Store // subjects "requirement" and "change_request"
	Contracts    contract.Store    // subject "contract_version" (ID "<contract id>@<version>")
}

var _ review.Subjects = Subjects{}

func (s Subjects) requirement(ctx context.Context, project, id string) (requirement.Requirement, error) {
	if s.Requirements == nil {
		return requirement.Requirement{}, accord.Errorf(accord.Unimplemented, "reviewlink.Subjects has no requirement store")
	}
	if requirement.IsKey(id) {
		return s.Requirements.GetRequirementByKey(ctx, project, id)
	}
	return s.Requirements.GetRequirement(ctx, project, id)
}

func (s Subjects) version(ctx context.Context, project, ref string) (contract.Version, error) {
	if s.Contracts == nil {
		return contract.Version{}, accord.Errorf(accord.Unimplemented, "reviewlink.Subjects has no contract store")
	}
	i := strings.LastIndexByte(ref, '@')
	if i <= 0 || i == len(ref)-1 {
		return contract.Version{}, &accord.Error{Code: accord.Invalid, Message: "invalid subject",
			Fields: []accord.FieldError{{Field: "subject.id", Message: fmt.Sprintf("%q must be <contract id>@<version>, such as 01J…@1.2.0", ref)}}}
	}
	return s.Contracts.GetVersion(ctx, project, ref[:i], ref[i+1:])
}

// Subject implements review.Subjects. A requirement may be named by its key
// (REQ-7); the returned Ref is always by ID.
func (s Subjects) Subject(ctx context.Context, project string, ref accord.Ref) (review.SubjectInfo, error) {
	switch ref.Kind {
	case "requirement":
		r, err := s.requirement(ctx, project, ref.ID)
		if err != nil {
			return review.SubjectInfo{}, err
		}
		info := review.SubjectInfo{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}
		for _, c := range r.Acceptance {
			info.Criteria = append(info.Criteria, review.Criterion{ID: c.ID, Text: c.Text})
		}
		return info, nil
	case "change_request":
		if s.Requirements == nil {
			return review.SubjectInfo{}, accord.Errorf(accord.Unimplemented, "reviewlink.Subjects has no requirement store")
		}
		cr, err := s.Requirements.GetChangeRequest(ctx, project, ref.ID)
		if err != nil {
			return review.SubjectInfo{}, err
		}
		r, err := s.Requirements.GetRequirement(ctx, project, cr.RequirementID)
		if err != nil {
			return review.SubjectInfo{}, err
		}
		return review.SubjectInfo{Ref: ref, Revision: cr.Revision, Title: "change to " + r.Key + ": " + cr.Reason}, nil
	case "contract_version":
		v, err := s.version(ctx, project, ref.ID)
		if err != nil {
			return review.SubjectInfo{}, err
		}
		spec, err := json.Marshal(v.Spec)
		if err != nil {
			return review.SubjectInfo{}, accord.Errorf(accord.Internal, "fingerprinting %s: %w", ref, err)
		}
		sum := sha256.Sum256(spec)
		return review.SubjectInfo{Ref: v.Ref(), Revision: v.Revision, Title: v.Spec.Service + " " + v.Version,
			Fingerprint: hex.EncodeToString(sum[:])}, nil
	}
	return review.SubjectInfo{}, &accord.Error{Code: accord.Invalid, Message: "invalid subject",
		Fields: []accord.FieldError{{Field: "subject.kind", Message: fmt.Sprintf("%q is not a kind reviewlink knows; one of requirement, change_request, contract_version", ref.Kind)}}}
}

// Changes implements review.Subjects. Requirements are diffed field by
// field (status excluded). A change request's proposal never changes once
// made, so its revisions have no content changes. Contract drafts do not
// keep their earlier revisions, so their changes are unknown: a version
// whose spec fingerprint changed gets a new round with nothing carried over.
func (s Subjects) Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, bool, error) {
	switch ref.Kind {
	case "requirement":
		if s.Requirements == nil {
			return nil, false, accord.Errorf(accord.Unimplemented, "reviewlink.Subjects has no requirement store")
		}
		a, err := s.Requirements.GetRevision(ctx, project, ref.ID, from)
		if err != nil {
			return nil, false, err
		}
		b, err := s.Requirements.GetRevision(ctx, project, ref.ID, to)
		if err != nil {
			return nil, false, err
		}
		var paths []string
		for _, c := range requirement.Diff(a.Requirement, b.Requirement) {
			if c.Path != "status" {
				paths = append(paths, c.Path)
			}
		}
		return paths, true, nil
	case "change_request":
		return nil, true, nil
	}
	return nil, false, nil
}

// RequirementGate is the requirement.TransitionGate that asks for reviews:
// approved needs an approved requirement review of the current revision,
// accepted an approved acceptance review.
type RequirementGate struct{ Reviews *review.Service }

// CheckTransition implements requirement.TransitionGate.
func (g RequirementGate) CheckTransition(ctx context.Context, r requirement.Requirement, to requirement.Status) error {
	var kind review.Kind
	switch to {
	case requirement.Approved:
		kind = review.RequirementReview
	case requirement.Accepted:
		kind = review.AcceptanceReview
	default:
		return nil
	}
	return refused(r.Key, string(to), g.Reviews.Require(ctx, r.Project, kind, r.Ref(), r.Revision))
}

// ContractGate is the contract.TransitionGate that asks for reviews: a
// version becomes agreed only with an approved contract review of its
// current revision.
type ContractGate struct{ Reviews *review.Service }

// CheckTransition implements contract.TransitionGate.
func (g ContractGate) CheckTransition(ctx context.Context, v contract.Version, to contract.Status) error {
	if to != contract.Agreed {
		return nil
	}
	return refused(v.Spec.Service+" "+v.Version, string(to), g.Reviews.Require(ctx, v.Project, review.ContractReview, v.Ref(), v.Revision))
}

// refused prefixes a gate's refusal with what was refused, keeping the
// review's error as the cause.
func refused(what, to string, err error) error {
	var e *accord.Error
	if accord.ErrorCode(err) == accord.FailedPrecondition && errors.As(err, &e) {
		return &accord.Error{Code: accord.FailedPrecondition, Message: what + " cannot move to " + to + ": " + e.Message, Err: err}
	}
	return err
}

// Follow returns an event sink that syncs reviews when their subject gets a
// new revision, then passes every event on to next (which may be nil).
// Give it to the requirement and contract services as their Events.
// A sync that fails is passed on as a "review.sync_failed" event; the gates
// sync again before deciding, so nothing stale is ever approved.
func Follow(reviews *review.Service, subjects Subjects, next accord.EventSink) accord.EventSink {
	return accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		if next != nil {
			next.Publish(ctx, e)
		}
		if strings.HasSuffix(e.Kind, ".created") || strings.HasSuffix(e.Kind, ".deleted") || strings.HasSuffix(e.Kind, ".proposed") {
			return
		}
		var refs []accord.Ref
		switch e.Ref.Kind {
		case "requirement", "contract_version":
			refs = append(refs, e.Ref)
		case "change_request":
			refs = append(refs, e.Ref)
			if e.Kind == "change_request.applied" && subjects.Requirements != nil {
				if cr, err := subjects.Requirements.GetChangeRequest(ctx, e.Project, e.Ref.ID); err == nil {
					refs = append(refs, accord.Ref{Kind: "requirement", ID: cr.RequirementID})
				}
			}
		}
		for _, ref := range refs {
			if err := reviews.SubjectRevised(ctx, e.Project, ref); err != nil && next != nil {
				next.Publish(ctx, accord.Event{Kind: "review.sync_failed", Project: e.Project, Ref: ref, Actor: e.Actor, Time: e.Time,
					Summary: fmt.Sprintf("reviews of %s could not follow %s: %v", ref, e.Kind, err)})
			}
		}
	})
}

// Options configure New. The three stores are required.
type Options struct {
	RequirementStore requirement.Store
	ContractStore    contract.Store
	ReviewStore      review.Store
	Events           accord.EventSink // optional: receives every service's events
	Clock            accord.Clock     // optional
}

// Services are the requirement, contract and review services, wired.
type Services struct {
	Requirements *requirement.Service
	Contracts    *contract.Service
	Reviews      *review.Service
}

// New builds the three services with the review gates and round following
// in place.
func New(opts Options) (Services, error) {
	if opts.RequirementStore == nil || opts.ContractStore == nil || opts.ReviewStore == nil {
		return Services{}, accord.Errorf(accord.Invalid, "reviewlink.Options: the requirement, contract and review stores are required")
	}
	subjects := Subjects{Requirements: opts.RequirementStore, Contracts: opts.ContractStore}
	reviews, err := review.NewService(review.Options{Store: opts.ReviewStore, Subjects: subjects, Events: opts.Events, Clock: opts.Clock})
	if err != nil {
		return Services{}, err
	}
	follow := Follow(reviews, subjects, opts.Events)
	reqs, err := requirement.NewService(requirement.Options{Store: opts.RequirementStore, Events: follow, Clock: opts.Clock,
		Gate: RequirementGate{Reviews: reviews}})
	if err != nil {
		return Services{}, err
	}
	contracts, err := contract.NewService(contract.Options{Store: opts.ContractStore, Events: follow, Clock: opts.Clock,
		Gate: ContractGate{Reviews: reviews}})
	if err != nil {
		return Services{}, err
	}
	return Services{Requirements: reqs, Contracts: contracts, Reviews: reviews}, nil
}
