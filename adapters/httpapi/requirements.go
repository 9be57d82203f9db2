package httpapi

import (
	"net/http"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
)

// requirementBody is the body of create and update: the content plus a note
// saying why, which lands in the revision.
type requirementBody struct {
	requirement.Content
	Note string `json:"note,omitempty"`
}

type transitionBody struct {
	To     requirement.Status `json:"to"`
	Reason string             `json:"reason,omitempty"`
}

type decisionBody struct {
	To     requirement.ChangeState `json:"to"`
	Reason string                  `json:"reason,omitempty"`
}

type termBody struct {
	requirement.TermDefinition
	Note string `json:"note,omitempty"`
}

// revisionSummary lists a revision without its full snapshot.
type revisionSummary struct {
	Number int                 `json:"number"`
	Kind   accord.RevisionKind `json:"kind"`
	Actor  string              `json:"actor"`
	Time   time.Time           `json:"time"`
	Note   string              `json:"note,omitempty"`
	Status requirement.Status  `json:"status"`
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
	return []endpoint{
		{id: "listRequirements", handle: (*server).listRequirements, method: "GET", path: p + "/requirements", summary: "List requirements in key order",
			query: withPage(filterParam("status", "statuses, comma-separated or repeated"), filterParam("priority", "priorities, comma-separated or repeated"),
				filterParam("owner", "owner"), filterParam("label", "label"), filterParam("q", "text in key, title, background or description")),
			status: 200, result: accord.Page[requirement.Requirement]{}},
		{id: "createRequirement", handle: (*server).createRequirement, method: "POST", path: p + "/requirements", summary: "Create a requirement (revision 1, draft)",
			body: requirementBody{}, status: 201, result: requirement.Requirement{}, etag: true, location: true},
		{id: "getRequirement", handle: (*server).getRequirement, method: "GET", path: p + "/requirements/{id}", summary: "Read a requirement by ID or key (REQ-7)",
			status: 200, result: requirement.Requirement{}, etag: true},
		{id: "updateRequirement", handle: (*server).updateRequirement, method: "PUT", path: p + "/requirements/{id}", summary: "Replace a requirement's content",
			body: requirementBody{}, ifMatch: true, status: 200, result: requirement.Requirement{}, etag: true},
		{id: "deleteRequirement", handle: (*server).deleteRequirement, method: "DELETE", path: p + "/requirements/{id}", summary: "Delete a requirement with its history", status: 204},
		{id: "transitionRequirement", handle: (*server).transitionRequirement, method: "POST", path: p + "/requirements/{id}/transitions", summary: "Move a requirement along its lifecycle",
			body: transitionBody{}, ifMatch: true, status: 200, result: requirement.Requirement{}, etag: true},
		{id: "listRequirementRevisions", handle: (*server).listRevisions, method: "GET", path: p + "/requirements/{id}/revisions", summary: "Who changed a requirement, when and why",
			status: 200, result: items[revisionSummary]{}},
		{id: "getRequirementRevision", handle: (*server).getRevision, method: "GET", path: p + "/requirements/{id}/revisions/{n}", summary: "One revision, whole",
			status: 200, result: requirementRevision{}},
		{id: "diffRequirement", handle: (*server).diffRequirement, method: "GET", path: p + "/requirements/{id}/diff", summary: "Field-level changes between two revisions",
			query: []contract.Parameter{revisionQuery("from"), revisionQuery("to")}, status: 200, result: diffResponse{}},
		{id: "lintRequirement", handle: (*server).lintRequirement, method: "GET", path: p + "/requirements/{id}/lint", summary: "Lint a stored requirement", status: 200, result: lintResponse{}},
		{id: "lintDraft", handle: (*server).lintDraft, method: "POST", path: p + "/lint", summary: "Lint unsaved content", body: requirement.Content{}, status: 200, result: lintResponse{}},
		{id: "listChangeRequests", handle: (*server).listChanges, method: "GET", path: p + "/requirements/{id}/change-requests", summary: "A requirement's change requests",
			status: 200, result: items[requirement.ChangeRequest]{}},
		{id: "proposeChange", handle: (*server).proposeChange, method: "POST", path: p + "/requirements/{id}/change-requests", summary: "Propose a change to an approved requirement",
			body: requirement.ChangeProposal{}, status: 201, result: requirement.ChangeRequest{}, etag: true, location: true},
		{id: "getChangeRequest", handle: (*server).getChange, method: "GET", path: p + "/change-requests/{cr}", summary: "Read a change request",
			status: 200, result: requirement.ChangeRequest{}, etag: true},
		{id: "decideChangeRequest", handle: (*server).decideChange, method: "POST", path: p + "/change-requests/{cr}/decisions", summary: "Approve, reject or withdraw a change request",
			body: decisionBody{}, ifMatch: true, status: 200, result: requirement.ChangeRequest{}, etag: true},
		{id: "applyChangeRequest", handle: (*server).applyChange, method: "POST", path: p + "/change-requests/{cr}/apply", summary: "Apply an approved change request",
			ifMatch: true, status: 200, result: applyResponse{}},
		{id: "listTerms", handle: (*server).listTerms, method: "GET", path: p + "/glossary", summary: "The project's glossary", status: 200, result: items[requirement.Term]{}},
		{id: "createTerm", handle: (*server).createTerm, method: "POST", path: p + "/glossary", summary: "Add a glossary term",
			body: termBody{}, status: 201, result: requirement.Term{}, etag: true, location: true},
		{id: "getTerm", handle: (*server).getTerm, method: "GET", path: p + "/glossary/{term}", summary: "Read a glossary term", status: 200, result: requirement.Term{}, etag: true},
		{id: "updateTerm", handle: (*server).updateTerm, method: "PUT", path: p + "/glossary/{term}", summary: "Change a glossary term",
			body: termBody{}, ifMatch: true, status: 200, result: requirement.Term{}, etag: true},
		{id: "deleteTerm", handle: (*server).deleteTerm, method: "DELETE", path: p + "/glossary/{term}", summary: "Remove a glossary term", status: 204},
		{id: "listTermRevisions", handle: (*server).listTermRevisions, method: "GET", path: p + "/glossary/{term}/revisions", summary: "A term's history",
			status: 200, result: items[termRevisionSummary]{}},
		{id: "getRequirementSettings", handle: (*server).getSettings, method: "GET", path: p + "/settings/requirements", summary: "The project's requirement settings",
			status: 200, result: requirement.Settings{}, etag: true},
		{id: "putRequirementSettings", handle: (*server).putSettings, method: "PUT", path: p + "/settings/requirements", summary: "Replace the project's requirement settings (If-Match: \"0\" when never set)",
			body: requirementSettingsBody{}, ifMatch: true, status: 200, result: requirement.Settings{}, etag: true},
	}
}

