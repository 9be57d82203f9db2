package review

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Markdown renders a review for sharing in chat, a wiki or a ticket: the
// subject and revision, the outcome and why, participants and their
// verdicts in the open round, the feasibility table, acceptance results,
// standing vetoes, open threads and the rounds so far. e is the review's
// evaluation, usually Evaluate(rv, now).
func Markdown(rv Review, e Evaluation) string { return markdown(rv, e, nil, nil) }

// markdown is Markdown with the register keys of the review's risks (risk
// ID → RISK-n), when a register is wired in, and the subject's notes.
func markdown(rv Review, e Evaluation, riskKeys map[string]string, notes []string) string {
	var b strings.Builder
	round := rv.Current()
	fmt.Fprintf(&b, "# %s: %s review of %s\n\n", rv.Key, kindName(rv.Kind), cell(rv.Title))
	fmt.Fprintf(&b, "- **Subject:** %s, revision %d\n", cell(rv.SubjectTitle()), e.SubjectRevision)
	fmt.Fprintf(&b, "- **Round:** %d, opened %s by %s\n", e.Round, stamp(round.OpenedAt), round.OpenedBy)
	if !rv.Due.IsZero() {
		fmt.Fprintf(&b, "- **Due:** %s\n", stamp(rv.Due))
	}
	fmt.Fprintf(&b, "- **Outcome:** **%s**\n", e.Outcome)

	b.WriteString("\n## Outcome\n\n")
	if e.Override != nil {
		fmt.Fprintf(&b, "Overridden to **%s** by %s on %s: %s\n\n", e.Override.Outcome, e.Override.Actor, stamp(e.Override.Time), cell(e.Override.Reason))
	}
	if len(e.Unmet) == 0 {
		fmt.Fprintf(&b, "Every rule of the policy is met (%d approvals).\n", e.Approvals)
	} else {
		fmt.Fprintf(&b, "%d approvals so far. Not met:\n\n", e.Approvals)
		for _, u := range e.Unmet {
			fmt.Fprintf(&b, "- `%s`: %s\n", u.Rule, cell(u.Message))
		}
	}

	if len(notes) > 0 {
		b.WriteString("\n## What to look at\n\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", cell(n))
		}
	}

	verdicts := latestBy(round.Verdicts, func(v *Verdict) string { return v.Actor })
	b.WriteString("\n## Participants\n\n| Participant | Role | Verdict | Comment | When |\n|---|---|---|---|---|\n")
	for _, p := range rv.Participants {
		if v, ok := verdicts[p.Actor]; ok {
			when := stamp(v.Time)
			if v.CarriedFrom != 0 {
				when += fmt.Sprintf(" (carried from round %d)", v.CarriedFrom)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", p.Actor, p.Role, v.Decision, cell(v.Comment), when)
		} else {
			fmt.Fprintf(&b, "| %s | %s | — | | |\n", p.Actor, p.Role)
		}
	}

	if len(round.Assessments) > 0 {
		b.WriteString("\n## Feasibility\n\n| Participant | Feasibility | Difficulty | Effort (person-days) | Risks | Notes |\n|---|---|---|---|---|---|\n")
		assessed := latestBy(round.Assessments, func(a *Assessment) string { return a.Actor })
		for i := range round.Assessments {
			a := &round.Assessments[i]
			if assessed[a.Actor] != a {
				continue
			}
			var risks []string
			for _, r := range a.Risks {
				filed := ""
				if key := riskKeys[r.ID]; key != "" {
					filed = ", " + key
				}
				risks = append(risks, r.Title+" ("+string(r.Category)+filed+")")
			}
			fmt.Fprintf(&b, "| %s | %s | %d/5 | %s | %s | %s |\n", a.Actor, a.Feasibility, a.Difficulty,
				strconv.FormatFloat(a.EffortDays, 'f', -1, 64), cell(strings.Join(risks, "; ")), cell(a.Notes))
		}
	}

	if len(round.Criteria) > 0 {
		b.WriteString("\n## Acceptance criteria\n\n| Criterion | Text | Result | Problem | Checked by |\n|---|---|---|---|---|\n")
		checks := latestBy(round.Checks, func(c *Check) string { return c.CriterionID })
		for _, c := range round.Criteria {
			if ck, ok := checks[c.ID]; ok {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.ID, cell(c.Text), ck.Result, cell(ck.Problem), ck.Actor)
			} else {
				fmt.Fprintf(&b, "| %s | %s | unchecked | | |\n", c.ID, cell(c.Text))
			}
		}
	}

	var standing []Veto
	for _, v := range rv.Vetoes {
		if v.Standing() {
			standing = append(standing, v)
		}
	}
	if len(standing) > 0 {
		b.WriteString("\n## Standing vetoes\n\n")
		for _, v := range standing {
			fmt.Fprintf(&b, "- %s (round %d, %s): %s\n", v.Actor, v.Round, stamp(v.Time), cell(v.Reason))
		}
	}

	open := 0
	for i := range rv.Threads {
		if !rv.Threads[i].Resolved {
			open++
		}
	}
	fmt.Fprintf(&b, "\n## Open threads (%d of %d)\n\n", open, len(rv.Threads))
	if open == 0 {
		b.WriteString("None.\n")
	}
	for i := range rv.Threads {
		t := &rv.Threads[i]
		if t.Resolved || len(t.Comments) == 0 {
			continue
		}
		first := t.Comments[0]
		fmt.Fprintf(&b, "- **%s**: %s: %s", anchorName(t.Anchor), first.Actor, cell(first.Body))
		if n := len(t.Comments) - 1; n > 0 {
			last := t.Comments[n]
			fmt.Fprintf(&b, " (%d %s, last by %s: %s)", n, plural(n, "reply", "replies"), last.Actor, cell(last.Body))
		}
		b.WriteString("\n")
	}

	b.WriteString("\n## Rounds\n\n| Round | Revision | State | Opened | Changes | Verdicts carried over |\n|---|---|---|---|---|---|\n")
	for _, r := range rv.Rounds {
		changes := "—"
		switch {
		case r.Number == 1:
		case !r.ChangesKnown:
			changes = "unknown"
		default:
			changes = strings.Join(r.Changes, ", ")
		}
		carried := "—"
		switch {
		case r.Number > 1 && r.CarriedOver:
			carried = "yes"
		case r.Number > 1:
			carried = "no"
		}
		fmt.Fprintf(&b, "| %d | %d | %s | %s by %s | %s | %s |\n", r.Number, r.SubjectRevision, r.State, stamp(r.OpenedAt), r.OpenedBy, cell(changes), carried)
	}
	return b.String()
}

func kindName(k Kind) string {
	switch k {
	case RequirementReview:
		return "Requirement"
	case ChangeRequestReview:
		return "Change request"
	case ContractReview:
		return "Contract"
	case AcceptanceReview:
		return "Acceptance"
	}
	return string(k)
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// cell makes text safe inside a Markdown table cell or list item: one line,
// no column breaks.
func cell(s string) string { return strings.TrimSpace(cellEscaper.Replace(s)) }

var cellEscaper = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`)

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
