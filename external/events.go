package external

// RefKind is the kind of accord.Ref that points at a reference.
const RefKind = "external_reference"

// The kinds of the events the Service publishes; Event.Ref points at the
// reference, and the summary names the record it belongs to.
const (
	EventAdded   = "external.added"
	EventUpdated = "external.updated"
	EventRemoved = "external.removed"
	// EventSettingsChanged: a project's tracker settings changed; Ref
	// points at the project.
	EventSettingsChanged = "external.settings_changed"
)

// UniqueName is the name a store keeps unique within a project for a
// reference: its system and key (jira:SHOP-123).
func UniqueName(system, key string) string { return system + ":" + key }
