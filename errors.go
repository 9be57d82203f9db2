package accord

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error. The set is small and fixed so that every adapter
// can map it once (the HTTP adapter maps codes to statuses).
type Code string

// The error codes. Anything that is not an *Error reads as Internal.
const (
	Invalid            Code = "invalid"
	NotFound           Code = "not_found"
	Conflict           Code = "conflict"
	FailedPrecondition Code = "failed_precondition"
	Unauthenticated    Code = "unauthenticated"
	PermissionDenied   Code = "permission_denied"
	Unimplemented      Code = "unimplemented"
	Internal           Code = "internal"
)

// ErrStale is wrapped by Conflict errors caused by an update naming a base
// revision that is no longer current. Adapters use it to tell a lost race
// (HTTP 412) from other conflicts such as a duplicate name (HTTP 409).
var ErrStale = errors.New("stale revision")

// FieldError names one invalid field by its JSON path
// (acceptance_criteria[2].text) and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type of accord. It carries a Code, a message, the
// invalid fields for Invalid errors, and the cause it wraps.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code. The message is formatted
// like fmt.Errorf, and a %w verb makes the error wrap its operand.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// InvalidField returns the Invalid error for one bad field of what: its
// message reads "invalid <what>", and the field's message is format
// applied to args. Use FieldErrors to report several fields at once.
func InvalidField(what, field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Message: "invalid " + what, Fields: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// StaleError is the Conflict error for an update whose base revision is not
// the current one.
func StaleError(what string, base, current int) *Error {
	return &Error{
		Code:    Conflict,
		Message: fmt.Sprintf("%s is at revision %d, the update was based on revision %d; re-read and retry", what, current, base),
		Err:     ErrStale,
	}
}

// ErrorCode returns the code of err, looking through wrapping. A nil error
// has the empty code; an error that is not an *Error is Internal.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// FieldErrors collects invalid fields while validating a record.
// The zero value is ready to use.
type FieldErrors []FieldError

// Add records that field has a problem.
func (f *FieldErrors) Add(field, format string, args ...any) {
	*f = append(*f, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, and otherwise an Invalid *Error
// that lists every field.
func (f FieldErrors) Err(what string) error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "invalid " + what, Fields: append([]FieldError(nil), f...)}
}
