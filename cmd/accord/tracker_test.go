package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/adapters/tracker/jira"
	"github.com/accordhq/accord/adapters/tracker/jira/jiratest"
	"github.com/accordhq/accord/adapters/tracker/pingcode/pingcodetest"
)

const jiraSecret = "a-shared-secret-for-jira"

// startWithTrackers runs the server on SQLite connected to the two fakes,
// with short retry waits and a fast PingCode poller.
func startWithTrackers(t *testing.T, j *jiratest.Server, p *pingcodetest.Server) (running, string, string) {
	t.Helper()
	const pm, dev = "trk-pm-token", "trk-dev-token"
	srv := start(t, filepath.Join(t.TempDir(), "accord.db"), "alice:product:"+pm+",bob:backend:"+dev, func(o *serveOptions) {
		o.trackers = trackerOptions{jiraURL: j.URL, jiraEmail: j.Email, jiraToken: j.APIToken, jiraSecret: jiraSecret,
			pingURL: p.URL, pingID: p.ClientID, pingSecret: p.ClientSecret,
			pollEvery: 50 * time.Millisecond, retry: tracker.RetryOptions{Backoff: 10 * time.Millisecond, MaxWait: 5 * time.Second},
			http: &http.Client{Timeout: 2 * time.Second}}
	})
	t.Cleanup(srv.stop)
	return srv, pm, dev
}

// etag reads a record's revision.
func etag(t *testing.T, url, token string) string {
	t.Helper()
	res := do(t, "GET", url, token, "", nil)
	require.Equal(t, 200, res.StatusCode, url)
	return res.Header.Get("ETag")
}

// approveREQ3 approves the demo's REQ-3 through the API: its review RV-2
// is assessed and approved, then engineering approves the requirement.
func approveREQ3(t *testing.T, url, pm, dev string) {
	t.Helper()
	const p = "/v1/projects/demo"
	res := do(t, "POST", url+p+"/reviews/RV-2/assessments", dev, `{"round":1,"feasibility":"feasible","difficulty":2,"effort_days":3}`, nil)
	require.Equal(t, 200, res.StatusCode)
	for _, tok := range []string{pm, dev} {
		require.Equal(t, 200, do(t, "POST", url+p+"/reviews/RV-2/verdicts", tok, `{"round":1,"decision":"approve"}`, nil).StatusCode)
	}
	res = do(t, "POST", url+p+"/requirements/REQ-3/transitions", dev, `{"to":"approved","reason":"reviewed"}`, nil, "If-Match", etag(t, url+p+"/requirements/REQ-3", dev))
	require.Equal(t, 200, res.StatusCode)
}

