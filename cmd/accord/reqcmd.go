package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/cireport"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/requirement/reqfile"
)

const reqUsage = `usage:
  accord req lint [-format text|json|github|sarif|junit|markdown] [-fail-on error|warning] [-config .accord.yaml] DIR
  accord req pull DIR -server URL -project P [-token T] [-lang en|zh]
  accord req push DIR -server URL -project P [-token T]
  accord req export -format needs.json (DIR | -server URL -project P [-token T]) [-o FILE]

A folder holds one Markdown file per requirement: YAML front matter (key,
title, priority, owner, status, labels, links, revision) and the sections as
"## " headings in English or Chinese (see package requirement/reqfile), and
optionally glossary.yaml for the lint.

lint   checks every file offline (vague words, missing parts, unverifiable
       criteria, glossary synonyms), findings placed at the file's line.
pull   writes the project's requirements into DIR (KEY.md); a file edited
       since its pull whose requirement changed on the server too is a
       conflict: reported, left as it is.
push   sends edited files with If-Match: the revision they were pulled at;
       a file without a key creates a requirement and gets its key; a
       requirement changed on the server since the pull is a conflict,
       never overwritten; unchanged files change nothing.
export writes sphinx-needs needs.json, with the needs_schema of a need.

-token defaults to $ACCORD_TOKEN.
Exit status: 0 clean; 1 lint findings at the failing level (default error),
or a conflict; 2 usage or input errors (a malformed file or config, named
with its line).`

// reqCommand runs `accord req ...`.
func reqCommand(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError("%s", reqUsage)
	}
	if isHelp(args[0]) {
		_, err := fmt.Fprintln(out, reqUsage)
		return err
	}
	// The folder may come before or after the flags.
	switch args[0] {
	case "lint":
		return reqLint(args[1:], out)
	case "pull":
		return reqSync(ctx, "pull", args[1:], out)
	case "push":
		return reqSync(ctx, "push", args[1:], out)
	case "export":
		return reqExport(ctx, args[1:], out)
	}
	return usageError("unknown req command %q\n%s", args[0], reqUsage)
}

// parseInterspersed parses flags that may come before or after the one
// positional argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func readFolder(dir string) (reqfile.Folder, error) {
	folder, err := reqfile.ReadDir(dir)
	if err != nil {
		return folder, usageError("%v", err)
	}
	return folder, nil
}

// reqLint lints every requirement file of a folder, offline.
func reqLint(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("req lint", flag.ContinueOnError)
	format := fs.String("format", "text", "text, json, markdown, github, sarif or junit")
	failOn := fs.String("fail-on", "", "error or warning (default: the config's fail-on, else error)")
	config := fs.String("config", "", "the CI configuration (default: "+cireport.ConfigFile+" in the working directory, if there is one)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("req lint needs one folder\n%s", reqUsage)
	}
	cfg, level, err := ciSettings(*format, *config, *failOn, cireport.Error)
	if err != nil {
		return err
	}
	folder, err := readFolder(pos[0])
	if err != nil {
		return err
	}
	var annotations []cireport.Annotation
	for _, f := range folder.Files {
		title := f.Key
		if title == "" {
			title = f.Content.Title
		} else {
			title += " " + f.Content.Title
		}
		for _, fd := range requirement.Lint(f.Content, folder.Glossary) {
			level := cireport.Warning
			if fd.Severity == requirement.SeverityError {
				level = cireport.Error
			}
			annotations = append(annotations, cireport.Annotation{Rule: fd.Rule, Level: level, File: cireport.RepoPath(f.Name),
				Line: f.Line(fd.Path), Title: title, Message: fd.Path + ": " + fd.Message, Help: fd.Suggestion})
		}
	}
	notes := cfg.Apply(annotations, ciNow())
	return writeCI(out, *format, cireport.Report{Tool: "accord req lint", FailOn: level, Annotations: annotations, Notes: notes})
}

// apiClient talks to an accord server's JSON API for one project,
// through the typed client.
type apiClient struct {
	api     *client.Client
	project string
}

