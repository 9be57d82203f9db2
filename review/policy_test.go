package review_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/review"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture is a review of a requirement with a product owner, two backend
// engineers and a frontend engineer, under a policy that uses every rule.
func fixture() review.Review {
	return review.Review{
		ID: "V1", Key: "RV-1", Kind: review.AcceptanceReview, Subject: accord.Ref{Kind: "requirement", ID: "R1"},
		Policy: review.Policy{MinApprovals: 2, RequiredRoles: []string{"product", "backend"}, RequestChangesBlocks: true,
			VetoRoles: []string{"product"}, ThreadsResolved: true, FeasibilityFrom: []string{"backend"}, AllCriteriaPassed: true},
		Participants: []review.Participant{{Actor: "alice", Role: "product"}, {Actor: "bob", Role: "backend"},
			{Actor: "bert", Role: "backend"}, {Actor: "fay", Role: "frontend"}},
		Rounds: []review.Round{{Number: 1, SubjectRevision: 3, State: review.RoundOpen,
			Criteria: []review.Criterion{{ID: "AC-1", Text: "refund returns 200"}, {ID: "AC-2", Text: "late refund fails"}}}},
	}
}

// everythingMet edits a fixture so that every rule is met.
func everythingMet(rv *review.Review) {
	r := &rv.Rounds[0]
	r.Verdicts = []review.Verdict{{Actor: "alice", Decision: review.Approve}, {Actor: "bob", Decision: review.Approve}}
	r.Assessments = []review.Assessment{{Actor: "bob", Feasibility: review.Feasible, Difficulty: 2, EffortDays: 3},
		{Actor: "bert", Feasibility: review.Feasible, Difficulty: 2, EffortDays: 4}}
	r.Checks = []review.Check{{CriterionID: "AC-1", Result: review.Passed, Actor: "fay"}, {CriterionID: "AC-2", Result: review.Passed, Actor: "fay"}}
}

func verdict(actor string, d review.Decision) review.Verdict {
	return review.Verdict{Actor: actor, Decision: d, Comment: "because"}
}

