package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/trace"
)

func (s *server) routes() {
	s.mux.Handle("GET "+s.BasePath+"/static/", s.static)
	if s.LoginURL == "" {
		s.mux.HandleFunc("GET "+s.BasePath+"/login", s.loginPage)
		s.mux.HandleFunc("POST "+s.BasePath+"/login", s.login)
		if s.SSO != nil {
			s.mux.HandleFunc("GET "+s.BasePath+"/login/sso", s.ssoStart)
			s.mux.HandleFunc("GET "+s.BasePath+"/login/callback", s.ssoCallback)
		}
	}
	s.mux.HandleFunc("POST "+s.BasePath+"/logout", s.logout)
	s.mux.HandleFunc("GET "+s.BasePath+"/logout", func(w http.ResponseWriter, r *http.Request) {
		// Signing out changes state, so it takes a POST: GET asks.
		c := s.newCall(w, r)
		_ = c.render(http.StatusOK, "logout", c.lang.t("logout.title"), nil, nil)
	})
	s.mux.HandleFunc("POST "+s.BasePath+"/lang", s.setLang)
	s.route("GET /{$}", s.projects)
	s.route("GET /projects/{project}", s.home)
	s.route("GET /projects/{project}/go/{kind}/{id}", s.goTo)
	s.requirementRoutes()
	if s.Traces != nil {
		s.route("POST /projects/{project}/links/{id}/confirm", s.confirmLink)
	}
	if s.Reviews != nil {
		s.reviewRoutes()
	}
	if s.Contracts != nil {
		s.contractRoutes()
	}
	if s.Plans != nil {
		s.planRoutes()
	}
	if s.Retros != nil {
		s.retroRoutes()
	}
	if s.Risks != nil {
		s.riskRoutes()
	}
	if s.Reports != nil {
		s.route("GET /projects/{project}/trace", s.traceMatrix)
	}
	if s.Watches != nil {
		s.route("GET /projects/{project}/inbox", s.inbox)
		s.route("POST /projects/{project}/inbox/read", s.inboxRead)
		s.route("POST /projects/{project}/watch", s.watch)
	}
	// Everything else: the same page whether the path is wrong or hidden.
	s.mux.HandleFunc(s.BasePath+"/", func(w http.ResponseWriter, r *http.Request) {
		s.newCall(w, r).fail(accord.Errorf(accord.NotFound, "no such page"))
	})
}

// projects lists the caller's projects; with only one, it opens it.
func (s *server) projects(c *call) error {
	page, err := s.Projects.List(c.ctx(), accord.PageQuery{Size: accord.MaxPageSize})
	if err != nil {
		return err
	}
	if len(page.Items) == 1 && c.r.URL.Query().Get("all") == "" {
		http.Redirect(c.w, c.r, s.path("/projects/"+url.PathEscape(page.Items[0].Key)), http.StatusSeeOther)
		return nil
	}
	return c.render(http.StatusOK, "projects", c.lang.t("projects.title"), page.Items, nil)
}

type homeData struct {
	Project project.Project
	Report  report.ProgressReport
	HasRep  bool
}

// home is the project's progress report, each line a link.
func (s *server) home(c *call) error {
	p, err := s.Projects.Get(c.ctx(), c.project())
	if err != nil {
		return err
	}
	d := homeData{Project: p}
	if s.Reports != nil {
		if d.Report, err = s.Reports.Progress(c.ctx(), c.project(), s.Clock.Now().AddDate(0, 0, -14)); err != nil {
			return err
		}
		d.HasRep = true
	}
	return c.render(http.StatusOK, "home", p.Name, d, nil)
}

// kindPages maps a record kind (accord.Ref.Kind) to its pages.
var kindPages = map[string]string{"requirement": "requirements", "review": "reviews", "risk": "risks",
	"retro": "retros", "iteration": "iterations", "question": "questions", "milestone": "plans", "contract": "contracts",
	"contract_version": "contracts", "change_request": "requirements"}

// goTo redirects from a record's ID to its page, for links that only know
// the ID (chat messages, links between records).
func (s *server) goTo(c *call) error {
	ref := accord.Ref{Kind: c.r.PathValue("kind"), ID: c.r.PathValue("id")}
	to, err := s.pageOf(c, ref)
	if err != nil {
		return err
	}
	http.Redirect(c.w, c.r, to, http.StatusSeeOther)
	return nil
}

// pageOf returns the console address of a record.
func (s *server) pageOf(c *call, ref accord.Ref) (string, error) {
	base := s.path("/projects/" + url.PathEscape(c.project()))
	section, ok := kindPages[ref.Kind]
	if !ok {
		return "", accord.Errorf(accord.NotFound, "no page shows a %s", ref.Kind)
	}
	key := ref.ID
	switch ref.Kind {
	case "requirement":
		r, err := s.Requirements.Get(c.ctx(), c.project(), ref.ID)
		if err != nil {
			return "", err
		}
		key = r.Key
	case "change_request":
		cr, err := s.Requirements.GetChange(c.ctx(), c.project(), ref.ID)
		if err != nil {
			return "", err
		}
		r, err := s.Requirements.Get(c.ctx(), c.project(), cr.RequirementID)
		if err != nil {
			return "", err
		}
		key = r.Key
	case "review", "risk", "retro", "iteration", "question":
		if s.Records == nil {
			break
		}
		if t, err := s.Records.Target(c.ctx(), c.project(), ref); err == nil {
			if k, _, ok := strings.Cut(t.Title, " "); ok {
				key = k
			}
		}
	case "contract_version":
		id, version, _ := strings.Cut(ref.ID, "@")
		if s.Contracts != nil {
			if k, err := s.Contracts.Get(c.ctx(), c.project(), id); err == nil {
				return base + "/contracts/" + url.PathEscape(k.Service) + "/" + url.PathEscape(version), nil
			}
		}
		return base + "/" + section, nil
	case "milestone", "contract":
		return base + "/" + section, nil
	}
	if section == "questions" {
		return base + "/questions#" + url.PathEscape(key), nil
	}
	return base + "/" + section + "/" + url.PathEscape(key), nil
}

