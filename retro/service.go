package retro

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Options configure a Service. Store is required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; every
	// command asks it for the permission it needs. project.Service is
	// one. Without it, callers hold the roles their accord.Actor carries,
	// under accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Events     accord.EventSink // optional: receives an event after every change
	Clock      accord.Clock     // optional: defaults to accord.SystemClock()
}

// Service owns the retrospective rules: phases, anonymity, vote limits,
// carry-forward, and the summary. It is safe for concurrent use.
type Service struct {
	guard svc.Guard
	store Store
	pub   svc.Publisher
	clock accord.Clock
	cmds  svc.Commands[Retro, *Retro]
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "retro.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	s := &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock}
	s.cmds = svc.Commands[Retro, *Retro]{Guard: s.guard, Pub: s.pub, Table: svc.Table[Retro]{
		What: "retrospective", Prefix: KeyPrefix, Get: opts.Store.GetRetro, ByKey: opts.Store.GetRetroByKey, Update: opts.Store.UpdateRetro,
		Name: func(r Retro) (string, string) { return r.Key, r.Title }, Content: ContentChanges,
		// Only the conclusions are content: a vote need not copy every card.
		Keep:   func(r Retro) Retro { return Retro{Lessons: r.Lessons, Actions: r.Actions}.Clone() },
		Delete: opts.Store.DeleteRetro, History: opts.Store.ListRetroRevisions,
		Time: func(r Retro, now time.Time) time.Time {
			if r.Anonymous {
				return coarse(now) // to the minute, as everything it records
			}
			return now
		}}}
	return s, nil
}

// Settings returns the project's retrospective settings, defaults filled in.
func (s *Service) Settings(ctx context.Context, project string) (Settings, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return st, err
	}
	def := DefaultSettings(project)
	if st.VotesPerPerson == 0 {
		st.VotesPerPerson = def.VotesPerPerson
	}
	if st.VotesPerTarget == 0 {
		st.VotesPerTarget = def.VotesPerTarget
	}
	if len(st.Health) == 0 {
		st.Health = def.Health
	}
	st.Project = project
	return st, nil
}

// Validate checks settings.
func (st Settings) Validate() error {
	var errs accord.FieldErrors
	for i, t := range st.Templates {
		f := fmt.Sprintf("templates[%d]", i)
		svc.CheckText(&errs, f+".name", t.Name, 64, true)
		if slices.ContainsFunc(BuiltinTemplates(), func(b Template) bool { return b.Name == t.Name }) {
			errs.Add(f+".name", "%q is a built-in template", t.Name)
		}
		if len(t.Columns) == 0 || len(t.Columns) > 8 {
			errs.Add(f+".columns", "needs 1 to 8 columns")
		}
		for j, c := range t.Columns {
			svc.CheckText(&errs, fmt.Sprintf("%s.columns[%d].id", f, j), c.ID, 64, true)
			svc.CheckText(&errs, fmt.Sprintf("%s.columns[%d].name", f, j), c.Name, svc.MaxName, true)
			svc.CheckText(&errs, fmt.Sprintf("%s.columns[%d].prompt", f, j), c.Prompt, svc.MaxText, false)
		}
	}
	if st.VotesPerPerson < 0 || st.VotesPerPerson > 100 {
		errs.Add("votes_per_person", "must be 0 (default) to 100")
	}
	if st.VotesPerTarget < 0 || st.VotesPerTarget > 100 {
		errs.Add("votes_per_target", "must be 0 (default) to 100")
	}
	for i, h := range st.Health {
		svc.CheckText(&errs, fmt.Sprintf("health[%d]", i), h, 64, true)
	}
	svc.CheckBounds(&errs, "", st)
	return errs.Err("retro settings")
}

// UpdateSettings replaces the settings at revision base (0 when never set).
func (s *Service) UpdateSettings(ctx context.Context, project string, base int, in Settings) (Settings, error) {
	if err := in.Validate(); err != nil {
		return Settings{}, err
	}
	in.Project = project
	st := svc.Settings[Settings]{Guard: s.guard, What: "retro settings", Event: EventSettingsChanged, Get: s.store.GetSettings, Put: s.store.PutSettings}
	return st.Update(ctx, s.pub, project, base, in, func(x *Settings) *accord.Stamp { return &x.Stamp })
}

