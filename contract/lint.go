package contract

import (
	"fmt"
	"strconv"
	"strings"
)

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
	RuleLifecycle             = "lifecycle-invalid"       // a stability level or sunset date cannot be read
	RuleNoOperations          = "no-operations"           // the contract declares nothing yet
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

// Finding is one problem Lint found. A finding about an operation names
// it in its Message as the reader knows it, getOrder (GET /orders/{id}).
type Finding struct {
	Rule      string   `json:"rule"`
	Severity  Severity `json:"severity"`
	Field     string   `json:"field"`               // JSON path in the spec: operations[2].responses.200
	Operation string   `json:"operation,omitempty"` // the operation concerned, if any
	// Pointer is the same place as a JSON pointer into the contract's
	// OpenAPI form (/paths/~1orders/get/responses, /components/schemas/Order):
	// the document it was imported from, or the one OpenAPI exports.
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
}

// String renders the finding on one line, placed by its OpenAPI pointer
// when it has one.
func (f Finding) String() string {
	at := f.Field
	if f.Pointer != "" {
		at = f.Pointer
	}
	return fmt.Sprintf("%s %s %s: %s", f.Severity, f.Rule, at, f.Message)
}

// label names an operation as its author knows it: the operationId (as
// the imported document wrote it, when accord had to change it), the
// method and the path template.
func (op Operation) label() string {
	name := op.ID
	if op.DisplayName != "" {
		name = op.DisplayName
	}
	return fmt.Sprintf("%s (%s %s)", name, strings.ToUpper(op.Method), op.Path)
}

// describeFindings puts each finding in the author's terms: the operation
// by name, method and path at the start of the message, and the place as a
// pointer into the OpenAPI form of the contract.
func describeFindings(spec Spec, findings []Finding) {
	for i := range findings {
		f := &findings[i]
		ptr, op := openAPIPointer(spec, f.Field)
		f.Pointer = ptr
		if op == nil {
			continue
		}
		if f.Operation == "" {
			f.Operation = op.ID
		}
		f.Message = op.label() + ": " + f.Message
	}
}

// openAPIPointer translates a field path of a Spec (operations[2].responses.200)
// to a JSON pointer into its OpenAPI form, and returns the operation the
// field belongs to, if any. Parts with no OpenAPI counterpart keep the
// pointer of the nearest enclosing place.
func openAPIPointer(spec Spec, field string) (string, *Operation) {
	if rest, ok := strings.CutPrefix(field, "schemas."); ok {
		return "/components/schemas/" + escapeToken(rest), nil
	}
	rest, ok := strings.CutPrefix(field, "operations[")
	if !ok {
		switch {
		case field == "service":
			return "/info/title", nil
		case field == "description":
			return "/info/description", nil
		case strings.HasPrefix(field, "error_codes"):
			return "/x-accord-error-codes", nil
		}
		return "", nil
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return "", nil
	}
	i, err := strconv.Atoi(rest[:end])
	if err != nil || i < 0 || i >= len(spec.Operations) {
		return "", nil
	}
	op := &spec.Operations[i]
	base := "/paths/" + escapeToken(op.Path) + "/" + strings.ToLower(op.Method)
	rest = strings.TrimPrefix(rest[end+1:], ".")
	var b strings.Builder
	b.WriteString(base)
	switch {
	case rest == "id":
		b.WriteString("/operationId")
	case strings.HasPrefix(rest, "parameters"):
		b.WriteString("/parameters")
		if n, ok := index(rest, "parameters"); ok {
			b.WriteString("/" + n)
			if strings.HasSuffix(rest, ".schema") {
				b.WriteString("/schema")
			}
		}
	case strings.HasPrefix(rest, "request_body"):
		b.WriteString("/requestBody")
		if mt, ok := strings.CutPrefix(rest, "request_body.content."); ok {
			writeContent(&b, mt)
		}
	case strings.HasPrefix(rest, "responses"):
		b.WriteString("/responses")
		if r, ok := strings.CutPrefix(rest, "responses."); ok {
			key, more, _ := strings.Cut(r, ".")
			b.WriteString("/" + escapeToken(key))
			if mt, ok := strings.CutPrefix(more, "content."); ok {
				writeContent(&b, mt)
			} else if strings.HasPrefix(more, "headers") {
				b.WriteString("/headers")
			}
		}
	case strings.HasPrefix(rest, "error_codes"):
		b.WriteString("/x-accord-error-codes")
		if n, ok := index(rest, "error_codes"); ok {
			b.WriteString("/" + n)
		}
	}
	return b.String(), op
}

// index reads the number of name[n] at the start of field.
func index(field, name string) (string, bool) {
	rest, ok := strings.CutPrefix(field, name+"[")
	if !ok {
		return "", false
	}
	n, _, ok := strings.Cut(rest, "]")
	return n, ok
}

// writeContent writes the pointer of content.<media type>[.schema]; media
// types hold dots, so the schema is found from the end.
func writeContent(b *strings.Builder, mt string) {
	schema := false
	if m, ok := strings.CutSuffix(mt, ".schema"); ok {
		mt, schema = m, true
	}
	b.WriteString("/content/" + escapeToken(mt))
	if schema {
		b.WriteString("/schema")
	}
}

// Lint checks spec and reports every problem it finds: malformed fields,
// schemas that do not compile, duplicate operation ids, colliding routes,
// path parameters missing from the template or vice versa, operations
// without a success response (a warning when a default response stands
// in for it), error codes outside the catalogue, and
// examples that do not validate. An empty result means the contract is
// clean.
func Lint(spec Spec) []Finding {
	_, findings := build(spec, true)
	return findings
}

// HasErrors reports whether any finding has severity error.
func HasErrors(findings []Finding) bool { return hasErrors(findings) }

// Blocking reports whether the finding keeps the contract from compiling
// (Compile fails with it); the others are about quality and only fail Lint.
func (f Finding) Blocking() bool { return blocks(f) }

func blocks(f Finding) bool { return f.Severity == SeverityError && blocksCompile[f.Rule] }

func hasBlocking(findings []Finding) bool {
	for _, f := range findings {
		if blocks(f) {
			return true
		}
	}
	return false
}

func hasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}
