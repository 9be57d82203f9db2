package orders_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/contract/contracttest"
	orders "github.com/accordhq/accord/examples/contracttest"
)

func newService() *orders.Service {
	return orders.NewService(func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) })
}

// TestOrdersAPI drives the handler through every operation; each exchange is
// checked against the contract in both directions, and at the end the test
// fails if some declared response was never exercised.
func TestOrdersAPI(t *testing.T) {
	v, err := contract.Compile(orders.Contract())
	require.NoError(t, err)
	checker := contracttest.New(v)

	t.Run("contract is clean", func(t *testing.T) {
		assert.Empty(t, contract.Lint(orders.Contract()))
		checker.AssertExamples(t)
	})

	t.Run("place and pay an order", func(t *testing.T) {
		svc := newService()
		req := httptest.NewRequest("POST", "/api/orders", strings.NewReader(`{"customer_email":"li.lei@example.com","items":[{"sku":"MUG-1","quantity":2,"unit_cents":1200}]}`))
		req.Header.Set("Content-Type", "application/json")
		rec := checker.Serve(t, svc, req)
		require.Equal(t, 201, rec.Code)
		assert.Equal(t, "/api/orders/1", rec.Header().Get("Location"))

		rec = checker.Serve(t, svc, httptest.NewRequest("GET", "/api/orders/1", nil))
		assert.Equal(t, 200, rec.Code)

		rec = checker.Serve(t, svc, httptest.NewRequest("POST", "/api/orders/1/payment", nil))
		assert.Equal(t, 200, rec.Code)
		assert.Contains(t, rec.Body.String(), `"status":"paid"`)

		rec = checker.Serve(t, svc, httptest.NewRequest("POST", "/api/orders/1/payment", nil))
		assert.Equal(t, 409, rec.Code, "an order is paid once")

		rec = checker.Serve(t, svc, httptest.NewRequest("GET", "/api/orders?status=paid&limit=10", nil))
		assert.Equal(t, 200, rec.Code)
	})

	t.Run("errors keep the contract", func(t *testing.T) {
		svc := newService()
		rec := checker.Serve(t, svc, httptest.NewRequest("GET", "/api/orders/42", nil))
		assert.Equal(t, 404, rec.Code)
		rec = checker.Serve(t, svc, httptest.NewRequest("POST", "/api/orders/42/payment", nil))
		assert.Equal(t, 404, rec.Code)

		// A client that breaks the contract: the request is invalid, the
		// handler's answer to it must still keep the contract.
		body := `{"customer_email":"nobody","items":[]}`
		req := httptest.NewRequest("POST", "/api/orders", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		assert.False(t, v.ValidateRequest(req, []byte(body)).OK())
		rec = httptest.NewRecorder()
		svc.ServeHTTP(rec, req)
		assert.Equal(t, 400, rec.Code)
		checker.ValidateResponse(t, req, rec)
	})

	checker.AssertAllResponses(t)
}
