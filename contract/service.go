package contract

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
	"github.com/accordhq/accord/internal/svc"
)

// TransitionGate is asked before a contract version changes status; a
// non-nil error refuses the move and is returned unchanged. The review
// package's approval gate plugs in here, wired by the embedding program.
type TransitionGate interface {
	CheckTransition(ctx context.Context, v Version, to Status) error
}

// Options configure a Service. Store is required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; every
	// command asks it for the permission it needs. project.Service is
	// one. Without it, callers hold the roles their accord.Actor carries,
	// under accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Events     accord.EventSink // optional: receives an event after every change
	Clock      accord.Clock     // optional: defaults to accord.SystemClock()
	Gate       TransitionGate   // optional: may refuse status changes
}

// Service owns the contract rules: versions, their lifecycle, immutability
// once agreed, lint before proposing, and compiled validators. It is safe
// for concurrent use.
type Service struct {
	guard svc.Guard
	store Store
	pub   svc.Publisher
	clock accord.Clock
	gate  TransitionGate

	mu    sync.Mutex
	cache map[cacheKey]*Validator
}

type cacheKey struct {
	project, id, version string
	revision             int
}

// maxCached bounds the compiled validators kept; beyond it an arbitrary one
// is dropped and recompiled when next needed.
const maxCached = 256

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "contract.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	return &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock, gate: opts.Gate, cache: map[cacheKey]*Validator{}}, nil
}

func checkVersion(version string) error {
	if _, err := parseSemver(version); err != nil {
		return &accord.Error{Code: accord.Invalid, Message: "invalid version",
			Fields: []accord.FieldError{{Field: "version", Message: err.Error()}}}
	}
	return nil
}

// checkNote refuses a note longer than svc.MaxText.
func checkNote(note string) error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "note", note, svc.MaxText, false)
	return errs.Err("request")
}

// Create stores a new contract for spec.Service with its first version, a
// draft. Errors: Unauthenticated, Invalid (bad project, version or spec),
// Conflict (the service already has a contract in the project).
func (s *Service) Create(ctx context.Context, project, version string, spec Spec, note string) (Version, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Version{}, err
	}
	if err := checkVersion(version); err != nil {
		return Version{}, err
	}
	if err := spec.Validate(); err != nil {
		return Version{}, err
	}
	if err := checkNote(note); err != nil {
		return Version{}, err
	}
	now := s.clock.Now()
	stamp := accord.NewStamp(actor.ID, now)
	c := Contract{ID: accord.NewID(now), Project: project, Service: spec.Service, Stamp: stamp}
	v := Version{ContractID: c.ID, Project: project, Version: version, Status: Draft, Note: note, Spec: spec.Clone(), Stamp: stamp}
	c, err = s.store.CreateContract(ctx, c, svc.Revision(v, accord.RevisionCreated, note))
	if err != nil {
		return Version{}, err
	}
	s.pub.Publish(ctx, EventCreated, project, c.Ref(), actor, "contract for %s created at %s by %s", c.Service, version, actor.ID)
	return v, nil
}

// Get returns a contract. Errors: Invalid (bad project), NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Contract, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Contract{}, err
	}
	return s.store.GetContract(ctx, project, id)
}

// List returns one page of the project's contracts that match f, in
// creation order.
// Errors: Invalid (bad project, page size outside 1–500, malformed token).
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Contract], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Contract]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Contract]{}, err
	}
	page, err := s.store.ListContracts(ctx, project, f, q)
	if page.Items == nil && err == nil {
		page.Items = []Contract{}
	}
	return page, err
}

// ListDeleted returns one page of the project's deleted contracts, in
// creation order, each as its tombstone: Deleted says who deleted it,
// when and why; Restore brings one back within
// accord.RetentionWindow. Members may read it, as they read a deleted
// record's history.
// Errors: Unauthenticated, Invalid (bad project, page size outside 1–500,
// malformed token), NotFound (not a member).
func (s *Service) ListDeleted(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Contract], error) {
	return svc.ListDeleted(ctx, s.guard, project, q, s.store.ListDeletedContracts)
}

