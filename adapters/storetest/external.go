package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
)

// ExternalStore checks an external.Store: the generic record properties,
// one live reference per system and key in a project (free again once
// removed, and a restore that would take it twice refused), Find, the
// filters, and one scenario through the real Service.
func ExternalStore(t *testing.T, open func(t *testing.T) external.Store) {
	t.Run("references", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[external.Reference] { return externalRecords(open(t)) })
	})
	t.Run("unique_item", func(t *testing.T) { testExternalUnique(t, open(t)) })
	t.Run("filters", func(t *testing.T) { testExternalFilters(t, open(t)) })
	t.Run("scenario", func(t *testing.T) { externalScenario(t, open(t)) })
	t.Run("settings", func(t *testing.T) { testExternalSettings(t, open(t)) })
	t.Run("sync_state", func(t *testing.T) { testExternalSyncState(t, open(t)) })
}

// testExternalSettings: a project's tracker settings round-trip whole,
// revision 1 then compare-and-swap, and stay the project's own.
func testExternalSettings(t *testing.T, s external.Store) {
	ctx := context.Background()
	zero, err := s.GetSettings(ctx, "shop")
	if err != nil || zero.Revision != 0 || len(zero.Trackers) != 0 {
		t.Errorf("settings never set: revision %d, %d trackers, %v; want revision 0 and none", zero.Revision, len(zero.Trackers), err)
	}
	in := external.Settings{Project: "shop", Trackers: []external.Connection{{System: external.Jira, Project: "SHOP", Labels: []string{"accord"},
		Rules:     []external.Rule{{On: "requirement.transitioned", To: "approved", Action: external.Create, Type: "Story"}},
		StatusMap: []external.StatusMapping{{Status: "进行中", State: "in_progress"}}}},
		Stamp: accord.NewStamp("alice", epoch)}
	got, err := s.PutSettings(ctx, in)
	if err != nil || got.Revision != 1 {
		t.Fatalf("first settings: revision %d, %v", got.Revision, err)
	}
	read, err := s.GetSettings(ctx, "shop")
	if err != nil || len(read.Trackers) != 1 || read.Trackers[0].Rules[0].Type != "Story" || read.Trackers[0].StatusMap[0].Status != "进行中" || read.Revision != 1 {
		t.Errorf("settings read back: %+v, %v", read, err)
	}
	if _, err := s.PutSettings(ctx, in); accord.ErrorCode(err) != accord.Conflict {
		t.Errorf("revision 1 written twice: %v, want Conflict", err)
	}
	next := read.Clone()
	next.Revision = 2
	next.Trackers[0].Project = "SHOP2"
	if got, err := s.PutSettings(ctx, next); err != nil || got.Revision != 2 {
		t.Errorf("revision 2: %d, %v", got.Revision, err)
	}
	if other, err := s.GetSettings(ctx, "other"); err != nil || other.Revision != 0 {
		t.Errorf("another project's settings: revision %d, %v; want 0", other.Revision, err)
	}
}

