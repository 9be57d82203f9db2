package contract

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// semver is a parsed semantic version (semver.org 2.0.0); build metadata is
// not allowed, as it would make two different strings the same version.
type semver struct {
	major, minor, patch uint64
	pre                 []string
}

func parseSemver(s string) (semver, error) {
	var v semver
	core, pre, hasPre := strings.Cut(s, "-")
	if strings.Contains(s, "+") {
		return v, fmt.Errorf("%q: build metadata (+...) is not allowed", s)
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("%q is not a semantic version MAJOR.MINOR.PATCH", s)
	}
	nums := make([]uint64, 3)
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil || p == "" || (len(p) > 1 && p[0] == '0') {
			return v, fmt.Errorf("%q is not a semantic version MAJOR.MINOR.PATCH", s)
		}
		nums[i] = n
	}
	v.major, v.minor, v.patch = nums[0], nums[1], nums[2]
	if hasPre {
		if pre == "" {
			return v, fmt.Errorf("%q has an empty pre-release", s)
		}
		v.pre = strings.Split(pre, ".")
		for _, id := range v.pre {
			if id == "" || strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" {
				return v, fmt.Errorf("%q has a bad pre-release identifier %q", s, id)
			}
		}
	}
	return v, nil
}

func (a semver) compare(b semver) int {
	if c := cmp.Compare(a.major, b.major); c != 0 {
		return c
	}
	if c := cmp.Compare(a.minor, b.minor); c != 0 {
		return c
	}
	if c := cmp.Compare(a.patch, b.patch); c != 0 {
		return c
	}
	switch {
	case len(a.pre) == 0 && len(b.pre) == 0:
		return 0
	case len(a.pre) == 0:
		return 1 // a release is higher than its pre-releases
	case len(b.pre) == 0:
		return -1
	}
	for i := 0; i < len(a.pre) && i < len(b.pre); i++ {
		an, aerr := strconv.ParseUint(a.pre[i], 10, 64)
		bn, berr := strconv.ParseUint(b.pre[i], 10, 64)
		var c int
		switch {
		case aerr == nil && berr == nil:
			c = cmp.Compare(an, bn)
		case aerr == nil:
			c = -1 // numeric identifiers sort before alphanumeric ones
		case berr == nil:
			c = 1
		default:
			c = strings.Compare(a.pre[i], b.pre[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.pre), len(b.pre))
}

// CompareVersions compares two semantic versions: -1, 0 or +1. It returns
// an error naming the one that does not parse.
func CompareVersions(a, b string) (int, error) {
	va, err := parseSemver(a)
	if err != nil {
		return 0, err
	}
	vb, err := parseSemver(b)
	if err != nil {
		return 0, err
	}
	return va.compare(vb), nil
}
