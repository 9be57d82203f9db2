package link

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/internal/diff"
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
	return Record{}, accord.Errorf(accord.Invalid, "%q cannot be linked; one of %s", kind, strings.Join(slices.Sorted(maps.Keys(r)), ", "))
}

// Target implements trace.Targets.
func (r Records) Target(ctx context.Context, project string, ref accord.Ref) (trace.Target, error) {
	rec, err := r.lookup(ref.Kind)
	if err != nil {
		return trace.Target{}, err
	}
	return rec.Read(ctx, project, ref.ID)
}

// Changes implements trace.Targets.
func (r Records) Changes(ctx context.Context, project string, ref accord.Ref, from, to int) ([]string, error) {
	rec, err := r.lookup(ref.Kind)
	if err != nil {
		return nil, err
	}
	return rec.Changes(ctx, project, ref.ID, from, to)
}

// Stores are the stores NewRecords reads; any may be nil, and its kinds
// are then left out.
type Stores struct {
	Requirements requirement.Store
	Contracts    contract.Store
	Risks        risk.Store
	Retros       retro.Store
	Plans        plan.Store
}

// NewRecords returns the registry of the built-in kinds over the stores:
// requirements and change requests, contract versions and contracts (a
// contract's revision is the number of its agreed versions: a link to a
// contract follows the version its callers use), risks, iterations,
// milestones and retrospectives.
//
// Content is what a link's holder relies on. A requirement's status,
// priority, owner, labels and links are not content; nor are a risk's
// status, assessments, acceptance and review dates, or a contract
// version's status and notes.
func NewRecords(s Stores) Records {
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

// content keeps the paths of changes whose top-level field is not in skip.
func content(changes []accord.FieldChange, skip ...string) []string {
	out := []string{}
	for _, c := range changes {
		top := c.Path
		if i := strings.IndexAny(top, ".["); i >= 0 {
			top = top[:i]
		}
		if !slices.Contains(skip, top) {
			out = append(out, c.Path)
		}
	}
	return out
}

// bookkeeping is what every record's Stamp adds to its JSON.
var bookkeeping = []string{"revision", "created_at", "created_by", "updated_at", "updated_by"}

// between finds revisions from and to in a record's history.
func between[T any](revs []accord.Revision[T], what string, from, to int) (a, b T, err error) {
	var okA, okB bool
	for _, r := range revs {
		if r.Number == from {
			a, okA = r.Record, true
		}
		if r.Number == to {
			b, okB = r.Record, true
		}
	}
	if !okA || !okB {
		err = accord.Errorf(accord.NotFound, "%s has no revision %d or %d", what, from, to)
	}
	return a, b, err
}

func requirementRecord(store requirement.Store) Record {
	get := func(ctx context.Context, project, id string) (requirement.Requirement, error) {
		if _, key := requirement.ParseKey(id); key {
			return store.GetRequirementByKey(ctx, project, id)
		}
		return store.GetRequirement(ctx, project, id)
	}
	return Record{
		Read: func(ctx context.Context, project, id string) (trace.Target, error) {
			r, err := get(ctx, project, id)
			return trace.Target{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}, err
		},
		Changes: func(ctx context.Context, project, id string, from, to int) ([]string, error) {
			a, err := store.GetRequirementRevision(ctx, project, id, from)
			if err != nil {
				return nil, err
			}
			b, err := store.GetRequirementRevision(ctx, project, id, to)
			if err != nil {
				return nil, err
			}
			return RequirementContentChanges(a.Record, b.Record), nil
		},
		Declares: func(ctx context.Context, project, id string) ([]trace.Declaration, error) {
			r, err := get(ctx, project, id)
			if err != nil {
				return nil, err
			}
			var out []trace.Declaration
			for _, l := range r.Links {
				out = append(out, trace.Declaration{To: l, Role: trace.RelatesTo, Note: "in " + r.Key + "'s links"})
			}
			return out, nil
		},
	}
}

// RequirementContentChanges lists the content fields that differ from a
// to b: what a link to the requirement relies on.
func RequirementContentChanges(a, b requirement.Requirement) []string {
	return content(requirement.Diff(a, b), "status", "priority", "owner", "labels", "links")
}

func splitVersion(ref string) (string, string, error) {
	i := strings.LastIndexByte(ref, '@')
	if i <= 0 || i == len(ref)-1 {
		return "", "", accord.Errorf(accord.Invalid, "%q must be <contract id>@<version>, such as 01J…@1.2.0", ref)
	}
	return ref[:i], ref[i+1:], nil
}

func versionRecord(store contract.Store) Record {
	get := func(ctx context.Context, project, ref string) (contract.Version, error) {
		id, version, err := splitVersion(ref)
		if err != nil {
			return contract.Version{}, err
		}
		return store.GetVersion(ctx, project, id, version)
	}
	return Record{
		Read: func(ctx context.Context, project, ref string) (trace.Target, error) {
			v, err := get(ctx, project, ref)
			return trace.Target{Ref: v.Ref(), Revision: v.Revision, Title: v.Spec.Service + " " + v.Version}, err
		},
		Changes: func(ctx context.Context, project, ref string, from, to int) ([]string, error) {
			id, version, err := splitVersion(ref)
			if err != nil {
				return nil, err
			}
			a, err := store.GetVersionRevision(ctx, project, id, version, from)
			if err != nil {
				return nil, err
			}
			b, err := store.GetVersionRevision(ctx, project, id, version, to)
			if err != nil {
				return nil, err
			}
			return content(contract.Diff(a.Record, b.Record), "status"), nil
		},
		Declares: func(ctx context.Context, project, ref string) ([]trace.Declaration, error) {
			v, err := get(ctx, project, ref)
			if err != nil {
				return nil, err
			}
			return declaredByContract(v.Spec), nil
		},
		Related: func(_ context.Context, _ string, ref string) ([]accord.Ref, error) {
			id, _, err := splitVersion(ref)
			return []accord.Ref{{Kind: contract.RefKind, ID: id}}, err
		},
	}
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
	get := func(ctx context.Context, project, id string) (risk.Risk, error) {
		if _, key := risk.ParseKey(id); key {
			return store.GetRiskByKey(ctx, project, id)
		}
		return store.GetRisk(ctx, project, id)
	}
	return Record{
		Read: func(ctx context.Context, project, id string) (trace.Target, error) {
			r, err := get(ctx, project, id)
			return trace.Target{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}, err
		},
		Changes: func(ctx context.Context, project, id string, from, to int) ([]string, error) {
			a, err := store.GetRiskRevision(ctx, project, id, from)
			if err != nil {
				return nil, err
			}
			b, err := store.GetRiskRevision(ctx, project, id, to)
			if err != nil {
				return nil, err
			}
			// The statement and the response are what a mitigation
			// relies on; scores, reviews and decisions move on their own.
			return content(risk.Diff(a.Record, b.Record), append([]string{"status", "current", "assessments", "acceptance",
				"reviewed_at", "reviewed_by", "labels", "links", "owner", "review_due_notified"}, bookkeeping...)...), nil
		},
		Declares: func(ctx context.Context, project, id string) ([]trace.Declaration, error) {
			r, err := get(ctx, project, id)
			if err != nil {
				return nil, err
			}
			var out []trace.Declaration
			for _, l := range r.Links {
				out = append(out, trace.Declaration{To: l, Role: trace.RelatesTo, Note: "in " + r.Key + "'s links"})
			}
			return out, nil
		},
	}
}

func iterationRecord(store plan.Store) Record {
	get := func(ctx context.Context, project, id string) (plan.Iteration, error) {
		if strings.HasPrefix(id, plan.IterationKeyPrefix) {
			return store.GetIterationByKey(ctx, project, id)
		}
		return store.GetIteration(ctx, project, id)
	}
	// An iteration's content is its dates, goals and what it schedules.
	type view struct {
		Start, End plan.Date
		Goals      []string
		Items      []accord.Ref
	}
	viewOf := func(it plan.Iteration) view {
		v := view{Start: it.Start, End: it.End, Goals: it.Goals}
		for _, item := range it.Items {
			v.Items = append(v.Items, item.Ref)
		}
		return v
	}
	return Record{
		Read: func(ctx context.Context, project, id string) (trace.Target, error) {
			it, err := get(ctx, project, id)
			return trace.Target{Ref: it.Ref(), Revision: it.Revision, Title: it.Key + " " + it.Name}, err
		},
		Changes: func(ctx context.Context, project, id string, from, to int) ([]string, error) {
			revs, err := store.ListIterationRevisions(ctx, project, id)
			if err != nil {
				return nil, err
			}
			a, b, err := between(revs, "iteration "+id, from, to)
			if err != nil {
				return nil, err
			}
			return content(diff.Fields(viewOf(a), viewOf(b))), nil
		},
		Declares: func(ctx context.Context, project, id string) ([]trace.Declaration, error) {
			it, err := get(ctx, project, id)
			if err != nil {
				return nil, err
			}
			var out []trace.Declaration
			for _, item := range it.Items {
				out = append(out, trace.Declaration{To: item.Ref, Role: trace.RelatesTo, Note: "scheduled in " + it.Key})
			}
			return out, nil
		},
	}
}

func milestoneRecord(store plan.Store) Record {
	get := func(ctx context.Context, project, id string) (plan.Milestone, error) {
		if strings.HasPrefix(id, plan.MilestoneKeyPrefix) {
			return store.GetMilestoneByKey(ctx, project, id)
		}
		return store.GetMilestone(ctx, project, id)
	}
	// A milestone's content is its date and what it delivers.
	type view struct {
		Date         plan.Date
		Deliverables []accord.Ref
	}
	return Record{
		Read: func(ctx context.Context, project, id string) (trace.Target, error) {
			m, err := get(ctx, project, id)
			return trace.Target{Ref: m.Ref(), Revision: m.Revision, Title: m.Key + " " + m.Name}, err
		},
		Changes: func(ctx context.Context, project, id string, from, to int) ([]string, error) {
			revs, err := store.ListMilestoneRevisions(ctx, project, id)
			if err != nil {
				return nil, err
			}
			a, b, err := between(revs, "milestone "+id, from, to)
			if err != nil {
				return nil, err
			}
			return content(diff.Fields(view{a.Date, a.Deliverables}, view{b.Date, b.Deliverables})), nil
		},
		Declares: func(ctx context.Context, project, id string) ([]trace.Declaration, error) {
			m, err := get(ctx, project, id)
			if err != nil {
				return nil, err
			}
			var out []trace.Declaration
			for _, d := range m.Deliverables {
				out = append(out, trace.Declaration{To: d, Role: trace.RelatesTo, Note: "delivered by " + m.Key})
			}
			return out, nil
		},
	}
}

func retroRecord(store retro.Store) Record {
	get := func(ctx context.Context, project, id string) (retro.Retro, error) {
		if _, key := retro.ParseKey(id); key {
			return store.GetRetroByKey(ctx, project, id)
		}
		return store.GetRetro(ctx, project, id)
	}
	return Record{
		Read: func(ctx context.Context, project, id string) (trace.Target, error) {
			r, err := get(ctx, project, id)
			return trace.Target{Ref: r.Ref(), Revision: r.Revision, Title: r.Key + " " + r.Title}, err
		},
		Changes: func(ctx context.Context, project, id string, from, to int) ([]string, error) {
			a, err := store.GetRetroRevision(ctx, project, id, from)
			if err != nil {
				return nil, err
			}
			b, err := store.GetRetroRevision(ctx, project, id, to)
			if err != nil {
				return nil, err
			}
			// What a retrospective concluded: its lessons and actions.
			type view struct {
				Lessons []retro.Lesson
				Actions []retro.Action
			}
			return content(diff.Fields(view{a.Record.Lessons, a.Record.Actions}, view{b.Record.Lessons, b.Record.Actions})), nil
		},
		Declares: func(ctx context.Context, project, id string) ([]trace.Declaration, error) {
			r, err := get(ctx, project, id)
			if err != nil {
				return nil, err
			}
			var out []trace.Declaration
			for _, l := range r.LooksBackOn {
				out = append(out, trace.Declaration{To: l, Role: trace.RelatesTo, Note: r.Key + " looks back on it"})
			}
			return out, nil
		},
	}
}

// EventTraceFailed is published when links could not follow a change; a
// Recheck (the reference server runs one hourly) catches up.
const EventTraceFailed = "trace.sync_failed"

// Trace returns an event sink that keeps links live, then passes every
// event on to next (which may be nil): after a change of a record, and of
// the records it concerns (Record.Related), the links each declares are
// brought in step (Declare) and the links to each are examined
// (TargetRevised). A failure is passed on as an EventTraceFailed event.
func Trace(links *trace.Service, records Records, next accord.EventSink) accord.EventSink {
	return accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		if next != nil {
			next.Publish(ctx, e)
		}
		rec, ok := records[e.Ref.Kind]
		if !ok {
			return
		}
		fail := func(ref accord.Ref, err error) {
			if next != nil {
				next.Publish(ctx, accord.Event{Kind: EventTraceFailed, Project: e.Project, Ref: ref, Actor: e.Actor, Time: e.Time,
					Summary: fmt.Sprintf("links of %s could not follow %s: %v", ref, e.Kind, err)})
			}
		}
		refs := []accord.Ref{e.Ref}
		if rec.Related != nil {
			more, err := rec.Related(ctx, e.Project, e.Ref.ID)
			if err != nil && accord.ErrorCode(err) != accord.NotFound {
				fail(e.Ref, err)
			}
			refs = append(refs, more...)
		}
		for _, ref := range refs {
			if err := follow(ctx, links, records, e.Project, ref); err != nil {
				fail(ref, err)
			}
		}
	})
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

