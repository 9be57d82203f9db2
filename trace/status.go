package trace

// Status is whether a link still holds.
type Status string

// The link states. A link is current when made; its target's content
// changing turns it suspect; confirming makes it current again. There is
// no other move, so no transition table: the service makes both moves.
const (
	Current Status = "current"
	Suspect Status = "suspect"
)

// Statuses lists every status.
func Statuses() []Status { return []Status{Current, Suspect} }

// Role is what a link says about its two ends.
type Role string

// The roles. From depends on To in each: a contract version implements a
// requirement, a test verifies it, a requirement derives from or refines
// another, a requirement or action mitigates a risk.
const (
	Implements  Role = "implements"
	Verifies    Role = "verifies"
	DerivesFrom Role = "derives_from"
	Refines     Role = "refines"
	Mitigates   Role = "mitigates"
	RelatesTo   Role = "relates_to"
)

// Roles lists every role.
func Roles() []Role { return []Role{Implements, Verifies, DerivesFrom, Refines, Mitigates, RelatesTo} }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles() {
		if r == x {
			return true
		}
	}
	return false
}
