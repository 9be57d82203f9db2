package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/trackerimport"
	"github.com/accordhq/accord/external"
)

const importTrackerUsage = "usage: accord import-tracker -project P -from jira|trello|asana|pingcode|worktile -actor ID [-format text|json] [-db ...] FILE"

// importTrackerCommand brings a tracker's export into a project: each item
// a requirement with an external reference, in one unit of work.
func importTrackerCommand(ctx context.Context, args []string, defaultDB string, out io.Writer) error {
	fs := flag.NewFlagSet("import-tracker", flag.ContinueOnError)
	project := fs.String("project", "", "the project's key (required)")
	from := fs.String("from", "", "the tool the file was exported from: jira, trello, asana, pingcode or worktile (required)")
	actor := fs.String("actor", os.Getenv("ACCORD_ACTOR"), "who imports: a member of the project who may write records ($ACCORD_ACTOR)")
	format := fs.String("format", "text", "the report: text or json")
	db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1 || *project == "" || *from == "":
		return usageError(importTrackerUsage)
	case !slices.Contains(trackerimport.Sources(), trackerimport.Source(*from)):
		return usageError("import-tracker: -from %q: one of jira, trello, asana, pingcode, worktile", *from)
	case *actor == "":
		return usageError("import-tracker: -actor is required: a member of %s who may write records", *project)
	case *format != "text" && *format != "json":
		return usageError("import-tracker: -format %q: text or json", *format)
	case *db == "memory":
		return usageError("import-tracker: -db memory would forget it at once; give the server's database")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return usageError("import-tracker: %v", err)
	}
	// A file that cannot be read is refused before any database is opened.
	items, problems, err := trackerimport.Parse(trackerimport.Source(*from), fs.Arg(0), data)
	if err != nil {
		return usageError("import-tracker: %v", err)
	}
	b, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer b.close()
	var events accord.EventSink
	if b.sql != nil {
		events = b.sql.Outbox() // webhooks and inboxes hear of the import as of any change
	}
	services, err := b.services(events)
	if err != nil {
		return err
	}
	authz, err := b.authorizer()
	if err != nil {
		return err
	}
	refs, err := external.NewService(external.Options{Store: b.External, Events: events, Authorizer: authz, Records: services.Records})
	if err != nil {
		return err
	}
	im := trackerimport.Importer{Requirements: trackerimport.RequirementsOf(services.Requirements), References: refs}
	var rep trackerimport.Report
	err = b.atomically(accord.WithActor(ctx, accord.Actor{ID: *actor}), func(ctx context.Context) error {
		rep, err = im.Import(ctx, *project, trackerimport.Source(*from), items, problems)
		return err
	})
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", " ")
		return enc.Encode(rep)
	}
	for _, r := range rep.Results {
		if r.Outcome == trackerimport.Unchanged {
			continue
		}
		line := fmt.Sprintf("%-9s row %d  %s %s → %s %s", r.Outcome, r.Row, *from, r.Key, r.Requirement, r.Title)
		if r.Why != "" {
			line += "\n          " + r.Why
		}
		fmt.Fprintln(out, line)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(out, "not mapped", p.String())
	}
	_, err = fmt.Fprintf(out, "%s into %s: %d created, %d updated, %d unchanged, %d conflicts, %d failed, %d not mapped\n", fs.Arg(0), *project,
		rep.Count(trackerimport.Created), rep.Count(trackerimport.Updated), rep.Count(trackerimport.Unchanged),
		rep.Count(trackerimport.Conflict), rep.Count(trackerimport.Failed), len(rep.Problems))
	return err
}
