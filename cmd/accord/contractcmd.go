package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/accordhq/accord/adapters/cireport"
	"github.com/accordhq/accord/contract"
)

// exitError ends the program with a given status: 1 for "the check found
// what it was told to fail on", 2 for a usage or input error.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return exitError{2, fmt.Errorf(format, args...)}
}

const contractUsage = `usage:
  accord contract diff [-format text|json|github|sarif|junit|markdown] [-fail-on breaking|warning] [-config .accord.yaml] OLD NEW
  accord contract import [-strict] FILE
  accord contract export [-version 1.0.0] FILE
  accord contract lint [-format text|json|github|sarif|junit|markdown] [-fail-on error|warning] [-config .accord.yaml] FILE
  accord contract validate FILE [-strict] -request REQUEST.json [-response RESPONSE.json]

-strict: a $ref in an OpenAPI document that cannot be resolved is an error,
not a note in the import report.

-format github prints GitHub Actions workflow commands placed at the line of
the changed element (in NEW, $ref'd files included), sarif SARIF 2.1.0 for
code scanning, junit JUnit XML, markdown a pull-request comment, most severe
first. .accord.yaml (or -config) sets fail-on, ignores and version-bump.

Exit status: 0 clean; 1 findings at the failing level (diff: -fail-on or the
config's fail-on, none without either; lint: errors); 2 usage or input errors,
a malformed config among them.`

// contractCommand runs `accord contract ...`.
func contractCommand(args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError("%s", contractUsage)
	}
	if isHelp(args[0]) {
		_, err := fmt.Fprintln(out, contractUsage)
		return err
	}
	switch args[0] {
	case "diff":
		return contractDiff(args[1:], out)
	case "lint":
		return contractLint(args[1:], out)
	case "import":
		return contractImport(args[1:], out)
	case "export":
		return contractExport(args[1:], out)
	case "validate":
		return contractValidate(args[1:], out)
	default:
		return usageError("unknown contract command %q\n%s", args[0], contractUsage)
	}
}

func contractDiff(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("contract diff", flag.ContinueOnError)
	format := fs.String("format", "text", "text, json, markdown, github, sarif or junit")
	failOn := fs.String("fail-on", "", "breaking or warning: exit 1 when such a change is found (default: the config's fail-on; with no config, nothing fails)")
	config := fs.String("config", "", "the CI configuration (default: "+cireport.ConfigFile+" in the working directory, if there is one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("contract diff needs two files, OLD and NEW\n%s", contractUsage)
	}
	cfg, level, err := ciSettings(*format, *config, *failOn, "")
	if err != nil {
		return err
	}
	old, err := readSpecFile(fs.Arg(0))
	if err != nil {
		return err
	}
	new, err := readSpecFile(fs.Arg(1))
	if err != nil {
		return err
	}
	changes := contract.Compare(old.spec, new.spec)
	annotations, err := changeAnnotations(old, new, changes)
	if err != nil {
		return err
	}
	notes := cfg.Apply(annotations, ciNow())
	notes = append(notes, applyVersionBump(cfg, old.spec, new.spec, annotations)...)
	report := cireport.Report{Tool: "accord contract diff", FailOn: level, Annotations: annotations, Notes: notes}
	if *format == "text" || *format == "json" {
		// The established forms, with the change's own fields.
		if err := writeChanges(out, *format, changes); err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintf(os.Stderr, "note: %s\n", n)
		}
		if n := failing(report); n > 0 {
			return exitError{1, fmt.Errorf("%d change(s) at level %s or above", n, levelName(level))}
		}
		return nil
	}
	return writeCI(out, *format, report)
}

// contractLint prints the lint findings of a contract file; errors exit 1
// (or what -fail-on or the config says).
func contractLint(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("contract lint", flag.ContinueOnError)
	format := fs.String("format", "text", "text, json, markdown, github, sarif or junit")
	failOn := fs.String("fail-on", "", "error or warning (default: the config's fail-on, else error)")
	config := fs.String("config", "", "the CI configuration (default: "+cireport.ConfigFile+" in the working directory, if there is one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) != 1 {
		return usageError("contract lint needs one file\n%s", contractUsage)
	}
	cfg, level, err := ciSettings(*format, *config, *failOn, cireport.Error)
	if err != nil {
		return err
	}
	f, err := readSpecFile(args[0])
	if err != nil {
		return err
	}
	findings := contract.Lint(f.spec)
	if *format == "text" {
		// The established form, placed by OpenAPI pointer.
		for _, fd := range findings {
			fmt.Fprintln(out, fd.String())
		}
	}
	annotations, err := findingAnnotations(f, findings)
	if err != nil {
		return err
	}
	notes := cfg.Apply(annotations, ciNow())
	report := cireport.Report{Tool: "accord contract lint", FailOn: level, Annotations: annotations, Notes: notes}
	if *format == "text" {
		for _, n := range notes {
			fmt.Fprintf(out, "note: %s\n", n)
		}
		fmt.Fprintf(out, "%d finding(s), %d error(s)\n", len(findings), countErrors(findings))
		if n := failing(report); n > 0 {
			return exitError{1, fmt.Errorf("%s: %d lint finding(s) at level %s or above", args[0], n, level)}
		}
		return nil
	}
	return writeCI(out, *format, report)
}

