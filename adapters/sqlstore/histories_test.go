package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// The paged reads Write uses: the revisions of a page of records, the
// change requests of a page of requirements, each requirement's in
// creation order, never another project's, across the 500 a query, and
// the live requirements' IDs a page at a time.
func TestHistoriesOfAPage(t *testing.T) {
	s, done := open()
	defer done()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	reqs := s.Requirements.(interface {
		requirement.Store
		RequirementRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[requirement.Requirement], error)
		ChangeRequestRevisionsOf(context.Context, string, []string) (map[string][]accord.Revision[requirement.ChangeRequest], error)
		ChangeRequestsOf(context.Context, string, []string) ([]requirement.ChangeRequest, error)
		RequirementIDs(context.Context, string, accord.PageQuery) (accord.Page[string], error)
	})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"shop", "other"} {
		p := project.Project{Key: key, Name: key, Members: []project.Member{{Actor: "ann", Roles: []string{"admin"}}}, Stamp: accord.NewStamp("ann", at)}
		_, err := s.Projects.CreateProject(ctx, accord.Revision[project.Project]{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: p})
		must(err)
	}
	newReq := func(key, id string) requirement.Requirement {
		r := requirement.Requirement{ID: id, Project: key, Status: requirement.Draft, Content: requirement.Content{Title: "Refund " + id, Priority: requirement.P2, Owner: "ann"}, Stamp: accord.NewStamp("ann", at)}
		r, err := reqs.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: r})
		must(err)
		return r
	}
	r1, r2, r3, r9 := newReq("shop", "R1"), newReq("shop", "R2"), newReq("shop", "R3"), newReq("other", "R1-elsewhere")
	gone := r3
	gone.Stamp = gone.Stamp.Next("bob", at.Add(time.Hour))
	gone.Deleted = &accord.Deletion{By: "bob", At: at.Add(time.Hour), Reason: "a duplicate"}
	must(reqs.DeleteRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 2, Kind: accord.RevisionDeleted, Actor: "bob", Time: at.Add(time.Hour), Record: gone}))
	newCR := func(r requirement.Requirement, id string) {
		c := requirement.ChangeRequest{ID: id, Project: r.Project, RequirementID: r.ID, BaseRevision: 1, Proposed: requirement.Content{Title: "Refund in two steps"},
			Reason: "support asked", State: requirement.ChangeProposed, Stamp: accord.NewStamp("ann", at)}
		_, err := reqs.CreateChangeRequest(ctx, accord.Revision[requirement.ChangeRequest]{Number: 1, Kind: accord.RevisionCreated, Actor: "ann", Time: at, Record: c})
		must(err)
	}
	newCR(r1, "C1")
	newCR(r2, "C2")
	newCR(r1, "C3")
	newCR(r9, "C9")

	// More IDs than one query takes, the real ones at the end.
	ids := make([]string, 0, 702)
	for i := range 700 {
		ids = append(ids, fmt.Sprintf("none-%d", i))
	}
	ids = append(ids, r2.ID, r1.ID)
	crs, err := reqs.ChangeRequestsOf(ctx, "shop", ids)
	must(err)
	of := map[string][]string{}
	for _, c := range crs {
		of[c.RequirementID] = append(of[c.RequirementID], c.ID)
	}
	if fmt.Sprint(of) != "map[R1:[C1 C3] R2:[C2]]" {
		t.Errorf("change requests by requirement: %v, want R1's C1 and C3 in creation order and R2's C2", of)
	}
	if crs, err := reqs.ChangeRequestsOf(ctx, "shop", []string{r9.ID}); err != nil || len(crs) != 0 {
		t.Errorf("another project's requirement: %v, %v; want none", crs, err)
	}

	revs, err := reqs.RequirementRevisionsOf(ctx, "shop", append(ids, r3.ID, r9.ID))
	must(err)
	if len(revs) != 3 || len(revs[r1.ID]) != 1 || len(revs[r3.ID]) != 2 {
		t.Fatalf("revisions of R1, R2, R3 (deleted) and another project's: %v", revs)
	}
	if tomb := revs[r3.ID][1]; tomb.Kind != accord.RevisionDeleted || tomb.Record.Deleted == nil || tomb.Record.Deleted.Reason != "a duplicate" {
		t.Errorf("the deleted requirement's last revision is %+v, want its tombstone", tomb)
	}
	// The live requirements' IDs, a page at a time: R1, R2 (R3 is deleted).
	var live []string
	q := accord.PageQuery{Size: 1}
	for {
		page, err := reqs.RequirementIDs(ctx, "shop", q)
		must(err)
		live = append(live, page.Items...)
		if q.Token = page.NextPageToken; q.Token == "" {
			break
		}
	}
	if fmt.Sprint(live) != "[R1 R2]" {
		t.Errorf("live requirements' IDs, a page of one at a time: %v, want [R1 R2]", live)
	}

	crRevs, err := reqs.ChangeRequestRevisionsOf(ctx, "shop", []string{"C1", "C3", "C9"})
	must(err)
	if len(crRevs) != 2 || crRevs["C3"][0].Record.RequirementID != r1.ID {
		t.Errorf("revisions of C1 and C3, not another project's C9: %v", crRevs)
	}
}
