package svc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
)

// Record is what the command path needs of a record type: its stamp, its
// Ref and a deep copy (the edit changes the record in place, and the
// content it had before is compared with what it has after).
type Record[T any] interface {
	*T
	accord.Stamped
	Ref() accord.Ref
	Clone() T
}

// Table is how the command path reads, names and writes one kind of
// record. A service keeps one per kind of record it changes.
type Table[T any] struct {
	What   string // "risk": messages name a record as "risk RISK-3"
	Prefix string // of human keys ("RISK-"); empty: records have IDs only
	Get    func(ctx context.Context, project, id string) (T, error)
	ByKey  func(ctx context.Context, project, key string) (T, error) // with Prefix
	Update func(ctx context.Context, next accord.Revision[T]) (T, error)
	// Name returns the record's human key (empty when it has none) and
	// title, for events and messages.
	Name func(T) (key, title string)
	// Label (optional) names the record in messages when What and its key
	// (or ID) would not ("version 1.2.0 of orders").
	Label func(T) string
	// Content lists the content fields that differ from a to b (the
	// domain's ContentChanges); nil: the kind has no content to follow.
	Content func(a, b T) []string
	// Keep (optional) copies what Content compares, before the edit
	// changes the record in place; without it the whole record is cloned.
	Keep func(T) T
	// Delete stores a tombstone and History lists a record's revisions,
	// oldest first: for Commands.Delete and Commands.Restore.
	Delete  func(ctx context.Context, tombstone accord.Revision[T]) error
	History func(ctx context.Context, project, id string) ([]accord.Revision[T], error)
	// Time (optional) says what time a change of rec records: an
	// anonymous retrospective records minutes.
	Time func(rec T, now time.Time) time.Time
	// External (optional) lists the items in other systems that rec's
	// events carry (accord.Event.External): an external reference's own.
	External func(rec T) []accord.ExternalItem
}

// Lookup reads the record ref names: by human key when it has the
// table's prefix, else by ID.
func (t Table[T]) Lookup(ctx context.Context, project, ref string) (T, error) {
	return Lookup(ctx, project, ref, t.Prefix, t.Get, t.ByKey)
}

// Lookup reads the record ref names with byKey when ref is a human key
// with prefix (REQ-7 for "REQ-"), else with byID: the one "ID or key"
// rule of every service and adapter.
func Lookup[T any](ctx context.Context, project, ref, prefix string, byID, byKey func(ctx context.Context, project, ref string) (T, error)) (T, error) {
	if _, key := ParseKey(prefix, ref); key && prefix != "" && byKey != nil {
		return byKey(ctx, project, ref)
	}
	return byID(ctx, project, ref)
}

// Change is one command on one stored record: the one command path looks
// it up, checks permission and the base revision, applies Edit, stamps
// the next revision, stores it with compare-and-swap and publishes what
// the edit said.
type Change[T any] struct {
	Project string
	Ref     string // the record's ID or human key
	// Base is the revision the caller read (If-Match). 0 applies the edit
	// to whatever is newest, re-reading and re-applying it when a
	// concurrent change got there first; any other base must be current,
	// and a lost race is reported instead of retried.
	Base        int
	RequireBase bool              // refuse base 0 (Invalid, naming base_revision)
	Perm        accord.Permission // checked with the guard; "": accord.PermRecordWrite
	// As, when set, makes the change on behalf of that actor with no
	// permission check: what the system does after an event (a link
	// turning suspect).
	As *accord.Actor
	// Edit changes rec in place and says what it did through c; an error
	// ends the command with that error, unretried.
	Edit func(rec *T, c *Cmd) error
	// Stored (optional) runs once after the write with the stored record,
	// and may add events that depend on it.
	Stored func(out T, c *Cmd)
}

// Cmd is what an edit knows and says: who acts and when, the revision it
// makes and the events to publish once the change is stored.
type Cmd struct {
	// Actor acts; Now is the time of the revision and its events. An edit
	// may replace both (an anonymous retrospective names nobody and
	// records minutes).
	Actor accord.Actor
	Now   time.Time
	// Kind and Note describe the revision; Kind defaults to edited.
	Kind accord.RevisionKind
	Note string

	events    []pending
	unchanged bool
}

type pending struct{ kind, summary string }

// Event adds an event of kind to publish after the change is stored, its
// summary format applied to args.
func (c *Cmd) Event(kind, format string, args ...any) {
	c.events = append(c.events, pending{kind, fmt.Sprintf(format, args...)})
}

// Did records a change whose revision note and event summary are one
// sentence: the revision is of kind ("" keeps the default), and an event
// of event follows.
func (c *Cmd) Did(kind accord.RevisionKind, event, summary string) {
	if kind != "" {
		c.Kind = kind
	}
	c.Note = summary
	c.Event(event, "%s", summary)
}