// levelName says a failing level as diff's users know it.
func levelName(l cireport.Level) string {
	if l == cireport.Error {
		return "breaking"
	}
	return string(l)
}

func countErrors(findings []contract.Finding) int {
	n := 0
	for _, f := range findings {
		if f.Severity == contract.SeverityError {
			n++
		}
	}
	return n
}

// recordedRequest and recordedResponse are one exchange as recorded from
// traffic, in the shape the HTTP API's validate endpoint takes.
type recordedRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"` // with the query string
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

type recordedResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// contractValidate checks one recorded exchange against a contract file;
// a violation exits 1.
func contractValidate(args []string, out io.Writer) error {
	if len(args) > 0 && isHelp(args[0]) {
		args = append([]string{""}, args...) // the flags come after the file
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError("contract validate needs the contract file first\n%s", contractUsage)
	}
	fs := flag.NewFlagSet("contract validate", flag.ContinueOnError)
	reqFile := fs.String("request", "", "the recorded request: {method, path, headers, body}")
	respFile := fs.String("response", "", "the recorded response: {status, headers, body}")
	strict := fs.Bool("strict", false, "fail on a $ref in an OpenAPI document that cannot be resolved")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *reqFile == "" || fs.NArg() > 0 {
		return usageError("contract validate needs -request (and takes one contract file)\n%s", contractUsage)
	}
	spec, err := readSpecWith(args[0], contract.ImportOptions{Strict: *strict})
	if err != nil {
		return err
	}
	v, err := contract.Compile(spec)
	if err != nil {
		// Lint says the same placed in the document, not in a Go slice.
		var lines []string
		for _, f := range contract.Lint(spec) {
			if f.Blocking() {
				lines = append(lines, "  "+f.String())
			}
		}
		if len(lines) == 0 {
			return usageError("%s: %v", args[0], err)
		}
		return usageError("%s: the contract does not compile:\n%s", args[0], strings.Join(lines, "\n"))
	}
	var rr recordedRequest
	if err := readJSON(*reqFile, &rr); err != nil {
		return err
	}
	if rr.Method == "" || !strings.HasPrefix(rr.Path, "/") {
		return usageError("%s: method and a path starting with / are required", *reqFile)
	}
	req, err := http.NewRequest(strings.ToUpper(rr.Method), "http://recorded"+rr.Path, bytes.NewReader(rr.Body))
	if err != nil {
		return usageError("%s: %v", *reqFile, err)
	}
	for k, val := range rr.Headers {
		req.Header.Set(k, val)
	}
	if len(rr.Body) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	results := []contract.Result{v.ValidateRequest(req, rr.Body)}
	if *respFile != "" {
		var rs recordedResponse
		if err := readJSON(*respFile, &rs); err != nil {
			return err
		}
		if rs.Status < 100 || rs.Status > 599 {
			return usageError("%s: status must be an HTTP status (100–599)", *respFile)
		}
		h := http.Header{}
		for k, val := range rs.Headers {
			h.Set(k, val)
		}
		if len(rs.Body) > 0 && h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
		results = append(results, v.ValidateResponse(req, rs.Status, h, rs.Body))
	}
	broken := 0
	for _, r := range results {
		for _, viol := range r.Violations {
			// Name the operation as the contract's author knows it.
			if label := v.Label(viol.Operation); label != "" {
				viol.Operation = ""
				fmt.Fprintf(out, "%s: %s\n", label, viol.String())
			} else {
				fmt.Fprintln(out, viol.String())
			}
			broken++
		}
	}
	if broken > 0 {
		return exitError{1, fmt.Errorf("%d violation(s) of %s", broken, args[0])}
	}
	fmt.Fprintln(out, "the exchange keeps the contract")
	return nil
}

