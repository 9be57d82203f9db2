// Package orders holds types whose names clash with other packages', to
// test that generated schema names never collide silently.
package orders

import "github.com/accordhq/accord/contract/internal/testtypes/orders/v2/orders"

// Order has the same package and type name as v2/orders.Order.
type Order struct {
	Number int `json:"number"`
}

// Money is another type.
type Money struct {
	Cents int `json:"cents"`
}

// Clash refers to the other package's Order.
type Clash struct {
	Other orders.Order `json:"other"`
}

// Page is a generic list.
type Page[T any] struct {
	Items []T `json:"items"`
}
