package httpapi

import (
	"net/http"
	"time"

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
	Number int                      `json:"number"`
	Kind   requirement.RevisionKind `json:"kind"`
	Actor  string                   `json:"actor"`
	Time   time.Time                `json:"time"`
	Note   string                   `json:"note,omitempty"`
	Status requirement.Status       `json:"status"`
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
	From    int                       `json:"from"`
	To      int                       `json:"to"`
	Changes []requirement.FieldChange `json:"changes"`
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

func (s *server) routeRequirements() {
	s.route("GET "+base+"/requirements", s.listRequirements)
	s.route("POST "+base+"/requirements", s.createRequirement)
	s.route("GET "+base+"/requirements/{id}", s.getRequirement)
	s.route("PUT "+base+"/requirements/{id}", s.updateRequirement)
	s.route("DELETE "+base+"/requirements/{id}", s.deleteRequirement)
	s.route("POST "+base+"/requirements/{id}/transitions", s.transitionRequirement)
	s.route("GET "+base+"/requirements/{id}/revisions", s.listRevisions)
	s.route("GET "+base+"/requirements/{id}/revisions/{n}", s.getRevision)
	s.route("GET "+base+"/requirements/{id}/diff", s.diffRequirement)
	s.route("GET "+base+"/requirements/{id}/lint", s.lintRequirement)
	s.route("POST "+base+"/lint", s.lintDraft)
	s.route("GET "+base+"/requirements/{id}/change-requests", s.listChanges)
	s.route("POST "+base+"/requirements/{id}/change-requests", s.proposeChange)
	s.route("GET "+base+"/change-requests/{cr}", s.getChange)
	s.route("POST "+base+"/change-requests/{cr}/decisions", s.decideChange)
	s.route("POST "+base+"/change-requests/{cr}/apply", s.applyChange)
	s.route("GET "+base+"/glossary", s.listTerms)
	s.route("POST "+base+"/glossary", s.createTerm)
	s.route("GET "+base+"/glossary/{term}", s.getTerm)
	s.route("PUT "+base+"/glossary/{term}", s.updateTerm)
	s.route("DELETE "+base+"/glossary/{term}", s.deleteTerm)
	s.route("GET "+base+"/glossary/{term}/revisions", s.listTermRevisions)
	s.route("GET "+base+"/settings/requirements", s.getSettings)
	s.route("PUT "+base+"/settings/requirements", s.putSettings)
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
	page, err := s.reqs.List(r.Context(), r.PathValue("project"), requirement.ListQuery{Filter: f, PageSize: size, PageToken: token})
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
		out[i] = revisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Status: v.Requirement.Status}
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
	writeJSON(w, http.StatusOK, rev)
	return nil
}

func (s *server) diffRequirement(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "from", "to"); err != nil {
		return err
	}
	from, err := revisionParam("from", r.URL.Query().Get("from"))
	if err != nil {
		return err
	}
	to, err := revisionParam("to", r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	changes, err := s.reqs.Diff(r.Context(), r.PathValue("project"), r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []requirement.FieldChange{}
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
	writeJSON(w, http.StatusOK, got)
	return nil
}

func (s *server) putSettings(w http.ResponseWriter, r *http.Request) error {
	var body requirement.Settings
	if err := decodeJSON(w, r, s.maxBody, &body); err != nil {
		return err
	}
	if err := s.reqs.SetSettings(r.Context(), r.PathValue("project"), body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
