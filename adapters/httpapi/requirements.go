package httpapi

import (
	"net/http"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
)

// revisionSummary lists a revision without its full snapshot.
type revisionSummary struct {
	Number int                 `json:"number"`
	Kind   accord.RevisionKind `json:"kind"`
	Actor  string              `json:"actor"`
	Time   time.Time           `json:"time"`
	Note   string              `json:"note,omitempty"`
	Status requirement.Status  `json:"status"`
}

// recordRevisionSummary lists a revision of a record with no status of
// its own to show.
type recordRevisionSummary struct {
	Number int                 `json:"number"`
	Kind   accord.RevisionKind `json:"kind"`
	Actor  string              `json:"actor"`
	Time   time.Time           `json:"time"`
	Note   string              `json:"note,omitempty"`
}

type termRevisionSummary struct {
	Number int       `json:"number"`
	Actor  string    `json:"actor"`
	Time   time.Time `json:"time"`
	Note   string    `json:"note,omitempty"`
}

type items[T any] struct {
	Items []T `json:"items"`
}

type diffResponse struct {
	From    int                  `json:"from"`
	To      int                  `json:"to"`
	Changes []accord.FieldChange `json:"changes"`
}

// requirementRevision is one revision, whole; the snapshot is under
// "requirement", as the API has always named it.
type requirementRevision struct {
	Number      int                     `json:"number"`
	Kind        accord.RevisionKind     `json:"kind"`
	Actor       string                  `json:"actor"`
	Time        time.Time               `json:"time"`
	Note        string                  `json:"note,omitempty"`
	Requirement requirement.Requirement `json:"requirement"`
}

// requirementSettingsBody is what a client may set; the rest is
// bookkeeping.
type requirementSettingsBody struct {
	LintBlocksReview bool `json:"lint_blocks_review,omitempty"`
}

type lintResponse struct {
	Findings []requirement.Finding `json:"findings"`
	Blocking bool                  `json:"blocking"` // any finding of severity error
}

type applyResponse struct {
	Requirement   requirement.Requirement   `json:"requirement"`
	ChangeRequest requirement.ChangeRequest `json:"change_request"`
}

const base = "/v1/projects/{project}"

