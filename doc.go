// Package accord holds the vocabulary shared by every accord domain package:
// error codes, references between records, the acting user, the clock, ID
// generation and the event sink.
//
// accord is an embeddable library for the agreements between product managers
// and backend engineers. The domains live in sub-packages (requirement,
// contract, review, risk, retro, plan, project, trace, webhook, watch);
// storage, transport and the wiring between domains live in adapters.
// Nothing domain-specific belongs in this package.
package accord