// Delete deletes a contract for reason (may be empty): it leaves a
// tombstone revision saying who, when and why, and disappears from gets
// and lists with its versions, its service name free again; Restore
// brings it back within accord.RetentionWindow. A contract with an agreed
// version is an agreement others rely on and cannot be deleted; deprecate
// it instead. Errors: Unauthenticated, Invalid, NotFound,
// PermissionDenied, FailedPrecondition, Conflict (deleted meanwhile).
func (s *Service) Delete(ctx context.Context, project, id, reason string) error {
	actor, err := s.guard.Member(ctx, project)
	if err != nil {
		return err
	}
	if err := svc.CheckReason(reason); err != nil {
		return err
	}
	c, err := s.store.GetContract(ctx, project, id)
	if err != nil {
		return err
	}
	versions, err := s.store.ListVersions(ctx, project, id)
	if err != nil {
		return err
	}
	draft := !slices.ContainsFunc(versions, func(v Version) bool { return v.Status != Draft })
	if err := s.guard.MayDelete(ctx, project, actor, "contract "+c.Service, c.CreatedBy, draft); err != nil {
		return err
	}
	for _, v := range versions {
		if v.Status == Agreed {
			return accord.Errorf(accord.FailedPrecondition, "contract %s has agreed version %s; deprecate it instead of deleting", c.Service, v.Version)
		}
	}
	if err := s.store.DeleteContract(ctx, svc.Tombstone(c, actor.ID, s.clock.Now(), reason)); err != nil {
		return err
	}
	s.pub.Publish(ctx, EventDeleted, project, c.Ref(), actor, "contract for %s deleted by %s%s", c.Service, actor.ID, svc.Because(reason))
	return nil
}

// Restore brings back a deleted contract with its versions, as a new
// revision of the contract, for reason: within accord.RetentionWindow of
// its deletion, with accord.PermRecordRestore (admins). Errors:
// Unauthenticated, Invalid, NotFound, PermissionDenied, FailedPrecondition
// (not deleted, or the window has passed), Conflict (restored meanwhile,
// or its service has another contract now).
func (s *Service) Restore(ctx context.Context, project, id, reason string) (Contract, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordRestore)
	if err != nil {
		return Contract{}, err
	}
	if err := svc.CheckReason(reason); err != nil {
		return Contract{}, err
	}
	revs, err := s.store.ListContractRevisions(ctx, project, id)
	if err != nil {
		return Contract{}, err
	}
	next, err := svc.Restoration(func(c Contract) string { return "contract for " + c.Service }, revs, actor.ID, s.clock.Now(), reason)
	if err != nil {
		return Contract{}, err
	}
	c, err := s.store.RestoreContract(ctx, next)
	if err != nil {
		return Contract{}, err
	}
	s.pub.Publish(ctx, EventRestored, project, c.Ref(), actor, "contract for %s restored by %s%s", c.Service, actor.ID, svc.Because(reason))
	return c, nil
}

// Versions returns a contract's versions in creation order.
// Errors: Invalid (bad project), NotFound.
func (s *Service) Versions(ctx context.Context, project, id string) ([]Version, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListVersions(ctx, project, id)
}

// Version returns one version of a contract.
// Errors: Invalid (bad project), NotFound.
func (s *Service) Version(ctx context.Context, project, id, version string) (Version, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Version{}, err
	}
	return s.store.GetVersion(ctx, project, id, version)
}

