package httpapi

import (
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
)

// referenceEdit is the body of an edit: the new content, and why.
type referenceEdit struct {
	external.Content
	Note string `json:"note,omitempty"`
}

func externalEndpoints() []endpoint {
	const all = base + "/external-references"
	const one = all + "/{id}"
	const ofRecord = base + "/records/{kind}/{record}/external-references"
	return []endpoint{
		{id: "listExternalReferences", method: "GET", path: all, summary: "The project's references to items in other systems (Jira, PingCode, …), filtered",
			query:  withPage(filterParam("system", "jira, pingcode, worktile, asana, trello or another system name"), filterParam("record_kind", "the accord record's kind (requirement, risk, …)"), filterParam("record_id", "the accord record's key or ID, as referenced")),
			status: 200, result: accord.Page[external.Reference]{},
			handle: read(func(c in) (accord.Page[external.Reference], error) {
				size, token, err := listQuery(c.r, "system", "record_kind", "record_id")
				if err != nil {
					return accord.Page[external.Reference]{}, err
				}
				f := external.Filter{System: c.query("system"), Record: accord.Ref{Kind: c.query("record_kind"), ID: c.query("record_id")}}
				return c.external.List(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
			})},
		{id: "listRecordExternalReferences", method: "GET", path: ofRecord, summary: "One record's references to items in other systems (requirement/REQ-3)",
			query: withPage(), status: 200, result: accord.Page[external.Reference]{},
			handle: read(func(c in) (accord.Page[external.Reference], error) {
				size, token, err := listQuery(c.r)
				if err != nil {
					return accord.Page[external.Reference]{}, err
				}
				return c.external.ListByRecord(c.ctx(), c.project(), accord.Ref{Kind: c.path("kind"), ID: c.path("record")}, accord.PageQuery{Size: size, Token: token})
			})},
		{id: "addExternalReference", method: "POST", path: all, summary: "Tie a record to an item in another system; a system's key is referenced once per project",
			body: external.NewReference{}, status: 201, result: external.Reference{}, etag: true, location: true,
			handle: create(func(r external.Reference) string { return "/v1/projects/" + r.Project + "/external-references/" + r.ID },
				func(c in, b external.NewReference) (external.Reference, error) {
					return c.external.Add(c.ctx(), c.project(), b)
				})},
		{id: "getExternalReference", method: "GET", path: one, summary: "A reference to an item in another system", status: 200, result: external.Reference{}, etag: true,
			handle: read(func(c in) (external.Reference, error) { return c.external.Get(c.ctx(), c.project(), c.id()) })},
		{id: "findExternalReference", method: "GET", path: all + "/by-item/{system}/{key}", summary: "The reference to one item of another system (jira SHOP-123), by system and key; 404 when the item is not referenced",
			status: 200, result: external.Reference{}, etag: true,
			handle: read(func(c in) (external.Reference, error) {
				return c.external.Find(c.ctx(), c.project(), c.path("system"), c.path("key"))
			})},
		{id: "updateExternalReference", method: "PUT", path: one, summary: "Change a reference's URL, title, status or sync state; its record, system and key stay",
			body: referenceEdit{}, ifMatch: true, status: 200, result: external.Reference{}, etag: true,
			handle: update(1, func(c in, base int, b referenceEdit) (external.Reference, error) {
				return c.external.Update(c.ctx(), c.project(), c.id(), base, b.Content, b.Note)
			})},
		{id: "removeExternalReference", method: "DELETE", path: one, summary: "Remove a reference: a tombstone revision ends its history, which stays", status: 204,
			query: reasonQuery, permission: accord.PermRecordWrite,
			handle: remove(func(c in) error { return c.external.Remove(c.ctx(), c.project(), c.id(), c.query("reason")) })},
		{id: "listExternalReferenceRevisions", method: "GET", path: one + "/revisions", summary: "Every revision of a reference, oldest first (a removed one's too)",
			status: 200, result: items[accord.Revision[external.Reference]]{},
			handle: read(func(c in) (items[accord.Revision[external.Reference]], error) {
				return list(c.external.History(c.ctx(), c.project(), c.id()))
			})},
	}
}
