package requirement

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity says how much a lint finding matters. Only errors can block the
// move to in_review (Settings.LintBlocksReview).
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Lint rule IDs. They are stable: tooling may filter or suppress by them.
const (
	RuleAcceptanceMissing     = "acceptance-criteria-missing"
	RuleExceptionsMissing     = "exception-handling-missing"
	RulePerformanceNoNumber   = "performance-target-missing"
	RulePerformanceNoUnit     = "performance-unit-missing"
	RuleVagueWording          = "vague-wording"
	RuleForbiddenSynonym      = "glossary-forbidden-synonym"
	RuleCriterionUnverifiable = "acceptance-criterion-unverifiable"
	RuleCriterionDuplicateID  = "acceptance-criterion-duplicate-id"
)

// Finding is one problem Lint found.
type Finding struct {
	Rule       string   `json:"rule"`
	Severity   Severity `json:"severity"`
	Path       string   `json:"path"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion,omitempty"`
}

// vagueEnglish are matched as whole words or phrases, case-insensitively.
var vagueEnglish = []string{
	"fast", "quick", "quickly", "user-friendly", "user friendly", "easy", "easy to use",
	"intuitive", "etc", "and so on", "as soon as possible", "asap", "appropriate",
	"appropriately", "reasonable", "reasonably", "efficient", "efficiently", "flexible",
	"robust", "seamless", "seamlessly", "timely", "approximately", "roughly", "several",
	"various", "normally", "usually", "if possible", "where possible", "as needed",
	"sufficient", "adequate", "high performance", "optimal",
}

// vagueChinese are matched as substrings: Chinese is written without spaces.
var vagueChinese = []string{
	"尽快", "友好", "等", "适当", "大概", "大约", "左右", "差不多", "尽量", "尽可能",
	"及时", "快速", "迅速", "合理", "若干", "一些", "较快", "很快", "方便", "简单",
	"灵活", "高效", "良好", "酌情", "基本上",
}

// notVague are the common words that contain a vague character without
// being vague: 等 ("etc.") inside 等待 (wait) or 等于 (equals).
var notVague = []string{
	"等待", "等于", "等级", "相等", "平等", "同等", "等同", "等候", "对等", "不等", "等价", "等额", "等比", "等宽",
}

// phrases is a list split by script once, so matching does not re-inspect
// every phrase for every text.
type phrases struct {
	latin []string // lower-case, matched as whole words
	han   []string // matched as substrings
}

func prepare(lists ...[]string) phrases {
	var p phrases
	for _, list := range lists {
		for _, w := range list {
			switch {
			case strings.TrimSpace(w) == "":
			case hasHan(w):
				p.han = append(p.han, w)
			default:
				p.latin = append(p.latin, strings.ToLower(w))
			}
		}
	}
	return p
}

var (
	vaguePhrases      = prepare(vagueEnglish, vagueChinese)
	verifiablePhrases = prepare(verifiableEnglish, verifiableChinese)
)

// verifiable words mark a statement of an observable outcome.
var verifiableEnglish = []string{
	"must", "shall", "should", "will", "returns", "return", "responds", "shows", "displays",
	"is", "are", "equals", "contains", "rejects", "accepts", "receives", "sees", "gets",
	"within", "less than", "more than", "at least", "at most", "then", "fails", "succeeds",
	"records", "sends", "creates", "logs", "redirects", "appears", "can", "cannot",
}

var verifiableChinese = []string{
	"应", "必须", "需要", "能够", "可以", "返回", "显示", "提示", "收到", "成功", "失败",
	"不超过", "至少", "小于", "大于", "等于", "包含", "拒绝", "记录", "发送", "生成", "则", "跳转",
}