// NewVersion starts version from a copy of an existing version's spec, as a
// draft. The new version must be higher than every existing one.
// Errors: Unauthenticated, Invalid (bad version), NotFound (contract or
// from), Conflict (the version exists), FailedPrecondition (not higher).
func (s *Service) NewVersion(ctx context.Context, project, id, from, version, note string) (Version, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Version{}, err
	}
	if err := checkVersion(version); err != nil {
		return Version{}, err
	}
	base, err := s.store.GetVersion(ctx, project, id, from)
	if err != nil {
		return Version{}, err
	}
	existing, err := s.store.ListVersions(ctx, project, id)
	if err != nil {
		return Version{}, err
	}
	for _, e := range existing {
		if c, _ := CompareVersions(version, e.Version); c <= 0 {
			if c == 0 {
				return Version{}, accord.Errorf(accord.Conflict, "version %s of contract %s exists", version, base.Spec.Service)
			}
			return Version{}, accord.Errorf(accord.FailedPrecondition, "version %s is not higher than existing version %s", version, e.Version)
		}
	}
	if err := checkNote(note); err != nil {
		return Version{}, err
	}
	v := Version{ContractID: id, Project: project, Version: version, Status: Draft, Note: note,
		Spec: base.Spec.Clone(), Stamp: accord.NewStamp(actor.ID, s.clock.Now())}
	v, err = s.store.CreateVersion(ctx, svc.Revision(v, accord.RevisionCreated, note))
	if err != nil {
		return Version{}, err
	}
	s.pub.Publish(ctx, EventVersionCreated, project, v.Ref(), actor, "%s %s started from %s by %s", v.Spec.Service, version, from, actor.ID)
	return v, nil
}

// UpdateVersion replaces the spec of a draft version. base is the revision
// the change starts from. Errors: Unauthenticated, Invalid (bad spec, or a
// different service name), NotFound, Conflict (stale base),
// FailedPrecondition (the version is no longer a draft).
func (s *Service) UpdateVersion(ctx context.Context, project, id, version string, base int, spec Spec, note string) (Version, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Version{}, err
	}
	cur, err := s.versionAt(ctx, project, id, version, base, note)
	if err != nil {
		return Version{}, err
	}
	if !cur.Status.Editable() {
		hint := "start a new version"
		if cur.Status == Proposed {
			hint = "move it back to draft first"
		}
		return Version{}, accord.Errorf(accord.FailedPrecondition, "version %s of %s is %s and cannot change; %s",
			version, cur.Spec.Service, cur.Status, hint)
	}
	if err := spec.Validate(); err != nil {
		return Version{}, err
	}
	if spec.Service != cur.Spec.Service {
		return Version{}, &accord.Error{Code: accord.Invalid, Message: "invalid contract",
			Fields: []accord.FieldError{{Field: "service", Message: fmt.Sprintf("cannot change from %q; a different service needs its own contract", cur.Spec.Service)}}}
	}
	next := cur
	next.Spec, next.Note, next.Stamp = spec.Clone(), note, cur.Stamp.Next(actor.ID, s.clock.Now())
	next, err = s.store.UpdateVersion(ctx, svc.Revision(next, accord.RevisionEdited, note))
	if err != nil {
		return Version{}, err
	}
	s.pub.Publish(ctx, EventVersionUpdated, project, next.Ref(), actor, "%s %s edited by %s: %s (revision %d)", spec.Service, version, actor.ID, diff.Describe(diff.Paths(Diff(cur, next))), next.Revision)
	return next, nil
}

// versionAt reads the version a change starts from: it must be at
// revision base, and the change's note within bounds.
func (s *Service) versionAt(ctx context.Context, project, id, version string, base int, note string) (Version, error) {
	if err := checkNote(note); err != nil {
		return Version{}, err
	}
	cur, err := s.store.GetVersion(ctx, project, id, version)
	if err != nil {
		return Version{}, err
	}
	return cur, svc.CheckBase("version "+cur.Version+" of "+cur.Spec.Service, base, cur.Revision)
}