// NewRetro is what Create needs.
type NewRetro struct {
	Title       string       `json:"title"`
	Series      string       `json:"series"`
	LooksBackOn []accord.Ref `json:"looks_back_on,omitempty"`
	Template    string       `json:"template,omitempty"` // default went_well
	Anonymous   bool         `json:"anonymous,omitempty"`
	HideVotes   bool         `json:"hide_votes,omitempty"`
}

// Create opens a retrospective, collecting, with the acting user as its
// facilitator. Every action still open from the series' previous
// retrospective comes along, with where it came from and how many
// retrospectives it has been carried through. Anonymity is fixed here.
// Errors: Unauthenticated, Invalid.
func (s *Service) Create(ctx context.Context, project string, in NewRetro) (Retro, error) {
	if err := svc.Bounded("retro", in); err != nil {
		return Retro{}, err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Retro{}, err
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return Retro{}, err
	}
	if in.Template == "" {
		in.Template = "went_well"
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "title", in.Title, 200, true)
	svc.CheckText(&errs, "series", in.Series, 64, true)
	for i, r := range in.LooksBackOn {
		r.Validate(fmt.Sprintf("looks_back_on[%d]", i), &errs)
	}
	templates := append(BuiltinTemplates(), st.Templates...)
	ti := slices.IndexFunc(templates, func(t Template) bool { return t.Name == in.Template })
	if ti < 0 {
		names := make([]string, len(templates))
		for i, t := range templates {
			names[i] = t.Name
		}
		errs.Add("template", "unknown template %q; one of %s", in.Template, strings.Join(names, ", "))
	}
	if err := errs.Err("retro"); err != nil {
		return Retro{}, err
	}
	now := s.clock.Now()
	if in.Anonymous {
		now = coarse(now)
	}
	r := Retro{ID: accord.NewID(now), Project: project, Title: in.Title, Series: in.Series, LooksBackOn: in.LooksBackOn,
		Facilitator: actor.ID, Template: in.Template, Columns: slices.Clone(templates[ti].Columns), Anonymous: in.Anonymous,
		HideVotes: in.HideVotes, Phase: Collecting, Items: []Item{}, Groups: []Group{}, Votes: []Vote{}, Notes: []Note{},
		Actions: []Action{}, Lessons: []Lesson{}, Health: []HealthAnswer{}, Stamp: accord.NewStamp(actor.ID, now)}
	if r.Actions, err = s.carried(ctx, project, in.Series); err != nil {
		return Retro{}, err
	}
	r, err = s.store.CreateRetro(ctx, svc.Revision(r, accord.RevisionCreated, "opened"))
	if err != nil {
		return Retro{}, err
	}
	if r.Anonymous {
		secret := make([]byte, 32)
		_, _ = rand.Read(secret)
		if err := s.store.PutPrivate(ctx, project, r.ID, Private{Secret: secret}); err != nil {
			return Retro{}, err
		}
	}
	s.publish(ctx, r, actor, EventCreated, "%s %q opened by %s (%s, %d action(s) carried forward)", r.Key, r.Title, actor.ID, r.Series, len(r.Actions))
	return s.view(r), nil
}

// carried returns the open actions of the series' latest retrospective,
// one retrospective further carried.
func (s *Service) carried(ctx context.Context, project, series string) ([]Action, error) {
	retros, err := svc.All(ctx, project, Filter{Series: series}, s.store.ListRetros)
	if err != nil {
		return nil, err
	}
	out := []Action{}
	if len(retros) == 0 {
		return out, nil
	}
	last := &retros[len(retros)-1]
	// An action lives on in every retrospective it was carried into, and
	// may be marked done in any of them: the newest change of each wins.
	freshest := map[string]accord.Action{}
	for _, r := range retros {
		for _, a := range r.Actions {
			if f, ok := freshest[a.ID]; !ok || a.UpdatedAt.After(f.UpdatedAt) {
				freshest[a.ID] = a.Action
			}
		}
	}
	for _, a := range last.Actions {
		a.Action = freshest[a.ID]
		if a.Status.Finished() {
			continue
		}
		if a.Origin.ID == "" {
			a.Origin = last.Ref()
		}
		a.Carried++
		a.Target = ""
		out = append(out, a)
	}
	return out, nil
}

