package requirement_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

func TestCreateAssignsKeyRevisionAndActor(t *testing.T) {
	svc, rec := newService(t)
	c := goodContent()
	c.Acceptance = append(c.Acceptance, requirement.AcceptanceCriterion{Text: "the buyer gets an email that states the amount"})
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: c, Note: "first draft"})
	require.NoError(t, err)
	assert.Equal(t, "REQ-1", r.Key)
	assert.Equal(t, requirement.Draft, r.Status)
	assert.Equal(t, 1, r.Revision)
	assert.Equal(t, "pm-alice", r.CreatedBy)
	assert.Equal(t, "AC-3", r.Acceptance[2].ID, "a criterion without an id gets the next free AC-n")
	assert.Empty(t, c.Acceptance[2].ID, "the caller's content is not modified")
	assert.Equal(t, []string{"requirement.created"}, rec.Kinds())

	hist, err := svc.History(pm, "shop", r.ID)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	assert.Equal(t, "first draft", hist[0].Note)
	assert.Equal(t, "pm-alice", hist[0].Actor)
	assert.Equal(t, r.CreatedAt, hist[0].Time)
}

func TestCreateRefusesBadInputNamingFields(t *testing.T) {
	svc, _ := newService(t)
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		proj   string
		edit   func(*requirement.Content)
		code   accord.Code
		fields []string
	}{
		{"no actor", context.Background(), "shop", nil, accord.Unauthenticated, nil},
		{"bad project", pm, "no spaces", nil, accord.Invalid, []string{"project"}},
		{"missing title; the owner defaults to the author", pm, "shop", func(c *requirement.Content) { c.Title, c.Owner = " ", "" }, accord.Invalid, []string{"title"}},
		{"blank owner is not defaulted away from a too-long one", pm, "shop", func(c *requirement.Content) { c.Owner = strings.Repeat("x", 300) }, accord.Invalid, []string{"owner"}},
		{"unknown priority", pm, "shop", func(c *requirement.Content) { c.Priority = "urgent" }, accord.Invalid, []string{"priority"}},
		{"criterion without text", pm, "shop", func(c *requirement.Content) { c.Acceptance[1].Text = "" }, accord.Invalid, []string{"acceptance_criteria[1].text"}},
		{"bad comparator", pm, "shop", func(c *requirement.Content) { c.Performance[0].Comparator = "~" }, accord.Invalid, []string{"performance[0].comparator"}},
		{"flow step without action", pm, "shop", func(c *requirement.Content) { c.Flow[1].Action = "" }, accord.Invalid, []string{"flow[1].action"}},
		{"exception without handling", pm, "shop", func(c *requirement.Content) { c.Exceptions[0].Handling = "" }, accord.Invalid, []string{"exceptions[0].handling"}},
		{"link without id", pm, "shop", func(c *requirement.Content) { c.Links = []accord.Ref{{Kind: "contract"}} }, accord.Invalid, []string{"links[0].id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := goodContent()
			if tc.edit != nil {
				tc.edit(&c)
			}
			_, err := svc.Create(tc.ctx, tc.proj, requirement.ContentInput{Content: c})
			require.Equal(t, tc.code, accord.ErrorCode(err), "error: %v", err)
			if tc.fields != nil {
				var e *accord.Error
				require.True(t, errors.As(err, &e))
				var got []string
				for _, f := range e.Fields {
					got = append(got, f.Field)
				}
				assert.Equal(t, tc.fields, got)
			}
		})
	}
	page, err := svc.List(pm, "shop", requirement.Filter{}, accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Items, "refused creates store nothing")
}

