package web

import (
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
)

// references returns a record's references to items in other systems,
// for its page's "Tracker items" section; none when the console has no
// External service.
func (s *server) references(c *call, rec accord.Ref) ([]external.Reference, error) {
	if s.External == nil {
		return nil, nil
	}
	return svcAll(func(q accord.PageQuery) (accord.Page[external.Reference], error) {
		return s.External.ListByRecord(c.ctx(), c.project(), rec, q)
	})
}

// referencesByRecord returns every reference of the project by its record,
// for a page that shows many records (a board): one list instead of a
// request per record. A record is found by ID and by the name it was
// referenced by (its key).
func (s *server) referencesByRecord(c *call) (map[accord.Ref][]external.Reference, error) {
	if s.External == nil {
		return nil, nil
	}
	all, err := svcAll(func(q accord.PageQuery) (accord.Page[external.Reference], error) {
		return s.External.List(c.ctx(), c.project(), external.Filter{}, q)
	})
	if err != nil {
		return nil, err
	}
	out := map[accord.Ref][]external.Reference{}
	for _, r := range all {
		out[r.Record] = append(out[r.Record], r)
		if r.RecordName != "" && r.RecordName != r.Record.ID {
			named := accord.Ref{Kind: r.Record.Kind, ID: r.RecordName}
			out[named] = append(out[named], r)
		}
	}
	return out, nil
}
