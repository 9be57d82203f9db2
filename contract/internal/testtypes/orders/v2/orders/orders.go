// Package orders is a second package named orders.
package orders

// Order clashes by name with testtypes/orders.Order.
type Order struct {
	Reference string `json:"reference"`
}
