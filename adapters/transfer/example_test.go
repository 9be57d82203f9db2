package transfer_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// Write streams a project's document (here into a buffer; an HTTP
// response or a file in a server), a page of records at a time; Read
// takes it back. Exporter.WriteTo does the same for a caller holding
// project.export.
func ExampleWrite() {
	ctx := context.Background()
	s := memory.New()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	p := project.Project{Key: "shop", Name: "Shop", Members: []project.Member{{Actor: "ann", Roles: []string{"admin"}}}, Stamp: accord.NewStamp("ann", at)}
	_, _ = s.Projects.CreateProject(ctx, accord.Revision[project.Project]{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: p})
	for i, title := range []string{"Refund an order", "Export invoices"} {
		r := requirement.Requirement{ID: fmt.Sprintf("R%d", i+1), Project: "shop", Status: requirement.Draft,
			Content: requirement.Content{Title: title, Priority: requirement.P2, Owner: "ann"}, Stamp: accord.NewStamp("ann", at)}
		_, _ = s.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: r})
	}

	var out bytes.Buffer
	err := transfer.Write(ctx, &out, s, "shop", at, transfer.Layout{Indent: "  "})
	fmt.Println(err)
	fmt.Printf("%s…\n", bytes.Join(bytes.SplitN(out.Bytes(), []byte("\n"), 4)[:3], []byte("\n")))
	d, err := transfer.Read(&out)
	fmt.Println(err)
	for _, revs := range d.Requirements {
		last := revs[len(revs)-1].Record
		fmt.Println(last.Key, last.Title, len(revs), "revision")
	}
	// Output:
	// <nil>
	// {
	//   "format": "accord.project/1",
	//   "exported": "2026-03-01T09:00:00Z",…
	// <nil>
	// REQ-1 Refund an order 1 revision
	// REQ-2 Export invoices 1 revision
}
