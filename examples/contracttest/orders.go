// Package orders is a small orders service and its API contract, written to
// be copied: the contract is built from the service's own Go types, and
// orders_test.go checks the handler against it with contracttest.
package orders

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord/contract"
)

// Item is one line of an order.
type Item struct {
	SKU       string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Quantity  int    `json:"quantity" jsonschema:"minimum=1,maximum=999"`
	UnitCents int64  `json:"unit_cents" jsonschema:"minimum=0"`
}

// NewOrder is the body of createOrder.
type NewOrder struct {
	CustomerEmail string `json:"customer_email" jsonschema:"format=email"`
	Items         []Item `json:"items" jsonschema:"minItems=1,maxItems=100"`
	Note          string `json:"note,omitempty" jsonschema:"maxLength=500"`
}

// Order is an order as the service returns it.
type Order struct {
	ID            int        `json:"id" jsonschema:"minimum=1"`
	Status        string     `json:"status" jsonschema:"enum=pending,enum=paid,enum=cancelled"`
	CustomerEmail string     `json:"customer_email" jsonschema:"format=email"`
	Items         []Item     `json:"items"`
	TotalCents    int64      `json:"total_cents"`
	CreatedAt     time.Time  `json:"created_at"`
	PaidAt        *time.Time `json:"paid_at"` // null until paid
}

// OrderList is a page of orders.
type OrderList struct {
	Items []Order `json:"items"`
}

// Error is the body of every error response.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Contract returns the service's API contract.
func Contract() contract.Spec {
	set := contract.NewSchemaSet()
	jsonBody := func(v any) map[string]contract.MediaType {
		return map[string]contract.MediaType{"application/json": {Schema: set.MustRef(v)}}
	}
	idParam := contract.Parameter{Name: "id", In: contract.InPath, Description: "order number", Schema: json.RawMessage(`{"type":"integer","minimum":1}`)}
	spec := contract.Spec{
		Service:     "orders",
		Description: "Orders placed in the shop.",
		Owner:       "team-orders",
		BasePath:    "/api",
		Operations: []contract.Operation{
			{
				ID: "createOrder", Method: "POST", Path: "/orders", Summary: "Place an order",
				RequestBody: &contract.RequestBody{Required: true, Content: jsonBody(NewOrder{})},
				Responses: map[string]contract.Response{
					"201": {Description: "The order was placed.", Content: jsonBody(Order{}),
						Headers: []contract.Header{{Name: "Location", Required: true, Schema: json.RawMessage(`{"type":"string"}`)}}},
					"400": {Description: "The order is invalid.", Content: jsonBody(Error{})},
				},
				ErrorCodes: []string{"INVALID_ORDER"},
				Examples: []contract.Example{{
					Name:     "two mugs",
					Request:  &contract.ExampleRequest{Body: json.RawMessage(`{"customer_email":"li.lei@example.com","items":[{"sku":"MUG-1","quantity":2,"unit_cents":1200}]}`)},
					Response: &contract.ExampleResponse{Status: 201, Headers: map[string]string{"Location": "/api/orders/1"}, Body: json.RawMessage(`{"id":1,"status":"pending","customer_email":"li.lei@example.com","items":[{"sku":"MUG-1","quantity":2,"unit_cents":1200}],"total_cents":2400,"created_at":"2026-11-22T10:00:00Z","paid_at":null}`)},
				}},
			},
			{
				ID: "getOrder", Method: "GET", Path: "/orders/{id}", Summary: "Read an order",
				Parameters: []contract.Parameter{idParam},
				Responses: map[string]contract.Response{
					"200": {Description: "The order.", Content: jsonBody(Order{})},
					"404": {Description: "No such order.", Content: jsonBody(Error{})},
				},
				ErrorCodes: []string{"ORDER_NOT_FOUND"},
			},
			{
				ID: "listOrders", Method: "GET", Path: "/orders", Summary: "List orders",
				Parameters: []contract.Parameter{
					{Name: "status", In: contract.InQuery, Schema: json.RawMessage(`{"type":"string","enum":["pending","paid","cancelled"]}`)},
					{Name: "limit", In: contract.InQuery, Schema: json.RawMessage(`{"type":"integer","minimum":1,"maximum":100}`)},
				},
				Responses: map[string]contract.Response{"200": {Description: "Orders, oldest first.", Content: jsonBody(OrderList{})}},
			},
			{
				ID: "payOrder", Method: "POST", Path: "/orders/{id}/payment", Summary: "Mark an order paid",
				Parameters: []contract.Parameter{idParam},
				Responses: map[string]contract.Response{
					"200": {Description: "The paid order.", Content: jsonBody(Order{})},
					"404": {Description: "No such order.", Content: jsonBody(Error{})},
					"409": {Description: "The order cannot be paid.", Content: jsonBody(Error{})},
				},
				ErrorCodes: []string{"ORDER_NOT_FOUND", "ORDER_NOT_PAYABLE"},
			},
		},
		ErrorCodes: []contract.ErrorCode{
			{Code: "INVALID_ORDER", Status: 400, Message: "The order is invalid.", Description: "The body names the first problem."},
			{Code: "ORDER_NOT_FOUND", Status: 404, Message: "No such order."},
			{Code: "ORDER_NOT_PAYABLE", Status: 409, Message: "Only pending orders can be paid."},
		},
	}
	spec.Schemas = set.Schemas()
	return spec
}

