package prof

import (
	"context"
	"fmt"
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
)

const Token = "load-test-token-0123456789abcdef"

func Setup(store string) (http.Handler, string, error) {
	var (
		reqs     requirement.Store
		projects project.Store
		opts     link.Options
	)
	switch store {
	case "memory":
		reqs, projects = memory.NewRequirementStore(), memory.NewProjectStore()
		opts = link.Options{RequirementStore: reqs, ContractStore: memory.NewContractStore(), ReviewStore: memory.NewReviewStore(),
			RiskStore: memory.NewRiskStore(), RetroStore: memory.NewRetroStore()}
	case "sqlite":
		dir, err := os.MkdirTemp("", "accord-load")
		if err != nil {
			return nil, "", err
		}
		s, err := sqlite.Open(filepath.Join(dir, "accord.db"))
		if err != nil {
			return nil, "", err
		}
		if _, err := sqlstore.Migrate(context.Background(), s.DB, s.Dialect); err != nil {
			return nil, "", err
		}
		reqs, projects = s.Requirements, s.Projects
		opts = link.Options{RequirementStore: reqs, ContractStore: s.Contracts, ReviewStore: s.Reviews, RiskStore: s.Risks, RetroStore: s.Retros}
	default:
		return nil, "", fmt.Errorf("unknown store %q (memory or sqlite)", store)
	}
	services, err := link.New(opts)
	if err != nil {
		return nil, "", err
	}
	ps, err := project.NewService(project.Options{Store: projects})
	if err != nil {
		return nil, "", err
	}
	alice := accord.Actor{ID: "alice", Name: "Alice", Roles: []string{"product"}}
	ctx := accord.WithActor(context.Background(), alice)
	if _, err := ps.Create(ctx, project.NewProject{Key: "shop", Name: "Shop"}); err != nil {
		return nil, "", err
	}
	r, err := services.Requirements.Create(ctx, "shop", requirement.Content{
		Title:       "Refund an order within 30 days",
		Goal:        "Fewer refund tickets to support",
		Description: "A customer can ask for a refund of a paid order within 30 days of delivery; the refund reaches the original payment method within 5 working days.",
		Owner:       "alice",
		Labels:      []string{"payments", "orders"},
		Acceptance: []requirement.AcceptanceCriterion{
			{Text: "Given a paid order delivered 10 days ago, when the customer asks for a refund, the refund is issued within 5 working days"},
			{Text: "Given a paid order delivered 31 days ago, when the customer asks for a refund, the request is refused with the reason"},
		},
	}, "first draft")
	if err != nil {
		return nil, "", err
	}
	h, err := httpapi.New(httpapi.Options{Requirements: services.Requirements, Contracts: services.Contracts, Reviews: services.Reviews,
		Risks: services.Risks, Retros: services.Retros, Projects: ps, Promoter: services,
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{Token: alice}),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, "", err
	}
	return h, "/v1/projects/shop/requirements/" + r.Key, nil
}
