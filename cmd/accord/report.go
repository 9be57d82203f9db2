package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/report"
)

// reportCommand prints a project's progress or coverage report from the
// database the server uses.
func reportCommand(ctx context.Context, args []string, defaultDB string, out io.Writer) error {
	// The progress report is the default: `accord report -project P`.
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"progress"}, args...)
	}
	if args[0] != "progress" && args[0] != "coverage" {
		return usageError("usage: accord report [progress|coverage] -project P [-since DATE] [-format markdown|json|csv] [-db ...]")
	}
	kind := args[0]
	fs := flag.NewFlagSet("report "+kind, flag.ContinueOnError)
	project := fs.String("project", "", "the project's key (required)")
	since := fs.String("since", "", "progress: start of the period, a date (2026-11-16) or an RFC 3339 time; default a week ago")
	format := fs.String("format", "markdown", "markdown, json, or csv (coverage only)")
	db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *project == "" {
		return usageError("report: -project is required")
	}
	if *format != "markdown" && *format != "json" && !(*format == "csv" && kind == "coverage") {
		return usageError("report %s: -format %q: one of markdown, json%s", kind, *format, map[bool]string{true: ", csv"}[kind == "coverage"])
	}
	from := time.Now().UTC().AddDate(0, 0, -7)
	if *since != "" {
		t, err := time.Parse(time.DateOnly, *since)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, *since); err != nil {
				return usageError("report: -since %q: a date such as 2026-11-16 or an RFC 3339 time", *since)
			}
		}
		from = t
	}
	if *db == "memory" {
		return usageError("report: -db memory is empty; give the server's database")
	}
	b, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer b.close()
	// A project that does not exist has no report, not an empty one.
	if _, err := b.Projects.GetProject(ctx, *project); err != nil {
		if accord.ErrorCode(err) == accord.NotFound {
			return fmt.Errorf("report: no project %q in %s", *project, b.describe)
		}
		return err
	}
	services, err := b.services(nil)
	if err != nil {
		return err
	}
	s, err := report.New(report.Options{Services: services, Stores: b.Stores})
	if err != nil {
		return err
	}
	var v interface{ Markdown() string }
	var csv func() []byte
	switch kind {
	case "progress":
		r, err := s.Progress(ctx, *project, from)
		if err != nil {
			return err
		}
		v = r
	default:
		r, err := s.Coverage(ctx, *project)
		if err != nil {
			return err
		}
		v, csv = r, r.CSV
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "csv":
		_, err = out.Write(csv())
		return err
	}
	_, err = io.WriteString(out, v.Markdown())
	return err
}