// view is what callers see of r: never who answered the health check, no
// voters in an anonymous retrospective, and no votes at all while hidden
// votes are still being cast.
func (s *Service) view(r Retro) Retro {
	r = r.Clone()
	for i := range r.Health {
		r.Health[i].Respondent = ""
	}
	if r.Anonymous {
		for i := range r.Votes {
			r.Votes[i].Voter = ""
		}
	}
	if r.HideVotes && r.Phase != Discussing && r.Phase != Closed {
		r.Votes = []Vote{}
	}
	return r
}

// Get returns a retrospective by ID or key. Errors: Invalid, NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Retro, error) {
	r, err := s.cmds.Get(ctx, project, id)
	return s.view(r), err
}

// List returns one page of the project's retrospectives that match f.
func (s *Service) List(ctx context.Context, project string, f Filter, q accord.PageQuery) (accord.Page[Retro], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Retro]{}, err
	}
	var errs accord.FieldErrors
	svc.CheckQuery(&errs, "q", f.Text, false)
	if err := errs.Err("filter"); err != nil {
		return accord.Page[Retro]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Retro]{}, err
	}
	page, err := s.store.ListRetros(ctx, project, f, q)
	if err != nil {
		return accord.Page[Retro]{}, err
	}
	for i := range page.Items {
		page.Items[i] = s.view(page.Items[i])
	}
	if page.Items == nil {
		page.Items = []Retro{}
	}
	return page, nil
}

// ListDeleted returns one page of the project's deleted retrospectives,
// in creation order, each as its tombstone (as callers may see it):
// Deleted says who deleted it, when and why; Restore brings one back
// within accord.RetentionWindow. Members may read it, as they read a
// deleted record's history.
// Errors: Unauthenticated, Invalid (bad project, page size outside 1–500,
// malformed token), NotFound (not a member).
func (s *Service) ListDeleted(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Retro], error) {
	page, err := svc.ListDeleted(ctx, s.guard, project, q, s.store.ListDeletedRetros)
	for i := range page.Items {
		page.Items[i] = s.view(page.Items[i])
	}
	return page, err
}

// History returns every revision of a retrospective, oldest first, each as
// callers may see it. A deleted one answers by its ID, its tombstone last.
// Errors: Invalid (bad project), NotFound.
func (s *Service) History(ctx context.Context, project, id string) ([]accord.Revision[Retro], error) {
	revs, err := s.cmds.History(ctx, project, id)
	for i := range revs {
		revs[i].Record = s.view(revs[i].Record)
	}
	return revs, err
}

// Delete deletes a retrospective for reason (may be empty): it leaves a
// tombstone revision saying who, when and why and disappears from gets
// and lists; Restore brings it back within accord.RetentionWindow. An
// anonymous one's Private part (secret, pseudonyms) is erased for good all
// the same, so a restored anonymous retrospective takes no more input.
func (s *Service) Delete(ctx context.Context, project, id, reason string) error {
	draft := func(r Retro) bool { return r.Phase == Collecting && len(r.Items) == 0 }
	return s.cmds.Delete(ctx, project, id, reason, draft, EventDeleted)
}

// Restore brings back a deleted retrospective (named by its ID: its key no longer resolves) as it
// was, as a new revision, for reason: within accord.RetentionWindow of its
// deletion, with accord.PermRecordRestore (admins). Errors:
// Unauthenticated, Invalid, NotFound, PermissionDenied, FailedPrecondition
// (not deleted, or the window has passed), Conflict (restored meanwhile).
func (s *Service) Restore(ctx context.Context, project, id, reason string) (Retro, error) {
	r, err := s.cmds.Restore(ctx, project, id, reason, EventRestored)
	if err != nil {
		return Retro{}, err
	}
	return s.view(r), nil
}

// who is how a retrospective knows the acting participant: by ID, or by a
// pseudonym in an anonymous one; name is what events and history may say.
type who struct {
	key  string // the actor ID, or the pseudonym
	name string // the actor ID, or AnonymousActor
	// private is an open anonymous retrospective's Private part, which a
	// step may change; nil otherwise.
	private *Private
}

// pseudonym is how an anonymous retrospective's Private part names actor:
// stable while the secret lives, meaningless once it is erased.
func pseudonym(secret []byte, actor string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(actor))
	return hex.EncodeToString(mac.Sum(nil))[:24]
}

// coarse is a time as an anonymous retrospective records and publishes
// it: to the minute, so that precise times cannot tell whose cards, votes
// and answers follow one another.
func coarse(t time.Time) time.Time { return t.Truncate(time.Minute) }

