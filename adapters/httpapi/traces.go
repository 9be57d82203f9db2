package httpapi

import (
	"context"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/trace"
)

// Impacts answers what a proposal (a change request, a contract version)
// would turn suspect; adapters/report.Impacts is one.
type Impacts interface {
	Of(ctx context.Context, project string, proposal accord.Ref) (report.Impact, error)
}

type linkRevisionSummary struct {
	Number         int                 `json:"number"`
	Kind           accord.RevisionKind `json:"kind"`
	Actor          string              `json:"actor"`
	Time           time.Time           `json:"time"`
	Note           string              `json:"note,omitempty"`
	Status         trace.Status        `json:"status"`
	TargetRevision int                 `json:"target_revision"`
}

func traceEndpoints(impacts bool) []endpoint {
	const p = base
	const all = p + "/links"
	const one = all + "/{id}"
	out := []endpoint{
		{id: "listLinks", method: "GET", path: all, summary: "Typed links between records; status=suspect lists what needs checking",
			query: withPage(filterParam("from", "kind/id of the dependent record"), filterParam("to", "kind/id of the record depended on"),
				filterParam("record", "kind/id of a record at either end"), filterParam("role", "roles, comma-separated"),
				filterParam("status", "current or suspect, comma-separated"), filterParam("origin", "manual or declared")),
			status: 200, result: accord.Page[report.NamedLink]{}, handle: read(listLinks)},
		{id: "createLink", method: "POST", path: all, summary: "Link two records in a role, at the target's current revision", body: trace.NewLink{},
			status: 201, result: trace.Link{}, etag: true, location: true,
			handle: create(func(l trace.Link) string { return "/v1/projects/" + l.Project + "/links/" + l.ID }, func(c in, b trace.NewLink) (trace.Link, error) {
				return c.traces.Link(c.ctx(), c.project(), b)
			})},
		{id: "getLink", method: "GET", path: one, summary: "A link", status: 200, result: trace.Link{}, etag: true,
			handle: read(func(c in) (trace.Link, error) { return c.traces.Get(c.ctx(), c.project(), c.id()) })},
		{id: "deleteLink", method: "DELETE", path: one, summary: "Remove a link made by hand: a tombstone revision ends its history, which stays", status: 204,
			query: reasonQuery, handle: remove(func(c in) error { return c.traces.Unlink(c.ctx(), c.project(), c.id(), c.query("reason")) })},
		{id: "restoreLink", method: "POST", path: one + "/restore", summary: "Bring back a link removed by hand within the retention window; admins only",
			body: reasonBody{}, status: 200, result: trace.Link{}, etag: true,
			handle: act(func(c in, b reasonBody) (trace.Link, error) {
				return c.traces.Restore(c.ctx(), c.project(), c.id(), b.Reason)
			})},
		{id: "confirmLink", method: "POST", path: one + "/confirmations", summary: "Confirm a link against its target's current revision, with a note",
			body: trace.ConfirmInput{}, ifMatch: true, status: 200, result: trace.Link{}, etag: true,
			handle: update(1, func(c in, base int, b trace.ConfirmInput) (trace.Link, error) {
				return c.traces.Confirm(c.ctx(), c.project(), c.id(), base, b)
			})},
		{id: "listDeletedLinks", method: "GET", path: all + "/deleted", summary: deletedSummary("links"), query: withPage(),
			status: 200, result: accord.Page[trace.Link]{},
			handle: listDeleted(func(c in, q accord.PageQuery) (accord.Page[trace.Link], error) {
				return c.traces.ListDeleted(c.ctx(), c.project(), q)
			})},
		{id: "listLinkRevisions", method: "GET", path: one + "/revisions", summary: "When a link was made, turned suspect and confirmed", status: 200, result: items[linkRevisionSummary]{},
			handle: read(func(c in) (items[linkRevisionSummary], error) {
				revs, err := c.traces.History(c.ctx(), c.project(), c.id())
				return summaries(revs, err, func(v accord.Revision[trace.Link]) linkRevisionSummary {
					return linkRevisionSummary{Number: v.Number, Kind: v.Kind, Actor: v.Actor, Time: v.Time, Note: v.Note, Status: v.Record.Status, TargetRevision: v.Record.Revision}
				})
			})},
		{id: "getRecordLinks", method: "GET", path: all + "/of/{kind}/{record}", summary: "What a record depends on and what depends on it",
			status: 200, result: report.Neighbours{},
			handle: read(func(c in) (report.Neighbours, error) {
				return c.neighbours(accord.Ref{Kind: c.path("kind"), ID: c.path("record")})
			})},
		{id: "getRequirementLinks", method: "GET", path: p + "/requirements/{id}/links", summary: "What a requirement (by ID or key) depends on and what depends on it",
			status: 200, result: report.Neighbours{},
			handle: read(func(c in) (report.Neighbours, error) {
				return c.neighbours(accord.Ref{Kind: "requirement", ID: c.id()})
			})},
		{id: "recheckLinks", method: "POST", path: all + "/recheck", summary: "Examine every link against its target now; returns those that turned suspect",
			status: 200, result: items[report.NamedLink]{},
			handle: read(func(c in) (items[report.NamedLink], error) {
				turned, err := c.traces.Recheck(c.ctx(), c.project())
				return items[report.NamedLink]{Items: report.NameLinks(c.ctx(), c.names, c.project(), turned)}, err
			})},
	}
	if impacts {
		out = append(out, endpoint{id: "getImpact", method: "GET", path: p + "/impact", summary: "What a proposed change request or contract version would turn suspect",
			query:  []contract.Parameter{filterParam("of", "change_request/<id> or contract_version/<contract id>@<version>")},
			status: 200, result: report.Impact{},
			handle: read(func(c in) (report.Impact, error) {
				ref, err := refParam("of", c.query("of"))
				if err != nil {
					return report.Impact{}, err
				}
				return c.impacts.Of(c.ctx(), c.project(), ref)
			})})
	}
	return out
}

