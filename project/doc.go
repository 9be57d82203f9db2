// Package project keeps the projects of an accord installation and who may
// work in each: a project has a key (the {project} of every path), a name,
// and members, each with roles in that project. The reference server's
// authorizer (httpapi.ProjectMembers) is built on it: a caller who is not a
// member of a project does not see it at all.
//
// The main calls, on a Service over a Store: Create (the creator becomes
// the first member, an admin), Get, List (the caller's projects), SetMember
// and RemoveMember (members.manage; only admins make or remove admins; the
// last admin cannot go), Permissions and SetPermissions (the project's
// permission table; only admins change it), and Member and Access, which
// authorizers ask. The Service is itself an accord.Authorizer: give it to
// every domain service's Options (or adapters/link's) and each command is
// checked against the caller's project roles and the project's table.
// Every change is a new revision, like every record.
//
// After every change the Service publishes an event (events.go):
// project.created, project.member_set, project.member_removed and
// project.permissions_set.
package project