// minuteClock reads its clock to the minute (coarse).
type minuteClock struct{ accord.Clock }

func (c minuteClock) Now() time.Time { return coarse(c.Clock.Now()) }

// publisher sends the events about r: with times to the minute when r is
// anonymous.
func (s *Service) publisher(r Retro) svc.Publisher {
	if !r.Anonymous {
		return s.pub
	}
	return svc.Publisher{Events: s.pub.Events, Clock: minuteClock{s.pub.Clock}}
}

// publish publishes an event about r, with the time to the minute when r
// is anonymous.
func (s *Service) publish(ctx context.Context, r Retro, actor accord.Actor, kind, format string, args ...any) {
	cmds := s.cmds
	cmds.Pub = s.publisher(r)
	cmds.Publish(ctx, r.Project, r, actor, kind, format, args...)
}

// step is one change to a retrospective, made by the participant p; it
// says what it did for the event and the revision.
type step func(r *Retro, p who, now time.Time) (event, summary string, err error)

// change applies st to the retrospective at revision base (0: the newest,
// retrying when another change got there first) on the one command path.
// phases lists the phases it is allowed in; facilitator marks changes
// only the facilitator may make, which are named in anonymous
// retrospectives too. In an open anonymous retrospective the record and
// its Private part are written together, and the write that closes it
// erases the Private part.
func (s *Service) change(ctx context.Context, project, id string, base int, phases []Phase, facilitator bool, st step) (Retro, error) {
	var private *Private // read with the record, written with it
	cmds := s.cmds
	cmds.Table.Update = func(ctx context.Context, next accord.Revision[Retro]) (Retro, error) {
		if private == nil {
			return s.store.UpdateRetro(ctx, next)
		}
		if next.Record.Phase == Closed {
			private = nil // erased with the write that closes
		}
		return s.store.UpdateRetroPrivately(ctx, next, private)
	}
	out, err := cmds.Run(ctx, svc.Change[Retro]{Project: project, Ref: id, Base: base,
		Edit: func(r *Retro, c *svc.Cmd) error {
			actor := c.Actor
			if !slices.Contains(phases, r.Phase) {
				return accord.Errorf(accord.FailedPrecondition, "%s is %s: this is done while %s", r.Key, r.Phase, svc.Join(phases))
			}
			if facilitator && actor.ID != r.Facilitator {
				return accord.Errorf(accord.PermissionDenied, "only the facilitator (%s) may do this in %s", r.Facilitator, r.Key)
			}
			// Read after the record: a Private part newer than it belongs to a
			// change that the compare-and-swap refuses as stale.
			private = nil
			if r.Anonymous && r.Phase != Closed {
				got, err := s.store.GetPrivate(ctx, project, r.ID)
				switch {
				case err == nil:
					private = &got
				case accord.ErrorCode(err) != accord.NotFound:
					return err
				case !facilitator:
					return accord.Errorf(accord.FailedPrecondition, "%s is anonymous and its secret is gone: it takes no more input", r.Key)
				}
			}
			p := who{key: actor.ID, name: actor.ID, private: private}
			if !facilitator && r.Anonymous {
				// Once closed nothing per person happens (actions are marked
				// done, promotions recorded), and the secret is gone.
				p.key, p.name = "", AnonymousActor
				if private != nil {
					p.key = pseudonym(private.Secret, actor.ID)
				}
			}
			event, summary, err := st(r, p, c.Now)
			if err != nil {
				return err
			}
			// In an anonymous retrospective a participant's revision and
			// event name nobody.
			c.Actor = accord.Actor{ID: p.name}
			c.Did(accord.RevisionKind(strings.TrimPrefix(event, "retro.")), event, summary)
			return nil
		}})
	if err != nil {
		return Retro{}, err
	}
	return s.view(out), nil
}

var openPhases = []Phase{Collecting, Grouping, Voting, Discussing}

