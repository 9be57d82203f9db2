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

	versions svc.Commands[Version, *Version]

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
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock, gate: opts.Gate, cache: map[cacheKey]*Validator{}}
	s.versions = svc.Commands[Version, *Version]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Version]{
		Get: func(ctx context.Context, project, ref string) (Version, error) {
			id, version, _ := strings.Cut(ref, "@")
			return opts.Store.GetVersion(ctx, project, id, version)
		},
		Update:  opts.Store.UpdateVersion,
		Name:    func(v Version) (string, string) { return "", v.Spec.Service + " " + v.Version },
		Label:   func(v Version) string { return "version " + v.Version + " of " + v.Spec.Service },
		Content: ContentChanges,
	}}
	return s, nil
}

// versionRef is how the command path names a version: contract ID and
// version, as Version.Ref does.
func versionRef(id, version string) string { return id + "@" + version }

func checkVersion(version string) error {
	if _, err := parseSemver(version); err != nil {
		return accord.InvalidField("version", "version", "%s", err.Error())
	}
	return nil
}

// checkNote refuses a note longer than svc.MaxText.
func checkNote(note string) error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "note", note, svc.MaxText, false)
	return errs.Err("request")
}

// Create stores a new contract for in.Spec.Service with its first version,
// a draft, and returns that version: in contracts the record every later
// command changes is a version, and its revision is the next command's
// base (the contract is its ContractID). Errors: Unauthenticated, Invalid
// (bad project, version or spec), Conflict (the service already has a
// contract in the project).
func (s *Service) Create(ctx context.Context, project string, in NewContract) (Version, error) {
	version, spec, note := in.Version, in.Spec, in.Note
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
	s.pub.Send(ctx, accord.Event{Kind: EventCreated, Project: project, Ref: c.Ref(), Title: c.Service, Revision: c.Revision, Actor: actor,
		Summary: fmt.Sprintf("contract for %s created at %s by %s", c.Service, version, actor.ID)})
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
	var errs accord.FieldErrors
	svc.CheckQuery(&errs, "q", f.Text, false)
	if err := errs.Err("filter"); err != nil {
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
func (s *Service) NewVersion(ctx context.Context, project, id string, in NewVersionInput) (Version, error) {
	from, version, note := in.From, in.Version, in.Note
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
	s.versions.Publish(ctx, project, v, actor, EventVersionCreated, "%s %s started from %s by %s", v.Spec.Service, version, from, actor.ID)
	return v, nil
}

// UpdateVersion replaces the spec of a draft version. base is the revision
// the change starts from. Errors: Unauthenticated, Invalid (bad spec, or a
// different service name), NotFound, Conflict (stale base),
// FailedPrecondition (the version is no longer a draft).
func (s *Service) UpdateVersion(ctx context.Context, project, id, version string, base int, in SpecInput) (Version, error) {
	if err := checkNote(in.Note); err != nil {
		return Version{}, err
	}
	var before Version
	return s.versions.Run(ctx, svc.Change[Version]{Project: project, Ref: versionRef(id, version), Base: base, RequireBase: true,
		Edit: func(v *Version, c *svc.Cmd) error {
			if !v.Status.Editable() {
				hint := "start a new version"
				if v.Status == Proposed {
					hint = "move it back to draft first"
				}
				return accord.Errorf(accord.FailedPrecondition, "version %s of %s is %s and cannot change; %s",
					version, v.Spec.Service, v.Status, hint)
			}
			if err := in.Spec.Validate(); err != nil {
				return err
			}
			if in.Spec.Service != v.Spec.Service {
				return accord.InvalidField("contract", "service", "cannot change from %q; a different service needs its own contract", v.Spec.Service)
			}
			before = *v
			v.Spec, v.Note = in.Spec.Clone(), in.Note
			c.Note = in.Note
			return nil
		},
		Stored: func(next Version, c *svc.Cmd) {
			c.Event(EventVersionUpdated, "%s %s edited by %s: %s (revision %d)", next.Spec.Service, version, c.Actor.ID, diff.Describe(diff.Paths(Diff(before, next))), next.Revision)
		}})
}

// Transition moves a version along draft → proposed → agreed → deprecated
// (proposed may go back to draft, with a note saying why). Proposing needs a
// lint without errors; every move asks the TransitionGate, which is where a
// contract review is required before agreeing.
// Errors: Unauthenticated, Invalid (unknown status, missing note),
// NotFound, Conflict (stale base), FailedPrecondition (not allowed from the
// current status, lint errors, or refused by the gate).
func (s *Service) Transition(ctx context.Context, project, id, version string, base int, in TransitionInput) (Version, error) {
	to, note := in.To, in.Note
	if !to.Valid() {
		if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
			return Version{}, err
		}
		return Version{}, transitions.Check("", "", to, Statuses())
	}
	if err := checkNote(note); err != nil {
		return Version{}, err
	}
	return s.versions.Run(ctx, svc.Change[Version]{Project: project, Ref: versionRef(id, version), Base: base, RequireBase: true,
		Edit: func(v *Version, c *svc.Cmd) error {
			from := v.Status
			if err := transitions.Check("version "+version+" of "+v.Spec.Service, from, to, Statuses()); err != nil {
				return err
			}
			if from == Proposed && to == Draft && strings.TrimSpace(note) == "" {
				return accord.InvalidField("transition", "note", "required when sending a proposal back to draft: tell the others why")
			}
			if to == Proposed {
				if findings := Lint(v.Spec); HasErrors(findings) {
					var msgs []string
					for _, f := range findings {
						if f.Severity == SeverityError {
							msgs = append(msgs, f.Field+": "+f.Message+" ("+f.Rule+")")
						}
					}
					return accord.Errorf(accord.FailedPrecondition, "version %s of %s cannot be proposed while lint reports errors: %s",
						version, v.Spec.Service, strings.Join(msgs, "; "))
				}
				compat, err := s.compatibility(ctx, *v)
				if err != nil {
					return err
				}
				if err := breakingGate(*v, compat); err != nil {
					return err
				}
				v.Compatibility = &compat
			}
			if s.gate != nil {
				if err := s.gate.CheckTransition(ctx, v.Clone(), to); err != nil {
					return err
				}
			}
			v.Status, v.Note = to, note
			c.Kind, c.Note = accord.RevisionTransitioned, note
			c.Event(EventVersionTransitioned, "%s %s moved from %s to %s by %s", v.Spec.Service, version, from, to, c.Actor.ID)
			return nil
		}})
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

// AcknowledgeInput says why breaking changes are accepted: the input of
// AcknowledgeBreaking. The note is required.
type AcknowledgeInput struct {
	Note string `json:"note"`
}

// AcknowledgeBreaking records that the breaking changes a draft or
// proposed version makes against its base (see Compatibility) are accepted
// without a major version bump, with a note saying why. Changes made later
// that break something else need their own acknowledgement.
// Errors: Unauthenticated, Invalid (no note), NotFound, Conflict (stale
// base), FailedPrecondition (agreed or deprecated, or nothing breaking).
func (s *Service) AcknowledgeBreaking(ctx context.Context, project, id, version string, base int, in AcknowledgeInput) (Version, error) {
	note := in.Note
	if strings.TrimSpace(note) == "" {
		if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
			return Version{}, err
		}
		return Version{}, accord.InvalidField("acknowledgement", "note", "required: say why callers may be broken without a new major version")
	}
	if err := checkNote(note); err != nil {
		return Version{}, err
	}
	return s.versions.Run(ctx, svc.Change[Version]{Project: project, Ref: versionRef(id, version), Base: base, RequireBase: true,
		Edit: func(v *Version, c *svc.Cmd) error {
			if v.Status != Draft && v.Status != Proposed {
				return accord.Errorf(accord.FailedPrecondition, "version %s is %s: only a draft or proposed version can acknowledge breaking changes", version, v.Status)
			}
			compat, err := s.compatibility(ctx, *v)
			if err != nil {
				return err
			}
			if compat.Base == "" {
				return accord.Errorf(accord.FailedPrecondition, "version %s has no agreed version before it: there is nothing to acknowledge", version)
			}
			if compat.Breaking == 0 {
				return accord.Errorf(accord.FailedPrecondition, "version %s breaks nothing in %s: there is nothing to acknowledge", version, compat.Base)
			}
			v.Acknowledged = &Acknowledgement{By: c.Actor.ID, Time: c.Now, Note: note}
			for _, ch := range BreakingChanges(compat.Changes) {
				v.Acknowledged.Fingerprints = append(v.Acknowledged.Fingerprints, ch.Fingerprint)
			}
			v.Compatibility = &compat
			v.Note = note
			c.Note = note
			c.Event(EventBreakingAcknowledged, "%s %s: %d breaking change(s) against %s acknowledged by %s: %s",
				v.Spec.Service, version, compat.Breaking, compat.Base, c.Actor.ID, note)
			return nil
		}})
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
