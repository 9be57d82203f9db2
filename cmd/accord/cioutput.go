package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/accordhq/accord/adapters/cireport"
	"github.com/accordhq/accord/contract"
)

// ciNow is today for the expiry of ignores; tests fix it.
var ciNow = time.Now

// ciSettings checks -format and reads the configuration and the level
// that fails the build (def when neither the flag nor the file sets one):
// what every command with CI output starts with.
func ciSettings(format, config, failOn string, def cireport.Level) (cireport.Config, cireport.Level, error) {
	if format != "text" && format != "json" && !cireport.IsFormat(format) {
		return cireport.Config{}, "", usageError("-format: %q is not one of text, json, %s", format, strings.Join(cireport.Formats, ", "))
	}
	cfg, err := loadCIConfig(config)
	if err != nil {
		return cfg, "", err
	}
	level, err := failLevel(failOn, cfg, def)
	return cfg, level, err
}

// loadCIConfig reads .accord.yaml (or -config); a malformed one is a usage
// error (exit 2) naming the file, line and key.
func loadCIConfig(path string) (cireport.Config, error) {
	cfg, err := cireport.LoadConfig(path)
	if err != nil {
		return cfg, usageError("%v", err)
	}
	return cfg, nil
}

// failLevel is the level that fails the build: the -fail-on flag, else
// the config's, else def (empty: nothing fails).
func failLevel(flagValue string, cfg cireport.Config, def cireport.Level) (cireport.Level, error) {
	if flagValue != "" {
		l, err := cireport.ParseLevel(flagValue)
		if err != nil {
			return "", usageError("-fail-on: %v", err)
		}
		return l, nil
	}
	if cfg.FailOn != "" {
		return cfg.FailOn, nil
	}
	if cfg.File != "" && def == "" {
		return cireport.Error, nil // a repository with a config fails on breaking changes
	}
	return def, nil
}

// specFile is a contract file as read for CI output: its spec, and how
// locations in the spec map to places in the file.
type specFile struct {
	path    string
	spec    contract.Spec
	openAPI bool   // an OpenAPI or Swagger document, not accord's own form
	prefix  string // "/spec" for a version as the API returns it
}

func readSpecFile(path string) (specFile, error) {
	spec, err := readSpec(path)
	if err != nil {
		return specFile{}, err
	}
	f := specFile{path: path, spec: spec}
	raw, _ := os.ReadFile(path)
	var top map[string]any
	_ = yaml.Unmarshal(raw, &top)
	switch {
	case top["openapi"] != nil || top["swagger"] != nil:
		f.openAPI = true
	case top["spec"] != nil:
		f.prefix = "/spec"
	}
	return f, nil
}

// operationIndex is the /operations/N at the start of a location.
var operationIndex = regexp.MustCompile(`^/operations/(\d+)`)

// pointerIn returns the JSON pointer into f's file of a location in
// spec's form (Change.Location), where spec is the spec the location was
// found in (f's own, or the other side's for what was removed).
func (f specFile) pointerIn(spec contract.Spec, location string) string {
	if !f.openAPI {
		return f.prefix + location
	}
	if rest, ok := strings.CutPrefix(location, "/schemas/"); ok {
		return "/components/schemas/" + rest
	}
	m := operationIndex.FindStringSubmatch(location)
	if m == nil {
		return location
	}
	i, _ := strconv.Atoi(m[1])
	if i >= len(spec.Operations) {
		return "/paths"
	}
	op := spec.Operations[i]
	ptr := "/paths/" + escapeToken(op.Path) + "/" + strings.ToLower(op.Method)
	tokens := strings.Split(strings.TrimPrefix(location[len(m[0]):], "/"), "/")
	if len(tokens) > 0 && tokens[0] != "" {
		switch tokens[0] {
		case "request_body":
			tokens[0] = "requestBody"
		case "id":
			tokens[0] = "operationId"
		}
		ptr += "/" + strings.Join(tokens, "/")
	}
	return ptr
}

