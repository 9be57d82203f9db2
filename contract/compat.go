package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/accordhq/accord"
)

// ChangeLevel says how much a change between two versions matters to the
// callers of the older one.
type ChangeLevel string

// The change levels, most serious first.
const (
	Breaking ChangeLevel = "breaking" // a caller that worked with the old version can fail
	Warning  ChangeLevel = "warning"  // probably fine, but worth a look
	Info     ChangeLevel = "info"     // compatible
)

// ChangeDirection says whose side a change hurts: callers' inputs
// (request) or callers' parsing of what comes back (response).
type ChangeDirection string

// The directions. A change to the operation as a whole has neither.
const (
	DirectionRequest  ChangeDirection = "request"
	DirectionResponse ChangeDirection = "response"
)

// Change is one difference between two specs, judged for compatibility.
type Change struct {
	// ID is the rule, in kebab case. Where oasdiff has an ERR-level rule
	// for the same change, the ID is oasdiff's, so ignore lists map over.
	ID        string          `json:"id"`
	Level     ChangeLevel     `json:"level"`
	Direction ChangeDirection `json:"direction,omitempty"`
	// Operation is "METHOD /path" as the newer spec has it (the older one
	// for what was removed), or for a webhook or callback its name:
	// "webhook created (POST)", "callback onDone of POST /subscribe
	// (POST {$request.body#/url})".
	Operation string `json:"operation,omitempty"`
	// Location is a JSON pointer into the spec the change is found in: the
	// newer one, or the older one for what was removed.
	Location string `json:"location"`
	Message  string `json:"message"`
	// Fingerprint identifies the change across runs and across unrelated
	// edits (it does not depend on the order of operations), so a finding
	// can be acknowledged or ignored once.
	Fingerprint string `json:"fingerprint"`
	// Requirements are those linked to the affected operation (in either
	// version) and to the whole spec: whom to tell.
	Requirements []accord.Ref `json:"requirements,omitempty"`
}

// Compare returns every change from old to new that a caller of old could
// notice, breaking ones first, then in the order of the spec. Schemas are
// compared at any depth: through $ref and allOf (flattened), items,
// properties, additionalProperties, if/then/else, contains, prefixItems,
// not and the other 2020-12 sub-schemas, and response headers. oneOf and
// anyOf branches are paired by content, not by position or $ref name.
// readOnly and writeOnly properties, and the strictness of unknown
// properties, are taken into account. Deprecation, sunset dates and
// stability levels decide whether a removal breaks callers (not after
// its sunset, nor of a draft or alpha operation); security requirements
// are compared for callers they shut out; webhooks and callbacks are
// compared with the direction reversed (the service sends them). Sunset
// dates are judged against today's date. Rule IDs are oasdiff's where one
// matches (bench/oasdiff/AGREEMENT.md compares the two).
func Compare(old, new Spec) []Change {
	c := &comparer{old: old, new: new, olds: &components{spec: old, other: &new}, news: &components{spec: new, other: &old}}
	c.compare()
	sortByLevel(c.out)
	return c.out
}

// sortByLevel puts breaking changes first, then warnings, then the rest,
// keeping the order within each level.
func sortByLevel(changes []Change) {
	rank := map[ChangeLevel]int{Breaking: 0, Warning: 1, Info: 2}
	slices.SortStableFunc(changes, func(a, b Change) int { return rank[a.Level] - rank[b.Level] })
}

// BreakingChanges returns the breaking changes among changes.
func BreakingChanges(changes []Change) []Change {
	var out []Change
	for _, ch := range changes {
		if ch.Level == Breaking {
			out = append(out, ch)
		}
	}
	return out
}

type comparer struct {
	old, new   Spec
	olds, news *components
	out        []Change
	reqs       map[string][]accord.Ref // by operation label
	visiting   map[string]bool         // pairs of $refs being compared, for recursive schemas
	misfits    map[string]int          // breaking changes between two branches of a oneOf or anyOf, by their JSON
	trials     int                     // how deep in trial pairings of branches the comparison is
	trialWork  int                     // schema nodes compared in trials so far
}

