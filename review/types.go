package review

import (
	"slices"
	"time"

	"github.com/accordhq/accord"
)

// Kind says what a review is about.
type Kind string

// The review kinds.
const (
	RequirementReview   Kind = "requirement"    // a requirement revision, before development (需求评审)
	ChangeRequestReview Kind = "change_request" // a proposed change to an approved requirement
	ContractReview      Kind = "contract"       // an API contract version, before it is agreed
	AcceptanceReview    Kind = "acceptance"     // a delivery, against the acceptance criteria (验收)
	RiskResponseReview  Kind = "risk_response"  // a risk's response plan, before it is carried out
)

// Kinds lists every review kind.
func Kinds() []Kind {
	return []Kind{RequirementReview, ChangeRequestReview, ContractReview, AcceptanceReview, RiskResponseReview}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// SubjectKind returns the accord.Ref kind of what a review of kind k is
// about: "requirement", "change_request" or "contract_version".
func (k Kind) SubjectKind() string {
	switch k {
	case RequirementReview, AcceptanceReview:
		return "requirement"
	case ChangeRequestReview:
		return "change_request"
	case ContractReview:
		return "contract_version"
	case RiskResponseReview:
		return "risk"
	}
	return ""
}

// The built-in participant roles. A project may add its own in Settings.
const (
	RoleProduct   = "product"
	RoleBackend   = "backend"
	RoleFrontend  = "frontend"
	RoleQA        = "qa"
	RoleArchitect = "architect"
	RoleBusiness  = "business"
)

// BuiltinRoles lists the roles every project has.
func BuiltinRoles() []string {
	return []string{RoleProduct, RoleBackend, RoleFrontend, RoleQA, RoleArchitect, RoleBusiness}
}

// Participant is someone who takes part in a review, in one role.
type Participant struct {
	Actor   string    `json:"actor"` // the accord.Actor ID
	Role    string    `json:"role"`
	AddedAt time.Time `json:"added_at"`
	AddedBy string    `json:"added_by"`
}

// Decision is what a participant says about a round.
type Decision string

// The decisions.
const (
	Approve        Decision = "approve"
	RequestChanges Decision = "request_changes"
	Reject         Decision = "reject"  // a veto: it stands across rounds until withdrawn
	CommentOnly    Decision = "comment" // a remark that neither approves nor blocks
)

// Decisions lists every decision.
func Decisions() []Decision { return []Decision{Approve, RequestChanges, Reject, CommentOnly} }

// Verdict is one decision given in a round. Verdicts are never replaced:
// a participant who changes their mind adds a new one, and the latest
// counts.
type Verdict struct {
	Actor    string    `json:"actor"`
	Decision Decision  `json:"decision"`
	Comment  string    `json:"comment,omitempty"`
	Time     time.Time `json:"time"`
	// CarriedFrom is the round the verdict was given in when it was carried
	// over into this one because only editorial fields changed; 0 if given
	// in this round.
	CarriedFrom int `json:"carried_from,omitempty"`
}

// Feasibility is engineering's answer to "can this be built as written?".
type Feasibility string

// The feasibility answers.
const (
	Feasible          Feasibility = "feasible"
	FeasibleWithRisks Feasibility = "feasible_with_risks"
	Infeasible        Feasibility = "infeasible"
)

// Risk is a risk an engineer raised in a feasibility assessment. Its ID is
// unique within the review; RiskRef makes the back-link a risk register
// keeps when it takes the risk over.
type Risk struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category"` // one of accord.RiskCategories, so a register takes the risk over as is
}

// RiskRef returns the reference to risk riskID raised in review reviewID.
func RiskRef(reviewID, riskID string) accord.Ref {
	return accord.Ref{Kind: "review_risk", ID: reviewID + "/" + riskID}
}

