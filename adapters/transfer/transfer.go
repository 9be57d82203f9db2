// Package transfer moves a whole project between stores as one JSON
// document: every record with every revision, and each domain's settings,
// so a team can move from the SQLite default to PostgreSQL, or back up
// and restore (`accord export`, `accord import`).
//
// Export returns the document; Write (and Exporter.WriteTo, which checks
// the caller's permission first) writes the same document as JSON a page
// of records at a time, with the revisions of just those records, so a
// server's memory is bounded by a page, not by the project: the reference
// API's GET /v1/projects/{project}/export and `accord export` use it.
//
// Import replays each record's revisions through the target's stores
// (create, then update after update), so the records, their revisions
// (numbers, authors, times, notes) and their keys come out identical.
// Requirements, change requests, glossary terms, risks and links, the
// bulk of a project, go in bulk when their store offers it
// (adapters/sqlstore's ImportRequirements, ImportChangeRequests,
// ImportTerms, ImportRisks and ImportLinks: a few
// multi-row statements instead of a round trip per revision), with the
// same result, in time linear in the document.
// It writes into a project that does not exist in the target yet, and
// refuses otherwise.
//
// Deleted requirements, glossary terms, reviews, risks, retrospectives,
// contracts and links go too (the stores' ListDeleted… calls find them),
// with every revision, the tombstone last; Import replays a tombstone
// through the store's Delete…, so they stay hidden, restorable within
// accord.RetentionWindow of their deletion, their keys taken. A deleted
// contract takes its versions and test runs with it (contract.Store's
// ListDeletedVersions and ListDeletedTestRuns), and every contract
// carries its own revisions (created, deleted, restored), which Import
// replays in order. Not yet: the change requests of deleted
// requirements, which the store hides with their parent and lists for
// no one.
//
// Left out: secrets (webhook signing secrets, the private part of an open
// anonymous retrospective: its pseudonym secret and whose cards, votes and
// health answers are whose), API tokens, webhook subscriptions and their
// delivery logs, watches, and the outbox: they belong to an installation,
// not to a project's content. An anonymous retrospective imported while
// open therefore takes no more input from participants; closed, it is
// complete. Every revision of an anonymous retrospective goes out and comes
// in without authors, voters or respondents (retro.Retro.Anonymized), even
// from a store that an earlier version of accord wrote them into.
package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// Format names the document's shape; Import refuses any other.
const Format = "accord.project/1"

// MaxDocumentBytes is the largest document Read accepts: 256 MiB, many
// times a busy project's years of history, and a bound on the memory an
// import takes.
const MaxDocumentBytes = 256 << 20

// Read decodes one document from r: at most MaxDocumentBytes, no unknown
// fields. Errors: Invalid, naming what is wrong with the document.
func Read(r io.Reader) (Document, error) {
	var d Document
	lr := &io.LimitedReader{R: r, N: MaxDocumentBytes + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	err := dec.Decode(&d)
	if lr.N <= 0 {
		return Document{}, accord.InvalidField("project export", "(document)", "is larger than %d bytes (MaxDocumentBytes)", MaxDocumentBytes)
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("it is empty")
		}
		return Document{}, accord.Errorf(accord.Invalid, "not an accord project export: %v", err)
	}
	return d, nil
}

// needed says which of the stores Export and Import use is missing: the
// stores of every domain that holds a project's content are required
// (webhooks and watches belong to an installation and are left out).
func needed(s adapters.Stores) error {
	var errs accord.FieldErrors
	for _, st := range []struct {
		name  string
		store any
	}{{"Projects", s.Projects}, {"Requirements", s.Requirements}, {"Contracts", s.Contracts}, {"Reviews", s.Reviews},
		{"Risks", s.Risks}, {"Retros", s.Retros}, {"Plans", s.Plans}, {"Traces", s.Traces}} {
		if v := reflect.ValueOf(st.store); st.store == nil || v.Kind() == reflect.Pointer && v.IsNil() {
			errs.Add("stores."+st.name, "required: a project's content lives there")
		}
	}
	return errs.Err("incomplete stores")
}

