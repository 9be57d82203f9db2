package httpapi_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/adapters/httpapi"
)

// Endpoints, which the client is generated from, describes the same
// operations as Contract, in the same order, with the same If-Match and
// ETag and bodies.
func TestEndpointsAreTheContractsOperations(t *testing.T) {
	spec := httpapi.Contract()
	eps := httpapi.Endpoints()
	require.Len(t, eps, len(spec.Operations))
	for i, op := range spec.Operations {
		e := eps[i]
		assert.Equal(t, op.ID, e.ID)
		assert.Equal(t, op.Method+" "+op.Path, e.Method+" "+e.Path, op.ID)
		assert.Equal(t, op.RequestBody != nil, e.Body != nil, "%s: request body", op.ID)
		ifMatch := false
		for _, p := range op.Parameters {
			if p.Name == "If-Match" && p.Required {
				ifMatch = true
			}
		}
		assert.Equal(t, ifMatch, e.IfMatch, "%s: If-Match", op.ID)
		ok, found := op.Responses[strconv.Itoa(e.Status)]
		if assert.True(t, found, "%s: no response %d", op.ID, e.Status) {
			assert.Equal(t, len(ok.Content) > 0, e.Result != nil, "%s: result", op.ID)
			etag := false
			for _, h := range ok.Headers {
				etag = etag || h.Name == "ETag"
			}
			assert.Equal(t, etag, e.ETag, "%s: ETag", op.ID)
		}
	}
}
