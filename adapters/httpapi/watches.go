package httpapi

import (
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/watch"
)

type watchBody struct {
	Target accord.Ref `json:"target"`
}

type readBody struct {
	Through int64 `json:"through"`
}

type readMark struct {
	Through int64 `json:"through"`
}

func watchEndpoints() []endpoint {
	const all = base + "/watches"
	const inbox = base + "/inbox"
	return []endpoint{
		{id: "listWatches", method: "GET", path: all, summary: "The records and projects the caller watches", query: withPage(),
			status: 200, result: accord.Page[watch.Watch]{},
			handle: read(func(c in) (accord.Page[watch.Watch], error) {
				size, token, err := listQuery(c.r)
				if err != nil {
					return accord.Page[watch.Watch]{}, err
				}
				return c.watches.Watches(c.ctx(), c.project(), accord.PageQuery{Size: size, Token: token})
			})},
		{id: "createWatch", method: "POST", path: all, summary: "Watch a record (requirement/REQ-3) or the project (project/<key>)",
			body: watchBody{}, status: 201, result: watch.Watch{}, etag: true, location: true,
			handle: create(func(w watch.Watch) string { return "/v1/projects/" + w.Project + "/watches/" + w.ID }, func(c in, b watchBody) (watch.Watch, error) {
				return c.watches.Watch(c.ctx(), c.project(), b.Target)
			})},
		{id: "deleteWatch", method: "DELETE", path: all + "/{id}", summary: "Stop watching", status: 204,
			handle: remove(func(c in) error { return c.watches.Unwatch(c.ctx(), c.project(), c.id()) })},
		{id: "getInbox", method: "GET", path: inbox, summary: "What happened to what the caller watches since they last marked it read",
			query: withPage(), status: 200, result: watch.Inbox{},
			handle: read(func(c in) (watch.Inbox, error) {
				size, token, err := listQuery(c.r)
				if err != nil {
					return watch.Inbox{}, err
				}
				return c.watches.Inbox(c.ctx(), c.project(), accord.PageQuery{Size: size, Token: token})
			})},
		{id: "markInboxRead", method: "POST", path: inbox + "/read", summary: "Mark the inbox read up to an entry (the inbox's through)",
			body: readBody{}, status: 200, result: readMark{},
			handle: act(func(c in, b readBody) (readMark, error) {
				return readMark(b), c.watches.MarkRead(c.ctx(), c.project(), b.Through)
			})},
	}
}
