package link

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// Record is how links read one kind of record: its current revision and
// title, the content fields that differ between two of its revisions, and
// (optionally) the links it declares itself.
type Record struct {
	Read    func(ctx context.Context, project, id string) (trace.Target, error)
	Changes func(ctx context.Context, project, id string, from, to int) ([]string, error)
	// Declares returns the links the record declares in its own fields
	// (a requirement's links, a contract operation's requirements). nil:
	// the kind declares none.
	Declares func(ctx context.Context, project, id string) ([]trace.Declaration, error)
	// Related returns the other records a change of this one concerns: a
	// contract's versions, a version's contract, a change request's
	// requirement. nil: none.
	Related func(ctx context.Context, project, id string) ([]accord.Ref, error)
	// ReadMany (optional) reads many records of the kind by ID at once;
	// one absent from its answer is read with Read. nil: each with Read.
	ReadMany func(ctx context.Context, project string, ids []string) (map[string]trace.Target, error)
}

// Records is the registry of what links can point at, by accord.Ref kind.
// It implements trace.Targets, so links reach every domain without one
// importing another; a new kind of record is one more entry.
type Records map[string]Record

var _ trace.Targets = Records{}

func (r Records) lookup(kind string) (Record, error) {
	if rec, ok := r[kind]; ok {
		return rec, nil
	}
	return Record{}, accord.InvalidField("ref", "kind", "%q cannot be linked; one of %s", kind, strings.Join(slices.Sorted(maps.Keys(r)), ", "))
}

// Target implements trace.Targets.
func (r Records) Target(ctx context.Context, project string, ref accord.Ref) (trace.Target, error) {
	rec, err := r.lookup(ref.Kind)
	if err != nil {
		return trace.Target{}, err
	}
	return rec.Read(ctx, project, ref.ID)
}

// Targets reads many records at once, as Target does each: kinds whose
// Record has ReadMany in one call per kind, the others one by one. A
// record that cannot be read (deleted, of an unknown kind) is left out.
func (r Records) Targets(ctx context.Context, project string, refs []accord.Ref) (map[accord.Ref]trace.Target, error) {
	out := make(map[accord.Ref]trace.Target, len(refs))
	byKind := map[string][]string{}
	for _, ref := range refs {
		if rec, ok := r[ref.Kind]; ok && rec.ReadMany != nil {
			byKind[ref.Kind] = append(byKind[ref.Kind], ref.ID)
		}
	}
	for kind, ids := range byKind {
		got, err := r[kind].ReadMany(ctx, project, ids)
		if err != nil {
			return nil, err
		}
		for id, t := range got {
			out[accord.Ref{Kind: kind, ID: id}] = t
		}
	}
	for _, ref := range refs {
		if _, ok := out[ref]; ok {
			continue
		}
		if t, err := r.Target(ctx, project, ref); err == nil {
			out[ref] = t
		} else if accord.ErrorCode(err) != accord.NotFound && accord.ErrorCode(err) != accord.Invalid {
			return nil, err
		}
	}
	return out, nil
}

// Canonical names a record by ID, for watches (watch.Records).
func (r Records) Canonical(ctx context.Context, project string, ref accord.Ref) (accord.Ref, error) {
	t, err := r.Target(ctx, project, ref)
	return t.Ref, err
}

// Changes implements trace.Targets.
func (r Records) Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, error) {
	rec, err := r.lookup(ref.Kind)
	if err != nil {
		return nil, err
	}
	return rec.Changes(ctx, project, ref.ID, from, to)
}