// neighbours answers what ref depends on and what depends on it, named.
func (c in) neighbours(ref accord.Ref) (report.Neighbours, error) {
	nb, err := c.traces.Neighbours(c.ctx(), c.project(), ref)
	if err != nil {
		return report.Neighbours{}, err
	}
	return report.NameNeighbours(c.ctx(), c.names, c.project(), nb), nil
}

func listLinks(c in) (accord.Page[report.NamedLink], error) {
	page, err := listTraceLinks(c)
	if err != nil {
		return accord.Page[report.NamedLink]{}, err
	}
	return accord.Page[report.NamedLink]{Items: report.NameLinks(c.ctx(), c.names, c.project(), page.Items), NextPageToken: page.NextPageToken}, nil
}

func listTraceLinks(c in) (accord.Page[trace.Link], error) {
	size, token, err := listQuery(c.r, "from", "to", "record", "role", "status", "origin")
	if err != nil {
		return accord.Page[trace.Link]{}, err
	}
	var f trace.Filter
	for _, r := range []struct {
		name string
		ref  *accord.Ref
	}{{"from", &f.From}, {"to", &f.To}, {"record", &f.Record}} {
		if v := c.query(r.name); v != "" {
			if *r.ref, err = refParam(r.name, v); err != nil {
				return accord.Page[trace.Link]{}, err
			}
		}
	}
	for _, v := range values(c.r, "role") {
		if !trace.Role(v).Valid() {
			return accord.Page[trace.Link]{}, invalid("role", "unknown role %q", v)
		}
		f.Role = append(f.Role, trace.Role(v))
	}
	for _, v := range values(c.r, "status") {
		if v != string(trace.Current) && v != string(trace.Suspect) {
			return accord.Page[trace.Link]{}, invalid("status", "unknown status %q; current or suspect", v)
		}
		f.Status = append(f.Status, trace.Status(v))
	}
	switch o := trace.Origin(c.query("origin")); o {
	case "", trace.Manual, trace.Declared:
		f.Origin = o
	default:
		return accord.Page[trace.Link]{}, invalid("origin", "unknown origin %q; manual or declared", o)
	}
	return c.traces.List(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
}
