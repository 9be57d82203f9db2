package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// The edit form writes content as text and reads it back unchanged, so
// that saving without touching anything changes nothing.
func TestTheRequirementFormReadsBackWhatItWrote(t *testing.T) {
	target := 300.0
	c := requirement.Content{Title: "Refund a paid order", Background: "Support refunds by hand.\nTwo days each.", Goal: "No tickets",
		KPIs: []string{"refund tickets per week"}, Description: "Within 14 days.",
		Flow:       []requirement.FlowStep{{Actor: "buyer", Action: "chooses Refund"}, {Action: "the system checks the window", Diagram: "https://wiki.example/flow.png"}},
		Scenarios:  []requirement.Scenario{{Name: "late refund", Actor: "buyer", Situation: "day 15", Action: "asks", Outcome: "refusal"}},
		Exceptions: []requirement.ExceptionCase{{Condition: "window closed", Handling: "refuse", ErrorCode: "REFUND_WINDOW_CLOSED"}, {Condition: "no order", Handling: "404"}},
		Performance: []requirement.PerformanceTarget{{Metric: "p99 latency", Comparator: requirement.LessOrEqual, Target: &target, Unit: "ms"},
			{Metric: "checkout latency", Comparator: requirement.LessOrEqual}},
		Acceptance: []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "A refund inside the window returns 201", TestRef: "TestRefund"}, {ID: "AC-2", Text: "Late refunds fail"}},
		Priority:   requirement.P1, Owner: "alice", Labels: []string{"payments", "refunds"},
		Links: []accord.Ref{{Kind: "contract", ID: "refunds-api"}}}
	form := url.Values{}
	for k, v := range contentFields(c) {
		form.Set(k, v)
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got, errs := contentFromForm(r)
	assert.Empty(t, errs)
	assert.Equal(t, c, got)
	assert.Empty(t, requirement.Diff(requirement.Requirement{Content: c}, requirement.Requirement{Content: got}))
}

func TestTheRequirementFormNamesItsOwnSyntaxErrors(t *testing.T) {
	form := url.Values{"title": {"x"}, "performance": {"latency | <= | fast | ms"}, "links": {"refunds-api"}}
	r := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, errs := contentFromForm(r)
	assert.Contains(t, strings.Join(errs["performance"], " "), `"fast": not a number`)
	assert.Contains(t, strings.Join(errs["links"], " "), "kind/id")
}