// status is the HTTP status of a refused call (0 for a transport error).
func status(err error) int {
	var e *client.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// list reads every requirement of the project, page by page.
func (c apiClient) list(ctx context.Context) ([]requirement.Requirement, error) {
	var all []requirement.Requirement
	for r, err := range c.api.ListRequirements(ctx, c.project, &client.ListRequirementsOptions{PageSize: 500}) {
		if err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	return all, nil
}

func serverFlags(fs *flag.FlagSet) (server, project, token *string) {
	server = fs.String("server", "", "the accord server's URL, e.g. https://accord.example.com (required)")
	project = fs.String("project", "", "the project (required)")
	token = fs.String("token", os.Getenv("ACCORD_TOKEN"), "API token (default $ACCORD_TOKEN)")
	return
}

func newAPIClient(server, project, token string) (apiClient, error) {
	if server == "" || project == "" {
		return apiClient{}, usageError("-server and -project are required\n%s", reqUsage)
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apiClient{}, usageError("-server: %q is not an http(s) URL", server)
	}
	api, err := client.New(client.Options{BaseURL: server, Token: token, HTTPClient: &http.Client{Timeout: 30 * time.Second}, UserAgent: "accord req"})
	if err != nil {
		return apiClient{}, usageError("-server: %v", err)
	}
	return apiClient{api: api, project: project}, nil
}

// sameContent compares contents as the API carries them.
func sameContent(a, b requirement.Content) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// conflictError is the exit-1 error of a sync that left conflicts.
func conflictError(n int, what string) error {
	return exitError{1, fmt.Errorf("%d conflict(s); nothing was overwritten: %s", n, what)}
}

// reqSync runs pull or push.
func reqSync(ctx context.Context, verb string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("req "+verb, flag.ContinueOnError)
	server, project, token := serverFlags(fs)
	lang := fs.String("lang", "en", "pull: headings of new files, en or zh")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("req %s needs one folder\n%s", verb, reqUsage)
	}
	if *lang != "en" && *lang != "zh" {
		return usageError("-lang: %q is not one of en, zh", *lang)
	}
	c, err := newAPIClient(*server, *project, *token)
	if err != nil {
		return err
	}
	dir := pos[0]
	if verb == "pull" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return usageError("%v", err)
		}
	}
	folder, err := readFolder(dir)
	if err != nil {
		return err
	}
	if verb == "pull" {
		return pull(ctx, c, folder, reqfile.Lang(*lang), out)
	}
	return push(ctx, c, folder, out)
}

// localChange reports whether f differs from the revision it was pulled
// at, reading that revision from the server when the server has moved on.
func localChange(ctx context.Context, c apiClient, f reqfile.File, current requirement.Requirement) (bool, error) {
	if f.Revision == current.Revision {
		return !sameContent(f.Content, current.Content), nil
	}
	if f.Revision == 0 {
		return true, nil
	}
	rev, err := c.api.GetRequirementRevision(ctx, c.project, f.Key, f.Revision)
	if err != nil {
		return true, err
	}
	return !sameContent(f.Content, rev.Requirement.Content), nil
}

func writeReqFile(path string, f reqfile.File) error {
	return os.WriteFile(path, reqfile.Format(f, f.Lang), 0o644)
}

func fromServer(r requirement.Requirement, lang reqfile.Lang) reqfile.File {
	return reqfile.File{Key: r.Key, Status: r.Status, Revision: r.Revision, Content: r.Content, Lang: lang}
}

func pull(ctx context.Context, c apiClient, folder reqfile.Folder, lang reqfile.Lang, out io.Writer) error {
	reqs, err := c.list(ctx)
	if err != nil {
		return err
	}
	byKey := map[string]reqfile.File{}
	for _, f := range folder.Files {
		if f.Key != "" {
			byKey[f.Key] = f
		}
	}
	var conflicts []string
	written, same := 0, 0
	for _, r := range reqs {
		f, ok := byKey[r.Key]
		if !ok {
			path := filepath.Join(folder.Dir, reqfile.FileName(r.Key))
			if _, err := os.Stat(path); err == nil {
				conflicts = append(conflicts, fmt.Sprintf("%s: exists without key %s; not overwritten", path, r.Key))
				continue
			}
			if err := writeReqFile(path, fromServer(r, lang)); err != nil {
				return err
			}
			fmt.Fprintf(out, "new      %s (%s %s, revision %d)\n", path, r.Key, r.Title, r.Revision)
			written++
			continue
		}
		if f.Revision == r.Revision {
			same++
			continue
		}
		changed, err := localChange(ctx, c, f, r)
		if err != nil {
			return err
		}
		if changed {
			conflicts = append(conflicts, fmt.Sprintf("%s: conflict: %s %s was edited here since its pull at revision %d and on the server (now revision %d); the file is left as it is",
				f.Name, r.Key, r.Title, f.Revision, r.Revision))
			continue
		}
		if err := writeReqFile(f.Name, fromServer(r, f.Lang)); err != nil {
			return err
		}
		fmt.Fprintf(out, "updated  %s (%s %s, revision %d → %d)\n", f.Name, r.Key, r.Title, f.Revision, r.Revision)
		written++
	}
	for _, m := range conflicts {
		fmt.Fprintln(out, m)
	}
	fmt.Fprintf(out, "%d written, %d up to date, %d conflict(s)\n", written, same, len(conflicts))
	if len(conflicts) > 0 {
		return conflictError(len(conflicts), "push or move the local edits, then pull again")
	}
	return nil
}

