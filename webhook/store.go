package webhook

import (
	"context"

	"github.com/accordhq/accord"
)

// DeliveryFilter selects deliveries in a list.
type DeliveryFilter struct {
	Subscription string
	Status       DeliveryStatus
}

// Match reports whether d passes the filter.
func (f DeliveryFilter) Match(d *Delivery) bool {
	return (f.Subscription == "" || d.Subscription == f.Subscription) && (f.Status == "" || d.Status == f.Status)
}

// Store keeps subscriptions, their secrets and the delivery log. The rules
// are those of every accord store (adapters/storetest checks them). A
// secret is kept apart from its subscription, so no revision holds it.
type Store interface {
	CreateSubscription(ctx context.Context, first accord.Revision[Subscription]) (Subscription, error)
	GetSubscription(ctx context.Context, project, id string) (Subscription, error)
	UpdateSubscription(ctx context.Context, next accord.Revision[Subscription]) (Subscription, error)
	// DeleteSubscription removes a subscription, its secret and its
	// deliveries. NotFound if absent.
	DeleteSubscription(ctx context.Context, project, id string) error
	ListSubscriptions(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Subscription], error)
	// ListSubscriptionRevisions returns every revision, oldest first: who
	// changed the webhook, when.
	ListSubscriptionRevisions(ctx context.Context, project, id string) ([]accord.Revision[Subscription], error)
	// ActiveSubscriptions returns the active subscriptions of every
	// project: for the Dispatcher, which serves them all.
	ActiveSubscriptions(ctx context.Context) ([]Subscription, error)

	PutSecret(ctx context.Context, project, id string, secret []byte) error
	// GetSecret returns a subscription's secret. NotFound if none.
	GetSecret(ctx context.Context, project, id string) ([]byte, error)

	CreateDelivery(ctx context.Context, first accord.Revision[Delivery]) (Delivery, error)
	GetDelivery(ctx context.Context, project, id string) (Delivery, error)
	UpdateDelivery(ctx context.Context, next accord.Revision[Delivery]) (Delivery, error)
	// ListDeliveryRevisions returns every revision: the relay's attempts,
	// then each replay.
	ListDeliveryRevisions(ctx context.Context, project, id string) ([]accord.Revision[Delivery], error)
	// ListDeliveries returns one page of the deliveries that match f,
	// oldest first.
	ListDeliveries(ctx context.Context, project string, f DeliveryFilter, q accord.PageQuery) (accord.Page[Delivery], error)
}
