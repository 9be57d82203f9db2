package project

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// RoleAdmin administers a project: it holds every permission, and only
// admins make admins.
const RoleAdmin = accord.RoleAdmin

// Project is a space of requirements, contracts and reviews, and who works
// in it.
type Project struct {
	Key     string   `json:"key"` // the {project} of every path; never changes
	Name    string   `json:"name"`
	Members []Member `json:"members"`
	// Permissions is the project's permission table: only the entries
	// that differ from accord.DefaultPermissions. Only admins change it.
	Permissions accord.Permissions `json:"permissions,omitempty"`
	accord.Stamp
}

// Member is an actor who works in a project, with roles in it (admin,
// product, backend, …). Project roles count alongside the roles an actor's
// credentials carry.
type Member struct {
	Actor   string    `json:"actor"`
	Roles   []string  `json:"roles"`
	AddedAt time.Time `json:"added_at"`
	AddedBy string    `json:"added_by"`
}

// Ref returns the reference other records use to point at p.
func (p Project) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: p.Key} }

// Member returns the member with the actor ID, if any.
func (p *Project) Member(actor string) (Member, bool) {
	for _, m := range p.Members {
		if m.Actor == actor {
			return m, true
		}
	}
	return Member{}, false
}

func (p *Project) admins() int {
	n := 0
	for _, m := range p.Members {
		if slices.Contains(m.Roles, RoleAdmin) {
			n++
		}
	}
	return n
}

// Clone returns a deep copy of p.
func (p Project) Clone() Project {
	p.Members = slices.Clone(p.Members)
	for i := range p.Members {
		p.Members[i].Roles = slices.Clone(p.Members[i].Roles)
	}
	if p.Permissions != nil {
		perms := make(accord.Permissions, len(p.Permissions))
		for k, v := range p.Permissions {
			perms[k] = slices.Clone(v)
		}
		p.Permissions = perms
	}
	return p
}

// NewProject is what Create needs.
type NewProject struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Validate checks the input, naming fields by their JSON names.
func (in NewProject) Validate() error {
	var errs accord.FieldErrors
	if err := accord.ValidateProject(in.Key); err != nil {
		errs.Add("key", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	svc.CheckText(&errs, "name", in.Name, svc.MaxName, true)
	svc.CheckBounds(&errs, "", in)
	return errs.Err("project")
}

// MaxRole is the longest role name; MaxRoles the most roles a member holds.
const (
	MaxRole  = 64
	MaxRoles = 50
)

// MemberInput sets a member's roles.
type MemberInput struct {
	Roles []string `json:"roles"`
}

// Validate checks the roles: at least one, each a short word, no repeats.
func (in MemberInput) Validate() error {
	var errs accord.FieldErrors
	if len(in.Roles) == 0 {
		errs.Add("roles", "required: at least one role, such as admin, product or backend")
	}
	if len(in.Roles) > MaxRoles {
		errs.Add("roles", "more than %d roles", MaxRoles)
		return errs.Err("member")
	}
	for i, r := range in.Roles {
		field := "roles[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(r) == "":
			errs.Add(field, "required")
		case len(r) > MaxRole:
			errs.Add(field, "longer than %d bytes", MaxRole)
		case strings.ContainsFunc(r, func(c rune) bool { return c <= ' ' || c == 0x7f || c == ',' || !unicode.IsPrint(c) }):
			errs.Add(field, "must be a word without spaces, commas or control characters")
		case r == accord.RoleMember:
			errs.Add(field, "%q is what every member is; name a role such as product or backend", r)
		case slices.Index(in.Roles, r) != i:
			errs.Add(field, "%q is listed twice", r)
		}
	}
	return errs.Err("member")
}

// PermissionsInput replaces a project's permission table: for each
// permission, the roles that grant it. Permissions left out keep their
// defaults.
type PermissionsInput struct {
	Permissions accord.Permissions `json:"permissions"`
}

// Validate checks the table.
func (in PermissionsInput) Validate() error { return in.Permissions.Validate() }

// PermissionTable is a project's permission table as members read it:
// every permission with the roles that grant it. Its stamp is the
// project's, so an update names the project's revision in If-Match.
type PermissionTable struct {
	Project     string             `json:"project"`
	Permissions accord.Permissions `json:"permissions"`
	accord.Stamp
}

// PermissionTable returns p's table, defaults filled in.
func (p Project) PermissionTable() PermissionTable {
	return PermissionTable{Project: p.Key, Permissions: p.Permissions.Merged(), Stamp: p.Stamp}
}