// Transition moves a version along draft → proposed → agreed → deprecated
// (proposed may go back to draft, with a note saying why). Proposing needs a
// lint without errors; every move asks the TransitionGate, which is where a
// contract review is required before agreeing.
// Errors: Unauthenticated, Invalid (unknown status, missing note),
// NotFound, Conflict (stale base), FailedPrecondition (not allowed from the
// current status, lint errors, or refused by the gate).
func (s *Service) Transition(ctx context.Context, project, id, version string, base int, to Status, note string) (Version, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Version{}, err
	}
	if !to.Valid() {
		return Version{}, transitions.Check("", "", to, Statuses())
	}
	cur, err := s.versionAt(ctx, project, id, version, base, note)
	if err != nil {
		return Version{}, err
	}
	if err := transitions.Check("version "+version+" of "+cur.Spec.Service, cur.Status, to, Statuses()); err != nil {
		return Version{}, err
	}
	if cur.Status == Proposed && to == Draft && strings.TrimSpace(note) == "" {
		return Version{}, &accord.Error{Code: accord.Invalid, Message: "invalid transition",
			Fields: []accord.FieldError{{Field: "note", Message: "required when sending a proposal back to draft: tell the others why"}}}
	}
	if to == Proposed {
		if findings := Lint(cur.Spec); HasErrors(findings) {
			var msgs []string
			for _, f := range findings {
				if f.Severity == SeverityError {
					msgs = append(msgs, f.Field+": "+f.Message+" ("+f.Rule+")")
				}
			}
			return Version{}, accord.Errorf(accord.FailedPrecondition, "version %s of %s cannot be proposed while lint reports errors: %s",
				version, cur.Spec.Service, strings.Join(msgs, "; "))
		}
	}
	next := cur
	if to == Proposed {
		compat, err := s.compatibility(ctx, cur)
		if err != nil {
			return Version{}, err
		}
		if err := breakingGate(cur, compat); err != nil {
			return Version{}, err
		}
		next.Compatibility = &compat
	}
	if s.gate != nil {
		if err := s.gate.CheckTransition(ctx, next.Clone(), to); err != nil {
			return Version{}, err
		}
	}
	next.Status, next.Note, next.Stamp = to, note, cur.Stamp.Next(actor.ID, s.clock.Now())
	next, err = s.store.UpdateVersion(ctx, svc.Revision(next, accord.RevisionTransitioned, note))
	if err != nil {
		return Version{}, err
	}
	s.pub.Publish(ctx, EventVersionTransitioned, project, next.Ref(), actor, "%s %s moved from %s to %s by %s",
		cur.Spec.Service, version, cur.Status, to, actor.ID)
	return next, nil
}

// Compatibility judges a version against the latest agreed version lower
// than it, as proposing it will (Base is empty when there is none).
// Errors: Invalid (bad project), NotFound.
func (s *Service) Compatibility(ctx context.Context, project, id, version string) (Compatibility, error) {
	v, err := s.Version(ctx, project, id, version)
	if err != nil {
		return Compatibility{}, err
	}
	return s.compatibility(ctx, v)
}

func (s *Service) compatibility(ctx context.Context, v Version) (Compatibility, error) {
	all, err := s.store.ListVersions(ctx, v.Project, v.ContractID)
	if err != nil {
		return Compatibility{}, err
	}
	var base *Version
	for i, o := range all {
		if o.Status != Agreed {
			continue
		}
		below, err := CompareVersions(o.Version, v.Version)
		if err != nil || below >= 0 {
			continue
		}
		if base == nil {
			base = &all[i]
		} else if newer, _ := CompareVersions(o.Version, base.Version); newer > 0 {
			base = &all[i]
		}
	}
	if base == nil {
		return Compatibility{Changes: []Change{}, Ignored: []Change{}}, nil
	}
	policy, err := s.store.GetSettings(ctx, v.Project)
	if err != nil {
		return Compatibility{}, err
	}
	changes, ignored := policy.Apply(Compare(base.Spec, v.Spec), s.clock.Now())
	c := Compatibility{Base: base.Version, Breaking: len(BreakingChanges(changes)), Changes: changes, Ignored: ignored}
	if c.Breaking > 0 {
		c.Approvers = slices.Clone(policy.BreakingApprovers)
	}
	return c, nil
}

