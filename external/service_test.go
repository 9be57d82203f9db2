package external_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/external"
)

type events []accord.Event

func (e *events) Publish(_ context.Context, ev accord.Event) { *e = append(*e, ev) }

// writers is a project where only product and backend write records.
type writers struct{}

func (writers) Access(_ context.Context, _, member string) (accord.Access, error) {
	roles := map[string][]string{"alice": {"product"}, "bob": {"backend"}, "vic": {"viewer"}, "ada": {"admin"}}[member]
	if roles == nil {
		return accord.Access{}, accord.Errorf(accord.NotFound, "no project")
	}
	return accord.Access{Roles: roles, Permissions: accord.Permissions{accord.PermRecordWrite: {"product", "backend"}}.Merged()}, nil
}

func newService(t *testing.T) (*external.Service, *events) {
	t.Helper()
	var evs events
	s, err := external.NewService(external.Options{Store: memory.NewExternalStore(), Events: &evs, Authorizer: writers{}})
	if err != nil {
		t.Fatal(err)
	}
	return s, &evs
}

func as(id string, roles ...string) context.Context {
	return accord.WithActor(context.Background(), accord.Actor{ID: id, Roles: roles})
}

var req3 = accord.Ref{Kind: "requirement", ID: "REQ-3"}

func TestAddNamesEveryBadField(t *testing.T) {
	s, _ := newService(t)
	_, err := s.Add(as("alice", "product"), "shop", external.NewReference{
		Record: accord.Ref{Kind: "Requirement"}, System: "Jira Cloud", Key: " SHOP-1",
		Content: external.Content{URL: "ftp://x", RecordRevision: -1}})
	var e *accord.Error
	if !asError(err, &e) || e.Code != accord.Invalid {
		t.Fatalf("Add with bad input: %v, want Invalid", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	for _, want := range []string{"record.kind", "record.id", "system", "key", "url", "record_revision"} {
		if !strings.Contains(strings.Join(fields, ","), want) {
			t.Errorf("the error does not name %s: %v", want, fields)
		}
	}
}

func asError(err error, e **accord.Error) bool {
	x, ok := err.(*accord.Error)
	*e = x
	return ok
}

func TestPermissions(t *testing.T) {
	s, _ := newService(t)
	in := external.NewReference{Record: req3, System: external.Jira, Key: "SHOP-1"}
	if _, err := s.Add(as("vic", "viewer"), "shop", in); accord.ErrorCode(err) != accord.PermissionDenied {
		t.Errorf("a viewer adds a reference: %v, want permission_denied", err)
	}
	if _, err := s.Add(context.Background(), "shop", in); accord.ErrorCode(err) != accord.Unauthenticated {
		t.Errorf("no actor: %v, want unauthenticated", err)
	}
	r, err := s.Add(as("bob", "backend"), "shop", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(as("vic", "viewer"), "shop", r.ID, r.Revision, external.Content{Status: "Done"}, ""); accord.ErrorCode(err) != accord.PermissionDenied {
		t.Errorf("a viewer edits a reference: %v, want permission_denied", err)
	}
	if err := s.Remove(as("vic", "viewer"), "shop", r.ID, ""); accord.ErrorCode(err) != accord.PermissionDenied {
		t.Errorf("a viewer removes a reference: %v, want permission_denied", err)
	}
	// Removing is deleting: another member needs record.delete, as for a
	// link; the author needs only record.write.
	err = s.Remove(as("alice", "product"), "shop", r.ID, "")
	if perm, _ := accord.MissingPermission(err); accord.ErrorCode(err) != accord.PermissionDenied || perm != accord.PermRecordDelete {
		t.Errorf("another member removes bob's reference: %v, want permission_denied naming record.delete", err)
	}
	if _, err := s.Get(as("vic", "viewer"), "shop", r.ID); err != nil {
		t.Errorf("a viewer reads a reference: %v", err)
	}
	if _, err := s.Get(as("mallory"), "shop", r.ID); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("a non-member reads a reference: %v, want not_found", err)
	}
}

func TestUpdateIsCompareAndSwap(t *testing.T) {
	s, evs := newService(t)
	alice := as("alice", "product")
	r, err := s.Add(alice, "shop", external.NewReference{Record: req3, System: external.PingCode, Key: "SHOP-7", Content: external.Content{Status: "待处理"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	c := external.Content{Status: "进行中", SyncedAt: &now}
	r2, err := s.Update(alice, "shop", r.ID, 1, c, "synced")
	if err != nil || r2.Revision != 2 {
		t.Fatalf("update at the current base: revision %d, %v", r2.Revision, err)
	}
	if _, err := s.Update(alice, "shop", r.ID, 1, external.Content{Status: "已完成"}, ""); accord.ErrorCode(err) != accord.Conflict {
		t.Errorf("update at a stale base: %v, want conflict", err)
	}
	same, err := s.Update(alice, "shop", r.ID, 2, c, "")
	if err != nil || same.Revision != 2 {
		t.Errorf("an unchanged content made revision %d (%v), want none", same.Revision, err)
	}
	if len(*evs) != 2 || (*evs)[0].Kind != external.EventAdded || (*evs)[1].Kind != external.EventUpdated {
		t.Fatalf("events: %+v", *evs)
	}
	for _, e := range *evs {
		if !strings.Contains(e.Summary, "requirement REQ-3") || !strings.Contains(e.Summary, "pingcode SHOP-7") {
			t.Errorf("the summary %q does not name the record and the item", e.Summary)
		}
	}
	if ext := (*evs)[1].External; len(ext) != 1 || ext[0] != (accord.ExternalItem{System: "pingcode", Key: "SHOP-7", Status: "进行中"}) {
		t.Errorf("the update's event carries %+v, want the item with its new status", ext)
	}
	if ext := (*evs)[0].External; len(ext) != 1 || ext[0].Key != "SHOP-7" || ext[0].Status != "待处理" {
		t.Errorf("the add's event carries %+v, want the item", ext)
	}
	if !strings.Contains((*evs)[1].Summary, "进行中") {
		t.Errorf("the update's summary %q does not say the new status", (*evs)[1].Summary)
	}
}

func TestListByRecordAndRemove(t *testing.T) {
	s, evs := newService(t)
	alice := as("alice", "product")
	for _, in := range []external.NewReference{
		{Record: req3, System: external.Jira, Key: "SHOP-1"},
		{Record: req3, System: external.Trello, Key: "5f1a2b3c"},
		{Record: accord.Ref{Kind: "risk", ID: "RISK-1"}, System: external.Jira, Key: "SHOP-2"},
	} {
		if _, err := s.Add(alice, "shop", in); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListByRecord(alice, "shop", req3, accord.PageQuery{})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("REQ-3's references: %d, %v; want 2", len(page.Items), err)
	}
	all, _ := s.List(alice, "shop", external.Filter{}, accord.PageQuery{Size: 2})
	if len(all.Items) != 2 || all.NextPageToken == "" {
		t.Errorf("a page of 2 of 3: %d items, token %q", len(all.Items), all.NextPageToken)
	}
	if err := s.Remove(alice, "shop", page.Items[0].ID, "duplicate"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Find(alice, "shop", external.Jira, "SHOP-1"); accord.ErrorCode(err) != accord.NotFound {
		t.Errorf("Find after Remove: %v, want not_found", err)
	}
	if _, err := s.Add(alice, "shop", external.NewReference{Record: req3, System: external.Jira, Key: "SHOP-1"}); err != nil {
		t.Errorf("adding a removed reference's item again: %v", err)
	}
	last := (*evs)[len(*evs)-2]
	if last.Kind != external.EventRemoved || !strings.Contains(last.Summary, "duplicate") || len(last.External) != 1 || last.External[0].Key != "SHOP-1" {
		t.Errorf("the removal's event: %+v", last)
	}
	if _, err := s.ListByRecord(alice, "shop", accord.Ref{}, accord.PageQuery{}); accord.ErrorCode(err) != accord.Invalid {
		t.Errorf("listing an empty record's references: %v, want invalid", err)
	}
}
