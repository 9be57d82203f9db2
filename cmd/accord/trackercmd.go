package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/external"
)

const trackerUsage = `usage:
  accord tracker status -server URL -project P [-token T]
       each tracker the project is connected to: its rules, last
       successful sync, last error (with its record) and the events that
       await a re-run
  accord tracker sync -server URL -project P -system jira [-token T]
       re-run the failed syncs with one tracker now, and say what each did
  accord tracker rules -server URL -project P [-set FILE] [-token T]
       print the project's tracker settings as JSON, or replace them with
       FILE's ({"trackers":[…]}, as printed; admins only)

-token defaults to $ACCORD_TOKEN. Exit 1 when a tracker has an error or
an event fails again, 2 for usage or input errors.
`

// trackerCommand runs `accord tracker …` through a server's API.
func trackerCommand(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(out, trackerUsage)
		return usageError("tracker: status, sync or rules")
	}
	fs := flag.NewFlagSet("tracker "+args[0], flag.ContinueOnError)
	server, project, token := serverFlags(fs)
	system := fs.String("system", "", "the tracker to re-run (jira, pingcode); sync only")
	set := fs.String("set", "", "a JSON file of settings to store; rules only")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("tracker %s takes no arguments, got %q\n%s", args[0], fs.Args(), trackerUsage)
	}
	c, err := newAPIClient(*server, *project, *token)
	if err != nil {
		return err
	}
	switch args[0] {
	case "status":
		return trackerStatus(ctx, c, out)
	case "sync":
		if *system == "" {
			return usageError("tracker sync: -system is required (jira, pingcode)\n%s", trackerUsage)
		}
		return trackerSync(ctx, c, *system, out)
	case "rules":
		return trackerRules(ctx, c, *set, out)
	}
	fmt.Fprint(out, trackerUsage)
	return usageError("unknown tracker command %q", args[0])
}

func trackerStatus(ctx context.Context, c apiClient, out io.Writer) error {
	list, err := c.api.ListTrackers(ctx, c.project)
	if err != nil {
		return err
	}
	if len(list.Items) == 0 {
		fmt.Fprintf(out, "project %s is connected to no tracker: set its rules with accord tracker rules -set FILE\n", c.project)
		return nil
	}
	failing := 0
	for _, t := range list.Items {
		fmt.Fprintf(out, "%s\n", t.Summary)
		if t.Sync.LastError != "" {
			failing++
			fmt.Fprintf(out, "  last error about %s: %s\n", t.Sync.LastErrorRecord, t.Sync.LastError)
		}
		for _, f := range t.Sync.Failed {
			fmt.Fprintf(out, "  awaiting a re-run: %s (%s, %d attempt(s)): %s\n", f.Record, f.Event.Kind, f.Attempts, f.Error)
		}
		if t.Sync.Dropped > 0 {
			fmt.Fprintf(out, "  %d older failed event(s) are no longer listed and cannot be re-run\n", t.Sync.Dropped)
		}
	}
	if failing > 0 {
		return exitError{1, fmt.Errorf("%d tracker(s) with an error", failing)}
	}
	return nil
}

func trackerSync(ctx context.Context, c apiClient, system string, out io.Writer) error {
	run, err := c.api.SyncTracker(ctx, c.project, system)
	if err != nil {
		return err
	}
	if len(run.Events) == 0 {
		fmt.Fprintf(out, "%s: no failed event awaits a re-run in project %s\n", system, c.project)
	}
	for _, e := range run.Events {
		line := fmt.Sprintf("%-9s %s (%s)", e.Outcome, e.Record, e.Kind)
		if len(e.Did) > 0 {
			line += ": " + strings.Join(e.Did, ", ")
		}
		if e.Error != "" {
			line += ": " + e.Error
		}
		fmt.Fprintln(out, line)
	}
	fmt.Fprintf(out, "%s: %d delivered, %d failed\n", system, run.Delivered, run.Failed)
	if run.Failed > 0 {
		return exitError{1, fmt.Errorf("%d event(s) failed again", run.Failed)}
	}
	return nil
}

func trackerRules(ctx context.Context, c apiClient, file string, out io.Writer) error {
	cur, rev, err := c.api.GetTrackerSettings(ctx, c.project)
	if err != nil {
		return err
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return usageError("-set: %v", err)
		}
		var body client.TrackerSettingsBody
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			// A file as printed carries the project and stamp: take its trackers.
			var printed external.Settings
			if err2 := json.Unmarshal(data, &printed); err2 != nil {
				return usageError("-set %s: not tracker settings JSON: %v", file, err)
			}
			body.Trackers = printed.Trackers
		}
		stored, _, err := c.api.PutTrackerSettings(ctx, c.project, rev, body)
		if err != nil {
			var e *client.Error
			if errors.As(err, &e) && len(e.Fields) > 0 {
				for _, f := range e.Fields {
					fmt.Fprintf(out, "%s: %s: %s\n", file, f.Field, f.Message)
				}
				return exitError{2, fmt.Errorf("the tracker settings in %s are invalid; nothing was stored", file)}
			}
			return err
		}
		fmt.Fprintf(out, "stored the tracker settings of %s as revision %d: %d tracker connection(s)\n", c.project, stored.Revision, len(stored.Trackers))
		return nil
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(cur)
}