func requirementEndpoints() []endpoint {
	const p = base
	const one = p + "/requirements/{id}"
	return []endpoint{
		{id: "listRequirements", method: "GET", path: p + "/requirements", summary: "List requirements in key order",
			query: withPage(filterParam("status", "statuses, comma-separated or repeated"), filterParam("priority", "priorities, comma-separated or repeated"),
				filterParam("owner", "owner"), filterParam("label", "label"), filterParam("q", "text in key, title, background or description")),
			status: 200, result: accord.Page[requirement.Requirement]{}, handle: read(listRequirements)},
		{id: "searchRequirements", method: "GET", path: p + "/requirements/search", summary: "Search requirements by text (Chinese or English, any case), best first: key or title hits, then background or description hits, newest first within each",
			query: withPage(filterParam("q", "the text to find in key, title, background or description (required, one line)"),
				filterParam("status", "statuses, comma-separated or repeated"), filterParam("priority", "priorities, comma-separated or repeated"),
				filterParam("owner", "owner"), filterParam("label", "label")),
			status: 200, result: accord.Page[requirement.Requirement]{}, handle: read(searchRequirements)},
		{id: "createRequirement", method: "POST", path: p + "/requirements", summary: "Create a requirement (revision 1, draft); owner and priority have defaults",
			body: requirement.ContentInput{}, status: 201, result: requirement.Requirement{}, etag: true, location: true,
			handle: create(requirementLocation, func(c in, b requirement.ContentInput) (requirement.Requirement, error) {
				return c.reqs.Create(c.ctx(), c.project(), b)
			})},
		{id: "getRequirement", method: "GET", path: one, summary: "Read a requirement by ID or key (REQ-7)",
			status: 200, result: requirement.Requirement{}, etag: true,
			handle: readRecord(func(c in) (requirement.Requirement, error) { return c.reqs.Get(c.ctx(), c.project(), c.id()) })},
		{id: "updateRequirement", method: "PUT", path: one, summary: "Replace a requirement's content",
			body: requirement.ContentInput{}, ifMatch: true, status: 200, result: requirement.Requirement{}, etag: true,
			handle: update(1, func(c in, base int, b requirement.ContentInput) (requirement.Requirement, error) {
				return c.reqs.Update(c.ctx(), c.project(), c.id(), base, b)
			})},
		{id: "deleteRequirement", method: "DELETE", path: one, summary: "Delete a requirement: a tombstone revision ends its history, which stays (admins restore it within the retention window)", status: 204,
			query: reasonQuery, handle: remove(func(c in) error { return c.reqs.Delete(c.ctx(), c.project(), c.id(), c.query("reason")) })},
		{id: "restoreRequirement", method: "POST", path: one + "/restore", summary: "Bring back a deleted requirement (by ID) within the retention window; admins only",
			body: reasonBody{}, status: 200, result: requirement.Requirement{}, etag: true,
			handle: act(func(c in, b reasonBody) (requirement.Requirement, error) {
				return c.reqs.Restore(c.ctx(), c.project(), c.id(), b.Reason)
			})},
		{id: "transitionRequirement", method: "POST", path: one + "/transitions", summary: "Move a requirement along its lifecycle",
			body: requirement.TransitionInput{}, ifMatch: true, status: 200, result: requirement.Requirement{}, etag: true,
			handle: update(1, func(c in, base int, b requirement.TransitionInput) (requirement.Requirement, error) {
				return c.reqs.Transition(c.ctx(), c.project(), c.id(), base, b)
			})},
		{id: "listDeletedRequirements", method: "GET", path: p + "/requirements/deleted", summary: deletedSummary("requirements"), query: withPage(),
			status: 200, result: accord.Page[requirement.Requirement]{},
			handle: listDeleted(func(c in, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
				return c.reqs.ListDeleted(c.ctx(), c.project(), q)
			})},
		{id: "listRequirementRevisions", method: "GET", path: one + "/revisions", summary: "Who changed a requirement, when and why",
			status: 200, result: items[revisionSummary]{},
			handle: read(func(c in) (items[revisionSummary], error) {
				revs, err := c.reqs.History(c.ctx(), c.project(), c.id())
				return summaries(revs, err, func(v accord.Revision[requirement.Requirement]) revisionSummary {
					return revisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Status: v.Record.Status}
				})
			})},
		{id: "getRequirementRevision", method: "GET", path: one + "/revisions/{n}", summary: "One revision, whole",
			status: 200, result: requirementRevision{},
			handle: read(func(c in) (requirementRevision, error) {
				n, err := revisionParam("n", c.path("n"))
				if err != nil {
					return requirementRevision{}, err
				}
				v, err := c.reqs.Revision(c.ctx(), c.project(), c.id(), n)
				return requirementRevision{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Requirement: v.Record}, err
			})},
		{id: "diffRequirement", method: "GET", path: one + "/diff", summary: "Field-level changes between two revisions",
			query: []contract.Parameter{revisionQuery("from"), revisionQuery("to")}, status: 200, result: diffResponse{},
			handle: read(func(c in) (diffResponse, error) {
				from, to, err := fromTo(c.r)
				if err != nil {
					return diffResponse{}, err
				}
				cs, err := c.reqs.Diff(c.ctx(), c.project(), c.id(), from, to)
				return changes(from, to, cs, err)
			})},
		{id: "lintRequirement", method: "GET", path: one + "/lint", summary: "Lint a stored requirement", status: 200, result: lintResponse{},
			handle: read(func(c in) (lintResponse, error) {
				got, err := c.reqs.Get(c.ctx(), c.project(), c.id())
				if err != nil {
					return lintResponse{}, err
				}
				return lint(c.reqs.Lint(c.ctx(), got.Project, got.Content))
			})},
		{id: "lintDraft", method: "POST", outsideUnit: true, path: p + "/lint", summary: "Lint unsaved content", body: requirement.Content{}, status: 200, result: lintResponse{},
			handle: act(func(c in, content requirement.Content) (lintResponse, error) {
				return lint(c.reqs.Lint(c.ctx(), c.project(), content))
			})},
		{id: "listChangeRequests", method: "GET", path: one + "/change-requests", summary: "A requirement's change requests, oldest first",
			query: withPage(), status: 200, result: accord.Page[requirement.ChangeRequest]{},
			handle: paged(func(c in, q accord.PageQuery) (accord.Page[requirement.ChangeRequest], error) {
				return c.reqs.ListChanges(c.ctx(), c.project(), c.id(), q)
			})},
		{id: "proposeChange", method: "POST", path: one + "/change-requests", summary: "Propose a change to an approved requirement",
			body: requirement.ChangeProposal{}, status: 201, result: requirement.ChangeRequest{}, etag: true, location: true,
			handle: create(changeLocation, func(c in, b requirement.ChangeProposal) (requirement.ChangeRequest, error) {
				return c.reqs.ProposeChange(c.ctx(), c.project(), c.id(), b)
			})},
		{id: "getChangeRequest", method: "GET", path: p + "/change-requests/{cr}", summary: "Read a change request",
			status: 200, result: requirement.ChangeRequest{}, etag: true,
			handle: read(func(c in) (requirement.ChangeRequest, error) {
				return c.reqs.GetChange(c.ctx(), c.project(), c.path("cr"))
			})},
		{id: "decideChangeRequest", method: "POST", path: p + "/change-requests/{cr}/decisions", summary: "Approve, reject or withdraw a change request",
			body: requirement.DecisionInput{}, ifMatch: true, status: 200, result: requirement.ChangeRequest{}, etag: true,
			handle: update(1, func(c in, base int, b requirement.DecisionInput) (requirement.ChangeRequest, error) {
				return c.reqs.DecideChange(c.ctx(), c.project(), c.path("cr"), base, b)
			})},
		{id: "applyChangeRequest", method: "POST", path: p + "/change-requests/{cr}/apply", summary: "Apply an approved change request",
			ifMatch: true, status: 200, result: applyResponse{}, etag: true, handle: (*server).applyChange},
		{id: "listTerms", method: "GET", path: p + "/glossary", summary: "The project's glossary, sorted by term", query: withPage(),
			status: 200, result: accord.Page[requirement.Term]{},
			handle: paged(func(c in, q accord.PageQuery) (accord.Page[requirement.Term], error) {
				return c.reqs.ListTerms(c.ctx(), c.project(), q)
			})},
		{id: "listDeletedTerms", method: "GET", path: p + "/glossary/deleted", summary: deletedSummary("glossary terms"), query: withPage(),
			status: 200, result: accord.Page[requirement.Term]{},
			handle: listDeleted(func(c in, q accord.PageQuery) (accord.Page[requirement.Term], error) {
				return c.reqs.ListDeletedTerms(c.ctx(), c.project(), q)
			})},
		{id: "createTerm", method: "POST", path: p + "/glossary", summary: "Add a glossary term",
			body: requirement.TermInput{}, status: 201, result: requirement.Term{}, etag: true, location: true,
			handle: create(termLocation, func(c in, b requirement.TermInput) (requirement.Term, error) {
				return c.reqs.CreateTerm(c.ctx(), c.project(), b)
			})},
		{id: "getTerm", method: "GET", path: p + "/glossary/{term}", summary: "Read a glossary term", status: 200, result: requirement.Term{}, etag: true,
			handle: read(func(c in) (requirement.Term, error) { return c.reqs.GetTerm(c.ctx(), c.project(), c.path("term")) })},
		{id: "updateTerm", method: "PUT", path: p + "/glossary/{term}", summary: "Change a glossary term",
			body: requirement.TermInput{}, ifMatch: true, status: 200, result: requirement.Term{}, etag: true,
			handle: update(1, func(c in, base int, b requirement.TermInput) (requirement.Term, error) {
				return c.reqs.UpdateTerm(c.ctx(), c.project(), c.path("term"), base, b)
			})},
		{id: "deleteTerm", method: "DELETE", path: p + "/glossary/{term}", summary: "Remove a glossary term: a tombstone revision ends its history, which stays", status: 204,
			query: reasonQuery, handle: remove(func(c in) error { return c.reqs.DeleteTerm(c.ctx(), c.project(), c.path("term"), c.query("reason")) })},
		{id: "restoreTerm", method: "POST", path: p + "/glossary/{term}/restore", summary: "Bring back a removed glossary term within the retention window; admins only",
			body: reasonBody{}, status: 200, result: requirement.Term{}, etag: true,
			handle: act(func(c in, b reasonBody) (requirement.Term, error) {
				return c.reqs.RestoreTerm(c.ctx(), c.project(), c.path("term"), b.Reason)
			})},
		{id: "listTermRevisions", method: "GET", path: p + "/glossary/{term}/revisions", summary: "A term's history",
			status: 200, result: items[termRevisionSummary]{},
			handle: read(func(c in) (items[termRevisionSummary], error) {
				revs, err := c.reqs.TermHistory(c.ctx(), c.project(), c.path("term"))
				return summaries(revs, err, func(v accord.Revision[requirement.Term]) termRevisionSummary {
					return termRevisionSummary{Number: v.Number, Actor: v.Actor, Time: v.Time, Note: v.Note}
				})
			})},
		{id: "getRequirementSettings", method: "GET", path: p + "/settings/requirements", summary: "The project's requirement settings",
			status: 200, result: requirement.Settings{}, etag: true,
			handle: read(func(c in) (requirement.Settings, error) { return c.reqs.Settings(c.ctx(), c.project()) })},
		{id: "putRequirementSettings", method: "PUT", path: p + "/settings/requirements", summary: "Replace the project's requirement settings (If-Match: \"0\" when never set)",
			body: requirementSettingsBody{}, ifMatch: true, status: 200, result: requirement.Settings{}, etag: true,
			handle: update(0, func(c in, base int, b requirementSettingsBody) (requirement.Settings, error) {
				return c.reqs.UpdateSettings(c.ctx(), c.project(), base, requirement.Settings{LintBlocksReview: b.LintBlocksReview})
			})},
	}
}

