package plan

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// QuestionStatus is where a question stands.
type QuestionStatus string

// The question statuses.
const (
	Open     QuestionStatus = "open"     // asked, no answer yet
	Answered QuestionStatus = "answered" // answered at least once; follow-ups may come
	Resolved QuestionStatus = "resolved" // the asker (or anyone) closed it
)

// Question is something an engineer (or anyone) needs answered to go on
// with a scheduled item or a record it refers to, addressed to a person or
// a role. A blocking question blocks its item until it is answered (a
// follow-up blocks it again).
type Question struct {
	ID       string         `json:"id"`
	Project  string         `json:"project"`
	Key      string         `json:"key"`
	About    accord.Ref     `json:"about"`
	Text     string         `json:"text"`
	To       Addressee      `json:"to"`
	Blocking bool           `json:"blocking,omitempty"`
	Status   QuestionStatus `json:"status"`
	Messages []Message      `json:"messages"` // answers and follow-ups, oldest first
	AskedBy  string         `json:"asked_by"`
	AskedAt  time.Time      `json:"asked_at"`
	// FirstAnswerAt is when the first answer came; zero until then.
	FirstAnswerAt time.Time `json:"first_answer_at,omitzero"`
	ResolvedAt    time.Time `json:"resolved_at,omitzero"`
	accord.Stamp
}

// Addressee is whom a question is for: one person, or anyone with a role.
type Addressee struct {
	Actor string `json:"actor,omitempty"`
	Role  string `json:"role,omitempty"`
}

// Message is an answer or a follow-up.
type Message struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
	Answer bool      `json:"answer"` // false for a follow-up question
}

// Ask is the input of Ask.
type Ask struct {
	About    accord.Ref `json:"about"`
	Text     string     `json:"text"`
	To       Addressee  `json:"to"`
	Blocking bool       `json:"blocking,omitempty"`
}

// Validate reports every problem of the input, naming its field.
func (in Ask) Validate() error {
	var errs accord.FieldErrors
	in.About.Validate("about", &errs)
	svc.CheckText(&errs, "text", in.Text, svc.MaxText, true)
	switch {
	case in.To.Actor == "" && in.To.Role == "":
		errs.Add("to", "name a person (actor) or a role")
	case in.To.Actor != "" && in.To.Role != "":
		errs.Add("to", "name a person or a role, not both")
	}
	svc.CheckText(&errs, "to.actor", in.To.Actor, svc.MaxName, false)
	svc.CheckText(&errs, "to.role", in.To.Role, svc.MaxName, false)
	svc.CheckBounds(&errs, "", in)
	return errs.Err("question")
}

// Ref points at the question.
func (q Question) Ref() accord.Ref { return accord.Ref{Kind: QuestionRefKind, ID: q.ID} }

// Clone returns a deep copy.
func (q Question) Clone() Question {
	q.Messages = slices.Clone(q.Messages)
	return q
}

// WaitedFor is how long the question waited for its first answer, in
// working hours (see WorkingHours), up to now when it has none yet.
func (q Question) WaitedFor(w WorkingHours, now time.Time) time.Duration {
	end := q.FirstAnswerAt
	if end.IsZero() {
		end = now
	}
	return w.Between(q.AskedAt, end)
}

// WorkingHours are the hours of a working day, Monday to Friday, in a
// time zone: response targets count only them.
type WorkingHours struct {
	Start    int    `json:"start"`    // hour of the day, 0–23
	End      int    `json:"end"`      // hour of the day, 1–24, after Start
	Location string `json:"location"` // IANA time zone, such as Asia/Shanghai; empty for UTC
}

// Between counts the working time from a to b.
func (w WorkingHours) Between(a, b time.Time) time.Duration {
	loc, err := time.LoadLocation(w.Location)
	if err != nil || w.End <= w.Start {
		return b.Sub(a)
	}
	a, b = a.In(loc), b.In(loc)
	var total time.Duration
	for day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, loc); day.Before(b); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		from := day.Add(time.Duration(w.Start) * time.Hour)
		to := day.Add(time.Duration(w.End) * time.Hour)
		if a.After(from) {
			from = a
		}
		if b.Before(to) {
			to = b
		}
		if to.After(from) {
			total += to.Sub(from)
		}
	}
	return total
}

// QuestionFilter selects questions in a list. Empty fields match
// everything.
type QuestionFilter struct {
	Status   []QuestionStatus
	About    accord.Ref
	To       Addressee // the person, or the role, it is addressed to
	Blocking bool      // only blocking questions
}

