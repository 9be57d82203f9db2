// Package link is where accord's domains are wired together. The domain
// packages never import each other: requirement and contract declare a
// TransitionGate, review declares Subjects, and this package implements them
// with each other's services and stores. Reviewable records are found
// through a registry keyed by accord.Ref kind (Subjects), so a new kind of
// subject is one entry.
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
// New builds the services wired together, and the event pipeline every
// one of them publishes to: an ordered list of named subscribers
// (Services.Subscribers) that run after each event, synchronously, inside
// the writer's unit of work when it has one:
//
//  1. outbox: Options.Events, the embedder's sink (durable delivery to
//     webhooks and watches in the reference server);
//  2. traceability: the links the changed record declares, and the links
//     to it turned suspect when its content changed (with Stores.Traces);
//  3. review rounds: a new revision of a reviewed record opens the next
//     round of its reviews;
//  4. risk filing: the risks an assessment raised go into the register
//     (with Stores.Risks).
//
// The subscribers of one event share one read of the record it names. The
// pieces (Subjects, RequirementGate, ContractGate, Follow, Trace,
// FileRisks) are exported for platforms that build their services
// themselves.
package link

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/diff"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// Subjects is the registry of what can be reviewed: for each accord.Ref
// kind, the review.Subjects that reads that kind of record. It implements
// review.Subjects by dispatching on the ref's kind, so reviewing a new kind
// of record (a risk, a retro action) is one more entry.
type Subjects map[string]review.Subjects

var _ review.Subjects = Subjects{}

// NewSubjects returns the registry of the built-in subjects: requirements
// and change requests over reqs, contract versions over contracts. Either
// store may be nil; its kinds are then left out. Add risks (whose response
// plans are reviewed) with s[risk.RefKind] = RiskSubject{…}.
func NewSubjects(reqs requirement.Store, contracts contract.Store) Subjects {
	s := Subjects{}
	if reqs != nil {
		s[requirement.RefKind] = RequirementSubject{reqs}
		s[requirement.ChangeRequestRefKind] = ChangeRequestSubject{reqs}
	}
	if contracts != nil {
		s[contract.VersionRefKind] = ContractVersionSubject{contracts}
	}
	return s
}

func (s Subjects) lookup(kind string) (review.Subjects, error) {
	if sub, ok := s[kind]; ok {
		return sub, nil
	}
	known := slices.Sorted(maps.Keys(s))
	return nil, accord.InvalidField("subject", "subject.kind", "%q cannot be reviewed here; one of %s", kind, strings.Join(known, ", "))
}

// Subject implements review.Subjects.
func (s Subjects) Subject(ctx context.Context, project string, ref accord.Ref) (review.SubjectInfo, error) {
	sub, err := s.lookup(ref.Kind)
	if err != nil {
		return review.SubjectInfo{}, err
	}
	return sub.Subject(ctx, project, ref)
}

// Changes implements review.Subjects.
func (s Subjects) Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, bool, error) {
	sub, err := s.lookup(ref.Kind)
	if err != nil {
		return nil, false, err
	}
	return sub.Changes(ctx, project, ref, from, to)
}

// RequirementSubject reads requirements for reviews. A requirement may be
// named by its key (REQ-7); the returned Ref is always by ID. Changes are
// the field-level diff of the two revisions, status excluded.
type RequirementSubject struct{ Store requirement.Store }

func (s RequirementSubject) get(ctx context.Context, project, id string) (requirement.Requirement, error) {
	return svc.Lookup(ctx, project, id, requirement.KeyPrefix, func(ctx context.Context, project, id string) (requirement.Requirement, error) {
		return shared(ctx, id, func() (requirement.Requirement, error) { return s.Store.GetRequirement(ctx, project, id) })
	}, s.Store.GetRequirementByKey)
}

// Subject implements review.Subjects.
func (s RequirementSubject) Subject(ctx context.Context, project string, ref accord.Ref) (review.SubjectInfo, error) {
	r, err := s.get(ctx, project, ref.ID)
	if err != nil {
		return review.SubjectInfo{}, err
	}
	info := review.SubjectInfo{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}
	for _, c := range r.Acceptance {
		info.Criteria = append(info.Criteria, review.Criterion{ID: c.ID, Text: c.Text})
	}
	return info, nil
}

