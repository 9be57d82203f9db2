// Package accord holds the vocabulary shared by every accord domain package:
// error codes, references between records, the acting user, permissions
// and the Authorizer every service asks, the clock, ID generation and the
// event sink.
//
// Every command of every Service names the Permission it needs in its
// project (record.write, record.delete, settings.update, webhook.manage…)
// and asks its Options' Authorizer, so a program that embeds the services
// gets the same answers as the reference API. project.Service is the
// Authorizer accord ships: membership, the member's project roles, and the
// project's own permission table (DefaultPermissions until an admin
// changes it).
//
// accord is an embeddable library for the agreements between product managers
// and backend engineers. The domains live in sub-packages (requirement,
// contract, review, risk, retro, plan, project, trace, webhook, watch);
// storage, transport and the wiring between domains live in adapters.
// Nothing domain-specific belongs in this package.
package accord