func push(ctx context.Context, c apiClient, folder reqfile.Folder, out io.Writer) error {
	var conflicts []string
	created, updated, same := 0, 0, 0
	for _, f := range folder.Files {
		body := requirement.ContentInput{Content: f.Content, Note: "accord req push " + filepath.Base(f.Name)}
		if f.Key == "" {
			r, _, err := c.api.CreateRequirement(ctx, c.project, body)
			if err != nil {
				if st := status(err); st >= 400 && st < 500 {
					conflicts = append(conflicts, fmt.Sprintf("%s: refused: %v", f.Name, err))
					continue
				}
				return fmt.Errorf("%s: %w", f.Name, err)
			}
			if err := writeReqFile(f.Name, fromServer(r, f.Lang)); err != nil {
				return err
			}
			fmt.Fprintf(out, "created  %s %s from %s (key written to the file)\n", r.Key, r.Title, f.Name)
			created++
			continue
		}
		current, _, err := c.api.GetRequirement(ctx, c.project, f.Key)
		if err != nil {
			if status(err) == http.StatusNotFound {
				// Deleted on the server, or another project's key: the
				// file stays, nothing is recreated behind anyone's back.
				conflicts = append(conflicts, fmt.Sprintf("%s: %s is not in project %s (deleted?); not pushed; remove the key to create it anew", f.Name, f.Key, c.project))
				continue
			}
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		changed, err := localChange(ctx, c, f, current)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		switch {
		case !changed && f.Revision == current.Revision:
			same++
			continue
		case !changed:
			fmt.Fprintf(out, "behind   %s: %s changed on the server (revision %d, pulled at %d); the file is unchanged: pull to update it\n",
				f.Name, f.Key, current.Revision, f.Revision)
			continue
		case f.Revision != current.Revision:
			conflicts = append(conflicts, fmt.Sprintf("%s: conflict: %s %s was pulled at revision %d and changed on the server since (now revision %d); not pushed",
				f.Name, f.Key, current.Title, f.Revision, current.Revision))
			continue
		}
		r, _, err := c.api.UpdateRequirement(ctx, c.project, f.Key, f.Revision, body)
		if errors.Is(err, accord.ErrStale) {
			conflicts = append(conflicts, fmt.Sprintf("%s: conflict: %s changed on the server while pushing (pulled at revision %d); not pushed", f.Name, f.Key, f.Revision))
			continue
		}
		if err != nil {
			// Refused (an approved requirement, invalid content): say so
			// and go on with the other files.
			conflicts = append(conflicts, fmt.Sprintf("%s: refused: %v", f.Name, err))
			continue
		}
		if err := writeReqFile(f.Name, fromServer(r, f.Lang)); err != nil {
			return err
		}
		fmt.Fprintf(out, "updated  %s %s: revision %d → %d\n", r.Key, r.Title, f.Revision, r.Revision)
		updated++
	}
	for _, m := range conflicts {
		fmt.Fprintln(out, m)
	}
	fmt.Fprintf(out, "%d created, %d updated, %d unchanged, %d not pushed\n", created, updated, same, len(conflicts))
	if len(conflicts) > 0 {
		return exitError{1, fmt.Errorf("%d file(s) not pushed, nothing overwritten: for a conflict, pull into another folder, merge the edits into the file, set its revision to the server's, and push again", len(conflicts))}
	}
	return nil
}

// reqExport writes sphinx-needs needs.json from a folder or a server.
func reqExport(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("req export", flag.ContinueOnError)
	format := fs.String("format", "needs.json", "needs.json (sphinx-needs)")
	server, project, token := serverFlags(fs)
	output := fs.String("o", "", "write to this file instead of standard output")
	version := fs.String("version", "1.0", "the documentation version the needs are stored under")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *format != "needs.json" {
		return usageError("-format: %q is not needs.json", *format)
	}
	var reqs []requirement.Requirement
	name := *project
	switch {
	case len(pos) == 1 && *server == "":
		folder, err := readFolder(pos[0])
		if err != nil {
			return err
		}
		for _, f := range folder.Files {
			if f.Key == "" {
				return usageError("%s: no key yet, so no id to export it under: push it first", f.Name)
			}
			reqs = append(reqs, requirement.Requirement{Key: f.Key, Status: f.Status, Content: f.Content})
		}
		if name == "" {
			name = filepath.Base(filepath.Clean(pos[0]))
		}
	case len(pos) == 0 && *server != "":
		c, err := newAPIClient(*server, *project, *token)
		if err != nil {
			return err
		}
		if reqs, err = c.list(ctx); err != nil {
			return err
		}
	default:
		return usageError("req export takes a folder or -server and -project\n%s", reqUsage)
	}
	doc, err := needsJSON(name, *version, time.Now().UTC(), reqs)
	if err != nil {
		return usageError("%v", err)
	}
	if *output != "" {
		return os.WriteFile(*output, doc, 0o644)
	}
	_, err = out.Write(doc)
	return err
}

// need is one entry of sphinx-needs' needs.json: the core fields its
// needs builder writes (id, title, description, content, type, type_name,
// status, tags, links) and accord's own as extra fields.
type need struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Content     string   `json:"content"`
	Type        string   `json:"type"`
	TypeName    string   `json:"type_name"`
	Status      *string  `json:"status"`
	Tags        []string `json:"tags"`
	Links       []string `json:"links"`
	Priority    string   `json:"priority,omitempty"`
	Owner       string   `json:"owner,omitempty"`
	// AccordLinks are every link as kind/id, those to other records
	// (contracts, reviews) included, which sphinx-needs cannot resolve.
	AccordLinks []string `json:"accord_links,omitempty"`
}

