package requirement_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// fullRequirement fills every section generously, as a mature requirement
// would be: 10 flow steps, 5 scenarios, 8 exceptions, 4 targets, 12 criteria.
func fullRequirement(i int) requirement.Content {
	c := goodContent()
	c.Title = fmt.Sprintf("Requirement %d", i)
	c.Flow, c.Scenarios, c.Exceptions, c.Performance, c.Acceptance = nil, nil, nil, nil, nil
	for n := range 10 {
		c.Flow = append(c.Flow, requirement.FlowStep{Actor: "system", Action: fmt.Sprintf("step %d of the refund", n)})
	}
	for n := range 5 {
		c.Scenarios = append(c.Scenarios, requirement.Scenario{Name: fmt.Sprintf("scenario %d", n), Actor: "buyer", Situation: "s", Action: "a", Outcome: "o"})
	}
	for n := range 8 {
		c.Exceptions = append(c.Exceptions, requirement.ExceptionCase{Condition: fmt.Sprintf("condition %d", n), Handling: "refuse", ErrorCode: "E"})
	}
	for n := range 4 {
		c.Performance = append(c.Performance, requirement.PerformanceTarget{Metric: fmt.Sprintf("metric %d", n), Comparator: requirement.LessOrEqual, Target: ptr(200), Unit: "ms"})
	}
	for n := range 12 {
		c.Acceptance = append(c.Acceptance, requirement.AcceptanceCriterion{ID: fmt.Sprintf("AC-%d", n+1), Text: fmt.Sprintf("criterion %d returns 200", n)})
	}
	c.Links = []accord.Ref{{Kind: "contract", ID: "refunds"}}
	return c
}

// seeded returns a service with n requirements in project "big"; every
// fourth one is in_review, the rest draft.
func seeded(b *testing.B, n int) (*requirement.Service, []requirement.Requirement) {
	b.Helper()
	svc, _ := newService(b, func(o *requirement.Options) { o.Events = nil })
	reqs := make([]requirement.Requirement, n)
	for i := range n {
		r, err := svc.Create(pm, "big", requirement.ContentInput{Content: fullRequirement(i)})
		require.NoError(b, err)
		if i%4 == 0 {
			r, err = svc.Transition(pm, "big", r.ID, 1, requirement.TransitionInput{To: requirement.InReview})
			require.NoError(b, err)
		}
		reqs[i] = r
	}
	return svc, reqs
}

const benchSize = 100_000

func BenchmarkServiceGet100k(b *testing.B) {
	svc, reqs := seeded(b, benchSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := svc.Get(pm, "big", reqs[i%len(reqs)].ID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServiceListFirstPageByStatus100k(b *testing.B) {
	svc, _ := seeded(b, benchSize)
	f, q := requirement.Filter{Status: []requirement.Status{requirement.InReview}}, accord.PageQuery{Size: 50}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page, err := svc.List(pm, "big", f, q)
		if err != nil || len(page.Items) != 50 {
			b.Fatal(err, len(page.Items))
		}
	}
}

func BenchmarkServiceUpdate100k(b *testing.B) {
	svc, reqs := seeded(b, benchSize)
	c := fullRequirement(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := &reqs[i%len(reqs)]
		c.Title = fmt.Sprintf("title %d", i)
		next, err := svc.Update(pm, "big", r.ID, r.Revision, requirement.ContentInput{Content: c, Note: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		*r = next
	}
}

func BenchmarkDiffFullRequirement(b *testing.B) {
	before := requirement.Requirement{Status: requirement.Draft, Content: fullRequirement(1)}
	after := requirement.Requirement{Status: requirement.InReview, Content: fullRequirement(2)}
	after.Acceptance[3].Text = "changed criterion"
	after.Flow = after.Flow[:8]
	after.Performance[1].Target = ptr(150)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(requirement.Diff(before, after)) == 0 {
			b.Fatal("no changes")
		}
	}
}

func BenchmarkLintFullRequirement(b *testing.B) {
	c := fullRequirement(1)
	terms := []requirement.Term{{Term: "order", Forbidden: []string{"deal", "transaction"}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		requirement.Lint(c, terms)
	}
}