func requirementLocation(r requirement.Requirement) string {
	return "/v1/projects/" + r.Project + "/requirements/" + r.ID
}

func changeLocation(cr requirement.ChangeRequest) string {
	return "/v1/projects/" + cr.Project + "/change-requests/" + cr.ID
}

func termLocation(t requirement.Term) string {
	return "/v1/projects/" + t.Project + "/glossary/" + t.ID
}

// listRequirements reads the filters from the query string; a value the
// API does not know is refused rather than ignored.
func listRequirements(c in) (accord.Page[requirement.Requirement], error) {
	f, q, err := requirementQuery(c)
	if err != nil {
		return accord.Page[requirement.Requirement]{}, err
	}
	return c.reqs.List(c.ctx(), c.project(), f, q)
}

// searchRequirements is listRequirements ranked: q is required.
func searchRequirements(c in) (accord.Page[requirement.Requirement], error) {
	f, q, err := requirementQuery(c)
	if err != nil {
		return accord.Page[requirement.Requirement]{}, err
	}
	return c.reqs.Search(c.ctx(), c.project(), f, q)
}

// requirementQuery reads a requirement filter and a page from the query
// string.
func requirementQuery(c in) (requirement.Filter, accord.PageQuery, error) {
	size, token, err := listQuery(c.r, "status", "priority", "owner", "label", "q")
	if err != nil {
		return requirement.Filter{}, accord.PageQuery{}, err
	}
	f := requirement.Filter{Owner: c.query("owner"), Label: c.query("label"), Text: c.query("q")}
	for _, v := range values(c.r, "status") {
		st := requirement.Status(v)
		if !st.Valid() {
			return f, accord.PageQuery{}, invalid("status", "unknown status %q", v)
		}
		f.Status = append(f.Status, st)
	}
	for _, v := range values(c.r, "priority") {
		p := requirement.Priority(v)
		if !p.Valid() {
			return f, accord.PageQuery{}, invalid("priority", "unknown priority %q; one of P0, P1, P2, P3", v)
		}
		f.Priority = append(f.Priority, p)
	}
	return f, accord.PageQuery{Size: size, Token: token}, nil
}

func lint(findings []requirement.Finding, err error) (lintResponse, error) {
	if findings == nil {
		findings = []requirement.Finding{}
	}
	return lintResponse{Findings: findings, Blocking: requirement.HasErrors(findings)}, err
}

func (s *server) applyChange(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	req, cr, err := s.reqs.ApplyChange(r.Context(), r.PathValue("project"), r.PathValue("cr"), rev)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(cr.Revision))
	writeJSON(w, http.StatusOK, applyResponse{Requirement: req, ChangeRequest: cr})
	return nil
}