// Changes implements review.Subjects.
func (s RequirementSubject) Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, bool, error) {
	return contentChanges(from, to, requirement.Diff, revisionOrShared(ctx, ref.ID, func(r requirement.Requirement) int { return r.Revision },
		func(n int) (accord.Revision[requirement.Requirement], error) {
			return s.Store.GetRequirementRevision(ctx, project, ref.ID, n)
		}))
}

// revisionOrShared reads revision n of the record id names with read,
// unless a subscriber of the event being handled read it already
// (sharedRevision).
func revisionOrShared[T any](ctx context.Context, id string, revisionOf func(T) int, read func(n int) (accord.Revision[T], error)) func(n int) (T, error) {
	return func(n int) (T, error) {
		return sharedRevision(ctx, id, n, revisionOf, func() (T, error) {
			r, err := read(n)
			return r.Record, err
		})
	}
}

// contentChanges lists the fields that differ between revisions from and
// to, read with revision; status is bookkeeping, not content.
func contentChanges[T any](from, to int, compare func(a, b T) []accord.FieldChange, revision func(n int) (T, error)) ([]string, bool, error) {
	a, err := revision(from)
	if err != nil {
		return nil, false, err
	}
	b, err := revision(to)
	if err != nil {
		return nil, false, err
	}
	return diff.Paths(compare(a, b), "status"), true, nil
}

// ChangeRequestSubject reads change requests for reviews. A proposal never
// changes once made, so its revisions have no content changes.
type ChangeRequestSubject struct{ Store requirement.Store }

// Subject implements review.Subjects.
func (s ChangeRequestSubject) Subject(ctx context.Context, project string, ref accord.Ref) (review.SubjectInfo, error) {
	cr, err := s.Store.GetChangeRequest(ctx, project, ref.ID)
	if err != nil {
		return review.SubjectInfo{}, err
	}
	r, err := s.Store.GetRequirement(ctx, project, cr.RequirementID)
	if err != nil {
		return review.SubjectInfo{}, err
	}
	return review.SubjectInfo{Ref: ref, Revision: cr.Revision, Title: "change to " + r.Key + ": " + cr.Reason}, nil
}

// Changes implements review.Subjects.
func (ChangeRequestSubject) Changes(context.Context, string, accord.Ref, int, int) ([]string, bool, error) {
	return nil, true, nil
}

// ContractVersionSubject reads contract versions for reviews (ID
// "<contract id>@<version>"). Changes are the field-level diff of the two
// revisions of the version, status excluded.
type ContractVersionSubject struct{ Store contract.Store }

func (s ContractVersionSubject) split(ref string) (string, string, error) {
	i := strings.LastIndexByte(ref, '@')
	if i <= 0 || i == len(ref)-1 {
		return "", "", accord.InvalidField("subject", "subject.id", "%q must be <contract id>@<version>, such as 01J…@1.2.0", ref)
	}
	return ref[:i], ref[i+1:], nil
}

// Subject implements review.Subjects.
func (s ContractVersionSubject) Subject(ctx context.Context, project string, ref accord.Ref) (review.SubjectInfo, error) {
	id, version, err := s.split(ref.ID)
	if err != nil {
		return review.SubjectInfo{}, err
	}
	v, err := shared(ctx, ref.ID, func() (contract.Version, error) { return s.Store.GetVersion(ctx, project, id, version) })
	if err != nil {
		return review.SubjectInfo{}, err
	}
	spec, err := json.Marshal(v.Spec)
	if err != nil {
		return review.SubjectInfo{}, accord.Errorf(accord.Internal, "fingerprinting %s: %w", ref, err)
	}
	sum := sha256.Sum256(spec)
	return review.SubjectInfo{Ref: v.Ref(), Revision: v.Revision, Title: v.Spec.Service + " " + v.Version,
		Fingerprint: hex.EncodeToString(sum[:]), Notes: compatibilityNotes(v)}, nil
}

// compatibilityNotes lists, for the review, the breaking changes proposing
// found against the agreed version, who acknowledged them, and whose
// approval they need.
func compatibilityNotes(v contract.Version) []string {
	c := v.Compatibility
	if c == nil || c.Breaking == 0 {
		return nil
	}
	notes := []string{fmt.Sprintf("%d breaking change(s) against %s, the agreed version its callers use:", c.Breaking, c.Base)}
	for _, ch := range contract.BreakingChanges(c.Changes) {
		where := ch.Operation
		if where == "" {
			where = ch.Location
		}
		notes = append(notes, fmt.Sprintf("breaking: %s, %s: %s", where, ch.ID, ch.Message))
	}
	if a := v.Acknowledged; a != nil {
		notes = append(notes, fmt.Sprintf("acknowledged by %s on %s: %s", a.By, a.Time.Format("2006-01-02"), a.Note))
	}
	if len(c.Approvers) > 0 {
		notes = append(notes, "the project's policy asks for an approval from: "+strings.Join(c.Approvers, ", "))
	}
	return notes
}