func escapeToken(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// changeAnnotations places the changes from old to new in NEW's file:
// what changed at its line, what was removed at the nearest place that is
// still there.
func changeAnnotations(old, new specFile, changes []contract.Change) ([]cireport.Annotation, error) {
	loc := cireport.NewLocator()
	var out []cireport.Annotation
	for _, ch := range changes {
		ptr := new.pointerIn(new.spec, ch.Location)
		if !operationMatches(new.spec, ch) { // removed: the location is in OLD
			ptr = new.pointerIn(old.spec, ch.Location)
			if !new.openAPI {
				ptr = new.prefix + "/operations"
			}
		}
		file, line, err := loc.Locate(new.path, ptr)
		if err != nil {
			return nil, usageError("%s: %v", new.path, err)
		}
		out = append(out, cireport.Annotation{Rule: ch.ID, Level: changeLevel(ch.Level), File: cireport.RepoPath(file), Line: line,
			Title: ch.Operation, Message: ch.Message})
	}
	return out, nil
}

// operationMatches reports whether the change's location names, in spec,
// the operation the change is about.
func operationMatches(spec contract.Spec, ch contract.Change) bool {
	m := operationIndex.FindStringSubmatch(ch.Location)
	if m == nil {
		return true
	}
	i, _ := strconv.Atoi(m[1])
	return i < len(spec.Operations) && (ch.Operation == "" || opName(spec.Operations[i]) == ch.Operation)
}

func opName(op contract.Operation) string { return strings.ToUpper(op.Method) + " " + op.Path }

func changeLevel(l contract.ChangeLevel) cireport.Level {
	switch l {
	case contract.Breaking:
		return cireport.Error
	case contract.Warning:
		return cireport.Warning
	}
	return cireport.Notice
}

// applyVersionBump applies the config's version-bump rule: breaking
// changes pass when NEW's info.version has a greater major version than
// OLD's, and otherwise fail saying so.
func applyVersionBump(cfg cireport.Config, old, new contract.Spec, as []cireport.Annotation) []string {
	if cfg.VersionBump != "major" {
		return nil
	}
	breaking := 0
	for _, a := range as {
		if a.Level == cireport.Error && a.Ignored == "" {
			breaking++
		}
	}
	if breaking == 0 {
		return nil
	}
	om, oerr := majorVersion(old.APIVersion)
	nm, nerr := majorVersion(new.APIVersion)
	if oerr == nil && nerr == nil && nm > om {
		reason := fmt.Sprintf("new major version %s (was %s)", new.APIVersion, old.APIVersion)
		for i := range as {
			if as[i].Level == cireport.Error && as[i].Ignored == "" {
				as[i].Ignored = reason
			}
		}
		return []string{fmt.Sprintf("%s: %d breaking change(s) allowed by the %s", cfg.File, breaking, reason)}
	}
	return []string{fmt.Sprintf("%s: version-bump major: %d breaking change(s) need a new major version, but info.version went from %q to %q",
		cfg.File, breaking, old.APIVersion, new.APIVersion)}
}

// majorVersion reads the major number of a version such as v2.1.0.
func majorVersion(v string) (int, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	head, _, _ := strings.Cut(v, ".")
	return strconv.Atoi(head)
}

// findingAnnotations places contract lint findings in the file.
func findingAnnotations(f specFile, findings []contract.Finding) ([]cireport.Annotation, error) {
	loc := cireport.NewLocator()
	var out []cireport.Annotation
	for _, fd := range findings {
		ptr := fd.Pointer
		if !f.openAPI {
			ptr = f.prefix + fieldPointer(fd.Field)
		}
		file, line, err := loc.Locate(f.path, ptr)
		if err != nil {
			return nil, usageError("%s: %v", f.path, err)
		}
		level := cireport.Warning
		if fd.Severity == contract.SeverityError {
			level = cireport.Error
		}
		out = append(out, cireport.Annotation{Rule: fd.Rule, Level: level, File: cireport.RepoPath(file), Line: line,
			Title: fd.Operation, Message: fd.Message})
	}
	return out, nil
}

// fieldPointer turns a field path (operations[2].responses.200) into a
// JSON pointer; good enough to find the line, as the locator stops at the
// deepest place it reaches.
func fieldPointer(field string) string {
	if field == "" {
		return ""
	}
	field = strings.NewReplacer("[", ".", "]", "").Replace(field)
	return "/" + strings.ReplaceAll(field, ".", "/")
}

// writeCI prints a report in a CI format, or in text or json, and returns
// the exit error when annotations at the failing level remain.
func writeCI(out io.Writer, format string, r cireport.Report) error {
	switch format {
	case "text":
		var b bytes.Buffer
		cireport.Sort(r.Annotations)
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "note: %s\n", n)
		}
		for _, a := range r.Annotations {
			where := a.File
			if a.Line > 0 {
				where = fmt.Sprintf("%s:%d", a.File, a.Line)
			}
			level := string(a.Level)
			if a.Ignored != "" {
				level = "ignored (" + a.Ignored + ") " + level
			}
			fmt.Fprintf(&b, "%s: %s %s: %s\n", where, level, a.Rule, a.Message)
		}
		fmt.Fprintf(&b, "%d finding(s), %d at the failing level\n", len(r.Annotations), failing(r))
		if _, err := out.Write(b.Bytes()); err != nil {
			return err
		}
	case "json":
		cireport.Sort(r.Annotations)
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		type item struct {
			Rule    string `json:"rule"`
			Level   string `json:"level"`
			File    string `json:"file"`
			Line    int    `json:"line,omitempty"`
			Title   string `json:"title,omitempty"`
			Message string `json:"message"`
			Ignored string `json:"ignored,omitempty"`
		}
		items := []item{}
		for _, a := range r.Annotations {
			items = append(items, item{a.Rule, string(a.Level), a.File, a.Line, a.Title, a.Message, a.Ignored})
		}
		if err := enc.Encode(struct {
			Findings []item   `json:"findings"`
			Notes    []string `json:"notes,omitempty"`
		}{items, r.Notes}); err != nil {
			return err
		}
	default:
		if err := cireport.Write(out, format, r); err != nil {
			return err
		}
	}
	if n := failing(r); n > 0 {
		return exitError{1, fmt.Errorf("%s: %d finding(s) at level %s or above", r.Tool, n, r.FailOn)}
	}
	return nil
}

func failing(r cireport.Report) int {
	if r.FailOn == "" {
		return 0
	}
	return cireport.Failing(r.Annotations, r.FailOn)
}