// needSchema is the needs_schema sphinx-needs' builder writes beside the
// needs: a JSON schema of one need, each field with its field_type (core,
// links or extra).
func needSchema() any {
	type field struct {
		Type        any    `json:"type"`
		Items       any    `json:"items,omitempty"`
		FieldType   string `json:"field_type"`
		Description string `json:"description"`
	}
	str := func(ft, d string) field { return field{Type: "string", FieldType: ft, Description: d} }
	list := func(ft, d string) field {
		return field{Type: "array", Items: map[string]string{"type": "string"}, FieldType: ft, Description: d}
	}
	return map[string]any{
		"$schema": "http://json-schema.org/draft-07/schema#",
		"type":    "object",
		"properties": map[string]field{
			"id":           str("core", "the requirement's key (REQ-7)"),
			"title":        str("core", "title"),
			"description":  str("core", "the Description section"),
			"content":      str("core", "every section, as in a requirement file"),
			"type":         str("core", "always req"),
			"type_name":    str("core", "always Requirement"),
			"status":       {Type: []string{"string", "null"}, FieldType: "core", Description: "accord's lifecycle status"},
			"tags":         list("core", "labels"),
			"links":        list("links", "the requirements this one links to"),
			"priority":     str("extra", "P0 to P3"),
			"owner":        str("extra", "owner"),
			"accord_links": list("extra", "every link as kind/id, contracts and other records included"),
		},
		"required": []string{"id", "title", "type", "status", "tags", "links"},
	}
}

// needsJSON builds sphinx-needs' needs.json: requirements keyed by their
// key, links between requirements as need links.
func needsJSON(project, version string, now time.Time, reqs []requirement.Requirement) ([]byte, error) {
	needs := map[string]need{}
	for i, r := range reqs {
		id := r.Key
		if id == "" {
			return nil, fmt.Errorf("requirement %d (%q) has no key: push it first", i+1, r.Title)
		}
		n := need{ID: id, Title: r.Title, Description: r.Description, Type: "req", TypeName: "Requirement",
			Tags: r.Labels, Links: []string{}, Priority: string(r.Priority), Owner: r.Owner}
		if n.Tags == nil {
			n.Tags = []string{}
		}
		body := reqfile.Format(reqfile.File{Content: r.Content}, reqfile.English)
		if _, rest, ok := bytes.Cut(body[3:], []byte("\n---\n")); ok {
			n.Content = strings.TrimSpace(string(rest))
		}
		if r.Status != "" {
			s := string(r.Status)
			n.Status = &s
		}
		for _, l := range r.Links {
			n.AccordLinks = append(n.AccordLinks, l.String())
			if l.Kind == requirement.RefKind {
				n.Links = append(n.Links, l.ID)
			}
		}
		needs[id] = n
	}
	type versionEntry struct {
		Created     string          `json:"created"`
		NeedsSchema any             `json:"needs_schema"`
		Needs       map[string]need `json:"needs"`
		NeedsAmount int             `json:"needs_amount"`
	}
	doc := struct {
		Created        string                  `json:"created"`
		CurrentVersion string                  `json:"current_version"`
		Project        string                  `json:"project"`
		Versions       map[string]versionEntry `json:"versions"`
	}{
		Created: now.Format("2006-01-02T15:04:05"), CurrentVersion: version, Project: project,
		Versions: map[string]versionEntry{version: {Created: now.Format("2006-01-02T15:04:05"), NeedsSchema: needSchema(),
			Needs: needs, NeedsAmount: len(needs)}},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<=" in a performance target stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
