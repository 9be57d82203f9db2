package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

func (s *server) requirementRoutes() {
	s.route("GET /projects/{project}/requirements", s.requirementList)
	s.route("GET /projects/{project}/requirements/new", s.requirementNew)
	s.route("POST /projects/{project}/requirements", s.requirementCreate)
	s.route("GET /projects/{project}/requirements/{key}", s.requirementPage)
	s.route("GET /projects/{project}/requirements/{key}/edit", s.requirementEditForm)
	s.route("POST /projects/{project}/requirements/{key}/edit", s.requirementEdit)
	s.route("POST /projects/{project}/requirements/{key}/transition", s.requirementTransition)
	s.route("GET /projects/{project}/requirements/{key}/diff", s.requirementDiff)
	s.route("POST /projects/{project}/requirements/{key}/changes/{id}/decide", s.changeDecide)
	s.route("POST /projects/{project}/requirements/{key}/changes/{id}/apply", s.changeApply)
}

// changeDecide approves, rejects or withdraws a change request.
func (s *server) changeDecide(c *call) error {
	base, err := formInt(c.r, "base")
	if err != nil {
		return err
	}
	return s.requirementChange(c, func(ctx context.Context) error {
		_, err := s.Requirements.DecideChange(ctx, c.project(), c.r.PathValue("id"), base, requirement.DecisionInput{
			To: requirement.ChangeState(c.r.PostFormValue("to")), Reason: strings.TrimSpace(c.r.PostFormValue("reason"))})
		return err
	})
}

// changeApply applies an approved change request: a new revision, back in review.
func (s *server) changeApply(c *call) error {
	base, err := formInt(c.r, "base")
	if err != nil {
		return err
	}
	return s.requirementChange(c, func(ctx context.Context) error {
		_, _, err := s.Requirements.ApplyChange(ctx, c.project(), c.r.PathValue("id"), base)
		return err
	})
}

// requirementChange runs a change and shows the requirement again, with
// the service's refusal beside the buttons when it refused.
func (s *server) requirementChange(c *call, fn func(ctx context.Context) error) error {
	err := s.unit(c.ctx(), fn)
	if err == nil {
		return c.redirect("/projects/" + url.PathEscape(c.project()) + "/requirements/" + url.PathEscape(c.r.PathValue("key")))
	}
	switch accord.ErrorCode(err) {
	case accord.Invalid, accord.FailedPrecondition, accord.PermissionDenied, accord.Conflict:
		c.refused, c.status = c.refusal(err), http.StatusUnprocessableEntity
		return s.requirementPage(c)
	}
	return err
}

type listData struct {
	Items    []requirementRow
	Filter   url.Values
	Statuses []requirement.Status
	Next     string // the next page's token
	More     string // the next page's address
}

// requirementList lists requirements, 50 a page, filtered by status,
// owner, priority, label and text.
func (s *server) requirementList(c *call) error {
	q := c.r.URL.Query()
	f := requirement.Filter{Owner: strings.TrimSpace(q.Get("owner")), Label: strings.TrimSpace(q.Get("label")), Text: strings.TrimSpace(q.Get("text"))}
	for _, st := range q["status"] {
		if st != "" {
			f.Status = append(f.Status, requirement.Status(st))
		}
	}
	for _, p := range q["priority"] {
		if p != "" {
			f.Priority = append(f.Priority, requirement.Priority(p))
		}
	}
	page, err := s.Requirements.List(c.ctx(), c.project(), f, accord.PageQuery{Size: 50, Token: q.Get("page")})
	if err != nil {
		return err
	}
	d := listData{Filter: q, Statuses: requirement.Statuses()}
	// Rows are prepared here rather than in the template: the list is the
	// page people open most, and the template's reflection is its cost.
	base := s.path("/projects/" + url.PathEscape(c.project()) + "/requirements/")
	for _, r := range page.Items {
		d.Items = append(d.Items, requirementRow{Key: r.Key, Title: r.Title, URL: base + url.PathEscape(r.Key), Status: string(r.Status),
			StatusLabel: c.lang.enum("status", r.Status), Priority: string(r.Priority), Owner: r.Owner,
			Labels: strings.Join(r.Labels, ", "), Updated: c.lang.date(r.UpdatedAt)})
	}
	if page.NextPageToken != "" {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("page", page.NextPageToken)
		d.More = s.path("/projects/"+url.PathEscape(c.project())+"/requirements") + "?" + next.Encode()
	}
	return c.render(http.StatusOK, "requirements", c.lang.t("requirements.title"), d, nil)
}

