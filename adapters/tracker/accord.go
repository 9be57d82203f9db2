package tracker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
)

// This file keeps trackers in step with accord's own services: references
// in the external domain, plan item states in the plan service, and the
// sync state of each project with each tracker.

// ConnectorActor is the actor a connector writes to accord as: tracker:jira.
func ConnectorActor(system string) accord.Actor {
	return accord.Actor{ID: "tracker:" + system, Name: system + " connector", Roles: []string{connectorRole}}
}

const connectorRole = "tracker"

type connectorKey struct{}

// AsConnector returns ctx acting as system's connector (ConnectorActor).
// An Authorizer wrapped by Authorize lets such a context write records
// (record.write) in any project; nothing a client sends can make one.
func AsConnector(ctx context.Context, system string) context.Context {
	return context.WithValue(accord.WithActor(ctx, ConnectorActor(system)), connectorKey{}, system)
}

// Authorize wraps authz so that the connectors' own contexts (AsConnector)
// hold record.write in every project: they add references, record sync
// states and move plan items. Every other caller gets what authz says.
func Authorize(authz accord.Authorizer) accord.Authorizer { return connectorAuthz{authz} }

type connectorAuthz struct{ next accord.Authorizer }

func (a connectorAuthz) Access(ctx context.Context, project, member string) (accord.Access, error) {
	if system, ok := ctx.Value(connectorKey{}).(string); ok && member == ConnectorActor(system).ID {
		return accord.Access{Roles: []string{connectorRole}, Permissions: accord.Permissions{accord.PermRecordWrite: {connectorRole}}}, nil
	}
	if a.next == nil {
		return accord.ActorRoles{}.Access(ctx, project, member)
	}
	return a.next.Access(ctx, project, member)
}

// ExternalReferences is the References of the external domain: every
// reference the engine records is an external.Reference, added and
// updated through the service by the connector's actor, so it has
// revisions and events. TrackerUpdated is kept as the reference's Digest
// (the tracker's update time, RFC 3339), LastError as its SyncError.
type ExternalReferences struct {
	Service *external.Service
}

var _ References = ExternalReferences{}

func fromExternal(r external.Reference) Reference {
	out := Reference{Project: r.Project, System: r.System, Key: r.Key, URL: r.URL, Record: r.Record, RecordKey: r.RecordName,
		Title: r.Title, Status: r.Status, LastError: r.SyncError}
	if r.RecordName == r.Record.ID {
		out.RecordKey = ""
	}
	if r.SyncedAt != nil {
		out.SyncedAt = *r.SyncedAt
	}
	if t, err := time.Parse(time.RFC3339Nano, r.Digest); err == nil {
		out.TrackerUpdated = t
	}
	return out
}

func toContent(ref Reference, old external.Content) external.Content {
	c := old
	c.URL, c.Status, c.SyncError = ref.URL, ref.Status, ref.LastError
	if ref.Title != "" {
		c.Title = ref.Title
	}
	c.SyncedAt = nil
	if !ref.SyncedAt.IsZero() {
		t := ref.SyncedAt
		c.SyncedAt = &t
	}
	c.Digest = ""
	if !ref.TrackerUpdated.IsZero() {
		c.Digest = ref.TrackerUpdated.UTC().Format(time.RFC3339Nano)
	}
	return c
}

// Find implements References.
func (x ExternalReferences) Find(ctx context.Context, project, system string, record accord.Ref) (Reference, bool, error) {
	page, err := x.Service.List(AsConnector(ctx, system), project, external.Filter{Record: record, System: system}, accord.PageQuery{Size: 1})
	if err != nil || len(page.Items) == 0 {
		return Reference{}, false, err
	}
	return fromExternal(page.Items[0]), true, nil
}

// FindKey implements References.
func (x ExternalReferences) FindKey(ctx context.Context, project, system, key string) (Reference, bool, error) {
	r, err := x.Service.Find(AsConnector(ctx, system), project, system, key)
	if accord.ErrorCode(err) == accord.NotFound {
		return Reference{}, false, nil
	}
	if err != nil {
		return Reference{}, false, err
	}
	return fromExternal(r), true, nil
}

