package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/webhook"
)

// WebhookStore is a webhook.Store in SQL. A delivery's parent is its
// subscription; secrets live in accord_secrets, never in a revision.
type WebhookStore struct {
	subs       table[webhook.Subscription]
	deliveries table[webhook.Delivery]
}

var _ webhook.Store = (*WebhookStore)(nil)

func activity(active bool) string {
	if active {
		return "active"
	}
	return "inactive"
}

func newWebhookStore(db *sql.DB, d Dialect, c *readCache) *WebhookStore {
	return &WebhookStore{
		subs: table[webhook.Subscription]{db: db, d: d, cache: c, clone: webhook.Subscription.Clone, kind: webhook.RefKind, what: "webhook",
			ident: func(s *webhook.Subscription) (string, string) { return s.Project, s.ID },
			stamp: func(s *webhook.Subscription) *accord.Stamp { return &s.Stamp },
			cols:  func(s *webhook.Subscription) columns { return columns{status: activity(s.Active)} }},
		deliveries: table[webhook.Delivery]{db: db, d: d, kind: webhook.DeliveryRefKind, what: "webhook delivery",
			ident:  func(d *webhook.Delivery) (string, string) { return d.Project, d.ID },
			stamp:  func(d *webhook.Delivery) *accord.Stamp { return &d.Stamp },
			parent: func(d *webhook.Delivery) string { return d.Subscription },
			cols:   func(d *webhook.Delivery) columns { return columns{status: string(d.Status)} }},
	}
}

// CreateSubscription implements webhook.Store.
func (s *WebhookStore) CreateSubscription(ctx context.Context, first accord.Revision[webhook.Subscription]) (webhook.Subscription, error) {
	return s.subs.create(ctx, first)
}

// GetSubscription implements webhook.Store.
func (s *WebhookStore) GetSubscription(ctx context.Context, project, id string) (webhook.Subscription, error) {
	return s.subs.get(ctx, project, id)
}

// UpdateSubscription implements webhook.Store.
func (s *WebhookStore) UpdateSubscription(ctx context.Context, next accord.Revision[webhook.Subscription]) (webhook.Subscription, error) {
	return s.subs.update(ctx, next)
}

// DeleteSubscription implements webhook.Store: its deliveries, its secret
// and its relay's cursor ("webhook:<id>") go with it, in one transaction.
// A relay made with WebhookRelay does not create the cursor again: it
// stops at its next pass.
func (s *WebhookStore) DeleteSubscription(ctx context.Context, project, id string) error {
	return s.subs.tx(ctx, func(tx *sql.Tx) error {
		if err := s.subs.deleteIn(ctx, tx, project, id, webhook.DeliveryRefKind); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.subs.d.q("DELETE FROM accord_secrets WHERE kind = 'webhook' AND project = ? AND id = ?"), project, id); err != nil {
			return internal("deleting a webhook's secret", err)
		}
		if _, err := tx.ExecContext(ctx, s.subs.d.q("DELETE FROM accord_relays WHERE name = ?"), webhook.RelayName(id)); err != nil {
			return internal("deleting a webhook's relay cursor", err)
		}
		return nil
	})
}

// WebhookRelay is the relay of one webhook subscription, as a
// webhook.Dispatcher asks for it (see Stores.RunWebhook): named name, it
// reads only the subscription's project and kinds, serves the
// subscription (so it stops once the subscription is deleted, and its
// cursor is not made again), and hands each event to deliver.
func WebhookRelay(name string, sub webhook.Subscription, deliver func(context.Context, accord.Event) error) Relay {
	return Relay{Name: name, Project: sub.Project, Kinds: sub.Kinds, Record: accord.Ref{Kind: webhook.RefKind, ID: sub.ID},
		Deliver: func(ctx context.Context, e OutboxEvent) error { return deliver(ctx, e.Event) }}
}

// RunWebhook runs WebhookRelay(name, sub, deliver) until ctx ends: it is
// a webhook.RunRelay for a webhook.Dispatcher over these stores' outbox.
func (s *Stores) RunWebhook(ctx context.Context, name string, sub webhook.Subscription, deliver func(context.Context, accord.Event) error) error {
	return s.Run(ctx, WebhookRelay(name, sub, deliver))
}

// ListSubscriptions implements webhook.Store.
func (s *WebhookStore) ListSubscriptions(ctx context.Context, project string, q accord.PageQuery) (accord.Page[webhook.Subscription], error) {
	return s.subs.list(ctx, project, filter{}, q)
}

// ActiveSubscriptions implements webhook.Store: every project's, by the
// status column.
func (s *WebhookStore) ActiveSubscriptions(ctx context.Context) ([]webhook.Subscription, error) {
	rows, err := on(ctx, s.subs.db).QueryContext(ctx, s.subs.d.q("SELECT record FROM accord_records WHERE kind = ? AND status = 'active' ORDER BY project, seq"), webhook.RefKind)
	if err != nil {
		return nil, internal("listing webhooks", err)
	}
	defer rows.Close()
	var out []webhook.Subscription
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, internal("listing webhooks", err)
		}
		sub, err := s.subs.decode(data)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// PutSecret implements webhook.Store.
func (s *WebhookStore) PutSecret(ctx context.Context, project, id string, secret []byte) error {
	_, err := on(ctx, s.subs.db).ExecContext(ctx, s.subs.d.q(`INSERT INTO accord_secrets (kind, project, id, secret) VALUES ('webhook', ?, ?, ?)
		ON CONFLICT (kind, project, id) DO UPDATE SET secret = excluded.secret`), project, id, hex.EncodeToString(secret))
	if err != nil {
		return internal("storing a secret", err)
	}
	return nil
}

// GetSecret implements webhook.Store.
func (s *WebhookStore) GetSecret(ctx context.Context, project, id string) ([]byte, error) {
	var v string
	err := on(ctx, s.subs.db).QueryRowContext(ctx, s.subs.d.q("SELECT secret FROM accord_secrets WHERE kind = 'webhook' AND project = ? AND id = ?"), project, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accord.Errorf(accord.NotFound, "no secret for webhook %q", id)
	}
	if err != nil {
		return nil, internal("reading a secret", err)
	}
	return hex.DecodeString(v)
}

// CreateDelivery implements webhook.Store.
func (s *WebhookStore) CreateDelivery(ctx context.Context, first accord.Revision[webhook.Delivery]) (webhook.Delivery, error) {
	return s.deliveries.create(ctx, first)
}

// GetDelivery implements webhook.Store.
func (s *WebhookStore) GetDelivery(ctx context.Context, project, id string) (webhook.Delivery, error) {
	return s.deliveries.get(ctx, project, id)
}

// UpdateDelivery implements webhook.Store.
func (s *WebhookStore) UpdateDelivery(ctx context.Context, next accord.Revision[webhook.Delivery]) (webhook.Delivery, error) {
	return s.deliveries.update(ctx, next)
}

// ListDeliveries implements webhook.Store.
func (s *WebhookStore) ListDeliveries(ctx context.Context, project string, f webhook.DeliveryFilter, q accord.PageQuery) (accord.Page[webhook.Delivery], error) {
	var w filter
	if f.Subscription != "" {
		w.add("r.parent = ?", f.Subscription)
	}
	if f.Status != "" {
		w.add("r.status = ?", string(f.Status))
	}
	return s.deliveries.list(ctx, project, w, q)
}

// ListSubscriptionRevisions implements webhook.Store.
func (s *WebhookStore) ListSubscriptionRevisions(ctx context.Context, project, id string) ([]accord.Revision[webhook.Subscription], error) {
	return s.subs.revisions(ctx, project, id)
}

// ListDeliveryRevisions implements webhook.Store.
func (s *WebhookStore) ListDeliveryRevisions(ctx context.Context, project, id string) ([]accord.Revision[webhook.Delivery], error) {
	return s.deliveries.revisions(ctx, project, id)
}