// webhook sends Jira's jira:issue_updated for key, signed with the secret.
func jiraWebhook(t *testing.T, url, key, from, to string, at time.Time, secret string) int {
	t.Helper()
	body := jiratest.IssueUpdated(key, from, to, at)
	req, err := http.NewRequest("POST", url+"/v1/projects/demo/trackers/jira/webhook", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature", jira.Sign(secret, body))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

type iterationView struct {
	Key   string `json:"key"`
	Items []struct {
		Ref   struct{ Kind, ID string } `json:"ref"`
		State string                    `json:"state"`
	} `json:"items"`
}

func itemState(t *testing.T, url, token, reqID string) string {
	t.Helper()
	var it iterationView
	require.Equal(t, 200, do(t, "GET", url+"/v1/projects/demo/iterations/IT-1", token, "", &it).StatusCode)
	for _, x := range it.Items {
		if x.Ref.ID == reqID {
			return x.State
		}
	}
	return ""
}

// TestTrackersKeepInStepBothWays is the issue's must-show, end to end
// through the server against the Jira and PingCode fakes: an approved
// requirement makes exactly one Jira issue and one PingCode work item
// though the first create of each loses its answer; a Jira webhook and
// the PingCode poller move the plan item, as the connector's actor; a
// change made in both places is a conflict shown in GET /trackers and on
// the reference, the plan item left as accord had it; a failed delivery
// waits in the sync state until a re-run delivers it, the rate limit Jira
// answers with waited out as its Retry-After says.
func TestTrackersKeepInStepBothWays(t *testing.T) {
	j, p := jiratest.New(), pingcodetest.New()
	defer j.Close()
	defer p.Close()
	srv, pm, dev := startWithTrackers(t, j, p)
	const base = "/v1/projects/demo"

	rules := `{"trackers":[
	 {"system":"jira","project":"SHOP","labels":["accord"],"rules":[
	   {"on":"requirement.transitioned","to":"approved","action":"create","type":"Story"},
	   {"on":"requirement.transitioned","to":"in_development","action":"comment","template":"{{.Record.Key}} is in development"}],
	  "status_map":[{"status":"To Do","state":"not_started"},{"status":"In Progress","state":"in_progress"},{"status":"Done","state":"done"}]},
	 {"system":"pingcode","project":"p1","rules":[{"on":"requirement.transitioned","to":"approved","action":"create","type":"story"}],
	  "status_map":[{"status":"In Progress","state":"in_progress"},{"status":"Done","state":"done"}]}]}`
	bad := do(t, "PUT", srv.url+base+"/settings/trackers", pm, strings.Replace(rules, `"action":"comment"`, `"action":"delete"`, 1), nil, "If-Match", `"0"`)
	require.Equal(t, 400, bad.StatusCode)
	require.Equal(t, 403, do(t, "PUT", srv.url+base+"/settings/trackers", dev, rules, nil, "If-Match", `"0"`).StatusCode, "bob is not an admin")
	// The admin stores them with the CLI, through the API; bad rules are
	// refused naming the field, and nothing is stored.
	badFile := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(badFile, []byte(strings.Replace(rules, `"action":"comment"`, `"action":"delete"`, 1)), 0o600))
	var refused bytes.Buffer
	err := command(context.Background(), []string{"tracker", "rules", "-server", srv.url, "-project", "demo", "-token", pm, "-set", badFile}, &refused, quiet)
	var exit exitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.code)
	assert.Contains(t, refused.String(), "trackers[0].rules[1].action: must be create, comment or move")
	file := filepath.Join(t.TempDir(), "rules.json")
	require.NoError(t, os.WriteFile(file, []byte(rules), 0o600))
	var out bytes.Buffer
	require.NoError(t, command(context.Background(), []string{"tracker", "rules", "-server", srv.url, "-project", "demo", "-token", pm, "-set", file}, &out, quiet))
	assert.Contains(t, out.String(), "stored the tracker settings of demo as revision 1")
	out.Reset()
	require.NoError(t, command(context.Background(), []string{"tracker", "rules", "-server", srv.url, "-project", "demo", "-token", dev}, &out, quiet))
	assert.Contains(t, out.String(), `"action": "create"`)

	// The first create of each tracker loses its answer (a timeout).
	j.LoseCreateResponses(1)
	p.LoseCreateResponses(1)
	approveREQ3(t, srv.url, pm, dev)
	const title = "Export invoices as CSV"
	count := func() (int, int, string) {
		var nj, np int
		var key string
		for _, is := range j.Issues() {
			if is.Summary == title {
				nj++
				key = is.Key
			}
		}
		for _, wi := range p.Items() {
			if wi.Title == title {
				np++
			}
		}
		return nj, np, key
	}
	require.Eventually(t, func() bool { nj, np, _ := count(); return nj > 0 && np > 0 }, 20*time.Second, 20*time.Millisecond, "REQ-3 reached neither tracker")
	time.Sleep(300 * time.Millisecond) // a second create, if there were one, would be here by now
	nj, np, key := count()
	assert.Equal(t, 1, nj, "exactly one Jira issue for REQ-3")
	assert.Equal(t, 1, np, "exactly one PingCode work item for REQ-3")

	var refs struct {
		Items []struct {
			ID, System, Key string
			RecordName      string `json:"record_name"`
			SyncError       string `json:"sync_error"`
			Record          struct{ Kind, ID string }
		} `json:"items"`
	}
	require.Eventually(t, func() bool {
		do(t, "GET", srv.url+base+"/records/requirement/REQ-3/external-references", dev, "", &refs)
		return len(refs.Items) == 2
	}, 10*time.Second, 20*time.Millisecond, "REQ-3's references to its two items")
	var req3ID string
	for _, r := range refs.Items {
		req3ID = r.Record.ID
		assert.Equal(t, "REQ-3", r.RecordName, "the reference names the record by key")
		if r.System == "jira" {
			assert.Equal(t, key, r.Key)
		}
	}

	// Scheduled in IT-1, the item moves when Jira says so.
	res := do(t, "POST", srv.url+base+"/iterations/IT-1/items", pm, `{"ref":{"kind":"requirement","id":"REQ-3"},"assignees":["bob"]}`, nil,
		"If-Match", etag(t, srv.url+base+"/iterations/IT-1", pm))
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "not_started", itemState(t, srv.url, dev, req3ID))
	now := time.Now().UTC()
	assert.Equal(t, 401, jiraWebhook(t, srv.url, key, "To Do", "In Progress", now, "not-the-secret-at-all"), "a wrong signature")
	require.Equal(t, 204, jiraWebhook(t, srv.url, key, "To Do", "In Progress", now, jiraSecret))
	assert.Equal(t, "in_progress", itemState(t, srv.url, dev, req3ID), "the Jira transition moved the plan item")
	var it struct {
		UpdatedBy string `json:"updated_by"`
	}
	require.Equal(t, 200, do(t, "GET", srv.url+base+"/iterations/IT-1", dev, "", &it).StatusCode)
	assert.Equal(t, "tracker:jira", it.UpdatedBy, "a revision by the connector's actor")

	// PingCode has no webhooks: the poller reads the item and moves the plan item.
	for _, wi := range p.Items() {
		if wi.Title == title {
			p.SetState(wi.ID, "s3", time.Now().UTC().Add(time.Second))
		}
	}
	require.Eventually(t, func() bool { return itemState(t, srv.url, dev, req3ID) == "done" }, 10*time.Second, 50*time.Millisecond, "the poller moved the plan item")

	// Changed in both places since the last sync: a conflict, not applied.
	require.Equal(t, 200, do(t, "POST", srv.url+base+"/iterations/IT-1/item-states", dev, `{"ref":{"kind":"requirement","id":"REQ-3"},"state":"blocked","note":"waiting for finance"}`, nil).StatusCode)
	require.Equal(t, 204, jiraWebhook(t, srv.url, key, "In Progress", "Done", time.Now().UTC().Add(2*time.Second), jiraSecret))
	assert.Equal(t, "blocked", itemState(t, srv.url, dev, req3ID), "the accord change stands")
	var status struct {
		Items []struct {
			System, Summary string
			Sync            struct {
				LastError       string `json:"last_error"`
				LastErrorRecord string `json:"last_error_record"`
			} `json:"sync"`
		} `json:"items"`
	}
	require.Equal(t, 200, do(t, "GET", srv.url+base+"/trackers", dev, "", &status).StatusCode)
	var jiraErr string
	for _, s := range status.Items {
		if s.System == "jira" {
			jiraErr = s.Sync.LastError
			assert.Contains(t, s.Sync.LastErrorRecord, "REQ-3", "the error names the record by key")
			assert.Contains(t, s.Summary, "last error about REQ-3")
		}
	}
	assert.Contains(t, jiraErr, "conflict on REQ-3")
	do(t, "GET", srv.url+base+"/external-references?system=jira&record_kind=requirement&record_id=REQ-3", dev, "", &refs)
	require.Len(t, refs.Items, 1)
	assert.Contains(t, refs.Items[0].SyncError, "conflict", "the reference shows the conflict")

	// A delivery Jira refuses (credentials revoked) waits for a re-run.
	token := j.APIToken
	j.APIToken = "revoked"
	res = do(t, "POST", srv.url+base+"/requirements/REQ-3/transitions", dev, `{"to":"in_development","reason":"started"}`, nil,
		"If-Match", etag(t, srv.url+base+"/requirements/REQ-3", dev))
	require.Equal(t, 200, res.StatusCode)
	var one struct {
		Items []struct {
			System string
			Sync   struct {
				LastError string `json:"last_error"`
				Failed    []struct {
					Record string `json:"record"`
					Error  string `json:"error"`
				} `json:"failed"`
			} `json:"sync"`
		} `json:"items"`
	}
	require.Eventually(t, func() bool {
		do(t, "GET", srv.url+base+"/trackers", dev, "", &one)
		for _, s := range one.Items {
			if s.System == "jira" && len(s.Sync.Failed) == 1 {
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "the refused comment awaits a re-run")
	for _, s := range one.Items {
		if s.System == "jira" {
			assert.Contains(t, s.Sync.Failed[0].Record, "REQ-3 Export invoices as CSV")
			assert.Contains(t, s.Sync.Failed[0].Error, "unauthorized")
		}
	}
	j.APIToken = token
	out.Reset()
	err = command(context.Background(), []string{"tracker", "status", "-server", srv.url, "-project", "demo", "-token", dev}, &out, quiet)
	require.ErrorAs(t, err, &exit, "a tracker with an error fails the status")
	assert.Equal(t, 1, exit.code)
	assert.Contains(t, out.String(), "awaiting a re-run: REQ-3 Export invoices as CSV (requirement.transitioned")
	// Jira answers the re-run's first call with 429 and Retry-After: 1, as
	// Atlassian documents it; the connector waits that long and goes on.
	j.RateLimit(1, "1", "")
	began := time.Now()
	out.Reset()
	require.NoError(t, command(context.Background(), []string{"tracker", "sync", "-server", srv.url, "-project", "demo", "-token", dev, "-system", "jira"}, &out, quiet))
	assert.GreaterOrEqual(t, time.Since(began), time.Second, "the re-run waited out Retry-After")
	assert.Contains(t, out.String(), "delivered REQ-3 Export invoices as CSV (requirement.transitioned): comment "+key)
	assert.Contains(t, out.String(), "jira: 1 delivered, 0 failed")
	var comments []string
	for _, is := range j.Issues() {
		if is.Key == key {
			comments = is.Comments
		}
	}
	assert.Equal(t, []string{"REQ-3 is in development"}, comments, "the re-run comments once")
	do(t, "GET", srv.url+base+"/trackers", dev, "", &one)
	for _, s := range one.Items {
		if s.System == "jira" {
			assert.Empty(t, s.Sync.Failed, "nothing awaits a re-run")
		}
	}
}

func TestTrackerConfigurationIsCheckedAtStart(t *testing.T) {
	for _, tc := range []struct {
		o    trackerOptions
		want string
	}{
		{trackerOptions{jiraEmail: "pm@example.com", jiraToken: "t"}, "-jira-url (or ACCORD_JIRA_URL)"},
		{trackerOptions{jiraURL: "https://x.atlassian.net", jiraEmail: "pm@example.com"}, "ACCORD_JIRA_TOKEN"},
		{trackerOptions{jiraURL: "https://x.atlassian.net"}, "ACCORD_JIRA_EMAIL"},
		{trackerOptions{jiraURL: "https://x.atlassian.net", jiraBearer: "b", jiraEmail: "e"}, "ACCORD_JIRA_BEARER"},
		{trackerOptions{jiraURL: "https://x.atlassian.net", jiraBearer: "b", jiraSecret: "short"}, "ACCORD_JIRA_WEBHOOK_SECRET"},
		{trackerOptions{pingURL: "https://open.pingcode.com", pingID: "id"}, "ACCORD_PINGCODE_CLIENT_SECRET"},
		{trackerOptions{pingID: "id", pingSecret: "s"}, "ACCORD_PINGCODE_URL"},
	} {
		_, err := tc.o.connectors()
		if assert.Error(t, err, "%+v", tc.o) {
			assert.Contains(t, err.Error(), tc.want)
		}
	}
	conns, err := trackerOptions{}.connectors()
	assert.NoError(t, err)
	assert.Empty(t, conns, "no tracker configured: none")
	conns, err = trackerOptions{jiraURL: "https://x.atlassian.net", jiraBearer: "b", pingURL: "https://open.pingcode.com", pingID: "i", pingSecret: "s"}.connectors()
	require.NoError(t, err)
	assert.Len(t, conns, 2)
}

// TestTrackersOnMemoryDeliverInTheBackground: on the memory backend an
// approved requirement reaches Jira without an outbox, once.
func TestTrackersOnMemoryDeliverInTheBackground(t *testing.T) {
	j := jiratest.New()
	defer j.Close()
	const pm, dev = "mem-pm-token", "mem-dev-token"
	srv := start(t, "memory", "alice:product:"+pm+",bob:backend:"+dev, func(o *serveOptions) {
		o.trackers = trackerOptions{jiraURL: j.URL, jiraEmail: j.Email, jiraToken: j.APIToken,
			retry: tracker.RetryOptions{Backoff: 10 * time.Millisecond}, http: &http.Client{Timeout: 2 * time.Second}}
	})
	defer srv.stop()
	rules := `{"trackers":[{"system":"jira","project":"SHOP","rules":[{"on":"requirement.transitioned","to":"approved","action":"create","type":"Story"}]}]}`
	require.Equal(t, 200, do(t, "PUT", srv.url+"/v1/projects/demo/settings/trackers", pm, rules, nil, "If-Match", `"0"`).StatusCode)
	assert.Equal(t, 404, do(t, "POST", srv.url+"/v1/projects/demo/trackers/jira/webhook", "", "{}", nil).StatusCode,
		"no webhook receiver without ACCORD_JIRA_WEBHOOK_SECRET")
	approveREQ3(t, srv.url, pm, dev)
	require.Eventually(t, func() bool {
		n := 0
		for _, is := range j.Issues() {
			if is.Summary == "Export invoices as CSV" {
				n++
			}
		}
		return n == 1
	}, 10*time.Second, 20*time.Millisecond, "one Jira issue for REQ-3")
	var status struct {
		Items []struct {
			System string
			Sync   struct {
				LastSuccess *time.Time `json:"last_success"`
			} `json:"sync"`
		} `json:"items"`
	}
	require.Eventually(t, func() bool {
		do(t, "GET", srv.url+"/v1/projects/demo/trackers", dev, "", &status)
		return len(status.Items) == 1 && status.Items[0].Sync.LastSuccess != nil
	}, 10*time.Second, 20*time.Millisecond, "the sync state records the delivery")
}
