// Package project keeps the projects of an accord installation and who may
// work in each: a project has a key (the {project} of every path), a name,
// and members, each with roles in that project. The reference server's
// authorizer (httpapi.ProjectMembers) is built on it: a caller who is not a
// member of a project does not see it at all.
//
// The main calls, on a Service over a Store: Create (the creator becomes
// the first member, an admin), Get, List (the caller's projects), SetMember
// and RemoveMember (admins only; the last admin cannot go), and Member,
// which authorizers ask. Every change is a new revision, like every record.
//
// After every change the Service publishes an event (events.go):
// project.created, project.member_set and project.member_removed.
package project
