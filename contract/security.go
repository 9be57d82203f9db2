package contract

import (
	"fmt"
	"slices"
	"strings"
)

// anonymous reports whether a caller without credentials gets in: no
// requirement at all, or an empty one among the alternatives.
func anonymous(reqs []SecurityRequirement) bool {
	return len(reqs) == 0 || slices.ContainsFunc(reqs, func(r SecurityRequirement) bool { return len(r) == 0 })
}

// schemesOf names a requirement by its schemes, api_key+oauth: two
// versions' requirements are paired by it.
func schemesOf(r SecurityRequirement) string { return strings.Join(sortedKeys(r), "+") }

// security compares what callers of an operation must present, with
// oasdiff's rule IDs: anonymous access removed, a requirement removed and
// a scope added shut callers out; the reverse lets more in.
func (c *comparer) security(label, oldBase, base string, o, n []SecurityRequirement) {
	oa, na := anonymous(o), anonymous(n)
	switch {
	case oa && na:
		return // nobody is shut out, whatever else changed
	case oa:
		c.add("api-security-anonymous-access-removed", Breaking, "", label, base, "/security", "%s now asks for credentials (%s): callers without any are refused", label, describeSecurity(n))
		return
	case na:
		c.add("api-security-anonymous-access-added", Info, "", label, base, "/security", "%s no longer asks for credentials", label)
		return
	}
	newAt := map[string]int{}
	for j, r := range n {
		newAt[schemesOf(r)] = j
	}
	oldSeen := map[string]bool{}
	for i, r := range o {
		key := schemesOf(r)
		oldSeen[key] = true
		rel := "/security/" + escapeToken(key)
		j, ok := newAt[key]
		if !ok {
			c.addAt("api-security-removed", Breaking, "", label, fmt.Sprintf("%s/security/%d", oldBase, i), rel,
				fmt.Sprintf("%s no longer accepts %s: callers that present it are refused", label, describeSecurity([]SecurityRequirement{r})))
			continue
		}
		nr := n[j]
		for _, scheme := range sortedKeys(r) {
			at := fmt.Sprintf("%s/security/%d/%s", base, j, escapeToken(scheme))
			for _, scope := range nr[scheme] {
				if !slices.Contains(r[scheme], scope) {
					c.addAt("api-security-scope-added", Breaking, "", label, at, rel+"/"+escapeToken(scheme)+"/"+escapeToken(scope),
						fmt.Sprintf("%s now needs the scope %s of %s: callers whose credentials lack it are refused", label, scope, scheme))
				}
			}
			for _, scope := range r[scheme] {
				if !slices.Contains(nr[scheme], scope) {
					c.addAt("api-security-scope-removed", Info, "", label, at, rel+"/"+escapeToken(scheme)+"/"+escapeToken(scope),
						fmt.Sprintf("%s no longer needs the scope %s of %s", label, scope, scheme))
				}
			}
		}
	}
	for j, r := range n {
		if key := schemesOf(r); !oldSeen[key] {
			c.addAt("api-security-added", Info, "", label, fmt.Sprintf("%s/security/%d", base, j), "/security/"+escapeToken(key),
				fmt.Sprintf("%s also accepts %s", label, describeSecurity([]SecurityRequirement{r})))
		}
	}
}

// describeSecurity writes requirements for a message: oauth [read:pets]
// and api_key, or basic.
func describeSecurity(reqs []SecurityRequirement) string {
	var alts []string
	for _, r := range reqs {
		var parts []string
		for _, name := range sortedKeys(r) {
			if len(r[name]) > 0 {
				parts = append(parts, fmt.Sprintf("%s %v", name, r[name]))
			} else {
				parts = append(parts, name)
			}
		}
		alts = append(alts, strings.Join(parts, " and "))
	}
	return strings.Join(alts, ", or ")
}