// Match reports whether q passes the filter.
func (f QuestionFilter) Match(q *Question) bool {
	if len(f.Status) > 0 && !slices.Contains(f.Status, q.Status) {
		return false
	}
	if f.About.Kind != "" && q.About != f.About {
		return false
	}
	if f.To.Actor != "" && q.To.Actor != f.To.Actor || f.To.Role != "" && q.To.Role != f.To.Role {
		return false
	}
	if f.Blocking && !q.Blocking {
		return false
	}
	return true
}

// Ask files a question, open. Errors: Unauthenticated, Invalid.
func (s *Service) Ask(ctx context.Context, project string, in Ask) (Question, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return Question{}, err
	}
	if err := in.Validate(); err != nil {
		return Question{}, err
	}
	// A question about REQ-3 is about the requirement, however it was named.
	var about string
	if in.About, about, err = s.named(ctx, project, in.About); err != nil {
		return Question{}, err
	}
	now := s.clock.Now()
	q := Question{ID: accord.NewID(now), Project: project, About: in.About, Text: in.Text, To: in.To, Blocking: in.Blocking,
		Status: Open, Messages: []Message{}, AskedBy: actor.ID, AskedAt: now, Stamp: accord.NewStamp(actor.ID, now)}
	q, err = s.store.CreateQuestion(ctx, svc.Revision(q, accord.RevisionCreated, ""))
	if err != nil {
		return Question{}, err
	}
	to := q.To.Actor
	if to == "" {
		to = "the " + q.To.Role + " role"
	}
	blocking := ""
	if q.Blocking {
		blocking = ", blocking it"
	}
	s.questions.Publish(ctx, project, q, actor, EventQuestionAsked, "%s from %s to %s about %s%s: %s", q.Key, actor.ID, to, about, blocking, q.Text)
	return q, nil
}

// GetQuestion returns a question by ID or key. Errors: Invalid, NotFound.
func (s *Service) GetQuestion(ctx context.Context, project, id string) (Question, error) {
	return s.questions.Get(ctx, project, id)
}

// ListQuestions returns one page of the project's questions that match f,
// in the order they were asked. Errors: Invalid.
func (s *Service) ListQuestions(ctx context.Context, project string, f QuestionFilter, q accord.PageQuery) (accord.Page[Question], error) {
	if err := s.guard.Read(ctx, project); err != nil {
		return accord.Page[Question]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Question]{}, err
	}
	if f.About.Kind != "" {
		if f.About, err = s.canonical(ctx, project, f.About); accord.ErrorCode(err) == accord.NotFound {
			return accord.Page[Question]{Items: []Question{}}, nil
		} else if err != nil {
			return accord.Page[Question]{}, err
		}
	}
	return s.store.ListQuestions(ctx, project, f, q)
}

// ReplyInput is an answer or a follow-up: the input of Reply.
type ReplyInput struct {
	Text   string `json:"text"`
	Answer bool   `json:"answer"` // false: a follow-up question
}

// Validate checks the text.
func (in ReplyInput) Validate() error {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "text", in.Text, svc.MaxText, true)
	return errs.Err("reply")
}

// Reply adds an answer (answer true) or a follow-up question to a
// question. The first answer stops the clock of its response time; a
// follow-up on an answered question opens it again, and the clock of the
// first answer keeps what it measured.
// Errors: Unauthenticated, Invalid, NotFound, FailedPrecondition (resolved).
func (s *Service) Reply(ctx context.Context, project, id string, in ReplyInput) (Question, error) {
	if err := in.Validate(); err != nil {
		return Question{}, err
	}
	text, answer := in.Text, in.Answer
	return s.changeQuestion(ctx, project, id, func(q *Question, actor accord.Actor, now time.Time) (string, string, error) {
		if q.Status == Resolved {
			return "", "", accord.Errorf(accord.FailedPrecondition, "question %s is resolved", q.Key)
		}
		q.Messages = append(q.Messages, Message{By: actor.ID, At: now, Text: text, Answer: answer})
		if !answer {
			q.Status = Open
			return EventQuestionAnswered, fmt.Sprintf("%s: follow-up from %s: %s", q.Key, actor.ID, text), nil
		}
		if q.FirstAnswerAt.IsZero() {
			q.FirstAnswerAt = now
		}
		q.Status = Answered
		return EventQuestionAnswered, fmt.Sprintf("%s answered by %s: %s", q.Key, actor.ID, text), nil
	})
}

