package contract

import (
	"fmt"
	"time"
)

// The stability levels of Operation.Stability, least stable first, as
// oasdiff's x-stability-level reads them.
const (
	StabilityDraft  = "draft"
	StabilityAlpha  = "alpha"
	StabilityBeta   = "beta"
	StabilityStable = "stable"
)

// stabilityRank orders a stability level: 1 for draft up to 4 for stable
// (or empty). ok is false for a level accord does not know.
func stabilityRank(s string) (rank int, ok bool) {
	switch s {
	case StabilityDraft:
		return 1, true
	case StabilityAlpha:
		return 2, true
	case StabilityBeta:
		return 3, true
	case StabilityStable, "":
		return 4, true
	}
	return 0, false
}

// unstable reports a stability level that promises no compatibility.
func unstable(s string) bool { return s == StabilityDraft || s == StabilityAlpha }

// sunsetDate reads a sunset as a day: 2026-06-30, or an RFC 3339 time
// (its date in its own zone), as oasdiff does.
func sunsetDate(s string) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, fmt.Errorf("the sunset date %q is neither a date (2006-01-02) nor an RFC 3339 time", s)
}

// lintLifecycle warns about a stability level or a sunset date Compare
// cannot read, and a sunset on something that is not deprecated.
func lintLifecycle(spec Spec) []Finding {
	var out []Finding
	warn := func(field, op, format string, args ...any) {
		out = append(out, Finding{Rule: RuleLifecycle, Severity: SeverityWarning, Field: field, Operation: op, Message: fmt.Sprintf(format, args...)})
	}
	check := func(at, id string, deprecated bool, sunset, what string) {
		if sunset == "" {
			return
		}
		if _, err := sunsetDate(sunset); err != nil {
			warn(at+".sunset", id, "%s: %v", what, err)
		} else if !deprecated {
			warn(at+".sunset", id, "%s has a sunset date but is not deprecated", what)
		}
	}
	for i, op := range spec.Operations {
		at := fmt.Sprintf("operations[%d]", i)
		if _, ok := stabilityRank(op.Stability); !ok {
			warn(at+".stability", op.ID, "the stability level %q is not one of draft, alpha, beta, stable", op.Stability)
		}
		check(at, op.ID, op.Deprecated, op.Sunset, "the operation")
		for j, p := range op.Parameters {
			check(fmt.Sprintf("%s.parameters[%d]", at, j), op.ID, p.Deprecated, p.Sunset, fmt.Sprintf("the %s parameter %q", p.In, p.Name))
		}
	}
	if len(spec.Operations) == 0 && len(spec.Webhooks) == 0 {
		out = append(out, Finding{Rule: RuleNoOperations, Severity: SeverityWarning, Field: "operations", Message: "the contract declares no operations and no webhooks"})
	}
	return out
}

// lifecycle compares an operation's deprecation, sunset and stability, as
// oasdiff's checker does (its rule IDs): a stability level lowered or one
// that cannot be read, a deprecation announced with a sunset date that
// cannot be read, a sunset removed or moved into the past.
func (c *comparer) lifecycle(label, oldBase, base string, o, n Operation) {
	_, okOld := stabilityRank(o.Stability)
	_, okNew := stabilityRank(n.Stability)
	// An unreadable level is reported when it changes, so that comparing a
	// contract with itself finds nothing (Lint warns about it anyway).
	if o.Stability != n.Stability && !okOld {
		c.add("api-invalid-stability-level", Breaking, "", label, oldBase, "/stability",
			"the stability level %q of %s in the older version is not one of draft, alpha, beta, stable: whether it was lowered cannot be told", o.Stability, label)
	}
	if o.Stability != n.Stability && !okNew {
		c.add("api-invalid-stability-level", Breaking, "", label, base, "/stability",
			"the stability level %q of %s is not one of draft, alpha, beta, stable: whether it was lowered cannot be told", n.Stability, label)
	}
	if okOld && okNew {
		ro, _ := stabilityRank(o.Stability)
		rn, _ := stabilityRank(n.Stability)
		switch {
		case rn < ro:
			c.add("api-stability-decreased", Breaking, "", label, base, "/stability", "%s became %s (it was %s): it no longer promises what callers relied on", label, orDefault(n.Stability, StabilityStable), orDefault(o.Stability, StabilityStable))
		case rn > ro:
			c.add("api-stability-increased", Info, "", label, base, "/stability", "%s became %s (it was %s)", label, orDefault(n.Stability, StabilityStable), orDefault(o.Stability, StabilityStable))
		}
	}
	ids := lifecycleIDs{deprecated: "endpoint-deprecated", withSunset: "endpoint-deprecated-with-sunset", reactivated: "endpoint-reactivated",
		announceParse: "api-deprecated-sunset-parse", parse: "api-path-sunset-parse", deleted: "sunset-deleted", tooSmall: "api-sunset-date-changed-too-small"}
	c.deprecation("", label, base, "", o.Deprecated, n.Deprecated, n.Sunset, okNew, ids, label)
	if okNew {
		c.sunsetChanged("", label, oldBase, base, "", n.Deprecated, o.Sunset, n.Sunset, ids, label)
	}
}

