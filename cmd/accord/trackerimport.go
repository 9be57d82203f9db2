package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/trackerimport"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/external"
)

const importTrackerUsage = "usage: accord import-tracker -project P -from jira|trello|asana|pingcode|worktile (-actor ID [-db ...] | -server URL [-token T]) [-format text|json] FILE"

// importTrackerCommand brings a tracker's export into a project: each item
// a requirement with an external reference, in one unit of work on a
// database (-db), or call by call through a server's API (-server).
func importTrackerCommand(ctx context.Context, args []string, defaultDB string, out io.Writer) error {
	fs := flag.NewFlagSet("import-tracker", flag.ContinueOnError)
	project := fs.String("project", "", "the project's key (required)")
	from := fs.String("from", "", "the tool the file was exported from: jira, trello, asana, pingcode or worktile (required)")
	actor := fs.String("actor", os.Getenv("ACCORD_ACTOR"), "who imports: a member of the project who may write records ($ACCORD_ACTOR)")
	format := fs.String("format", "text", "the report: text or json")
	db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
	server := fs.String("server", "", "import through this accord server's API instead of into a database, e.g. https://accord.example.com")
	token := fs.String("token", os.Getenv("ACCORD_TOKEN"), "with -server: API token (default $ACCORD_TOKEN); it names who imports")
	if err := parse(fs, args); err != nil {
		return err
	}
	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" || f.Name == "actor" })
	switch {
	case fs.NArg() != 1 || *project == "" || *from == "":
		return usageError(importTrackerUsage)
	case !slices.Contains(trackerimport.Sources(), trackerimport.Source(*from)):
		return usageError("import-tracker: -from %q: one of jira, trello, asana, pingcode, worktile", *from)
	case *server != "" && dbGiven:
		return usageError("import-tracker: -server imports through the API as its -token's actor; -db and -actor are for a database, not both")
	case *format != "text" && *format != "json":
		return usageError("import-tracker: -format %q: text or json", *format)
	case *server != "":
		return importTrackerRemote(ctx, *server, *token, *project, trackerimport.Source(*from), *format, fs.Arg(0), out)
	case *actor == "":
		return usageError("import-tracker: -actor is required: a member of %s who may write records", *project)
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
	return writeImportReport(out, rep, *format, fs.Arg(0), *project)
}

// importTrackerRemote runs the import through a server's API with the
// typed client: the same Importer, the same report.
func importTrackerRemote(ctx context.Context, server, token, project string, from trackerimport.Source, format, file string, out io.Writer) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return usageError("import-tracker: %v", err)
	}
	items, problems, err := trackerimport.Parse(from, file, data)
	if err != nil {
		return usageError("import-tracker: %v", err)
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("import-tracker: -server: %q is not an http(s) URL", server)
	}
	api, err := client.New(client.Options{BaseURL: server, Token: token, HTTPClient: &http.Client{Timeout: 30 * time.Second}, UserAgent: "accord import-tracker"})
	if err != nil {
		return usageError("import-tracker: -server: %v", err)
	}
	im := trackerimport.Importer{Requirements: trackerimport.RequirementsVia(api), References: trackerimport.ReferencesVia(api)}
	rep, err := im.Import(ctx, project, from, items, problems)
	if err != nil {
		if len(rep.Results) == 0 {
			return err
		}
		// Each call was its own unit of work: say what is in, and that a
		// second run continues (it finds those by their references).
		if werr := writeImportReport(out, rep, format, file, project); werr != nil {
			return werr
		}
		return fmt.Errorf("%w; the %d item(s) before it are imported: run the same import again to continue", err, len(rep.Results))
	}
	return writeImportReport(out, rep, format, file, project)
}

// writeImportReport writes what an import did, item by item (unchanged
// items are only counted), then one line of counts.
func writeImportReport(out io.Writer, rep trackerimport.Report, format, file, project string) error {
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", " ")
		return enc.Encode(rep)
	}
	for _, r := range rep.Results {
		if r.Outcome == trackerimport.Unchanged {
			continue
		}
		line := fmt.Sprintf("%-9s row %d  %s %s → %s %s", r.Outcome, r.Row, rep.Source, r.Key, r.Requirement, r.Title)
		if r.Why != "" {
			line += "\n          " + r.Why
		}
		fmt.Fprintln(out, line)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(out, "not mapped", p.String())
	}
	_, err := fmt.Fprintf(out, "%s into %s: %d created, %d updated, %d unchanged, %d conflicts, %d failed, %d not mapped\n", file, project,
		rep.Count(trackerimport.Created), rep.Count(trackerimport.Updated), rep.Count(trackerimport.Unchanged),
		rep.Count(trackerimport.Conflict), rep.Count(trackerimport.Failed), len(rep.Problems))
	return err
}
