package link

import (
	"context"
	"fmt"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/risk"
)

// Promote turns a retrospective's item or action into a risk in the
// register, a draft requirement, or a change request on an existing
// requirement, and keeps a ref both ways: the new record links (or is
// sourced from) the retrospective, and the item or action lists the new
// record. It implements httpapi.Promoter.
func (s Services) Promote(ctx context.Context, project, retroID string, p retro.Promotion) (accord.Ref, error) {
	if s.Retros == nil {
		return accord.Ref{}, accord.Errorf(accord.Unimplemented, "no retrospectives are wired")
	}
	r, text, owner, err := s.Retros.Source(ctx, project, retroID, p.Target)
	if err != nil {
		return accord.Ref{}, err
	}
	from := r.Ref()
	var to accord.Ref
	switch p.To {
	case "risk":
		if s.Risks == nil {
			return accord.Ref{}, accord.Errorf(accord.Unimplemented, "no risk register is wired")
		}
		category := p.Category
		if category == "" {
			category = risk.Technical
		}
		created, err := s.Risks.Create(ctx, project, risk.NewRisk{Title: text, Cause: "raised in " + r.Key + " " + r.Title, Event: text,
			Effect: "repeat what the retrospective found", Category: category, Owner: owner, Links: []accord.Ref{from},
			Source: &risk.Source{Kind: risk.SourceRetro, Ref: from, Item: p.Target}})
		if err != nil {
			return accord.Ref{}, err
		}
		to = accord.Ref{Kind: risk.RefKind, ID: created.ID}
	case "requirement":
		created, err := s.Requirements.Create(ctx, project, requirement.ContentInput{Content: requirement.Content{Title: text, Description: fmt.Sprintf("From %s (%s).", r.Key, r.Title),
			Links: []accord.Ref{from}}, Note: "promoted from " + r.Key})
		if err != nil {
			return accord.Ref{}, err
		}
		to = created.Ref()
	case "change_request":
		if p.Requirement == "" {
			return accord.Ref{}, accord.InvalidField("promotion", "requirement", "required: the requirement the change is for")
		}
		req, err := s.Requirements.Get(ctx, project, p.Requirement)
		if err != nil {
			return accord.Ref{}, err
		}
		proposed := req.Content
		proposed.Links = append(proposed.Links, from)
		cr, err := s.Requirements.ProposeChange(ctx, project, req.ID, requirement.ChangeProposal{Proposed: proposed,
			Reason: text + " (from " + r.Key + ")", Impact: requirement.Impact{Technical: "to be assessed", Affected: []accord.Ref{from}}})
		if err != nil {
			return accord.Ref{}, err
		}
		to = cr.Ref()
	default:
		return accord.Ref{}, accord.InvalidField("promotion", "to", "%q: one of risk, requirement, change_request", p.To)
	}
	if _, err := s.Retros.MarkPromoted(ctx, project, r.ID, p.Target, to); err != nil {
		return to, err
	}
	return to, nil
}
