package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/requirement"
)

// open returns migrated stores in a new SQLite file, and how to remove it.
func open() (*sqlstore.Stores, func()) {
	dir, err := os.MkdirTemp("", "accord-example")
	if err != nil {
		panic(err)
	}
	s, err := sqlite.Open(filepath.Join(dir, "accord.db"))
	if err != nil {
		panic(err)
	}
	if err := sqlite.Migrate(context.Background(), s.DB); err != nil {
		panic(err)
	}
	return s, func() { s.Close(); os.RemoveAll(dir) }
}

// A relay with Project and Kinds reads only the events it delivers: the
// outbox query filters by them in SQL.
func ExampleRelay() {
	s, done := open()
	defer done()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, e := range []accord.Event{
		{Project: "shop", Kind: requirement.EventCreated, Summary: "REQ-1 Refund an order created"},
		{Project: "ops", Kind: requirement.EventCreated, Summary: "REQ-1 Rotate the keys created"},
		{Project: "shop", Kind: "risk.created", Summary: "RISK-1 Refunds queue up created"},
		{Project: "shop", Kind: requirement.EventUpdated, Summary: "REQ-1 Refund a paid order updated"},
	} {
		e.Time = at
		s.Outbox().Publish(ctx, e)
	}
	n, err := s.RunOnce(ctx, sqlstore.Relay{Name: "shop-requirements", Project: "shop", Kinds: []string{"requirement.*"},
		Deliver: func(_ context.Context, e sqlstore.OutboxEvent) error {
			fmt.Println(e.Summary)
			return nil
		}})
	fmt.Println(n, err)
	// Output:
	// REQ-1 Refund an order created
	// REQ-1 Refund a paid order updated
	// 2 <nil>
}

// ImportRequirements writes whole requirements, each as its revisions, in
// a few statements; RequirementRevisionsOf reads the revisions of many
// requirements back in one query, not a query per requirement.
func ExampleRequirementStore_ImportRequirements() {
	s, done := open()
	defer done()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var records [][]accord.Revision[requirement.Requirement]
	for i, title := range []string{"Refund an order", "Export invoices"} {
		r := requirement.Requirement{ID: fmt.Sprintf("R%d", i+1), Project: "shop", Key: requirement.KeyOf(i + 1), Status: requirement.Draft,
			Content: requirement.Content{Title: title, Priority: requirement.P2, Owner: "ann"}, Stamp: accord.NewStamp("ann", at)}
		next := r
		next.Status, next.Stamp = requirement.InReview, r.Stamp.Next("bob", at.Add(time.Hour))
		records = append(records, []accord.Revision[requirement.Requirement]{
			{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: r},
			{Number: 2, Kind: accord.RevisionTransitioned, Actor: "bob", Time: at.Add(time.Hour), Record: next},
		})
	}
	reqs := s.Requirements.(*sqlstore.RequirementStore)
	err := s.Atomically(ctx, func(ctx context.Context) error { return reqs.ImportRequirements(ctx, records) })
	fmt.Println(err)
	page, _ := reqs.ListRequirements(ctx, "shop", requirement.Filter{}, accord.PageQuery{Size: 10})
	for _, r := range page.Items {
		fmt.Println(r.Key, r.Title, r.Status, r.Revision)
	}
	all, _ := reqs.RequirementRevisionsOf(ctx, "shop", []string{"R2"})
	for _, rev := range all["R2"] {
		fmt.Println(rev.Record.Key, rev.Number, rev.Kind, rev.Actor)
	}
	// Output:
	// <nil>
	// REQ-1 Refund an order in_review 2
	// REQ-2 Export invoices in_review 2
	// REQ-2 1 created ann
	// REQ-2 2 transitioned bob
}

// ImportChangeRequests writes change requests in bulk after their
// requirements, and refuses one whose requirement is not there, writing
// nothing.
func ExampleRequirementStore_ImportChangeRequests() {
	s, done := open()
	defer done()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	reqs := s.Requirements.(*sqlstore.RequirementStore)
	r := requirement.Requirement{ID: "R1", Project: "shop", Key: requirement.KeyOf(1), Status: requirement.Draft,
		Content: requirement.Content{Title: "Refund an order", Priority: requirement.P2, Owner: "ann"}, Stamp: accord.NewStamp("ann", at)}
	cr := requirement.ChangeRequest{ID: "C1", Project: "shop", RequirementID: "R1", BaseRevision: 1, Proposed: requirement.Content{Title: "Refund in two steps"},
		Reason: "support asked", State: requirement.ChangeProposed, Stamp: accord.NewStamp("bob", at)}
	edited := cr
	edited.Reason, edited.Stamp = "support and sales asked", cr.Stamp.Next("bob", at.Add(time.Hour))
	stray := cr
	stray.ID, stray.RequirementID = "C2", "R9"
	err := s.Atomically(ctx, func(ctx context.Context) error {
		if err := reqs.ImportRequirements(ctx, [][]accord.Revision[requirement.Requirement]{{{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: r}}}); err != nil {
			return err
		}
		return reqs.ImportChangeRequests(ctx, [][]accord.Revision[requirement.ChangeRequest]{{
			{Number: 1, Kind: accord.RevisionCreated, Actor: "bob", Time: at, Record: cr},
			{Number: 2, Kind: accord.RevisionEdited, Actor: "bob", Time: at.Add(time.Hour), Record: edited},
		}})
	})
	fmt.Println(err)
	err = s.Atomically(ctx, func(ctx context.Context) error {
		return reqs.ImportChangeRequests(ctx, [][]accord.Revision[requirement.ChangeRequest]{{{Number: 1, Kind: accord.RevisionCreated, Actor: "bob", Time: at, Record: stray}}})
	})
	fmt.Println(err)
	crs, _ := reqs.ListChangeRequests(ctx, "shop", "R1")
	for _, c := range crs {
		fmt.Println(c.ID, "on", r.Key, r.Title+":", c.Proposed.Title, c.Reason, c.Revision)
	}
	// Output:
	// <nil>
	// not_found: change request 1 (C2): requirement "R9" not found in project "shop"
	// C1 on REQ-1 Refund an order: Refund in two steps support and sales asked 2
}
