package requirement_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
)

// The change requests of a requirement that does not exist are NotFound,
// not an empty list.
func TestChangeRequestsOfAMissingRequirement(t *testing.T) {
	svc, _ := newService(t)
	for _, id := range []string{"missing", "REQ-99"} {
		_, err := svc.ListChanges(pm, "shop", id, accord.PageQuery{})
		assert.Equal(t, accord.NotFound, accord.ErrorCode(err), id)
	}
}

// A change request's reason and impact have bounds like every other text:
// a 500 KB reason is refused, naming the field, and nothing is stored.
func TestChangeRequestTextIsBounded(t *testing.T) {
	svc, _ := newService(t)
	r := approved(t, svc)
	p := proposal()
	p.Reason = strings.Repeat("x", 500<<10)
	p.Impact.Technical = strings.Repeat("y", 500<<10)
	_, err := svc.ProposeChange(pm, "shop", r.ID, p)
	require.Equal(t, accord.Invalid, accord.ErrorCode(err))
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
		assert.Contains(t, f.Message, "longer than 65536 bytes")
	}
	assert.ElementsMatch(t, []string{"reason", "impact.technical"}, fields)
	crs, err := svc.ListChanges(pm, "shop", r.ID, accord.PageQuery{})
	require.NoError(t, err)
	assert.Empty(t, crs.Items)
}
