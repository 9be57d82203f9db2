package tracker

import (
	"context"

	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
)

// The rule and configuration types live in the external domain, where a
// project's connections are a revisioned setting (external.Settings);
// these names keep the tracker package readable on its own.
type (
	// Action is what a rule does in the tracker.
	Action = external.Action
	// Rule says what to do in the tracker when an accord event happens.
	Rule = external.Rule
	// StatusMapping maps a tracker status onto a plan item state.
	StatusMapping = external.StatusMapping
	// Config is one project's connection to one tracker.
	Config = external.Connection
)

// The actions a rule can take.
const (
	Create  = external.Create  // create the item (or update it when it exists)
	Comment = external.Comment // comment on the record's item
	Move    = external.Move    // move the record's item to Rule.Status
)

// SettingsSource is a ConfigSource over the external domain's settings:
// the project's connections as its admins last set them.
func SettingsSource(refs *external.Service) ConfigSource {
	return func(ctx context.Context, project string) ([]Config, error) {
		st, err := refs.Settings(ctx, project)
		if err != nil {
			return nil, err
		}
		return st.Trackers, nil
	}
}

// PlanStates lists the plan item states a tracker status may map onto:
// what external.Options.PlanStates takes, so that the external domain
// checks a status map without importing plan.
func PlanStates() []string {
	return []string{string(plan.NotStarted), string(plan.InProgress), string(plan.Done), string(plan.Blocked)}
}
