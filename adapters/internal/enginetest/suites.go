package enginetest

import (
	"github.com/accordhq/accord"
	"reflect"
	"testing"

	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
	"github.com/accordhq/accord/watch"
	"github.com/accordhq/accord/webhook"
)

// Suites runs every domain's conformance suite on stores that open makes:
// a new, migrated database (or schema) for each call.
func Suites(t *testing.T, open func(testing.TB) *sqlstore.Stores) {
	t.Run("every domain", func(t *testing.T) {
		// A domain added to adapters.Stores without a line in sqlstore.New
		// fails here.
		s := reflect.ValueOf(open(t).Stores)
		for i := range s.NumField() {
			if s.Field(i).IsNil() {
				t.Errorf("sqlstore.New leaves Stores.%s nil", s.Type().Field(i).Name)
			}
		}
	})
	t.Run("requirements", func(t *testing.T) {
		t.Parallel()
		storetest.RequirementStore(t, func(t *testing.T) requirement.Store { return open(t).Requirements })
	})
	t.Run("contracts", func(t *testing.T) {
		t.Parallel()
		storetest.ContractStore(t, func(t *testing.T) contract.Store { return open(t).Contracts })
	})
	t.Run("reviews", func(t *testing.T) {
		t.Parallel()
		storetest.ReviewStore(t, func(t *testing.T) review.Store { return open(t).Reviews })
	})
	t.Run("risks", func(t *testing.T) {
		t.Parallel()
		storetest.RiskStore(t, func(t *testing.T) risk.Store { return open(t).Risks })
	})
	t.Run("retros", func(t *testing.T) {
		t.Parallel()
		storetest.RetroStore(t, func(t *testing.T) retro.Store { return open(t).Retros })
	})
	t.Run("plans", func(t *testing.T) {
		t.Parallel()
		storetest.PlanStore(t, func(t *testing.T) plan.Store { return open(t).Plans })
	})
	t.Run("traces", func(t *testing.T) {
		t.Parallel()
		storetest.TraceStore(t, func(t *testing.T) trace.Store { return open(t).Traces })
	})
	t.Run("webhooks", func(t *testing.T) {
		t.Parallel()
		storetest.WebhookStore(t, func(t *testing.T) webhook.Store { return open(t).Webhooks })
	})
	t.Run("watches", func(t *testing.T) {
		t.Parallel()
		storetest.WatchStore(t, func(t *testing.T) (watch.Store, accord.EventSink) { s := open(t); return s.Watches, s.Outbox() })
	})
	t.Run("external", func(t *testing.T) {
		t.Parallel()
		storetest.ExternalStore(t, func(t *testing.T) external.Store { return open(t).External })
	})
	t.Run("outbox", func(t *testing.T) {
		t.Parallel()
		Outbox(t, open)
	})
	t.Run("webhooks_from_the_outbox", func(t *testing.T) {
		t.Parallel()
		Webhooks(t, open)
	})
	t.Run("projects", func(t *testing.T) {
		t.Parallel()
		storetest.ProjectStore(t, func(t *testing.T) project.Store { return open(t).Projects })
	})
}

// Benchmarks runs the kit's benchmarks and the large-project comparison
// with the floor. relax and restore bracket the bulk load (see Load).
func Benchmarks(b *testing.B, open func(testing.TB) *sqlstore.Stores, relax, restore string) {
	b.Run("kit", func(b *testing.B) {
		storetest.BenchmarkRequirementStore(b, func(b *testing.B) requirement.Store { return open(b).Requirements })
	})
	b.Run("outbox_webhooks", func(b *testing.B) { BenchmarkOutboxWebhooks(b, open) })
	b.Run("relay_filters", func(b *testing.B) { BenchmarkRelayFilters(b, open, relax, restore) })
	b.Run("large_project", func(b *testing.B) {
		s := open(b)
		n := Size()
		Load(b, s, n, relax, restore)
		Requirements(b, s, n)
	})
}
