package accord

import "fmt"

// Ref points at a record in any domain without importing it: a requirement,
// a contract, a review. Kind is a lower-case record kind ("requirement",
// "contract"); ID is that record's ID or human key.
type Ref struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

func (r Ref) String() string { return r.Kind + "/" + r.ID }

// Validate reports missing parts of r under the field path given.
func (r Ref) Validate(field string, errs *FieldErrors) {
	if r.Kind == "" {
		errs.Add(field+".kind", "required")
	}
	if r.ID == "" {
		errs.Add(field+".id", "required")
	}
}

// GoString makes refs readable in test failure output.
func (r Ref) GoString() string { return fmt.Sprintf("accord.Ref{%q, %q}", r.Kind, r.ID) }
