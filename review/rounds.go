package review

import (
	"context"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Sync brings a review up to its subject's current revision. When the
// content changed, the open round is superseded and a new round opens on
// the new revision; its verdicts, assessments and checks start empty
// unless every change is editorial under the policy, in which case they
// carry over. When only the status or bookkeeping changed, the open round
// simply covers the new revision. Vetoes and threads are not per round and
// stay as they are.
// Errors: Unauthenticated, NotFound (review or subject).
func (s *Service) Sync(ctx context.Context, project, id string) (Review, error) {
	return s.change(ctx, project, id, func(t *txn) error { return s.follow(ctx, t) })
}

// SubjectRevised syncs every review of subject (see Sync). Wire it to the
// subject's change events; the gates also sync before they decide, so a
// missed event delays a new round but never lets a stale approval count.
// A subject without reviews, or one that no longer exists, is no error.
// Errors: Unauthenticated, Invalid (bad project), and those of Sync.
func (s *Service) SubjectRevised(ctx context.Context, project string, subject accord.Ref) error {
	if _, err := s.guard.Begin(ctx, project, accord.PermRecordWrite); err != nil {
		return err
	}
	q := accord.PageQuery{Size: accord.MaxPageSize}
	for {
		page, err := s.store.ListReviews(ctx, project, Filter{Subject: subject}, q)
		if err != nil {
			return err
		}
		for _, rv := range page.Items {
			if _, err := s.Sync(ctx, project, rv.ID); err != nil && accord.ErrorCode(err) != accord.NotFound {
				return err
			}
		}
		if page.NextPageToken == "" {
			return nil
		}
		q.Token = page.NextPageToken
	}
}

// follow opens a new round when the subject has a newer revision.
func (s *Service) follow(ctx context.Context, t *txn) error {
	rv := t.rv
	info, err := s.subjects.Subject(ctx, rv.Project, rv.Subject)
	if err != nil {
		return err
	}
	cur := rv.Current()
	if info.Revision <= cur.SubjectRevision {
		return nil
	}
	if info.Title != "" {
		rv.SubjectName = info.Title // a renamed subject is named anew
	}
	var changes []string
	known := info.Fingerprint != "" && info.Fingerprint == cur.Fingerprint // same content
	if !known {
		if changes, known, err = s.subjects.Changes(ctx, rv.Project, rv.Subject, cur.SubjectRevision, info.Revision); err != nil {
			return err
		}
	}
	if known && len(changes) == 0 {
		from := cur.SubjectRevision
		cur.SubjectRevision = info.Revision
		t.record("round_followed", "", "round %d now covers revision %d: no content change since revision %d", cur.Number, info.Revision, from)
		return nil
	}
	var notEditorial []string
	for _, c := range changes {
		if !isEditorial(c, rv.Policy.Editorial) {
			notEditorial = append(notEditorial, c)
		}
	}
	carry := known && len(notEditorial) == 0
	cur.State, cur.ClosedAt = RoundSuperseded, t.now
	next := newRound(cur.Number+1, rv.Kind, info, t)
	next.Changes, next.ChangesKnown, next.CarriedOver = changes, known, carry
	if carry {
		next.carryFrom(cur)
	}
	old := *cur
	rv.Rounds = append(rv.Rounds, next)
	var why string
	switch {
	case !known:
		why = "the changes cannot be listed, so verdicts start afresh"
	case carry:
		why = "changed " + strings.Join(changes, ", ") + "; all editorial, so verdicts, assessments and checks carry over"
	default:
		why = "changed " + strings.Join(changes, ", ") + "; verdicts start afresh (not editorial: " + strings.Join(notEditorial, ", ") + ")"
	}
	t.record("round_opened", EventRoundOpened, "round %d opened on revision %d, superseding round %d on revision %d: %s",
		next.Number, info.Revision, old.Number, old.SubjectRevision, why)
	return nil
}

// carryFrom copies the latest verdict of each participant (vetoes carry on
// their own), assessment and check of old into r, marked with the round
// they were given in. Checks carry only for criteria whose text is
// unchanged.
func (r *Round) carryFrom(old *Round) {
	from := func(n int) int {
		if n != 0 {
			return n
		}
		return old.Number
	}
	verdicts := latestBy(old.Verdicts, func(v *Verdict) string { return v.Actor })
	for i := range old.Verdicts {
		v := old.Verdicts[i]
		if verdicts[v.Actor] == &old.Verdicts[i] && v.Decision != Reject {
			v.CarriedFrom = from(v.CarriedFrom)
			r.Verdicts = append(r.Verdicts, v)
		}
	}
	assessments := latestBy(old.Assessments, func(a *Assessment) string { return a.Actor })
	for i := range old.Assessments {
		if a := old.Assessments[i]; assessments[a.Actor] == &old.Assessments[i] {
			a.Risks = append([]Risk(nil), a.Risks...)
			a.CarriedFrom = from(a.CarriedFrom)
			r.Assessments = append(r.Assessments, a)
		}
	}
	checks := latestBy(old.Checks, func(c *Check) string { return c.CriterionID })
	for i := range old.Checks {
		c := old.Checks[i]
		if checks[c.CriterionID] != &old.Checks[i] || !sameCriterion(old.Criteria, r.Criteria, c.CriterionID) {
			continue
		}
		c.CarriedFrom = from(c.CarriedFrom)
		r.Checks = append(r.Checks, c)
	}
}

func sameCriterion(a, b []Criterion, id string) bool {
	var ta, tb *Criterion
	for i := range a {
		if a[i].ID == id {
			ta = &a[i]
		}
	}
	for i := range b {
		if b[i].ID == id {
			tb = &b[i]
		}
	}
	return ta != nil && tb != nil && ta.Text == tb.Text
}

// Require is what a gate asks before the subject moves on: it returns nil
// when the review of kind about subject is approved on exactly revision
// revision, and otherwise a FailedPrecondition error naming the review and
// every unmet rule. The review is synced first, so a revision the review
// has not seen yet opens its new round here.
// Errors: Unauthenticated, FailedPrecondition, and the errors of Sync.
func (s *Service) Require(ctx context.Context, project string, kind Kind, subject accord.Ref, revision int) error {
	rv, err := s.store.FindReview(ctx, project, kind, subject)
	if accord.ErrorCode(err) == accord.NotFound {
		return accord.Errorf(accord.FailedPrecondition, "%s needs an approved %s review and has none: create one and have it approved", subject, kind)
	}
	if err != nil {
		return err
	}
	if rv.Current().SubjectRevision < revision {
		if rv, err = s.Sync(ctx, project, rv.ID); err != nil {
			return err
		}
	}
	e := Evaluate(rv, s.clock.Now())
	if e.SubjectRevision != revision {
		return accord.Errorf(accord.FailedPrecondition, "%s review %s covers revision %d of %s, not revision %d",
			kind, rv.Key, e.SubjectRevision, subject, revision)
	}
	if e.Outcome != Approved {
		return accord.Errorf(accord.FailedPrecondition, "%s review %s (round %d, revision %d) is %s",
			kind, rv.Key, e.Round, e.SubjectRevision, e.Explain())
	}
	return nil
}

// Settings returns the project's review settings with the policy that
// applies to every kind filled in.
// Errors: Invalid (bad project).
func (s *Service) Settings(ctx context.Context, project string) (Settings, error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, project)
	if err != nil {
		return Settings{}, err
	}
	st.Project = project
	full := make(map[Kind]Policy, len(Kinds()))
	for _, k := range Kinds() {
		full[k] = st.Policy(k)
	}
	st.Policies = full
	return st, nil
}

// UpdateSettings replaces the project's review settings, making revision
// base+1 (base 0 when they were never set). Kinds without a policy go back
// to DefaultPolicy. Existing reviews keep the policy they were created
// with.
// Errors: Unauthenticated, Invalid, Conflict wrapping ErrStale (stale base).
func (s *Service) UpdateSettings(ctx context.Context, project string, base int, in Settings) (Settings, error) {
	if err := in.Validate(); err != nil {
		return Settings{}, err
	}
	in.Project = project // in is the caller's copy; the store copies it in
	st := svc.Settings[Settings]{Guard: s.guard, What: "review settings", Event: EventSettingsChanged, Get: s.store.GetSettings, Put: s.store.PutSettings}
	return st.Update(ctx, s.pub, project, base, in, func(x *Settings) *accord.Stamp { return &x.Stamp })
}