// List implements References.
func (x ExternalReferences) List(ctx context.Context, project, system string) ([]Reference, error) {
	var out []Reference
	q := accord.PageQuery{Size: accord.MaxPageSize}
	for {
		page, err := x.Service.List(AsConnector(ctx, system), project, external.Filter{System: system}, q)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			out = append(out, fromExternal(r))
		}
		if page.NextPageToken == "" {
			return out, nil
		}
		q.Token = page.NextPageToken
	}
}

// Save implements References: an update of the item's reference at its
// current revision, or a new reference (named by the record's key, when
// known, so that people read REQ-3 rather than an ID).
func (x ExternalReferences) Save(ctx context.Context, ref Reference) error {
	ctx = AsConnector(ctx, ref.System)
	have, err := x.Service.Find(ctx, ref.Project, ref.System, ref.Key)
	switch {
	case err == nil:
		if have.Record != ref.Record {
			return accord.Errorf(accord.Conflict, "%s %s is already referenced by %s", ref.System, ref.Key, have.NamedRecord())
		}
		_, err = x.Service.Update(ctx, ref.Project, have.ID, have.Revision, toContent(ref, have.Content), "synchronised with "+ref.System)
		return err
	case accord.ErrorCode(err) != accord.NotFound:
		return err
	}
	record := ref.Record
	if ref.RecordKey != "" {
		record.ID = ref.RecordKey
	}
	_, err = x.Service.Add(ctx, ref.Project, external.NewReference{Record: record, System: ref.System, Key: ref.Key,
		Content: toContent(ref, external.Content{}), Note: "created in " + ref.System + " by accord"})
	return err
}

// PlanInbound is the Inbound of the plan service: a tracker status mapped
// onto a plan item state moves the item that schedules the record, in its
// open iteration, as a revision by the connector's actor at the
// iteration's revision it read (compare-and-swap). When the item's state
// was changed in accord after the reference's last sync, and the tracker
// changed after it too, nothing is applied: the conflict is returned (Sync
// records it on the reference) and recorded in the connector's sync state.
type PlanInbound struct {
	Plans *plan.Service
	// Revisions reads an iteration's revisions, to tell when and by whom
	// the item's state last changed (plan.Store's ListIterationRevisions).
	Revisions func(ctx context.Context, project, id string) ([]accord.Revision[plan.Iteration], error)
	// SyncStates (optional) records each applied change and each
	// conflict in the project's sync state with the tracker.
	SyncStates *external.Service
}

var _ Inbound = PlanInbound{}

// StatusChanged implements Inbound.
func (p PlanInbound) StatusChanged(ctx context.Context, c Change) error {
	err := p.apply(AsConnector(ctx, c.System), c)
	if p.SyncStates == nil {
		return err
	}
	as := AsConnector(ctx, c.System)
	switch {
	case err == nil:
		_, serr := p.SyncStates.SyncSucceeded(as, c.Project, c.System, "")
		return serr
	case accord.ErrorCode(err) == accord.Conflict:
		name := c.RecordName
		if name == "" {
			name = c.Record.String()
		}
		if _, serr := p.SyncStates.SyncFailed(as, c.Project, c.System, external.FailedEvent{Record: name, Error: err.Error(), At: c.At}, false); serr != nil {
			return errors.Join(err, serr)
		}
	}
	return err
}