// Assessment is one participant's feasibility assessment in a round.
// Like verdicts, assessments are appended; the latest per participant
// counts.
type Assessment struct {
	Actor       string      `json:"actor"`
	Feasibility Feasibility `json:"feasibility"`
	Difficulty  int         `json:"difficulty"`  // 1 (trivial) to 5 (very hard)
	EffortDays  float64     `json:"effort_days"` // estimate in person-days
	Risks       []Risk      `json:"risks,omitempty"`
	Notes       string      `json:"notes,omitempty"`
	Time        time.Time   `json:"time"`
	CarriedFrom int         `json:"carried_from,omitempty"`
}

// Criterion is an acceptance criterion as the subject stated it when the
// round opened.
type Criterion struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// CheckResult is how one acceptance criterion fared.
type CheckResult string

// The check results.
const (
	Passed    CheckResult = "passed"
	Failed    CheckResult = "failed" // Problem says what was found
	NotTested CheckResult = "not_tested"
)

// Check records the result of checking one acceptance criterion. The latest
// check of a criterion counts.
type Check struct {
	CriterionID string      `json:"criterion_id"`
	Result      CheckResult `json:"result"`
	Problem     string      `json:"problem,omitempty"`
	Actor       string      `json:"actor"`
	Time        time.Time   `json:"time"`
	CarriedFrom int         `json:"carried_from,omitempty"`
}

// Override forces the outcome of a round. Only the policy's override roles
// may give one, always with a reason; it is kept and shown in the outcome.
type Override struct {
	Outcome Outcome   `json:"outcome"`
	Reason  string    `json:"reason"`
	Actor   string    `json:"actor"`
	Time    time.Time `json:"time"`
}

// Round is one pass over one revision of the subject.
type Round struct {
	Number          int        `json:"number"`
	SubjectRevision int        `json:"subject_revision"`
	Fingerprint     string     `json:"fingerprint,omitempty"` // of the subject's content, when it has one
	State           RoundState `json:"state"`
	OpenedAt        time.Time  `json:"opened_at"`
	OpenedBy        string     `json:"opened_by"`
	ClosedAt        time.Time  `json:"closed_at,omitzero"`
	// Changes lists the fields that differ from the previous round's
	// revision; ChangesKnown is false when the subject cannot tell.
	Changes      []string `json:"changes,omitempty"`
	ChangesKnown bool     `json:"changes_known"`
	// CarriedOver is true when the previous round's verdicts, assessments
	// and checks were carried into this one because every change was
	// editorial under the policy.
	CarriedOver bool         `json:"carried_over"`
	Criteria    []Criterion  `json:"criteria,omitempty"` // acceptance reviews
	Verdicts    []Verdict    `json:"verdicts"`
	Assessments []Assessment `json:"assessments"`
	Checks      []Check      `json:"checks"`
	Overrides   []Override   `json:"overrides"`
}

// Veto is a reject verdict that stands across rounds until its author
// withdraws it.
type Veto struct {
	Actor           string    `json:"actor"`
	Reason          string    `json:"reason"`
	Round           int       `json:"round"`
	Time            time.Time `json:"time"`
	WithdrawnAt     time.Time `json:"withdrawn_at,omitzero"`
	WithdrawnReason string    `json:"withdrawn_reason,omitempty"`
}

// Standing reports whether the veto is still in force.
func (v Veto) Standing() bool { return v.WithdrawnAt.IsZero() }

// Comment is one message in a thread.
type Comment struct {
	ID    string    `json:"id"`
	Actor string    `json:"actor"`
	Body  string    `json:"body"`
	Time  time.Time `json:"time"`
}

