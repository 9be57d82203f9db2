// Package adapters holds what the storage adapters share: Stores, the
// bundle of one store per domain. memory.New returns one, sqlstore.Stores
// embeds one, and link.New, transfer and cmd/accord take one, so the list
// of domains is written once: adding a domain adds one field here, one
// line in memory.New and in sqlstore.New, and the domain's own file in
// each engine.
//
// The packages under adapters may import each other; the domain packages
// never import an adapter, this one included.
package adapters

import (
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/risk"
	"github.com/accordhq/accord/trace"
	"github.com/accordhq/accord/watch"
	"github.com/accordhq/accord/webhook"
)

// Stores are one store per domain, usually over one database. A caller
// that needs fewer leaves the others nil and says which it requires
// (link.New needs requirements, contracts and reviews; transfer needs
// every domain that holds a project's content).
type Stores struct {
	Projects     project.Store
	Requirements requirement.Store
	Contracts    contract.Store
	Reviews      review.Store
	Risks        risk.Store
	Retros       retro.Store
	Plans        plan.Store
	Traces       trace.Store
	Webhooks     webhook.Store
	Watches      watch.Store
	External     external.Store // references to items in trackers (Jira, PingCode, …)
}