func (p PlanInbound) apply(ctx context.Context, c Change) error {
	if c.State == "" {
		return nil // an unmapped status moves nothing
	}
	page, err := p.Plans.ListIterations(ctx, c.Project, plan.IterationFilter{Item: c.Record, Status: []plan.IterationStatus{plan.Planning, plan.Committed}}, accord.PageQuery{Size: accord.MaxPageSize})
	if err != nil {
		return err
	}
	if len(page.Items) == 0 {
		return nil // not scheduled: no plan item to move
	}
	it := page.Items[len(page.Items)-1]
	var cur *plan.Item
	for i := range it.Items {
		if it.Items[i].Ref == c.Record {
			cur = &it.Items[i]
		}
	}
	if cur == nil || cur.State == c.State {
		return nil
	}
	name := c.RecordName
	if name == "" {
		name = c.Record.String()
	}
	if p.Revisions != nil {
		revs, err := p.Revisions(ctx, c.Project, it.ID)
		if err != nil {
			return err
		}
		at, by := lastStateChange(revs, c.Record)
		if !strings.HasPrefix(by, "tracker:") && at.After(c.LastSync) && c.At.After(c.LastSync) {
			return accord.Errorf(accord.Conflict, "conflict on %s: its plan item in %s was set to %s in accord by %s at %s, and %s %s moved to %q at %s, both after the last sync at %s; not applied",
				name, it.Key, cur.State, by, at.UTC().Format(time.RFC3339), c.System, c.Key, c.Status, c.At.UTC().Format(time.RFC3339), syncTime(c.LastSync))
		}
	}
	_, err = p.Plans.SetItemState(ctx, c.Project, it.ID, plan.ItemStateInput{Ref: c.Record, State: c.State, Base: it.Revision,
		Note: fmt.Sprintf("%s %s moved to %s", c.System, c.Key, c.Status)})
	return err
}

func syncTime(t time.Time) string {
	if t.IsZero() {
		return "(never)"
	}
	return t.UTC().Format(time.RFC3339)
}

// lastStateChange returns when and by whom the record's item state last
// changed in the iteration; zero when it kept the state it was scheduled
// with (scheduling is not a change of how far the item is).
func lastStateChange(revs []accord.Revision[plan.Iteration], record accord.Ref) (time.Time, string) {
	state := func(it plan.Iteration) (plan.ItemState, bool) {
		for _, x := range it.Items {
			if x.Ref == record {
				return x.State, true
			}
		}
		return "", false
	}
	for i := len(revs) - 1; i >= 0; i-- {
		s, ok := state(revs[i].Record)
		if !ok {
			break
		}
		if i == 0 {
			break
		}
		prev, had := state(revs[i-1].Record)
		if !had {
			break
		}
		if prev != s {
			return revs[i].Time, revs[i].Actor
		}
	}
	return time.Time{}, ""
}

// RecordReader reads what the engine needs of the record an event is
// about (key, title, status), once per event.
type RecordReader func(ctx context.Context, ev accord.Event) (Record, error)

// Relay delivers accord events to the trackers a project is connected to
// and keeps the sync state of each: an event a tracker refused after the
// connector's retries is recorded (on the reference too) and awaits a
// re-run; Deliver then moves on, so one broken tracker holds up nothing.
type Relay struct {
	Engine  *Engine
	Configs ConfigSource
	Read    RecordReader
	// References are the engine's, to record a failure on the record's
	// reference; SyncStates records each project's state per tracker.
	References References
	SyncStates *external.Service
}

