package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/external"
)

// rerunner re-runs nothing in a tracker: it marks every failed event
// delivered, through the external service, as a relay does on success.
type rerunner struct{ refs *external.Service }

func (r rerunner) Rerun(ctx context.Context, project, system string) (external.Rerun, error) {
	st, err := r.refs.Pending(ctx, project, system)
	if err != nil {
		return external.Rerun{}, err
	}
	out := external.Rerun{Project: project, System: system, Events: []external.RerunEvent{}}
	for _, f := range st.Failed {
		if st, err = r.refs.SyncSucceeded(ctx, project, system, f.Event.ID); err != nil {
			return out, err
		}
		out.Delivered++
		out.Events = append(out.Events, external.RerunEvent{Event: f.Event.ID, Kind: f.Event.Kind, Record: f.Record, Outcome: "delivered"})
	}
	out.State = st
	return out, nil
}

func TestTrackerRoutes(t *testing.T) {
	h, _ := newProjectAPI(t)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", "/v1/projects", pmToken, `{"key":"shop","name":"Shop"}`).status)
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/members/bob", pmToken, `{"roles":["backend"]}`).status)
	const p = "/v1/projects/shop"
	never := call(t, h, "GET", p+"/settings/trackers", devToken, "")
	require.Equal(t, http.StatusOK, never.status, never.raw)
	assert.Equal(t, `"0"`, never.header.Get("ETag"))

	rules := `{"trackers":[{"system":"jira","project":"SHOP","rules":[{"on":"requirement.transitioned","to":"approved","action":"create","type":"Story"},{"on":"requirement.transitioned","action":"delete"}],"status_map":[{"status":"Done","state":"done"}]}]}`
	bad := call(t, h, "PUT", p+"/settings/trackers", pmToken, rules, "If-Match", `"0"`)
	assert.Equal(t, http.StatusBadRequest, bad.status, bad.raw)
	assert.Contains(t, bad.raw, `"field":"trackers[0].rules[1].action"`)
	good := `{"trackers":[{"system":"jira","project":"SHOP","rules":[{"on":"requirement.transitioned","to":"approved","action":"create","type":"Story"}],"status_map":[{"status":"Done","state":"done"}]}]}`
	assert.Equal(t, http.StatusForbidden, call(t, h, "PUT", p+"/settings/trackers", devToken, good, "If-Match", `"0"`).status, "only admins set the rules")
	assert.Equal(t, http.StatusPreconditionRequired, call(t, h, "PUT", p+"/settings/trackers", pmToken, good).status)
	set := call(t, h, "PUT", p+"/settings/trackers", pmToken, good, "If-Match", `"0"`)
	require.Equal(t, http.StatusOK, set.status, set.raw)
	assert.Equal(t, `"1"`, set.header.Get("ETag"))
	assert.Equal(t, http.StatusPreconditionFailed, call(t, h, "PUT", p+"/settings/trackers", pmToken, good, "If-Match", `"0"`).status, "stale")

	listed := call(t, h, "GET", p+"/trackers", devToken, "")
	require.Equal(t, http.StatusOK, listed.status, listed.raw)
	assert.Contains(t, listed.raw, `"system":"jira"`)
	assert.Contains(t, listed.raw, "jira project SHOP: 1 rule(s), 1 status mapping(s); never synchronised")

	run := call(t, h, "POST", p+"/trackers/jira/sync", devToken, "")
	require.Equal(t, http.StatusOK, run.status, run.raw)
	assert.Equal(t, float64(0), run.body["delivered"])
	assert.Equal(t, http.StatusBadRequest, call(t, h, "POST", p+"/trackers/Jira!/sync", devToken, "").status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", p+"/trackers", carolToken, "").status, "not a member")
	assert.Equal(t, http.StatusNotFound, call(t, h, "POST", p+"/trackers/jira/sync", carolToken, "").status, "not a member")
}
