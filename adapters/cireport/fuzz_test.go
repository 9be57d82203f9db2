package cireport_test

import (
	"strings"
	"testing"

	"github.com/accordhq/accord/adapters/cireport"
)

// .accord.yaml is outside input: parsing never panics, and every error
// names the file.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("fail-on: breaking\nversion-bump: major\nignore:\n  - rule: x\n    reason: y\n    expires: 2027-01-01\n    file: a.yaml\n"))
	f.Add([]byte("ignore: [1, {rule: [x]}]\n"))
	f.Add([]byte("&a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := cireport.ParseConfig(".accord.yaml", data)
		if err != nil && !strings.HasPrefix(err.Error(), ".accord.yaml:") {
			t.Fatalf("the error does not name the file: %v", err)
		}
	})
}
