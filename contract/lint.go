package contract

import "fmt"

// Lint rule IDs. They are stable: tooling may filter or count by them.
const (
	RuleInvalid               = "invalid"                 // a field is malformed (see Spec.Validate)
	RuleSchemaInvalid         = "schema-invalid"          // a schema does not compile
	RuleDuplicateOperationID  = "duplicate-operation-id"  // two operations share an id
	RuleRouteCollision        = "route-collision"         // two operations match the same requests
	RulePathParameter         = "path-parameter-mismatch" // template and path parameters disagree
	RuleNoSuccessResponse     = "no-success-response"     // an operation declares no 1XX–3XX response
	RuleUnknownErrorCode      = "unknown-error-code"      // an error code is not in the catalogue
	RuleErrorStatusUndeclared = "error-status-undeclared" // an error code's status has no response
	RuleExampleInvalid        = "example-invalid"         // an example does not validate
)

// blocksCompile lists the rules whose findings make a contract impossible to
// compile: its schemas or its routes would be ambiguous or broken. The other
// rules are about quality and only fail Lint.
var blocksCompile = map[string]bool{
	RuleInvalid: true, RuleSchemaInvalid: true, RuleDuplicateOperationID: true,
	RuleRouteCollision: true, RulePathParameter: true,
}

// Severity of a finding. Errors block proposing a contract version.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one problem Lint found.
type Finding struct {
	Rule      string   `json:"rule"`
	Severity  Severity `json:"severity"`
	Field     string   `json:"field"`               // JSON path in the spec: operations[2].responses.200
	Operation string   `json:"operation,omitempty"` // the operation concerned, if any
	Message   string   `json:"message"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s %s %s: %s", f.Severity, f.Rule, f.Field, f.Message)
}

// Lint checks spec and reports every problem it finds: malformed fields,
// schemas that do not compile, duplicate operation ids, colliding routes,
// path parameters missing from the template or vice versa, operations
// without a success response, error codes outside the catalogue, and
// examples that do not validate. An empty result means the contract is
// clean.
func Lint(spec Spec) []Finding {
	_, findings := build(spec, true)
	return findings
}

// HasErrors reports whether any finding has severity error.
func HasErrors(findings []Finding) bool { return hasErrors(findings) }

func hasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}