// Impacts answers, before a change is made, which links it would turn
// suspect: for a proposed change request, the links to its requirement
// over the content the proposal changes; for a contract version not yet
// agreed, the links to its contract over the operations that differ from
// the agreed version its callers use.
type Impacts struct {
	Traces       *trace.Service
	Requirements requirement.Store
	Contracts    contract.Store
}

// Of returns the impact of the proposal ref names: a change_request by ID,
// or a contract_version (<contract id>@<version>). Errors: Invalid (another
// kind), NotFound.
func (im Impacts) Of(ctx context.Context, project string, ref accord.Ref) (trace.Impact, error) {
	switch {
	case ref.Kind == requirement.ChangeRequestRefKind && im.Requirements != nil:
		cr, err := im.Requirements.GetChangeRequest(ctx, project, ref.ID)
		if err != nil {
			return trace.Impact{}, err
		}
		r, err := im.Requirements.GetRequirement(ctx, project, cr.RequirementID)
		if err != nil {
			return trace.Impact{}, err
		}
		proposed := r.Clone()
		proposed.Content = cr.Proposed.Clone()
		return im.Traces.Impact(ctx, project, r.Ref(), RequirementContentChanges(r, proposed))
	case ref.Kind == contract.VersionRefKind && im.Contracts != nil:
		id, version, err := splitVersion(ref.ID)
		if err != nil {
			return trace.Impact{}, &accord.Error{Code: accord.Invalid, Message: "invalid proposal",
				Fields: []accord.FieldError{{Field: "id", Message: err.Error()}}}
		}
		v, err := im.Contracts.GetVersion(ctx, project, id, version)
		if err != nil {
			return trace.Impact{}, err
		}
		_, agreed, err := agreedVersions(ctx, im.Contracts, project, id)
		if err != nil {
			return trace.Impact{}, err
		}
		var base contract.Spec
		for _, a := range agreed {
			if a.Version != v.Version {
				base = a.Spec
			}
		}
		return im.Traces.Impact(ctx, project, accord.Ref{Kind: contract.RefKind, ID: id}, changedOperations(base, v.Spec))
	}
	return trace.Impact{}, &accord.Error{Code: accord.Invalid, Message: "invalid proposal",
		Fields: []accord.FieldError{{Field: "kind", Message: fmt.Sprintf("%q is not a proposal; one of change_request, contract_version", ref.Kind)}}}
}