// Document is a whole project: each record as the list of its revisions,
// oldest first (the last is the record as it stands).
type Document struct {
	Format         string                                         `json:"format"`
	Exported       time.Time                                      `json:"exported"`
	Project        []accord.Revision[project.Project]             `json:"project"`
	Requirements   [][]accord.Revision[requirement.Requirement]   `json:"requirements"`
	ChangeRequests [][]accord.Revision[requirement.ChangeRequest] `json:"change_requests"`
	Terms          [][]accord.Revision[requirement.Term]          `json:"glossary"`
	Contracts      []ContractHistory                              `json:"contracts"`
	TestRuns       []contract.TestRun                             `json:"test_runs"`
	Reviews        [][]accord.Revision[review.Review]             `json:"reviews"`
	Risks          [][]accord.Revision[risk.Risk]                 `json:"risks"`
	Retros         [][]accord.Revision[retro.Retro]               `json:"retros"`
	Iterations     [][]accord.Revision[plan.Iteration]            `json:"iterations"`
	Milestones     [][]accord.Revision[plan.Milestone]            `json:"milestones"`
	Questions      [][]accord.Revision[plan.Question]             `json:"questions"`
	Links          [][]accord.Revision[trace.Link]                `json:"links"`
	// External holds the references to tracker items, when the stores
	// have them; left out when there are none, so a document without
	// them reads as before.
	External [][]accord.Revision[external.Reference] `json:"external_references,omitempty"`
	Settings Settings                                `json:"settings"`
}

// ContractHistory is a contract with its own revisions and every
// version's revisions, in the order the versions were made.
//
// Revisions were added to format accord.project/1 without changing it:
// they are left out while a contract has only its creation, so an export
// of a project whose contracts were never deleted reads as before, and
// an importer that predates them refuses (as an unknown field) what it
// could not replay. Import reads a document without them as a contract
// at revision 1.
type ContractHistory struct {
	// Contract is the contract as it stands: for a deleted one, its
	// tombstone.
	Contract contract.Contract `json:"contract"`
	// Revisions are the contract's own revisions, oldest first, the last
	// being Contract: its creation, then each deletion and restoration.
	// Empty while the contract has only its creation.
	Revisions []accord.Revision[contract.Contract] `json:"revisions,omitempty"`
	// Versions are its versions' revisions, deleted contract or not.
	Versions [][]accord.Revision[contract.Version] `json:"versions"`
	// TestRuns are a deleted contract's test runs, in creation order
	// (a live contract's are the document's TestRuns): Import creates
	// them before the contract's tombstone, and they come back when it
	// is restored (listed then before the runs of contracts that stayed
	// live, since a list goes by when the target stored them).
	TestRuns []contract.TestRun `json:"test_runs,omitempty"`
}

// Settings are each domain's project settings as they stand (revision 0:
// never set).
type Settings struct {
	Requirements requirement.Settings `json:"requirements"`
	Contracts    contract.Settings    `json:"contracts"`
	Reviews      review.Settings      `json:"reviews"`
	Risks        risk.Settings        `json:"risks"`
	Retros       retro.Settings       `json:"retros"`
	Plans        plan.Settings        `json:"plans"`
}

// Exporter exports projects on behalf of their members: only a caller
// holding the permission project.export (admins, by default) may take a
// whole project away. The reference API serves it at
// GET /v1/projects/{project}/export, written with WriteTo.
type Exporter struct {
	Stores     adapters.Stores
	Authorizer accord.Authorizer // optional: accord.ActorRoles without it
	Clock      accord.Clock      // optional: accord.SystemClock()
}

// Export reads the whole project for the actor in ctx.
// Errors: Unauthenticated, Invalid (bad key), NotFound (no such project,
// or the actor is not a member), PermissionDenied (no project.export).
func (e Exporter) Export(ctx context.Context, key string) (Document, error) {
	if _, err := (svc.Guard{Authz: e.Authorizer}).Begin(ctx, key, accord.PermProjectExport); err != nil {
		return Document{}, err
	}
	return Export(ctx, e.Stores, key, e.now())
}

func (e Exporter) now() time.Time {
	clock := e.Clock
	if clock == nil {
		clock = accord.SystemClock()
	}
	return clock.Now().UTC()
}

