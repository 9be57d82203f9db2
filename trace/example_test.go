package trace_test

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/trace"
)

// records is a stand-in for adapters/link.Records, which reads every
// domain's stores: a requirement whose revision 2 changed its goal and
// revision 3 only its status.
type records map[accord.Ref]int

func (r records) Target(_ context.Context, _ string, ref accord.Ref) (trace.Target, error) {
	if rev, ok := r[ref]; ok {
		return trace.Target{Ref: ref, Revision: rev, Title: ref.ID}, nil
	}
	return trace.Target{}, accord.Errorf(accord.NotFound, "%s not found", ref)
}

func (r records) Changes(_ context.Context, _ string, _ accord.Ref, from, to int) ([]string, error) {
	if from < 2 && to >= 2 {
		return []string{"goal"}, nil
	}
	return nil, nil
}

func ExampleService_TargetRevised() {
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	req := accord.Ref{Kind: "requirement", ID: "REQ-3"}
	api := accord.Ref{Kind: "contract_version", ID: "orders@1.2.0"}
	world := records{req: 1, api: 1}
	links, _ := trace.NewService(trace.Options{Store: memory.NewTraceStore(), Targets: world})

	l, _ := links.Link(ctx, "shop", trace.NewLink{From: api, To: req, Role: trace.Implements})
	fmt.Println(l.From, l.Role, l.To, "at revision", l.TargetRevision, l.Status)

	world[req] = 2 // the goal changed
	turned, _ := links.TargetRevised(ctx, "shop", req)
	fmt.Println(turned[0].Status, turned[0].Suspicion.Fields)

	l, _ = links.Confirm(ctx, "shop", l.ID, 0, trace.ConfirmInput{Note: "the operation already serves the new goal"})
	fmt.Println(l.Status, "at revision", l.TargetRevision)

	world[req] = 3 // only the status changed
	turned, _ = links.TargetRevised(ctx, "shop", req)
	fmt.Println(len(turned), "turned suspect")
	// Output:
	// contract_version/orders@1.2.0 implements requirement/REQ-3 at revision 1 current
	// suspect [goal]
	// current at revision 2
	// 0 turned suspect
}

func ExampleService_Impact() {
	ctx := accord.WithActor(context.Background(), accord.Actor{ID: "bob"})
	req := accord.Ref{Kind: "requirement", ID: "REQ-3"}
	world := records{req: 1, {Kind: "contract_version", ID: "orders@1.2.0"}: 1, {Kind: "requirement", ID: "REQ-5"}: 1}
	links, _ := trace.NewService(trace.Options{Store: memory.NewTraceStore(), Targets: world})
	links.Link(ctx, "shop", trace.NewLink{From: accord.Ref{Kind: "contract_version", ID: "orders@1.2.0"}, To: req, Role: trace.Implements})
	links.Link(ctx, "shop", trace.NewLink{From: accord.Ref{Kind: "requirement", ID: "REQ-5"}, To: req, Role: trace.Refines})

	// A change request would rewrite REQ-3's acceptance criteria.
	im, _ := links.Impact(ctx, "shop", req, []string{"acceptance_criteria[0].text"})
	for _, l := range im.Links {
		fmt.Println(l.From, l.Role, "would turn suspect")
	}
	// Output:
	// contract_version/orders@1.2.0 implements would turn suspect
	// requirement/REQ-5 refines would turn suspect
}
