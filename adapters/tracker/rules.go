package tracker

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// Action is what a rule does in the tracker.
type Action string

// The actions a rule can take.
const (
	Create  Action = "create"  // create the item (or update it when it exists)
	Comment Action = "comment" // comment on the record's item
	Move    Action = "move"    // move the record's item to Rule.Status
)

// Rule says what to do in the tracker when an accord event happens.
type Rule struct {
	// On is the event kind, e.g. "requirement.transitioned".
	On string `json:"on"`
	// To, when set, also requires the record's status after the event
	// (Record.Status) to equal it, e.g. "approved".
	To     string `json:"to,omitempty"`
	Action Action `json:"action"`
	// Type is the item type to create ("Story"); create only.
	Type string `json:"type,omitempty"`
	// Status is the tracker status to move to ("Done"); move only.
	Status string `json:"status,omitempty"`
	// Template is a text/template over {Event, Record} giving the comment
	// (comment) or the description (create; default Record.Description).
	Template string `json:"template,omitempty"`
}

// StatusMapping maps a tracker status (case-insensitive) onto a plan item
// state.
type StatusMapping struct {
	Status string         `json:"status"`
	State  plan.ItemState `json:"state"`
}

// Config is one project's connection to one tracker: a value type, meant
// to become a revisioned project setting.
type Config struct {
	// System names the connector ("jira").
	System string `json:"system"`
	// Project is the tracker's project (Jira key SHOP).
	Project string `json:"project"`
	// Labels are added to every item created.
	Labels    []string        `json:"labels,omitempty"`
	Rules     []Rule          `json:"rules"`
	StatusMap []StatusMapping `json:"status_map,omitempty"`
}

// Validate reports every invalid field.
func (c Config) Validate() error {
	var errs accord.FieldErrors
	if strings.TrimSpace(c.System) == "" {
		errs.Add("system", "required")
	}
	if strings.TrimSpace(c.Project) == "" {
		errs.Add("project", "required")
	}
	for i, r := range c.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		if r.On == "" {
			errs.Add(f+".on", "required: the event kind, e.g. requirement.transitioned")
		}
		switch r.Action {
		case Create:
			if r.Type == "" {
				errs.Add(f+".type", "required for create: the item type, e.g. Story")
			}
		case Move:
			if r.Status == "" {
				errs.Add(f+".status", "required for move: the tracker status, e.g. Done")
			}
		case Comment:
			if r.Template == "" {
				errs.Add(f+".template", "required for comment")
			}
		default:
			errs.Add(f+".action", "must be create, comment or move, not %q", r.Action)
		}
		if r.Template != "" {
			if _, err := template.New("").Option("missingkey=error").Parse(r.Template); err != nil {
				errs.Add(f+".template", "%v", err)
			}
		}
	}
	seen := map[string]bool{}
	for i, m := range c.StatusMap {
		f := fmt.Sprintf("status_map[%d]", i)
		if m.Status == "" {
			errs.Add(f+".status", "required")
		}
		if !m.State.Valid() {
			errs.Add(f+".state", "unknown plan item state %q", m.State)
		}
		k := strings.ToLower(m.Status)
		if seen[k] {
			errs.Add(f+".status", "%q is mapped twice", m.Status)
		}
		seen[k] = true
	}
	return errs.Err("tracker config")
}

// StateOf maps a tracker status onto a plan item state; false when the
// status is not mapped.
func (c Config) StateOf(status string) (plan.ItemState, bool) {
	for _, m := range c.StatusMap {
		if strings.EqualFold(m.Status, status) {
			return m.State, true
		}
	}
	return "", false
}

// matches reports whether r applies to the event and record.
func (r Rule) matches(e accord.Event, rec Record) bool {
	return r.On == e.Kind && (r.To == "" || strings.EqualFold(r.To, rec.Status))
}