// Unchanged says the edit changed nothing: nothing is stored or published,
// and the command returns the record as it stands.
func (c *Cmd) Unchanged() { c.unchanged = true }

// Commands runs Changes of one kind of record: a service keeps one per
// kind, made from its guard, publisher and Table.
type Commands[T any, P Record[T]] struct {
	Guard Guard
	Pub   Publisher
	Table Table[T]
}

// Run runs ch through the one command path and returns the stored record.
func (m Commands[T, P]) Run(ctx context.Context, ch Change[T]) (_ T, err error) {
	ctx, span := startCommand(ctx, m.Table.What, ch.Project, ch.Ref)
	defer func() { span.end(err) }()
	var zero T
	if ch.RequireBase && ch.Base < 1 {
		return zero, CheckBase("", ch.Base, 0)
	}
	var actor accord.Actor
	if ch.As != nil {
		actor = *ch.As
	} else {
		perm := ch.Perm
		if perm == "" {
			perm = accord.PermRecordWrite
		}
		var err error
		if actor, err = m.Guard.Begin(ctx, ch.Project, perm); err != nil {
			return zero, err
		}
	}
	var out T
	var c *Cmd
	var changed []string
	err = Retry(func() error {
		rec, err := m.Table.Lookup(ctx, ch.Project, ch.Ref)
		if err != nil {
			return Final(err)
		}
		if ch.Base != 0 {
			if err := CheckBase(m.name(rec), ch.Base, P(&rec).StampRef().Revision); err != nil {
				return Final(err)
			}
		}
		var before T
		switch {
		case m.Table.Keep != nil && m.Table.Content != nil:
			before = m.Table.Keep(rec)
		case m.Table.Content != nil:
			before = P(&rec).Clone()
		}
		c = &Cmd{Actor: actor, Now: m.now(rec), Kind: accord.RevisionEdited}
		if err := ch.Edit(&rec, c); err != nil {
			return Final(err)
		}
		if c.unchanged {
			out = rec
			return nil
		}
		st := P(&rec).StampRef()
		*st = st.Next(c.Actor.ID, c.Now)
		out, err = m.Table.Update(ctx, accord.Revision[T]{Number: st.Revision, Kind: c.Kind, Actor: c.Actor.ID, Time: c.Now, Note: c.Note, Record: rec})
		if err != nil && ch.Base != 0 {
			return Final(err)
		}
		if err == nil && m.Table.Content != nil {
			changed = m.Table.Content(before, out)
		}
		return err
	})
	if err != nil {
		return zero, err
	}
	if c.unchanged {
		return out, nil
	}
	if ch.Stored != nil {
		ch.Stored(out, c)
	}
	for _, e := range c.events {
		span.named(e.kind)
		m.Pub.Send(ctx, m.event(ch.Project, out, c, e.kind, e.summary, changed))
	}
	return out, nil
}

// Delete deletes the record ref names, for reason (may be empty), and
// publishes kind: it needs membership, and then the record's author may
// delete it while draft says it is one, anyone else needs record.delete.
// It stores a tombstone revision saying who, when and why.
func (m Commands[T, P]) Delete(ctx context.Context, project, ref, reason string, draft func(T) bool, kind string) (err error) {
	ctx, span := startCommand(ctx, m.Table.What, project, ref)
	span.named(kind)
	defer func() { span.end(err) }()
	actor, err := m.Guard.Member(ctx, project)
	if err != nil {
		return err
	}
	if err := CheckReason(reason); err != nil {
		return err
	}
	rec, err := m.Table.Lookup(ctx, project, ref)
	if err != nil {
		return err
	}
	if err := m.Guard.MayDelete(ctx, project, actor, m.keyOrID(rec), P(&rec).StampRef().CreatedBy, draft(rec)); err != nil {
		return err
	}
	now := m.now(rec)
	tomb := Tombstone[T, P](rec, actor.ID, now, reason)
	if err := m.Table.Delete(ctx, tomb); err != nil {
		return err
	}
	m.Pub.Send(ctx, m.event(project, tomb.Record, &Cmd{Actor: actor, Now: now}, kind, m.says(rec, "deleted", actor, reason), nil))
	return nil
}

