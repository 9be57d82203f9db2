package review

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// Policy decides when a round is approved. A project keeps one per review
// kind in its Settings; kinds it never set use DefaultPolicy.
type Policy struct {
	// MinApprovals is how many participants must approve (at least 1).
	MinApprovals int `json:"min_approvals"`
	// RequiredRoles must each have an approval from a participant in that role.
	RequiredRoles []string `json:"required_roles,omitempty"`
	// RequestChangesBlocks makes any standing request_changes verdict hold
	// the outcome at changes_requested.
	RequestChangesBlocks bool `json:"request_changes_blocks,omitempty"`
	// VetoRoles may reject (veto). Participants in other roles cannot.
	VetoRoles []string `json:"veto_roles,omitempty"`
	// ThreadsResolved requires every thread to be resolved.
	ThreadsResolved bool `json:"threads_resolved,omitempty"`
	// FeasibilityFrom lists the roles whose participants must each give a
	// feasibility assessment in the round. An infeasible assessment always
	// holds the outcome at changes_requested.
	FeasibilityFrom []string `json:"feasibility_from,omitempty"`
	// AllCriteriaPassed requires every acceptance criterion to have passed
	// (acceptance reviews only). A failed one means changes_requested.
	AllCriteriaPassed bool `json:"all_criteria_passed,omitempty"`
	// Editorial lists field paths whose changes leave verdicts standing:
	// when a new revision changes only these, the open round's verdicts,
	// assessments and checks carry over into the next round. "labels"
	// covers labels and labels[3]; "[*]" matches any index, as in
	// "acceptance_criteria[*].test_ref".
	Editorial []string `json:"editorial,omitempty"`
	// OverrideRoles may force an outcome with a written reason.
	OverrideRoles []string `json:"override_roles,omitempty"`
}

// Clone returns a deep copy of p.
func (p Policy) Clone() Policy {
	p.RequiredRoles = slices.Clone(p.RequiredRoles)
	p.VetoRoles = slices.Clone(p.VetoRoles)
	p.FeasibilityFrom = slices.Clone(p.FeasibilityFrom)
	p.Editorial = slices.Clone(p.Editorial)
	p.OverrideRoles = slices.Clone(p.OverrideRoles)
	return p
}

// DefaultPolicy returns the policy a project has for kind until it sets
// its own.
//
//   - requirement and change_request reviews: two approvals, including
//     product and backend; request_changes blocks; product and architect may
//     veto; threads resolved; backend assesses feasibility; labels, links,
//     diagrams and test references are editorial; architects may override.
//   - contract reviews: two approvals, including backend and frontend (the
//     provider and a consumer); architects may veto and override.
//   - acceptance reviews: product approves, every criterion passed, threads
//     resolved; product may veto and override.
func DefaultPolicy(kind Kind) Policy {
	editorial := []string{"labels", "links", "flow[*].diagram", "acceptance_criteria[*].test_ref"}
	switch kind {
	case ContractReview:
		return Policy{MinApprovals: 2, RequiredRoles: []string{RoleBackend, RoleFrontend}, RequestChangesBlocks: true,
			VetoRoles: []string{RoleArchitect}, ThreadsResolved: true, OverrideRoles: []string{RoleArchitect}}
	case RiskResponseReview:
		return Policy{MinApprovals: 2, RequiredRoles: []string{RoleProduct, RoleBackend}, RequestChangesBlocks: true,
			VetoRoles: []string{RoleProduct, RoleArchitect}, ThreadsResolved: true, Editorial: []string{"labels", "links"},
			OverrideRoles: []string{RoleProduct, RoleArchitect}}
	case AcceptanceReview:
		return Policy{MinApprovals: 1, RequiredRoles: []string{RoleProduct}, RequestChangesBlocks: true,
			VetoRoles: []string{RoleProduct}, ThreadsResolved: true, AllCriteriaPassed: true, Editorial: editorial,
			OverrideRoles: []string{RoleProduct}}
	default:
		return Policy{MinApprovals: 2, RequiredRoles: []string{RoleProduct, RoleBackend}, RequestChangesBlocks: true,
			VetoRoles: []string{RoleProduct, RoleArchitect}, ThreadsResolved: true, FeasibilityFrom: []string{RoleBackend},
			Editorial: editorial, OverrideRoles: []string{RoleArchitect}}
	}
}

