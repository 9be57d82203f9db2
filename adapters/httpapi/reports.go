package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/contract"
)

// Reports makes the cross-domain reports; report.Reports is one.
type Reports interface {
	Coverage(ctx context.Context, project string) (report.CoverageReport, error)
	Progress(ctx context.Context, project string, since time.Time) (report.ProgressReport, error)
}

func exportEndpoints() []endpoint {
	return []endpoint{
		{id: "exportProject", method: "GET", path: base + "/export", summary: "The whole project as one document: every record with every revision (the format of accord export and accord import)",
			status: 200, result: transfer.Document{}, permission: accord.PermProjectExport, handle: exportProject},
	}
}

// exportProject streams the project's document (transfer.Exporter's
// WriteTo), a page of records at a time, so a project of any size takes
// a page of memory. Refusals (permission, no such project) come before
// the first byte and answer a problem as any request does. An error
// after the 200 and part of the document are sent cannot change the
// status: the body then ends without the document's closing brace, so no
// client takes it for a whole project, and the error is logged. A big
// project takes longer than a server's WriteTimeout (a minute in `accord
// serve`): each write pushes the connection's write deadline
// exportWriteWindow ahead, so the export lasts as long as it makes
// progress, and a client that stops reading is still dropped.
func exportProject(s *server, w http.ResponseWriter, r *http.Request) error {
	rc := http.NewResponseController(w)
	body := &streamed{w: w, extend: func() { _ = rc.SetWriteDeadline(time.Now().Add(exportWriteWindow)) }}
	err := s.exports.WriteTo(r.Context(), body, r.PathValue("project"), transfer.Layout{})
	if err == nil || !body.started {
		return err
	}
	s.log.ErrorContext(r.Context(), "project export cut short: the client got a document without its end",
		slog.String("project", r.PathValue("project")), slog.Int64("bytes_sent", body.n), slog.Any("error", err))
	return nil
}

// exportWriteWindow is how long one write of an export may wait for the
// client.
const exportWriteWindow = time.Minute

// streamed answers 200 with JSON at the first byte written to it.
type streamed struct {
	w       http.ResponseWriter
	extend  func() // moves the write deadline ahead (where the server has one)
	started bool
	n       int64
}

func (b *streamed) Write(p []byte) (int, error) {
	b.extend()
	if !b.started {
		b.started = true
		b.w.Header().Set("Content-Type", "application/json")
		b.w.WriteHeader(http.StatusOK)
	}
	n, err := b.w.Write(p)
	b.n += int64(n)
	return n, err
}

// defaultPeriod is how far back a progress report looks when the caller
// names no start: a week, the 周报's period.
const defaultPeriod = 7 * 24 * time.Hour

func reportEndpoints() []endpoint {
	const p = base + "/reports"
	since := []contract.Parameter{filterParam("since", "start of the period: an RFC 3339 time or a date (2026-11-16); default a week ago")}
	return []endpoint{
		{id: "getCoverageReport", method: "GET", path: p + "/coverage", summary: "Requirement → operations → exercised in tests → criteria → accepted, with the gaps",
			status: 200, result: report.CoverageReport{}, handle: read(func(c in) (report.CoverageReport, error) { return c.reports.Coverage(c.ctx(), c.project()) })},
		{id: "getCoverageMarkdown", method: "GET", path: p + "/coverage.md", summary: "The coverage report as Markdown",
			status: 200, result: "", media: "text/markdown", handle: markdownOf(func(c in) (string, error) {
				r, err := c.reports.Coverage(c.ctx(), c.project())
				return r.Markdown(), err
			})},
		{id: "getCoverageCSV", method: "GET", path: p + "/coverage.csv", summary: "The coverage report as CSV, one row per requirement and operation or criterion",
			status: 200, result: "", media: "text/csv", handle: func(s *server, w http.ResponseWriter, r *http.Request) error {
				rep, err := s.reports.Coverage(r.Context(), r.PathValue("project"))
				if err != nil {
					return err
				}
				w.Header().Set("Content-Type", "text/csv; charset=utf-8")
				w.Header().Set("Content-Disposition", `attachment; filename="coverage.csv"`)
				_, err = w.Write(rep.CSV())
				return err
			}},
		{id: "getProgressReport", method: "GET", path: p + "/progress", summary: "The progress report (进度报告) for a period: plan, requirements, reviews, questions, risks, actions, suspect links, gaps",
			query: since, status: 200, result: report.ProgressReport{}, handle: read(func(c in) (report.ProgressReport, error) {
				from, err := sinceParam(c)
				if err != nil {
					return report.ProgressReport{}, err
				}
				return c.reports.Progress(c.ctx(), c.project(), from)
			})},
		{id: "getProgressMarkdown", method: "GET", path: p + "/progress.md", summary: "The progress report as Markdown",
			query: since, status: 200, result: "", media: "text/markdown", handle: markdownOf(func(c in) (string, error) {
				from, err := sinceParam(c)
				if err != nil {
					return "", err
				}
				r, err := c.reports.Progress(c.ctx(), c.project(), from)
				return r.Markdown(), err
			})},
	}
}

func sinceParam(c in) (time.Time, error) {
	v := c.query("since")
	if v == "" {
		return time.Now().UTC().Add(-defaultPeriod), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, invalid("since", "must be an RFC 3339 time or a date such as 2026-11-16, not %q", v)
}
