package external

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Settings returns the project's tracker settings: revision 0 and no
// connection when never set. Errors: Invalid (bad project), NotFound (not
// a member).
func (s *Service) Settings(ctx context.Context, project string) (Settings, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return st, err
	}
	st.Project = project
	if st.Trackers == nil {
		st.Trackers = []Connection{}
	}
	return st, nil
}

// UpdateSettings replaces the project's tracker connections at revision
// base (0 when never set). It needs settings.update (admins, by default).
// Errors: Unauthenticated, Invalid (naming the field:
// trackers[0].rules[1].action), NotFound, PermissionDenied, Conflict
// wrapping accord.ErrStale.
func (s *Service) UpdateSettings(ctx context.Context, project string, base int, in Settings) (Settings, error) {
	if err := in.Validate(s.states); err != nil {
		return Settings{}, err
	}
	in.Project = project
	if in.Trackers == nil {
		in.Trackers = []Connection{}
	}
	// A connection keeps the time it was first made; a new one starts now.
	cur, err := s.store.GetSettings(ctx, project)
	if err != nil && accord.ErrorCode(err) != accord.NotFound {
		return Settings{}, err
	}
	now := s.clock.Now()
	for i := range in.Trackers {
		in.Trackers[i].Since = now
		if c, ok := cur.Connection(in.Trackers[i].System); ok && !c.Since.IsZero() {
			in.Trackers[i].Since = c.Since
		}
	}
	st := svc.Settings[Settings]{Guard: s.guard, What: "tracker settings", Event: EventSettingsChanged, Get: s.store.GetSettings, Put: s.store.PutSettings}
	return st.Update(ctx, s.pub, project, base, in, func(x *Settings) *accord.Stamp { return &x.Stamp })
}

// SyncStates returns the sync state of every system the project is
// connected to or has synchronised with, by system; a connected system
// that never synchronised has revision 0. Errors: Invalid, NotFound.
func (s *Service) SyncStates(ctx context.Context, project string) ([]SyncState, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return nil, err
	}
	st, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return nil, err
	}
	states, err := s.store.ListSyncStates(ctx, project)
	if err != nil {
		return nil, err
	}
	for _, c := range st.Trackers {
		if !slices.ContainsFunc(states, func(x SyncState) bool { return x.System == c.System }) {
			states = append(states, SyncState{Project: project, System: c.System, Failed: []FailedEvent{}})
		}
	}
	sort.Slice(states, func(i, j int) bool { return states[i].System < states[j].System })
	for i := range states {
		if states[i].Failed == nil {
			states[i].Failed = []FailedEvent{}
		}
	}
	return states, nil
}

// SyncState returns the project's sync state with system (revision 0 if
// it never synchronised). Errors: Invalid, NotFound.
func (s *Service) SyncState(ctx context.Context, project, system string) (SyncState, error) {
	if err := checkSystem(system); err != nil {
		return SyncState{}, err
	}
	if err := s.guard.Read(ctx, project); err != nil {
		return SyncState{}, err
	}
	st, err := s.store.GetSyncState(ctx, project, system)
	if st.Failed == nil {
		st.Failed = []FailedEvent{}
	}
	st.Project, st.System = project, system
	return st, err
}

// Pending returns the project's sync state with system, whose Failed
// events a re-run delivers again, to a caller who may re-run them: it
// needs record.write. Errors: Unauthenticated, Invalid, NotFound,
// PermissionDenied.
func (s *Service) Pending(ctx context.Context, project, system string) (SyncState, error) {
	if err := checkSystem(system); err != nil {
		return SyncState{}, err
	}
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return SyncState{}, err
	}
	st, err := s.store.GetSyncState(ctx, project, system)
	if st.Failed == nil {
		st.Failed = []FailedEvent{}
	}
	st.Project, st.System = project, system
	return st, err
}