// NewRecords returns the registry of the built-in kinds over the stores
// (any may be nil, and its kinds are then left out):
// requirements and change requests, contract versions and contracts (a
// contract's revision is the number of its agreed versions: a link to a
// contract follows the version its callers use), risks, iterations,
// milestones and retrospectives.
//
// Content is what a link's holder relies on; each domain says what its
// content is (requirement.ContentChanges, contract.ContentChanges,
// risk.ContentChanges, plan.IterationContentChanges,
// plan.MilestoneContentChanges, retro.ContentChanges), and the registry
// asks it.
func NewRecords(s adapters.Stores) Records {
	r := Records{}
	if s.Requirements != nil {
		r[requirement.RefKind] = requirementRecord(s.Requirements)
		r[requirement.ChangeRequestRefKind] = Record{
			Read: func(ctx context.Context, project, id string) (trace.Target, error) {
				cr, err := s.Requirements.GetChangeRequest(ctx, project, id)
				return trace.Target{Ref: cr.Ref(), Revision: cr.Revision, Title: "change request: " + cr.Reason}, err
			},
			Changes: func(context.Context, string, string, int, int) ([]string, error) { return nil, nil }, // a proposal never changes
			Related: func(ctx context.Context, project, id string) ([]accord.Ref, error) {
				cr, err := s.Requirements.GetChangeRequest(ctx, project, id)
				return []accord.Ref{{Kind: requirement.RefKind, ID: cr.RequirementID}}, err
			},
		}
	}
	if s.Contracts != nil {
		r[contract.VersionRefKind] = versionRecord(s.Contracts)
		r[contract.RefKind] = contractRecord(s.Contracts)
	}
	if s.Risks != nil {
		r[risk.RefKind] = riskRecord(s.Risks)
	}
	if s.Plans != nil {
		r[plan.IterationRefKind] = iterationRecord(s.Plans)
		r[plan.MilestoneRefKind] = milestoneRecord(s.Plans)
	}
	if s.Retros != nil {
		r[retro.RefKind] = retroRecord(s.Retros)
	}
	return r
}

// kind describes one kind of record to the registry: how to read one (by
// ID or human key), name it, read a revision of it, what of it is
// content, and which links it declares (optional).
type kind[T any] struct {
	get      func(ctx context.Context, project, id string) (T, error)
	target   func(T) trace.Target
	revision func(ctx context.Context, project, id string, n int) (T, error)
	changes  func(a, b T) []string
	declares func(T) []trace.Declaration
}

func (k kind[T]) record() Record {
	// The subscribers of an event share one read of its record and of each
	// of its revisions (shared, sharedRevision).
	get := func(ctx context.Context, project, id string) (T, error) {
		return shared(ctx, id, func() (T, error) { return k.get(ctx, project, id) })
	}
	revision := func(ctx context.Context, project, id string, n int) (T, error) {
		return sharedRevision(ctx, id, n, func(x T) int { return k.target(x).Revision }, func() (T, error) { return k.revision(ctx, project, id, n) })
	}
	r := Record{
		Read: func(ctx context.Context, project, id string) (trace.Target, error) {
			x, err := get(ctx, project, id)
			if err != nil {
				return trace.Target{}, err
			}
			return k.target(x), nil
		},
		Changes: func(ctx context.Context, project, id string, from, to int) ([]string, error) {
			a, err := revision(ctx, project, id, from)
			if err != nil {
				return nil, err
			}
			b, err := revision(ctx, project, id, to)
			if err != nil {
				return nil, err
			}
			return k.changes(a, b), nil
		},
	}
	if k.declares != nil {
		r.Declares = func(ctx context.Context, project, id string) ([]trace.Declaration, error) {
			x, err := get(ctx, project, id)
			if err != nil {
				return nil, err
			}
			return k.declares(x), nil
		}
	}
	return r
}

// lookup reads a record by ID or human key with svc.Lookup.
func lookup[T any](prefix string, byID, byKey func(ctx context.Context, project, id string) (T, error)) func(ctx context.Context, project, id string) (T, error) {
	return func(ctx context.Context, project, id string) (T, error) {
		return svc.Lookup(ctx, project, id, prefix, byID, byKey)
	}
}

// revisionOf reads revision n's record with a store's revision call.
func revisionOf[T any](get func(ctx context.Context, project, id string, n int) (accord.Revision[T], error)) func(ctx context.Context, project, id string, n int) (T, error) {
	return func(ctx context.Context, project, id string, n int) (T, error) {
		r, err := get(ctx, project, id, n)
		return r.Record, err
	}
}