func TestEvaluate(t *testing.T) {
	type unmet struct {
		Rule review.Rule
		Who  []string
	}
	for _, tc := range []struct {
		name    string
		edit    func(rv *review.Review)
		outcome review.Outcome
		unmet   []unmet
	}{
		{"every rule met", func(rv *review.Review) {}, review.Approved, nil},
		{"nothing done yet", func(rv *review.Review) { rv.Rounds[0] = fixture().Rounds[0] }, review.Pending, []unmet{
			{review.RuleMinApprovals, []string{"alice", "bob", "bert", "fay"}},
			{review.RuleRequiredRoles, []string{"alice"}},
			{review.RuleRequiredRoles, []string{"bob", "bert"}},
			{review.RuleFeasibility, []string{"bob", "bert"}},
			{review.RuleCriteriaPassed, nil}}},
		// min_approvals
		{"one approval short", func(rv *review.Review) {
			rv.Policy.MinApprovals = 3
		}, review.Pending, []unmet{{review.RuleMinApprovals, []string{"bert", "fay"}}}},
		{"comments are not approvals", func(rv *review.Review) {
			rv.Policy.MinApprovals = 3
			rv.Rounds[0].Verdicts = append(rv.Rounds[0].Verdicts, verdict("fay", review.CommentOnly))
		}, review.Pending, []unmet{{review.RuleMinApprovals, []string{"bert", "fay"}}}},
		{"the latest verdict counts", func(rv *review.Review) {
			rv.Policy.MinApprovals = 3
			rv.Rounds[0].Verdicts = append(rv.Rounds[0].Verdicts, verdict("fay", review.RequestChanges), verdict("fay", review.Approve))
		}, review.Approved, nil},
		{"a removed participant's approval does not count", func(rv *review.Review) {
			rv.Participants = rv.Participants[1:]
			rv.Policy.RequiredRoles = []string{"backend"}
		}, review.Pending, []unmet{{review.RuleMinApprovals, []string{"bert", "fay"}}}},
		// required_roles
		{"required role did not approve", func(rv *review.Review) {
			rv.Rounds[0].Verdicts = []review.Verdict{verdict("alice", review.Approve), verdict("fay", review.Approve)}
		}, review.Pending, []unmet{{review.RuleRequiredRoles, []string{"bob", "bert"}}}},
		{"required role nobody holds", func(rv *review.Review) {
			rv.Policy.RequiredRoles = append(rv.Policy.RequiredRoles, "qa")
		}, review.Pending, []unmet{{review.RuleRequiredRoles, nil}}},
		// request_changes
		{"request_changes blocks", func(rv *review.Review) {
			rv.Rounds[0].Verdicts = append(rv.Rounds[0].Verdicts, verdict("fay", review.RequestChanges))
		}, review.ChangesRequested, []unmet{{review.RuleRequestChanges, []string{"fay"}}}},
		{"request_changes does not block when the policy says so", func(rv *review.Review) {
			rv.Policy.RequestChangesBlocks = false
			rv.Rounds[0].Verdicts = append(rv.Rounds[0].Verdicts, verdict("fay", review.RequestChanges))
		}, review.Approved, nil},
		{"request_changes replaced by approve", func(rv *review.Review) {
			rv.Rounds[0].Verdicts = []review.Verdict{verdict("alice", review.Approve), verdict("bob", review.RequestChanges), verdict("bob", review.Approve)}
		}, review.Approved, nil},
		// veto
		{"standing veto rejects", func(rv *review.Review) {
			rv.Vetoes = []review.Veto{{Actor: "alice", Reason: "out of scope", Round: 1}}
		}, review.Rejected, []unmet{{review.RuleVeto, []string{"alice"}}}},
		{"withdrawn veto does not", func(rv *review.Review) {
			rv.Vetoes = []review.Veto{{Actor: "alice", Reason: "out of scope", Round: 1, WithdrawnAt: t0}}
		}, review.Approved, nil},
		{"a veto from an earlier round still stands", func(rv *review.Review) {
			rv.Rounds = append([]review.Round{{Number: 1, State: review.RoundSuperseded}}, rv.Rounds...)
			rv.Rounds[1].Number = 2
			rv.Vetoes = []review.Veto{{Actor: "alice", Reason: "out of scope", Round: 1}}
		}, review.Rejected, []unmet{{review.RuleVeto, []string{"alice"}}}},
		{"a veto of a removed participant still stands", func(rv *review.Review) {
			rv.Participants = rv.Participants[1:]
			rv.Policy.RequiredRoles = []string{"backend"}
			rv.Policy.MinApprovals = 1
			rv.Vetoes = []review.Veto{{Actor: "alice", Reason: "out of scope", Round: 1}}
		}, review.Rejected, []unmet{{review.RuleVeto, []string{"alice"}}}},
		{"veto outranks request_changes and missing approvals", func(rv *review.Review) {
			rv.Rounds[0].Verdicts = []review.Verdict{verdict("bob", review.RequestChanges)}
			rv.Vetoes = []review.Veto{{Actor: "alice", Reason: "out of scope", Round: 1}}
		}, review.Rejected, []unmet{{review.RuleVeto, []string{"alice"}}, {review.RuleRequestChanges, []string{"bob"}},
			{review.RuleMinApprovals, []string{"alice", "bob", "bert", "fay"}}, {review.RuleRequiredRoles, []string{"alice"}},
			{review.RuleRequiredRoles, []string{"bob", "bert"}}}},
		// feasibility
		{"feasibility missing from one engineer", func(rv *review.Review) {
			rv.Rounds[0].Assessments = rv.Rounds[0].Assessments[:1]
		}, review.Pending, []unmet{{review.RuleFeasibility, []string{"bert"}}}},
		{"infeasible blocks even with approvals", func(rv *review.Review) {
			rv.Rounds[0].Assessments = append(rv.Rounds[0].Assessments, review.Assessment{Actor: "bert", Feasibility: review.Infeasible, Difficulty: 5})
		}, review.ChangesRequested, []unmet{{review.RuleInfeasible, []string{"bert"}}}},
		{"feasible_with_risks counts as an assessment", func(rv *review.Review) {
			rv.Rounds[0].Assessments[1].Feasibility = review.FeasibleWithRisks
		}, review.Approved, nil},
		// threads
		{"open thread holds", func(rv *review.Review) {
			rv.Threads = []review.Thread{{ID: "T1", Anchor: "acceptance_criteria[1]", Comments: []review.Comment{{Actor: "fay", Body: "which code?"}}},
				{ID: "T2", Resolved: true, Comments: []review.Comment{{Actor: "bob", Body: "ok"}}}}
		}, review.Pending, []unmet{{review.RuleThreadsResolved, []string{"fay"}}}},
		{"open thread allowed by the policy", func(rv *review.Review) {
			rv.Policy.ThreadsResolved = false
			rv.Threads = []review.Thread{{ID: "T1", Comments: []review.Comment{{Actor: "fay", Body: "which code?"}}}}
		}, review.Approved, nil},
		// acceptance criteria
		{"failed criterion", func(rv *review.Review) {
			rv.Rounds[0].Checks = append(rv.Rounds[0].Checks, review.Check{CriterionID: "AC-2", Result: review.Failed, Problem: "returns 500", Actor: "fay"})
		}, review.ChangesRequested, []unmet{{review.RuleCriteriaFailed, []string{"fay"}}}},
		{"untested criterion", func(rv *review.Review) {
			rv.Rounds[0].Checks = append(rv.Rounds[0].Checks, review.Check{CriterionID: "AC-2", Result: review.NotTested, Actor: "fay"})
		}, review.Pending, []unmet{{review.RuleCriteriaPassed, nil}}},
		{"unchecked criterion", func(rv *review.Review) {
			rv.Rounds[0].Checks = rv.Rounds[0].Checks[:1]
		}, review.Pending, []unmet{{review.RuleCriteriaPassed, nil}}},
		{"a failed criterion blocks even when the policy does not require all to pass", func(rv *review.Review) {
			rv.Policy.AllCriteriaPassed = false
			rv.Rounds[0].Checks = []review.Check{{CriterionID: "AC-1", Result: review.Failed, Problem: "500", Actor: "fay"}}
		}, review.ChangesRequested, []unmet{{review.RuleCriteriaFailed, []string{"fay"}}}},
		{"a retest that passes clears the failure", func(rv *review.Review) {
			rv.Rounds[0].Checks = append([]review.Check{{CriterionID: "AC-2", Result: review.Failed, Problem: "500", Actor: "fay"}}, rv.Rounds[0].Checks...)
		}, review.Approved, nil},
		// due
		{"pending past the due date expires", func(rv *review.Review) {
			rv.Due = t0.Add(-time.Hour)
			rv.Policy.MinApprovals = 3
		}, review.Expired, []unmet{{review.RuleMinApprovals, []string{"bert", "fay"}}, {review.RuleDue, nil}}},
		{"pending before the due date", func(rv *review.Review) {
			rv.Due = t0.Add(time.Hour)
			rv.Policy.MinApprovals = 3
		}, review.Pending, []unmet{{review.RuleMinApprovals, []string{"bert", "fay"}}}},
		{"approved past the due date stays approved", func(rv *review.Review) { rv.Due = t0.Add(-time.Hour) }, review.Approved, nil},
		{"changes_requested past the due date stays changes_requested", func(rv *review.Review) {
			rv.Due = t0.Add(-time.Hour)
			rv.Rounds[0].Verdicts = append(rv.Rounds[0].Verdicts, verdict("fay", review.RequestChanges))
		}, review.ChangesRequested, []unmet{{review.RuleRequestChanges, []string{"fay"}}}},
		// override
		{"override approves over a veto, which stays listed", func(rv *review.Review) {
			rv.Vetoes = []review.Veto{{Actor: "alice", Reason: "out of scope", Round: 1}}
			rv.Rounds[0].Overrides = []review.Override{{Outcome: review.Approved, Reason: "CEO call", Actor: "zed"}}
		}, review.Approved, []unmet{{review.RuleVeto, []string{"alice"}}}},
		{"the latest override counts", func(rv *review.Review) {
			rv.Rounds[0].Overrides = []review.Override{{Outcome: review.Rejected, Reason: "a", Actor: "zed"}, {Outcome: review.ChangesRequested, Reason: "b", Actor: "zed"}}
		}, review.ChangesRequested, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rv := fixture()
			everythingMet(&rv)
			tc.edit(&rv)
			e := review.Evaluate(rv, t0)
			assert.Equal(t, tc.outcome, e.Outcome, e.Explain())
			var got []unmet
			for _, u := range e.Unmet {
				assert.NotEmpty(t, u.Message)
				got = append(got, unmet{u.Rule, u.Participants})
			}
			if diff := cmp.Diff(tc.unmet, got); diff != "" {
				t.Errorf("unmet rules (-want +got):\n%s\n%s", diff, e.Explain())
			}
			assert.Equal(t, e, review.Evaluate(rv, t0), "deterministic")
		})
	}
}

