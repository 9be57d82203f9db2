package trackerimport

import (
	"context"
	"slices"

	"github.com/accordhq/accord/requirement"
)

// RequirementsOf adapts a requirement.Service to what an import writes.
// It is the one place that calls the requirement service: the fields an
// item fills are copied onto the requirement's content, the rest of the
// content stays as it is.
func RequirementsOf(s *requirement.Service) Requirements { return requirementService{s} }

type requirementService struct{ s *requirement.Service }

func (r requirementService) Create(ctx context.Context, project string, d Draft) (Record, error) {
	req, err := r.s.Create(ctx, project, requirement.ContentInput{Content: d.apply(requirement.Content{}), Note: "imported from " + d.Source})
	return Record{Key: req.Key, ID: req.ID, Revision: req.Revision}, err
}

func (r requirementService) Get(ctx context.Context, project, id string) (Record, Draft, error) {
	req, err := r.s.Get(ctx, project, id)
	c := req.Content
	return Record{Key: req.Key, ID: req.ID, Revision: req.Revision},
		Draft{Title: c.Title, Description: c.Description, Priority: string(c.Priority), Owner: c.Owner, Labels: c.Labels}, err
}

func (r requirementService) Update(ctx context.Context, project, id string, base int, d Draft) (Record, error) {
	cur, err := r.s.Get(ctx, project, id)
	if err != nil {
		return Record{}, err
	}
	req, err := r.s.Update(ctx, project, id, base, requirement.ContentInput{Content: d.apply(cur.Content), Note: "updated from " + d.Source})
	return Record{Key: req.Key, ID: req.ID, Revision: req.Revision}, err
}

func (d Draft) apply(c requirement.Content) requirement.Content {
	c.Title, c.Description, c.Priority, c.Labels = d.Title, d.Description, requirement.Priority(d.Priority), slices.Clone(d.Labels)
	if d.Owner != "" {
		c.Owner = d.Owner
	}
	return c
}