// testExternalSyncState: one sync state per project and system, written
// with compare-and-swap, listed by system, never another project's.
func testExternalSyncState(t *testing.T, s external.Store) {
	ctx := context.Background()
	zero, err := s.GetSyncState(ctx, "shop", external.Jira)
	if err != nil || zero.Revision != 0 || len(zero.Failed) != 0 {
		t.Errorf("sync state never written: revision %d, %d failed, %v", zero.Revision, len(zero.Failed), err)
	}
	at := epoch.Add(time.Minute)
	for _, sys := range []string{external.PingCode, external.Jira} {
		st := external.SyncState{Project: "shop", System: sys, LastSuccess: &at, LastError: "jira create: temporary (HTTP 503)",
			LastErrorRecord: "REQ-3 退款", Failed: []external.FailedEvent{{Event: accord.Event{ID: "ev1", Kind: "requirement.transitioned", Project: "shop",
				Ref: accord.Ref{Kind: "requirement", ID: "r1"}, Changed: []string{"status"}}, Record: "REQ-3 退款", Error: "timeout", At: at, Attempts: 1}},
			Stamp: accord.NewStamp("tracker:"+sys, epoch)}
		if got, err := s.PutSyncState(ctx, st); err != nil || got.Revision != 1 {
			t.Fatalf("first sync state of %s: revision %d, %v", sys, got.Revision, err)
		}
	}
	if _, err := s.PutSyncState(ctx, external.SyncState{Project: "other", System: external.Jira, Stamp: accord.NewStamp("x", epoch)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSyncState(ctx, "shop", external.Jira)
	if err != nil || got.Revision != 1 || len(got.Failed) != 1 || got.Failed[0].Event.ID != "ev1" || got.Failed[0].Record != "REQ-3 退款" ||
		got.LastSuccess == nil || !got.LastSuccess.Equal(at) {
		t.Errorf("sync state read back: %+v, %v", got, err)
	}
	stale := got.Clone()
	if _, err := s.PutSyncState(ctx, stale); accord.ErrorCode(err) != accord.Conflict {
		t.Errorf("revision 1 written twice: %v, want Conflict", err)
	}
	next := got.Clone()
	next.Revision, next.Failed, next.LastError = 2, nil, ""
	if _, err := s.PutSyncState(ctx, next); err != nil {
		t.Errorf("revision 2: %v", err)
	}
	if again, _ := s.GetSyncState(ctx, "shop", external.Jira); again.Revision != 2 || len(again.Failed) != 0 || again.LastError != "" {
		t.Errorf("after revision 2: %+v", again)
	}
	all, err := s.ListSyncStates(ctx, "shop")
	if err != nil || len(all) != 2 || all[0].System != external.Jira || all[1].System != external.PingCode {
		t.Errorf("the project's sync states: %+v, %v; want jira then pingcode", all, err)
	}
	if settings, _ := s.GetSettings(ctx, "shop"); settings.Revision != 0 {
		t.Errorf("a sync state became settings: revision %d", settings.Revision)
	}
}

func newReference(p string, i int) external.Reference {
	synced := epoch.Add(-time.Hour)
	return external.Reference{ID: fmt.Sprintf("%s-xref-%03d", p, i), Project: p,
		Record: accord.Ref{Kind: "requirement", ID: fmt.Sprintf("REQ-%d", i)}, System: external.Jira, Key: fmt.Sprintf("SHOP-%d", i),
		Content: external.Content{URL: fmt.Sprintf("https://shop.atlassian.net/browse/SHOP-%d", i), Status: "To Do", Title: "退款 " + fmt.Sprint(i), SyncedAt: &synced},
		Stamp:   accord.NewStamp("alice", epoch)}
}

func externalRecords(s external.Store) Records[external.Reference] {
	return Records[external.Reference]{
		Name: "external reference",
		New:  newReference,
		Edit: func(r external.Reference, w int) external.Reference {
			r = r.Clone()
			r.RecordRevision++
			r.Status = fmt.Sprintf("moved by writer %d", w)
			return r
		},
		Edits: func(r external.Reference) int { return r.RecordRevision },
		Scribble: func(r *external.Reference) {
			*r.SyncedAt = r.SyncedAt.Add(-time.Hour) // shared memory: the pointer
		},
		Stamp:   func(r *external.Reference) *accord.Stamp { return &r.Stamp },
		ID:      func(r external.Reference) string { return r.ID },
		Project: func(r *external.Reference, p string) { r.Project = p },
		Create:  s.CreateReference, Get: s.GetReference, Update: s.UpdateReference,
		Tombstone: s.DeleteReference, Restore: s.UpdateReference, ListDeleted: s.ListDeletedReferences,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[external.Reference], error) {
			return s.ListReferences(ctx, p, external.Filter{}, q)
		},
		Revisions: s.ListReferenceRevisions, Revision: s.GetReferenceRevision,
	}
}

func testExternalUnique(t *testing.T, s external.Store) {
	rr := externalRecords(s)
	first := must[external.Reference](t, "create")(s.CreateReference(ctx, rr.first(newReference("alpha", 1))))
	twin := newReference("alpha", 2)
	twin.Key = first.Key
	if _, err := s.CreateReference(ctx, rr.first(twin)); accord.ErrorCode(err) != accord.Conflict {
		t.Errorf("a second reference to jira %s in one project: %v, want Conflict", first.Key, err)
	}
	other := newReference("beta", 1)
	if _, err := s.CreateReference(ctx, rr.first(other)); err != nil {
		t.Errorf("the same item in another project is another reference: %v", err)
	}
	pc := newReference("alpha", 3)
	pc.System, pc.Key = external.PingCode, first.Key
	if _, err := s.CreateReference(ctx, rr.first(pc)); err != nil {
		t.Errorf("the same key in another system is another item: %v", err)
	}
	found, err := s.FindReference(ctx, "alpha", external.Jira, first.Key)
	if err != nil || found.ID != first.ID {
		t.Errorf("FindReference(jira, %s) = %s, %v; want %s", first.Key, found.ID, err, first.ID)
	}
	if _, err := s.FindReference(ctx, "alpha", external.Trello, first.Key); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("FindReference of an unknown item: %v, want NotFound", err)
	}
	// Removed: the item is free again, and bringing the old one back then
	// would reference it twice.
	dead := rr.tombstone(first, "alice", "wrong issue")
	if err := s.DeleteReference(ctx, dead); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindReference(ctx, "alpha", external.Jira, first.Key); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("FindReference of a removed reference: %v, want NotFound", err)
	}
	if _, err := s.CreateReference(ctx, rr.first(twin)); err != nil {
		t.Errorf("referencing a removed reference's item again: %v", err)
	}
	if _, err := s.UpdateReference(ctx, rr.restoration(dead.Record, "alice", "back")); accord.ErrorCode(err) != accord.Conflict {
		t.Errorf("restoring a reference whose item is referenced again: %v, want Conflict", err)
	}
}

