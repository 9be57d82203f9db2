package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/requirement"
)

// brokenStore loses updates (it bases every write on whatever is stored)
// and ignores page tokens: two classic store bugs; and it does not rank
// searches.
type brokenStore struct{ *memory.RequirementStore }

func (s brokenStore) UpdateRequirement(ctx context.Context, next accord.Revision[requirement.Requirement]) (requirement.Requirement, error) {
	cur, err := s.GetRequirement(ctx, next.Record.Project, next.Record.ID)
	if err != nil {
		return requirement.Requirement{}, err
	}
	next.Number, next.Record.Revision = cur.Revision+1, cur.Revision+1
	return s.RequirementStore.UpdateRequirement(ctx, next)
}

func (s brokenStore) ListRequirements(ctx context.Context, project string, f requirement.Filter, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	q.Token = ""
	return s.RequirementStore.ListRequirements(ctx, project, f, q)
}

// SearchRequirements forgets the ranking: hits in creation order.
func (s brokenStore) SearchRequirements(ctx context.Context, project string, f requirement.Filter, q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
	return s.RequirementStore.ListRequirements(ctx, project, f, q)
}

// TestKitCatchesBrokenStore runs the requirement suite on brokenStore in a
// child process and checks that it fails, naming every broken property,
// not only the first.
func TestKitCatchesBrokenStore(t *testing.T) {
	if os.Getenv("STORETEST_BROKEN") == "1" {
		storetest.RequirementStore(t, func(*testing.T) requirement.Store { return brokenStore{memory.NewRequirementStore()} })
		return
	}
	if testing.Short() {
		t.Skip("runs the suite in a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKitCatchesBrokenStore$", "-test.v")
	cmd.Env = append(os.Environ(), "STORETEST_BROKEN=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the suite passed a store that loses updates and ignores page tokens:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL: TestKitCatchesBrokenStore/requirements/compare_and_swap",
		"--- FAIL: TestKitCatchesBrokenStore/requirements/pages",
		"--- FAIL: TestKitCatchesBrokenStore/requirements/pages_under_churn",
		"--- FAIL: TestKitCatchesBrokenStore/filters",
		"--- FAIL: TestKitCatchesBrokenStore/search",
		"(a lost update)",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the suite's report lacks %q:\n%s", want, out)
		}
	}
	for _, fine := range []string{"--- PASS: TestKitCatchesBrokenStore/requirements/isolation", "--- PASS: TestKitCatchesBrokenStore/terms"} {
		if !strings.Contains(string(out), fine) {
			t.Errorf("the suite's report lacks %q: what works must still pass:\n%s", fine, out)
		}
	}
}
