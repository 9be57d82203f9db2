package cireport

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Formats are the names -format takes for CI output.
var Formats = []string{"github", "sarif", "junit", "markdown"}

// IsFormat reports whether name is one of Formats.
func IsFormat(name string) bool {
	for _, f := range Formats {
		if f == name {
			return true
		}
	}
	return false
}

// Report is one run of a check: what ran and what it found.
type Report struct {
	Tool        string // the command, e.g. "accord contract diff"
	ToolVersion string // optional
	FailOn      Level  // annotations at this level or above fail the build; empty: none do
	Annotations []Annotation
	// Rules describe the rule ids found (id → one line); SARIF lists them.
	Rules map[string]string
	// Notes are lines about the run itself (an expired ignore, the
	// version-bump rule applied), printed by every format.
	Notes []string
}

// Write prints r in format (one of Formats), most severe first.
func Write(w io.Writer, format string, r Report) error {
	Sort(r.Annotations)
	switch format {
	case "github":
		return writeGitHub(w, r)
	case "sarif":
		return writeSARIF(w, r)
	case "junit":
		return writeJUnit(w, r)
	case "markdown":
		return writeMarkdown(w, r)
	}
	return fmt.Errorf("format %q is not one of %s", format, strings.Join(Formats, ", "))
}

// writeGitHub prints workflow commands (docs.github.com, "Workflow commands
// for GitHub Actions"): ::error file=F,line=L,title=T::message.
func writeGitHub(w io.Writer, r Report) error {
	var b strings.Builder
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "::notice title=%s::%s\n", ghProperty(r.Tool), ghData(n))
	}
	for _, a := range r.Annotations {
		var props []string
		if a.File != "" {
			props = append(props, "file="+ghProperty(a.File))
			if a.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", a.Line))
			}
		}
		title := a.Rule
		if a.Title != "" {
			title += ": " + a.Title
		}
		props = append(props, "title="+ghProperty(title))
		msg := a.Message
		if a.Help != "" {
			msg += "\n" + a.Help
		}
		if a.Ignored != "" {
			msg = fmt.Sprintf("ignored (%s): %s", a.Ignored, msg)
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", a.effective(), strings.Join(props, ","), ghData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData escapes a workflow command's message; ghProperty also the
// characters that separate properties.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer(":", "%3A", ",", "%2C").Replace(ghData(s))
}

// SARIF 2.1.0 (OASIS), the subset GitHub code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string        `json:"id"`
	ShortDescription sarifMessage  `json:"shortDescription"`
	Help             *sarifMessage `json:"help,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifMessage       `json:"message"`
	Locations    []sarifLocation    `json:"locations,omitempty"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

func sarifLevel(l Level) string {
	switch l {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, r Report) error {
	driver := sarifDriver{Name: "accord", Version: r.ToolVersion, InformationURI: "https://github.com/accordhq/accord", Rules: []sarifRule{}}
	index := map[string]int{}
	results := []sarifResult{}
	for _, a := range r.Annotations {
		i, ok := index[a.Rule]
		if !ok {
			i = len(driver.Rules)
			index[a.Rule] = i
			desc := r.Rules[a.Rule]
			if desc == "" {
				desc = a.Rule
			}
			rule := sarifRule{ID: a.Rule, ShortDescription: sarifMessage{desc}}
			if a.Help != "" {
				rule.Help = &sarifMessage{a.Help} // how to fix it, shown with the alert
			}
			driver.Rules = append(driver.Rules, rule)
		}
		msg := a.Message
		if a.Title != "" {
			msg = a.Title + ": " + msg
		}
		res := sarifResult{RuleID: a.Rule, RuleIndex: i, Level: sarifLevel(a.Level), Message: sarifMessage{msg}}
		if a.File != "" {
			loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: a.File}}}
			if a.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: a.Line}
			}
			res.Locations = []sarifLocation{loc}
		}
		if a.Ignored != "" {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: a.Ignored}}
		}
		results = append(results, res)
	}
	run := sarifRun{Tool: sarifTool{driver}, Results: results}
	if len(r.Notes) > 0 {
		inv := sarifInvocation{ExecutionSuccessful: true}
		for _, n := range r.Notes {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "note", Message: sarifMessage{n}})
		}
		run.Invocations = []sarifInvocation{inv}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// JUnit XML as CI dashboards read it (the Ant/Surefire schema): one test
// case per finding; those at the failing level fail, ignored ones are
// skipped with their reason, the rest pass with their message as output.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	SystemOut string      `xml:"system-out,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func writeJUnit(w io.Writer, r Report) error {
	suite := junitSuite{Name: r.Tool, SystemOut: strings.Join(r.Notes, "\n")}
	for _, a := range r.Annotations {
		where := a.File
		if a.Line > 0 {
			where = fmt.Sprintf("%s:%d", a.File, a.Line)
		}
		c := junitCase{Name: strings.TrimSpace(a.Rule + " " + a.Title), Classname: a.File}
		if c.Classname == "" {
			c.Classname = r.Tool
		}
		text := fmt.Sprintf("%s: %s %s: %s", where, a.Level, a.Rule, a.Message)
		if a.Help != "" {
			text += "\n" + a.Help
		}
		switch {
		case a.Ignored != "":
			c.Skipped = &junitSkipped{Message: "ignored: " + a.Ignored}
			suite.Skipped++
		case r.FailOn != "" && a.Level.AtLeast(r.FailOn):
			c.Failure = &junitFailure{Message: a.Message, Type: string(a.Level), Text: text}
			suite.Failures++
		default:
			c.SystemOut = text
		}
		suite.Cases = append(suite.Cases, c)
	}
	if len(suite.Cases) == 0 {
		suite.Cases = []junitCase{{Name: "no findings", Classname: r.Tool}}
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: r.Tool, Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// writeMarkdown prints a summary for a pull-request comment: a count per
// level, then a table, most severe first.
func writeMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	counts := map[Level]int{}
	ignored := 0
	for _, a := range r.Annotations {
		if a.Ignored != "" {
			ignored++
			continue
		}
		counts[a.Level]++
	}
	verdict, rule := "passed", "nothing fails the build"
	if r.FailOn != "" {
		rule = fmt.Sprintf("the build fails on %s and above", r.FailOn)
		if Failing(r.Annotations, r.FailOn) > 0 {
			verdict = "failed"
		}
	}
	fmt.Fprintf(&b, "### %s: %s\n\n%d error(s), %d warning(s), %d notice(s), %d ignored; %s.\n\n",
		r.Tool, verdict, counts[Error], counts[Warning], counts[Notice], ignored, rule)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "> %s\n\n", mdCell(n))
	}
	if len(r.Annotations) > 0 {
		b.WriteString("| Level | Rule | Where | Finding |\n|---|---|---|---|\n")
		for _, a := range r.Annotations {
			level := string(a.Level)
			if a.Ignored != "" {
				level = "ignored: " + a.Ignored
			}
			where := a.File
			if a.Line > 0 {
				where = fmt.Sprintf("%s:%d", a.File, a.Line)
			}
			msg := a.Message
			if a.Title != "" {
				msg = "**" + a.Title + "**: " + msg
			}
			fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s |\n", mdCell(level), a.Rule, where, mdCell(msg))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }
