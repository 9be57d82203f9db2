package memory_test

import (
	"github.com/accordhq/accord"
	"testing"

	"github.com/accordhq/accord/adapters/memory"
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

func TestRequirementStore(t *testing.T) {
	storetest.RequirementStore(t, func(*testing.T) requirement.Store { return memory.NewRequirementStore() })
}

func TestContractStore(t *testing.T) {
	storetest.ContractStore(t, func(*testing.T) contract.Store { return memory.NewContractStore() })
}

func TestExternalStore(t *testing.T) {
	storetest.ExternalStore(t, func(*testing.T) external.Store { return memory.NewExternalStore() })
}

func TestRetroStore(t *testing.T) {
	storetest.RetroStore(t, func(*testing.T) retro.Store { return memory.NewRetroStore() })
}

func TestRiskStore(t *testing.T) {
	storetest.RiskStore(t, func(*testing.T) risk.Store { return memory.NewRiskStore() })
}

func TestProjectStore(t *testing.T) {
	storetest.ProjectStore(t, func(*testing.T) project.Store { return memory.NewProjectStore() })
}

func TestReviewStore(t *testing.T) {
	storetest.ReviewStore(t, func(*testing.T) review.Store { return memory.NewReviewStore() })
}

func TestPlanStore(t *testing.T) {
	storetest.PlanStore(t, func(*testing.T) plan.Store { return memory.NewPlanStore() })
}

func TestWatchStore(t *testing.T) {
	storetest.WatchStore(t, func(*testing.T) (watch.Store, accord.EventSink) { s := memory.NewWatchStore(); return s, s })
}

func TestWebhookStore(t *testing.T) {
	storetest.WebhookStore(t, func(*testing.T) webhook.Store { return memory.NewWebhookStore() })
}

func TestTraceStore(t *testing.T) {
	storetest.TraceStore(t, func(*testing.T) trace.Store { return memory.NewTraceStore() })
}

func BenchmarkRequirementStore(b *testing.B) {
	storetest.BenchmarkRequirementStore(b, func(*testing.B) requirement.Store { return memory.NewRequirementStore() })
}

func BenchmarkContractStore(b *testing.B) {
	storetest.BenchmarkContractStore(b, func(*testing.B) contract.Store { return memory.NewContractStore() })
}

func BenchmarkReviewStore(b *testing.B) {
	storetest.BenchmarkReviewStore(b, func(*testing.B) review.Store { return memory.NewReviewStore() })
}