func TestLifecycleTable(t *testing.T) {
	all := requirement.Statuses()
	allowed := map[requirement.Status][]requirement.Status{
		requirement.Draft:         {requirement.InReview, requirement.Deferred, requirement.Rejected},
		requirement.InReview:      {requirement.Approved, requirement.Draft, requirement.Rejected, requirement.Deferred},
		requirement.Approved:      {requirement.InDevelopment, requirement.Deferred},
		requirement.InDevelopment: {requirement.InTesting, requirement.Deferred},
		requirement.InTesting:     {requirement.Accepted, requirement.InDevelopment},
		requirement.Accepted:      nil,
		requirement.Rejected:      {requirement.Draft},
		requirement.Deferred:      {requirement.Draft},
	}
	// Paths from draft reach every status, so each (from, to) pair is tried
	// on a real requirement.
	pathTo := map[requirement.Status][]requirement.Status{
		requirement.Draft:         nil,
		requirement.InReview:      {requirement.InReview},
		requirement.Approved:      {requirement.InReview, requirement.Approved},
		requirement.InDevelopment: {requirement.InReview, requirement.Approved, requirement.InDevelopment},
		requirement.InTesting:     {requirement.InReview, requirement.Approved, requirement.InDevelopment, requirement.InTesting},
		requirement.Accepted:      {requirement.InReview, requirement.Approved, requirement.InDevelopment, requirement.InTesting, requirement.Accepted},
		requirement.Rejected:      {requirement.Rejected},
		requirement.Deferred:      {requirement.Deferred},
	}
	svc, _ := newService(t)
	for _, from := range all {
		assert.ElementsMatch(t, allowed[from], from.Next(), "Next(%s)", from)
		for _, to := range all {
			r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
			require.NoError(t, err)
			for _, s := range pathTo[from] {
				r, err = svc.Transition(pm, "shop", r.ID, r.Revision, requirement.TransitionInput{To: s, Reason: "because"})
				require.NoError(t, err)
			}
			require.Equal(t, from, r.Status)
			got, err := svc.Transition(dev, "shop", r.ID, r.Revision, requirement.TransitionInput{To: to, Reason: "reason"})
			if contains(allowed[from], to) {
				require.NoError(t, err, "%s -> %s", from, to)
				assert.Equal(t, to, got.Status)
				assert.Equal(t, r.Revision+1, got.Revision)
				assert.Equal(t, "dev-bob", got.UpdatedBy)
				continue
			}
			require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err), "%s -> %s: %v", from, to, err)
			assert.Contains(t, err.Error(), string(from), "the error names the current state")
			for _, next := range allowed[from] {
				assert.Contains(t, err.Error(), string(next), "the error names the allowed states")
			}
			after, err := svc.Get(pm, "shop", r.ID)
			require.NoError(t, err)
			assert.Equal(t, r.Revision, after.Revision, "a refused transition changes nothing")
		}
	}
}

func contains(ss []requirement.Status, s requirement.Status) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestTransitionRecordsActorTimeReasonAndNeedsReasons(t *testing.T) {
	svc, rec := newService(t)
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	r, err = svc.Transition(pm, "shop", r.ID, 1, requirement.TransitionInput{To: requirement.InReview, Reason: "ready for review"})
	require.NoError(t, err)

	_, err = svc.Transition(dev, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Draft, Reason: "  "})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "reason")
	_, err = svc.Transition(dev, "shop", r.ID, r.Revision, requirement.TransitionInput{To: "shipped", Reason: "x"})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), `unknown status "shipped"`)
	_, err = svc.Transition(dev, "shop", r.ID, 1, requirement.TransitionInput{To: requirement.Approved})
	require.Equal(t, accord.Conflict, accord.ErrorCode(err), "stale base")
	_, err = svc.Transition(context.Background(), "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.Equal(t, accord.Unauthenticated, accord.ErrorCode(err))

	back, err := svc.Transition(dev, "shop", r.ID, r.Revision, requirement.TransitionInput{To: requirement.Draft, Reason: "flow misses the refund to gift cards"})
	require.NoError(t, err)
	hist, err := svc.History(pm, "shop", r.ID)
	require.NoError(t, err)
	require.Len(t, hist, 3)
	last := hist[2]
	assert.Equal(t, accord.RevisionTransitioned, last.Kind)
	assert.Equal(t, "dev-bob", last.Actor)
	assert.Equal(t, "flow misses the refund to gift cards", last.Note)
	assert.Equal(t, back.UpdatedAt, last.Time)
	assert.True(t, last.Time.After(hist[1].Time))
	assert.Equal(t, []string{"requirement.created", "requirement.transitioned", "requirement.transitioned"}, rec.Kinds())
	assert.Contains(t, rec.All()[2].Summary, "from in_review to draft")
}