// editorialPath is a field path with optional [*] wildcards.
var editorialPath = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\[(\*|[0-9]+)\]|\.[a-z_][a-z0-9_]*)*$`)

// fieldPath is a JSON path of one field: acceptance_criteria[2].text.
var fieldPath = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\[[0-9]+\]|\.[a-z_][a-z0-9_]*)*$`)

// validate reports problems under field, given the roles the project knows.
func (p Policy) validate(field string, kind Kind, roles []string, errs *accord.FieldErrors) {
	if p.MinApprovals < 1 || p.MinApprovals > 50 {
		errs.Add(field+".min_approvals", "must be between 1 and 50: a review nobody approves would pass by itself")
	}
	checkRoles := func(name string, list []string) {
		for i, r := range list {
			f := field + "." + name + "[" + strconv.Itoa(i) + "]"
			switch {
			case !slices.Contains(roles, r):
				errs.Add(f, "unknown role %q; known roles: %s", r, strings.Join(roles, ", "))
			case slices.Index(list, r) != i:
				errs.Add(f, "role %q is listed twice", r)
			}
		}
	}
	checkRoles("required_roles", p.RequiredRoles)
	checkRoles("veto_roles", p.VetoRoles)
	checkRoles("feasibility_from", p.FeasibilityFrom)
	checkRoles("override_roles", p.OverrideRoles)
	if p.AllCriteriaPassed && kind != AcceptanceReview {
		errs.Add(field+".all_criteria_passed", "only acceptance reviews check acceptance criteria")
	}
	for i, e := range p.Editorial {
		if !editorialPath.MatchString(e) {
			errs.Add(field+".editorial["+strconv.Itoa(i)+"]", "%q is not a field path such as labels or acceptance_criteria[*].test_ref", e)
		}
	}
}

// isEditorial reports whether a change at path is editorial under the
// patterns: a pattern covers the path itself and everything beneath it.
func isEditorial(path string, patterns []string) bool {
	for _, pat := range patterns {
		if matchPrefix(pat, path) {
			return true
		}
	}
	return false
}

func matchPrefix(pat, path string) bool {
	for pat != "" {
		if rest, ok := strings.CutPrefix(pat, "[*]"); ok {
			if !strings.HasPrefix(path, "[") {
				return false
			}
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return false
			}
			pat, path = rest, path[end+1:]
			continue
		}
		if path == "" || pat[0] != path[0] {
			return false
		}
		pat, path = pat[1:], path[1:]
	}
	return path == "" || path[0] == '.' || path[0] == '['
}

// Settings are a project's review rules: its own roles and a policy per
// kind. Revision counts changes; an update names the one it starts from.
type Settings struct {
	Project  string          `json:"project"`
	Roles    []string        `json:"roles,omitempty"` // beyond BuiltinRoles
	Policies map[Kind]Policy `json:"policies,omitempty"`
	accord.Stamp
}

// Policy returns the policy for kind: the project's own, or the default.
func (s Settings) Policy(kind Kind) Policy {
	if p, ok := s.Policies[kind]; ok {
		return p.Clone()
	}
	return DefaultPolicy(kind)
}

// AllRoles returns the built-in roles followed by the project's own.
func (s Settings) AllRoles() []string { return append(BuiltinRoles(), s.Roles...) }

// Clone returns a deep copy of s.
func (s Settings) Clone() Settings {
	s.Roles = slices.Clone(s.Roles)
	if s.Policies != nil {
		m := make(map[Kind]Policy, len(s.Policies))
		for k, p := range s.Policies {
			m[k] = p.Clone()
		}
		s.Policies = m
	}
	return s
}

var roleName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// Validate reports every invalid field of s.
func (s Settings) Validate() error {
	var errs accord.FieldErrors
	for i, r := range s.Roles {
		f := "roles[" + strconv.Itoa(i) + "]"
		switch {
		case !roleName.MatchString(r):
			errs.Add(f, "%q must be 1-32 lower-case letters, digits, '_' or '-', starting with a letter", r)
		case slices.Contains(BuiltinRoles(), r):
			errs.Add(f, "%q is a built-in role already", r)
		case slices.Index(s.Roles, r) != i:
			errs.Add(f, "role %q is listed twice", r)
		}
	}
	roles := s.AllRoles()
	for _, k := range sortedKinds(s.Policies) {
		if !k.Valid() {
			errs.Add("policies", "unknown review kind %q; one of %s", k, joinKinds())
			continue
		}
		s.Policies[k].validate("policies."+string(k), k, roles, &errs)
	}
	svc.CheckBounds(&errs, "", s)
	return errs.Err("review settings")
}