// Export reads the whole project, for whoever holds the stores (the
// operator's `accord export`); Exporter checks the caller's permission
// first. It holds the whole document in memory: Write writes the same
// document a page of records at a time. Errors: Invalid (a store of a
// domain with content is missing), NotFound (no such project).
func Export(ctx context.Context, s adapters.Stores, key string, now time.Time) (Document, error) {
	d := Document{Format: Format, Exported: now}
	if err := needed(s); err != nil {
		return d, err
	}
	if _, err := s.Projects.GetProject(ctx, key); err != nil {
		return d, err
	}
	var err error
	if d.Project, err = s.Projects.ListProjectRevisions(ctx, key); err != nil {
		return d, err
	}
	reqs, err := svc.All(ctx, key, requirement.Filter{}, s.Requirements.ListRequirements)
	if err != nil {
		return d, err
	}
	deletedReqs, err := svc.All(ctx, key, struct{}{}, unfiltered(s.Requirements.ListDeletedRequirements))
	if err != nil {
		return d, err
	}
	k := kindsOf(s, key)
	if d.Requirements, err = k.requirements.of(ctx, withDeleted(reqs, deletedReqs, k.requirements.seq)); err != nil {
		return d, err
	}
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		ids[i] = r.ID
	}
	crs, err := changeRequests(ctx, s.Requirements, key, ids)
	if err != nil {
		return d, err
	}
	if d.ChangeRequests, err = k.changeRequests.of(ctx, crs); err != nil {
		return d, err
	}
	terms, err := s.Requirements.ListTerms(ctx, key)
	if err != nil {
		return d, err
	}
	deletedTerms, err := svc.All(ctx, key, struct{}{}, unfiltered(s.Requirements.ListDeletedTerms))
	if err != nil {
		return d, err
	}
	if d.Terms, err = k.terms.of(ctx, withDeleted(terms, deletedTerms, nil)); err != nil {
		return d, err
	}
	contracts, err := svc.All(ctx, key, contract.Filter{}, s.Contracts.ListContracts)
	if err != nil {
		return d, err
	}
	deletedContracts, err := svc.All(ctx, key, struct{}{}, unfiltered(s.Contracts.ListDeletedContracts))
	if err != nil {
		return d, err
	}
	// Deleted first, like terms: a deleted contract's service name may be
	// a live contract's now (a contract's name never changes).
	for _, c := range withDeleted(contracts, deletedContracts, nil) {
		h, err := contractHistory(ctx, s.Contracts, key, c)
		if err != nil {
			return d, err
		}
		d.Contracts = append(d.Contracts, h)
	}
	if d.TestRuns, err = svc.All(ctx, key, contract.TestRunFilter{}, s.Contracts.ListTestRuns); err != nil {
		return d, err
	}
	if d.Reviews, err = listedWithDeleted(ctx, key, k.reviews); err != nil {
		return d, err
	}
	if d.Risks, err = listedWithDeleted(ctx, key, k.risks); err != nil {
		return d, err
	}
	if d.Retros, err = listedWithDeleted(ctx, key, k.retros); err != nil {
		return d, err
	}
	if d.Iterations, err = listedWithDeleted(ctx, key, k.iterations); err != nil {
		return d, err
	}
	if d.Milestones, err = listedWithDeleted(ctx, key, k.milestones); err != nil {
		return d, err
	}
	if d.Questions, err = listedWithDeleted(ctx, key, k.questions); err != nil {
		return d, err
	}
	if d.Links, err = listedWithDeleted(ctx, key, k.links); err != nil {
		return d, err
	}
	if s.External != nil {
		if d.External, err = listedWithDeleted(ctx, key, k.external); err != nil {
			return d, err
		}
	}
	d.Settings, err = settings(ctx, s, key)
	return d, err
}

// settings reads each domain's settings of the project.
func settings(ctx context.Context, s adapters.Stores, key string) (Settings, error) {
	var st Settings
	var err error
	if st.Requirements, err = s.Requirements.GetSettings(ctx, key); err != nil {
		return st, err
	}
	if st.Contracts, err = s.Contracts.GetSettings(ctx, key); err != nil {
		return st, err
	}
	if st.Reviews, err = s.Reviews.GetSettings(ctx, key); err != nil {
		return st, err
	}
	if st.Risks, err = s.Risks.GetSettings(ctx, key); err != nil {
		return st, err
	}
	if st.Retros, err = s.Retros.GetSettings(ctx, key); err != nil {
		return st, err
	}
	st.Plans, err = s.Plans.GetSettings(ctx, key)
	return st, err
}