// Restore brings back the deleted record id (an ID: a deleted record's
// key no longer resolves) as it was, as a new revision, for reason, and
// publishes kind: within accord.RetentionWindow of its deletion, with
// record.restore.
func (m Commands[T, P]) Restore(ctx context.Context, project, id, reason, kind string) (_ T, err error) {
	ctx, span := startCommand(ctx, m.Table.What, project, id)
	span.named(kind)
	defer func() { span.end(err) }()
	var zero T
	actor, err := m.Guard.Begin(ctx, project, accord.PermRecordRestore)
	if err != nil {
		return zero, err
	}
	if err := CheckReason(reason); err != nil {
		return zero, err
	}
	revs, err := m.Table.History(ctx, project, id)
	if err != nil {
		return zero, err
	}
	now := m.Pub.Clock.Now()
	if len(revs) > 0 {
		now = m.now(revs[len(revs)-1].Record)
	}
	next, err := Restoration[T, P](m.name, revs, actor.ID, now, reason)
	if err != nil {
		return zero, err
	}
	rec, err := m.Table.Update(ctx, next)
	if err != nil {
		return zero, err
	}
	m.Pub.Send(ctx, m.event(project, rec, &Cmd{Actor: actor, Now: now}, kind, m.says(rec, "restored", actor, reason), nil))
	return rec, nil
}

// says words what happened to rec for an event: `REQ-3 "Login by SMS"
// deleted by ann: duplicate`.
func (m Commands[T, P]) says(rec T, what string, actor accord.Actor, reason string) string {
	key, title := "", ""
	if m.Table.Name != nil {
		key, title = m.Table.Name(rec)
	}
	name := strings.TrimSpace(key + " " + strconv.Quote(title))
	switch {
	case title == "":
		name = m.name(rec)
	case key == "" && m.Table.What != "":
		name = m.Table.What + " " + name // glossary term "refund"
	}
	return name + " " + what + " by " + actor.ID + Because(reason)
}

func (m Commands[T, P]) keyOrID(rec T) string {
	if m.Table.Name != nil {
		if key, _ := m.Table.Name(rec); key != "" {
			return key
		}
	}
	return P(&rec).Ref().ID
}

func (m Commands[T, P]) now(rec T) time.Time {
	now := m.Pub.Clock.Now()
	if m.Table.Time != nil {
		now = m.Table.Time(rec, now)
	}
	return now
}

// Publish publishes an event of kind about rec, named by its key, title
// and revision: for commands outside Run (a creation, a deletion).
func (m Commands[T, P]) Publish(ctx context.Context, project string, rec T, actor accord.Actor, kind, format string, args ...any) {
	m.Pub.Send(ctx, m.event(project, rec, &Cmd{Actor: actor}, kind, fmt.Sprintf(format, args...), nil))
}

// Get reads the record ref (an ID or a human key) names, for a member of
// project or the embedding program's own read (no actor).
func (m Commands[T, P]) Get(ctx context.Context, project, ref string) (T, error) {
	if err := m.Guard.Read(ctx, project); err != nil {
		var zero T
		return zero, err
	}
	return m.Table.Lookup(ctx, project, ref)
}

// History returns every revision of the record ref names, oldest first;
// a deleted record answers by its ID, its tombstone last.
func (m Commands[T, P]) History(ctx context.Context, project, ref string) ([]accord.Revision[T], error) {
	if err := m.Guard.Read(ctx, project); err != nil {
		return nil, err
	}
	id, err := m.IDOf(ctx, project, ref)
	if err != nil {
		return nil, err
	}
	return m.Table.History(ctx, project, id)
}

// Lookup reads the record ref (an ID or a human key) names.
func (m Commands[T, P]) Lookup(ctx context.Context, project, ref string) (T, error) {
	return m.Table.Lookup(ctx, project, ref)
}

// IDOf returns the ID of the record ref names, reading it only when ref
// is a human key: a key names a live record only, an ID a deleted one
// too, so its history still answers.
func (m Commands[T, P]) IDOf(ctx context.Context, project, ref string) (string, error) {
	if _, key := ParseKey(m.Table.Prefix, ref); m.Table.Prefix == "" || !key {
		return ref, nil
	}
	rec, err := m.Table.ByKey(ctx, project, ref)
	return P(&rec).Ref().ID, err
}

func (m Commands[T, P]) event(project string, rec T, c *Cmd, kind, summary string, changed []string) accord.Event {
	e := accord.Event{Kind: kind, Project: project, Ref: P(&rec).Ref(), Actor: c.Actor, Time: c.Now, Summary: summary,
		Revision: P(&rec).StampRef().Revision, Changed: changed}
	if m.Table.Name != nil {
		e.Key, e.Title = m.Table.Name(rec)
	}
	if m.Table.External != nil {
		e.External = m.Table.External(rec)
	}
	return e
}

// name names rec for messages: "risk RISK-3", or by ID without a key.
func (m Commands[T, P]) name(rec T) string {
	if m.Table.Label != nil {
		return m.Table.Label(rec)
	}
	if m.Table.What == "" {
		return m.keyOrID(rec)
	}
	return m.Table.What + " " + m.keyOrID(rec)
}
