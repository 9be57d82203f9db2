package tracker

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	"github.com/accordhq/accord"
)

// Record is what the engine needs to know of the record an event is about.
// The caller reads it once per event; for an event about a review, Ref and
// Title are the reviewed requirement's and Status is the review's outcome
// (e.g. "changes_requested"), so that rules address the requirement's item.
type Record struct {
	Ref         accord.Ref `json:"ref"`
	Key         string     `json:"key"`    // REQ-3
	Title       string     `json:"title"`  // the item's title
	Status      string     `json:"status"` // after the event; matched by Rule.To
	Description string     `json:"description,omitempty"`
	// URL is accord's page for the record, linked from the item.
	URL    string   `json:"url,omitempty"`
	Labels []string `json:"labels,omitempty"`
}

// ConfigSource returns a project's tracker configurations (none when the
// project is not connected).
type ConfigSource func(ctx context.Context, project string) ([]Config, error)

// Options configure an Engine.
type Options struct {
	// Connectors by System(); a config naming another system is an error.
	Connectors []Connector
	Configs    ConfigSource
	References References
	Clock      accord.Clock // nil: the system clock
}

// Engine applies a project's rules to accord events through connectors.
type Engine struct {
	connectors map[string]Connector
	configs    ConfigSource
	refs       References
	clock      accord.Clock
}

// NewEngine checks the options and returns an Engine.
func NewEngine(o Options) (*Engine, error) {
	var errs accord.FieldErrors
	if o.Configs == nil {
		errs.Add("configs", "required")
	}
	if o.References == nil {
		errs.Add("references", "required")
	}
	cs := map[string]Connector{}
	for i, c := range o.Connectors {
		if c == nil {
			errs.Add(fmt.Sprintf("connectors[%d]", i), "nil")
			continue
		}
		if _, dup := cs[c.System()]; dup {
			errs.Add(fmt.Sprintf("connectors[%d]", i), "second connector for %q", c.System())
		}
		cs[c.System()] = c
	}
	if err := errs.Err("tracker engine options"); err != nil {
		return nil, err
	}
	clock := o.Clock
	if clock == nil {
		clock = accord.SystemClock()
	}
	return &Engine{connectors: cs, configs: o.Configs, refs: o.References, clock: clock}, nil
}

// Outcome tells what one matching rule did.
type Outcome struct {
	System string `json:"system"`
	Action Action `json:"action"`
	Key    string `json:"key,omitempty"` // the item acted on
	// Skipped says why nothing was done (a comment or move for a record
	// that has no item yet).
	Skipped string `json:"skipped,omitempty"`
}

// Handle applies every rule of the event's project that matches the event
// and record, in order, and stops at the first error so that the outbox
// relay delivering the event retries it. Creates and moves are idempotent,
// so a redelivered event repeats only its comments.
func (e *Engine) Handle(ctx context.Context, ev accord.Event, rec Record) ([]Outcome, error) {
	configs, err := e.configs(ctx, ev.Project)
	if err != nil {
		return nil, err
	}
	if rec.Ref.Kind == "" {
		rec.Ref = ev.Ref
	}
	var out []Outcome
	for _, cfg := range configs {
		o, err := e.HandleConfig(ctx, cfg, ev, rec)
		out = append(out, o...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// HandleConfig applies the rules of one of the event's project's
// connections, as Handle does: a relay that keeps a sync state per
// tracker delivers an event to each separately.
func (e *Engine) HandleConfig(ctx context.Context, cfg Config, ev accord.Event, rec Record) ([]Outcome, error) {
	if rec.Ref.Kind == "" {
		rec.Ref = ev.Ref
	}
	// A setting stored before a rule change may no longer be valid:
	// refuse it whole rather than apply half of it.
	if err := cfg.Validate(nil); err != nil {
		return nil, fmt.Errorf("project %s: %w", ev.Project, err)
	}
	var out []Outcome
	for _, r := range cfg.Rules {
		if !r.Matches(ev.Kind, rec.Status) {
			continue
		}
		c, ok := e.connectors[cfg.System]
		if !ok {
			return out, accord.Errorf(accord.FailedPrecondition, "project %s: no connector for system %q", ev.Project, cfg.System)
		}
		o, err := e.apply(ctx, c, cfg, r, ev, rec)
		if err != nil {
			return out, fmt.Errorf("project %s, %s on %s: %w", ev.Project, r.Action, rec.name(), err)
		}
		out = append(out, o)
	}
	return out, nil
}

// name names the record for people: REQ-3 Refund by invoice.
func (rec Record) name() string {
	if rec.Key == "" && rec.Title == "" {
		return rec.Ref.String()
	}
	return strings.TrimSpace(rec.Key + " " + rec.Title)
}

func (e *Engine) apply(ctx context.Context, c Connector, cfg Config, r Rule, ev accord.Event, rec Record) (Outcome, error) {
	o := Outcome{System: cfg.System, Action: r.Action}
	ref, found, err := e.refs.Find(ctx, ev.Project, cfg.System, rec.Ref)
	if err != nil {
		return o, err
	}
	if r.Action != Create && !found {
		o.Skipped = "no " + cfg.System + " item for " + rec.Ref.String()
		return o, nil
	}
	now := e.clock.Now()
	switch r.Action {
	case Create:
		desc := rec.Description
		if r.Template != "" {
			if desc, err = render(r.Template, ev, rec); err != nil {
				return o, err
			}
		}
		it := Item{
			Key: ref.Key, Project: cfg.Project, Type: r.Type,
			Title: rec.Title, Description: desc,
			Labels: append(append([]string(nil), cfg.Labels...), rec.Labels...),
			Link:   rec.URL, LinkTitle: strings.TrimSpace(rec.Key + " " + rec.Title),
			Marker: rec.Ref.ID,
		}
		got, err := c.Upsert(ctx, it)
		if err != nil {
			return o, err
		}
		ref.Project, ref.System, ref.Key, ref.Record = ev.Project, cfg.System, got.Key, rec.Ref
		ref.RecordKey, ref.Title = rec.Key, rec.Title
		if got.URL != "" {
			ref.URL = got.URL
		}
	case Comment:
		body, err := render(r.Template, ev, rec)
		if err != nil {
			return o, err
		}
		if err := c.Comment(ctx, ref.Key, body); err != nil {
			return o, err
		}
	case Move:
		if err := c.Move(ctx, ref.Key, r.Status); err != nil {
			return o, err
		}
		ref.Status = r.Status
	}
	ref.SyncedAt, ref.LastError = now, ""
	o.Key = ref.Key
	return o, e.refs.Save(ctx, ref)
}

func render(text string, ev accord.Event, rec Record) (string, error) {
	t, err := template.New("rule").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", accord.Errorf(accord.Invalid, "rule template: %w", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, struct {
		Event  accord.Event
		Record Record
	}{ev, rec}); err != nil {
		return "", accord.Errorf(accord.Invalid, "rule template: %w", err)
	}
	return b.String(), nil
}