// revisionIn finds revision n in a record's history, for stores that
// only list revisions.
func revisionIn[T any](list func(ctx context.Context, project, id string) ([]accord.Revision[T], error)) func(ctx context.Context, project, id string, n int) (T, error) {
	return func(ctx context.Context, project, id string, n int) (T, error) {
		var zero T
		revs, err := list(ctx, project, id)
		if err != nil {
			return zero, err
		}
		for _, r := range revs {
			if r.Number == n {
				return r.Record, nil
			}
		}
		return zero, accord.Errorf(accord.NotFound, "%s has no revision %d", id, n)
	}
}

// refsAs declares each of refs in role, with a note saying where.
func refsAs(refs []accord.Ref, role trace.Role, note string) []trace.Declaration {
	out := make([]trace.Declaration, len(refs))
	for i, r := range refs {
		out[i] = trace.Declaration{To: r, Role: role, Note: note}
	}
	return out
}

func requirementRecord(store requirement.Store) Record {
	target := func(r requirement.Requirement) trace.Target {
		return trace.Target{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}
	}
	rec := kind[requirement.Requirement]{
		get:      lookup(requirement.KeyPrefix, store.GetRequirement, store.GetRequirementByKey),
		target:   target,
		revision: revisionOf(store.GetRequirementRevision),
		changes:  requirement.ContentChanges,
		declares: func(r requirement.Requirement) []trace.Declaration {
			return refsAs(r.Links, trace.RelatesTo, "in "+r.Key+"'s links")
		},
	}.record()
	// The SQL stores read many requirements in one query, and name them
	// without decoding each.
	if names, ok := store.(interface {
		RequirementTargets(ctx context.Context, project string, ids []string) (map[string]trace.Target, error)
	}); ok {
		rec.ReadMany = names.RequirementTargets
	} else if many, ok := store.(interface {
		RequirementsByID(ctx context.Context, project string, ids []string) ([]requirement.Requirement, error)
	}); ok {
		rec.ReadMany = func(ctx context.Context, project string, ids []string) (map[string]trace.Target, error) {
			rs, err := many.RequirementsByID(ctx, project, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[string]trace.Target, len(rs))
			for _, r := range rs {
				out[r.ID] = target(r)
			}
			return out, nil
		}
	}
	return rec
}

func splitVersion(ref string) (string, string, error) {
	i := strings.LastIndexByte(ref, '@')
	if i <= 0 || i == len(ref)-1 {
		return "", "", accord.InvalidField("ref", "id", "%q must be <contract id>@<version>, such as 01J…@1.2.0", ref)
	}
	return ref[:i], ref[i+1:], nil
}

func versionRecord(store contract.Store) Record {
	r := kind[contract.Version]{
		get: func(ctx context.Context, project, ref string) (contract.Version, error) {
			id, version, err := splitVersion(ref)
			if err != nil {
				return contract.Version{}, err
			}
			return store.GetVersion(ctx, project, id, version)
		},
		target: func(v contract.Version) trace.Target {
			return trace.Target{Ref: v.Ref(), Revision: v.Revision, Title: v.Spec.Service + " " + v.Version}
		},
		revision: func(ctx context.Context, project, ref string, n int) (contract.Version, error) {
			id, version, err := splitVersion(ref)
			if err != nil {
				return contract.Version{}, err
			}
			rev, err := store.GetVersionRevision(ctx, project, id, version, n)
			return rev.Record, err
		},
		changes:  contract.ContentChanges,
		declares: func(v contract.Version) []trace.Declaration { return declaredByContract(v.Spec) },
	}.record()
	r.Related = func(_ context.Context, _ string, ref string) ([]accord.Ref, error) {
		id, _, err := splitVersion(ref)
		return []accord.Ref{{Kind: contract.RefKind, ID: id}}, err
	}
	return r
}

// declaredByContract lists the requirements a contract's operations
// implement, naming the operations each is declared by.
func declaredByContract(spec contract.Spec) []trace.Declaration {
	var order []accord.Ref
	ops := map[accord.Ref][]string{}
	add := func(r accord.Ref, op string) {
		if _, ok := ops[r]; !ok {
			order = append(order, r)
		}
		if op != "" && !slices.Contains(ops[r], op) {
			ops[r] = append(ops[r], op)
		}
	}
	for _, r := range spec.Requirements {
		add(r, "")
	}
	for _, op := range spec.Operations {
		for _, r := range op.Requirements {
			add(r, op.ID)
		}
	}
	out := make([]trace.Declaration, 0, len(order))
	for _, r := range order {
		note := "the whole contract"
		if len(ops[r]) > 0 {
			note = "operations " + strings.Join(ops[r], ", ")
		}
		out = append(out, trace.Declaration{To: r, Role: trace.Implements, Note: note})
	}
	return out
}

