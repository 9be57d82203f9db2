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
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/risk"
)

const refUsage = `usage:
  accord ref list   -server URL -project P [-record REQ-3] [-system jira] [-format text|json]
  accord ref add    -server URL -project P -record REQ-3 -system jira -key SHOP-1 [-url U] [-status S] [-title T] [-note N]
  accord ref remove -server URL -project P -system jira -key SHOP-1 [-reason R]

A record is its key (REQ-3, RISK-2, RETRO-1, IT-5, MS-2) or kind/key-or-ID
(change_request/01J…, contract_version/…). -token defaults to $ACCORD_TOKEN.`

// refCommand lists, adds and removes a record's references to items in
// other systems (Jira issues, PingCode work items, …) through a server's
// API.
func refCommand(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError("%s", refUsage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("ref "+verb, flag.ContinueOnError)
	server, project, token := serverFlags(fs)
	record := fs.String("record", "", "the accord record: REQ-3, RISK-2, … or kind/ID")
	system := fs.String("system", "", "the other system: jira, pingcode, worktile, asana, trello or another name")
	var key, link, status, title, note, reason, format *string
	switch verb {
	case "list":
		format = fs.String("format", "text", "text or json")
	case "add":
		key = fs.String("key", "", "the item's key there: SHOP-123 (required)")
		link = fs.String("url", "", "the item's URL")
		status = fs.String("status", "", "the item's status there, as last known")
		title = fs.String("title", "", "the item's title there")
		note = fs.String("note", "", "why: kept in the reference's first revision")
	case "remove":
		key = fs.String("key", "", "the item's key there: SHOP-123 (required)")
		reason = fs.String("reason", "", "why: kept in the tombstone revision")
	default:
		return usageError("ref: unknown subcommand %q\n%s", verb, refUsage)
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("ref %s: unexpected argument %q\n%s", verb, fs.Arg(0), refUsage)
	}
	if *server == "" || *project == "" {
		return usageError("ref %s: -server and -project are required\n%s", verb, refUsage)
	}
	var rec accord.Ref
	if *record != "" {
		var err error
		if rec, err = parseRecord(*record); err != nil {
			return err
		}
	}
	c, err := newAPIClient(*server, *project, *token)
	if err != nil {
		return err
	}
	switch verb {
	case "list":
		if *format != "text" && *format != "json" {
			return usageError("ref list: -format %q: text or json", *format)
		}
		return refList(ctx, c, rec, *system, *format, out)
	case "add":
		if rec.Kind == "" || *system == "" || *key == "" {
			return usageError("ref add: -record, -system and -key are required\n%s", refUsage)
		}
		in := external.NewReference{Record: rec, System: *system, Key: *key,
			Content: external.Content{URL: *link, Status: *status, Title: *title}, Note: *note}
		if err := in.Validate(); err != nil {
			return exitError{2, err} // refused before any request: named field by field
		}
		r, _, err := c.api.AddExternalReference(ctx, c.project, in)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "added    %s ↔ %s\n", recordLine(ctx, c, r), describeItem(r))
		return err
	default: // remove
		if *system == "" || *key == "" {
			return usageError("ref remove: -system and -key are required\n%s", refUsage)
		}
		r, _, err := c.api.FindExternalReference(ctx, c.project, *system, *key)
		if err != nil {
			return fmt.Errorf("ref remove: %s %s: %w", *system, *key, err)
		}
		if rec.Kind != "" && (r.Record.Kind != rec.Kind || (r.Record.ID != rec.ID && r.RecordName != rec.ID)) {
			return exitError{1, fmt.Errorf("ref remove: %s %s is referenced by %s, not %s/%s: nothing removed", *system, *key, r.NamedRecord(), rec.Kind, rec.ID)}
		}
		if err := c.api.RemoveExternalReference(ctx, c.project, r.ID, &client.RemoveExternalReferenceOptions{Reason: *reason}); err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "removed  %s ↔ %s\n", recordLine(ctx, c, r), describeItem(r))
		return err
	}
}

