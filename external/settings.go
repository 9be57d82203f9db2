package external

import (
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Action is what a rule does in a tracker.
type Action string

// The actions a rule can take.
const (
	Create  Action = "create"  // create the record's item (or update it when it exists)
	Comment Action = "comment" // comment on the record's item
	Move    Action = "move"    // move the record's item to Rule.Status
)

// Rule says what to do in a tracker when an accord event happens: "when a
// requirement is approved, create a Story".
type Rule struct {
	// On is the event kind, e.g. "requirement.transitioned".
	On string `json:"on"`
	// To, when set, also requires the record's status after the event to
	// equal it (case-insensitively), e.g. "approved".
	To     string `json:"to,omitempty"`
	Action Action `json:"action"`
	// Type is the item type to create ("Story"); create only.
	Type string `json:"type,omitempty"`
	// Status is the tracker status to move to ("Done"); move only.
	Status string `json:"status,omitempty"`
	// Template is a text/template over {Event, Record} giving the comment
	// (comment) or the description (create; default the record's).
	Template string `json:"template,omitempty"`
}

// StatusMapping maps a tracker status (case-insensitive) onto a plan item
// state (not_started, in_progress, done, blocked).
type StatusMapping struct {
	Status string `json:"status"`
	State  string `json:"state"`
}

// Connection is a project's connection to one tracker: which tracker
// project its items live in, the rules that make and move them, and how
// the tracker's statuses map back onto plan item states.
type Connection struct {
	// System names the connector ("jira", "pingcode"); once per project.
	System string `json:"system"`
	// Project is the tracker's project (Jira key SHOP; PingCode project ID).
	Project string `json:"project"`
	// Labels are added to every item created.
	Labels    []string        `json:"labels,omitempty"`
	Rules     []Rule          `json:"rules"`
	StatusMap []StatusMapping `json:"status_map,omitempty"`
	// Since is when the project was first connected to System; set by
	// the service, ignored on input. Rules apply to events from then on:
	// connecting a project does not replay its past into the tracker.
	Since time.Time `json:"since,omitzero"`
}

// Settings are a project's tracker connections: one revisioned record per
// project, changed with compare-and-swap by members with settings.update
// (admins, by default). Revision 0 means never set: no connection.
type Settings struct {
	Project  string       `json:"project"`
	Trackers []Connection `json:"trackers"`
	accord.Stamp
}

// Connection returns the project's connection to system; false when there
// is none.
func (s Settings) Connection(system string) (Connection, bool) {
	for _, c := range s.Trackers {
		if c.System == system {
			return c, true
		}
	}
	return Connection{}, false
}

// Clone returns a deep copy of s.
func (s Settings) Clone() Settings {
	s.Trackers = slices.Clone(s.Trackers)
	for i, c := range s.Trackers {
		c.Labels = slices.Clone(c.Labels)
		c.Rules = slices.Clone(c.Rules)
		c.StatusMap = slices.Clone(c.StatusMap)
		s.Trackers[i] = c
	}
	if s.Deleted != nil {
		d := *s.Deleted
		s.Deleted = &d
	}
	return s
}

// StateOf maps a tracker status onto a plan item state; false when the
// status is not mapped.
func (c Connection) StateOf(status string) (string, bool) {
	for _, m := range c.StatusMap {
		if strings.EqualFold(m.Status, status) {
			return m.State, true
		}
	}
	return "", false
}

// Matches reports whether r applies to an event of kind with the record
// at status afterwards.
func (r Rule) Matches(kind, status string) bool {
	return r.On == kind && (r.To == "" || strings.EqualFold(r.To, status))
}

// MaxTrackers and MaxRules bound a project's settings.
const (
	MaxTrackers = 10
	MaxRules    = 50
)

// Validate checks the settings, naming every bad field by its path
// (trackers[0].rules[1].action). states lists the plan item states a
// status may map onto; nil accepts any non-empty state.
func (s Settings) Validate(states []string) error {
	var errs accord.FieldErrors
	if len(s.Trackers) > MaxTrackers {
		errs.Add("trackers", "at most %d connections, not %d", MaxTrackers, len(s.Trackers))
	}
	seen := map[string]bool{}
	for i, c := range s.Trackers {
		f := fmt.Sprintf("trackers[%d]", i)
		c.check(&errs, f, states)
		if seen[c.System] {
			errs.Add(f+".system", "%q is connected twice", c.System)
		}
		seen[c.System] = true
	}
	svc.CheckBounds(&errs, "", s)
	return errs.Err("tracker settings")
}

// Validate checks one connection, naming every bad field; states as for
// Settings.Validate.
func (c Connection) Validate(states []string) error {
	var errs accord.FieldErrors
	c.check(&errs, "", states)
	return errs.Err("tracker connection")
}

func (c Connection) check(errs *accord.FieldErrors, f string, states []string) {
	if f != "" {
		f += "."
	}
	if !systemName.MatchString(c.System) {
		errs.Add(f+"system", "%q is not a system name: lower-case letters, digits, - or _, starting with a letter (%s, …)", c.System, svc.Join(KnownSystems()))
	}
	if strings.TrimSpace(c.Project) == "" {
		errs.Add(f+"project", "required: the tracker's project (a Jira key such as SHOP, a PingCode project ID)")
	}
	svc.CheckText(errs, f+"project", c.Project, svc.MaxName, false)
	for j, l := range c.Labels {
		if strings.TrimSpace(l) == "" || strings.ContainsAny(l, " \t\n") {
			errs.Add(fmt.Sprintf("%slabels[%d]", f, j), "%q is not a label: non-empty, without spaces", l)
		}
	}
	if len(c.Rules) > MaxRules {
		errs.Add(f+"rules", "at most %d rules, not %d", MaxRules, len(c.Rules))
	}
	for j, r := range c.Rules {
		rf := fmt.Sprintf("%srules[%d].", f, j)
		if r.On == "" {
			errs.Add(rf+"on", "required: the event kind, e.g. requirement.transitioned")
		}
		switch r.Action {
		case Create:
			if r.Type == "" {
				errs.Add(rf+"type", "required for create: the item type, e.g. Story")
			}
		case Move:
			if r.Status == "" {
				errs.Add(rf+"status", "required for move: the tracker status, e.g. Done")
			}
		case Comment:
			if r.Template == "" {
				errs.Add(rf+"template", "required for comment: the comment's text, a text/template over {Event, Record}")
			}
		default:
			errs.Add(rf+"action", "must be create, comment or move, not %q", r.Action)
		}
		if r.Template != "" {
			if _, err := template.New("").Option("missingkey=error").Parse(r.Template); err != nil {
				errs.Add(rf+"template", "%v", err)
			}
		}
	}
	mapped := map[string]bool{}
	for j, m := range c.StatusMap {
		mf := fmt.Sprintf("%sstatus_map[%d].", f, j)
		if strings.TrimSpace(m.Status) == "" {
			errs.Add(mf+"status", "required: a tracker status, e.g. In Progress")
		}
		switch {
		case m.State == "":
			errs.Add(mf+"state", "required: a plan item state")
		case states != nil && !slices.Contains(states, m.State):
			errs.Add(mf+"state", "unknown plan item state %q; one of %s", m.State, svc.Join(states))
		}
		k := strings.ToLower(m.Status)
		if mapped[k] {
			errs.Add(mf+"status", "%q is mapped twice", m.Status)
		}
		mapped[k] = true
	}
}

// MaxFailed is how many failed events a sync state lists for a re-run;
// older ones are counted in Dropped.
const MaxFailed = 100

// SyncState is what accord knows of one project's synchronisation with one
// tracker: when it last succeeded, its last error and the record and event
// that error was about, and the events that failed and await a re-run.
// One revisioned record per project and system, changed with
// compare-and-swap.
type SyncState struct {
	Project string `json:"project"`
	System  string `json:"system"`
	// LastSuccess is when an event was last delivered, or a tracker change
	// last applied; nil if never.
	LastSuccess *time.Time `json:"last_success,omitempty"`
	// LastError is the last failure (a delivery after its retries, a
	// conflict); empty once a later sync succeeds.
	LastError   string     `json:"last_error,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	// LastErrorRecord names the record the last error was about ("REQ-3
	// Checkout by invoice"); LastErrorEvent is the event's ID and kind.
	LastErrorRecord string `json:"last_error_record,omitempty"`
	LastErrorEvent  string `json:"last_error_event,omitempty"`
	// Failed lists the failed events awaiting a re-run, oldest first, at
	// most MaxFailed; Dropped counts the older ones no longer listed.
	Failed  []FailedEvent `json:"failed"`
	Dropped int           `json:"dropped,omitempty"`
	accord.Stamp
}

// FailedEvent is an event whose delivery to a tracker failed.
type FailedEvent struct {
	Event accord.Event `json:"event"`
	// Record names the record for people: "REQ-3 Checkout by invoice".
	Record   string    `json:"record"`
	Error    string    `json:"error"`
	At       time.Time `json:"at"`
	Attempts int       `json:"attempts"`
}

// Clone returns a deep copy of s.
func (s SyncState) Clone() SyncState {
	for _, p := range []**time.Time{&s.LastSuccess, &s.LastErrorAt} {
		if *p != nil {
			t := **p
			*p = &t
		}
	}
	s.Failed = slices.Clone(s.Failed)
	for i, f := range s.Failed {
		f.Event.Changed = slices.Clone(f.Event.Changed)
		f.Event.Actor.Roles = slices.Clone(f.Event.Actor.Roles)
		s.Failed[i] = f
	}
	return s
}

// Failing reports whether the last sync failed or events await a re-run.
func (s SyncState) Failing() bool { return s.LastError != "" || len(s.Failed) > 0 }

// SyncName is the name a store keeps a project's sync state with one
// system under (tracker-sync/jira).
func SyncName(system string) string { return "tracker-sync/" + system }

// Rerun is what a re-run of a project's failed syncs with one tracker did.
type Rerun struct {
	Project string `json:"project"`
	System  string `json:"system"`
	// Delivered and Failed count the events re-run; Events says for each
	// what happened, by record key and title.
	Delivered int          `json:"delivered"`
	Failed    int          `json:"failed"`
	Events    []RerunEvent `json:"events"`
	// Dropped counts failed events no longer listed, which could not be
	// re-run (see SyncState.Dropped).
	Dropped int `json:"dropped,omitempty"`
	// State is the sync state after the re-run.
	State SyncState `json:"state"`
}

// RerunEvent is one event of a Rerun.
type RerunEvent struct {
	Event  string `json:"event"`  // its ID
	Kind   string `json:"kind"`   // requirement.transitioned
	Record string `json:"record"` // REQ-3 Checkout by invoice
	// Outcome is "delivered" or "failed"; Error says why it failed.
	Outcome string `json:"outcome"`
	Error   string `json:"error,omitempty"`
	// Did lists what the rules did in the tracker ("create SHOP-12").
	Did []string `json:"did,omitempty"`
}
