// Package svc holds the skeleton every domain service shares, out of the
// public API (domain packages may not import each other). Its centre is
// the one command path: a service keeps a Commands per kind of record (its
// guard, publisher and Table) and runs every change as a Change through
// Commands.Run: look up by ID or key (Lookup), check permission (Guard),
// check the base revision, apply the edit, stamp the next revision, store
// it with compare-and-swap (Retry on a lost race when no base was named)
// and publish events that carry the record's key, title, revision and
// changed content. Around it: transition tables, human keys, settings,
// bounds on input, tombstones and restorations, and paging helpers.
package svc

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/accordhq/accord"
)

// Begin checks what every changing call needs: an actor in the context and
// a valid project key.
func Begin(ctx context.Context, project string) (accord.Actor, error) {
	actor, err := accord.RequireActor(ctx)
	if err != nil {
		return actor, err
	}
	return actor, accord.ValidateProject(project)
}

// CheckBase refuses an update whose base revision (from If-Match) is not
// the current one: Invalid for a base below 1, Conflict wrapping
// accord.ErrStale for a stale one. what names the record ("requirement REQ-3").
func CheckBase(what string, base, current int) error {
	if base < 1 {
		return accord.InvalidField("base revision", "base_revision", "must be a revision number (1 or more)")
	}
	if base != current {
		return accord.StaleError(what, base, current)
	}
	return nil
}

// Transitions is a state machine: for each state, the states it may move to.
type Transitions[S ~string] map[S][]S

// Valid reports whether s is a state of the table.
func (t Transitions[S]) Valid(s S) bool { _, ok := t[s]; return ok }

// Next returns the states s may move to.
func (t Transitions[S]) Next(s S) []S { return slices.Clone(t[s]) }

// Check returns nil when from → to is in the table; Invalid (naming the
// field "to") for an unknown state; FailedPrecondition naming the allowed
// next states otherwise. all lists every state for the message.
func (t Transitions[S]) Check(what string, from, to S, all []S) error {
	if !t.Valid(to) {
		return accord.InvalidField("transition", "to", "unknown status %q; one of %s", to, Join(all))
	}
	if slices.Contains(t[from], to) {
		return nil
	}
	return accord.Errorf(accord.FailedPrecondition, "%s cannot move from %s to %s; allowed next: %s", what, from, to, AllowedNext(from, t[from]))
}

// AllowedNext lists the states after from for an error message.
func AllowedNext[S ~string](from S, next []S) string {
	if len(next) == 0 {
		return "none: " + string(from) + " is final"
	}
	return Join(next)
}

// Join lists states separated by commas.
func Join[S ~string](ss []S) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// Key formats a human key: prefix and the per-project sequence number.
func Key(prefix string, n int) string { return prefix + strconv.Itoa(n) }

// ParseKey returns the sequence number of a human key made of prefix and a
// number of at most nine digits (REQ-7 for prefix "REQ-").
func ParseKey(prefix, ref string) (int, bool) {
	s, ok := strings.CutPrefix(ref, prefix)
	if !ok || s == "" || len(s) > 9 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// MaxAttempts bounds the retries of a change that keeps losing races.
const MaxAttempts = 64

// PresetKey reads the number of a key a record was given before it was
// stored (an import keeps its keys): keyOf formats the n-th key of the
// kind. It reports false for an empty or foreign key.
func PresetKey(keyOf func(int) string, key string) (int, bool) {
	if key == "" {
		return 0, false
	}
	return ParseKey(strings.TrimSuffix(keyOf(0), "0"), key)
}

// Retry runs attempt until it succeeds, fails with anything but a stale
// revision, or has lost MaxAttempts races. Additive changes (a verdict, a
// comment, a decision) use it: each attempt re-reads the record and
// re-applies the change to the newest state instead of failing the caller.
func Retry(attempt func() error) error {
	for i := 1; ; i++ {
		err := attempt()
		var f final
		if errors.As(err, &f) {
			return f.error
		}
		if err == nil || !errors.Is(err, accord.ErrStale) || i == MaxAttempts {
			return err
		}
	}
}

// Publisher sends events to an optional sink, stamped by the clock.
type Publisher struct {
	Events accord.EventSink // nil: events are dropped
	Clock  accord.Clock
}

// Publish sends one event whose summary is format applied to args.
func (p Publisher) Publish(ctx context.Context, kind, project string, ref accord.Ref, actor accord.Actor, format string, args ...any) {
	if p.Events == nil {
		return
	}
	now := p.Clock.Now()
	p.Events.Publish(ctx, accord.Event{ID: accord.NewID(now), Kind: kind, Project: project, Ref: ref, Actor: actor,
		Time: now, Summary: fmt.Sprintf(format, args...)})
}

// Send sends e, giving it an ID and, when it has none, the time.
func (p Publisher) Send(ctx context.Context, e accord.Event) {
	if p.Events == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = p.Clock.Now()
	}
	e.ID = accord.NewID(e.Time) // an anonymous retrospective's minutes stay minutes
	p.Events.Publish(ctx, e)
}