func TestUpdateMakesRevisionsAndRefusesStaleOrLocked(t *testing.T) {
	svc, rec := newService(t)
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	c := goodContent()
	c.Title = "Refund a paid order"
	c.Owner = "someone-else"
	r2, err := svc.Update(pm, "shop", r.ID, 1, requirement.ContentInput{Content: c, Note: "clearer title"})
	require.NoError(t, err)
	assert.Equal(t, 2, r2.Revision)
	// The event names the record and says what content changed, so a
	// subscriber need not read it again; the owner is filing, not content.
	e := rec.All()[len(rec.All())-1]
	assert.Equal(t, requirement.EventUpdated, e.Kind)
	assert.Equal(t, r.Key, e.Key)
	assert.Equal(t, "Refund a paid order", e.Title)
	assert.Equal(t, 2, e.Revision)
	assert.Equal(t, []string{"title"}, e.Changed)
	hist, err := svc.History(pm, "shop", r.Key)
	require.NoError(t, err)
	assert.Equal(t, "clearer title", hist[1].Note, "the note lands in the revision")

	c.Title = "lost update"
	_, err = svc.Update(dev, "shop", r.ID, 1, requirement.ContentInput{Content: c})
	require.Equal(t, accord.Conflict, accord.ErrorCode(err))
	assert.True(t, errors.Is(err, accord.ErrStale))
	bad := goodContent()
	bad.Title = ""
	_, err = svc.Update(dev, "shop", r.ID, 2, requirement.ContentInput{Content: bad})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	_, err = svc.Update(dev, "shop", "nope", 2, requirement.ContentInput{Content: goodContent()})
	require.Equal(t, accord.NotFound, accord.ErrorCode(err))
	cur, err := svc.Get(pm, "shop", r.ID)
	require.NoError(t, err)
	assert.Equal(t, "Refund a paid order", cur.Title, "refused updates leave the data as it was")

	r3, err := svc.Transition(pm, "shop", r.ID, 2, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	r4, err := svc.Transition(pm, "shop", r.ID, r3.Revision, requirement.TransitionInput{To: requirement.Approved})
	require.NoError(t, err)
	_, err = svc.Update(pm, "shop", r.ID, r4.Revision, requirement.ContentInput{Content: goodContent()})
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "change request")
}

func TestDiffBetweenRevisions(t *testing.T) {
	svc, _ := newService(t)
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	c := goodContent()
	c.Acceptance[1].Text = "A refund after 14 days fails with REFUND_EXPIRED"
	c.Acceptance = append(c.Acceptance, requirement.AcceptanceCriterion{ID: "AC-3", Text: "the refund shows on the statement within 3 days"})
	c.Performance[0].Target = ptr(250)
	c.Labels = nil
	c.Flow = c.Flow[:1]
	_, err = svc.Update(pm, "shop", r.ID, 1, requirement.ContentInput{Content: c})
	require.NoError(t, err)
	_, err = svc.Transition(pm, "shop", r.ID, 2, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)

	changes, err := svc.Diff(pm, "shop", r.ID, 1, 3)
	require.NoError(t, err)
	want := []accord.FieldChange{
		{Path: "status", Before: requirement.Draft, After: requirement.InReview},
		{Path: "flow[1]", Before: goodContent().Flow[1], After: nil},
		{Path: "performance[0].target", Before: 300.0, After: 250.0},
		{Path: "acceptance_criteria[1].text", Before: "A refund after 14 days fails with REFUND_WINDOW_CLOSED", After: "A refund after 14 days fails with REFUND_EXPIRED"},
		{Path: "acceptance_criteria[2]", Before: nil, After: c.Acceptance[2]},
		{Path: "labels", Before: []string{"payments"}, After: []string(nil)},
	}
	if d := cmp.Diff(want, changes); d != "" {
		t.Errorf("diff 1..3 (-want +got):\n%s", d)
	}

	none, err := svc.Diff(pm, "shop", r.ID, 2, 2)
	require.NoError(t, err)
	assert.Empty(t, none)
	reverse, err := svc.Diff(pm, "shop", r.ID, 3, 2)
	require.NoError(t, err)
	assert.Equal(t, []accord.FieldChange{{Path: "status", Before: requirement.InReview, After: requirement.Draft}}, reverse)
	_, err = svc.Diff(pm, "shop", r.ID, 1, 9)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
}