func TestEvaluateExplains(t *testing.T) {
	rv := fixture()
	everythingMet(&rv)
	rv.Rounds[0].Verdicts = []review.Verdict{verdict("alice", review.Approve), verdict("bob", review.RequestChanges)}
	rv.Threads = []review.Thread{{ID: "T1", Anchor: "acceptance_criteria[1]", Comments: []review.Comment{{Actor: "fay", Body: "?"}}}}
	e := review.Evaluate(rv, t0)
	assert.Equal(t, "changes_requested: request_changes: changes requested by bob; min_approvals: 1 of 2 approvals; "+
		"required_roles: no approval from backend (bob, bert); threads_resolved: 1 open thread(s): acceptance_criteria[1]", e.Explain())
	assert.Equal(t, 1, e.Approvals)
	assert.Equal(t, 1, e.Round)
	assert.Equal(t, 3, e.SubjectRevision)

	rv.Rounds[0].Overrides = []review.Override{{Outcome: review.Approved, Reason: "ship it", Actor: "zed"}}
	e = review.Evaluate(rv, t0)
	require.NotNil(t, e.Override)
	assert.Contains(t, e.Explain(), "approved (overridden by zed: ship it): request_changes:")
}

func TestSettingsValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      review.Settings
		fields []string
	}{
		{"defaults", review.Settings{}, nil},
		{"own role used in a policy", review.Settings{Roles: []string{"dba"},
			Policies: map[review.Kind]review.Policy{review.ContractReview: {MinApprovals: 1, RequiredRoles: []string{"dba"}}}}, nil},
		{"bad roles", review.Settings{Roles: []string{"Ops Team", "backend", "dba", "dba"}},
			[]string{"roles[0]", "roles[1]", "roles[3]"}},
		{"bad policy", review.Settings{Policies: map[review.Kind]review.Policy{
			review.RequirementReview: {MinApprovals: 0, RequiredRoles: []string{"dba", "product", "product"}, VetoRoles: []string{"ceo"},
				AllCriteriaPassed: true, Editorial: []string{"labels", "Bad Path", "flow[*].diagram"}}}},
			[]string{"policies.requirement.min_approvals", "policies.requirement.required_roles[0]", "policies.requirement.required_roles[2]",
				"policies.requirement.veto_roles[0]", "policies.requirement.all_criteria_passed", "policies.requirement.editorial[1]"}},
		{"unknown kind", review.Settings{Policies: map[review.Kind]review.Policy{"design": {MinApprovals: 1}}}, []string{"policies"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			require.Equal(t, accord.Invalid, accord.ErrorCode(err), "%v", err)
			var got []string
			for _, f := range err.(*accord.Error).Fields {
				got = append(got, f.Field)
			}
			assert.Equal(t, tc.fields, got, "%v", err)
		})
	}
}

func TestDefaultPoliciesAreValid(t *testing.T) {
	s := review.Settings{Policies: map[review.Kind]review.Policy{}}
	for _, k := range review.Kinds() {
		s.Policies[k] = review.DefaultPolicy(k)
	}
	require.NoError(t, s.Validate())
}
