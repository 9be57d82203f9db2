package plan_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/plan"
)

// Monday 23 November 2026; working hours are 9:00 to 18:00 UTC.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC)
}

func TestQuestionsAreAnsweredAndTimed(t *testing.T) {
	e := newEnv(t)
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})
	e.clock.Set(at(23, 16, 0))
	q, err := e.svc.Ask(bob, "shop", plan.Ask{About: req("1"), Text: "Does a partial refund keep the coupon?", To: plan.Addressee{Role: "product"}, Blocking: true})
	require.NoError(t, err)
	assert.Equal(t, "Q-1", q.Key)
	assert.Equal(t, plan.Open, q.Status)

	// Asked at 16:00 Monday, answered at 10:00 Tuesday: 2 h on Monday and 1 h
	// on Tuesday, not 18 h of wall time.
	e.clock.Set(at(24, 10, 0))
	q, err = e.svc.Reply(e.pm, "shop", q.Key, plan.ReplyInput{Text: "No: the coupon is spent.", Answer: true})
	require.NoError(t, err)
	assert.Equal(t, plan.Answered, q.Status)
	st, err := e.svc.Settings(e.pm, "shop")
	require.NoError(t, err)
	assert.Equal(t, 3*time.Hour, q.WaitedFor(st.WorkingHours, at(30, 0, 0)).Round(time.Minute))

	// A follow-up opens it again; the first answer keeps its time.
	q, err = e.svc.Reply(bob, "shop", q.Key, plan.ReplyInput{Text: "And for a voucher?", Answer: false})
	require.NoError(t, err)
	assert.Equal(t, plan.Open, q.Status)
	assert.Equal(t, at(24, 10, 0).Add(time.Second), q.FirstAnswerAt)

	// Blocking, and open again after the follow-up: its item cannot be
	// committed.
	it, err := e.svc.CreateIteration(e.pm, "shop", sprint())
	require.NoError(t, err)
	it, err = e.svc.Schedule(e.pm, "shop", it.Key, it.Revision, plan.ScheduleInput{Ref: req("1")})
	require.NoError(t, err)
	_, err = e.svc.Commit(e.pm, "shop", it.Key, it.Revision)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "blocked: 1 item(s) blocked by a question nobody has answered (requirement/1)")

	q, err = e.svc.Resolve(bob, "shop", q.Key, "settled with Alice")
	require.NoError(t, err)
	assert.Equal(t, plan.Resolved, q.Status)
	_, err = e.svc.Reply(e.pm, "shop", q.Key, plan.ReplyInput{Text: "late", Answer: true})
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	_, err = e.svc.Commit(e.pm, "shop", it.Key, 0)
	require.NoError(t, err, "resolved: the item is no longer blocked")

	// Answered is enough to unblock.
	q2, err := e.svc.Ask(bob, "shop", plan.Ask{About: req("2"), Text: "Rounding?", To: plan.Addressee{Actor: "alice"}, Blocking: true})
	require.NoError(t, err)
	findings, err := e.svc.Check(e.pm, "shop", it.Key)
	require.NoError(t, err)
	assert.Empty(t, findings, "REQ-2 is not in this iteration")
	it2, err := e.svc.CreateIteration(e.pm, "shop", plan.IterationContent{Name: "Next", Start: "2026-12-07", End: "2026-12-18"})
	require.NoError(t, err)
	it2, err = e.svc.Schedule(e.pm, "shop", it2.Key, it2.Revision, plan.ScheduleInput{Ref: req("2")})
	require.NoError(t, err)
	p, err := e.svc.IterationProgress(e.pm, "shop", it2.Key)
	require.NoError(t, err)
	assert.Equal(t, 1, p.Blocked.Items)
	_, err = e.svc.Reply(e.pm, "shop", q2.Key, plan.ReplyInput{Text: "half up", Answer: true})
	require.NoError(t, err)
	p, err = e.svc.IterationProgress(e.pm, "shop", it2.Key)
	require.NoError(t, err)
	assert.Equal(t, 0, p.Blocked.Items, "answered: no longer blocked")

	_, err = e.svc.Ask(bob, "shop", plan.Ask{About: req("1"), Text: "", To: plan.Addressee{Role: "product", Actor: "alice"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "text: required")
	assert.Contains(t, err.Error(), "to: name a person or a role, not both")
}

func TestOverdueQuestionsAndTimeToAnswer(t *testing.T) {
	e := newEnv(t)
	bob := accord.WithActor(context.Background(), accord.Actor{ID: "bob", Roles: []string{"backend"}})
	ask := func(when time.Time, to plan.Addressee) plan.Question {
		t.Helper()
		e.clock.Set(when)
		q, err := e.svc.Ask(bob, "shop", plan.Ask{About: req("1"), Text: "?", To: to})
		require.NoError(t, err)
		return q
	}
	product, alice := plan.Addressee{Role: "product"}, plan.Addressee{Actor: "alice"}
	late := ask(at(23, 9, 0), product)    // waits all Monday
	ask(at(23, 17, 0), product)           // one hour on Monday so far
	answered := ask(at(23, 10, 0), alice) // answered after 2 working hours
	e.clock.Set(at(23, 12, 0))
	_, err := e.svc.Reply(e.pm, "shop", answered.Key, plan.ReplyInput{Text: "yes", Answer: true})
	require.NoError(t, err)

	// Monday evening, 18:30: Q-1 has waited 9 working hours, Q-2 one; only
	// Q-1 is past the 4-hour target.
	e.clock.Set(at(23, 18, 30))
	overdue, err := e.svc.Overdue(e.pm, "shop")
	require.NoError(t, err)
	require.Len(t, overdue, 1)
	assert.Equal(t, late.Key, overdue[0].Key)
	assert.Equal(t, plan.EventQuestionOverdue, e.events.Kinds()[len(e.events.Kinds())-1])

	times, err := e.svc.TimeToAnswer(e.pm, "shop", at(1, 0, 0))
	require.NoError(t, err)
	require.Len(t, times, 2)
	assert.Equal(t, plan.ResponseTimes{To: product, Answered: 0, Waiting: 2, Longest: 9 * time.Hour}, round(times[0]))
	assert.Equal(t, plan.ResponseTimes{To: alice, Answered: 1, Waiting: 0, Median: 2 * time.Hour, Longest: 2 * time.Hour}, round(times[1]))

	_, err = e.svc.UpdateSettings(admin, "shop", 0, plan.Settings{ResponseTargetHours: 10, WorkingHours: plan.WorkingHours{Start: 9, End: 18, Location: "Asia/Shanghai"}})
	require.NoError(t, err)
	_, err = e.svc.UpdateSettings(admin, "shop", 1, plan.Settings{WorkingHours: plan.WorkingHours{Start: 18, End: 9, Location: "Mars/Olympus"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "working_hours:")
	assert.Contains(t, err.Error(), "working_hours.location:")
}

func round(rt plan.ResponseTimes) plan.ResponseTimes {
	rt.Median, rt.Longest = rt.Median.Round(time.Minute), rt.Longest.Round(time.Minute)
	return rt
}