// parseRecord reads -record: a key whose prefix names its kind, or
// kind/key-or-ID.
func parseRecord(s string) (accord.Ref, error) {
	if kind, id, ok := strings.Cut(s, "/"); ok {
		if kind == "" || id == "" {
			return accord.Ref{}, usageError("-record %q: kind/ID, both non-empty (requirement/REQ-3)", s)
		}
		return accord.Ref{Kind: kind, ID: id}, nil
	}
	switch {
	case isKey(s, requirement.KeyPrefix):
		return accord.Ref{Kind: requirement.RefKind, ID: s}, nil
	case isKey(s, risk.KeyPrefix):
		return accord.Ref{Kind: risk.RefKind, ID: s}, nil
	case isKey(s, retro.KeyPrefix):
		return accord.Ref{Kind: retro.RefKind, ID: s}, nil
	case isKey(s, plan.IterationKeyPrefix):
		return accord.Ref{Kind: plan.IterationRefKind, ID: s}, nil
	case isKey(s, plan.MilestoneKeyPrefix):
		return accord.Ref{Kind: plan.MilestoneRefKind, ID: s}, nil
	}
	return accord.Ref{}, usageError("-record %q: a key (REQ-3, RISK-2, RETRO-1, IT-5, MS-2) or kind/ID (change_request/…)", s)
}

func isKey(s, prefix string) bool {
	n, ok := strings.CutPrefix(s, prefix)
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

// refList prints the references of the project, of one record or of one
// system: each with its record (key and title), the item, its status,
// when it was last synchronised and the last sync's error.
func refList(ctx context.Context, c apiClient, rec accord.Ref, system, format string, out io.Writer) error {
	var refs []external.Reference
	for r, err := range c.api.ListExternalReferences(ctx, c.project, &client.ListExternalReferencesOptions{PageSize: 500, System: system, RecordKind: rec.Kind, RecordID: rec.ID}) {
		if err != nil {
			return err
		}
		refs = append(refs, r)
	}
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", " ")
		if refs == nil {
			refs = []external.Reference{}
		}
		return enc.Encode(refs)
	}
	titles := map[accord.Ref]string{}
	for _, r := range refs {
		if _, ok := titles[r.Record]; !ok {
			titles[r.Record] = recordLine(ctx, c, r)
		}
		line := fmt.Sprintf("%s ↔ %s", titles[r.Record], describeItem(r))
		if r.URL != "" {
			line += "\n    " + r.URL
		}
		if r.SyncError != "" {
			line += "\n    last sync failed: " + r.SyncError
		}
		fmt.Fprintln(out, line)
	}
	_, err := fmt.Fprintf(out, "%d reference(s) in %s\n", len(refs), c.project)
	return err
}

// describeItem names the item: system, key, title there, status and when
// it was last synchronised.
func describeItem(r external.Reference) string {
	s := r.Name()
	if r.Title != "" {
		s += " " + r.Title
	}
	if r.Status != "" {
		s += " [" + r.Status + "]"
	}
	if r.SyncedAt != nil {
		s += " synced " + r.SyncedAt.UTC().Format(time.DateTime) + " UTC"
	}
	return s
}

// recordLine names a reference's record by kind, key and title, reading
// the title from the server for the kinds that have one; a record it
// cannot read is named by what the reference knows.
func recordLine(ctx context.Context, c apiClient, r external.Reference) string {
	key, title := r.RecordName, ""
	id := r.Record.ID
	switch r.Record.Kind {
	case requirement.RefKind:
		if x, _, err := c.api.GetRequirement(ctx, c.project, id); err == nil {
			key, title = x.Key, x.Title
		}
	case requirement.ChangeRequestRefKind:
		if x, _, err := c.api.GetChangeRequest(ctx, c.project, id); err == nil {
			title = x.Proposed.Title
		}
	case risk.RefKind:
		if x, _, err := c.api.GetRisk(ctx, c.project, id); err == nil {
			key, title = x.Key, x.Title
		}
	case retro.RefKind:
		if x, _, err := c.api.GetRetro(ctx, c.project, id); err == nil {
			key, title = x.Key, x.Title
		}
	case plan.IterationRefKind:
		if x, _, err := c.api.GetIteration(ctx, c.project, id); err == nil {
			key, title = x.Key, x.Name
		}
	case plan.MilestoneRefKind:
		if x, _, err := c.api.GetMilestone(ctx, c.project, id); err == nil {
			key, title = x.Key, x.Name
		}
	}
	if key == "" {
		key = id
	}
	s := r.Record.Kind + " " + key
	if title != "" {
		s += " " + title
	}
	return s
}
