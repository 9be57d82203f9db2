package link_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/testkit"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

func names(subs []link.Subscriber) []string {
	out := make([]string, len(subs))
	for i, s := range subs {
		out[i] = s.Name
	}
	return out
}

// The pipeline is a fixed list: what is wired decides which subscribers
// are in it, never their order, and each says what it does.
func TestSubscribersAreNamedInOrder(t *testing.T) {
	all, err := link.New(link.Options{Stores: memory.New(), Events: accord.EventSinkFunc(func(context.Context, accord.Event) {})})
	require.NoError(t, err)
	assert.Equal(t, []string{"outbox", "traceability", "review rounds", "risk filing"}, names(all.Subscribers()))
	for _, s := range all.Subscribers() {
		assert.NotEmpty(t, s.Doc, s.Name)
		assert.Contains(t, s.Doc, "unit of work", "%s says whether it runs inside the writer's unit of work", s.Name)
	}
	least, err := link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore(), Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore()}})
	require.NoError(t, err)
	assert.Equal(t, []string{"review rounds"}, names(least.Subscribers()))

	_, err = link.New(link.Options{Stores: adapters.Stores{Requirements: memory.NewRequirementStore()}})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "Stores.Contracts, Stores.Reviews")
}

// The subscribers run in their order: the outbox hears of a requirement's
// edit before traceability turns the links to it suspect, and both before
// review rounds open the next round; a review is assessed before the risk
// it raised is filed.
func TestSubscribersRunInOrder(t *testing.T) {
	var mu sync.Mutex
	var kinds []string
	sink := accord.EventSinkFunc(func(_ context.Context, e accord.Event) {
		mu.Lock()
		defer mu.Unlock()
		kinds = append(kinds, e.Kind)
	})
	s, err := link.New(link.Options{Stores: memory.New(), Events: sink, Clock: testkit.NewStepClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	r, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	_, err = s.Risks.Create(bob, "p", risk.NewRisk{Title: "Refunds queue up", Cause: "a rate limit", Event: "refunds queue", Effect: "miss the window",
		Category: risk.Dependency, Links: []accord.Ref{r.Ref()}})
	require.NoError(t, err)
	rv, err := s.Reviews.Create(alice, "p", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(),
		Participants: []review.NewParticipant{{Actor: "alice", Role: review.RoleProduct}, {Actor: "bob", Role: review.RoleBackend}}})
	require.NoError(t, err)

	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := kinds
		kinds = nil
		return out
	}
	take()
	changed := r.Content
	changed.Description += " Partial refunds too."
	_, err = s.Requirements.Update(alice, "p", r.ID, r.Revision, requirement.ContentInput{Content: changed})
	require.NoError(t, err)
	assert.Equal(t, []string{"requirement.updated", trace.EventSuspect, review.EventRoundOpened}, take())

	_, err = s.Reviews.Assess(bob, "p", rv.ID, review.AssessmentInput{Round: 2, Feasibility: review.FeasibleWithRisks, Difficulty: 3, EffortDays: 5,
		Risks: []review.RiskInput{{Title: "Ledger migration", Category: accord.RiskTechnical}}})
	require.NoError(t, err)
	got := take()
	require.NotEmpty(t, got)
	assert.Equal(t, review.EventAssessed, got[0])
	assert.Contains(t, got, risk.EventCreated, "risk filing ran")
}

// Events of a record that stands for items in other systems carry them
// (Event.External), so a webhook receiver can act on the Jira issue
// without asking; events of a record without any carry none.
func TestOutboxEventsCarryTheRecordsExternalItems(t *testing.T) {
	var got []accord.Event
	sink := accord.EventSinkFunc(func(_ context.Context, e accord.Event) { got = append(got, e) })
	stores := memory.New()
	s, err := link.New(link.Options{Stores: stores, Events: sink})
	require.NoError(t, err)
	refs, err := external.NewService(external.Options{Store: stores.External, Records: s.Records, Events: sink})
	require.NoError(t, err)
	tracked, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	plain, err := s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()})
	require.NoError(t, err)
	_, err = refs.Add(alice, "p", external.NewReference{Record: accord.Ref{Kind: "requirement", ID: tracked.Key}, System: external.Jira, Key: "SHOP-123",
		Content: external.Content{URL: "https://shop.atlassian.net/browse/SHOP-123", Status: "To Do"}})
	require.NoError(t, err)
	added := got[len(got)-1]
	assert.Equal(t, external.EventAdded, added.Kind)
	assert.Equal(t, []accord.ExternalItem{{System: "jira", Key: "SHOP-123", URL: "https://shop.atlassian.net/browse/SHOP-123", Status: "To Do"}}, added.External,
		"the reference's own event names its item")

	got = nil
	_, err = s.Requirements.Transition(alice, "p", tracked.Key, tracked.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	_, err = s.Requirements.Transition(alice, "p", plain.Key, plain.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	var trackedEvent, plainEvent *accord.Event
	for i, e := range got {
		if e.Kind == requirement.EventTransitioned && e.Key == tracked.Key {
			trackedEvent = &got[i]
		}
		if e.Kind == requirement.EventTransitioned && e.Key == plain.Key {
			plainEvent = &got[i]
		}
	}
	require.NotNil(t, trackedEvent, "events: %+v", got)
	require.NotNil(t, plainEvent)
	assert.Equal(t, []accord.ExternalItem{{System: "jira", Key: "SHOP-123", URL: "https://shop.atlassian.net/browse/SHOP-123", Status: "To Do"}}, trackedEvent.External)
	assert.Empty(t, plainEvent.External)
	data, err := json.Marshal(*trackedEvent)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"external":[{"system":"jira","key":"SHOP-123","url":"https://shop.atlassian.net/browse/SHOP-123","status":"To Do"}]`)
}
