package external_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/external"
)

var planStates = []string{"not_started", "in_progress", "done", "blocked"}

func jiraConnection() external.Connection {
	return external.Connection{System: external.Jira, Project: "SHOP",
		Rules: []external.Rule{
			{On: "requirement.transitioned", To: "approved", Action: external.Create, Type: "Story"},
			{On: "requirement.transitioned", To: "accepted", Action: external.Move, Status: "Done"},
		},
		StatusMap: []external.StatusMapping{{Status: "In Progress", State: "in_progress"}, {Status: "Done", State: "done"}}}
}

func TestSettingsAdminsOnlyWithCompareAndSwap(t *testing.T) {
	var evs events
	s, err := external.NewService(external.Options{Store: memory.NewExternalStore(), Events: &evs, Authorizer: writers{}, PlanStates: planStates})
	if err != nil {
		t.Fatal(err)
	}
	in := external.Settings{Trackers: []external.Connection{jiraConnection()}}
	if _, err := s.UpdateSettings(as("alice", "product"), "shop", 0, in); accord.ErrorCode(err) != accord.PermissionDenied {
		t.Errorf("a product member sets the tracker rules: %v, want permission_denied", err)
	}
	st, err := s.UpdateSettings(as("ada", "admin"), "shop", 0, in)
	if err != nil || st.Revision != 1 || st.Project != "shop" {
		t.Fatalf("an admin sets the rules: revision %d, %v", st.Revision, err)
	}
	if _, err := s.UpdateSettings(as("ada", "admin"), "shop", 0, in); accord.ErrorCode(err) != accord.Conflict {
		t.Errorf("a second write at base 0: %v, want conflict", err)
	}
	read, err := s.Settings(as("vic", "viewer"), "shop")
	if err != nil || read.Revision != 1 || len(read.Trackers) != 1 {
		t.Fatalf("a viewer reads the rules: %+v, %v", read, err)
	}
	if c, ok := read.Connection(external.Jira); !ok || c.Rules[1].Status != "Done" {
		t.Errorf("the jira connection read back: %+v", c)
	}
	if len(evs) != 1 || evs[0].Kind != external.EventSettingsChanged || !strings.Contains(evs[0].Summary, "revision 1") {
		t.Errorf("events: %+v", evs)
	}
}

func TestSettingsNameEveryBadField(t *testing.T) {
	s, err := external.NewService(external.Options{Store: memory.NewExternalStore(), Authorizer: writers{}, PlanStates: planStates})
	if err != nil {
		t.Fatal(err)
	}
	bad := jiraConnection()
	bad.Rules[1].Action = "delete"
	bad.StatusMap[0].State = "finished"
	second := jiraConnection()
	second.Project = ""
	_, err = s.UpdateSettings(as("ada", "admin"), "shop", 0, external.Settings{Trackers: []external.Connection{bad, second}})
	var e *accord.Error
	if !asError(err, &e) || e.Code != accord.Invalid {
		t.Fatalf("bad rules: %v, want invalid", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	got := strings.Join(fields, ",")
	for _, want := range []string{"trackers[0].rules[1].action", "trackers[0].status_map[0].state", "trackers[1].project", "trackers[1].system"} {
		if !strings.Contains(got, want) {
			t.Errorf("the error does not name %s: %s", want, got)
		}
	}
	if st, _ := s.Settings(as("ada", "admin"), "shop"); st.Revision != 0 {
		t.Errorf("refused settings were stored: revision %d", st.Revision)
	}
}

func TestSyncStateRecordsFailuresAndSuccess(t *testing.T) {
	s, err := external.NewService(external.Options{Store: memory.NewExternalStore(), Authorizer: writers{}})
	if err != nil {
		t.Fatal(err)
	}
	bob := as("bob", "backend")
	if _, err := s.UpdateSettings(as("ada", "admin"), "shop", 0, external.Settings{Trackers: []external.Connection{jiraConnection()}}); err != nil {
		t.Fatal(err)
	}
	states, err := s.SyncStates(bob, "shop")
	if err != nil || len(states) != 1 || states[0].System != external.Jira || states[0].Revision != 0 {
		t.Fatalf("a connected system that never synchronised: %+v, %v", states, err)
	}
	ev := accord.Event{ID: "ev-1", Kind: "requirement.transitioned", Project: "shop", Key: "REQ-3", Title: "退款"}
	f := external.FailedEvent{Event: ev, Record: "REQ-3 退款", Error: "jira create: temporary (HTTP 503)"}
	for range 2 {
		if _, err := s.SyncFailed(bob, "shop", external.Jira, f, true); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.SyncState(bob, "shop", external.Jira)
	if err != nil || len(st.Failed) != 1 || st.Failed[0].Attempts != 2 || st.LastErrorRecord != "REQ-3 退款" || !strings.Contains(st.LastErrorEvent, "ev-1") {
		t.Fatalf("after two failures of one event: %+v, %v", st, err)
	}
	if _, err := s.SyncFailed(as("vic", "viewer"), "shop", external.Jira, f, true); accord.ErrorCode(err) != accord.PermissionDenied {
		t.Errorf("a viewer records a failure: %v, want permission_denied", err)
	}
	if _, err := s.SyncFailed(bob, "shop", external.Jira, external.FailedEvent{}, true); accord.ErrorCode(err) != accord.Invalid {
		t.Errorf("an empty failure: %v, want invalid", err)
	}
	st, err = s.SyncSucceeded(bob, "shop", external.Jira, "ev-1")
	if err != nil || len(st.Failed) != 0 || st.LastError != "" || st.LastSuccess == nil {
		t.Errorf("after the re-run succeeded: %+v, %v", st, err)
	}
	for i := range external.MaxFailed + 3 {
		f.Event.ID = fmt.Sprintf("ev-%d", i+10)
		if _, err := s.SyncFailed(bob, "shop", external.Jira, f, true); err != nil {
			t.Fatal(err)
		}
	}
	st, _ = s.SyncState(bob, "shop", external.Jira)
	if len(st.Failed) != external.MaxFailed || st.Dropped != 3 || st.Failed[0].Event.ID != "ev-13" {
		t.Errorf("the failed list is not bounded: %d listed, %d dropped, first %s", len(st.Failed), st.Dropped, st.Failed[0].Event.ID)
	}
}