// RecordURL returns the address of a record's page in a console served at
// public (its scheme, host and base path: https://accord.example.com), for
// messages that link to it, such as webhook deliveries: the page redirects
// from the record's ID to its key. Empty when public is empty.
func RecordURL(public, project string, ref accord.Ref) string {
	if public == "" || project == "" || ref.Kind == "" || ref.ID == "" {
		return ""
	}
	return strings.TrimSuffix(public, "/") + "/projects/" + url.PathEscape(project) + "/go/" + url.PathEscape(ref.Kind) + "/" + url.PathEscape(ref.ID)
}

// linkView is a link as a page shows it: both ends by key and title.
type linkView struct {
	trace.Link
	FromName, ToName string
	FromURL, ToURL   string
}

// links returns the links at a record, both ends named.
func (s *server) links(c *call, record accord.Ref) ([]linkView, error) {
	if s.Traces == nil {
		return nil, nil
	}
	n, err := s.Traces.Neighbours(c.ctx(), c.project(), record)
	if err != nil {
		if accord.ErrorCode(err) == accord.NotFound {
			return nil, nil
		}
		return nil, err
	}
	var out []linkView
	for _, l := range slices.Concat(n.DependsOn, n.Dependents) {
		out = append(out, linkView{Link: l, FromName: s.name(c, l.From), ToName: s.name(c, l.To),
			FromURL: s.path("/projects/" + url.PathEscape(c.project()) + "/go/" + url.PathEscape(l.From.Kind) + "/" + url.PathEscape(l.From.ID)),
			ToURL:   s.path("/projects/" + url.PathEscape(c.project()) + "/go/" + url.PathEscape(l.To.Kind) + "/" + url.PathEscape(l.To.ID))})
	}
	return out, nil
}

// name is a record as people read it: its key and title.
func (s *server) name(c *call, ref accord.Ref) string {
	if s.Records != nil {
		if t, err := s.Records.Target(c.ctx(), c.project(), ref); err == nil && t.Title != "" {
			return t.Title
		}
	}
	return ref.Kind + " " + ref.ID
}

// confirmLink confirms a suspect link against its target's revision.
func (s *server) confirmLink(c *call) error {
	base, _ := strconv.Atoi(c.r.PostFormValue("revision"))
	note := strings.TrimSpace(c.r.PostFormValue("note"))
	if note == "" {
		note = c.lang.t("links.confirmed_note")
	}
	err := s.unit(c.ctx(), func(ctx context.Context) error {
		_, err := s.Traces.Confirm(ctx, c.project(), c.r.PathValue("id"), base, trace.ConfirmInput{Note: note})
		return err
	})
	if err != nil {
		return err
	}
	return c.redirect(strings.TrimPrefix(s.safeNext(c.r.PostFormValue("next")), s.BasePath))
}

// inbox is the caller's inbox of watched records.
func (s *server) inbox(c *call) error {
	in, err := s.Watches.Inbox(c.ctx(), c.project(), accord.PageQuery{Size: 100})
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "inbox", c.lang.t("inbox.title"), in, nil)
}

// inboxRead marks the inbox read up to what the page showed.
func (s *server) inboxRead(c *call) error {
	through, err := strconv.ParseInt(c.r.PostFormValue("through"), 10, 64)
	if err != nil {
		return accord.InvalidField("read mark", "through", "a whole number")
	}
	if err := s.unit(c.ctx(), func(ctx context.Context) error { return s.Watches.MarkRead(ctx, c.project(), through) }); err != nil {
		return err
	}
	return c.redirect("/projects/" + url.PathEscape(c.project()) + "/inbox")
}

// watch starts watching a record: its events reach the caller's inbox.
// Watching it again changes nothing.
func (s *server) watch(c *call) error {
	ref := accord.Ref{Kind: c.r.PostFormValue("kind"), ID: c.r.PostFormValue("id")}
	err := s.unit(c.ctx(), func(ctx context.Context) error {
		_, err := s.Watches.Watch(ctx, c.project(), ref)
		return err
	})
	if err != nil && accord.ErrorCode(err) != accord.Conflict {
		return err
	}
	return c.redirect(strings.TrimPrefix(s.safeNext(c.r.PostFormValue("next")), s.BasePath))
}

// traceMatrix is requirement → operation → test → acceptance, with gaps.
func (s *server) traceMatrix(c *call) error {
	rep, err := s.Reports.Coverage(c.ctx(), c.project())
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "trace", c.lang.t("trace.title"), rep, nil)
}

// formInt reads an integer form field; a malformed one is an Invalid
// error naming the field.
func formInt(r *http.Request, field string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, accord.InvalidField(field, field, "not a whole number: %s", v)
	}
	return n, nil
}

func formFloat(r *http.Request, field string) (float64, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, accord.InvalidField(field, field, "not a number: %s", v)
	}
	return n, nil
}

// isStale reports whether err is a lost race on a base revision.
func isStale(err error) bool { return errors.Is(err, accord.ErrStale) }