// breakingGate refuses to propose a version with breaking changes unless
// its major version is higher than the base's or every breaking change
// was acknowledged.
func breakingGate(v Version, c Compatibility) error {
	if c.Breaking == 0 {
		return nil
	}
	a, errA := parseSemver(c.Base)
	b, errB := parseSemver(v.Version)
	if errA == nil && errB == nil && b.major > a.major {
		return nil
	}
	var open []string
	for _, ch := range BreakingChanges(c.Changes) {
		if v.Acknowledged == nil || !slices.Contains(v.Acknowledged.Fingerprints, ch.Fingerprint) {
			where := ch.Operation
			if where == "" {
				where = ch.Location
			}
			open = append(open, fmt.Sprintf("%s (%s): %s [%s]", ch.ID, where, ch.Message, ch.Fingerprint))
		}
	}
	if len(open) == 0 {
		return nil
	}
	shown := open
	if len(shown) > 5 {
		shown = append(slices.Clone(shown[:5]), fmt.Sprintf("and %d more", len(open)-5))
	}
	return accord.Errorf(accord.FailedPrecondition,
		"version %s of %s breaks callers of %s with %d change(s) not acknowledged: %s; make it a new major version, or acknowledge the breaking changes with a note",
		v.Version, v.Spec.Service, c.Base, len(open), strings.Join(shown, "; "))
}

// AcknowledgeBreaking records that the breaking changes a draft or
// proposed version makes against its base (see Compatibility) are accepted
// without a major version bump, with a note saying why. Changes made later
// that break something else need their own acknowledgement.
// Errors: Unauthenticated, Invalid (no note), NotFound, Conflict (stale
// base), FailedPrecondition (agreed or deprecated, or nothing breaking).
func (s *Service) AcknowledgeBreaking(ctx context.Context, project, id, version string, base int, note string) (Version, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Version{}, err
	}
	if strings.TrimSpace(note) == "" {
		return Version{}, &accord.Error{Code: accord.Invalid, Message: "invalid acknowledgement",
			Fields: []accord.FieldError{{Field: "note", Message: "required: say why callers may be broken without a new major version"}}}
	}
	cur, err := s.versionAt(ctx, project, id, version, base, note)
	if err != nil {
		return Version{}, err
	}
	if cur.Status != Draft && cur.Status != Proposed {
		return Version{}, accord.Errorf(accord.FailedPrecondition, "version %s is %s: only a draft or proposed version can acknowledge breaking changes", version, cur.Status)
	}
	compat, err := s.compatibility(ctx, cur)
	if err != nil {
		return Version{}, err
	}
	if compat.Base == "" {
		return Version{}, accord.Errorf(accord.FailedPrecondition, "version %s has no agreed version before it: there is nothing to acknowledge", version)
	}
	if compat.Breaking == 0 {
		return Version{}, accord.Errorf(accord.FailedPrecondition, "version %s breaks nothing in %s: there is nothing to acknowledge", version, compat.Base)
	}
	now := s.clock.Now()
	next := cur
	next.Acknowledged = &Acknowledgement{By: actor.ID, Time: now, Note: note}
	for _, ch := range BreakingChanges(compat.Changes) {
		next.Acknowledged.Fingerprints = append(next.Acknowledged.Fingerprints, ch.Fingerprint)
	}
	next.Compatibility = &compat
	next.Note, next.Stamp = note, cur.Stamp.Next(actor.ID, now)
	next, err = s.store.UpdateVersion(ctx, svc.Revision(next, accord.RevisionEdited, note))
	if err != nil {
		return Version{}, err
	}
	s.pub.Publish(ctx, EventBreakingAcknowledged, project, next.Ref(), actor, "%s %s: %d breaking change(s) against %s acknowledged by %s: %s",
		cur.Spec.Service, version, compat.Breaking, compat.Base, actor.ID, note)
	return next, nil
}

// ContractHistory returns every revision of the contract itself, oldest
// first: its creation, deletions and restorations (its versions keep
// their own, see History). A deleted contract answers by its ID, its
// tombstone last.
// Errors: Invalid (bad project), NotFound.
func (s *Service) ContractHistory(ctx context.Context, project, id string) ([]accord.Revision[Contract], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListContractRevisions(ctx, project, id)
}