// Deliver hands ev to every connection of its project whose rules it may
// match. It returns an error only when the outcome could not be recorded,
// so that an outbox relay delivers the event again.
func (r *Relay) Deliver(ctx context.Context, ev accord.Event) error {
	configs, err := r.Configs(ctx, ev.Project)
	if err != nil || len(configs) == 0 {
		return err
	}
	var rec *Record
	var errs []error
	for _, cfg := range configs {
		// An event from before the project was connected is history: a
		// relay that starts from the outbox's beginning must not replay it.
		if !anyRuleOn(cfg, ev.Kind) || ev.Time.Before(cfg.Since) {
			continue
		}
		if rec == nil {
			got, err := r.Read(ctx, ev)
			if accord.ErrorCode(err) == accord.NotFound {
				return nil // deleted since: nothing to keep in step
			}
			if err != nil {
				return err
			}
			rec = &got
		}
		if _, err := r.deliver(ctx, cfg, ev, *rec); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func anyRuleOn(cfg Config, kind string) bool {
	for _, rule := range cfg.Rules {
		if rule.On == kind {
			return true
		}
	}
	return false
}

// deliver applies one connection's rules and records the outcome; the
// error is the recording's, the delivery's is in the outcome.
func (r *Relay) deliver(ctx context.Context, cfg Config, ev accord.Event, rec Record) (external.RerunEvent, error) {
	out := external.RerunEvent{Event: ev.ID, Kind: ev.Kind, Record: rec.name(), Outcome: "delivered"}
	as := AsConnector(ctx, cfg.System)
	outs, err := r.Engine.HandleConfig(ctx, cfg, ev, rec)
	for _, o := range outs {
		did := string(o.Action) + " " + o.Key
		if o.Skipped != "" {
			did = string(o.Action) + " skipped: " + o.Skipped
		}
		out.Did = append(out.Did, strings.TrimSpace(did))
	}
	if err == nil {
		if len(outs) > 0 {
			_, err = r.SyncStates.SyncSucceeded(as, ev.Project, cfg.System, ev.ID)
		}
		return out, err
	}
	out.Outcome, out.Error = "failed", err.Error()
	if rec.Ref.Kind == "" {
		rec.Ref = ev.Ref
	}
	var errs []error
	if r.References != nil {
		if ref, ok, ferr := r.References.Find(ctx, ev.Project, cfg.System, rec.Ref); ferr != nil {
			errs = append(errs, ferr)
		} else if ok {
			ref.LastError = err.Error()
			errs = append(errs, r.References.Save(ctx, ref))
		}
	}
	_, serr := r.SyncStates.SyncFailed(as, ev.Project, cfg.System, external.FailedEvent{Event: ev, Record: rec.name(), Error: err.Error()}, true)
	errs = append(errs, serr)
	return out, errors.Join(errs...)
}

// Rerun delivers again, now, every event that failed to reach system in
// the project, reading each record afresh; the caller needs record.write.
// Creates are idempotent (connectors find an item by its marker before
// creating one), so an event whose answer was lost makes no second item.
func (r *Relay) Rerun(ctx context.Context, project, system string) (external.Rerun, error) {
	st, err := r.SyncStates.Pending(ctx, project, system)
	if err != nil {
		return external.Rerun{}, err
	}
	out := external.Rerun{Project: project, System: system, Events: []external.RerunEvent{}, Dropped: st.Dropped, State: st}
	if len(st.Failed) == 0 {
		return out, nil
	}
	configs, err := r.Configs(ctx, project)
	if err != nil {
		return out, err
	}
	var cfg *Config
	for i := range configs {
		if configs[i].System == system {
			cfg = &configs[i]
		}
	}
	if cfg == nil {
		return out, accord.Errorf(accord.FailedPrecondition, "project %s is not connected to %s: its tracker settings name no such system", project, system)
	}
	for _, f := range st.Failed {
		rec, err := r.Read(ctx, f.Event)
		var ev external.RerunEvent
		switch {
		case err != nil:
			ev = external.RerunEvent{Event: f.Event.ID, Kind: f.Event.Kind, Record: f.Record, Outcome: "failed", Error: err.Error()}
			if _, serr := r.SyncStates.SyncFailed(AsConnector(ctx, system), project, system, external.FailedEvent{Event: f.Event, Record: f.Record, Error: err.Error()}, true); serr != nil {
				return out, serr
			}
		default:
			if ev, err = r.deliver(ctx, *cfg, f.Event, rec); err != nil {
				return out, err
			}
		}
		if ev.Outcome == "delivered" {
			out.Delivered++
			if len(ev.Did) == 0 {
				// No rule matches the record as it is now: nothing is
				// owed to the tracker any more.
				if _, err := r.SyncStates.SyncSucceeded(AsConnector(ctx, system), project, system, f.Event.ID); err != nil {
					return out, err
				}
			}
		} else {
			out.Failed++
		}
		out.Events = append(out.Events, ev)
	}
	out.State, err = r.SyncStates.SyncState(ctx, project, system)
	return out, err
}