func writeRequirement(w http.ResponseWriter, status int, r requirement.Requirement) {
	w.Header().Set("ETag", etag(r.Revision))
	writeJSON(w, status, r)
}

func (s *server) listRequirements(w http.ResponseWriter, r *http.Request) error {
	size, token, err := listQuery(r, "status", "priority", "owner", "label", "q")
	if err != nil {
		return err
	}
	f := requirement.Filter{Owner: r.URL.Query().Get("owner"), Label: r.URL.Query().Get("label"), Text: r.URL.Query().Get("q")}
	for _, v := range values(r, "status") {
		st := requirement.Status(v)
		if !st.Valid() {
			return invalid("status", "unknown status %q", v)
		}
		f.Status = append(f.Status, st)
	}
	for _, v := range values(r, "priority") {
		p := requirement.Priority(v)
		if !p.Valid() {
			return invalid("priority", "unknown priority %q; one of P0, P1, P2, P3", v)
		}
		f.Priority = append(f.Priority, p)
	}
	page, err := s.reqs.List(r.Context(), r.PathValue("project"), f, accord.PageQuery{Size: size, Token: token})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *server) createRequirement(w http.ResponseWriter, r *http.Request) error {
	var body requirementBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	created, err := s.reqs.Create(r.Context(), r.PathValue("project"), body.Content, body.Note)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/projects/"+created.Project+"/requirements/"+created.ID)
	writeRequirement(w, http.StatusCreated, created)
	return nil
}

