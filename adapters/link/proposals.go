package link

import (
	"context"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
)

// Proposed says, before a proposal is made, which record it would change
// and which of its content: for a change request (by ID), its requirement
// and the content fields the proposed content changes; for a contract
// version not yet agreed (<contract id>@<version>), its contract and the
// operations that differ from the agreed version its callers use. What
// counts as content is what turns a link suspect once the change is made
// (adapters/report's Impacts asks the links). Errors: Invalid (another
// kind, or its store is not given), NotFound.
func Proposed(ctx context.Context, s adapters.Stores, project string, ref accord.Ref) (accord.Ref, []string, error) {
	switch {
	case ref.Kind == requirement.ChangeRequestRefKind && s.Requirements != nil:
		cr, err := s.Requirements.GetChangeRequest(ctx, project, ref.ID)
		if err != nil {
			return accord.Ref{}, nil, err
		}
		r, err := s.Requirements.GetRequirement(ctx, project, cr.RequirementID)
		if err != nil {
			return accord.Ref{}, nil, err
		}
		proposed := r.Clone()
		proposed.Content = cr.Proposed.Clone()
		return r.Ref(), requirement.ContentChanges(r, proposed), nil
	case ref.Kind == contract.VersionRefKind && s.Contracts != nil:
		id, version, err := splitVersion(ref.ID)
		if err != nil {
			return accord.Ref{}, nil, err
		}
		v, err := s.Contracts.GetVersion(ctx, project, id, version)
		if err != nil {
			return accord.Ref{}, nil, err
		}
		_, agreed, err := agreedVersions(ctx, s.Contracts, project, id)
		if err != nil {
			return accord.Ref{}, nil, err
		}
		var base contract.Spec
		for _, a := range agreed {
			if a.Version != v.Version {
				base = a.Spec
			}
		}
		return accord.Ref{Kind: contract.RefKind, ID: id}, changedOperations(base, v.Spec), nil
	}
	return accord.Ref{}, nil, accord.InvalidField("proposal", "kind", "%q is not a proposal; one of change_request, contract_version", ref.Kind)
}
