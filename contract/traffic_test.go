package contract_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// got reduces violations to what the tests compare.
type got struct {
	Part    contract.Part
	Name    string
	Pointer string
	Keyword string
	Message string
}

func reduce(vs []contract.Violation) []got {
	out := make([]got, len(vs))
	for i, v := range vs {
		out[i] = got{v.Part, v.Name, v.Pointer, v.Keyword, v.Message}
	}
	return out
}

func TestValidExchangesPass(t *testing.T) {
	v := compileOrders(t)
	cases := []struct {
		name   string
		req    *http.Request
		body   string
		status int
		header http.Header
		resp   string
		op     string
	}{
		{"create", request("POST", "/orders", validBody), validBody, 201, jsonHeader("Location", "/orders/"+orderID), validOrder, "createOrder"},
		{"get", request("GET", "/orders/"+orderID, ""), "", 200, jsonHeader(), validOrder, "getOrder"},
		{"not found", request("GET", "/orders/"+orderID, ""), "", 404, jsonHeader(), `{"code":"ORDER_NOT_FOUND","message":"no"}`, "getOrder"},
		{"cancel", request("DELETE", "/orders/"+orderID, ""), "", 204, http.Header{}, "", "cancelOrder"},
		{"list with query", request("GET", "/orders?limit=10&status=paid&sku=a&sku=b&paid=true", ""), "", 200, jsonHeader(), `{"items":[` + validOrder + `]}`, "listOrders"},
		{"static segment wins", request("GET", "/orders/search?q=ab", ""), "", 200, jsonHeader(), `{"items":[]}`, "searchOrders"},
		{"nested params", request("GET", "/orders/"+orderID+"/items/3", ""), "", 200, jsonHeader(), `{"sku":"A","quantity":1,"price":{"amount":1,"currency":"USD"}}`, "getOrderItem"},
		{"media type parameters ignored", request("GET", "/orders/"+orderID, ""), "", 200, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, validOrder, "getOrder"},
		{"response may add fields", request("GET", "/orders/"+orderID, ""), "", 200, jsonHeader(), validOrder[:len(validOrder)-1] + `,"loyalty_points":12}`, "getOrder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := v.ValidateRequest(tc.req, []byte(tc.body))
			assert.Empty(t, req.Violations, req.String())
			assert.Equal(t, tc.op, req.Operation)
			resp := v.ValidateResponse(tc.req, tc.status, tc.header, []byte(tc.resp))
			assert.Empty(t, resp.Violations, resp.String())
			assert.NoError(t, resp.Err())
		})
	}
}