func testExternalFilters(t *testing.T, s external.Store) {
	rr := externalRecords(s)
	for i := 1; i <= 3; i++ {
		r := newReference("alpha", i)
		if i == 3 {
			r.Record, r.System = accord.Ref{Kind: "requirement", ID: "REQ-1"}, external.Trello
		}
		if _, err := s.CreateReference(ctx, rr.first(r)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    external.Filter
		want int
	}{
		{"record", external.Filter{Record: accord.Ref{Kind: "requirement", ID: "REQ-1"}}, 2},
		{"other kind", external.Filter{Record: accord.Ref{Kind: "risk", ID: "REQ-1"}}, 0},
		{"system", external.Filter{System: external.Trello}, 1},
		{"record and system", external.Filter{Record: accord.Ref{Kind: "requirement", ID: "REQ-1"}, System: external.Jira}, 1},
		{"none", external.Filter{}, 3},
	} {
		page, err := s.ListReferences(ctx, "alpha", tc.f, accord.PageQuery{Size: 10})
		if err != nil || len(page.Items) != tc.want {
			t.Errorf("filter %s: %d (%v), want %d", tc.name, len(page.Items), err, tc.want)
		}
	}
}

// externalScenario adds, updates and removes a reference with the real
// Service: a second reference to the same item is refused by name.
func externalScenario(t *testing.T, s external.Store) {
	svc, err := external.NewService(external.Options{Store: s, Clock: &stepClock{t: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	alice := as("alice", "product")
	in := external.NewReference{Record: accord.Ref{Kind: "requirement", ID: "REQ-3"}, System: external.PingCode, Key: "SHOP-12",
		Content: external.Content{Title: "退款到原支付方式", Status: "进行中"}}
	r := must[external.Reference](t, "add")(svc.Add(alice, "shop", in))
	in.Record.ID = "REQ-4"
	if _, err := svc.Add(alice, "shop", in); accord.ErrorCode(err) != accord.Conflict {
		t.Errorf("a second reference to pingcode SHOP-12: %v, want Conflict", err)
	}
	c := r.Content
	c.Status = "已完成"
	r = must[external.Reference](t, "update")(svc.Update(alice, "shop", r.ID, r.Revision, c, "synced"))
	if r.Revision != 2 || r.Status != "已完成" {
		t.Errorf("after an update: revision %d, status %q", r.Revision, r.Status)
	}
	if err := svc.Remove(alice, "shop", r.ID, "moved to Jira"); err != nil {
		t.Fatal(err)
	}
	hist := must[[]accord.Revision[external.Reference]](t, "history")(svc.History(alice, "shop", r.ID))
	if len(hist) != 3 || hist[2].Kind != accord.RevisionDeleted {
		t.Errorf("history: %d revisions, want 3 ending in a tombstone", len(hist))
	}
}