// Changes implements review.Subjects.
func (s ContractVersionSubject) Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, bool, error) {
	id, version, err := s.split(ref.ID)
	if err != nil {
		return nil, false, err
	}
	return contentChanges(from, to, contract.Diff, revisionOrShared(ctx, ref.ID, func(v contract.Version) int { return v.Revision },
		func(n int) (accord.Revision[contract.Version], error) {
			return s.Store.GetVersionRevision(ctx, project, id, version, n)
		}))
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
	what := v.Spec.Service + " " + v.Version
	if err := g.Reviews.Require(ctx, v.Project, review.ContractReview, v.Ref(), v.Revision); err != nil {
		return refused(what, string(to), err)
	}
	if v.Compatibility == nil || v.Compatibility.Breaking == 0 || len(v.Compatibility.Approvers) == 0 {
		return nil
	}
	// Breaking changes need the approval of the roles the policy names,
	// in the round that covers this revision.
	rv, err := g.Reviews.Find(ctx, v.Project, review.ContractReview, v.Ref())
	if err != nil {
		return err
	}
	approved := map[string]bool{}
	if round := rv.Current(); round != nil {
		latest := map[string]review.Decision{}
		for _, vd := range round.Verdicts {
			latest[vd.Actor] = vd.Decision
		}
		for actor, d := range latest {
			if p, ok := rv.Participant(actor); ok && d == review.Approve {
				approved[p.Role] = true
			}
		}
	}
	var missing []string
	for _, role := range v.Compatibility.Approvers {
		if !approved[role] {
			missing = append(missing, role)
		}
	}
	if len(missing) > 0 {
		return accord.Errorf(accord.FailedPrecondition, "%s cannot move to %s: it has %d breaking change(s) against %s, which the project's policy says %s must approve in review %s; no approval from %s yet",
			what, to, v.Compatibility.Breaking, v.Compatibility.Base, strings.Join(v.Compatibility.Approvers, ", "), rv.Key, strings.Join(missing, ", "))
	}
	return nil
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

// revisingEvents maps the kinds of the events that give a reviewable
// record a new revision to the refs whose reviews must follow.
var revisingEvents = map[string]func(ctx context.Context, reqs requirement.Store, e accord.Event) []accord.Ref{
	requirement.EventUpdated:        self,
	requirement.EventTransitioned:   self,
	requirement.EventChangeApproved: self, requirement.EventChangeRejected: self, requirement.EventChangeWithdrawn: self,
	requirement.EventChangeApplied: func(ctx context.Context, reqs requirement.Store, e accord.Event) []accord.Ref {
		refs := []accord.Ref{e.Ref}
		if reqs != nil {
			if cr, err := reqs.GetChangeRequest(ctx, e.Project, e.Ref.ID); err == nil {
				refs = append(refs, accord.Ref{Kind: requirement.RefKind, ID: cr.RequirementID})
			}
		}
		return refs
	},
	contract.EventVersionUpdated:      self,
	contract.EventVersionTransitioned: self,
	risk.EventUpdated:                 self,
	risk.EventTransitioned:            self,
	risk.EventAssessed:                self,
	risk.EventResponded:               self,
	risk.EventActionChanged:           self,
	risk.EventAccepted:                self,
}

func self(_ context.Context, _ requirement.Store, e accord.Event) []accord.Ref {
	return []accord.Ref{e.Ref}
}

// EventSyncFailed is published when reviews could not follow a new
// revision of their subject; the gates sync again before deciding.
const EventSyncFailed = "review.sync_failed"

// Follow returns an event sink that syncs reviews when their subject gets a
// new revision, then passes every event on to next (which may be nil).
// Give it to the requirement and contract services as their Events.
// reqs (may be nil) finds the requirement of an applied change request.
// A sync that fails is passed on as an EventSyncFailed event; the gates
// sync again before deciding, so nothing stale is ever approved. New runs
// the same as its "review rounds" subscriber.
func Follow(reviews *review.Service, reqs requirement.Store, next accord.EventSink) accord.EventSink {
	return chained(next, reviewRounds(reviews, reqs))
}

// reviewRounds syncs the reviews of each record an event gives a new
// revision (revisingEvents).
func reviewRounds(reviews *review.Service, reqs requirement.Store) step {
	return func(ctx context.Context, e accord.Event, fail func(accord.Event)) {
		refsOf, ok := revisingEvents[e.Kind]
		if !ok {
			return
		}
		for _, ref := range refsOf(ctx, reqs, e) {
			if err := reviews.SubjectRevised(ctx, e.Project, ref); err != nil {
				fail(accord.Event{Kind: EventSyncFailed, Project: e.Project, Ref: ref, Actor: e.Actor, Time: e.Time,
					Summary: fmt.Sprintf("reviews of %s could not follow %s: %v", ref, e.Kind, err)})
			}
		}
	}
}

// Options configure New.
type Options struct {
	// Stores: Requirements, Contracts and Reviews are required. Optional:
	// Risks (a risk register, fed by the reviews' assessments), Retros
	// (retrospectives, whose items and actions can be promoted), Plans
	// (plans, with effort and standing from the other domains) and Traces
	// (typed links between the records, which turn suspect when their
	// target changes). Projects, Webhooks and Watches are not used here.
	adapters.Stores
	Subjects Subjects         // optional: more kinds of record to review, by ref kind
	Events   accord.EventSink // optional: receives every service's events
	Clock    accord.Clock     // optional
	// Authorizer (optional) is given to every service: it says who may do
	// what in each project (project.Service is the one accord ships).
	// Without it, callers hold the roles their accord.Actor carries.
	Authorizer accord.Authorizer
}

// Services are the services of the domains New wires: requirements,
// contracts and reviews always, the others with their stores.
type Services struct {
	Requirements *requirement.Service
	Contracts    *contract.Service
	Reviews      *review.Service
	Risks        *risk.Service  // with Options.Risks
	Retros       *retro.Service // with Options.Retros
	Plans        *plan.Service  // with Options.Plans
	Traces       *trace.Service // with Options.Traces
	Records      Records        // what links can point at, over the stores given

	subscribers []Subscriber
}

// The subscribers' documentation, as Services.Subscribers gives it.
const (
	outboxDoc = "Options.Events, the embedder's sink (the reference server's outbox, which feeds webhooks and watches): " +
		"gets every event first, with the items that stand for its record in other systems (Event.External, read from Stores.External); " +
		"on SQL the outbox writes it inside the writer's unit of work, so it commits with the change."
	traceabilityDoc = "Reads the changed record (once, shared with the subscribers after it), the records it concerns and the links from and to them; " +
		"writes the links it declares and marks the links to it suspect when its content changed. Inside the writer's unit of work; " +
		"a failure is published as trace.sync_failed and Traces.Recheck catches up."
	reviewRoundsDoc = "On a new revision of a reviewed record (requirement, change request, contract version, risk): reads its reviews, " +
		"the record (shared) and the revision the open round covers; writes each review whose subject's content changed " +
		"(the open round is superseded, the next opens). Inside the writer's unit of work; a failure is published as review.sync_failed " +
		"and the gates sync again before deciding."
	riskFilingDoc = "On review.assessed: reads the review and the register; files each risk the assessment raised that the register " +
		"does not hold yet. Inside the writer's unit of work; a failure is published as risk.filing_failed and the next assessment files what is missing."
)

// Subscribers returns the event pipeline's subscribers in the order they
// run (see Subscriber): outbox (with Options.Events), traceability (with
// Options.Traces), review rounds, risk filing (with Options.Risks). Plans
// subscribe to nothing: they read effort and standing when asked.
func (s Services) Subscribers() []Subscriber {
	return slices.Clone(s.subscribers)
}

// New builds the services with the review gates, the round following and
// the rest of the event pipeline in place.
func New(opts Options) (Services, error) {
	var missing []string
	for _, st := range []struct {
		name  string
		store any
	}{{"Stores.Requirements", opts.Requirements}, {"Stores.Contracts", opts.Contracts}, {"Stores.Reviews", opts.Reviews}} {
		if st.store == nil {
			missing = append(missing, st.name)
		}
	}
	if len(missing) > 0 {
		return Services{}, accord.Errorf(accord.Invalid, "link.Options: %s required (the requirement, contract and review stores are)", strings.Join(missing, ", "))
	}
	subjects := NewSubjects(opts.Requirements, opts.Contracts)
	for kind, sub := range opts.Subjects {
		subjects[kind] = sub
	}
	records := NewRecords(opts.Stores)
	// Every service publishes to the pipeline; its subscribers are set
	// below, once the services they call exist.
	events := &pipeline{outbox: opts.Events}
	var traces *trace.Service
	if opts.Traces != nil {
		var err error
		if traces, err = trace.NewService(trace.Options{Authorizer: opts.Authorizer, Store: opts.Traces, Targets: records, Events: events, Clock: opts.Clock}); err != nil {
			return Services{}, err
		}
	}
	var risks *risk.Service
	var register review.Register
	if opts.Risks != nil {
		var err error
		if risks, err = risk.NewService(risk.Options{Authorizer: opts.Authorizer, Store: opts.Risks, Events: events, Clock: opts.Clock}); err != nil {
			return Services{}, err
		}
		register = Register{Store: opts.Risks}
		subjects[risk.RefKind] = RiskSubject{Store: opts.Risks}
	}
	reviews, err := review.NewService(review.Options{Authorizer: opts.Authorizer, Store: opts.Reviews, Subjects: subjects, Register: register, Events: events, Clock: opts.Clock})
	if err != nil {
		return Services{}, err
	}
	reqs, err := requirement.NewService(requirement.Options{Authorizer: opts.Authorizer, Store: opts.Requirements, Events: events, Clock: opts.Clock,
		Gate: RequirementGate{Reviews: reviews}})
	if err != nil {
		return Services{}, err
	}
	contracts, err := contract.NewService(contract.Options{Authorizer: opts.Authorizer, Store: opts.Contracts, Events: events, Clock: opts.Clock,
		Gate: ContractGate{Reviews: reviews}})
	if err != nil {
		return Services{}, err
	}
	var retros *retro.Service
	if opts.Retros != nil {
		if retros, err = retro.NewService(retro.Options{Authorizer: opts.Authorizer, Store: opts.Retros, Events: events, Clock: opts.Clock}); err != nil {
			return Services{}, err
		}
	}
	var plans *plan.Service
	if opts.Plans != nil {
		inputs := PlanInputs{Requirements: opts.Requirements, Contracts: opts.Contracts, Reviews: opts.Reviews, Clock: opts.Clock}
		var slips plan.ScheduleRisks
		if risks != nil {
			slips = PlanRisks{Risks: risks, Store: opts.Risks}
		}
		if plans, err = plan.NewService(plan.Options{Authorizer: opts.Authorizer, Store: opts.Plans, Events: events, Clock: opts.Clock, Estimator: inputs, Standing: inputs, Risks: slips,
			ChangeRequests: PlanChanges{Requirements: reqs}}); err != nil {
			return Services{}, err
		}
	}

	// The pipeline, in order.
	if opts.Events != nil {
		events.steps = append(events.steps, Subscriber{Name: "outbox", Doc: outboxDoc,
			handle: func(ctx context.Context, e accord.Event, _ func(accord.Event)) {
				opts.Events.Publish(ctx, withExternal(ctx, opts.External, e))
			}})
	}
	if traces != nil {
		events.steps = append(events.steps, Subscriber{Name: "traceability", Doc: traceabilityDoc, handle: traceability(traces, records)})
	}
	events.steps = append(events.steps, Subscriber{Name: "review rounds", Doc: reviewRoundsDoc, handle: reviewRounds(reviews, opts.Requirements)})
	if risks != nil {
		events.steps = append(events.steps, Subscriber{Name: "risk filing", Doc: riskFilingDoc, handle: riskFiling(opts.Reviews, risks, opts.Risks)})
	}

	return Services{Requirements: reqs, Contracts: contracts, Reviews: reviews, Risks: risks, Retros: retros, Plans: plans, Traces: traces, Records: records,
		subscribers: slices.Clone(events.steps)}, nil
}

// withExternal returns e with the items that stand for its record in
// other systems (its Jira issue, its PingCode work item), read from refs:
// the references kept by the record's ID, as an external.Service with
// Records keeps them. e is returned as it is when it carries its items
// already (an external reference's own events), when there is no store,
// and when the store fails: the event is not held back for them.
func withExternal(ctx context.Context, refs external.Store, e accord.Event) accord.Event {
	if refs == nil || e.External != nil || e.Ref.ID == "" || e.Ref.Kind == external.RefKind {
		return e
	}
	page, err := refs.ListReferences(ctx, e.Project, external.Filter{Record: e.Ref}, accord.PageQuery{Size: 100})
	if err != nil {
		return e
	}
	for _, r := range page.Items {
		e.External = append(e.External, r.Item())
	}
	return e
}
