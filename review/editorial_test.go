package review

import "testing"

func TestIsEditorial(t *testing.T) {
	patterns := []string{"labels", "flow[*].diagram", "acceptance_criteria[*].test_ref", "scenarios[2]"}
	for path, want := range map[string]bool{
		"labels":                          true,
		"labels[3]":                       true,
		"labelsx":                         false,
		"flow[0].diagram":                 true,
		"flow[12].diagram":                true,
		"flow[0].action":                  false,
		"flow":                            false,
		"acceptance_criteria[1].test_ref": true,
		"acceptance_criteria[1].text":     false,
		"acceptance_criteria[1]":          false,
		"scenarios[2].name":               true,
		"scenarios[20].name":              false,
		"title":                           false,
	} {
		if got := isEditorial(path, patterns); got != want {
			t.Errorf("isEditorial(%q) = %t, want %t", path, got, want)
		}
	}
}
