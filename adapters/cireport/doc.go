// Package cireport turns the findings of accord's checks (contract diff,
// contract lint, requirement lint) into what CI systems read: GitHub
// Actions workflow commands that annotate a pull request at the line of
// the element concerned, SARIF 2.1.0 for code scanning, JUnit XML for
// dashboards, and a Markdown summary for a pull-request comment.
//
// It knows nothing of the domains: a caller turns its findings into
// Annotations (rule, level, file, line, message), placing them with a
// Locator, which maps a JSON pointer to the line of a YAML or JSON file,
// following $ref into other files. Config reads the repository's
// .accord.yaml: the level that fails the build, the rules ignored (with a
// reason and an optional expiry) and the version-bump rule.
//
// Exit statuses, for the commands built on it: 0 clean, 1 findings at the
// failing level, 2 usage or input errors.
package cireport