// History returns every revision of a version, oldest first: the edits of
// its draft and its status changes.
// Errors: Invalid (bad project), NotFound.
func (s *Service) History(ctx context.Context, project, id, version string) ([]accord.Revision[Version], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListVersionRevisions(ctx, project, id, version)
}

// Revision returns revision n of a version.
// Errors: Invalid (bad project), NotFound (version or revision).
func (s *Service) Revision(ctx context.Context, project, id, version string, n int) (accord.Revision[Version], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Revision[Version]{}, err
	}
	return s.store.GetVersionRevision(ctx, project, id, version, n)
}

// DiffRevisions returns the field-level changes between revisions from and
// to of one version (see Diff).
// Errors: Invalid (bad project), NotFound (version or either revision).
func (s *Service) DiffRevisions(ctx context.Context, project, id, version string, from, to int) ([]accord.FieldChange, error) {
	a, err := s.Revision(ctx, project, id, version, from)
	if err != nil {
		return nil, err
	}
	b, err := s.store.GetVersionRevision(ctx, project, id, version, to)
	if err != nil {
		return nil, err
	}
	return Diff(a.Record, b.Record), nil
}

// DiffVersions returns the field-level changes from version from to
// version to of one contract, each at its current revision (see Diff).
// Errors: Invalid (bad project), NotFound (either version).
func (s *Service) DiffVersions(ctx context.Context, project, id, from, to string) ([]accord.FieldChange, error) {
	a, err := s.Version(ctx, project, id, from)
	if err != nil {
		return nil, err
	}
	b, err := s.store.GetVersion(ctx, project, id, to)
	if err != nil {
		return nil, err
	}
	return Diff(a, b), nil
}

// Changes judges the changes from version from to version to of
// one contract for the callers of from (see Compare), under the project's
// policy: levels as it sets them, ignored findings left out.
// Errors: Invalid (bad project), NotFound (either version).
func (s *Service) Changes(ctx context.Context, project, id, from, to string) ([]Change, error) {
	a, err := s.Version(ctx, project, id, from)
	if err != nil {
		return nil, err
	}
	b, err := s.Version(ctx, project, id, to)
	if err != nil {
		return nil, err
	}
	policy, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return nil, err
	}
	changes, _ := policy.Apply(Compare(a.Spec, b.Spec), s.clock.Now())
	return changes, nil
}

// Lint reports the findings of a stored version (see Lint).
// Errors: Invalid (bad project), NotFound.
func (s *Service) Lint(ctx context.Context, project, id, version string) ([]Finding, error) {
	v, err := s.Version(ctx, project, id, version)
	if err != nil {
		return nil, err
	}
	findings := Lint(v.Spec)
	if findings == nil {
		findings = []Finding{}
	}
	return findings, nil
}

// Validator returns the compiled validator of a stored version. It is
// compiled once per version revision and cached.
// Errors: Invalid (bad project, or a spec that does not compile), NotFound.
func (s *Service) Validator(ctx context.Context, project, id, version string) (*Validator, error) {
	v, err := s.Version(ctx, project, id, version)
	if err != nil {
		return nil, err
	}
	key := cacheKey{project, id, version, v.Revision}
	s.mu.Lock()
	cached := s.cache[key]
	s.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	compiled, err := Compile(v.Spec)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cache) >= maxCached {
		for k := range s.cache {
			delete(s.cache, k)
			break
		}
	}
	s.cache[key] = compiled
	return compiled, nil
}

// OpenAPI exports a stored version as an OpenAPI 3.1 document.
// Errors: Invalid (bad project), NotFound.
func (s *Service) OpenAPI(ctx context.Context, project, id, version string) ([]byte, error) {
	v, err := s.Version(ctx, project, id, version)
	if err != nil {
		return nil, err
	}
	return OpenAPI(v.Spec, v.Version)
}
