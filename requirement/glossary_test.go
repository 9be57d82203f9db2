package requirement_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

func TestGlossaryTermsAreVersioned(t *testing.T) {
	svc, rec := newService(t)
	order, err := svc.CreateTerm(pm, "shop", requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "a buyer's commitment to pay",
		Aliases: []string{"purchase"}, Forbidden: []string{"deal"}}, Note: "agreed in kickoff"})
	require.NoError(t, err)
	assert.Equal(t, 1, order.Revision)

	updated, err := svc.UpdateTerm(dev, "shop", order.ID, 1, requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "a paid commitment",
		Forbidden: []string{"deal", "transaction"}}, Note: "narrowed"})
	require.NoError(t, err)
	assert.Equal(t, 2, updated.Revision)
	_, err = svc.UpdateTerm(dev, "shop", order.ID, 1, requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "x"}})
	require.Equal(t, accord.Conflict, accord.ErrorCode(err))

	hist, err := svc.TermHistory(pm, "shop", order.ID)
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.Equal(t, "a buyer's commitment to pay", hist[0].Record.Definition)
	assert.Equal(t, "dev-bob", hist[1].Actor)
	assert.Equal(t, "narrowed", hist[1].Note)

	require.NoError(t, svc.DeleteTerm(pm, "shop", order.ID, ""))
	_, err = svc.GetTerm(pm, "shop", order.ID)
	require.Equal(t, accord.NotFound, accord.ErrorCode(err))
	assert.Equal(t, []string{"glossary.term_created", "glossary.term_updated", "glossary.term_deleted"}, rec.Kinds())
}

func TestGlossaryRefusesContradictions(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.CreateTerm(pm, "shop", requirement.TermInput{TermDefinition: requirement.TermDefinition{Term: "order", Definition: "d", Aliases: []string{"purchase"}, Forbidden: []string{"deal"}}})
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		def   requirement.TermDefinition
		code  accord.Code
		field string
	}{
		{"missing definition", requirement.TermDefinition{Term: "refund"}, accord.Invalid, "definition"},
		{"alias also forbidden", requirement.TermDefinition{Term: "refund", Definition: "d", Aliases: []string{"payback"}, Forbidden: []string{"Payback"}}, accord.Invalid, "forbidden[0]"},
		{"forbids another term", requirement.TermDefinition{Term: "deal", Definition: "d"}, accord.Invalid, "term"},
		{"forbids an existing term's name", requirement.TermDefinition{Term: "trade", Definition: "d", Forbidden: []string{"Order"}}, accord.Invalid, "forbidden[0]"},
		{"alias taken", requirement.TermDefinition{Term: "sale", Definition: "d", Aliases: []string{"purchase"}}, accord.Invalid, "aliases[0]"},
		{"duplicate name", requirement.TermDefinition{Term: "ORDER", Definition: "d"}, accord.Conflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.CreateTerm(pm, "shop", requirement.TermInput{TermDefinition: tc.def})
			require.Equal(t, tc.code, accord.ErrorCode(err), "%v", err)
			if tc.field != "" {
				var e *accord.Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tc.field, e.Fields[0].Field)
			}
		})
	}
	terms, err := svc.ListTerms(pm, "shop", accord.PageQuery{})
	require.NoError(t, err)
	assert.Len(t, terms.Items, 1)
}