// Service is the orders service: an http.Handler over an in-memory list.
type Service struct {
	mu     sync.Mutex
	orders []Order
	now    func() time.Time
	mux    *http.ServeMux
}

// NewService returns an empty service; now supplies timestamps.
func NewService(now func() time.Time) *Service {
	s := &Service{now: now, mux: http.NewServeMux()}
	s.mux.HandleFunc("POST /api/orders", s.create)
	s.mux.HandleFunc("GET /api/orders", s.list)
	s.mux.HandleFunc("GET /api/orders/{id}", s.get)
	s.mux.HandleFunc("POST /api/orders/{id}/payment", s.pay)
	return s
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, code, message string) {
	reply(w, status, Error{Code: code, Message: message})
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) {
	var in NewOrder
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(w, http.StatusBadRequest, "INVALID_ORDER", "the body is not valid JSON")
		return
	}
	if len(in.Items) == 0 || !strings.Contains(in.CustomerEmail, "@") {
		fail(w, http.StatusBadRequest, "INVALID_ORDER", "an order needs a customer email and at least one item")
		return
	}
	s.mu.Lock()
	o := Order{ID: len(s.orders) + 1, Status: "pending", CustomerEmail: in.CustomerEmail, Items: in.Items, CreatedAt: s.now().UTC()}
	for _, it := range in.Items {
		o.TotalCents += int64(it.Quantity) * it.UnitCents
	}
	s.orders = append(s.orders, o)
	s.mu.Unlock()
	w.Header().Set("Location", fmt.Sprintf("/api/orders/%d", o.ID))
	reply(w, http.StatusCreated, o)
}

func (s *Service) find(w http.ResponseWriter, r *http.Request) (int, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	n := len(s.orders)
	s.mu.Unlock()
	if err != nil || id < 1 || id > n {
		fail(w, http.StatusNotFound, "ORDER_NOT_FOUND", "no order "+r.PathValue("id"))
		return 0, false
	}
	return id - 1, true
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) {
	if i, ok := s.find(w, r); ok {
		s.mu.Lock()
		o := s.orders[i]
		s.mu.Unlock()
		reply(w, http.StatusOK, o)
	}
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit < 1 {
		limit = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := OrderList{Items: []Order{}}
	for _, o := range s.orders {
		if (status == "" || o.Status == status) && len(out.Items) < limit {
			out.Items = append(out.Items, o)
		}
	}
	reply(w, http.StatusOK, out)
}

func (s *Service) pay(w http.ResponseWriter, r *http.Request) {
	i, ok := s.find(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	o := &s.orders[i]
	if o.Status != "pending" {
		s.mu.Unlock()
		fail(w, http.StatusConflict, "ORDER_NOT_PAYABLE", "order is "+o.Status)
		return
	}
	now := s.now().UTC()
	o.Status, o.PaidAt = "paid", &now
	paid := *o
	s.mu.Unlock()
	reply(w, http.StatusOK, paid)
}