func TestDiffTreatsNilAndEmptyListsAlike(t *testing.T) {
	a := requirement.Requirement{Content: requirement.Content{Title: "x"}}
	b := a
	b.Labels = []string{}
	assert.Empty(t, requirement.Diff(a, b))
}

func TestDeleteAndIsolation(t *testing.T) {
	svc, rec := newService(t)
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	_, err = svc.Get(pm, "other", r.ID)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	assert.Equal(t, accord.NotFound, accord.ErrorCode(svc.Delete(pm, "other", r.ID, "")))
	assert.Equal(t, accord.Unauthenticated, accord.ErrorCode(svc.Delete(context.Background(), "shop", r.ID, "")))
	err = svc.Delete(dev, "shop", r.ID, "")
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "another member's draft needs record.delete")
	assert.Contains(t, err.Error(), "record.delete")
	require.NoError(t, svc.Delete(pm, "shop", r.ID, ""), "the author deletes their own draft")
	_, err = svc.Get(pm, "shop", r.ID)
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	assert.Equal(t, "requirement.deleted", rec.Kinds()[len(rec.Kinds())-1])
}

func TestListValidatesPageSize(t *testing.T) {
	svc, _ := newService(t)
	for i := 0; i < 3; i++ {
		_, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
		require.NoError(t, err)
	}
	page, err := svc.List(pm, "shop", requirement.Filter{}, accord.PageQuery{Size: 2})
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.NotEmpty(t, page.NextPageToken)
	_, err = svc.List(pm, "shop", requirement.Filter{}, accord.PageQuery{Size: 501})
	var e *accord.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "page_size", e.Fields[0].Field)
}

func TestMethodsAcceptKeys(t *testing.T) {
	svc, _ := newService(t)
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	byKey, err := svc.Get(pm, "shop", "REQ-1")
	require.NoError(t, err)
	assert.Equal(t, r.ID, byKey.ID)
	moved, err := svc.Transition(pm, "shop", "REQ-1", 1, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	assert.Equal(t, r.ID, moved.ID)
	hist, err := svc.History(pm, "shop", "REQ-1")
	require.NoError(t, err)
	assert.Len(t, hist, 2)
	changes, err := svc.Diff(pm, "shop", "REQ-1", 1, 2)
	require.NoError(t, err)
	assert.Len(t, changes, 1)
	_, err = svc.Get(pm, "shop", "REQ-2")
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
	for _, notKey := range []string{"REQ-", "REQ-1a", "REQ-01", "REQ-1234567890", "req-1", "01J0000000000000000000000"} {
		_, ok := requirement.ParseKey(notKey)
		assert.False(t, ok, notKey)
	}
	n, ok := requirement.ParseKey("REQ-42")
	assert.True(t, ok)
	assert.Equal(t, 42, n)
	assert.Equal(t, "REQ-42", requirement.KeyOf(42))
	require.Equal(t, accord.PermissionDenied, accord.ErrorCode(svc.Delete(pm, "shop", "REQ-1", "")), "no longer a draft: the author needs record.delete too")
	require.NoError(t, svc.Delete(admin, "shop", "REQ-1", ""))
}

func TestNewServiceNeedsStore(t *testing.T) {
	_, err := requirement.NewService(requirement.Options{})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
}

// An event reads well in a chat: the key, the title, what changed and who
// did it.
func TestEventsSayWhatChanged(t *testing.T) {
	svc, rec := newService(t)
	r, err := svc.Create(pm, "p", requirement.ContentInput{Content: goodContent()})
	require.NoError(t, err)
	c := goodContent()
	c.Description = "A buyer can refund a paid order within 30 days of delivery."
	c.Acceptance[1].Text = "A refund after 30 days fails with REFUND_WINDOW_CLOSED"
	_, err = svc.Update(dev, "p", r.ID, r.Revision, requirement.ContentInput{Content: c})
	require.NoError(t, err)
	all := rec.All()
	last := all[len(all)-1]
	assert.Equal(t, requirement.EventUpdated, last.Kind)
	assert.Equal(t, `REQ-1 "Refund an order" edited by dev-bob: description, acceptance_criteria[1].text changed (revision 2)`, last.Summary)
	assert.NotEmpty(t, last.ID)
}