// contractHistory reads a contract's own revisions, its versions' and,
// deleted, its test runs.
func contractHistory(ctx context.Context, s contract.Store, key string, c contract.Contract) (ContractHistory, error) {
	h := ContractHistory{Contract: c}
	listVersions := s.ListVersions
	if c.Deleted != nil {
		listVersions = s.ListDeletedVersions
	}
	versions, err := listVersions(ctx, key, c.ID)
	if err != nil {
		return h, err
	}
	revs, err := s.ListContractRevisions(ctx, key, c.ID)
	if err != nil {
		return h, err
	}
	if len(revs) > 1 {
		h.Revisions = revs
	}
	if c.Deleted != nil {
		if h.TestRuns, err = s.ListDeletedTestRuns(ctx, key, c.ID); err != nil {
			return h, err
		}
	}
	h.Versions = make([][]accord.Revision[contract.Version], 0, len(versions))
	for _, v := range versions {
		vrevs, err := s.ListVersionRevisions(ctx, key, c.ID, v.Version)
		if err != nil {
			return h, err
		}
		h.Versions = append(h.Versions, vrevs)
	}
	return h, nil
}

// changeRequests returns the change requests of the live requirements
// ids names, requirement by requirement, each one's in creation order: a
// query per 500 requirements when the store offers it (adapters/sqlstore's
// ChangeRequestsOf), else one ListChangeRequests call per requirement.
func changeRequests(ctx context.Context, s requirement.Store, key string, ids []string) ([]requirement.ChangeRequest, error) {
	var crs []requirement.ChangeRequest
	b, ok := s.(interface {
		ChangeRequestsOf(context.Context, string, []string) ([]requirement.ChangeRequest, error)
	})
	if !ok {
		for _, id := range ids {
			more, err := s.ListChangeRequests(ctx, key, id)
			if err != nil {
				return nil, err
			}
			crs = append(crs, more...)
		}
		return crs, nil
	}
	all, err := b.ChangeRequestsOf(ctx, key, ids)
	if err != nil {
		return nil, err
	}
	of := map[string][]requirement.ChangeRequest{}
	for _, c := range all {
		of[c.RequirementID] = append(of[c.RequirementID], c)
	}
	for _, id := range ids {
		crs = append(crs, of[id]...)
	}
	return crs, nil
}

// listedWithDeleted reads a kind's live records and deleted ones in the
// order withDeleted gives, each as its revisions.
func listedWithDeleted[T any](ctx context.Context, project string, k kind[T]) ([][]accord.Revision[T], error) {
	live, err := all(ctx, k.live)
	if err != nil {
		return nil, err
	}
	gone, err := all(ctx, k.deleted)
	if err != nil {
		return nil, err
	}
	return k.of(ctx, withDeleted(live, gone, k.seq))
}

