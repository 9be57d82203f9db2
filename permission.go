package accord

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Permission names what a command needs inside a project
// ("settings.update"). Every command of every Service names one; a
// project's Permissions table says which roles grant it.
type Permission string

// The permissions. Reading a project needs only membership; everything
// that changes something needs one of these.
const (
	// PermRecordWrite: create, edit and move records, comment, vote,
	// answer and take part in reviews and retrospectives.
	PermRecordWrite Permission = "record.write"
	// PermRecordDelete: delete records others created, or that have left
	// their draft state. A record's author may always delete their own
	// draft with PermRecordWrite.
	PermRecordDelete Permission = "record.delete"
	// PermRecordRestore: bring back a deleted record within the retention
	// window.
	PermRecordRestore Permission = "record.restore"
	// PermSettingsUpdate: change a domain's project settings (review
	// policies, commit rules, scoring, templates...).
	PermSettingsUpdate Permission = "settings.update"
	// PermMembersManage: add and remove members and set their roles.
	PermMembersManage Permission = "members.manage"
	// PermPermissionsUpdate: change the permission table itself. Only
	// admins hold it, whatever the table says, so a project can never
	// lock its admins out or hand the table to someone else.
	PermPermissionsUpdate Permission = "permissions.update"
	// PermWebhookManage: subscribe, change, rotate, replay and delete
	// webhooks, and read their delivery logs.
	PermWebhookManage Permission = "webhook.manage"
	// PermProjectExport: export a whole project as one document, every
	// revision of every record. (Importing makes a new project: that is
	// the installation's, `accord import` on the database.)
	PermProjectExport Permission = "project.export"
	// PermReviewOverride: force a review's outcome with a written reason
	// (the review policy also names the roles that may, per kind).
	PermReviewOverride Permission = "review.override"
	// PermRiskAccept: accept a risk (the risk settings also name the
	// roles that may accept at each level).
	PermRiskAccept Permission = "risk.accept"
)

// RoleAdmin administers a project: it holds every permission.
const RoleAdmin = "admin"

// RoleMember is held by every member of a project, whatever their other
// roles: a permission granted to it is granted to all members.
const RoleMember = "member"

// Permissions is a project's permission table: for each permission, the
// roles that grant it. A permission the table leaves out keeps its default
// (DefaultPermissions); admins hold every permission whatever the table
// says.
type Permissions map[Permission][]string

// AllPermissions lists every permission, in a stable order.
func AllPermissions() []Permission {
	return []Permission{PermRecordWrite, PermRecordDelete, PermRecordRestore, PermSettingsUpdate,
		PermMembersManage, PermPermissionsUpdate, PermWebhookManage, PermProjectExport,
		PermReviewOverride, PermRiskAccept}
}

// DefaultPermissions returns the table a project starts with: members
// write, admins administer, and product and architects may also force a
// review's outcome (as far as the review policy lets them).
func DefaultPermissions() Permissions {
	return Permissions{
		PermRecordWrite:       {RoleMember},
		PermRecordDelete:      {RoleAdmin},
		PermRecordRestore:     {RoleAdmin},
		PermSettingsUpdate:    {RoleAdmin},
		PermMembersManage:     {RoleAdmin},
		PermPermissionsUpdate: {RoleAdmin},
		PermWebhookManage:     {RoleAdmin},
		PermProjectExport:     {RoleAdmin},
		PermReviewOverride:    {RoleAdmin, "product", "architect"},
		PermRiskAccept:        {RoleMember},
	}
}

// Merged returns the table with every permission present: p's entries over
// the defaults. permissions.update always stays with admins only.
func (p Permissions) Merged() Permissions {
	out := DefaultPermissions()
	for perm, roles := range p {
		if perm != PermPermissionsUpdate {
			out[perm] = slices.Clone(roles)
		}
	}
	return out
}

// Roles returns the roles that grant perm (defaults included).
func (p Permissions) Roles(perm Permission) []string {
	if roles, ok := p[perm]; ok && perm != PermPermissionsUpdate {
		return slices.Clone(roles)
	}
	return DefaultPermissions()[perm]
}