// agreedVersions returns a contract's agreed (and later deprecated or
// retired) versions in the order they were made: revision n of the
// contract, for links, is the n-th of them.
func agreedVersions(ctx context.Context, store contract.Store, project, id string) (contract.Contract, []contract.Version, error) {
	c, err := store.GetContract(ctx, project, id)
	if err != nil {
		return c, nil, err
	}
	all, err := store.ListVersions(ctx, project, id)
	if err != nil {
		return c, nil, err
	}
	var agreed []contract.Version
	for _, v := range all {
		if v.Status != contract.Draft && v.Status != contract.Proposed {
			agreed = append(agreed, v)
		}
	}
	return c, agreed, nil
}

func contractRecord(store contract.Store) Record {
	return Record{
		Read: func(ctx context.Context, project, id string) (trace.Target, error) {
			c, agreed, err := agreedVersions(ctx, store, project, id)
			return trace.Target{Ref: accord.Ref{Kind: contract.RefKind, ID: c.ID}, Revision: len(agreed), Title: c.Service}, err
		},
		Changes: func(ctx context.Context, project, id string, from, to int) ([]string, error) {
			_, agreed, err := agreedVersions(ctx, store, project, id)
			if err != nil {
				return nil, err
			}
			spec := func(n int) contract.Spec {
				if n < 1 || n > len(agreed) {
					return contract.Spec{}
				}
				return agreed[n-1].Spec
			}
			return changedOperations(spec(from), spec(to)), nil
		},
		Related: func(ctx context.Context, project, id string) ([]accord.Ref, error) {
			vs, err := store.ListVersions(ctx, project, id)
			var out []accord.Ref
			for _, v := range vs {
				out = append(out, v.Ref())
			}
			return out, err
		},
	}
}

// changedOperations names the operations (or other places) that differ
// between two specs, once each, as Compare finds them.
func changedOperations(a, b contract.Spec) []string {
	out := []string{}
	for _, c := range contract.Compare(a, b) {
		where := c.Operation
		if where == "" {
			where = c.Location
		}
		if !slices.Contains(out, where) {
			out = append(out, where)
		}
	}
	return out
}

func riskRecord(store risk.Store) Record {
	return kind[risk.Risk]{
		get: lookup(risk.KeyPrefix, store.GetRisk, store.GetRiskByKey),
		target: func(r risk.Risk) trace.Target {
			return trace.Target{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}
		},
		revision: revisionOf(store.GetRiskRevision),
		changes:  risk.ContentChanges,
		declares: func(r risk.Risk) []trace.Declaration { return refsAs(r.Links, trace.RelatesTo, "in "+r.Key+"'s links") },
	}.record()
}

func iterationRecord(store plan.Store) Record {
	return kind[plan.Iteration]{
		get: lookup(plan.IterationKeyPrefix, store.GetIteration, store.GetIterationByKey),
		target: func(it plan.Iteration) trace.Target {
			return trace.Target{Ref: it.Ref(), Revision: it.Revision, Title: it.Key + " " + it.Name}
		},
		revision: revisionIn(store.ListIterationRevisions),
		changes:  plan.IterationContentChanges,
		declares: func(it plan.Iteration) []trace.Declaration {
			refs := make([]accord.Ref, len(it.Items))
			for i, item := range it.Items {
				refs[i] = item.Ref
			}
			return refsAs(refs, trace.RelatesTo, "scheduled in "+it.Key)
		},
	}.record()
}

