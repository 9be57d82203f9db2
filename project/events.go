package project

// RefKind is the kind of accord.Ref that points at a project.
const RefKind = "project"

// The kinds of the events the Service publishes; Event.Ref points at the
// project.
const (
	EventCreated        = "project.created"
	EventMemberSet      = "project.member_set"
	EventMemberRemoved  = "project.member_removed"
	EventPermissionsSet = "project.permissions_set"
)