// Lint checks c for the problems that cause misunderstanding and rework:
// missing acceptance criteria or exception handling, unmeasurable
// performance targets, vague words (English and Chinese), forbidden glossary
// synonyms, unverifiable or duplicate acceptance criteria. Findings are
// sorted by path, then rule.
func Lint(c Content, glossary []Term) []Finding {
	var out []Finding
	add := func(rule string, sev Severity, path, msg, suggestion string) {
		out = append(out, Finding{Rule: rule, Severity: sev, Path: path, Message: msg, Suggestion: suggestion})
	}

	if len(c.Acceptance) == 0 {
		add(RuleAcceptanceMissing, SeverityError, "acceptance_criteria",
			"no acceptance criteria: delivery cannot be accepted against anything",
			"add testable statements, e.g. \"an order over the limit is rejected with ORDER_LIMIT_EXCEEDED\"")
	}
	if len(c.Exceptions) == 0 {
		add(RuleExceptionsMissing, SeverityWarning, "exceptions",
			"no exception handling: say what must happen in each abnormal case",
			"list conditions such as timeouts, invalid input and missing data, with the expected handling and error code")
	}
	for i, t := range c.Performance {
		p := fmt.Sprintf("performance[%d]", i)
		if t.Target == nil {
			add(RulePerformanceNoNumber, SeverityError, p+".target",
				fmt.Sprintf("performance requirement %q has no target number", t.Metric),
				"state a number, e.g. p99 latency <= 200 ms")
		}
		if strings.TrimSpace(t.Unit) == "" {
			add(RulePerformanceNoUnit, SeverityError, p+".unit",
				fmt.Sprintf("performance requirement %q has no unit", t.Metric),
				"state the unit: ms, requests/s, orders/s, %")
		}
	}
	ids := map[string]int{}
	for i, a := range c.Acceptance {
		p := fmt.Sprintf("acceptance_criteria[%d]", i)
		if id := strings.TrimSpace(a.ID); id != "" {
			if first, dup := ids[id]; dup {
				add(RuleCriterionDuplicateID, SeverityError, p+".id",
					fmt.Sprintf("acceptance criterion id %q is also used by acceptance_criteria[%d]", id, first),
					"give every criterion its own id so reviews and tests can point at it")
			} else {
				ids[id] = i
			}
		}
		if !verifiable(a.Text) {
			add(RuleCriterionUnverifiable, SeverityError, p+".text",
				fmt.Sprintf("acceptance criterion %q states no verifiable outcome", a.Text),
				"say what is observed and when: \"when …, the API returns …\" / \"当…时，系统应返回…\"")
		}
	}

	forbidden := make([]phrases, len(glossary))
	for i, t := range glossary {
		forbidden[i] = prepare(t.Forbidden)
	}
	walkText(c, func(path, text string) {
		lower := strings.ToLower(text)
		for _, m := range vaguePhrases.find(lower) {
			add(RuleVagueWording, SeverityWarning, path,
				fmt.Sprintf("vague wording %q: readers will not agree on what it means", lower[m.start:m.end]),
				"replace it with something measurable or specific (a number, a unit, a complete list)")
		}
		for i, t := range glossary {
			for _, m := range forbidden[i].find(lower) {
				add(RuleForbiddenSynonym, SeverityWarning, path,
					fmt.Sprintf("%q is a forbidden synonym of the glossary term %q", lower[m.start:m.end], t.Term),
					fmt.Sprintf("use %q", t.Term))
			}
		}
	})

	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// HasErrors reports whether any finding has severity error.
func HasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// walkText calls fn for every free-text field of c with its JSON path.
func walkText(c Content, fn func(path, text string)) {
	visit := func(path, text string) {
		if text != "" {
			fn(path, text)
		}
	}
	visit("title", c.Title)
	visit("background", c.Background)
	visit("goal", c.Goal)
	for i, k := range c.KPIs {
		visit(fmt.Sprintf("kpis[%d]", i), k)
	}
	visit("description", c.Description)
	for i, s := range c.Flow {
		visit(fmt.Sprintf("flow[%d].action", i), s.Action)
	}
	for i, s := range c.Scenarios {
		p := fmt.Sprintf("scenarios[%d].", i)
		visit(p+"name", s.Name)
		visit(p+"situation", s.Situation)
		visit(p+"action", s.Action)
		visit(p+"outcome", s.Outcome)
	}
	for i, x := range c.Exceptions {
		p := fmt.Sprintf("exceptions[%d].", i)
		visit(p+"condition", x.Condition)
		visit(p+"handling", x.Handling)
	}
	visit("interface_notes", c.InterfaceNotes)
	for i, t := range c.Performance {
		visit(fmt.Sprintf("performance[%d].metric", i), t.Metric)
	}
	for i, a := range c.Acceptance {
		visit(fmt.Sprintf("acceptance_criteria[%d].text", i), a.Text)
	}
}

type span struct{ start, end int }

// find returns where the phrases occur in lower (already lower-cased):
// Latin phrases as whole words, Han phrases as substrings (Chinese has no
// spaces). Overlapping matches keep the longest.
func (p phrases) find(lower string) []span {
	var found []span
	for _, w := range p.latin {
		found = appendWordMatches(found, lower, w)
	}
	if !isASCII(lower) {
		for _, w := range p.han {
			found = appendHanMatches(found, lower, w)
		}
	}
	if len(found) < 2 {
		return found
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].start != found[j].start {
			return found[i].start < found[j].start
		}
		return found[i].end > found[j].end
	})
	kept := found[:1]
	for _, s := range found[1:] {
		if last := kept[len(kept)-1]; s.start >= last.end {
			kept = append(kept, s)
		}
	}
	return kept
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func appendWordMatches(found []span, text, phrase string) []span {
	for from := 0; ; {
		i := strings.Index(text[from:], phrase)
		if i < 0 {
			return found
		}
		start, end := from+i, from+i+len(phrase)
		if wordBoundaryBefore(text, start) && wordBoundaryAfter(text, end) {
			found = append(found, span{start, end})
		}
		from = end
	}
}

func appendHanMatches(found []span, text, phrase string) []span {
	for from := 0; ; {
		i := strings.Index(text[from:], phrase)
		if i < 0 {
			return found
		}
		start, end := from+i, from+i+len(phrase)
		if !insideNotVague(text, start, end) {
			found = append(found, span{start, end})
		}
		from = end
	}
}

// insideNotVague reports whether text[start:end] is part of a word listed
// in notVague. Any occurrence of w inside the window below covers the match.
func insideNotVague(text string, start, end int) bool {
	for _, w := range notVague {
		lo, hi := max(0, end-len(w)), min(len(text), start+len(w))
		if lo < hi && strings.Contains(text[lo:hi], w) {
			return true
		}
	}
	return false
}

func wordBoundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

func wordBoundaryAfter(s string, i int) bool {
	if i == len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(r)
}

func isWordRune(r rune) bool {
	// Han characters count as a boundary so "系统fast" still finds "fast".
	return r == '_' || r == '-' || unicode.IsDigit(r) || (unicode.IsLetter(r) && !unicode.Is(unicode.Han, r))
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// verifiable reports whether text states an observable outcome: a number,
// or a word that commits to a result ("returns", "must", "应", "返回").
func verifiable(text string) bool {
	if strings.TrimSpace(text) == "" {
		return false
	}
	if strings.ContainsFunc(text, unicode.IsDigit) {
		return true
	}
	lower := strings.ToLower(text)
	return len(verifiablePhrases.find(lower)) > 0
}
