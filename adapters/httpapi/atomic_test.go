package httpapi_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/requirement"
)

// With Atomically, a request that changes something is one unit of work:
// the answer waits for the commit, a failed request keeps nothing, and
// dry runs stay outside.
func TestRequestsAreUnitsOfWork(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "units.db"))
	require.NoError(t, err)
	defer s.Close()
	_, err = sqlstore.Migrate(context.Background(), s.DB, s.Dialect)
	require.NoError(t, err)
	svc, err := requirement.NewService(requirement.Options{Store: s.Requirements, Events: s.Outbox()})
	require.NoError(t, err)
	units := 0
	failed := 0
	h, err := httpapi.New(httpapi.Options{Services: link.Services{Requirements: svc}, Authenticator: httpapi.BearerTokens(map[string]accord.Actor{pmToken: {ID: "alice"}}),
		Atomically: func(ctx context.Context, fn func(context.Context) error) error {
			units++
			err := s.Atomically(ctx, fn)
			if err != nil {
				failed++
			}
			return err
		}})
	require.NoError(t, err)

	created := call(t, h, "POST", "/v1/projects/p/requirements", pmToken, `{"title":"Refund a paid order"}`)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.NotEmpty(t, created.header.Get("ETag"), "headers survive being held back")
	assert.Equal(t, 1, units)
	events, err := s.Events(context.Background(), "p", 0, 10)
	require.NoError(t, err)
	assert.Len(t, events, 1, "the change and its event committed together")

	bad := call(t, h, "PUT", "/v1/projects/p/requirements/REQ-1", pmToken, `{"title":""}`, "If-Match", `"1"`)
	assert.Equal(t, http.StatusBadRequest, bad.status)
	assert.Contains(t, bad.raw, `"field":"title"`, "the problem is answered as ever")
	assert.Equal(t, 1, failed, "a failed request's unit is rolled back")

	lint := call(t, h, "POST", "/v1/projects/p/lint", pmToken, `{"title":"Fast refunds etc."}`)
	require.Equal(t, http.StatusOK, lint.status, lint.raw)
	assert.Equal(t, 2, units, "a dry run is no unit of work")
	got := call(t, h, "GET", "/v1/projects/p/requirements/REQ-1", pmToken, "")
	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, 2, units, "nor is a read")

	broken, err := httpapi.New(httpapi.Options{Services: link.Services{Requirements: svc}, Authenticator: httpapi.BearerTokens(map[string]accord.Actor{pmToken: {ID: "alice"}}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Atomically: func(ctx context.Context, fn func(context.Context) error) error {
			if err := fn(ctx); err != nil {
				return err
			}
			return errors.New("the commit failed")
		}})
	require.NoError(t, err)
	lost := call(t, broken, "POST", "/v1/projects/p/requirements", pmToken, `{"title":"Never acknowledged"}`)
	assert.Equal(t, http.StatusInternalServerError, lost.status, "a client never hears of a change that was not kept")
}