// Transition moves the retrospective to the next phase; only the
// facilitator may. Closing an anonymous retrospective erases its Private
// part (the secret, and whose cards, votes and health answers are whose)
// in the same write, after moving the health answers into the record
// without respondents, in an order set by the scores alone. No revision
// ever held any of it, so afterwards nothing stored ties a contribution to
// a person or to another contribution of the same person. base is the
// revision the facilitator read (If-Match; 0: the newest); the reason,
// optional, lands in the revision and the event. Errors:
// Unauthenticated, Invalid (reason too long), NotFound, PermissionDenied,
// Conflict (stale base), FailedPrecondition (not the next phase).
func (s *Service) Transition(ctx context.Context, project, id string, base int, in TransitionInput) (Retro, error) {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "reason", in.Reason, svc.MaxText, false)
	if err := errs.Err("transition"); err != nil {
		return Retro{}, err
	}
	to := in.To
	return s.change(ctx, project, id, base, Phases(), true, func(r *Retro, p who, now time.Time) (string, string, error) {
		if err := transitions.Check(r.Key, r.Phase, to, Phases()); err != nil {
			return "", "", err
		}
		from := r.Phase
		r.Phase = to
		if to == Closed {
			r.ClosedAt = now
			if r.Anonymous {
				if p.private != nil {
					for _, scores := range p.private.Health {
						r.Health = append(r.Health, HealthAnswer{Scores: scores})
					}
				}
				*r = r.Anonymized() // records of earlier versions may name voters
				slices.SortStableFunc(r.Health, func(a, b HealthAnswer) int { return strings.Compare(fmt.Sprint(a.Scores), fmt.Sprint(b.Scores)) })
			}
			for i := range r.Health {
				r.Health[i].Respondent = ""
			}
		}
		return EventPhaseChanged, fmt.Sprintf("%s moved from %s to %s%s", r.Key, from, to, svc.Because(in.Reason)), nil
	})
}