// all reads every page of a list (none: nil list).
func all[T any](ctx context.Context, list lister[T]) ([]T, error) {
	if list == nil {
		return nil, nil
	}
	var out []T
	q := accord.PageQuery{Size: accord.MaxPageSize}
	for {
		page, err := list(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextPageToken == "" {
			return out, nil
		}
		q.Token = page.NextPageToken
	}
}

// unfiltered makes a store's ListDeleted… call fit svc.All.
func unfiltered[T any](list func(context.Context, string, accord.PageQuery) (accord.Page[T], error)) func(context.Context, string, struct{}, accord.PageQuery) (accord.Page[T], error) {
	return func(ctx context.Context, project string, _ struct{}, q accord.PageQuery) (accord.Page[T], error) {
		return list(ctx, project, q)
	}
}

// withDeleted returns the live records and the deleted ones in the order
// an import must create them. Records with keys go by key (seq reads its
// number), since a store keeps a key given in advance only above the
// project's last. Records without (seq nil) go deleted first: a unique
// name a deleted record held may be held by a live one now, and is free
// again once the deleted one is replayed to its tombstone. Either order
// comes out of an import the same, so exports of the import match.
func withDeleted[T any](live, deleted []T, seq func(T) (int, bool)) []T {
	if seq == nil {
		return append(slices.Clip(deleted), live...)
	}
	out := append(slices.Clip(live), deleted...)
	slices.SortStableFunc(out, func(a, b T) int {
		na, _ := seq(a)
		nb, _ := seq(b)
		return na - nb
	})
	return out
}

// anonymized returns retrospectives' revisions with every anonymous one
// Anonymized, leaving retros as they are.
func anonymized(retros [][]accord.Revision[retro.Retro]) [][]accord.Revision[retro.Retro] {
	out := make([][]accord.Revision[retro.Retro], len(retros))
	for i, revs := range retros {
		out[i] = make([]accord.Revision[retro.Retro], len(revs))
		for j, v := range revs {
			v.Record = v.Record.Anonymized()
			out[i][j] = v
		}
	}
	return out
}

// replay writes one record's revisions: the first creates it, each next
// one updates it, and a tombstone (a revision of kind
// accord.RevisionDeleted) goes through del, the store's Delete…, so the
// record is hidden as it was in the source (a restoring revision is an
// update). del is nil for kinds that are never deleted.
func replay[T any](ctx context.Context, what string, revs []accord.Revision[T], create, update func(context.Context, accord.Revision[T]) (T, error),
	del func(context.Context, accord.Revision[T]) error) error {
	for i, r := range revs {
		var err error
		switch {
		case i == 0:
			_, err = create(ctx, r)
		case r.Kind == accord.RevisionDeleted && del != nil:
			err = del(ctx, r)
		default:
			_, err = update(ctx, r)
		}
		if err != nil {
			return fmt.Errorf("importing %s, revision %d: %w", what, r.Number, err)
		}
	}
	return nil
}

func replayAll[T any](ctx context.Context, what string, records [][]accord.Revision[T], create, update func(context.Context, accord.Revision[T]) (T, error),
	del func(context.Context, accord.Revision[T]) error) error {
	for i, revs := range records {
		if err := replay(ctx, fmt.Sprintf("%s %d", what, i+1), revs, create, update, del); err != nil {
			return err
		}
	}
	return nil
}

// importContract replays one contract: created at its first revision
// with its first version, every version's revisions and its test runs
// while it is live (a deleted contract takes no writes), then its own
// later revisions in order, each deletion through DeleteContract and each
// restoration through RestoreContract. Its versions' revisions and its
// own are numbered apart, so replaying them apart comes out the same as
// the source's interleaving.
func importContract(ctx context.Context, s contract.Store, c ContractHistory) error {
	what := "contract " + c.Contract.Service
	revs := c.Revisions
	if len(revs) == 0 {
		revs = []accord.Revision[contract.Contract]{{Number: 1, Kind: accord.RevisionCreated, Record: c.Contract}}
	}
	for i, vrevs := range c.Versions {
		create := s.CreateVersion
		if i == 0 {
			create = func(ctx context.Context, first accord.Revision[contract.Version]) (contract.Version, error) {
				_, err := s.CreateContract(ctx, revs[0].Record, first)
				return first.Record, err
			}
		}
		if len(vrevs) > 0 {
			if err := replay(ctx, what+", version "+vrevs[0].Record.Version, vrevs, create, s.UpdateVersion, nil); err != nil {
				return err
			}
		}
	}
	for _, r := range c.TestRuns {
		if _, err := s.CreateTestRun(ctx, svc.Revision(r, accord.RevisionCreated, r.Source)); err != nil {
			return fmt.Errorf("importing %s, test run %s: %w", what, r.ID, err)
		}
	}
	for _, r := range revs[1:] {
		var err error
		switch r.Kind {
		case accord.RevisionDeleted:
			err = s.DeleteContract(ctx, r)
		case accord.RevisionRestored:
			_, err = s.RestoreContract(ctx, r)
		default: // Validate refuses it first
			err = accord.Errorf(accord.Invalid, "a contract changes only by deletion and restoration, not by a revision of kind %q", r.Kind)
		}
		if err != nil {
			return fmt.Errorf("importing %s, revision %d: %w", what, r.Number, err)
		}
	}
	return nil
}

// bulk wraps the error of a store's bulk import of the document's what.
func bulk(what string, err error) error {
	if err != nil {
		return fmt.Errorf("importing %s: %w", what, err)
	}
	return nil
}

// putSettings writes settings at their revision: once per revision, the
// current content each time (settings keep no history of their own).
func putSettings[S any](ctx context.Context, s S, stamp func(*S) *accord.Stamp, put func(context.Context, S) (S, error)) error {
	want := stamp(&s).Revision
	for n := 1; n <= want; n++ {
		next := s
		stamp(&next).Revision = n
		if _, err := put(ctx, next); err != nil {
			return err
		}
	}
	return nil
}

// Import writes the document's project into the stores, which must not
// hold it yet. Run it inside a unit of work (sqlstore.Stores.Atomically)
// to have all of it or nothing. Every record of the document must belong
// to the document's project: the stores trust what they are handed, so a
// record naming another project would land in that project. Both checks
// run before anything is written. Errors: Invalid (a store of a domain
// with content is missing, not a document of this format, or a record of
// another project), Conflict (the project exists),
// and what the stores refuse.
func Import(ctx context.Context, s adapters.Stores, d Document) error {
	if err := needed(s); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	key := d.Key()
	if _, err := s.Projects.GetProject(ctx, key); err == nil {
		return accord.Errorf(accord.Conflict, "project %q exists here: import into a store without it", key)
	} else if accord.ErrorCode(err) != accord.NotFound {
		return err
	}
	steps := []func() error{
		func() error {
			return replay(ctx, "project", d.Project, s.Projects.CreateProject, s.Projects.UpdateProject, nil)
		},
		func() error {
			if b, ok := s.Requirements.(interface {
				ImportRequirements(context.Context, [][]accord.Revision[requirement.Requirement]) error
			}); ok {
				return bulk("requirements", b.ImportRequirements(ctx, d.Requirements))
			}
			return replayAll(ctx, "requirement", d.Requirements, s.Requirements.CreateRequirement, s.Requirements.UpdateRequirement, s.Requirements.DeleteRequirement)
		},
		func() error {
			if b, ok := s.Requirements.(interface {
				ImportChangeRequests(context.Context, [][]accord.Revision[requirement.ChangeRequest]) error
			}); ok {
				return bulk("change requests", b.ImportChangeRequests(ctx, d.ChangeRequests))
			}
			return replayAll(ctx, "change request", d.ChangeRequests, s.Requirements.CreateChangeRequest, s.Requirements.UpdateChangeRequest, nil)
		},
		func() error {
			if b, ok := s.Requirements.(interface {
				ImportTerms(context.Context, [][]accord.Revision[requirement.Term]) error
			}); ok {
				return bulk("glossary terms", b.ImportTerms(ctx, d.Terms))
			}
			return replayAll(ctx, "term", d.Terms, s.Requirements.CreateTerm, s.Requirements.UpdateTerm, s.Requirements.DeleteTerm)
		},
		func() error {
			for _, c := range d.Contracts {
				if err := importContract(ctx, s.Contracts, c); err != nil {
					return err
				}
			}
			return nil
		},
		func() error {
			for _, r := range d.TestRuns {
				if _, err := s.Contracts.CreateTestRun(ctx, svc.Revision(r, accord.RevisionCreated, r.Source)); err != nil {
					return fmt.Errorf("importing test run %s: %w", r.ID, err)
				}
			}
			return nil
		},
		func() error {
			return replayAll(ctx, "review", d.Reviews, s.Reviews.CreateReview, s.Reviews.UpdateReview, s.Reviews.DeleteReview)
		},
		func() error {
			if b, ok := s.Risks.(interface {
				ImportRisks(context.Context, [][]accord.Revision[risk.Risk]) error
			}); ok {
				return bulk("risks", b.ImportRisks(ctx, d.Risks))
			}
			return replayAll(ctx, "risk", d.Risks, s.Risks.CreateRisk, s.Risks.UpdateRisk, s.Risks.DeleteRisk)
		},
		func() error {
			return replayAll(ctx, "retro", anonymized(d.Retros), s.Retros.CreateRetro, s.Retros.UpdateRetro, s.Retros.DeleteRetro)
		},
		func() error {
			return replayAll(ctx, "iteration", d.Iterations, s.Plans.CreateIteration, s.Plans.UpdateIteration, nil)
		},
		func() error {
			return replayAll(ctx, "milestone", d.Milestones, s.Plans.CreateMilestone, s.Plans.UpdateMilestone, nil)
		},
		func() error {
			return replayAll(ctx, "question", d.Questions, s.Plans.CreateQuestion, s.Plans.UpdateQuestion, nil)
		},
		func() error {
			if b, ok := s.Traces.(interface {
				ImportLinks(context.Context, [][]accord.Revision[trace.Link]) error
			}); ok {
				return bulk("links", b.ImportLinks(ctx, d.Links))
			}
			return replayAll(ctx, "link", d.Links, s.Traces.CreateLink, s.Traces.UpdateLink, s.Traces.DeleteLink)
		},
		func() error {
			if len(d.External) == 0 {
				return nil
			}
			if s.External == nil {
				return accord.Errorf(accord.Invalid, "the document has external references and the stores have no External store to keep them")
			}
			return replayAll(ctx, "external reference", d.External, s.External.CreateReference, s.External.UpdateReference, s.External.DeleteReference)
		},
		func() error {
			st := d.Settings
			for _, err := range []error{
				putSettings(ctx, st.Requirements, func(x *requirement.Settings) *accord.Stamp { return &x.Stamp }, s.Requirements.PutSettings),
				putSettings(ctx, st.Contracts, func(x *contract.Settings) *accord.Stamp { return &x.Stamp }, s.Contracts.PutSettings),
				putSettings(ctx, st.Reviews, func(x *review.Settings) *accord.Stamp { return &x.Stamp }, s.Reviews.PutSettings),
				putSettings(ctx, st.Risks, func(x *risk.Settings) *accord.Stamp { return &x.Stamp }, s.Risks.PutSettings),
				putSettings(ctx, st.Retros, func(x *retro.Settings) *accord.Stamp { return &x.Stamp }, s.Retros.PutSettings),
				putSettings(ctx, st.Plans, func(x *plan.Settings) *accord.Stamp { return &x.Stamp }, s.Plans.PutSettings),
			} {
				if err != nil {
					return fmt.Errorf("importing settings: %w", err)
				}
			}
			return nil
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// Key is the key of the document's project; empty when it has none.
func (d Document) Key() string {
	if len(d.Project) == 0 {
		return ""
	}
	return d.Project[len(d.Project)-1].Record.Key
}

// Validate checks what Import checks of the document alone, before it
// writes anything: the format, a project with a valid key, and every
// record belonging to that project. Errors: Invalid, naming the fields.
func (d Document) Validate() error {
	if d.Format != Format {
		return accord.InvalidField("project export", "format", "is %q, want %q", d.Format, Format)
	}
	if len(d.Project) == 0 {
		return accord.InvalidField("project export", "project", "has no revision")
	}
	if err := accord.ValidateProject(d.Key()); err != nil {
		return err
	}
	if err := d.checkProject(d.Key()); err != nil {
		return err
	}
	return d.checkContracts()
}

// checkContracts refuses contracts Import could not replay: one without
// versions (a contract is created with its first), one whose own
// revisions are missing, out of step with it, or of a kind a contract
// never takes, and one carrying another contract's test runs. A document exported before contracts carried their
// revisions holds a contract once deleted and restored at revision 3 or
// more without them: it must be exported again.
func (d Document) checkContracts() error {
	var errs accord.FieldErrors
	for i, c := range d.Contracts {
		field := fmt.Sprintf("contracts[%d]", i)
		if len(c.Versions) == 0 {
			errs.Add(field+".versions", "is empty: contract %s (%s) is created with its first version", c.Contract.ID, c.Contract.Service)
		}
		for j, revs := range c.Versions {
			if len(revs) == 0 {
				errs.Add(fmt.Sprintf("%s.versions[%d]", field, j), "has no revision")
			}
		}
		for j, r := range c.TestRuns {
			if r.ContractID != c.Contract.ID {
				errs.Add(fmt.Sprintf("%s.test_runs[%d].contract_id", field, j), "is %q, not the contract's %q", r.ContractID, c.Contract.ID)
			}
		}
		if len(c.Revisions) == 0 {
			if c.Contract.Revision != 1 {
				errs.Add(field+".revisions", "is missing, but contract %s (%s) is at revision %d: export it again with a version of accord that carries a contract's revisions",
					c.Contract.ID, c.Contract.Service, c.Contract.Revision)
			}
			continue
		}
		for j, r := range c.Revisions {
			at := fmt.Sprintf("%s.revisions[%d]", field, j)
			if r.Number != j+1 || r.Record.Revision != j+1 {
				errs.Add(at+".number", "is %d (record revision %d), want %d: revisions go oldest first from 1", r.Number, r.Record.Revision, j+1)
			}
			if r.Record.ID != c.Contract.ID {
				errs.Add(at+".record.id", "is %q, not the contract's %q", r.Record.ID, c.Contract.ID)
			}
			if j > 0 && r.Kind != accord.RevisionDeleted && r.Kind != accord.RevisionRestored {
				errs.Add(at+".kind", "is %q: a contract changes only by deletion (%s) and restoration (%s)", r.Kind, accord.RevisionDeleted, accord.RevisionRestored)
			}
		}
		if last := c.Revisions[len(c.Revisions)-1].Record; last.Revision != c.Contract.Revision {
			errs.Add(field+".revisions", "end at revision %d, but contract %s is at revision %d", last.Revision, c.Contract.ID, c.Contract.Revision)
		}
	}
	if len(errs) > maxReported {
		more := len(errs) - maxReported
		errs = append(errs[:maxReported], accord.FieldError{Field: "(document)", Message: fmt.Sprintf("and %d more problems with contracts", more)})
	}
	return errs.Err("project export: contracts")
}

// checkProject refuses a document any of whose records belongs to a
// project other than key, naming every such record by where it is in the
// document.
func (d Document) checkProject(key string) error {
	var errs accord.FieldErrors
	check := func(field, got string) {
		if got != key {
			errs.Add(field, "names project %q, not the document's project %q", got, key)
		}
	}
	for i, r := range d.Project {
		check(fmt.Sprintf("project[%d].record.key", i), r.Record.Key)
	}
	checkAll(check, "requirements", d.Requirements, func(r requirement.Requirement) string { return r.Project })
	checkAll(check, "change_requests", d.ChangeRequests, func(r requirement.ChangeRequest) string { return r.Project })
	checkAll(check, "glossary", d.Terms, func(r requirement.Term) string { return r.Project })
	for i, c := range d.Contracts {
		check(fmt.Sprintf("contracts[%d].contract.project", i), c.Contract.Project)
		for j, r := range c.Revisions {
			check(fmt.Sprintf("contracts[%d].revisions[%d].record.project", i, j), r.Record.Project)
		}
		for j, r := range c.TestRuns {
			check(fmt.Sprintf("contracts[%d].test_runs[%d].project", i, j), r.Project)
		}
		checkAll(check, fmt.Sprintf("contracts[%d].versions", i), c.Versions, func(v contract.Version) string { return v.Project })
	}
	for i, r := range d.TestRuns {
		check(fmt.Sprintf("test_runs[%d].project", i), r.Project)
	}
	checkAll(check, "reviews", d.Reviews, func(r review.Review) string { return r.Project })
	checkAll(check, "risks", d.Risks, func(r risk.Risk) string { return r.Project })
	checkAll(check, "retros", d.Retros, func(r retro.Retro) string { return r.Project })
	checkAll(check, "iterations", d.Iterations, func(r plan.Iteration) string { return r.Project })
	checkAll(check, "milestones", d.Milestones, func(r plan.Milestone) string { return r.Project })
	checkAll(check, "questions", d.Questions, func(r plan.Question) string { return r.Project })
	checkAll(check, "links", d.Links, func(r trace.Link) string { return r.Project })
	checkAll(check, "external_references", d.External, func(r external.Reference) string { return r.Project })
	// Settings never written (revision 0) are not written on import either.
	st := d.Settings
	for _, s := range []struct {
		field, project string
		revision       int
	}{
		{"settings.requirements.project", st.Requirements.Project, st.Requirements.Revision},
		{"settings.contracts.project", st.Contracts.Project, st.Contracts.Revision},
		{"settings.reviews.project", st.Reviews.Project, st.Reviews.Revision},
		{"settings.risks.project", st.Risks.Project, st.Risks.Revision},
		{"settings.retros.project", st.Retros.Project, st.Retros.Revision},
		{"settings.plans.project", st.Plans.Project, st.Plans.Revision},
	} {
		if s.revision > 0 {
			check(s.field, s.project)
		}
	}
	if len(errs) > maxReported {
		more := len(errs) - maxReported
		errs = append(errs[:maxReported], accord.FieldError{Field: "(document)", Message: fmt.Sprintf("and %d more records of another project", more)})
	}
	return errs.Err("project export: every record must belong to project " + key)
}

// maxReported bounds the field errors of one refused document: a
// document of another project names it in every record.
const maxReported = 20

// checkAll checks the project of every revision of every record of a list.
func checkAll[T any](check func(field, project string), field string, records [][]accord.Revision[T], project func(T) string) {
	for i, revs := range records {
		for j, r := range revs {
			check(fmt.Sprintf("%s[%d][%d].record.project", field, i, j), project(r.Record))
		}
	}
}