func readJSON(path string, out any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return usageError("%v", err)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(out); err != nil {
		return usageError("%s: %v", path, err)
	}
	return nil
}

// readSpec reads a contract file: a spec as accord stores it, a stored
// version ({"spec": …}) as the HTTP API returns it, or an OpenAPI 3
// document in JSON or YAML.
func readSpec(path string) (contract.Spec, error) {
	return readSpecWith(path, contract.ImportOptions{})
}

// readSpecWith is readSpec with the options for importing OpenAPI.
func readSpecWith(path string, opts contract.ImportOptions) (contract.Spec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return contract.Spec{}, usageError("%v", err)
	}
	var probe map[string]json.RawMessage
	trimmed := bytes.TrimSpace(raw)
	isJSON := len(trimmed) > 0 && trimmed[0] == '{'
	if isJSON {
		if err := json.Unmarshal(raw, &probe); err != nil {
			return contract.Spec{}, usageError("%s: not valid JSON: %v", path, err)
		}
	}
	if !isJSON || probe["openapi"] != nil || probe["swagger"] != nil {
		spec, _, err := opts.ImportFile(path)
		if err != nil {
			return contract.Spec{}, usageError("%s: %v", path, err)
		}
		return spec, nil
	}
	if inner, ok := probe["spec"]; ok {
		raw = inner
	}
	var s contract.Spec
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return contract.Spec{}, usageError("%s: %v", path, err)
	}
	if err := s.Validate(); err != nil {
		return contract.Spec{}, usageError("%s: %v", path, err)
	}
	return s, nil
}

// contractExport prints a contract file as OpenAPI 3.1.
func contractExport(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("contract export", flag.ContinueOnError)
	version := fs.String("version", "", "info.version of the document (default: the version the file declares, or 0.0.0)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("contract export needs one file\n%s", contractUsage)
	}
	spec, err := readSpec(fs.Arg(0))
	if err != nil {
		return err
	}
	doc, err := contract.OpenAPI(spec, *version)
	if err != nil {
		return usageError("%s: %v", fs.Arg(0), err)
	}
	_, err = fmt.Fprintf(out, "%s\n", doc)
	return err
}

// contractImport prints an OpenAPI document as an accord spec, with the
// report of what was dropped or approximated.
func contractImport(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("contract import", flag.ContinueOnError)
	strict := fs.Bool("strict", false, "fail on a $ref that cannot be resolved, instead of noting it")
	if err := parse(fs, args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) != 1 {
		return usageError("contract import needs one file\n%s", contractUsage)
	}
	spec, report, err := contract.ImportOptions{Strict: *strict}.ImportFile(args[0])
	if err != nil {
		return usageError("%s: %v", args[0], err)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Spec   contract.Spec         `json:"spec"`
		Report contract.ImportReport `json:"report"`
	}{spec, report})
}

func writeChanges(out io.Writer, format string, changes []contract.Change) error {
	switch format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if changes == nil {
			changes = []contract.Change{}
		}
		return enc.Encode(struct {
			Changes []contract.Change `json:"changes"`
		}{changes})
	case "markdown":
		var b strings.Builder
		b.WriteString("| Level | Rule | Operation | Location | Change |\n|---|---|---|---|---|\n")
		for _, ch := range changes {
			fmt.Fprintf(&b, "| %s | `%s` | %s | `%s` | %s |\n", ch.Level, ch.ID, mdCell(ch.Operation), ch.Location, mdCell(ch.Message))
		}
		fmt.Fprintf(&b, "\n%s\n", tally(changes))
		_, err := io.WriteString(out, b.String())
		return err
	default:
		var b strings.Builder
		for _, ch := range changes {
			op := ch.Operation
			if op == "" {
				op = "(contract)"
			}
			fmt.Fprintf(&b, "%-8s %s %s\n         %s at %s\n", ch.Level, ch.ID, op, ch.Message, ch.Location)
		}
		fmt.Fprintln(&b, tally(changes))
		_, err := io.WriteString(out, b.String())
		return err
	}
}

func countLevels(changes []contract.Change) map[contract.ChangeLevel]int {
	counts := map[contract.ChangeLevel]int{}
	for _, ch := range changes {
		counts[ch.Level]++
	}
	return counts
}

func tally(changes []contract.Change) string {
	counts := countLevels(changes)
	return fmt.Sprintf("%d breaking, %d warning, %d info", counts[contract.Breaking], counts[contract.Warning], counts[contract.Info])
}

func mdCell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }
