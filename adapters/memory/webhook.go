package memory

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/webhook"
)

// WebhookStore is an in-memory webhook.Store.
type WebhookStore struct {
	mu         sync.RWMutex
	subs       table[webhook.Subscription]
	deliveries table[webhook.Delivery]
	secrets    map[[2]string][]byte
}

var _ webhook.Store = (*WebhookStore)(nil)

// NewWebhookStore returns an empty store.
func NewWebhookStore() *WebhookStore {
	return &WebhookStore{
		subs: table[webhook.Subscription]{what: "webhook", clone: webhook.Subscription.Clone,
			ident: func(s *webhook.Subscription) (string, string) { return s.Project, s.ID },
			stamp: func(s *webhook.Subscription) *accord.Stamp { return &s.Stamp }},
		deliveries: table[webhook.Delivery]{what: "webhook delivery", clone: webhook.Delivery.Clone,
			ident: func(d *webhook.Delivery) (string, string) { return d.Project, d.ID },
			stamp: func(d *webhook.Delivery) *accord.Stamp { return &d.Stamp }},
		secrets: map[[2]string][]byte{},
	}
}

// CreateSubscription implements webhook.Store.
func (s *WebhookStore) CreateSubscription(_ context.Context, first accord.Revision[webhook.Subscription]) (webhook.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs.create(first)
}

// GetSubscription implements webhook.Store.
func (s *WebhookStore) GetSubscription(_ context.Context, project, id string) (webhook.Subscription, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.subs.get(project, id)
}

// UpdateSubscription implements webhook.Store.
func (s *WebhookStore) UpdateSubscription(_ context.Context, next accord.Revision[webhook.Subscription]) (webhook.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs.update(next)
}

// DeleteSubscription implements webhook.Store: its secret and deliveries
// go with it.
func (s *WebhookStore) DeleteSubscription(_ context.Context, project, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.subs.delete(project, id); err != nil {
		return err
	}
	k := [2]string{project, id}
	clear(s.secrets[k])
	delete(s.secrets, k)
	s.deliveries.deleteWhere(project, func(d *webhook.Delivery) bool { return d.Subscription == id })
	return nil
}

// ListSubscriptions implements webhook.Store.
func (s *WebhookStore) ListSubscriptions(_ context.Context, project string, q accord.PageQuery) (accord.Page[webhook.Subscription], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.subs.list(project, nil, q)
}

// ActiveSubscriptions implements webhook.Store.
func (s *WebhookStore) ActiveSubscriptions(context.Context) ([]webhook.Subscription, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []webhook.Subscription
	for _, p := range slices.Sorted(maps.Keys(s.subs.projects)) {
		out = append(out, s.subs.all(p, func(sub *webhook.Subscription) bool { return sub.Active })...)
	}
	return out, nil
}

// PutSecret implements webhook.Store.
func (s *WebhookStore) PutSecret(_ context.Context, project, id string, secret []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[[2]string{project, id}] = slices.Clone(secret)
	return nil
}

// GetSecret implements webhook.Store.
func (s *WebhookStore) GetSecret(_ context.Context, project, id string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if v, ok := s.secrets[[2]string{project, id}]; ok {
		return slices.Clone(v), nil
	}
	return nil, accord.Errorf(accord.NotFound, "no secret for webhook %q", id)
}

// CreateDelivery implements webhook.Store.
func (s *WebhookStore) CreateDelivery(_ context.Context, first accord.Revision[webhook.Delivery]) (webhook.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveries.create(first)
}

// GetDelivery implements webhook.Store.
func (s *WebhookStore) GetDelivery(_ context.Context, project, id string) (webhook.Delivery, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.deliveries.get(project, id)
}

// UpdateDelivery implements webhook.Store.
func (s *WebhookStore) UpdateDelivery(_ context.Context, next accord.Revision[webhook.Delivery]) (webhook.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveries.update(next)
}

// ListDeliveries implements webhook.Store.
func (s *WebhookStore) ListDeliveries(_ context.Context, project string, f webhook.DeliveryFilter, q accord.PageQuery) (accord.Page[webhook.Delivery], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.deliveries.list(project, f.Match, q)
}

// ListSubscriptionRevisions implements webhook.Store.
func (s *WebhookStore) ListSubscriptionRevisions(_ context.Context, project, id string) ([]accord.Revision[webhook.Subscription], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.subs.revisions(project, id)
}

// ListDeliveryRevisions implements webhook.Store.
func (s *WebhookStore) ListDeliveryRevisions(_ context.Context, project, id string) ([]accord.Revision[webhook.Delivery], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.deliveries.revisions(project, id)
}