// lifecycleIDs are the rule IDs of one kind of element (operation,
// parameter) for each finding about its deprecation.
type lifecycleIDs struct {
	deprecated, withSunset, reactivated string
	announceParse, parse, deleted       string
	tooSmall                            string
	removed, withDeprecation            string
	beforeSunset, afterSunset           string
}

// deprecation reports a deprecation announced or withdrawn. A sunset that
// cannot be read is breaking, as in oasdiff: no caller can plan for it.
// Nothing is said about the deprecation of an operation whose stability
// cannot be read (that is reported already).
func (c *comparer) deprecation(dir ChangeDirection, label, loc, key string, was, is bool, sunset string, stabilityOK bool, ids lifecycleIDs, what string) {
	add := func(id string, level ChangeLevel, field, format string, args ...any) {
		c.addAt(id, level, dir, label, loc+field, key+field, fmt.Sprintf(format, args...))
	}
	switch {
	case was == is:
	case !is:
		add(ids.reactivated, Info, "/deprecated", "%s is no longer deprecated", what)
	case !stabilityOK:
	case sunset == "":
		add(ids.deprecated, Info, "/deprecated", "%s is deprecated", what)
	default:
		if _, err := sunsetDate(sunset); err != nil {
			add(ids.announceParse, Breaking, "/sunset", "%s is deprecated, but %v", what, err)
			return
		}
		id := ids.withSunset
		if id == "" {
			id = ids.deprecated
		}
		add(id, Info, "/sunset", "%s is deprecated, to be removed from %s", what, sunset)
	}
}

// sunsetChanged reports, for something deprecated in the newer version,
// its sunset date removed (callers no longer know how long they have), a
// date that cannot be read, or a date moved earlier into the past.
func (c *comparer) sunsetChanged(dir ChangeDirection, label, oldLoc, loc, key string, deprecated bool, was, is string, ids lifecycleIDs, what string) {
	if !deprecated || was == is || was == "" {
		return
	}
	add := func(id, at, format string, args ...any) {
		c.addAt(id, Breaking, dir, label, at+"/sunset", key+"/sunset", fmt.Sprintf(format, args...))
	}
	if is == "" {
		add(ids.deleted, loc, "%s is still deprecated but no longer has a sunset date (it was %s)", what, was)
		return
	}
	dn, err := sunsetDate(is)
	if err != nil {
		add(ids.parse, loc, "%s: %v", what, err)
		return
	}
	do, err := sunsetDate(was)
	if err != nil {
		add(ids.parse, oldLoc, "%s in the older version: %v", what, err)
		return
	}
	if dn.Before(do) && dn.Before(c.today()) {
		add(ids.tooSmall, loc, "the sunset date of %s moved from %s to %s, which has passed: callers had until %s", what, was, is, was)
	}
}

// removal judges something removed by its deprecation in the older
// version: not deprecated is ids.removed at level, deprecated without a
// sunset is info, a sunset that cannot be read or has not come is
// breaking, and after its sunset the removal is info.
//
// The change is located at loc and fingerprinted by key; consequence ends
// the message of a removal without deprecation.
func (c *comparer) removal(dir ChangeDirection, label, loc, key string, level ChangeLevel, deprecated bool, sunset string, ids lifecycleIDs, what, consequence string) {
	add := func(id string, level ChangeLevel, format string, args ...any) {
		c.addAt(id, level, dir, label, loc, key, fmt.Sprintf(format, args...))
	}
	switch {
	case !deprecated:
		add(ids.removed, level, "%s was removed%s", what, consequence)
	case sunset == "":
		add(ids.withDeprecation, Info, "%s was removed after being deprecated", what)
	default:
		d, err := sunsetDate(sunset)
		switch {
		case err != nil:
			add(ids.parse, Breaking, "%s was removed, and its sunset date cannot be read: %v", what, err)
		case c.today().Before(d):
			add(ids.beforeSunset, Breaking, "%s was removed before its sunset date %s", what, sunset)
		default:
			add(ids.afterSunset, Info, "%s was removed after its sunset date %s", what, sunset)
		}
	}
}

