package contract

// The kinds of accord.Ref that point at this package's records. A version's
// ID is "<contract id>@<version>".
const (
	RefKind        = "contract"
	VersionRefKind = "contract_version"
)

// The kinds of the events the Service publishes. Event.Ref points at the
// contract, or at the version for version events.
const (
	EventCreated              = "contract.created"
	EventDeleted              = "contract.deleted"
	EventRestored             = "contract.restored"
	EventVersionCreated       = "contract.version_created"
	EventVersionUpdated       = "contract.version_updated"
	EventVersionTransitioned  = "contract.version_transitioned"
	EventBreakingAcknowledged = "contract.breaking_acknowledged"
	EventSettingsChanged      = "contract.settings_changed"
	EventTestRunRecorded      = "contract.test_run_recorded"
)
