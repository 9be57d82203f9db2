package httpapi

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
)

// Trackers re-runs a project's failed syncs with one tracker: what POST
// /v1/projects/{project}/trackers/{system}/sync does. adapters/tracker's
// Relay is one.
type Trackers interface {
	// Rerun delivers again every event that failed to reach system and
	// answers what it did. The caller needs record.write.
	Rerun(ctx context.Context, project, system string) (external.Rerun, error)
}

// trackerSettingsBody is the body of PUT /settings/trackers: the
// connections; the project and stamp come from the path and the server.
type trackerSettingsBody struct {
	Trackers []external.Connection `json:"trackers"`
}

// trackerStatus is one tracker a project is connected to or has
// synchronised with: its connection (absent when it was removed from the
// settings), a one-line summary, and its sync state.
type trackerStatus struct {
	System     string               `json:"system"`
	Summary    string               `json:"summary"`
	Connection *external.Connection `json:"connection,omitempty"`
	Sync       external.SyncState   `json:"sync"`
}

func trackerEndpoints() []endpoint {
	const p = base
	return []endpoint{
		{id: "getTrackerSettings", method: "GET", path: p + "/settings/trackers", summary: "The project's tracker connections: system, tracker project, labels, rules and status map",
			status: 200, result: external.Settings{}, etag: true,
			handle: read(func(c in) (external.Settings, error) { return c.external.Settings(c.ctx(), c.project()) })},
		{id: "putTrackerSettings", method: "PUT", path: p + "/settings/trackers", summary: "Replace the project's tracker connections (admins; If-Match: \"0\" when never set)",
			body: trackerSettingsBody{}, ifMatch: true, status: 200, result: external.Settings{}, etag: true,
			handle: update(0, func(c in, base int, b trackerSettingsBody) (external.Settings, error) {
				return c.external.UpdateSettings(c.ctx(), c.project(), base, external.Settings{Trackers: b.Trackers})
			})},
		{id: "listTrackers", method: "GET", path: p + "/trackers", summary: "Each connected tracker: its connection, last successful sync, last error and the events awaiting a re-run",
			status: 200, result: items[trackerStatus]{},
			handle: read(func(c in) (items[trackerStatus], error) { return list(trackerStatuses(c)) })},
		{id: "syncTracker", method: "POST", outsideUnit: true, path: p + "/trackers/{system}/sync", summary: "Re-run the failed syncs with one tracker now; answers what each event did",
			status: 200, result: external.Rerun{},
			handle: read(func(c in) (external.Rerun, error) {
				if c.trackers == nil {
					return external.Rerun{}, accord.Errorf(accord.Unimplemented, "this server delivers to no tracker: it was started without connectors")
				}
				return c.trackers.Rerun(c.ctx(), c.project(), c.path("system"))
			})},
	}
}

func trackerStatuses(c in) ([]trackerStatus, error) {
	st, err := c.external.Settings(c.ctx(), c.project())
	if err != nil {
		return nil, err
	}
	syncs, err := c.external.SyncStates(c.ctx(), c.project())
	if err != nil {
		return nil, err
	}
	out := make([]trackerStatus, 0, len(syncs))
	for _, s := range syncs {
		t := trackerStatus{System: s.System, Sync: s}
		if conn, ok := st.Connection(s.System); ok {
			t.Connection = &conn
			t.Summary = fmt.Sprintf("%s project %s: %d rule(s), %d status mapping(s)", s.System, conn.Project, len(conn.Rules), len(conn.StatusMap))
		} else {
			t.Summary = s.System + ": no longer connected"
		}
		switch {
		case s.LastError != "":
			t.Summary += fmt.Sprintf("; last error about %s: %s", s.LastErrorRecord, s.LastError)
		case s.LastSuccess != nil:
			t.Summary += "; last sync " + s.LastSuccess.UTC().Format("2006-01-02 15:04:05Z")
		default:
			t.Summary += "; never synchronised"
		}
		if n := len(s.Failed); n > 0 {
			t.Summary += fmt.Sprintf("; %d event(s) await a re-run", n+s.Dropped)
		}
		out = append(out, t)
	}
	return out, nil
}