func (s *server) getRequirement(w http.ResponseWriter, r *http.Request) error {
	got, err := s.reqs.Get(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeRequirement(w, http.StatusOK, got)
	return nil
}

func (s *server) updateRequirement(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body requirementBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	updated, err := s.reqs.Update(r.Context(), r.PathValue("project"), r.PathValue("id"), rev, body.Content, body.Note)
	if err != nil {
		return err
	}
	writeRequirement(w, http.StatusOK, updated)
	return nil
}

func (s *server) deleteRequirement(w http.ResponseWriter, r *http.Request) error {
	if err := s.reqs.Delete(r.Context(), r.PathValue("project"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) transitionRequirement(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body transitionBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	moved, err := s.reqs.Transition(r.Context(), r.PathValue("project"), r.PathValue("id"), rev, body.To, body.Reason)
	if err != nil {
		return err
	}
	writeRequirement(w, http.StatusOK, moved)
	return nil
}

func (s *server) listRevisions(w http.ResponseWriter, r *http.Request) error {
	revs, err := s.reqs.History(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]revisionSummary, len(revs))
	for i, v := range revs {
		out[i] = revisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Status: v.Record.Status}
	}
	writeJSON(w, http.StatusOK, items[revisionSummary]{out})
	return nil
}

func (s *server) getRevision(w http.ResponseWriter, r *http.Request) error {
	n, err := revisionParam("n", r.PathValue("n"))
	if err != nil {
		return err
	}
	rev, err := s.reqs.Revision(r.Context(), r.PathValue("project"), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, requirementRevision{Number: rev.Number, Kind: rev.Kind, Actor: rev.Actor, Time: rev.Time, Note: rev.Note, Requirement: rev.Record})
	return nil
}

func (s *server) diffRequirement(w http.ResponseWriter, r *http.Request) error {
	from, to, err := fromTo(r)
	if err != nil {
		return err
	}
	changes, err := s.reqs.Diff(r.Context(), r.PathValue("project"), r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []accord.FieldChange{}
	}
	writeJSON(w, http.StatusOK, diffResponse{From: from, To: to, Changes: changes})
	return nil
}

func writeFindings(w http.ResponseWriter, findings []requirement.Finding) {
	if findings == nil {
		findings = []requirement.Finding{}
	}
	writeJSON(w, http.StatusOK, lintResponse{Findings: findings, Blocking: requirement.HasErrors(findings)})
}

func (s *server) lintRequirement(w http.ResponseWriter, r *http.Request) error {
	got, err := s.reqs.Get(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	findings, err := s.reqs.Lint(r.Context(), got.Project, got.Content)
	if err != nil {
		return err
	}
	writeFindings(w, findings)
	return nil
}

func (s *server) lintDraft(w http.ResponseWriter, r *http.Request) error {
	var c requirement.Content
	if err := decodeJSON(w, r, s.maxBody, &c); err != nil {
		return err
	}
	findings, err := s.reqs.Lint(r.Context(), r.PathValue("project"), c)
	if err != nil {
		return err
	}
	writeFindings(w, findings)
	return nil
}

func writeChange(w http.ResponseWriter, status int, c requirement.ChangeRequest) {
	w.Header().Set("ETag", etag(c.Revision))
	writeJSON(w, status, c)
}

func (s *server) listChanges(w http.ResponseWriter, r *http.Request) error {
	list, err := s.reqs.ListChanges(r.Context(), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, items[requirement.ChangeRequest]{list})
	return nil
}

func (s *server) proposeChange(w http.ResponseWriter, r *http.Request) error {
	var body requirement.ChangeProposal
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	cr, err := s.reqs.ProposeChange(r.Context(), r.PathValue("project"), r.PathValue("id"), body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/projects/"+cr.Project+"/change-requests/"+cr.ID)
	writeChange(w, http.StatusCreated, cr)
	return nil
}

func (s *server) getChange(w http.ResponseWriter, r *http.Request) error {
	cr, err := s.reqs.GetChange(r.Context(), r.PathValue("project"), r.PathValue("cr"))
	if err != nil {
		return err
	}
	writeChange(w, http.StatusOK, cr)
	return nil
}

func (s *server) decideChange(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body decisionBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	cr, err := s.reqs.DecideChange(r.Context(), r.PathValue("project"), r.PathValue("cr"), rev, body.To, body.Reason)
	if err != nil {
		return err
	}
	writeChange(w, http.StatusOK, cr)
	return nil
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

func writeTerm(w http.ResponseWriter, status int, t requirement.Term) {
	w.Header().Set("ETag", etag(t.Revision))
	writeJSON(w, status, t)
}

func (s *server) listTerms(w http.ResponseWriter, r *http.Request) error {
	terms, err := s.reqs.ListTerms(r.Context(), r.PathValue("project"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, items[requirement.Term]{terms})
	return nil
}

func (s *server) createTerm(w http.ResponseWriter, r *http.Request) error {
	var body termBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	t, err := s.reqs.CreateTerm(r.Context(), r.PathValue("project"), body.TermDefinition, body.Note)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/projects/"+t.Project+"/glossary/"+t.ID)
	writeTerm(w, http.StatusCreated, t)
	return nil
}

func (s *server) getTerm(w http.ResponseWriter, r *http.Request) error {
	t, err := s.reqs.GetTerm(r.Context(), r.PathValue("project"), r.PathValue("term"))
	if err != nil {
		return err
	}
	writeTerm(w, http.StatusOK, t)
	return nil
}

func (s *server) updateTerm(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body termBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	t, err := s.reqs.UpdateTerm(r.Context(), r.PathValue("project"), r.PathValue("term"), rev, body.TermDefinition, body.Note)
	if err != nil {
		return err
	}
	writeTerm(w, http.StatusOK, t)
	return nil
}

func (s *server) deleteTerm(w http.ResponseWriter, r *http.Request) error {
	if err := s.reqs.DeleteTerm(r.Context(), r.PathValue("project"), r.PathValue("term")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listTermRevisions(w http.ResponseWriter, r *http.Request) error {
	revs, err := s.reqs.TermHistory(r.Context(), r.PathValue("project"), r.PathValue("term"))
	if err != nil {
		return err
	}
	out := make([]termRevisionSummary, len(revs))
	for i, v := range revs {
		out[i] = termRevisionSummary{Number: v.Number, Actor: v.Actor, Time: v.Time, Note: v.Note}
	}
	writeJSON(w, http.StatusOK, items[termRevisionSummary]{out})
	return nil
}

func (s *server) getSettings(w http.ResponseWriter, r *http.Request) error {
	got, err := s.reqs.Settings(r.Context(), r.PathValue("project"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(got.Revision))
	writeJSON(w, http.StatusOK, got)
	return nil
}

func (s *server) putSettings(w http.ResponseWriter, r *http.Request) error {
	base, err := ifMatchFrom(r, 0)
	if err != nil {
		return err
	}
	var body requirementSettingsBody
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	st, err := s.reqs.UpdateSettings(r.Context(), r.PathValue("project"), base, requirement.Settings{LintBlocksReview: body.LintBlocksReview})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(st.Revision))
	writeJSON(w, http.StatusOK, st)
	return nil
}
