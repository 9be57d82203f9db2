package contract_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

type Money struct {
	Amount   int64  `json:"amount" jsonschema:"minimum=0"`
	Currency string `json:"currency" jsonschema:"enum=CNY,enum=USD"`
}

type OrderItem struct {
	SKU      string `json:"sku" jsonschema:"minLength=1"`
	Quantity int    `json:"quantity" jsonschema:"minimum=1"`
	Price    Money  `json:"price"`
}

type CreateOrder struct {
	CustomerEmail string      `json:"customer_email" jsonschema:"format=email"`
	Items         []OrderItem `json:"items" jsonschema:"minItems=1"`
	Note          string      `json:"note,omitempty"`
	Coupon        *string     `json:"coupon,omitempty"`
}

type Order struct {
	ID        string      `json:"id" jsonschema:"format=uuid"`
	Status    string      `json:"status" jsonschema:"enum=pending,enum=paid,enum=cancelled"`
	Items     []OrderItem `json:"items"`
	Total     Money       `json:"total"`
	CreatedAt time.Time   `json:"created_at"`
	PaidAt    *time.Time  `json:"paid_at"`
}

type OrderList struct {
	Items []Order `json:"items"`
}

type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func rawJSON(s string) json.RawMessage { return json.RawMessage(s) }

// ordersSpec is the orders contract most tests use.
func ordersSpec(t testing.TB) contract.Spec {
	t.Helper()
	set := contract.NewSchemaSet()
	problem := set.MustRef(Problem{})
	jsonBody := func(schema json.RawMessage) map[string]contract.MediaType {
		return map[string]contract.MediaType{"application/json": {Schema: schema}}
	}
	idParam := contract.Parameter{Name: "id", In: contract.InPath, Schema: rawJSON(`{"type":"string","format":"uuid"}`)}
	spec := contract.Spec{
		Service: "orders",
		Owner:   "team-orders",
		Operations: []contract.Operation{
			{
				ID: "createOrder", Method: "POST", Path: "/orders", Summary: "Place an order",
				Parameters: []contract.Parameter{
					{Name: "X-Request-ID", In: contract.InHeader, Schema: rawJSON(`{"type":"string","format":"uuid"}`)},
				},
				RequestBody: &contract.RequestBody{Required: true, Content: jsonBody(set.MustRef(CreateOrder{}))},
				Responses: map[string]contract.Response{
					"201": {Description: "created", Content: jsonBody(set.MustRef(Order{})),
						Headers: []contract.Header{{Name: "Location", Required: true, Schema: rawJSON(`{"type":"string","pattern":"^/orders/"}`)}}},
					"400": {Content: jsonBody(problem)},
					"409": {Content: jsonBody(problem)},
				},
				ErrorCodes: []string{"INVALID_ORDER", "DUPLICATE_ORDER"},
			},
			{
				ID: "getOrder", Method: "GET", Path: "/orders/{id}",
				Parameters: []contract.Parameter{idParam},
				Responses: map[string]contract.Response{
					"200": {Content: jsonBody(set.MustRef(Order{}))},
					"404": {Content: jsonBody(problem)},
				},
				ErrorCodes: []string{"ORDER_NOT_FOUND"},
			},
			{
				ID: "cancelOrder", Method: "DELETE", Path: "/orders/{id}",
				Parameters: []contract.Parameter{idParam},
				Responses: map[string]contract.Response{
					"204": {Description: "cancelled"},
					"4XX": {Content: jsonBody(problem)},
				},
			},
			{
				ID: "listOrders", Method: "GET", Path: "/orders",
				Parameters: []contract.Parameter{
					{Name: "limit", In: contract.InQuery, Schema: rawJSON(`{"type":"integer","minimum":1,"maximum":100}`)},
					{Name: "status", In: contract.InQuery, Schema: rawJSON(`{"type":"string","enum":["pending","paid","cancelled"]}`)},
					{Name: "sku", In: contract.InQuery, Schema: rawJSON(`{"type":"array","items":{"type":"string"},"maxItems":3}`)},
					{Name: "paid", In: contract.InQuery, Schema: rawJSON(`{"type":"boolean"}`)},
				},
				Responses: map[string]contract.Response{"200": {Content: jsonBody(set.MustRef(OrderList{}))}},
			},
			{
				ID: "getOrderItem", Method: "GET", Path: "/orders/{id}/items/{index}",
				Parameters: []contract.Parameter{idParam, {Name: "index", In: contract.InPath, Schema: rawJSON(`{"type":"integer","minimum":0}`)}},
				Responses:  map[string]contract.Response{"200": {Content: jsonBody(set.MustRef(OrderItem{}))}},
			},
			{
				ID: "searchOrders", Method: "GET", Path: "/orders/search",
				Parameters: []contract.Parameter{{Name: "q", In: contract.InQuery, Required: true, Schema: rawJSON(`{"type":"string","minLength":2}`)}},
				Responses:  map[string]contract.Response{"200": {Content: jsonBody(set.MustRef(OrderList{}))}},
			},
		},
		ErrorCodes: []contract.ErrorCode{
			{Code: "INVALID_ORDER", Status: 400, Message: "The order is invalid."},
			{Code: "DUPLICATE_ORDER", Status: 409, Message: "The order was already placed.", Retryable: false},
			{Code: "ORDER_NOT_FOUND", Status: 404, Message: "No such order."},
			{Code: "RATE_LIMITED", Status: 429, Message: "Too many requests.", Retryable: true},
		},
	}
	spec.Schemas = set.Schemas()
	return spec
}

func compileOrders(t testing.TB, opts ...contract.CompileOption) *contract.Validator {
	t.Helper()
	v, err := contract.Compile(ordersSpec(t), opts...)
	require.NoError(t, err)
	return v
}

const (
	orderID    = "0f8fad5b-d9cb-469f-a165-70867728950e"
	validBody  = `{"customer_email":"li.lei@example.com","items":[{"sku":"A-1","quantity":2,"price":{"amount":1200,"currency":"CNY"}}]}`
	validOrder = `{"id":"0f8fad5b-d9cb-469f-a165-70867728950e","status":"pending","items":[{"sku":"A-1","quantity":2,"price":{"amount":1200,"currency":"CNY"}}],` +
		`"total":{"amount":2400,"currency":"CNY"},"created_at":"2026-11-22T10:00:00Z","paid_at":null}`
)

func request(method, target, body string) *http.Request {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func jsonHeader(extra ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}
