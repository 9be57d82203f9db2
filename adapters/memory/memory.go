package memory

import "github.com/accordhq/accord/adapters"

// New returns an empty in-memory store for every domain. Its Watches is a
// *WatchStore, whose event log is fed by publishing to it (it is an
// accord.EventSink): give it to the services as (part of) their Events.
func New() adapters.Stores {
	return adapters.Stores{
		Projects:     NewProjectStore(),
		Requirements: NewRequirementStore(),
		Contracts:    NewContractStore(),
		Reviews:      NewReviewStore(),
		Risks:        NewRiskStore(),
		Retros:       NewRetroStore(),
		Plans:        NewPlanStore(),
		Traces:       NewTraceStore(),
		Webhooks:     NewWebhookStore(),
		Watches:      NewWatchStore(),
		External:     NewExternalStore(),
	}
}
