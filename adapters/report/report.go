// Package report holds accord's read models across domains: the progress
// report (Reports.Progress), the coverage report (Reports.Coverage) and
// the impact of a proposal on the links (Impacts.Of). They read what
// adapters/link wires and write nothing. Every line a person reads names
// a record by its key and title beside its ID (REQ-3 Refund an order).
//
// Start with New over the services link.New built and the stores they
// were built on:
//
//	services, _ := link.New(link.Options{Stores: stores})
//	reports, _ := report.New(report.Options{Services: services, Stores: stores})
//	progress, _ := reports.Progress(ctx, "shop", since)
//	fmt.Print(progress.Markdown())
package report

import (
	"context"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/trace"
)

// Options configure New.
type Options struct {
	// Services are the wired services (link.New): Requirements is
	// required; plans, reviews, risks, retrospectives and links are
	// reported on when wired.
	Services link.Services
	// Stores are the stores Services were built on: coverage reads
	// Requirements, Contracts (their test runs) and Reviews (acceptance
	// checks); impacts read Requirements and Contracts; the progress
	// report names each listed requirement's and risk's items in other
	// systems from External (optional).
	adapters.Stores
	Clock accord.Clock // optional: accord.SystemClock()
}

// Reports makes the reports of a project. httpapi.Reports is what it
// implements for the reference API.
type Reports struct {
	// Impacts (with Services.Traces) says what a proposal would turn
	// suspect.
	Impacts Impacts

	services link.Services
	coverage Coverage
	external external.Store // Stores.External, for the items that stand for the records listed
	items    map[accord.Ref][]accord.ExternalItem
}

// New returns the reports over opts. Errors: Invalid (no requirement
// service or store).
func New(opts Options) (Reports, error) {
	if opts.Services.Requirements == nil || opts.Requirements == nil {
		return Reports{}, accord.InvalidField("report.Options", "Services.Requirements", "required, with Stores.Requirements")
	}
	return Reports{services: opts.Services,
		Impacts:  Impacts{Traces: opts.Services.Traces, Records: opts.Services.Records, Stores: opts.Stores},
		coverage: Coverage{Requirements: opts.Requirements, Contracts: opts.Contracts, Reviews: opts.Reviews, Clock: opts.Clock},
		external: opts.External}, nil
}

// Coverage traces the project's requirements to the operations that
// implement them, the tests that exercised those, the acceptance criteria
// and their checks (see Coverage.Report).
func (s Reports) Coverage(ctx context.Context, project string) (CoverageReport, error) {
	return s.coverage.Report(ctx, project)
}

// Impact is the links a proposal would turn suspect (trace.Impact), with
// every record named as people read it.
type Impact struct {
	Target      accord.Ref   `json:"target"`
	TargetTitle string       `json:"target_title"` // REQ-3 Refund an order
	Fields      []string     `json:"fields"`       // the content the change touches; empty: no link turns suspect
	Links       []ImpactLink `json:"links"`
}

// ImpactLink is one link in an Impact, both ends named.
type ImpactLink struct {
	trace.ImpactLink
	FromTitle string `json:"from_title"`
	ToTitle   string `json:"to_title"`
}

// Impacts answers, before a change is made, which links it would turn
// suspect: for a proposed change request, the links to its requirement
// over the content the proposal changes; for a contract version not yet
// agreed, the links to its contract over the operations that differ from
// the agreed version its callers use (link.Proposed says which).
type Impacts struct {
	Traces  *trace.Service
	Records link.Records // names the records
	adapters.Stores
}

// Of returns the impact of the proposal ref names: a change_request by ID,
// or a contract_version (<contract id>@<version>). Errors: Invalid (another
// kind), NotFound, Unimplemented (no links are wired).
func (im Impacts) Of(ctx context.Context, project string, ref accord.Ref) (Impact, error) {
	if im.Traces == nil {
		return Impact{}, accord.Errorf(accord.Unimplemented, "no links are wired")
	}
	target, fields, err := link.Proposed(ctx, im.Stores, project, ref)
	if err != nil {
		return Impact{}, err
	}
	ti, err := im.Traces.Impact(ctx, project, target, fields)
	if err != nil {
		return Impact{}, err
	}
	refs := []accord.Ref{ti.Target}
	for _, l := range ti.Links {
		refs = append(refs, l.From, l.To)
	}
	name := namer(ctx, im.Records, project, refs...)
	out := Impact{Target: ti.Target, TargetTitle: name(ti.Target), Fields: ti.Fields, Links: make([]ImpactLink, len(ti.Links))}
	for i, l := range ti.Links {
		out.Links[i] = ImpactLink{ImpactLink: l, FromTitle: name(l.From), ToTitle: name(l.To)}
	}
	return out, nil
}

// Names says what records are called as people read them: the Title of
// a trace.Target (REQ-3 Refund an order). link.Records is one.
type Names interface {
	Target(ctx context.Context, project string, ref accord.Ref) (trace.Target, error)
}

// NamedLink is a link with both ends named as people read them.
type NamedLink struct {
	trace.Link
	FromTitle string `json:"from_title"` // RISK-2 The payment provider rate-limits refunds
	ToTitle   string `json:"to_title"`   // REQ-1 Refund a paid order
}

// NameLinks names both ends of each link, reading each record once; an
// end that cannot be read (deleted, or names nil) is named by its ref.
func NameLinks(ctx context.Context, names Names, project string, links []trace.Link) []NamedLink {
	return nameLinks(namer(ctx, names, project), links)
}

func nameLinks(name func(accord.Ref) string, links []trace.Link) []NamedLink {
	out := make([]NamedLink, len(links))
	for i, l := range links {
		out[i] = NamedLink{Link: l, FromTitle: name(l.From), ToTitle: name(l.To)}
	}
	return out
}

// namer names records as people read them (REQ-3 Refund an order), each
// read once; a record it cannot read is named by its ref. The records of
// known are read together first when names can (link.Records' Targets):
// an impact over a thousand links is a few queries, not two thousand.
func namer(ctx context.Context, records Names, project string, known ...accord.Ref) func(accord.Ref) string {
	names := map[accord.Ref]string{}
	if many, ok := records.(interface {
		Targets(ctx context.Context, project string, refs []accord.Ref) (map[accord.Ref]trace.Target, error)
	}); ok && len(known) > 1 {
		if got, err := many.Targets(ctx, project, known); err == nil {
			for ref, t := range got {
				names[ref] = t.Title
			}
		}
	}
	return func(ref accord.Ref) string {
		if n, ok := names[ref]; ok {
			return n
		}
		n := ref.String()
		if records != nil {
			if t, err := records.Target(ctx, project, ref); err == nil {
				n = t.Title
			}
		}
		names[ref] = n
		return n
	}
}

// Neighbours is trace.Neighbours with every record named.
type Neighbours struct {
	Record      accord.Ref  `json:"record"`
	RecordTitle string      `json:"record_title"`
	DependsOn   []NamedLink `json:"depends_on"`
	Dependents  []NamedLink `json:"dependents"`
}

// NameNeighbours names the record and both ends of each of its links.
func NameNeighbours(ctx context.Context, names Names, project string, nb trace.Neighbours) Neighbours {
	name := namer(ctx, names, project)
	return Neighbours{Record: nb.Record, RecordTitle: name(nb.Record), DependsOn: nameLinks(name, nb.DependsOn), Dependents: nameLinks(name, nb.Dependents)}
}
