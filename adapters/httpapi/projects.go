package httpapi

import (
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/project"
)

func projectEndpoints() []endpoint {
	const all = "/v1/projects"
	const one = all + "/{project}"
	return []endpoint{
		{id: "listProjects", method: "GET", path: all, summary: "The projects the caller is a member of", query: withPage(),
			status: 200, result: accord.Page[project.Project]{},
			handle: read(func(c in) (accord.Page[project.Project], error) {
				size, token, err := listQuery(c.r)
				if err != nil {
					return accord.Page[project.Project]{}, err
				}
				return c.projects.List(c.ctx(), accord.PageQuery{Size: size, Token: token})
			})},
		{id: "createProject", method: "POST", path: all, summary: "Create a project; its creator is its first member, an admin",
			body: project.NewProject{}, status: 201, result: project.Project{}, etag: true, location: true,
			handle: create(func(p project.Project) string { return all + "/" + p.Key }, func(c in, b project.NewProject) (project.Project, error) {
				return c.projects.Create(c.ctx(), b)
			})},
		{id: "getProject", method: "GET", path: one, summary: "A project and its members", status: 200, result: project.Project{}, etag: true,
			handle: read(func(c in) (project.Project, error) { return c.projects.Get(c.ctx(), c.project()) })},
		{id: "setProjectMember", method: "PUT", path: one + "/members/{actor}", summary: "Add a member or set a member's roles (members.manage; only admins make or unmake admins)", permission: accord.PermMembersManage,
			body: project.MemberInput{}, status: 200, result: project.Project{}, etag: true,
			handle: act(func(c in, b project.MemberInput) (project.Project, error) {
				return c.projects.SetMember(c.ctx(), c.project(), c.path("actor"), b)
			})},
		{id: "getProjectPermissions", method: "GET", path: one + "/settings/permissions", summary: "The project's permission table: for each permission, the roles that grant it",
			status: 200, result: project.PermissionTable{}, etag: true,
			handle: read(func(c in) (project.PermissionTable, error) { return c.projects.Permissions(c.ctx(), c.project()) })},
		{id: "putProjectPermissions", method: "PUT", path: one + "/settings/permissions", summary: "Replace the project's permission table (admins only; If-Match: the project's revision). Permissions left out keep their defaults",
			body: project.PermissionsInput{}, ifMatch: true, status: 200, result: project.PermissionTable{}, etag: true, permission: accord.PermPermissionsUpdate,
			handle: update(1, func(c in, base int, b project.PermissionsInput) (project.PermissionTable, error) {
				return c.projects.SetPermissions(c.ctx(), c.project(), base, b)
			})},
		{id: "removeProjectMember", method: "DELETE", path: one + "/members/{actor}", summary: "Remove a member (members.manage; only admins remove admins; never the last admin)", permission: accord.PermMembersManage,
			status: 200, result: project.Project{}, etag: true,
			handle: read(func(c in) (project.Project, error) {
				return c.projects.RemoveMember(c.ctx(), c.project(), c.path("actor"))
			})},
	}
}