func sortedKinds(m map[Kind]Policy) []Kind {
	ks := make([]Kind, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func joinKinds() string {
	var parts []string
	for _, k := range Kinds() {
		parts = append(parts, string(k))
	}
	return strings.Join(parts, ", ")
}

// Rule names a policy rule in an evaluation. The names are stable.
type Rule string

// The rules, in the order an evaluation reports them.
const (
	RuleVeto            Rule = "veto"             // a standing veto: rejected
	RuleRequestChanges  Rule = "request_changes"  // a request_changes verdict: changes_requested
	RuleInfeasible      Rule = "infeasible"       // an infeasible assessment: changes_requested
	RuleCriteriaFailed  Rule = "criteria_failed"  // a failed acceptance criterion: changes_requested
	RuleMinApprovals    Rule = "min_approvals"    // too few approvals: pending
	RuleRequiredRoles   Rule = "required_roles"   // a required role has not approved: pending
	RuleFeasibility     Rule = "feasibility"      // an assessment is missing: pending
	RuleThreadsResolved Rule = "threads_resolved" // a thread is open: pending
	RuleCriteriaPassed  Rule = "criteria_passed"  // a criterion is unchecked or not tested: pending
	RuleDue             Rule = "due"              // pending past the due date: expired
)

// Unmet is one rule a round does not meet: the rule, what is missing, and
// the participants it is waiting on or blocked by.
type Unmet struct {
	Rule         Rule     `json:"rule"`
	Message      string   `json:"message"`
	Participants []string `json:"participants,omitempty"`
}

// Evaluation is the outcome of a review's open round and why.
type Evaluation struct {
	Outcome         Outcome   `json:"outcome"`
	Round           int       `json:"round"`
	SubjectRevision int       `json:"subject_revision"`
	Approvals       int       `json:"approvals"`
	Unmet           []Unmet   `json:"unmet"`              // every rule not met, in rule order
	Override        *Override `json:"override,omitempty"` // set when an override decided the outcome
}

// Explain says in one line what the outcome is and why.
func (e Evaluation) Explain() string {
	var b strings.Builder
	b.WriteString(string(e.Outcome))
	if e.Override != nil {
		fmt.Fprintf(&b, " (overridden by %s: %s)", e.Override.Actor, e.Override.Reason)
	}
	for i, u := range e.Unmet {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(string(u.Rule))
		b.WriteString(": ")
		b.WriteString(u.Message)
	}
	return b.String()
}

// Evaluate decides the outcome of rv's open round at time now. It is a pure
// function of the review: the same review and time always give the same
// evaluation. Verdicts and assessments count only from current
// participants; acceptance checks, being findings about the delivery, and
// vetoes, until withdrawn, count whoever gave them.
func Evaluate(rv Review, now time.Time) Evaluation {
	round := rv.Current()
	if round == nil {
		return Evaluation{Outcome: Pending, Unmet: []Unmet{{Rule: RuleMinApprovals, Message: "the review has no round"}}}
	}
	e := Evaluation{Round: round.Number, SubjectRevision: round.SubjectRevision, Unmet: []Unmet{}}
	p := &rv.Policy
	participants := rv.Participants
	verdicts := latestBy(round.Verdicts, func(v *Verdict) string { return v.Actor })
	assessments := latestBy(round.Assessments, func(a *Assessment) string { return a.Actor })
	checks := latestBy(round.Checks, func(c *Check) string { return c.CriterionID })
	var blocking, pending bool
	add := func(rule Rule, who []string, format string, args ...any) {
		e.Unmet = append(e.Unmet, Unmet{Rule: rule, Message: fmt.Sprintf(format, args...), Participants: who})
	}

	var vetoes, reasons []string
	for _, v := range rv.Vetoes {
		if v.Standing() {
			vetoes = append(vetoes, v.Actor)
			reasons = append(reasons, fmt.Sprintf("%s in round %d: %s", v.Actor, v.Round, v.Reason))
		}
	}
	if len(vetoes) > 0 {
		add(RuleVeto, vetoes, "vetoed by %s", strings.Join(reasons, "; "))
	}

	var changers, infeasible, approvers []string
	for _, pt := range participants {
		if v, ok := verdicts[pt.Actor]; ok {
			switch v.Decision {
			case Approve:
				approvers = append(approvers, pt.Actor)
			case RequestChanges:
				changers = append(changers, pt.Actor)
			}
		}
		if a, ok := assessments[pt.Actor]; ok && a.Feasibility == Infeasible {
			infeasible = append(infeasible, pt.Actor)
		}
	}
	e.Approvals = len(approvers)
	if p.RequestChangesBlocks && len(changers) > 0 {
		blocking = true
		add(RuleRequestChanges, changers, "changes requested by %s", strings.Join(changers, ", "))
	}
	if len(infeasible) > 0 {
		blocking = true
		add(RuleInfeasible, infeasible, "assessed infeasible by %s", strings.Join(infeasible, ", "))
	}
	var failed, untested []string
	if len(round.Criteria) > 0 {
		var failedBy []string
		for _, c := range round.Criteria {
			switch ck, ok := checks[c.ID]; {
			case ok && ck.Result == Failed:
				failed = append(failed, c.ID+" ("+ck.Problem+")")
				failedBy = appendNew(failedBy, ck.Actor)
			case !ok || ck.Result == NotTested:
				untested = append(untested, c.ID)
			}
		}
		if len(failed) > 0 {
			blocking = true
			add(RuleCriteriaFailed, failedBy, "failed: %s", strings.Join(failed, "; "))
		}
	}

	if len(approvers) < p.MinApprovals {
		pending = true
		var waiting []string
		for _, pt := range participants {
			if !slices.Contains(approvers, pt.Actor) {
				waiting = append(waiting, pt.Actor)
			}
		}
		msg := fmt.Sprintf("%d of %d approvals", len(approvers), p.MinApprovals)
		if len(participants) < p.MinApprovals {
			msg += fmt.Sprintf("; the review has only %d participants", len(participants))
		}
		add(RuleMinApprovals, waiting, "%s", msg)
	}
	for _, role := range p.RequiredRoles {
		var holders []string
		approved := false
		for _, pt := range participants {
			if pt.Role == role {
				holders = append(holders, pt.Actor)
				approved = approved || slices.Contains(approvers, pt.Actor)
			}
		}
		switch {
		case len(holders) == 0:
			pending = true
			add(RuleRequiredRoles, nil, "no participant has role %s: add one", role)
		case !approved:
			pending = true
			add(RuleRequiredRoles, holders, "no approval from %s (%s)", role, strings.Join(holders, ", "))
		}
	}
	if len(p.FeasibilityFrom) > 0 {
		var missing []string
		for _, pt := range participants {
			if slices.Contains(p.FeasibilityFrom, pt.Role) {
				if _, ok := assessments[pt.Actor]; !ok {
					missing = append(missing, pt.Actor)
				}
			}
		}
		if len(missing) > 0 {
			pending = true
			add(RuleFeasibility, missing, "no feasibility assessment from %s", strings.Join(missing, ", "))
		}
	}
	if p.ThreadsResolved {
		var open, authors []string
		for i := range rv.Threads {
			t := &rv.Threads[i]
			if !t.Resolved {
				open = append(open, threadLabel(t))
				if len(t.Comments) > 0 {
					authors = appendNew(authors, t.Comments[0].Actor)
				}
			}
		}
		if len(open) > 0 {
			pending = true
			add(RuleThreadsResolved, authors, "%d open thread(s): %s", len(open), strings.Join(open, ", "))
		}
	}
	if p.AllCriteriaPassed && len(untested) > 0 {
		pending = true
		add(RuleCriteriaPassed, nil, "not passed yet: %s", strings.Join(untested, ", "))
	}

	switch {
	case len(vetoes) > 0:
		e.Outcome = Rejected
	case blocking:
		e.Outcome = ChangesRequested
	case pending && !rv.Due.IsZero() && now.After(rv.Due):
		e.Outcome = Expired
		add(RuleDue, nil, "due %s, still pending", rv.Due.UTC().Format(time.RFC3339))
	case pending:
		e.Outcome = Pending
	default:
		e.Outcome = Approved
	}
	if n := len(round.Overrides); n > 0 {
		o := round.Overrides[n-1]
		e.Outcome, e.Override = o.Outcome, &o
	}
	return e
}

// latestBy indexes the last element of list per key.
func latestBy[T any](list []T, key func(*T) string) map[string]*T {
	m := make(map[string]*T, len(list))
	for i := range list {
		m[key(&list[i])] = &list[i]
	}
	return m
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func threadLabel(t *Thread) string {
	if t.Anchor == "" {
		return "(general) " + t.ID
	}
	return t.Anchor
}