// MaxText is the longest free text (a note, a reason, a comment) a service
// accepts, in bytes.
const MaxText = 4000

// MaxName is the longest short name (an actor ID, a label, an anchor) a
// service accepts, in bytes.
const MaxName = 200

// CheckText adds a field error when text is longer than limit bytes, or
// blank while required.
func CheckText(errs *accord.FieldErrors, field, text string, limit int, required bool) {
	switch {
	case required && strings.TrimSpace(text) == "":
		errs.Add(field, "required")
	case len(text) > limit:
		errs.Add(field, "longer than %d bytes", limit)
	}
}

// CheckQuery adds an error to errs unless text is a search text every
// store answers alike: one line of valid UTF-8 (no line break, tab or
// other control character, which could match across the fields a store
// joins) of at most MaxName bytes; empty is refused only when required.
func CheckQuery(errs *accord.FieldErrors, field, text string, required bool) {
	switch {
	case required && strings.TrimSpace(text) == "":
		errs.Add(field, "required: the text to search for")
	case len(text) > MaxName:
		errs.Add(field, "longer than %d bytes", MaxName)
	case !utf8.ValidString(text):
		errs.Add(field, "not valid UTF-8")
	case strings.IndexFunc(text, unicode.IsControl) >= 0:
		errs.Add(field, "holds a line break or another control character; a search is one line")
	}
}

// Revision returns the revision that records rec as it now stands: its
// number, author and time are rec's stamp.
func Revision[T any, P interface {
	*T
	accord.Stamped
}](rec T, kind accord.RevisionKind, note string) accord.Revision[T] {
	st := P(&rec).StampRef()
	return accord.Revision[T]{Number: st.Revision, Kind: kind, Actor: st.UpdatedBy, Time: st.UpdatedAt, Note: note, Record: rec}
}

// final marks an error that Retry must return at once, even a stale one.
type final struct{ error }

func (f final) Unwrap() error { return f.error }

// Final wraps err so that Retry returns it without another attempt: a
// refusal by the edit itself, or a stale revision the caller named.
func Final(err error) error {
	if err == nil {
		return nil
	}
	return final{err}
}

// Settings are how a service reads and writes its project settings.
type Settings[S any] struct {
	Guard Guard  // settings.update is checked with it
	What  string // "requirement settings", for messages
	Event string // the kind of the event published after a change
	Get   func(ctx context.Context, project string) (S, error)
	Put   func(ctx context.Context, next S) (S, error)
}

// Update replaces a project's settings with next (its Project already set),
// making revision base+1 (base 0 when they were never written): the
// settings are one revisioned record per project, changed with
// compare-and-swap like any other, and every change is published.
func (st Settings[S]) Update(ctx context.Context, pub Publisher, project string, base int, next S, stamp func(*S) *accord.Stamp) (S, error) {
	var zero S
	actor, err := st.Guard.Begin(ctx, project, accord.PermSettingsUpdate)
	if err != nil {
		return zero, err
	}
	cur, err := st.Get(ctx, project)
	if err != nil {
		return zero, err
	}
	if *stamp(&next), err = NextSettings(st.What+" of "+project, *stamp(&cur), base, actor.ID, pub.Clock.Now()); err != nil {
		return zero, err
	}
	stored, err := st.Put(ctx, next)
	if err != nil {
		return zero, err
	}
	pub.Publish(ctx, st.Event, project, accord.Ref{Kind: "project", ID: project}, actor,
		"%s of %s changed to revision %d by %s", st.What, project, stamp(&stored).Revision, actor.ID)
	return stored, nil
}

// NextSettings returns the stamp of the settings revision after cur, made
// by actor at now, when base names cur's revision (0: never written).
// Settings are one revisioned record per project, changed like any other.
func NextSettings(what string, cur accord.Stamp, base int, actor string, now time.Time) (accord.Stamp, error) {
	if base != cur.Revision {
		return cur, accord.StaleError(what, base, cur.Revision)
	}
	next := cur.Next(actor, now)
	if cur.Revision == 0 {
		next.CreatedAt, next.CreatedBy = now, actor
	}
	return next, nil
}

