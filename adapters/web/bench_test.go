package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/web"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

// benchRequirements is how many requirements the benchmark's project has.
const benchRequirements = 10_000

// BenchmarkConsole measures the server's time to render the requirements
// list (its first page of 50) and one requirement's page, on a project
// with 10,000 requirements, on memory and on SQLite: the whole handler,
// session and membership checks included.
//
//	go test -run XXX -bench Console -benchtime 200x ./adapters/web/
func BenchmarkConsole(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		stores := memory.New()
		benchConsole(b, link.Options{Stores: stores}, stores.Projects, nil)
	})
	b.Run("sqlite", func(b *testing.B) {
		s, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
		require.NoError(b, err)
		b.Cleanup(func() { _ = s.Close() })
		require.NoError(b, sqlite.Migrate(context.Background(), s.DB))
		benchConsole(b, link.Options{Stores: s.Stores}, s.Projects, s.Atomically)
	})
}

func benchConsole(b *testing.B, opts link.Options, projectStore project.Store, atomically func(context.Context, func(context.Context) error) error) {
	projects, err := project.NewService(project.Options{Store: projectStore})
	require.NoError(b, err)
	opts.Authorizer = projects
	s, err := link.New(opts)
	require.NoError(b, err)
	ctx := accord.WithActor(context.Background(), alice)
	_, err = projects.Create(ctx, project.NewProject{Key: "big", Name: "Big"})
	require.NoError(b, err)
	_, err = projects.SetMember(ctx, "big", "alice", project.MemberInput{Roles: []string{project.RoleAdmin, "product"}})
	require.NoError(b, err)
	if atomically == nil {
		atomically = func(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }
	}
	for batch := 0; batch < benchRequirements; batch += 500 {
		require.NoError(b, atomically(ctx, func(ctx context.Context) error {
			for i := batch; i < batch+500; i++ {
				_, err := s.Requirements.Create(ctx, "big", requirement.ContentInput{Content: requirement.Content{Title: fmt.Sprintf("Requirement %d", i+1),
					Description: "A buyer can refund a paid order within 14 days of delivery.", Owner: "alice", Labels: []string{"payments"},
					Acceptance:  []requirement.AcceptanceCriterion{{Text: "A refund after 14 days fails with REFUND_WINDOW_CLOSED", TestRef: "TestRefund"}},
					Exceptions:  []requirement.ExceptionCase{{Condition: "the window closed", Handling: "refuse", ErrorCode: "REFUND_WINDOW_CLOSED"}},
					Performance: []requirement.PerformanceTarget{{Metric: "p99 latency", Comparator: requirement.LessOrEqual, Target: ptr(300), Unit: "ms"}}}})
				if err != nil {
					return err
				}
			}
			return nil
		}))
	}
	h, err := web.New(web.Options{Services: link.Services{Requirements: s.Requirements, Reviews: s.Reviews, Traces: s.Traces, Records: s.Records}, Projects: projects,
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"tok-alice": alice})})
	require.NoError(b, err)
	br := &browser{t: b, h: h, cookies: map[string]*http.Cookie{}}
	br.login("tok-alice")
	for _, page := range []struct{ name, path, want string }{
		{"list", "/projects/big/requirements", "REQ-50"},
		{"requirement", "/projects/big/requirements/REQ-5000", "Requirement 5000"},
	} {
		b.Run(page.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", page.path, nil)
			for _, c := range br.cookies {
				r.AddCookie(c)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			require.Equal(b, http.StatusOK, w.Code)
			require.Contains(b, w.Body.String(), page.want)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", page.path, w.Code)
				}
			}
		})
	}
}

func ptr(v float64) *float64 { return &v }