// Thread is a discussion anchored to a field of the subject, by its JSON
// path (acceptance_criteria[2]); an empty anchor is about the whole subject.
// Threads live across rounds until resolved.
type Thread struct {
	ID         string    `json:"id"`
	Anchor     string    `json:"anchor,omitempty"`
	Round      int       `json:"round"` // the round it was opened in
	Comments   []Comment `json:"comments"`
	Resolved   bool      `json:"resolved"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
}

// Entry is one line of a review's history: who did what, when.
type Entry struct {
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // created, round_opened, verdict, assessed, …
	Round  int       `json:"round"`
	Detail string    `json:"detail"`
}

// Review is a review of one subject, with every round, verdict, thread and
// history entry it has had.
type Review struct {
	ID      string     `json:"id"`
	Project string     `json:"project"`
	Key     string     `json:"key"` // RV-1, RV-2, … unique per project
	Kind    Kind       `json:"kind"`
	Subject accord.Ref `json:"subject"`
	// SubjectName is the subject as a person reads it ("REQ-3 Login by
	// SMS"), as its Subjects gave it when the review opened and at each
	// new round; summaries and events name the subject by it.
	SubjectName string    `json:"subject_name,omitempty"`
	Title       string    `json:"title"`
	Due         time.Time `json:"due,omitzero"`
	// Policy is the project's policy for the kind when the review was
	// created. It is kept with the review so that its outcome cannot change
	// because somebody edited the project settings later.
	Policy       Policy        `json:"policy"`
	Participants []Participant `json:"participants"`
	Rounds       []Round       `json:"rounds"` // oldest first; the last one is open
	Vetoes       []Veto        `json:"vetoes"`
	Threads      []Thread      `json:"threads"`
	Log          []Entry       `json:"log"`
	accord.Stamp
}

// Ref returns the reference other records use to point at rv.
func (rv Review) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: rv.ID} }

// Current returns the open round: the last one. Nil only for a Review that
// was never stored.
func (rv *Review) Current() *Round {
	if len(rv.Rounds) == 0 {
		return nil
	}
	return &rv.Rounds[len(rv.Rounds)-1]
}

// Participant returns the participant with the actor ID, if any.
func (rv *Review) Participant(actor string) (Participant, bool) {
	for _, p := range rv.Participants {
		if p.Actor == actor {
			return p, true
		}
	}
	return Participant{}, false
}

// Risks returns every risk raised in the review's latest assessments, the
// current round's first; a risk register takes them over from here.
func (rv *Review) Risks() []Risk {
	var out []Risk
	seen := map[string]bool{}
	for i := len(rv.Rounds) - 1; i >= 0; i-- {
		for _, a := range rv.Rounds[i].Assessments {
			for _, r := range a.Risks {
				if !seen[r.ID] {
					seen[r.ID] = true
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// Clone returns a deep copy of r.
func (r Round) Clone() Round {
	r.Changes = slices.Clone(r.Changes)
	r.Criteria = slices.Clone(r.Criteria)
	r.Verdicts = slices.Clone(r.Verdicts)
	r.Assessments = slices.Clone(r.Assessments)
	for i := range r.Assessments {
		r.Assessments[i].Risks = slices.Clone(r.Assessments[i].Risks)
	}
	r.Checks = slices.Clone(r.Checks)
	r.Overrides = slices.Clone(r.Overrides)
	return r
}

// Clone returns a deep copy of rv. Stores use it to keep callers from
// changing stored data.
func (rv Review) Clone() Review {
	rv.Policy = rv.Policy.Clone()
	rv.Participants = slices.Clone(rv.Participants)
	rv.Rounds = slices.Clone(rv.Rounds)
	for i := range rv.Rounds {
		rv.Rounds[i] = rv.Rounds[i].Clone()
	}
	rv.Vetoes = slices.Clone(rv.Vetoes)
	rv.Threads = slices.Clone(rv.Threads)
	for i := range rv.Threads {
		rv.Threads[i].Comments = slices.Clone(rv.Threads[i].Comments)
	}
	rv.Log = slices.Clone(rv.Log)
	return rv
}

// SubjectTitle names the review's subject for a person: its SubjectName,
// or its Ref where the review has none (one stored before it had names).
func (rv Review) SubjectTitle() string {
	if rv.SubjectName != "" {
		return rv.SubjectName
	}
	return rv.Subject.String()
}