// TransitionInput moves a retrospective to another phase, saying why
// (optional).
type TransitionInput struct {
	To     Phase  `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// ItemInput is a card.
type ItemInput struct {
	Column string `json:"column"`
	Text   string `json:"text"`
}

// AddItem adds a card while collecting. Errors: Invalid, NotFound,
// FailedPrecondition (not collecting).
func (s *Service) AddItem(ctx context.Context, project, id string, in ItemInput) (Retro, error) {
	if err := svc.Bounded("item", in); err != nil {
		return Retro{}, err
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "text", in.Text, svc.MaxText, true)
	if err := errs.Err("item"); err != nil {
		return Retro{}, err
	}
	return s.change(ctx, project, id, 0, []Phase{Collecting}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		if !slices.ContainsFunc(r.Columns, func(c Column) bool { return c.ID == in.Column }) {
			return "", "", accord.InvalidField("item", "column", "no column %q in %s", in.Column, r.Key)
		}
		item := Item{ID: accord.NewID(now), Column: in.Column, Text: in.Text, Time: now}
		if r.Anonymous {
			if p.private.Cards == nil {
				p.private.Cards = map[string]string{}
			}
			p.private.Cards[item.ID] = p.key
		} else {
			item.Author = p.key
		}
		r.Items = append(r.Items, item)
		return EventItemAdded, fmt.Sprintf("%s: a card in %s by %s", r.Key, in.Column, p.name), nil
	})
}

// ItemEdit is a card's new text: the input of EditItem.
type ItemEdit struct {
	Text string `json:"text"`
}

// Validate checks the text.
func (in ItemEdit) Validate() error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "text", in.Text, svc.MaxText, true)
	return errs.Err("item")
}

// EditItem changes the text of one's own card while collecting.
func (s *Service) EditItem(ctx context.Context, project, id, itemID string, in ItemEdit) (Retro, error) {
	if err := in.Validate(); err != nil {
		return Retro{}, err
	}
	text := in.Text
	return s.change(ctx, project, id, 0, []Phase{Collecting}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		i := slices.IndexFunc(r.Items, func(it Item) bool { return it.ID == itemID })
		if i < 0 {
			return "", "", accord.Errorf(accord.NotFound, "%s has no item %q", r.Key, itemID)
		}
		mine := r.Items[i].Author == p.key
		if r.Anonymous {
			mine = p.private.Cards[itemID] == p.key
		}
		if !mine {
			return "", "", accord.Errorf(accord.PermissionDenied, "only its author may edit a card")
		}
		r.Items[i].Text = text
		return EventItemEdited, fmt.Sprintf("%s: a card edited by %s", r.Key, p.name), nil
	})
}

// GroupInput gathers items under a title.
type GroupInput struct {
	Title string   `json:"title"`
	Items []string `json:"items"`
}

// Group gathers items while grouping; an item moves out of any group it
// was in.
func (s *Service) Group(ctx context.Context, project, id string, in GroupInput) (Retro, error) {
	if err := svc.Bounded("group", in); err != nil {
		return Retro{}, err
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "title", in.Title, 200, true)
	if len(in.Items) == 0 {
		errs.Add("items", "required: the items to group")
	}
	if err := errs.Err("group"); err != nil {
		return Retro{}, err
	}
	return s.change(ctx, project, id, 0, []Phase{Grouping}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		g := Group{ID: accord.NewID(now), Title: in.Title, Items: []string{}}
		for _, itemID := range in.Items {
			i := slices.IndexFunc(r.Items, func(it Item) bool { return it.ID == itemID })
			if i < 0 {
				return "", "", accord.Errorf(accord.NotFound, "%s has no item %q", r.Key, itemID)
			}
			if old := r.Items[i].Group; old != "" {
				for gi := range r.Groups {
					if r.Groups[gi].ID == old {
						r.Groups[gi].Items = slices.DeleteFunc(r.Groups[gi].Items, func(x string) bool { return x == itemID })
					}
				}
			}
			r.Items[i].Group = g.ID
			g.Items = append(g.Items, itemID)
		}
		r.Groups = slices.DeleteFunc(r.Groups, func(x Group) bool { return len(x.Items) == 0 })
		r.Groups = append(r.Groups, g)
		return EventGrouped, fmt.Sprintf("%s: %d item(s) grouped as %q", r.Key, len(g.Items), g.Title), nil
	})
}

// Vote casts one vote on an item or a group while voting, within the
// project's limits per person and per target. Concurrent voters never
// exceed them: each vote is checked against the newest tally.
func (s *Service) Vote(ctx context.Context, project, id, target string) (Retro, error) {
	st, err := s.Settings(ctx, project)
	if err != nil {
		return Retro{}, err
	}
	return s.change(ctx, project, id, 0, []Phase{Voting}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		if !r.hasTarget(target) {
			return "", "", accord.Errorf(accord.NotFound, "%s has no item or group %q", r.Key, target)
		}
		var cast []string // the targets of p's votes so far
		if r.Anonymous {
			cast = p.private.Votes[p.key]
		} else {
			for _, v := range r.Votes {
				if v.Voter == p.key {
					cast = append(cast, v.Target)
				}
			}
		}
		mine, onTarget := len(cast), 0
		for _, t := range cast {
			if t == target {
				onTarget++
			}
		}
		if mine >= st.VotesPerPerson {
			return "", "", accord.Errorf(accord.FailedPrecondition, "all %d votes are cast", st.VotesPerPerson)
		}
		if onTarget >= st.VotesPerTarget {
			return "", "", accord.Errorf(accord.FailedPrecondition, "at most %d votes on one item or group", st.VotesPerTarget)
		}
		if r.Anonymous {
			if p.private.Votes == nil {
				p.private.Votes = map[string][]string{}
			}
			p.private.Votes[p.key] = append(cast, target)
			r.Votes = append(r.Votes, Vote{Target: target})
		} else {
			r.Votes = append(r.Votes, Vote{Target: target, Voter: p.key})
		}
		return EventVoted, fmt.Sprintf("%s: a vote by %s", r.Key, p.name), nil
	})
}

func (r *Retro) hasTarget(id string) bool {
	return slices.ContainsFunc(r.Items, func(it Item) bool { return it.ID == id }) ||
		slices.ContainsFunc(r.Groups, func(g Group) bool { return g.ID == id })
}

// NoteInput is a discussion note on an item or a group.
type NoteInput struct {
	Target string `json:"target"`
	Text   string `json:"text"`
}

// AddNote records a discussion note while discussing.
func (s *Service) AddNote(ctx context.Context, project, id string, in NoteInput) (Retro, error) {
	if err := svc.Bounded("note", in); err != nil {
		return Retro{}, err
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "text", in.Text, svc.MaxText, true)
	if err := errs.Err("note"); err != nil {
		return Retro{}, err
	}
	return s.change(ctx, project, id, 0, []Phase{Discussing}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		if in.Target != "" && !r.hasTarget(in.Target) {
			return "", "", accord.Errorf(accord.NotFound, "%s has no item or group %q", r.Key, in.Target)
		}
		n := Note{ID: accord.NewID(now), Target: in.Target, Text: in.Text, Time: now}
		if !r.Anonymous {
			n.Author = p.key
		}
		r.Notes = append(r.Notes, n)
		return EventNoteAdded, fmt.Sprintf("%s: a note by %s", r.Key, p.name), nil
	})
}

// ActionInput is an improvement decided in discussion.
type ActionInput struct {
	accord.ActionInput
	Target string `json:"target,omitempty"` // the item or group it answers
}

// AddAction records an action item while discussing.
func (s *Service) AddAction(ctx context.Context, project, id string, in ActionInput) (Retro, error) {
	if err := svc.Bounded("action", in); err != nil {
		return Retro{}, err
	}
	var errs accord.FieldErrors
	in.Validate("", &errs)
	if err := errs.Err("action"); err != nil {
		return Retro{}, err
	}
	if in.Status == "" {
		in.Status = accord.ActionOpen
	}
	return s.change(ctx, project, id, 0, []Phase{Discussing}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		if in.Target != "" && !r.hasTarget(in.Target) {
			return "", "", accord.Errorf(accord.NotFound, "%s has no item or group %q", r.Key, in.Target)
		}
		a := Action{Action: accord.Action{ID: accord.NewID(now), Title: in.Title, Owner: in.Owner, Due: in.Due, Status: in.Status,
			Note: in.Note, CreatedAt: now, CreatedBy: p.name, UpdatedAt: now, UpdatedBy: p.name}, Target: in.Target, Origin: r.Ref()}
		r.Actions = append(r.Actions, a)
		return EventActionAdded, fmt.Sprintf("%s: action %q for %s", r.Key, a.Title, a.Owner), nil
	})
}

// UpdateAction changes an action; unlike everything else, also on a
// closed retrospective, so that an action can be marked done later.
func (s *Service) UpdateAction(ctx context.Context, project, id, actionID string, in accord.ActionInput) (Retro, error) {
	if err := svc.Bounded("action", in); err != nil {
		return Retro{}, err
	}
	var errs accord.FieldErrors
	in.Validate("", &errs)
	if err := errs.Err("action"); err != nil {
		return Retro{}, err
	}
	return s.change(ctx, project, id, 0, Phases(), false, func(r *Retro, p who, now time.Time) (string, string, error) {
		i := slices.IndexFunc(r.Actions, func(a Action) bool { return a.ID == actionID })
		if i < 0 {
			return "", "", accord.Errorf(accord.NotFound, "%s has no action %q", r.Key, actionID)
		}
		a := &r.Actions[i]
		a.Title, a.Owner, a.Due, a.Note = in.Title, in.Owner, in.Due, in.Note
		if in.Status != "" {
			a.Status = in.Status
		}
		a.UpdatedAt, a.UpdatedBy = now, p.name
		return EventActionChanged, fmt.Sprintf("%s: action %q is %s", r.Key, a.Title, a.Status), nil
	})
}

// LessonInput is something learned.
type LessonInput struct {
	Text string   `json:"text"`
	Tags []string `json:"tags,omitempty"`
}

// AddLesson records a lesson learned while discussing.
func (s *Service) AddLesson(ctx context.Context, project, id string, in LessonInput) (Retro, error) {
	if err := svc.Bounded("lesson", in); err != nil {
		return Retro{}, err
	}
	var errs accord.FieldErrors
	svc.CheckText(&errs, "text", in.Text, svc.MaxText, true)
	for i, t := range in.Tags {
		svc.CheckText(&errs, fmt.Sprintf("tags[%d]", i), t, 64, true)
	}
	if err := errs.Err("lesson"); err != nil {
		return Retro{}, err
	}
	return s.change(ctx, project, id, 0, []Phase{Discussing}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		r.Lessons = append(r.Lessons, Lesson{ID: accord.NewID(now), Text: in.Text, Tags: in.Tags})
		return EventLessonAdded, fmt.Sprintf("%s: a lesson learned", r.Key), nil
	})
}

// AnswerHealth records (or replaces) the acting participant's team health
// check while the retrospective is open: a score from 1 to 5 for each of
// the project's dimensions. An anonymous retrospective keeps the answers
// in its Private part until it closes, so that no revision shows one
// answer replaced by another of the same person.
func (s *Service) AnswerHealth(ctx context.Context, project, id string, scores map[string]int) (Retro, error) {
	if err := svc.Bounded("health check", map[string]any{"scores": scores}); err != nil {
		return Retro{}, err
	}
	st, err := s.Settings(ctx, project)
	if err != nil {
		return Retro{}, err
	}
	var errs accord.FieldErrors
	for _, d := range st.Health {
		if v, ok := scores[d]; !ok || v < 1 || v > 5 {
			errs.Add("scores."+d, "required: 1 to 5")
		}
	}
	for d := range scores {
		if !slices.Contains(st.Health, d) {
			errs.Add("scores."+d, "not a health dimension of the project")
		}
	}
	if err := errs.Err("health check"); err != nil {
		return Retro{}, err
	}
	return s.change(ctx, project, id, 0, openPhases, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		if r.Anonymous {
			if p.private.Health == nil {
				p.private.Health = map[string]map[string]int{}
			}
			p.private.Health[p.key] = maps.Clone(scores)
			return EventHealthAnswered, fmt.Sprintf("%s: a health check answered", r.Key), nil
		}
		r.Health = slices.DeleteFunc(r.Health, func(h HealthAnswer) bool { return h.Respondent == p.key })
		r.Health = append(r.Health, HealthAnswer{Respondent: p.key, Scores: scores})
		return EventHealthAnswered, fmt.Sprintf("%s: a health check answered", r.Key), nil
	})
}

// MarkPromoted records that an item or an action became another record (a
// risk, a requirement, a change request): adapters/link calls it after
// creating that record, so the ref points both ways.
func (s *Service) MarkPromoted(ctx context.Context, project, id, target string, to accord.Ref) (Retro, error) {
	return s.change(ctx, project, id, 0, []Phase{Discussing, Closed}, false, func(r *Retro, p who, now time.Time) (string, string, error) {
		for i := range r.Items {
			if r.Items[i].ID == target {
				r.Items[i].Promoted = append(r.Items[i].Promoted, to)
				return EventPromoted, fmt.Sprintf("%s: an item became %s", r.Key, to), nil
			}
		}
		for i := range r.Actions {
			if r.Actions[i].ID == target {
				r.Actions[i].Promoted = append(r.Actions[i].Promoted, to)
				return EventPromoted, fmt.Sprintf("%s: action %q became %s", r.Key, r.Actions[i].Title, to), nil
			}
		}
		return "", "", accord.Errorf(accord.NotFound, "%s has no item or action %q", r.Key, target)
	})
}

// Tally is the votes of one item or group.
type Tally struct {
	Target string `json:"target"`
	Title  string `json:"title"` // the item's text or the group's title
	Votes  int    `json:"votes"`
}

// Results ranks the items and groups of r by votes, most first; empty
// while hidden votes are being cast.
func Results(r Retro) []Tally {
	counts := map[string]int{}
	for _, v := range r.Votes {
		counts[v.Target]++
	}
	var out []Tally
	for _, g := range r.Groups {
		out = append(out, Tally{Target: g.ID, Title: g.Title, Votes: counts[g.ID]})
	}
	for _, it := range r.Items {
		out = append(out, Tally{Target: it.ID, Title: it.Text, Votes: counts[it.ID]})
	}
	slices.SortStableFunc(out, func(a, b Tally) int { return b.Votes - a.Votes })
	return out
}

// Promotion says what an item or action becomes in another domain.
// adapters/link carries it out and calls MarkPromoted.
type Promotion struct {
	Target      string `json:"target"`                // the item or action
	To          string `json:"to"`                    // risk, requirement or change_request
	Requirement string `json:"requirement,omitempty"` // for a change request: the requirement (REQ-3) it changes
	Category    string `json:"category,omitempty"`    // for a risk: its category (default technical)
}

// Source returns the item or action a promotion starts from: its text (or
// title) and owner, checking it exists and that the retrospective is in
// discussion or closed (before, its items are still changing).
func (s *Service) Source(ctx context.Context, project, id, target string) (r Retro, text, owner string, err error) {
	r, err = s.Get(ctx, project, id)
	if err != nil {
		return r, "", "", err
	}
	if r.Phase != Discussing && r.Phase != Closed {
		return r, "", "", accord.Errorf(accord.FailedPrecondition, "%s is %s: items and actions are promoted while discussing or after", r.Key, r.Phase)
	}
	for _, it := range r.Items {
		if it.ID == target {
			return r, it.Text, it.Author, nil
		}
	}
	for _, a := range r.Actions {
		if a.ID == target {
			return r, a.Title, a.Owner, nil
		}
	}
	return r, "", "", accord.Errorf(accord.NotFound, "%s has no item or action %q", r.Key, target)
}