// opKey identifies an operation across versions: the method and the path
// with parameter names blanked, since renaming {id} to {order_id} changes
// nothing on the wire.
func opKey(o Operation) string {
	return strings.ToUpper(o.Method) + " " + paramName.ReplaceAllString(o.Path, "{}")
}

var paramName = regexp.MustCompile(`\{[^}]*\}`)

// add records a change at base+rel. The fingerprint uses the operation
// label and rel, never base, which holds positions in the spec.
func (c *comparer) add(id string, level ChangeLevel, dir ChangeDirection, op, base, rel, format string, args ...any) {
	c.addAt(id, level, dir, op, base+rel, rel, fmt.Sprintf(format, args...))
}

func (c *comparer) addAt(id string, level ChangeLevel, dir ChangeDirection, op, location, key, message string) {
	sum := sha256.Sum256([]byte(id + "\x00" + op + "\x00" + key))
	c.out = append(c.out, Change{ID: id, Level: level, Direction: dir, Operation: op, Location: location,
		Message: message, Fingerprint: hex.EncodeToString(sum[:8]), Requirements: c.requirements(op)})
}

// requirements returns the refs linked to the operation labelled op in
// either version, and the specs' own, without repeats.
func (c *comparer) requirements(op string) []accord.Ref {
	if c.reqs == nil {
		c.reqs = map[string][]accord.Ref{}
		for _, s := range []Spec{c.old, c.new} {
			for _, o := range s.Operations {
				label := strings.ToUpper(o.Method) + " " + o.Path
				c.reqs[label] = append(c.reqs[label], o.Requirements...)
			}
			c.reqs[""] = append(c.reqs[""], s.Requirements...)
		}
	}
	var out []accord.Ref
	for _, r := range append(slices.Clone(c.reqs[op]), c.reqs[""]...) {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func (c *comparer) compare() {
	if c.old.BasePath != c.new.BasePath {
		c.add("api-base-path-changed", Breaking, "", "", "", "/base_path", "the base path changed from %q to %q: every operation moved", c.old.BasePath, c.new.BasePath)
	}
	if c.old.UnknownProperties.request() == Allow && c.new.UnknownProperties.request() == Reject {
		c.add("request-unknown-properties-refused", Breaking, DirectionRequest, "", "", "/unknown_properties/request",
			"requests with properties their schema does not declare are now refused")
	}
	if c.old.UnknownProperties.response() == Reject && c.new.UnknownProperties.response() == Allow {
		c.add("response-unknown-properties-allowed", Info, DirectionResponse, "", "", "/unknown_properties/response",
			"responses may now carry properties their schema does not declare")
	}
	c.errorCodes()

	newOps := map[string]int{}
	newPaths := map[string]bool{}
	for i, o := range c.new.Operations {
		newOps[opKey(o)] = i
		newPaths[paramName.ReplaceAllString(o.Path, "{}")] = true
	}
	oldOps := map[string]bool{}
	for i, o := range c.old.Operations {
		key := opKey(o)
		oldOps[key] = true
		label := strings.ToUpper(o.Method) + " " + o.Path
		j, ok := newOps[key]
		if !ok {
			c.operationRemoved(label, fmt.Sprintf("/operations/%d", i), o, !newPaths[paramName.ReplaceAllString(o.Path, "{}")])
			continue
		}
		n := c.new.Operations[j]
		label = strings.ToUpper(n.Method) + " " + n.Path
		oldBase, base := fmt.Sprintf("/operations/%d", i), fmt.Sprintf("/operations/%d", j)
		c.lifecycle(label, oldBase, base, o, n)
		from := len(c.out)
		c.operation(label, oldBase, base, o, n)
		c.unpromised(from, n.Stability, "the operation")
	}
	for i, o := range c.new.Operations {
		if !oldOps[opKey(o)] {
			label := strings.ToUpper(o.Method) + " " + o.Path
			c.add("endpoint-added", Info, "", label, fmt.Sprintf("/operations/%d", i), "", "the operation %s was added", label)
		}
	}
	c.hooks("webhook", "", "/webhooks", "/webhooks", c.old.Webhooks, c.new.Webhooks)
}

// unpromised makes info of the changes found since from, when what they
// are in is draft or alpha: it promises no compatibility (oasdiff leaves
// such operations out).
func (c *comparer) unpromised(from int, stability, what string) {
	if !unstable(stability) {
		return
	}
	for k := from; k < len(c.out); k++ {
		if ch := &c.out[k]; ch.Level != Info {
			ch.Level = Info
			ch.Message += fmt.Sprintf(" (%s is %s: it promises no compatibility)", what, stability)
		}
	}
}

// operationRemoved reports an operation that is gone, judged by its
// lifecycle in the older version, with oasdiff's rule IDs (api-path-*
// when its whole path went).
func (c *comparer) operationRemoved(label, at string, o Operation, wholePath bool) {
	ids := lifecycleIDs{removed: "api-removed-without-deprecation", withDeprecation: "api-removed-with-deprecation", parse: "api-path-sunset-parse",
		beforeSunset: "api-removed-before-sunset", afterSunset: "api-removed-after-sunset"}
	what := "the operation " + label
	if wholePath {
		ids.removed, ids.withDeprecation, ids.beforeSunset, ids.afterSunset = "api-path-removed-without-deprecation", "api-path-removed-with-deprecation",
			"api-path-removed-before-sunset", "api-path-removed-after-sunset"
		what = fmt.Sprintf("the path %s, with the operation %s,", o.Path, label)
	}
	if _, ok := stabilityRank(o.Stability); !ok {
		c.add("api-invalid-stability-level", Breaking, "", label, at, "/stability",
			"%s was removed, and its stability level %q is not one of draft, alpha, beta, stable: whether it promised compatibility cannot be told", what, o.Stability)
		return
	}
	if unstable(o.Stability) {
		c.add("api-removed-unstable", Info, "", label, at, "", "%s was removed; it was %s, which promises no compatibility", what, o.Stability)
		return
	}
	c.removal("", label, at, "", Breaking, o.Deprecated, o.Sunset, ids, what, "")
}

func (c *comparer) errorCodes() {
	newCodes := map[string]int{}
	for i, e := range c.new.ErrorCodes {
		newCodes[e.Code] = i
	}
	for i, e := range c.old.ErrorCodes {
		j, ok := newCodes[e.Code]
		if !ok {
			c.add("error-code-removed", Breaking, DirectionResponse, "", fmt.Sprintf("/error_codes/%d", i), "", "the error code %s (HTTP %d) was removed from the catalogue", e.Code, e.Status)
			continue
		}
		if n := c.new.ErrorCodes[j]; n.Status != e.Status {
			c.add("error-code-status-changed", Breaking, DirectionResponse, "", fmt.Sprintf("/error_codes/%d", j), "/status", "the error code %s now comes with HTTP %d instead of %d", e.Code, n.Status, e.Status)
		}
	}
}

func (c *comparer) operation(label, oldBase, base string, o, n Operation) {
	// Error codes the operation may return.
	// Located by index (in the old operation for a removal, which is why
	// base is only right for additions), fingerprinted by code.
	for i, code := range o.ErrorCodes {
		if !slices.Contains(n.ErrorCodes, code) {
			c.addAt("response-error-code-removed", Breaking, DirectionResponse, label, fmt.Sprintf("%s/error_codes/%d", oldBase, i), "/error_codes/"+escapeToken(code),
				fmt.Sprintf("%s no longer returns the error code %s", label, code))
		}
	}
	for i, code := range n.ErrorCodes {
		if !slices.Contains(o.ErrorCodes, code) {
			c.addAt("response-error-code-added", Warning, DirectionResponse, label, fmt.Sprintf("%s/error_codes/%d", base, i), "/error_codes/"+escapeToken(code),
				fmt.Sprintf("%s may now return the error code %s", label, code))
		}
	}
	c.security(label, oldBase, base, o.Security, n.Security)
	c.parameters(label, oldBase, base, o, n)
	c.requestBody(label, oldBase, base, o.RequestBody, n.RequestBody)
	c.responses(label, oldBase, base, o, n)
	c.hooks("callback", label, oldBase+"/callbacks", base+"/callbacks", o.Callbacks, n.Callbacks)
}

func paramKey(p Parameter) string {
	if p.In == InHeader {
		return p.In + ":" + http.CanonicalHeaderKey(p.Name)
	}
	return p.In + ":" + p.Name
}

// matchKey pairs parameters across versions: by location and name, but
// path parameters by their place in the template, since /orders/{id} and
// /orders/{order_id} take the same requests.
func matchKey(op Operation, p Parameter) string {
	if p.In == InPath {
		if i := slices.Index(paramName.FindAllString(op.Path, -1), "{"+p.Name+"}"); i >= 0 {
			return fmt.Sprintf("path:#%d", i)
		}
	}
	return paramKey(p)
}

func (c *comparer) parameters(label, oldBase, base string, o, n Operation) {
	olds := map[string]Parameter{}
	oldAt := map[string]int{}
	for i, p := range o.Parameters {
		olds[matchKey(o, p)], oldAt[matchKey(o, p)] = p, i
	}
	seen := map[string]bool{}
	for i, p := range n.Parameters {
		key := paramKey(p)
		seen[matchKey(n, p)] = true
		ptr := fmt.Sprintf("%s/parameters/%d", base, i)
		rel := "/parameters/" + escapeToken(key)
		op, ok := olds[matchKey(n, p)]
		if !ok {
			if p.Required && p.In != InPath {
				c.addAt("new-required-request-parameter", Breaking, DirectionRequest, label, ptr, rel,
					fmt.Sprintf("the new %s parameter %q is required%s", p.In, p.Name, defaultNote(c.new, p.Schema)))
			} else if !p.Required {
				c.addAt("new-optional-request-parameter", Info, DirectionRequest, label, ptr, rel, fmt.Sprintf("the new %s parameter %q is optional", p.In, p.Name))
			}
			continue
		}
		if p.Required && !op.Required {
			c.addAt("request-parameter-became-required", Breaking, DirectionRequest, label, ptr+"/required", rel,
				fmt.Sprintf("the %s parameter %q became required%s", p.In, p.Name, defaultNote(c.new, p.Schema)))
		}
		c.serialization(label, ptr, rel, op, p)
		// As oasdiff: nothing is said of a parameter's deprecation while
		// the operation's stability cannot be read.
		_, stabilityOK := stabilityRank(n.Stability)
		what := fmt.Sprintf("the %s parameter %q", p.In, p.Name)
		c.deprecation(DirectionRequest, label, ptr, rel, op.Deprecated, p.Deprecated, p.Sunset, stabilityOK, paramLifecycle, what)
		if stabilityOK {
			c.sunsetChanged(DirectionRequest, label, fmt.Sprintf("%s/parameters/%d", oldBase, oldAt[matchKey(n, p)]), ptr, rel,
				p.Deprecated, op.Sunset, p.Sunset, paramLifecycle, what)
		}
		c.schema(schemaScope{label: label, base: ptr, rel: rel, dir: DirectionRequest, kind: "request-parameter", what: fmt.Sprintf("the %s parameter %q", p.In, p.Name)},
			"/schema", op.Schema, p.Schema)
	}
	for i, p := range o.Parameters {
		if !seen[matchKey(o, p)] && p.In != InPath {
			c.removal(DirectionRequest, label, fmt.Sprintf("%s/parameters/%d", oldBase, i), "/parameters/"+escapeToken(paramKey(p)), Warning, p.Deprecated, p.Sunset,
				paramLifecycle, fmt.Sprintf("the %s parameter %q", p.In, p.Name), ": callers that still send it are ignored")
		}
	}
}

// paramLifecycle are oasdiff's rule IDs for a parameter's deprecation.
var paramLifecycle = lifecycleIDs{
	deprecated: "request-parameter-deprecated", reactivated: "request-parameter-reactivated",
	announceParse: "request-parameter-sunset-parse", parse: "request-parameter-sunset-parse",
	deleted: "request-parameter-sunset-deleted", tooSmall: "request-parameter-sunset-date-changed-too-small",
	removed: "request-parameter-removed", withDeprecation: "request-parameter-removed-with-deprecation",
	beforeSunset: "request-parameter-removed-before-sunset", afterSunset: "request-parameter-removed-after-sunset",
}

// serialization reports a parameter written differently on the wire: a
// new style, or explode turned on or off. Callers that keep writing it the
// old way are refused or misread, so both are breaking; explode on a
// parameter that is neither an array nor an object changes nothing.
// oasdiff has no rule for either.
func (c *comparer) serialization(label, ptr, rel string, o, n Parameter) {
	oldStyle, oldExplode := o.serialization()
	newStyle, newExplode := n.serialization()
	switch {
	case oldStyle != newStyle:
		c.addAt("request-parameter-style-changed", Breaking, DirectionRequest, label, ptr+"/style", rel,
			fmt.Sprintf("the %s parameter %q is now written in the %s style instead of %s: callers that write it the old way are refused", n.In, n.Name, newStyle, oldStyle))
	case oldExplode != newExplode:
		level := Breaking
		types := typesOf(resolve(c.new, decodeSchema(n.Schema)))
		if len(types) > 0 && !slices.Contains(types, "array") && !slices.Contains(types, "object") {
			level = Info
		}
		c.addAt("request-parameter-explode-changed", level, DirectionRequest, label, ptr+"/explode", rel,
			fmt.Sprintf("the %s parameter %q is now written with explode %v instead of %v", n.In, n.Name, newExplode, oldExplode))
	}
}

// defaultNote explains, when a required input has a default, why it is
// still breaking: validation asks for the value whatever the default.
func defaultNote(s Spec, raw json.RawMessage) string {
	if m, ok := resolve(s, decodeSchema(raw)).(map[string]any); ok {
		if _, has := m["default"]; has {
			return " (it has a default, but a required value must still be sent)"
		}
	}
	return ""
}

func (c *comparer) requestBody(label, oldBase, base string, o, n *RequestBody) {
	rel := "/request_body"
	switch {
	case n == nil && o == nil:
		return
	case o == nil:
		if n.Required {
			c.add("added-required-request-body", Breaking, DirectionRequest, label, base, rel, "%s now requires a request body", label)
		}
		return
	case n == nil:
		c.add("request-body-removed", Breaking, DirectionRequest, label, oldBase, rel, "%s no longer takes a request body: callers that send one may be refused or misread", label)
		return
	}
	if n.Required && !o.Required {
		c.add("request-body-became-required", Breaking, DirectionRequest, label, base, rel, "the request body of %s became required", label)
	}
	for _, mt := range sortedKeys(o.Content) {
		nm, ok := sameMedia(o.Content, n.Content, mt)
		r := rel + "/content/" + escapeToken(mt)
		if !ok {
			c.add("request-body-media-type-removed", Breaking, DirectionRequest, label, oldBase, r, "requests of %s can no longer be sent as %s", label, mt)
			continue
		}
		c.media(schemaScope{label: label, base: base + r, rel: r, dir: DirectionRequest, kind: "request-property", root: "request-body", what: "the request body"}, o.Content[mt], nm)
	}
}

// media compares the schemas of one media type: the body's, and for a
// sequential media type (OpenAPI 3.2's itemSchema) each item's.
func (c *comparer) media(sc schemaScope, o, n MediaType) {
	c.schema(sc, "/schema", o.Schema, n.Schema)
	if len(o.ItemSchema) > 0 || len(n.ItemSchema) > 0 {
		sc.what += " (each item)"
		c.schema(sc, "/item_schema", o.ItemSchema, n.ItemSchema)
	}
}

// sameMedia finds the media type mt of old in new: by its name, or else
// by its type and subtype alone when only its parameters changed
// (application/json to application/json; charset=utf-8), which a client
// that asks for or sends application/json does not notice.
func sameMedia(old, new map[string]MediaType, mt string) (MediaType, bool) {
	m, _, ok := sameMediaKey(old, new, mt)
	return m, ok
}

func sameMediaKey(old, new map[string]MediaType, mt string) (MediaType, string, bool) {
	if m, ok := new[mt]; ok {
		return m, mt, true
	}
	essence := func(s string) string {
		base, _, _ := strings.Cut(s, ";")
		return strings.ToLower(strings.TrimSpace(base))
	}
	for _, k := range sortedKeys(new) {
		if _, taken := old[k]; !taken && essence(k) == essence(mt) {
			return new[k], k, true
		}
	}
	return MediaType{}, "", false
}

// mediaParameters reports, as oasdiff does, the parameters of a response
// media type that were removed or changed (charset=utf-8 no longer
// promised) as breaking, and those added as info.
func (c *comparer) mediaParameters(label, base, rel, status, was, is string) {
	if was == is {
		return
	}
	_, op, err1 := mime.ParseMediaType(was)
	_, np, err2 := mime.ParseMediaType(is)
	if err1 != nil || err2 != nil {
		return
	}
	for _, k := range sortedKeys(op) {
		switch v, ok := np[k]; {
		case !ok:
			c.add("response-media-type-parameter-removed", Breaking, DirectionResponse, label, base, rel+"/"+escapeToken(k), "the %s response of %s is sent as %s: the parameter %s=%s is no longer promised", status, label, is, k, op[k])
		case v != op[k]:
			c.add("response-media-type-parameter-changed", Breaking, DirectionResponse, label, base, rel+"/"+escapeToken(k), "the %s response of %s is sent as %s: the parameter %s changed from %s to %s", status, label, is, k, op[k], v)
		}
	}
	for _, k := range sortedKeys(np) {
		if _, ok := op[k]; !ok {
			c.add("response-media-type-parameter-added", Info, DirectionResponse, label, base, rel+"/"+escapeToken(k), "the %s response of %s is sent as %s", status, label, is)
		}
	}
}

func (c *comparer) responses(label, oldBase, base string, o, n Operation) {
	for _, status := range sortedKeys(o.Responses) {
		or := o.Responses[status]
		rel := "/responses/" + escapeToken(status)
		nr, ok := n.Responses[status]
		if !ok {
			if strings.HasPrefix(status, "2") {
				c.add("response-success-status-removed", Breaking, DirectionResponse, label, oldBase, rel, "%s no longer answers %s", label, status)
			} else {
				c.add("response-non-success-status-removed", Warning, DirectionResponse, label, oldBase, rel, "%s no longer answers %s", label, status)
			}
			continue
		}
		newHeaders := map[string]Header{}
		for _, h := range nr.Headers {
			newHeaders[http.CanonicalHeaderKey(h.Name)] = h
		}
		for i, h := range or.Headers {
			key := rel + "/headers/" + escapeToken(http.CanonicalHeaderKey(h.Name))
			at := fmt.Sprintf("%s%s/headers/%d", oldBase, rel, i)
			nh, ok := newHeaders[http.CanonicalHeaderKey(h.Name)]
			switch {
			case !ok && h.Required:
				c.addAt("required-response-header-removed", Breaking, DirectionResponse, label, at, key, fmt.Sprintf("the %s response of %s no longer has the header %s", status, label, h.Name))
			case !ok:
				c.addAt("optional-response-header-removed", Warning, DirectionResponse, label, at, key, fmt.Sprintf("the %s response of %s no longer has the header %s", status, label, h.Name))
			case h.Required && !nh.Required:
				c.addAt("response-header-became-optional", Breaking, DirectionResponse, label, at, key, fmt.Sprintf("the header %s of the %s response of %s became optional", h.Name, status, label))
			}
			if ok {
				// A header's value is read like a response body's: its type,
				// format and limits are compared the same way.
				j := slices.IndexFunc(nr.Headers, func(x Header) bool { return http.CanonicalHeaderKey(x.Name) == http.CanonicalHeaderKey(h.Name) })
				c.schema(schemaScope{label: label, base: fmt.Sprintf("%s%s/headers/%d", base, rel, j), rel: key, dir: DirectionResponse, kind: "response-header",
					what: fmt.Sprintf("the header %s of the %s response", h.Name, status)}, "/schema", h.Schema, nh.Schema)
			}
		}
		for _, mt := range sortedKeys(or.Content) {
			nm, nkey, ok := sameMediaKey(or.Content, nr.Content, mt)
			r := rel + "/content/" + escapeToken(mt)
			if !ok {
				c.add("response-media-type-removed", Breaking, DirectionResponse, label, oldBase, r, "the %s response of %s is no longer sent as %s", status, label, mt)
				continue
			}
			c.mediaParameters(label, base, rel+"/content/"+escapeToken(nkey), status, mt, nkey)
			c.media(schemaScope{label: label, base: base + r, rel: r, dir: DirectionResponse, kind: "response-property", root: "response-body", what: "the " + status + " response body"}, or.Content[mt], nm)
		}
	}
}