// today is the comparison's date, in UTC, which sunset dates are judged
// against.
func (c *comparer) today() time.Time {
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// propertyRemoved judges a removed property by its deprecation in the
// older version (deprecated and x-sunset in its schema), with oasdiff's
// rule IDs: id-with-deprecation without a sunset, id-before-sunset
// (breaking) before it, id-after-sunset after. It returns false for a
// property that was not deprecated, or whose sunset cannot be read: its
// removal is reported as any other.
func (c *comparer) propertyRemoved(sc schemaScope, n spot, old any, id string) bool {
	m, _ := c.olds.resolve(old).(map[string]any)
	if m["deprecated"] != true {
		return false
	}
	sunset := scalarText(m["x-sunset"])
	if sunset == "" {
		c.at(sc, n, id+"-with-deprecation", Info, fmt.Sprintf("%s: the deprecated property %q was removed", sc.what, n.name))
		return true
	}
	d, err := sunsetDate(sunset)
	switch {
	case err != nil:
		return false
	case c.today().Before(d):
		c.at(sc, n, id+"-before-sunset", Breaking, fmt.Sprintf("%s: the property %q was removed before its sunset date %s", sc.what, n.name, sunset))
	default:
		c.at(sc, n, id+"-after-sunset", Info, fmt.Sprintf("%s: the property %q was removed after its sunset date %s", sc.what, n.name, sunset))
	}
	return true
}

// propertyLifecycle compares the stability (x-stability-level) and the
// deprecation of a property of a body kept in both versions, as oasdiff
// does: a level lowered from beta or stable is breaking, one that cannot
// be read is api-invalid-stability-level, and so is a deprecation whose
// sunset date cannot be read.
func (c *comparer) propertyLifecycle(sc schemaScope, n spot, old, new any, req bool) {
	if sc.kind != "request-property" && sc.kind != "response-property" {
		return
	}
	o, _ := c.olds.resolve(old).(map[string]any)
	w, _ := c.news.resolve(new).(map[string]any)
	dir := "response"
	if req {
		dir = "request"
	}
	so, sw := c.lifecycleText(o["x-stability-level"]), c.lifecycleText(w["x-stability-level"])
	ro, okOld := stabilityRank(so)
	rw, okNew := stabilityRank(sw)
	switch {
	case so == sw:
	case !okOld:
		c.at(sc, n, "api-invalid-stability-level", Breaking, fmt.Sprintf("%s: the stability level %q of the property %q in the older version is not one of draft, alpha, beta, stable", sc.what, so, n.name))
	case !okNew:
		c.at(sc, n, "api-invalid-stability-level", Breaking, fmt.Sprintf("%s: the stability level %q of the property %q is not one of draft, alpha, beta, stable", sc.what, sw, n.name))
	case rw < ro && !unstable(so):
		c.at(sc, n, dir+"-property-stability-decreased", Breaking, fmt.Sprintf("%s: the property %q became %s (it was %s)", sc.what, n.name, orDefault(sw, StabilityStable), orDefault(so, StabilityStable)))
	case rw > ro:
		c.at(sc, n, dir+"-property-stability-increased", Info, fmt.Sprintf("%s: the property %q became %s (it was %s)", sc.what, n.name, orDefault(sw, StabilityStable), orDefault(so, StabilityStable)))
	}
	was, is := o["deprecated"] == true, w["deprecated"] == true
	switch {
	case was == is:
	case !is:
		c.at(sc, n, dir+"-property-reactivated", Info, fmt.Sprintf("%s: the property %q is no longer deprecated", sc.what, n.name))
	default:
		sunset := scalarText(w["x-sunset"])
		if _, err := sunsetDate(sunset); sunset != "" && err != nil {
			c.at(sc, n, dir+"-property-deprecated-sunset-invalid", Breaking, fmt.Sprintf("%s: the property %q is deprecated, but %v", sc.what, n.name, err))
			return
		}
		c.at(sc, n, dir+"-property-deprecated", Info, fmt.Sprintf("%s: the property %q is deprecated", sc.what, n.name))
	}
}

// lifecycleText is x-stability-level or x-sunset in a schema, as text
// (a number is written as one).
func (c *comparer) lifecycleText(v any) string {
	switch v.(type) {
	case nil:
		return ""
	case map[string]any, []any:
		return js(v)
	}
	return scalarText(v)
}
