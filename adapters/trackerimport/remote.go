package trackerimport

import (
	"context"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/requirement"
)

// RequirementsVia adapts an accord server's API, through the typed client,
// to what an import writes: the same calls as RequirementsOf, each one
// request (an update reads the requirement first and sends its revision as
// If-Match, so an edit made meanwhile is a conflict, never overwritten).
func RequirementsVia(c *client.Client) Requirements { return remoteRequirements{c} }

// ReferencesVia adapts an accord server's API to the references an import
// reads and writes: Find is one request (findExternalReference), so an
// import costs a request or three per item, whatever the project holds.
//
// Through the API each call is its own unit of work: an import that stops
// half-way (the server unreachable) keeps the items it got to, and running
// it again picks up where it stopped, as it finds those by their
// references.
func ReferencesVia(c *client.Client) References { return remoteReferences{c} }

type remoteRequirements struct{ c *client.Client }

func (r remoteRequirements) Create(ctx context.Context, project string, d Draft) (Record, error) {
	req, _, err := r.c.CreateRequirement(ctx, project, requirement.ContentInput{Content: d.apply(requirement.Content{}), Note: "imported from " + d.Source})
	return Record{Key: req.Key, ID: req.ID, Revision: req.Revision}, err
}

func (r remoteRequirements) Get(ctx context.Context, project, id string) (Record, Draft, error) {
	req, _, err := r.c.GetRequirement(ctx, project, id)
	c := req.Content
	return Record{Key: req.Key, ID: req.ID, Revision: req.Revision},
		Draft{Title: c.Title, Description: c.Description, Priority: string(c.Priority), Owner: c.Owner, Labels: c.Labels}, err
}

func (r remoteRequirements) Update(ctx context.Context, project, id string, base int, d Draft) (Record, error) {
	cur, _, err := r.c.GetRequirement(ctx, project, id)
	if err != nil {
		return Record{}, err
	}
	req, _, err := r.c.UpdateRequirement(ctx, project, id, base, requirement.ContentInput{Content: d.apply(cur.Content), Note: "updated from " + d.Source})
	return Record{Key: req.Key, ID: req.ID, Revision: req.Revision}, err
}

type remoteReferences struct{ c *client.Client }

func (r remoteReferences) List(ctx context.Context, project string, f external.Filter, q accord.PageQuery) (accord.Page[external.Reference], error) {
	return r.c.ListExternalReferencesPage(ctx, project, &client.ListExternalReferencesOptions{PageSize: q.Size, PageToken: q.Token,
		System: f.System, RecordKind: f.Record.Kind, RecordID: f.Record.ID})
}

func (r remoteReferences) Find(ctx context.Context, project, system, key string) (external.Reference, error) {
	ref, _, err := r.c.FindExternalReference(ctx, project, system, key)
	return ref, err
}

func (r remoteReferences) Add(ctx context.Context, project string, in external.NewReference) (external.Reference, error) {
	ref, _, err := r.c.AddExternalReference(ctx, project, in)
	return ref, err
}

func (r remoteReferences) Update(ctx context.Context, project, id string, base int, c external.Content, note string) (external.Reference, error) {
	ref, _, err := r.c.UpdateExternalReference(ctx, project, id, base, client.ReferenceEdit{Content: c, Note: note})
	return ref, err
}
