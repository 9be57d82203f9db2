package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/webhook"
)

// WebhookStore checks a webhook.Store: the generic record properties of
// subscriptions and deliveries, secrets kept apart, active subscriptions
// across projects, and deletion taking the log and the secret along.
func WebhookStore(t *testing.T, open func(t *testing.T) webhook.Store) {
	t.Run("subscriptions", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[webhook.Subscription] { return subscriptionRecords(open(t)) })
	})
	t.Run("deliveries", func(t *testing.T) {
		CheckRecords(t, func(t *testing.T) Records[webhook.Delivery] { return deliveryRecords(open(t)) })
	})
	t.Run("secrets_and_cascades", func(t *testing.T) { testWebhookSpecifics(t, open(t)) })
}

func newSubscription(p string, i int) webhook.Subscription {
	return webhook.Subscription{ID: fmt.Sprintf("%s-wh-%03d", p, i), Project: p, URL: fmt.Sprintf("https://hooks.example.com/%d", i),
		Kinds: []string{"requirement.*"}, Format: webhook.FormatSlack, Active: true, Stamp: accord.NewStamp("alice", epoch)}
}

func subscriptionRecords(s webhook.Store) Records[webhook.Subscription] {
	return Records[webhook.Subscription]{
		Name: "webhook",
		New:  newSubscription,
		Edit: func(sub webhook.Subscription, w int) webhook.Subscription {
			sub = sub.Clone()
			sub.Kinds = append(sub.Kinds, fmt.Sprintf("w%d.*", w))
			return sub
		},
		Edits:    func(sub webhook.Subscription) int { return len(sub.Kinds) - 1 },
		Scribble: func(sub *webhook.Subscription) { sub.Kinds[0] = "scribbled" },
		Stamp:    func(sub *webhook.Subscription) *accord.Stamp { return &sub.Stamp },
		ID:       func(sub webhook.Subscription) string { return sub.ID },
		Project:  func(sub *webhook.Subscription, p string) { sub.Project = p },
		Create:   s.CreateSubscription, Get: s.GetSubscription, Update: s.UpdateSubscription, Delete: s.DeleteSubscription,
		List: s.ListSubscriptions, Revisions: s.ListSubscriptionRevisions,
	}
}

func newDelivery(p string, i int) webhook.Delivery {
	return webhook.Delivery{ID: fmt.Sprintf("%s-dl-%03d", p, i), Project: p, Subscription: "S1",
		Event:  accord.Event{ID: fmt.Sprintf("ev-%d", i), Kind: "requirement.updated", Project: p, Summary: "REQ-1 updated"},
		Status: webhook.Failed, Attempts: []webhook.Attempt{{At: epoch, StatusCode: 500}}, Stamp: accord.NewStamp("accord", epoch)}
}

func deliveryRecords(s webhook.Store) Records[webhook.Delivery] {
	return Records[webhook.Delivery]{
		Name: "webhook delivery",
		New:  newDelivery,
		Edit: func(d webhook.Delivery, w int) webhook.Delivery {
			d = d.Clone()
			d.Attempts = append(d.Attempts, webhook.Attempt{At: epoch, StatusCode: 500 + w})
			return d
		},
		Edits:    func(d webhook.Delivery) int { return len(d.Attempts) - 1 },
		Scribble: func(d *webhook.Delivery) { d.Attempts[0].StatusCode = 1 },
		Stamp:    func(d *webhook.Delivery) *accord.Stamp { return &d.Stamp },
		ID:       func(d webhook.Delivery) string { return d.ID },
		Project:  func(d *webhook.Delivery, p string) { d.Project = p },
		Create:   s.CreateDelivery, Get: s.GetDelivery, Update: s.UpdateDelivery, Revisions: s.ListDeliveryRevisions,
		List: func(ctx context.Context, p string, q accord.PageQuery) (accord.Page[webhook.Delivery], error) {
			return s.ListDeliveries(ctx, p, webhook.DeliveryFilter{}, q)
		},
	}
}

func testWebhookSpecifics(t *testing.T, s webhook.Store) {
	sr := subscriptionRecords(s)
	a := mustCreate(t, sr, "alpha", 1)
	b := mustCreate(t, sr, "beta", 2)
	off := newSubscription("alpha", 3)
	off.Active = false
	if _, err := s.CreateSubscription(ctx, sr.first(off)); err != nil {
		t.Fatal(err)
	}
	active, err := s.ActiveSubscriptions(ctx)
	var ids []string
	for _, sub := range active {
		ids = append(ids, sub.ID)
	}
	if err != nil || !slices.Equal(ids, []string{a.ID, b.ID}) {
		t.Errorf("active subscriptions: %v (%v), want %s and %s, not the inactive one", ids, err, a.ID, b.ID)
	}

	if err := s.PutSecret(ctx, "alpha", a.ID, []byte("whsec_0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetSecret(ctx, "alpha", a.ID); err != nil || string(got) != "whsec_0123456789abcdef" {
		t.Errorf("secret: %q (%v)", got, err)
	}
	_, err = s.GetSecret(ctx, "beta", a.ID)
	checkCode(t, "a secret from another project", accord.NotFound, err)
	dr := deliveryRecords(s)
	for i, sub := range []string{a.ID, a.ID, "other"} {
		d := newDelivery("alpha", 10+i)
		d.Subscription = sub
		if i == 1 {
			d.Status = webhook.Delivered
		}
		if _, err := s.CreateDelivery(ctx, dr.first(d)); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListDeliveries(ctx, "alpha", webhook.DeliveryFilter{Subscription: a.ID, Status: webhook.Failed}, accord.PageQuery{Size: 10})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != "alpha-dl-010" {
		t.Errorf("failed deliveries of %s: %d (%v), want alpha-dl-010", a.ID, len(page.Items), err)
	}

	if err := s.DeleteSubscription(ctx, "alpha", a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetSecret(ctx, "alpha", a.ID)
	checkCode(t, "the secret of a deleted subscription", accord.NotFound, err)
	page, err = s.ListDeliveries(ctx, "alpha", webhook.DeliveryFilter{}, accord.PageQuery{Size: 10})
	var left []string
	for _, d := range page.Items {
		left = append(left, d.ID)
	}
	if err != nil || strings.Join(left, ",") != "alpha-dl-012" {
		t.Errorf("deliveries after deleting %s: %v (%v), want only the other subscription's", a.ID, left, err)
	}
}