func TestRequestViolations(t *testing.T) {
	v := compileOrders(t)
	withHeader := func(r *http.Request, k, val string) *http.Request { r.Header.Set(k, val); return r }
	cases := []struct {
		name string
		req  *http.Request
		body string
		want []got
	}{
		{"no route", request("GET", "/customers", ""), "",
			[]got{{contract.PartRoute, "", "", "route", "no operation matches GET /customers"}}},
		{"method not declared", request("PUT", "/orders/"+orderID, ""), "",
			[]got{{contract.PartRoute, "", "", "method", "method PUT is not declared for /orders/" + orderID + "; declared: DELETE, GET"}}},
		{"path parameter format", request("GET", "/orders/42", ""), "",
			[]got{{contract.PartPathParameter, "id", "", "format", "must be a valid uuid"}}},
		{"path parameter coerced to integer", request("GET", "/orders/"+orderID+"/items/x", ""), "",
			[]got{{contract.PartPathParameter, "index", "", "type", "must be an integer"}}},
		{"path parameter minimum", request("GET", "/orders/"+orderID+"/items/-1", ""), "",
			[]got{{contract.PartPathParameter, "index", "", "minimum", "must be at least 0"}}},
		{"query parameters", request("GET", "/orders?limit=0&status=lost&sku=a&sku=b&sku=c&sku=d&paid=yes", ""), "",
			[]got{
				{contract.PartQueryParameter, "limit", "", "minimum", "must be at least 1"},
				{contract.PartQueryParameter, "paid", "", "type", "must be true or false"},
				{contract.PartQueryParameter, "sku", "", "maxItems", "must have at most 3 items"},
				{contract.PartQueryParameter, "status", "", "enum", `must be one of "pending", "paid", "cancelled"`},
			}},
		{"query given twice", request("GET", "/orders?limit=1&limit=2", ""), "",
			[]got{{contract.PartQueryParameter, "limit", "", "type", "must be given once, got 2 values"}}},
		{"required query parameter", request("GET", "/orders/search", ""), "",
			[]got{{contract.PartQueryParameter, "q", "", "required", "is required"}}},
		{"header parameter", withHeader(request("POST", "/orders", validBody), "X-Request-ID", "nope"), validBody,
			[]got{{contract.PartHeaderParameter, "X-Request-ID", "", "format", "must be a valid uuid"}}},
		{"body required", request("POST", "/orders", ""), "",
			[]got{{contract.PartRequestBody, "", "", "required", "a body is required"}}},
		{"content type missing", withHeader(request("POST", "/orders", validBody), "Content-Type", ""), validBody,
			[]got{{contract.PartRequestBody, "", "", "content_type", "the Content-Type header is missing; declared: application/json"}}},
		{"content type not declared", withHeader(request("POST", "/orders", validBody), "Content-Type", "text/plain"), validBody,
			[]got{{contract.PartRequestBody, "", "", "content_type", "Content-Type text/plain is not declared; declared: application/json"}}},
		{"malformed JSON", request("POST", "/orders", `{"items":`), `{"items":`,
			[]got{{contract.PartRequestBody, "", "", "json", "the body is not valid JSON: unexpected EOF"}}},
		{"trailing data", request("POST", "/orders", validBody+"{}"), validBody + "{}",
			[]got{{contract.PartRequestBody, "", "", "json", "the body is not valid JSON: unexpected data after the JSON value"}}},
		{"body on an operation without one", request("GET", "/orders/"+orderID, "{}"), "{}",
			[]got{{contract.PartRequestBody, "", "", "body", "no body is declared, but one was sent"}}},
		{"every body violation at once", request("POST", "/orders", "x"),
			`{"customer_email":"not-an-email","items":[{"sku":"","quantity":0,"price":{"amount":-1,"currency":"EUR"},"colour":"red"},{"quantity":"2"}],"cupon":"X"}`,
			[]got{
				{contract.PartRequestBody, "", "/cupon", "unevaluatedProperties", "is not a property the contract declares"},
				{contract.PartRequestBody, "", "/customer_email", "format", "must be a valid email"},
				{contract.PartRequestBody, "", "/items/0/colour", "unevaluatedProperties", "is not a property the contract declares"},
				{contract.PartRequestBody, "", "/items/0/price/amount", "minimum", "must be at least 0"},
				{contract.PartRequestBody, "", "/items/0/price/currency", "enum", `must be one of "CNY", "USD"`},
				{contract.PartRequestBody, "", "/items/0/quantity", "minimum", "must be at least 1"},
				{contract.PartRequestBody, "", "/items/0/sku", "minLength", "must be at least 1 characters long"},
				{contract.PartRequestBody, "", "/items/1/price", "required", "is required"},
				{contract.PartRequestBody, "", "/items/1/quantity", "type", "must be an integer"},
				{contract.PartRequestBody, "", "/items/1/sku", "required", "is required"},
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := v.ValidateRequest(tc.req, []byte(tc.body))
			if diff := cmp.Diff(tc.want, reduce(res.Violations), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			require.Error(t, res.Err())
			assert.Equal(t, accord.Invalid, accord.ErrorCode(res.Err()))
		})
	}
}

func TestResponseViolations(t *testing.T) {
	v := compileOrders(t)
	get := request("GET", "/orders/"+orderID, "")
	create := request("POST", "/orders", validBody)
	cases := []struct {
		name   string
		req    *http.Request
		status int
		header http.Header
		body   string
		want   []got
	}{
		{"undeclared status", get, 500, jsonHeader(), `{}`,
			[]got{{contract.PartResponseStatus, "", "", "status", "status 500 is not declared; declared: 200, 404"}}},
		{"missing required header", create, 201, jsonHeader(), validOrder,
			[]got{{contract.PartResponseHeader, "Location", "", "required", "is required"}}},
		{"header schema", create, 201, jsonHeader("Location", "/customers/1"), validOrder,
			[]got{{contract.PartResponseHeader, "Location", "", "pattern", "must match the pattern ^/orders/"}}},
		{"body where none is declared", request("DELETE", "/orders/"+orderID, ""), 204, jsonHeader(), `{}`,
			[]got{{contract.PartResponseBody, "", "", "body", "no body is declared, but one was sent"}}},
		{"body schema", get, 200, jsonHeader(), `{"id":"x","status":"lost","items":null,"total":{"amount":1,"currency":"CNY"},"created_at":"yesterday","paid_at":null}`,
			[]got{
				{contract.PartResponseBody, "", "/created_at", "format", "must be a valid date-time"},
				{contract.PartResponseBody, "", "/id", "format", "must be a valid uuid"},
				{contract.PartResponseBody, "", "/status", "enum", `must be one of "pending", "paid", "cancelled"`},
			}},
		{"error code missing", get, 404, jsonHeader(), `{"message":"gone"}`,
			[]got{
				{contract.PartResponseBody, "", "/code", "error_code", "an error response must carry its error code at /code"},
				{contract.PartResponseBody, "", "/code", "required", "is required"},
			}},
		{"error code outside the catalogue", get, 404, jsonHeader(), `{"code":"NOPE","message":"gone"}`,
			[]got{{contract.PartResponseBody, "", "/code", "error_code", "error code NOPE is not in the contract's error-code catalogue"}}},
		{"error code not listed for the operation", get, 404, jsonHeader(), `{"code":"DUPLICATE_ORDER","message":"gone"}`,
			[]got{{contract.PartResponseBody, "", "/code", "error_code", "error code DUPLICATE_ORDER is not listed for operation getOrder; listed: ORDER_NOT_FOUND"}}},
		{"error code with another status", request("DELETE", "/orders/"+orderID, ""), 409, jsonHeader(), `{"code":"ORDER_NOT_FOUND","message":"gone"}`,
			[]got{{contract.PartResponseBody, "", "/code", "error_code", "error code ORDER_NOT_FOUND is declared with status 404, but the response status is 409"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := v.ValidateResponse(tc.req, tc.status, tc.header, []byte(tc.body))
			if diff := cmp.Diff(tc.want, reduce(res.Violations), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			for _, vl := range res.Violations {
				if vl.Part != contract.PartRoute {
					assert.Equal(t, tc.status, vl.Status)
				}
			}
		})
	}
}