// SyncSucceeded records that a sync with system succeeded now: the last
// error is cleared and, when eventID is set, that event no longer awaits
// a re-run. It needs record.write (a connector's actor holds it).
// Errors: Unauthenticated, Invalid, NotFound, PermissionDenied.
func (s *Service) SyncSucceeded(ctx context.Context, project, system, eventID string) (SyncState, error) {
	return s.syncChange(ctx, project, system, func(st *SyncState) {
		now := s.clock.Now()
		st.LastSuccess = &now
		st.LastError, st.LastErrorAt, st.LastErrorRecord, st.LastErrorEvent = "", nil, "", ""
		if eventID != "" {
			st.Failed = slices.DeleteFunc(st.Failed, func(f FailedEvent) bool { return f.Event.ID == eventID })
		}
	})
}

// SyncFailed records that a sync with system failed: f.Error becomes the
// last error, naming f.Record. When requeue is set and f.Event has an ID,
// the event awaits a re-run (once: a second failure of the same event
// counts another attempt); a conflict is recorded without requeue, as a
// re-run would meet it again. Errors: as SyncSucceeded.
func (s *Service) SyncFailed(ctx context.Context, project, system string, f FailedEvent, requeue bool) (SyncState, error) {
	var errs accord.FieldErrors
	if strings.TrimSpace(f.Error) == "" {
		errs.Add("error", "required: what failed")
	}
	if strings.TrimSpace(f.Record) == "" {
		errs.Add("record", "required: the record the sync was about, by key and title")
	}
	if requeue && f.Event.ID == "" {
		errs.Add("event.id", "required to re-run the event later")
	}
	if err := errs.Err("failed sync"); err != nil {
		return SyncState{}, err
	}
	if r := []rune(f.Error); len(r) > svc.MaxText {
		f.Error = string(r[:svc.MaxText-1]) + "…"
	}
	return s.syncChange(ctx, project, system, func(st *SyncState) {
		now := s.clock.Now()
		if f.At.IsZero() {
			f.At = now
		}
		st.LastError, st.LastErrorAt, st.LastErrorRecord = f.Error, &now, f.Record
		st.LastErrorEvent = ""
		if f.Event.ID != "" {
			st.LastErrorEvent = f.Event.ID + " (" + f.Event.Kind + ")"
		}
		if !requeue {
			return
		}
		if i := slices.IndexFunc(st.Failed, func(x FailedEvent) bool { return x.Event.ID == f.Event.ID }); i >= 0 {
			f.Attempts = st.Failed[i].Attempts + max(f.Attempts, 1)
			st.Failed[i] = f
			return
		}
		f.Attempts = max(f.Attempts, 1)
		st.Failed = append(st.Failed, f)
		if over := len(st.Failed) - MaxFailed; over > 0 {
			st.Failed = slices.Delete(st.Failed, 0, over)
			st.Dropped += over
		}
	})
}

// syncChange applies edit to the stored sync state with compare-and-swap,
// again from a fresh read when another writer won the race.
func (s *Service) syncChange(ctx context.Context, project, system string, edit func(*SyncState)) (SyncState, error) {
	if err := checkSystem(system); err != nil {
		return SyncState{}, err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return SyncState{}, err
	}
	for attempt := 0; ; attempt++ {
		cur, err := s.store.GetSyncState(ctx, project, system)
		if err != nil {
			return SyncState{}, err
		}
		next := cur.Clone()
		next.Project, next.System = project, system
		if next.Failed == nil {
			next.Failed = []FailedEvent{}
		}
		edit(&next)
		if next.Stamp, err = svc.NextSettings("sync state of "+project+" with "+system, cur.Stamp, cur.Revision, actor.ID, s.clock.Now()); err != nil {
			return SyncState{}, err
		}
		out, err := s.store.PutSyncState(ctx, next)
		if err == nil || attempt >= 5 || !errors.Is(err, accord.ErrStale) {
			return out, err
		}
	}
}

func checkSystem(system string) error {
	if !systemName.MatchString(system) {
		return accord.InvalidField("tracker system", "system", "%q is not a system name: lower-case letters, digits, - or _ (%s, …)", system, svc.Join(KnownSystems()))
	}
	return nil
}