// Resolve closes a question, unblocking its item. Errors: Unauthenticated,
// Invalid, NotFound, FailedPrecondition (resolved already).
func (s *Service) Resolve(ctx context.Context, project, id, note string) (Question, error) {
	var errs accord.FieldErrors
	svc.CheckText(&errs, "note", note, svc.MaxText, false)
	if err := errs.Err("resolve"); err != nil {
		return Question{}, err
	}
	return s.changeQuestion(ctx, project, id, func(q *Question, actor accord.Actor, now time.Time) (string, string, error) {
		if q.Status == Resolved {
			return "", "", accord.Errorf(accord.FailedPrecondition, "question %s is resolved already", q.Key)
		}
		q.Status, q.ResolvedAt = Resolved, now
		summary := fmt.Sprintf("%s resolved by %s", q.Key, actor.ID)
		if note != "" {
			summary += ": " + note
		}
		return EventQuestionResolved, summary, nil
	})
}

// changeQuestion applies e to the newest question on the one command path.
func (s *Service) changeQuestion(ctx context.Context, project, id string, e func(q *Question, actor accord.Actor, now time.Time) (string, string, error)) (Question, error) {
	return s.questions.Run(ctx, svc.Change[Question]{Project: project, Ref: id,
		Edit: func(q *Question, c *svc.Cmd) error {
			event, summary, err := e(q, c.Actor, c.Now)
			if err == nil {
				c.Did("", event, summary)
			}
			return err
		}})
}

// Overdue lists the open questions that have waited longer than the
// project's response target for a first answer, the longest wait first,
// and publishes EventQuestionOverdue for each (once per call: call it from
// a schedule). Errors: Invalid.
func (s *Service) Overdue(ctx context.Context, project string) ([]Question, error) {
	late, st, err := s.overdue(ctx, project)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	target := st.responseTarget()
	for _, q := range late {
		s.questions.Publish(ctx, project, q, accord.Actor{ID: "accord"}, EventQuestionOverdue, "%s has waited %s (working time) for an answer; the target is %s",
			q.Key, q.WaitedFor(st.WorkingHours, now).Round(time.Minute), target)
	}
	return late, nil
}

// overdue returns the open questions past the response target, the
// longest wait first, with the settings that judged them.
func (s *Service) overdue(ctx context.Context, project string) ([]Question, Settings, error) {
	st, err := s.Settings(ctx, project)
	if err != nil {
		return nil, st, err
	}
	open, err := svc.All(ctx, project, QuestionFilter{Status: []QuestionStatus{Open}}, s.store.ListQuestions)
	if err != nil {
		return nil, st, err
	}
	now := s.clock.Now()
	var late []Question
	for _, q := range open {
		if q.FirstAnswerAt.IsZero() && q.WaitedFor(st.WorkingHours, now) > st.responseTarget() {
			late = append(late, q)
		}
	}
	slices.SortStableFunc(late, func(a, b Question) int { return a.AskedAt.Compare(b.AskedAt) })
	return late, st, nil
}

func (st Settings) responseTarget() time.Duration {
	return time.Duration(st.ResponseTargetHours * float64(time.Hour))
}

// ResponseTimes is how long questions to one addressee waited for their
// first answer.
type ResponseTimes struct {
	To       Addressee     `json:"to"`
	Answered int           `json:"answered"`
	Waiting  int           `json:"waiting"` // not answered yet
	Median   time.Duration `json:"median"`  // of the answered, in working time
	Longest  time.Duration `json:"longest"` // of all, waiting ones up to now
}

// TimeToAnswer reports the response times per addressee (person or role)
// of the questions asked since the given time, in working time.
// Errors: Invalid.
func (s *Service) TimeToAnswer(ctx context.Context, project string, since time.Time) ([]ResponseTimes, error) {
	st, err := s.Settings(ctx, project)
	if err != nil {
		return nil, err
	}
	all, err := svc.All(ctx, project, QuestionFilter{}, s.store.ListQuestions)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	type acc struct {
		times   []time.Duration
		waiting int
		longest time.Duration
	}
	by := map[Addressee]*acc{}
	var order []Addressee
	for _, q := range all {
		if q.AskedAt.Before(since) {
			continue
		}
		a := by[q.To]
		if a == nil {
			a = &acc{}
			by[q.To] = a
			order = append(order, q.To)
		}
		waited := q.WaitedFor(st.WorkingHours, now)
		a.longest = max(a.longest, waited)
		if q.FirstAnswerAt.IsZero() {
			a.waiting++
		} else {
			a.times = append(a.times, waited)
		}
	}
	out := make([]ResponseTimes, 0, len(order))
	for _, to := range order {
		a := by[to]
		rt := ResponseTimes{To: to, Answered: len(a.times), Waiting: a.waiting, Longest: a.longest}
		if len(a.times) > 0 {
			slices.Sort(a.times)
			rt.Median = a.times[len(a.times)/2]
		}
		out = append(out, rt)
	}
	return out, nil
}
