package review_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

func TestMarkdown(t *testing.T) {
	rv := fixture()
	rv.Key, rv.Title, rv.Kind = "RV-7", "REQ-1 Refund", review.AcceptanceReview
	rv.SubjectName = "REQ-1 Refund a paid order"
	rv.Due = t0.Add(48 * time.Hour)
	r := &rv.Rounds[0]
	r.Verdicts = []review.Verdict{{Actor: "bob", Decision: review.RequestChanges, Comment: "split | pipes\nand lines", Time: t0}}
	r.Assessments = []review.Assessment{{Actor: "bob", Feasibility: review.FeasibleWithRisks, Difficulty: 4, EffortDays: 2.5,
		Risks: []review.Risk{{Title: "provider API", Category: accord.RiskDependency}}}}
	r.Checks = []review.Check{{CriterionID: "AC-2", Result: review.Failed, Problem: "500 on day 15", Actor: "fay"}}
	rv.Vetoes = []review.Veto{{Actor: "alice", Reason: "out of scope", Round: 1, Time: t0}}
	rv.Threads = []review.Thread{
		{ID: "T1", Anchor: "acceptance_criteria[1]", Comments: []review.Comment{{Actor: "fay", Body: "which code?"}, {Actor: "alice", Body: "409"}}},
		{ID: "T2", Resolved: true, Comments: []review.Comment{{Actor: "bob", Body: "done"}}},
	}
	md := review.Markdown(rv, review.Evaluate(rv, t0))
	unnamed := rv
	unnamed.SubjectName = ""
	assert.Contains(t, review.Markdown(unnamed, review.Evaluate(rv, t0)), "- **Subject:** requirement/R1, revision 3\n", "a review stored before subjects were named")
	for _, want := range []string{
		"# RV-7: Acceptance review of REQ-1 Refund\n",
		"- **Subject:** REQ-1 Refund a paid order, revision 3\n",
		"- **Due:** 2026-03-03 09:00 UTC\n",
		"- **Outcome:** **rejected**\n",
		"- `veto`: vetoed by alice in round 1: out of scope\n",
		"| bob | backend | request_changes | split \\| pipes and lines | 2026-03-01 09:00 UTC |\n",
		"| alice | product | — | | |\n",
		"| bob | feasible_with_risks | 4/5 | 2.5 | provider API (dependency) |  |\n",
		"| AC-1 | refund returns 200 | unchecked | | |\n",
		"| AC-2 | late refund fails | failed | 500 on day 15 | fay |\n",
		"## Standing vetoes\n\n- alice (round 1, 2026-03-01 09:00 UTC): out of scope\n",
		"## Open threads (1 of 2)\n\n- **acceptance_criteria[1]**: fay: which code? (1 reply, last by alice: 409)\n",
	} {
		assert.Contains(t, md, want)
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| bob | backend |") {
			cells := strings.Count(line, "|") - strings.Count(line, `\|`)
			assert.Equal(t, 6, cells, "an escaped pipe does not add a column: %q", line)
		}
	}
}