func milestoneRecord(store plan.Store) Record {
	return kind[plan.Milestone]{
		get: lookup(plan.MilestoneKeyPrefix, store.GetMilestone, store.GetMilestoneByKey),
		target: func(m plan.Milestone) trace.Target {
			return trace.Target{Ref: m.Ref(), Revision: m.Revision, Title: m.Key + " " + m.Name}
		},
		revision: revisionIn(store.ListMilestoneRevisions),
		changes:  plan.MilestoneContentChanges,
		declares: func(m plan.Milestone) []trace.Declaration {
			return refsAs(m.Deliverables, trace.RelatesTo, "delivered by "+m.Key)
		},
	}.record()
}

func retroRecord(store retro.Store) Record {
	return kind[retro.Retro]{
		get: lookup(retro.KeyPrefix, store.GetRetro, store.GetRetroByKey),
		target: func(r retro.Retro) trace.Target {
			return trace.Target{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}
		},
		revision: revisionOf(store.GetRetroRevision),
		changes:  retro.ContentChanges,
		declares: func(r retro.Retro) []trace.Declaration {
			return refsAs(r.LooksBackOn, trace.RelatesTo, r.Key+" looks back on it")
		},
	}.record()
}

// EventTraceFailed is published when links could not follow a change; a
// Recheck (the reference server runs one hourly) catches up.
const EventTraceFailed = "trace.sync_failed"

// Trace returns an event sink that keeps links live, then passes every
// event on to next (which may be nil): after a change of a record, and of
// the records it concerns (Record.Related), the links each declares are
// brought in step (Declare) and the links to each are examined
// (TargetRevised). A failure is passed on as an EventTraceFailed event.
// New runs the same as its "traceability" subscriber.
func Trace(links *trace.Service, records Records, next accord.EventSink) accord.EventSink {
	return chained(next, traceability(links, records))
}

// traceability brings the links of an event's record, and of the records
// it concerns, in step.
func traceability(links *trace.Service, records Records) step {
	return func(ctx context.Context, e accord.Event, failed func(accord.Event)) {
		rec, ok := records[e.Ref.Kind]
		if !ok {
			return
		}
		fail := func(ref accord.Ref, err error) {
			failed(accord.Event{Kind: EventTraceFailed, Project: e.Project, Ref: ref, Actor: e.Actor, Time: e.Time,
				Summary: fmt.Sprintf("links of %s could not follow %s: %v", ref, e.Kind, err)})
		}
		refs := []accord.Ref{e.Ref}
		if rec.Related != nil {
			more, err := rec.Related(ctx, e.Project, e.Ref.ID)
			if err != nil && accord.ErrorCode(err) != accord.NotFound {
				fail(e.Ref, err)
			}
			refs = append(refs, more...)
		}
		if e.Kind == contract.EventDeleted {
			// Its versions went with it, and no event names them: the
			// links they declared go now.
			refs = append(refs, deletedVersions(ctx, links, e.Project, e.Ref.ID)...)
		}
		for _, ref := range refs {
			if err := follow(ctx, links, records, e.Project, ref); err != nil {
				fail(ref, err)
			}
		}
	}
}

// deletedVersions names the versions of a deleted contract that still
// declare links.
func deletedVersions(ctx context.Context, links *trace.Service, project, contractID string) []accord.Ref {
	declared, err := links.All(ctx, project, trace.Filter{Origin: trace.Declared})
	if err != nil {
		return nil
	}
	var out []accord.Ref
	for _, l := range declared {
		if l.From.Kind == contract.VersionRefKind && strings.HasPrefix(l.From.ID, contractID+"@") && !slices.Contains(out, l.From) {
			out = append(out, l.From)
		}
	}
	return out
}

// follow brings the links of one changed record in step.
func follow(ctx context.Context, links *trace.Service, records Records, project string, ref accord.Ref) error {
	rec, ok := records[ref.Kind]
	if !ok {
		return nil
	}
	if rec.Declares != nil {
		decls, err := rec.Declares(ctx, project, ref.ID)
		if accord.ErrorCode(err) == accord.NotFound {
			decls, err = nil, nil // deleted: it declares nothing any more
		}
		if err == nil {
			err = links.Declare(ctx, project, ref, decls)
		}
		if err != nil {
			return err
		}
	}
	_, err := links.TargetRevised(ctx, project, ref)
	return err
}