// requirementRow is one line of the requirements list, ready to print.
type requirementRow struct {
	Key, Title, URL, Status, StatusLabel, Priority, Owner, Labels, Updated string
}

type requirementData struct {
	R        requirement.Requirement
	Refs     []external.Reference             // the items that stand for it in other systems
	Lint     map[string][]requirement.Finding // by the section they are about
	LintAll  []requirement.Finding
	History  []accord.Revision[requirement.Requirement]
	Changes  []changeView
	Links    []linkView
	Reviews  []review.Review
	Outcomes map[string]review.Evaluation
	Next     []requirement.Status
	// Approvable is set while the requirement is in review and its
	// review is approved: the gate to approval is open.
	Approvable bool
	Waiting    string // why approval must wait, when it must
}

func (s *server) requirementPage(c *call) error {
	r, err := s.Requirements.Get(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	d := requirementData{R: r, Next: r.Status.Next(), Lint: map[string][]requirement.Finding{}, Outcomes: map[string]review.Evaluation{}}
	if d.LintAll, err = s.Requirements.Lint(c.ctx(), c.project(), r.Content); err != nil {
		return err
	}
	for _, f := range d.LintAll {
		d.Lint[section(f.Path)] = append(d.Lint[section(f.Path)], f)
	}
	if d.History, err = s.Requirements.History(c.ctx(), c.project(), r.ID); err != nil {
		return err
	}
	slices.Reverse(d.History)
	crs, err := svcAll(func(q accord.PageQuery) (accord.Page[requirement.ChangeRequest], error) {
		return s.Requirements.ListChanges(c.ctx(), c.project(), r.ID, q)
	})
	if err != nil {
		return err
	}
	for _, cr := range crs {
		proposed := r
		proposed.Content = cr.Proposed
		refs, err := s.references(c, cr.Ref())
		if err != nil {
			return err
		}
		d.Changes = append(d.Changes, changeView{ChangeRequest: cr, Fields: requirement.Diff(r, proposed), Refs: refs})
	}
	if d.Refs, err = s.references(c, r.Ref()); err != nil {
		return err
	}
	if d.Links, err = s.links(c, r.Ref()); err != nil {
		return err
	}
	if s.Reviews != nil {
		page, err := s.Reviews.List(c.ctx(), c.project(), review.Filter{Subject: r.Ref()}, accord.PageQuery{Size: 50})
		if err != nil {
			return err
		}
		d.Reviews = page.Items
		for _, rv := range page.Items {
			ev := s.Reviews.Evaluate(rv)
			d.Outcomes[rv.Key] = ev
			if rv.Kind == review.RequirementReview && r.Status == requirement.InReview {
				if ev.Outcome == review.Approved {
					d.Approvable = true
				} else {
					d.Waiting = rv.Key
				}
			}
		}
	}
	return c.render(http.StatusOK, "requirement", r.Key+" "+r.Title, d, nil)
}

// changeView is a change request with what it would change in the
// current revision.
type changeView struct {
	requirement.ChangeRequest
	Fields []accord.FieldChange
	Refs   []external.Reference // the items that stand for the change request in other systems
}

// section is the top-level field a JSON path is about:
// acceptance_criteria[2].text is about acceptance_criteria.
func section(path string) string {
	if i := strings.IndexAny(path, "[."); i >= 0 {
		return path[:i]
	}
	return path
}

type diffData struct {
	R        requirement.Requirement
	From, To int
	Changes  []accord.FieldChange
	History  []accord.Revision[requirement.Requirement]
}

// requirementDiff shows the field-by-field changes between two revisions
// (by default the one before the current and the current).
func (s *server) requirementDiff(c *call) error {
	r, err := s.Requirements.Get(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	from, to := r.Revision-1, r.Revision
	if from < 1 {
		from = 1
	}
	for field, n := range map[string]*int{"from": &from, "to": &to} {
		if v := q.Get(field); v != "" {
			x, err := strconv.Atoi(v)
			if err != nil || x < 1 {
				return accord.InvalidField("revision", field, "a revision number, 1 or more")
			}
			*n = x
		}
	}
	d := diffData{R: r, From: from, To: to}
	if d.Changes, err = s.Requirements.Diff(c.ctx(), c.project(), r.ID, from, to); err != nil {
		return err
	}
	if d.History, err = s.Requirements.History(c.ctx(), c.project(), r.ID); err != nil {
		return err
	}
	slices.Reverse(d.History)
	return c.render(http.StatusOK, "diff", r.Key+" "+c.lang.t("diff.title"), d, nil)
}

// formData is the requirement form: its fields as text, one entry a line
// for the lists, so that it works in any browser without script.
type formData struct {
	Key        string // empty for a new requirement
	Base       int    // the revision the edit starts from
	Title      string
	Fields     map[string]string
	Current    *requirement.Requirement // on a conflict: what is stored now
	Changed    []accord.FieldChange     // on a conflict: what others changed since Base
	Conflict   bool
	Priorities []requirement.Priority
}

var priorities = []requirement.Priority{requirement.P0, requirement.P1, requirement.P2, requirement.P3}

func (s *server) requirementNew(c *call) error {
	return c.render(http.StatusOK, "edit", c.lang.t("edit.new"), formData{Fields: map[string]string{"priority": string(requirement.P2)}, Priorities: priorities}, nil)
}

func (s *server) requirementCreate(c *call) error {
	content, errs := contentFromForm(c.r)
	if len(errs) == 0 {
		var r requirement.Requirement
		err := s.unit(c.ctx(), func(ctx context.Context) error {
			var err error
			r, err = s.Requirements.Create(ctx, c.project(), requirement.ContentInput{Content: content, Note: c.r.PostFormValue("note")})
			return err
		})
		if err == nil {
			return c.redirect("/projects/" + url.PathEscape(c.project()) + "/requirements/" + url.PathEscape(r.Key))
		}
		if code := accord.ErrorCode(err); code != accord.Invalid && code != accord.FailedPrecondition {
			return err
		}
		errs = c.refusal(err)
	}
	return c.render(http.StatusUnprocessableEntity, "edit", c.lang.t("edit.new"), formData{Fields: formFields(c.r), Priorities: priorities}, errs)
}

func (s *server) requirementEditForm(c *call) error {
	r, err := s.Requirements.Get(c.ctx(), c.project(), c.r.PathValue("key"))
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "edit", r.Key+" "+c.lang.t("edit.title"), formData{Key: r.Key, Base: r.Revision, Title: r.Title, Fields: contentFields(r.Content), Priorities: priorities}, nil)
}

// requirementEdit saves an edit made from revision "base". When somebody
// saved in between, it saves nothing: it shows both versions, what changed
// in between, and asks.
func (s *server) requirementEdit(c *call) error {
	key := c.r.PathValue("key")
	base, err := formInt(c.r, "base")
	if err != nil {
		return err
	}
	if base < 1 {
		// Without the revision it started from, an edit could overwrite
		// one it never saw.
		return accord.InvalidField("edit", "base", "the revision the edit starts from is required")
	}
	content, errs := contentFromForm(c.r)
	d := formData{Key: key, Base: base, Fields: formFields(c.r), Priorities: priorities}
	if len(errs) == 0 {
		err := s.unit(c.ctx(), func(ctx context.Context) error {
			_, err := s.Requirements.Update(ctx, c.project(), key, base, requirement.ContentInput{Content: content, Note: c.r.PostFormValue("note")})
			return err
		})
		switch {
		case err == nil:
			return c.redirect("/projects/" + url.PathEscape(c.project()) + "/requirements/" + url.PathEscape(key))
		case isStale(err):
			cur, err := s.Requirements.Get(c.ctx(), c.project(), key)
			if err != nil {
				return err
			}
			d.Conflict, d.Current, d.Title = true, &cur, cur.Title
			if d.Changed, err = s.Requirements.Diff(c.ctx(), c.project(), cur.ID, base, cur.Revision); err != nil {
				return err
			}
			return c.render(http.StatusConflict, "edit", key+" "+c.lang.t("conflict.title"), d, nil)
		case accord.ErrorCode(err) == accord.Invalid || accord.ErrorCode(err) == accord.FailedPrecondition || accord.ErrorCode(err) == accord.PermissionDenied:
			errs = c.refusal(err)
		default:
			return err
		}
	}
	return c.render(http.StatusUnprocessableEntity, "edit", key+" "+c.lang.t("edit.title"), d, errs)
}

// requirementTransition moves the requirement to the status "to".
func (s *server) requirementTransition(c *call) error {
	key := c.r.PathValue("key")
	base, err := formInt(c.r, "base")
	if err != nil {
		return err
	}
	err = s.unit(c.ctx(), func(ctx context.Context) error {
		_, err := s.Requirements.Transition(ctx, c.project(), key, base, requirement.TransitionInput{To: requirement.Status(c.r.PostFormValue("to")), Reason: c.r.PostFormValue("reason")})
		return err
	})
	if err != nil {
		if code := accord.ErrorCode(err); code == accord.NotFound || code == accord.Internal {
			return err
		}
		// Refused: the page again, with the service's reason beside the buttons.
		c.refused, c.status = c.refusal(err), http.StatusUnprocessableEntity
		return s.requirementPage(c)
	}
	return c.redirect("/projects/" + url.PathEscape(c.project()) + "/requirements/" + url.PathEscape(key))
}

// contentFields writes content into the form's text fields.
func contentFields(c requirement.Content) map[string]string {
	f := map[string]string{"title": c.Title, "background": c.Background, "goal": c.Goal, "description": c.Description,
		"interface_notes": c.InterfaceNotes, "priority": string(c.Priority), "owner": c.Owner, "labels": strings.Join(c.Labels, ", "),
		"kpis": strings.Join(c.KPIs, "\n")}
	var lines []string
	for _, st := range c.Flow {
		lines = append(lines, joinCells(st.Actor, st.Action, st.Diagram))
	}
	f["flow"] = strings.Join(lines, "\n")
	lines = nil
	for _, sc := range c.Scenarios {
		lines = append(lines, joinCells(sc.Name, sc.Actor, sc.Situation, sc.Action, sc.Outcome))
	}
	f["scenarios"] = strings.Join(lines, "\n")
	lines = nil
	for _, e := range c.Exceptions {
		lines = append(lines, joinCells(e.Condition, e.Handling, e.ErrorCode))
	}
	f["exceptions"] = strings.Join(lines, "\n")
	lines = nil
	for _, p := range c.Performance {
		target := ""
		if p.Target != nil {
			target = strconv.FormatFloat(*p.Target, 'f', -1, 64)
		}
		lines = append(lines, joinCells(p.Metric, string(p.Comparator), target, p.Unit))
	}
	f["performance"] = strings.Join(lines, "\n")
	lines = nil
	for _, a := range c.Acceptance {
		lines = append(lines, joinCells(a.ID, a.Text, a.TestRef))
	}
	f["acceptance_criteria"] = strings.Join(lines, "\n")
	lines = nil
	for _, l := range c.Links {
		lines = append(lines, l.Kind+"/"+l.ID)
	}
	f["links"] = strings.Join(lines, "\n")
	return f
}

func joinCells(cells ...string) string {
	for len(cells) > 1 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return strings.Join(cells, " | ")
}

var formFieldNames = []string{"title", "background", "goal", "description", "interface_notes", "priority", "owner", "labels",
	"kpis", "flow", "scenarios", "exceptions", "performance", "acceptance_criteria", "links", "note"}

// formFields returns the posted form's fields, to show them again.
func formFields(r *http.Request) map[string]string {
	f := map[string]string{}
	for _, n := range formFieldNames {
		f[n] = r.PostFormValue(n)
	}
	return f
}

// lines splits a text area into its non-empty lines, each into its cells
// separated by "|".
func lines(text string) [][]string {
	var out [][]string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		cells := strings.Split(l, "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		out = append(out, cells)
	}
	return out
}

func cell(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// contentFromForm reads requirement content from the form. What the form's
// own syntax gets wrong (a target that is not a number) is reported by
// field, as the service reports the rest.
func contentFromForm(r *http.Request) (requirement.Content, fieldErrors) {
	errs := fieldErrors{}
	c := requirement.Content{Title: strings.TrimSpace(r.PostFormValue("title")), Background: r.PostFormValue("background"),
		Goal: r.PostFormValue("goal"), Description: r.PostFormValue("description"), InterfaceNotes: r.PostFormValue("interface_notes"),
		Priority: requirement.Priority(r.PostFormValue("priority")), Owner: strings.TrimSpace(r.PostFormValue("owner"))}
	for _, l := range strings.Split(r.PostFormValue("labels"), ",") {
		if l = strings.TrimSpace(l); l != "" {
			c.Labels = append(c.Labels, l)
		}
	}
	for _, l := range lines(r.PostFormValue("kpis")) {
		c.KPIs = append(c.KPIs, strings.Join(l, " | "))
	}
	for _, l := range lines(r.PostFormValue("flow")) {
		if len(l) == 1 {
			c.Flow = append(c.Flow, requirement.FlowStep{Action: l[0]})
		} else {
			c.Flow = append(c.Flow, requirement.FlowStep{Actor: l[0], Action: cell(l, 1), Diagram: cell(l, 2)})
		}
	}
	for _, l := range lines(r.PostFormValue("scenarios")) {
		c.Scenarios = append(c.Scenarios, requirement.Scenario{Name: l[0], Actor: cell(l, 1), Situation: cell(l, 2), Action: cell(l, 3), Outcome: cell(l, 4)})
	}
	for _, l := range lines(r.PostFormValue("exceptions")) {
		c.Exceptions = append(c.Exceptions, requirement.ExceptionCase{Condition: l[0], Handling: cell(l, 1), ErrorCode: cell(l, 2)})
	}
	for i, l := range lines(r.PostFormValue("performance")) {
		p := requirement.PerformanceTarget{Metric: l[0], Comparator: requirement.Comparator(cell(l, 1)), Unit: cell(l, 3)}
		if t := cell(l, 2); t != "" {
			v, err := strconv.ParseFloat(t, 64)
			if err != nil {
				errs["performance"] = append(errs["performance"], fmt.Sprintf("[%d] %q: not a number", i+1, t))
			}
			p.Target = &v
		}
		c.Performance = append(c.Performance, p)
	}
	for _, l := range lines(r.PostFormValue("acceptance_criteria")) {
		a := requirement.AcceptanceCriterion{Text: l[0], TestRef: cell(l, 1)}
		if len(l) >= 2 && strings.HasPrefix(l[0], "AC-") && !strings.Contains(l[0], " ") {
			a = requirement.AcceptanceCriterion{ID: l[0], Text: l[1], TestRef: cell(l, 2)}
		}
		c.Acceptance = append(c.Acceptance, a)
	}
	for i, l := range lines(r.PostFormValue("links")) {
		kind, id, ok := strings.Cut(l[0], "/")
		if !ok {
			errs["links"] = append(errs["links"], fmt.Sprintf("[%d] %q: write kind/id, as contract/refunds-api", i+1, l[0]))
			continue
		}
		c.Links = append(c.Links, accord.Ref{Kind: kind, ID: id})
	}
	return c, errs
}

// svcAll reads every page of a list, for the short lists a page shows
// whole (a requirement's change requests).
func svcAll[T any](list func(accord.PageQuery) (accord.Page[T], error)) ([]T, error) {
	var all []T
	q := accord.PageQuery{Size: 500}
	for {
		page, err := list(q)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextPageToken == "" {
			return all, nil
		}
		q.Token = page.NextPageToken
	}
}
