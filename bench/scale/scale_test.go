package main

import (
	"context"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/trace"
)

// The generated documents import, and hold what the rows measure: REQ-1
// of the big project with exactly HubLinks links to it and a change
// request, revisions averaging near the shape's, words to search for.
func TestDocumentsImport(t *testing.T) {
	ctx := context.Background()
	s := shapeFor(1200)
	s.HubLinks = 300
	stores := memory.New()
	var reqs, revs, links int
	for p := 0; p < s.Projects; p++ {
		d := s.document(p)
		if err := transfer.Import(ctx, stores, d); err != nil {
			t.Fatalf("importing project %s: %v", projectKey(p), err)
		}
		r, v, l := counts(d)
		reqs, revs, links = reqs+r, revs+v, links+l
	}
	if want := s.Big + s.Others; reqs < want || reqs > want+2*s.Projects {
		t.Errorf("%d requirements, want about %d", reqs, want)
	}
	if avg := float64(revs) / float64(reqs); avg < 4.5 || avg > 5.5 {
		t.Errorf("%.2f revisions per requirement, want about 5", avg)
	}
	if avg := float64(links) / float64(reqs); avg < 2.9 || avg > 3 {
		t.Errorf("%.2f links per requirement, want about 3", avg)
	}
	hub, err := stores.Requirements.GetRequirementByKey(ctx, bigProject, "REQ-1")
	if err != nil {
		t.Fatal(err)
	}
	to, err := stores.Traces.ListLinks(ctx, bigProject, trace.Filter{To: hub.Ref()}, accord.PageQuery{Size: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(to.Items) != s.HubLinks || to.NextPageToken != "" {
		t.Errorf("REQ-1 %s has %d links to it (more: %t), want %d", hub.Title, len(to.Items), to.NextPageToken != "", s.HubLinks)
	}
	crs, err := stores.Requirements.ListChangeRequests(ctx, bigProject, hub.ID)
	if err != nil || len(crs) != 1 {
		t.Fatalf("change requests on REQ-1 %s: %d, %v; want 1", hub.Title, len(crs), err)
	}
	for _, word := range []string{"refund", "退款"} {
		page, err := stores.Requirements.ListRequirements(ctx, bigProject, requirement.Filter{Text: word}, accord.PageQuery{Size: 500})
		if err != nil || len(page.Items) == 0 {
			t.Errorf("search for %q in %s: %d found, %v", word, bigProject, len(page.Items), err)
		}
	}
	for k := 0; k < 100; k++ {
		i := s.editable(k, s.Big)
		r, err := stores.Requirements.GetRequirementByKey(ctx, bigProject, requirement.KeyOf(i))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Locked() || i == 1 {
			t.Fatalf("editable(%d) picked %s %s, which is %s", k, r.Key, r.Title, r.Status)
		}
	}
}

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	p50, p99 := percentiles(d)
	if p50 != 50*time.Millisecond || p99 != 99*time.Millisecond {
		t.Errorf("p50 %s, p99 %s; want 50ms, 99ms", p50, p99)
	}
	if p50, p99 := percentiles(nil); p50 != 0 || p99 != 0 {
		t.Errorf("no samples: %s, %s; want 0", p50, p99)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"10k": 10_000, "100k": 100_000, "full": 200_000, "500": 500} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1", "ten", "-5"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q): no error", in)
		}
	}
}
