package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

func TestOpenAPIExport(t *testing.T) {
	spec := ordersSpec(t)
	spec.BasePath = "/api"
	spec.Operations[1].Examples = []contract.Example{{Name: "a paid order", Response: &contract.ExampleResponse{Status: 200, Body: rawJSON(validOrder)}}}
	out, err := contract.OpenAPI(spec, "1.2.0")
	require.NoError(t, err)
	again, err := contract.OpenAPI(spec, "1.2.0")
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again), "deterministic")

	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Title, Version string }
		Servers []struct{ URL string }
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name, In string
				Required bool
			}
			RequestBody *struct {
				Required bool
				Content  map[string]json.RawMessage
			} `json:"requestBody"`
			Responses map[string]struct {
				Description string
				Headers     map[string]struct{ Required bool }
				Content     map[string]struct {
					Schema   json.RawMessage
					Examples map[string]struct{ Value json.RawMessage }
				}
			}
			ErrorCodes []string `json:"x-accord-error-codes"`
		}
		Components struct{ Schemas map[string]json.RawMessage }
		ErrorCodes []contract.ErrorCode `json:"x-accord-error-codes"`
	}
	require.NoError(t, json.Unmarshal(out, &doc))
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	assert.Equal(t, "orders", doc.Info.Title)
	assert.Equal(t, "1.2.0", doc.Info.Version)
	assert.Equal(t, "/api", doc.Servers[0].URL)
	assert.Len(t, doc.Paths, 4)
	get := doc.Paths["/orders/{id}"]["get"]
	assert.Equal(t, "getOrder", get.OperationID)
	require.Len(t, get.Parameters, 1)
	assert.True(t, get.Parameters[0].Required, "path parameters are required in OpenAPI")
	assert.Equal(t, []string{"ORDER_NOT_FOUND"}, get.ErrorCodes)
	assert.Equal(t, "OK", get.Responses["200"].Description)
	assert.JSONEq(t, validOrder, string(get.Responses["200"].Content["application/json"].Examples["a_paid_order"].Value))
	post := doc.Paths["/orders"]["post"]
	assert.True(t, post.RequestBody.Required)
	assert.True(t, post.Responses["201"].Headers["Location"].Required)
	assert.Equal(t, "cancelOrder", doc.Paths["/orders/{id}"]["delete"].OperationID)
	assert.Contains(t, doc.Components.Schemas, "contract_test.Order")
	assert.Len(t, doc.ErrorCodes, 4)

	_, err = contract.OpenAPI(contract.Spec{}, "1.0.0")
	requireField(t, err, "service", "required")
}
