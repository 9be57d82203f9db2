package main

import (
	"context"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/project"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The server's periodic jobs write in every project as the actor accord;
// a caller who merely names itself accord is no member anywhere.
func TestServerJobsActInEveryProjectAndNobodyElseDoes(t *testing.T) {
	ctx := context.Background()
	b, err := openBackend(ctx, "memory")
	require.NoError(t, err)
	services, err := b.services(nil)
	require.NoError(t, err)
	projects, err := project.NewService(project.Options{Store: b.Projects})
	require.NoError(t, err)
	_, err = seedOnce(ctx, projects, services, b)
	require.NoError(t, err)

	job := serverJob(ctx)
	_, err = services.Risks.NotifyDue(job, "demo", time.Now().UTC())
	assert.NoError(t, err, "review-due notices")
	_, err = services.Plans.CheckSlips(job, "demo")
	assert.NoError(t, err, "milestone forecasts")
	_, err = services.Traces.Recheck(job, "demo")
	assert.NoError(t, err, "link recheck")

	forged := accord.WithActor(ctx, serverActor)
	_, err = services.Risks.NotifyDue(forged, "demo", time.Now().UTC())
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "an actor named accord without the server's context is no member")
	_, err = services.Traces.Recheck(forged, "demo")
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
}
