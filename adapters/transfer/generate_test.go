package transfer_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
)

// history builds a record's revisions from its first state: each step
// changes a copy and says what kind of revision it is.
type step[T any] struct {
	kind   accord.RevisionKind
	change func(*T)
}

func history[T any](first T, stamp func(*T) *accord.Stamp, at time.Time, steps ...step[T]) []accord.Revision[T] {
	out := []accord.Revision[T]{{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: first}}
	cur := first
	for i, s := range steps {
		at = at.Add(time.Minute)
		s.change(&cur)
		*stamp(&cur) = stamp(&cur).Next("bob", at)
		if s.kind == accord.RevisionDeleted {
			stamp(&cur).Deleted = &accord.Deletion{By: "bob", At: at, Reason: "a duplicate"}
		}
		out = append(out, accord.Revision[T]{Number: i + 2, Kind: s.kind, Actor: "bob", Time: at, Note: fmt.Sprintf("step %d", i+1), Record: cur})
	}
	return out
}

// generated is a project "big" of n requirements, seeded: one to four
// revisions each (edits, a transition; every 40th deleted, every 80th
// deleted and restored), up to two links from each to earlier ones (every
// 30th link deleted), a term per 50 requirements (every other one
// deleted) and a risk per 100.
func generated(n int, seed uint64) transfer.Document {
	rnd := rand.New(rand.NewPCG(seed, 29))
	at := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	p := project.Project{Key: "big", Name: "Big", Members: []project.Member{{Actor: "ann", Roles: []string{"admin"}}}, Stamp: accord.NewStamp("ann", at)}
	d := transfer.Document{Format: transfer.Format, Exported: at,
		Project: []accord.Revision[project.Project]{{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: p}}}
	reqStamp := func(r *requirement.Requirement) *accord.Stamp { return &r.Stamp }
	del := func(*requirement.Requirement) {}
	refs := make([]accord.Ref, 0, n)
	for i := range n {
		r := requirement.Requirement{ID: fmt.Sprintf("R%07d", i), Project: "big", Key: requirement.KeyOf(i + 1), Status: requirement.Draft,
			Content: requirement.Content{Title: fmt.Sprintf("Refund order %d in one step", i), Description: "Orders are refunded in one step; the stock is released.",
				Priority: requirement.P2, Owner: "ann", Labels: []string{fmt.Sprintf("area-%d", i%20)},
				Acceptance: []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "a refund returns 201", TestRef: "TestRefund"}}},
			Stamp: accord.NewStamp("ann", at)}
		var steps []step[requirement.Requirement]
		for range rnd.IntN(3) {
			steps = append(steps, step[requirement.Requirement]{accord.RevisionEdited, func(r *requirement.Requirement) {
				r.Title += " (sharper)"
				r.Labels = append(slices.Clip(r.Labels), "edited")
			}})
		}
		steps = append(steps, step[requirement.Requirement]{accord.RevisionTransitioned, func(r *requirement.Requirement) { r.Status = requirement.InReview }})
		switch {
		case i%80 == 79:
			steps = append(steps, step[requirement.Requirement]{accord.RevisionDeleted, del}, step[requirement.Requirement]{accord.RevisionRestored, del})
		case i%40 == 39:
			steps = append(steps, step[requirement.Requirement]{accord.RevisionDeleted, del})
		}
		d.Requirements = append(d.Requirements, history(r, reqStamp, at, steps...))
		refs = append(refs, r.Ref())
	}
	// Change requests of every 25th requirement (two, made by turns with
	// the next requirement's, so creation order is not requirement order).
	crStamp := func(c *requirement.ChangeRequest) *accord.Stamp { return &c.Stamp }
	for i := 0; i+1 < n; i += 25 {
		for k := range 2 {
			for _, j := range []int{i, i + 1} {
				if j%40 == 39 {
					continue // a deleted requirement's go with it
				}
				c := requirement.ChangeRequest{ID: fmt.Sprintf("C%07d-%d", j, k), Project: "big", RequirementID: refs[j].ID, BaseRevision: 1,
					Proposed: requirement.Content{Title: "Refund in two steps"}, Reason: "support asked", State: requirement.ChangeProposed, Stamp: accord.NewStamp("ann", at)}
				d.ChangeRequests = append(d.ChangeRequests, history(c, crStamp, at, step[requirement.ChangeRequest]{accord.RevisionEdited, func(c *requirement.ChangeRequest) { c.Reason = "support and sales asked" }}))
			}
		}
	}
	linkStamp := func(l *trace.Link) *accord.Stamp { return &l.Stamp }
	for i := 1; i < n; i++ {
		targets := []int{i - 1}
		if j := rnd.IntN(i); j != i-1 {
			targets = append(targets, j)
		}
		for _, j := range targets {
			l := trace.Link{ID: fmt.Sprintf("L%07d-%07d", i, j), Project: "big", From: refs[i], To: refs[j], Role: trace.Refines, Origin: trace.Manual,
				TargetRevision: 1, Status: trace.Current, Stamp: accord.NewStamp("ann", at)}
			var steps []step[trace.Link]
			if len(d.Links)%30 == 29 {
				steps = append(steps, step[trace.Link]{accord.RevisionDeleted, func(*trace.Link) {}})
			}
			d.Links = append(d.Links, history(l, linkStamp, at, steps...))
		}
	}
	// Terms go deleted first, as Export orders them (see withDeleted).
	termStamp := func(t *requirement.Term) *accord.Stamp { return &t.Stamp }
	var live [][]accord.Revision[requirement.Term]
	for i := range n / 50 {
		t := requirement.Term{ID: fmt.Sprintf("T%05d", i), Project: "big", Term: fmt.Sprintf("order %d", i/2), Definition: "a commitment to pay", Stamp: accord.NewStamp("ann", at)}
		if i%2 == 0 {
			d.Terms = append(d.Terms, history(t, termStamp, at, step[requirement.Term]{accord.RevisionDeleted, func(*requirement.Term) {}}))
		} else {
			live = append(live, history(t, termStamp, at))
		}
	}
	d.Terms = append(d.Terms, live...)
	riskStamp := func(r *risk.Risk) *accord.Stamp { return &r.Stamp }
	for i := range n / 100 {
		k := risk.Risk{ID: fmt.Sprintf("K%05d", i), Project: "big", Key: risk.KeyOf(i + 1), Title: fmt.Sprintf("Refunds queue up %d", i), Cause: "rate limits",
			Event: "queues", Effect: "late refunds", Category: "dependency", Status: risk.Identified, Stamp: accord.NewStamp("ann", at)}
		d.Risks = append(d.Risks, history(k, riskStamp, at, step[risk.Risk]{accord.RevisionEdited, func(k *risk.Risk) { k.Owner = "bob" }}))
	}
	return d
}
