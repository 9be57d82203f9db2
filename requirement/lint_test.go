package requirement_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

type hit struct{ Rule, Path string }

func lintHits(c requirement.Content, terms []requirement.Term) []hit {
	var out []hit
	for _, f := range requirement.Lint(c, terms) {
		out = append(out, hit{f.Rule, f.Path})
	}
	return out
}

func TestLintCleanRequirementHasNoFindings(t *testing.T) {
	assert.Empty(t, requirement.Lint(goodContent(), nil))
}

func TestLintRules(t *testing.T) {
	glossary := []requirement.Term{
		{Term: "order", Forbidden: []string{"deal", "transaction"}},
		{Term: "订单", Forbidden: []string{"单子"}},
	}
	for _, tc := range []struct {
		name string
		edit func(*requirement.Content)
		want []hit
		sev  requirement.Severity
	}{
		{"no acceptance criteria", func(c *requirement.Content) { c.Acceptance = nil },
			[]hit{{requirement.RuleAcceptanceMissing, "acceptance_criteria"}}, requirement.SeverityError},
		{"no exception handling", func(c *requirement.Content) { c.Exceptions = nil },
			[]hit{{requirement.RuleExceptionsMissing, "exceptions"}}, requirement.SeverityWarning},
		{"performance without number", func(c *requirement.Content) { c.Performance[0].Target = nil },
			[]hit{{requirement.RulePerformanceNoNumber, "performance[0].target"}}, requirement.SeverityError},
		{"performance without unit", func(c *requirement.Content) { c.Performance[0].Unit = "" },
			[]hit{{requirement.RulePerformanceNoUnit, "performance[0].unit"}}, requirement.SeverityError},
		{"duplicate criterion id", func(c *requirement.Content) { c.Acceptance[1].ID = "AC-1" },
			[]hit{{requirement.RuleCriterionDuplicateID, "acceptance_criteria[1].id"}}, requirement.SeverityError},
		{"unverifiable criterion (English)", func(c *requirement.Content) { c.Acceptance[0].Text = "Refund flow works nicely" },
			[]hit{{requirement.RuleCriterionUnverifiable, "acceptance_criteria[0].text"}}, requirement.SeverityError},
		{"unverifiable criterion (Chinese)", func(c *requirement.Content) { c.Acceptance[0].Text = "退款体验好" },
			[]hit{{requirement.RuleCriterionUnverifiable, "acceptance_criteria[0].text"}}, requirement.SeverityError},
		{"verifiable Chinese criterion passes", func(c *requirement.Content) {
			c.Acceptance[0].Text = "退款成功后，订单状态应显示为已退款"
		}, nil, ""},
		{"vague English word", func(c *requirement.Content) { c.Description = "The refund page must load fast." },
			[]hit{{requirement.RuleVagueWording, "description"}}, requirement.SeverityWarning},
		{"vague English phrase", func(c *requirement.Content) { c.Goal = "Pay back as soon as possible" },
			[]hit{{requirement.RuleVagueWording, "goal"}}, requirement.SeverityWarning},
		{"vague English, case and punctuation", func(c *requirement.Content) { c.Flow[0].Action = "Buyer picks card, wallet, etc." },
			[]hit{{requirement.RuleVagueWording, "flow[0].action"}}, requirement.SeverityWarning},
		{"user-friendly", func(c *requirement.Content) { c.Scenarios[0].Outcome = "a User-Friendly refusal" },
			[]hit{{requirement.RuleVagueWording, "scenarios[0].outcome"}}, requirement.SeverityWarning},
		{"English words match whole words only", func(c *requirement.Content) { c.Description = "Breakfast orders use steadfast appropriation rules." }, nil, ""},
		{"vague Chinese 尽快", func(c *requirement.Content) { c.Goal = "尽快退款给买家" },
			[]hit{{requirement.RuleVagueWording, "goal"}}, requirement.SeverityWarning},
		{"vague Chinese 友好", func(c *requirement.Content) { c.Scenarios[0].Outcome = "提示要友好" },
			[]hit{{requirement.RuleVagueWording, "scenarios[0].outcome"}}, requirement.SeverityWarning},
		{"vague Chinese 等 and 适当", func(c *requirement.Content) { c.Exceptions[0].Handling = "支付宝、微信等渠道适当重试" },
			[]hit{{requirement.RuleVagueWording, "exceptions[0].handling"}, {requirement.RuleVagueWording, "exceptions[0].handling"}}, requirement.SeverityWarning},
		{"vague Chinese 大概", func(c *requirement.Content) { c.Background = "大概每天一百单" },
			[]hit{{requirement.RuleVagueWording, "background"}}, requirement.SeverityWarning},
		{"等 inside 等待 and 等于 is not vague", func(c *requirement.Content) { c.Description = "等待支付时金额等于订单金额" }, nil, ""},
		{"English next to Chinese", func(c *requirement.Content) { c.Description = "接口要fast" },
			[]hit{{requirement.RuleVagueWording, "description"}}, requirement.SeverityWarning},
		{"forbidden synonym (English)", func(c *requirement.Content) { c.Description = "A refunded Deal keeps its number." },
			[]hit{{requirement.RuleForbiddenSynonym, "description"}}, requirement.SeverityWarning},
		{"forbidden synonym (Chinese)", func(c *requirement.Content) { c.Title = "退款单子" },
			[]hit{{requirement.RuleForbiddenSynonym, "title"}}, requirement.SeverityWarning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := goodContent()
			tc.edit(&c)
			findings := requirement.Lint(c, glossary)
			var got []hit
			for _, f := range findings {
				got = append(got, hit{f.Rule, f.Path})
				assert.Equal(t, tc.sev, f.Severity)
				assert.NotEmpty(t, f.Message)
				assert.NotEmpty(t, f.Suggestion)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLintMessagesQuoteTheWordAndSuggestTheTerm(t *testing.T) {
	c := goodContent()
	c.Description = "Each transaction is refunded quickly."
	findings := requirement.Lint(c, []requirement.Term{{Term: "order", Forbidden: []string{"transaction"}}})
	require.Len(t, findings, 2)
	assert.Equal(t, requirement.RuleForbiddenSynonym, findings[0].Rule)
	assert.Contains(t, findings[0].Message, `"transaction"`)
	assert.Equal(t, `use "order"`, findings[0].Suggestion)
	assert.Equal(t, requirement.RuleVagueWording, findings[1].Rule)
	assert.Contains(t, findings[1].Message, `"quickly"`)
}

func TestLintOverlappingPhrasesReportOnce(t *testing.T) {
	c := goodContent()
	c.Goal = "easy to use"
	assert.Len(t, lintHits(c, nil), 1)
}

func TestLintGateBlocksReview(t *testing.T) {
	svc, _ := newService(t)
	c := goodContent()
	c.Acceptance = nil
	r, err := svc.Create(pm, "shop", requirement.ContentInput{Content: c})
	require.NoError(t, err)

	// Off by default: lint errors do not block.
	r2, err := svc.Transition(pm, "shop", r.ID, 1, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
	r3, err := svc.Transition(pm, "shop", r.ID, r2.Revision, requirement.TransitionInput{To: requirement.Draft, Reason: "needs criteria"})
	require.NoError(t, err)

	_, err = svc.UpdateSettings(admin, "shop", 0, requirement.Settings{LintBlocksReview: true})
	require.NoError(t, err)
	_, err = svc.Transition(pm, "shop", r.ID, r3.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), requirement.RuleAcceptanceMissing)

	c.Acceptance = goodContent().Acceptance
	c.Description = "fast" // a warning does not block
	r4, err := svc.Update(pm, "shop", r.ID, r3.Revision, requirement.ContentInput{Content: c, Note: "added criteria"})
	require.NoError(t, err)
	_, err = svc.Transition(pm, "shop", r.ID, r4.Revision, requirement.TransitionInput{To: requirement.InReview})
	require.NoError(t, err)
}

func TestServiceLintUsesProjectGlossary(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.CreateTerm(pm, "shop", requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "a buyer's commitment to pay", Forbidden: []string{"deal"}}})
	require.NoError(t, err)
	c := goodContent()
	c.Title = "Refund a deal"
	findings, err := svc.Lint(pm, "shop", c)
	require.NoError(t, err)
	require.Len(t, findings, 1)
	assert.Equal(t, requirement.RuleForbiddenSynonym, findings[0].Rule)
	other, err := svc.Lint(pm, "elsewhere", c)
	require.NoError(t, err)
	assert.Empty(t, other, "another project's glossary does not apply")
}