// All reads every page of a store list that matches f: for views that
// need the whole set (a register, a health trend, carry-forward).
func All[T, F any](ctx context.Context, project string, f F, list func(context.Context, string, F, accord.PageQuery) (accord.Page[T], error)) ([]T, error) {
	var out []T
	q := accord.PageQuery{Size: accord.MaxPageSize}
	for {
		page, err := list(ctx, project, f, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextPageToken == "" {
			return out, nil
		}
		q.Token = page.NextPageToken
	}
}

// Guard is the permission check on the command path: every command asks it
// for the permission it needs before it reads or writes anything. Services
// keep one, made from their Options' Authorizer.
type Guard struct {
	Authz accord.Authorizer // nil: accord.ActorRoles
}

func (g Guard) authz() accord.Authorizer {
	if g.Authz == nil {
		return accord.ActorRoles{}
	}
	return g.Authz
}

// Trusting reports whether the guard only has the actors' own roles to go
// on (no project authorizer): it cannot know what roles someone else holds.
func (g Guard) Trusting() bool {
	_, ok := g.authz().(accord.ActorRoles)
	return ok
}

// Begin starts a command that needs perm in project: it checks the actor,
// the project key, membership (NotFound for a non-member) and the
// permission (PermissionDenied naming it). The actor it returns holds its
// project roles besides its own, so later role checks (review policies,
// risk acceptance) see them.
func (g Guard) Begin(ctx context.Context, project string, perm accord.Permission) (accord.Actor, error) {
	actor, err := Begin(ctx, project)
	if err != nil {
		return actor, err
	}
	actor, access, err := g.access(ctx, project, actor)
	if err != nil {
		return actor, err
	}
	if !access.Permissions.Allows(perm, actor.Roles) {
		return actor, accord.Denied(actor, project, perm, access.Permissions)
	}
	return actor, nil
}

// Member starts a call that needs only membership of project: reading,
// and what concerns only the caller (their watches, their inbox).
func (g Guard) Member(ctx context.Context, project string) (accord.Actor, error) {
	actor, err := Begin(ctx, project)
	if err != nil {
		return actor, err
	}
	actor, _, err = g.access(ctx, project, actor)
	return actor, err
}

// Read checks a read of project: a valid key and, when ctx carries an
// actor, membership (NotFound for a non-member, as for a project that does
// not exist). A context without an actor is the embedding program's own
// read (a report, a background job) and passes.
func (g Guard) Read(ctx context.Context, project string) error {
	if err := accord.ValidateProject(project); err != nil {
		return err
	}
	actor, ok := accord.ActorFrom(ctx)
	if !ok || g.Trusting() {
		return nil
	}
	_, err := g.authz().Access(ctx, project, actor.ID)
	return err
}

// Allows reports whether actor (as Begin returned it) holds perm in
// project, for commands whose permission depends on the record (deleting
// one's own draft needs less than deleting someone else's).
func (g Guard) Allows(ctx context.Context, project string, actor accord.Actor, perm accord.Permission) error {
	access, err := g.authz().Access(ctx, project, actor.ID)
	if err != nil {
		return err
	}
	if !access.Permissions.Allows(perm, actor.Roles) {
		return accord.Denied(actor, project, perm, access.Permissions)
	}
	return nil
}

// Roles returns the roles member holds in project; known is false when
// the guard cannot tell (no project authorizer and member is not the
// caller), and the caller then checks later, when member acts.
func (g Guard) Roles(ctx context.Context, project, member string) (roles []string, known bool, err error) {
	if a, ok := accord.ActorFrom(ctx); ok && a.ID == member {
		a, _, err := g.access(ctx, project, a)
		return a.Roles, err == nil, err
	}
	if g.Trusting() {
		return nil, false, nil
	}
	access, err := g.authz().Access(ctx, project, member)
	if err != nil {
		if accord.ErrorCode(err) == accord.NotFound {
			return nil, true, accord.Errorf(accord.Invalid, "%s is not a member of %s", member, project)
		}
		return nil, true, err
	}
	return access.Roles, true, nil
}

// access reads actor's access to project and returns the actor holding
// its project roles too.
func (g Guard) access(ctx context.Context, project string, actor accord.Actor) (accord.Actor, accord.Access, error) {
	access, err := g.authz().Access(ctx, project, actor.ID)
	if err != nil {
		return actor, access, err
	}
	actor.Roles = withRoles(slices.Clone(actor.Roles), access.Roles...)
	return actor, access, nil
}

func withRoles(roles []string, more ...string) []string {
	for _, r := range more {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// MayDelete says whether actor (as Member returned it) may delete a record
// that author created and that is still a draft or not: the author may
// delete their own draft with record.write; anything else needs
// record.delete (admins, by default). what names the record for the
// message.
func (g Guard) MayDelete(ctx context.Context, project string, actor accord.Actor, what, author string, draft bool) error {
	if author == actor.ID && draft {
		return g.Allows(ctx, project, actor, accord.PermRecordWrite)
	}
	err := g.Allows(ctx, project, actor, accord.PermRecordDelete)
	if e, ok := err.(*accord.Error); ok && e.Code == accord.PermissionDenied {
		why := "it was created by " + author
		if author == actor.ID {
			why = "it is no longer a draft"
		}
		e.Message = "deleting " + what + ": " + why + "; " + e.Message
	}
	return err
}

// MaxLongText is the longest string any field of an input may hold when
// the input sets no tighter limit of its own (a description, a spec's
// prose, a schema's pattern), in bytes: 64 KiB.
const MaxLongText = 64 << 10

// MaxItems is the most entries any list or map of an input may hold when
// the input sets no tighter limit of its own (labels, criteria, steps,
// deliverables).
const MaxItems = 1000

// CheckBounds adds a field error, named by its JSON path under prefix, for
// every string in v longer than MaxLongText bytes and every list or map
// with more than MaxItems entries. It is the backstop behind each input's
// own, tighter limits: a field added later, or one no Validate names, is
// still bounded. Raw JSON (json.RawMessage, []byte) counts as text. A
// field errs already names is not named twice.
func CheckBounds(errs *accord.FieldErrors, prefix string, v any) {
	found := accord.FieldErrors{}
	checkBounds(&found, prefix, reflect.ValueOf(v), 0)
	for _, f := range found {
		if !slices.ContainsFunc(*errs, func(e accord.FieldError) bool { return e.Field == f.Field }) {
			*errs = append(*errs, f)
		}
	}
}

// Bounded is CheckBounds as an error: Invalid, naming every field over its
// bound, or nil. what names the input in the message ("risk").
func Bounded(what string, v any) error {
	var errs accord.FieldErrors
	CheckBounds(&errs, "", v)
	return errs.Err(what)
}

// maxDepth stops the walk of a value nested deeper than any input is: a
// JSON body cannot be cyclic, but a value built in Go can.
const maxDepth = 32

func checkBounds(errs *accord.FieldErrors, path string, v reflect.Value, depth int) {
	if !v.IsValid() || depth > maxDepth {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkBounds(errs, path, v.Elem(), depth+1)
		}
	case reflect.String:
		if v.Len() > MaxLongText {
			errs.Add(fieldName(path), "longer than %d bytes", MaxLongText)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.Len() > MaxLongText {
				errs.Add(fieldName(path), "longer than %d bytes", MaxLongText)
			}
			return
		}
		if v.Len() > MaxItems {
			errs.Add(fieldName(path), "more than %d entries", MaxItems)
			return
		}
		for i := 0; i < v.Len(); i++ {
			checkBounds(errs, path+"["+strconv.Itoa(i)+"]", v.Index(i), depth+1)
		}
	case reflect.Map:
		if v.Len() > MaxItems {
			errs.Add(fieldName(path), "more than %d entries", MaxItems)
			return
		}
		it := v.MapRange()
		for it.Next() {
			key := fmt.Sprint(it.Key().Interface())
			if len(key) > MaxName {
				errs.Add(fieldName(path), "has a key longer than %d bytes", MaxName)
				continue
			}
			checkBounds(errs, path+"."+key, it.Value(), depth+1)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case f.Anonymous && name == "":
				checkBounds(errs, path, v.Field(i), depth+1) // embedded: its fields are the outer's
				continue
			case name == "":
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			checkBounds(errs, name, v.Field(i), depth+1)
		}
	}
}

// fieldName is the name of a field at path; the whole input when empty.
func fieldName(path string) string {
	if path == "" {
		return "(body)"
	}
	return path
}

// CheckID adds a field error when id is not an identifier a person can
// read back: required, at most MaxName bytes of valid UTF-8, printable
// (no control characters, no spaces at either end). Member and actor IDs
// are shown in every record and message, so a control character in one
// would garble them.
func CheckID(errs *accord.FieldErrors, field, id string) {
	switch {
	case strings.TrimSpace(id) == "":
		errs.Add(field, "required")
	case len(id) > MaxName:
		errs.Add(field, "longer than %d bytes", MaxName)
	case !utf8.ValidString(id):
		errs.Add(field, "not valid UTF-8")
	case strings.TrimSpace(id) != id:
		errs.Add(field, "starts or ends with a space")
	case strings.IndexFunc(id, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0:
		errs.Add(field, "has a control or other unprintable character")
	}
}

// Tombstone returns the revision that deletes rec: rec as it stands, its
// stamp moved on by actor at now and marked deleted for reason. Stores
// keep it as the record's last revision and hide the record.
func Tombstone[T any, P interface {
	*T
	accord.Stamped
}](rec T, actor string, now time.Time, reason string) accord.Revision[T] {
	st := P(&rec).StampRef()
	*st = st.Tombstone(actor, now, reason)
	return Revision[T, P](rec, accord.RevisionDeleted, reason)
}

// CheckReason refuses a deletion's or restoration's reason that is too
// long; it may be empty.
func CheckReason(reason string) error {
	var errs accord.FieldErrors
	CheckText(&errs, "reason", reason, MaxText, false)
	return errs.Err("request")
}

// Restoration returns the revision that brings a deleted record back from
// its history revs (oldest first), made by actor at now for reason: the
// record as it was deleted, at the next revision. NotFound when there is
// no history; FailedPrecondition when the record is not deleted or was
// deleted longer than accord.RetentionWindow ago. name names the record
// for messages ("requirement REQ-3").
func Restoration[T any, P interface {
	*T
	accord.Stamped
}](name func(T) string, revs []accord.Revision[T], actor string, now time.Time, reason string) (accord.Revision[T], error) {
	if len(revs) == 0 {
		return accord.Revision[T]{}, accord.Errorf(accord.NotFound, "no such record: it has no history")
	}
	rec := revs[len(revs)-1].Record
	what := name(rec)
	st := P(&rec).StampRef()
	d := st.Deleted
	if d == nil {
		return accord.Revision[T]{}, accord.Errorf(accord.FailedPrecondition, "%s is not deleted: there is nothing to restore", what)
	}
	if until := d.At.Add(accord.RetentionWindow); now.After(until) {
		return accord.Revision[T]{}, accord.Errorf(accord.FailedPrecondition,
			"%s was deleted by %s on %s; it could be restored for %d days, until %s, and that window has passed (its history stays readable)",
			what, d.By, d.At.Format(time.DateOnly), int(accord.RetentionWindow/(24*time.Hour)), until.Format(time.DateOnly))
	}
	*st = st.Next(actor, now)
	return Revision[T, P](rec, accord.RevisionRestored, reason), nil
}

// Because words a deletion's or restoration's reason for an event's
// summary: ": reason", or nothing.
func Because(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// ListDeleted returns one page of a project's deleted records, each as
// its tombstone, from list (a store's ListDeleted… call): what an admin
// may restore. Like any read it needs membership only: a deleted record's
// history stays readable to members too. Errors: Unauthenticated,
// Invalid (bad project, page size outside 1–500, malformed token),
// NotFound (not a member).
func ListDeleted[T any](ctx context.Context, g Guard, project string, q accord.PageQuery,
	list func(context.Context, string, accord.PageQuery) (accord.Page[T], error)) (accord.Page[T], error) {
	if _, err := g.Member(ctx, project); err != nil {
		return accord.Page[T]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[T]{}, err
	}
	page, err := list(ctx, project, q)
	if page.Items == nil && err == nil {
		page.Items = []T{} // an empty list, never null
	}
	return page, err
}

// PageAfter returns one page of items (in the order given, distinct by
// key) for a normalised q: the token names the key of the last item a
// page returned, and the next page starts after it; when that item has
// gone, after the first key above it, so resuming stays correct while
// items are added or removed as long as the order follows the keys. For
// short lists a store returns whole (a glossary, a requirement's change
// requests). prefix tells one list's tokens from another's.
func PageAfter[T any](prefix string, items []T, q accord.PageQuery, key func(T) string) (accord.Page[T], error) {
	after := ""
	if q.Token != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.Token)
		var ok bool
		if after, ok = strings.CutPrefix(string(b), prefix+":"); err != nil || !ok || after == "" {
			return accord.Page[T]{}, accord.BadPageToken()
		}
	}
	start := 0
	if after != "" {
		start = len(items)
		if i := slices.IndexFunc(items, func(it T) bool { return key(it) == after }); i >= 0 {
			start = i + 1
		} else if i := slices.IndexFunc(items, func(it T) bool { return key(it) > after }); i >= 0 {
			start = i
		}
	}
	end := min(start+q.Size, len(items))
	page := accord.Page[T]{Items: append([]T{}, items[start:end]...)}
	if end < len(items) {
		page.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(prefix + ":" + key(items[end-1])))
	}
	return page, nil
}