// Allows reports whether holding roles grants perm. Admins hold every
// permission; RoleMember stands for every member.
func (p Permissions) Allows(perm Permission, roles []string) bool {
	if slices.Contains(roles, RoleAdmin) {
		return true
	}
	for _, r := range p.Roles(perm) {
		if r == RoleMember || slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// Validate checks a table: known permissions, role names that are short
// printable words, and permissions.update left to admins.
func (p Permissions) Validate() error {
	var errs FieldErrors
	known := AllPermissions()
	for _, perm := range slices.Sorted(maps.Keys(p)) {
		field := "permissions." + string(perm)
		if !slices.Contains(known, perm) {
			errs.Add(field, "unknown permission; one of %s", joinPermissions(known))
			continue
		}
		if perm == PermPermissionsUpdate && !slices.Equal(p[perm], []string{RoleAdmin}) {
			errs.Add(field, "only admins may change the permission table; it cannot be granted")
			continue
		}
		for i, r := range p[perm] {
			if msg := checkRoleName(r); msg != "" {
				errs.Add(fmt.Sprintf("%s[%d]", field, i), "%s", msg)
			} else if slices.Index(p[perm], r) != i {
				errs.Add(fmt.Sprintf("%s[%d]", field, i), "%q is listed twice", r)
			}
		}
	}
	return errs.Err("permissions")
}

// checkRoleName says what is wrong with a role name, or "".
func checkRoleName(r string) string {
	if r == "" || len(r) > 64 {
		return "must be 1-64 characters"
	}
	for _, c := range r {
		if c <= ' ' || c == 0x7f || c == ',' {
			return "must be a word without spaces, commas or control characters"
		}
	}
	return ""
}

func joinPermissions(ps []Permission) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// Access is what one member may do in a project: the roles they hold there
// and the project's permission table.
type Access struct {
	Roles       []string
	Permissions Permissions
}

// Allows reports whether the access grants perm.
func (a Access) Allows(perm Permission) bool { return a.Permissions.Allows(perm, a.Roles) }

// Authorizer tells the services who may do what in a project. The project
// package's Service is the one accord ships (membership and the project's
// own table); an embedding platform may supply its own. Services are given
// one in their Options and ask it on every command.
type Authorizer interface {
	// Access returns the roles member holds in project and the project's
	// permission table. NotFound when the project does not exist or member
	// is not a member of it (the two are not told apart).
	Access(ctx context.Context, project, member string) (Access, error)
}

// ActorRoles is the Authorizer a Service uses when its Options name none:
// every caller counts as a member, holding the roles its Actor carries (as
// the embedding program authenticated them) under the default table. It
// cannot know the roles of anyone but the caller.
type ActorRoles struct{}

// Access implements Authorizer: no roles beyond the actor's own, the
// default table.
func (ActorRoles) Access(_ context.Context, _, _ string) (Access, error) {
	return Access{Permissions: DefaultPermissions()}, nil
}

// Denied is the PermissionDenied error for a command that needs perm in
// project: it names the permission, the roles that grant it and the roles
// the actor holds.
func Denied(actor Actor, project string, perm Permission, p Permissions) *Error {
	held := "no role"
	if len(actor.Roles) > 0 {
		held = "roles " + strings.Join(actor.Roles, ", ")
	}
	return &Error{Code: PermissionDenied,
		Message: fmt.Sprintf("%s needs the permission %s in project %s, which the roles %s grant; %s holds %s",
			actor.ID, perm, project, strings.Join(p.Roles(perm), ", "), actor.ID, held),
		Err: missingPermission{perm}}
}

// missingPermission is the cause of a Denied error.
type missingPermission struct{ perm Permission }

func (m missingPermission) Error() string { return "missing permission " + string(m.perm) }

// MissingPermission returns the permission whose lack err reports, if err
// (or what it wraps) is a Denied error.
func MissingPermission(err error) (Permission, bool) {
	var m missingPermission
	if errors.As(err, &m) {
		return m.perm, true
	}
	return "", false
}
