package cireport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of the configuration file looked for in the
// working directory.
const ConfigFile = ".accord.yaml"

// Config is a repository's .accord.yaml:
//
//	fail-on: breaking        # the level that fails the build: breaking (= error) or warning
//	version-bump: major      # breaking changes pass only when NEW's info.version has a new major version
//	ignore:
//	  - rule: request-property-max-decreased
//	    reason: no client sends more than 10 (agreed in RV-4)   # required
//	    expires: 2027-03-31  # optional: from this day on the ignore no longer applies
//	    file: api/orders.yaml # optional: only findings in this file
type Config struct {
	File        string // where it was read from; empty for the defaults
	FailOn      Level  // empty: the command's default
	VersionBump string // "major" or empty
	Ignore      []Ignore
}

// Ignore silences one rule, for a reason, perhaps until a date.
type Ignore struct {
	Rule    string
	Reason  string
	Expires time.Time // zero: never
	File    string    // empty: every file
	Line    int       // of the entry in the config, for messages
}

// ConfigError is a malformed configuration: the file, the line and the
// key at fault.
type ConfigError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Key, e.Msg)
}

// LoadConfig reads the configuration at path; with an empty path it reads
// ConfigFile in the working directory if there is one, and otherwise
// returns the defaults.
func LoadConfig(path string) (Config, error) {
	explicit := path != ""
	if !explicit {
		path = ConfigFile
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return Config{}, nil
	}
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(path, data)
}

// ParseConfig reads a configuration; file names it in errors.
func ParseConfig(file string, data []byte) (Config, error) {
	c := Config{File: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return c, fmt.Errorf("%s: not valid YAML: %v", file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return c, nil // an empty file: the defaults
	}
	root := doc.Content[0]
	bad := func(n *yaml.Node, key, format string, args ...any) error {
		return &ConfigError{File: file, Line: n.Line, Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	if root.Kind != yaml.MappingNode {
		return c, bad(root, "(top level)", "want a mapping of keys (fail-on, version-bump, ignore)")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "fail-on":
			l, err := ParseLevel(v.Value)
			if err != nil || v.Kind != yaml.ScalarNode {
				return c, bad(v, "fail-on", "%q is not one of breaking, error, warning", v.Value)
			}
			c.FailOn = l
		case "version-bump":
			if v.Kind != yaml.ScalarNode || (v.Value != "major" && v.Value != "none") {
				return c, bad(v, "version-bump", "%q is not one of major, none", v.Value)
			}
			if v.Value == "major" {
				c.VersionBump = "major"
			}
		case "ignore":
			if v.Kind != yaml.SequenceNode {
				return c, bad(v, "ignore", "want a list of {rule, reason, expires, file}")
			}
			for j, item := range v.Content {
				ig, err := parseIgnore(item, fmt.Sprintf("ignore[%d]", j), bad)
				if err != nil {
					return c, err
				}
				c.Ignore = append(c.Ignore, ig)
			}
		default:
			return c, bad(k, k.Value, "unknown key (known: fail-on, version-bump, ignore)")
		}
	}
	return c, nil
}

func parseIgnore(item *yaml.Node, at string, bad func(*yaml.Node, string, string, ...any) error) (Ignore, error) {
	ig := Ignore{Line: item.Line}
	if item.Kind != yaml.MappingNode {
		return ig, bad(item, at, "want a mapping {rule, reason, expires, file}")
	}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		key := at + "." + k.Value
		if v.Kind != yaml.ScalarNode {
			return ig, bad(v, key, "want a single value")
		}
		switch k.Value {
		case "rule":
			ig.Rule = v.Value
		case "reason":
			ig.Reason = v.Value
		case "file":
			ig.File = v.Value
		case "expires":
			t, err := time.Parse(time.DateOnly, v.Value)
			if err != nil {
				return ig, bad(v, key, "%q is not a date (2027-03-31)", v.Value)
			}
			ig.Expires = t
		default:
			return ig, bad(k, key, "unknown key (known: rule, reason, expires, file)")
		}
	}
	if ig.Rule == "" {
		return ig, bad(item, at+".rule", "required")
	}
	if ig.Reason == "" {
		return ig, bad(item, at+".reason", "required: say why the rule is ignored")
	}
	return ig, nil
}

// Apply marks the annotations an ignore entry covers (Annotation.Ignored)
// and returns a note for every entry that has expired on today, which no
// longer applies.
func (c Config) Apply(as []Annotation, today time.Time) []string {
	var notes []string
	for _, ig := range c.Ignore {
		if !ig.Expires.IsZero() && !today.Before(ig.Expires) {
			notes = append(notes, fmt.Sprintf("%s:%d: the ignore of %s (%s) expired on %s and no longer applies",
				c.File, ig.Line, ig.Rule, ig.Reason, ig.Expires.Format(time.DateOnly)))
			continue
		}
		for i := range as {
			if as[i].Rule == ig.Rule && (ig.File == "" || ig.File == as[i].File) && as[i].Ignored == "" {
				as[i].Ignored = ig.Reason
			}
		}
	}
	return notes
}
