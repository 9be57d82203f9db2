package httpapi

import (
	"github.com/accordhq/accord"
	"github.com/accordhq/accord/webhook"
)

// subscribed is a new subscription with its secret, shown this once.
type subscribed struct {
	webhook.Subscription
	Secret string `json:"secret"`
}

// newSecret is a rotated secret, shown this once.
type newSecret struct {
	Secret string `json:"secret"`
}

func webhookEndpoints() []endpoint {
	const all = base + "/webhooks"
	const one = all + "/{id}"
	return []endpoint{
		{id: "listWebhooks", method: "GET", path: all, summary: "The project's webhook subscriptions (admins)", query: withPage(),
			status: 200, result: accord.Page[webhook.Subscription]{},
			handle: read(func(c in) (accord.Page[webhook.Subscription], error) {
				size, token, err := listQuery(c.r)
				if err != nil {
					return accord.Page[webhook.Subscription]{}, err
				}
				return c.webhooks.List(c.ctx(), c.project(), accord.PageQuery{Size: size, Token: token})
			})},
		{id: "createWebhook", method: "POST", path: all, summary: "Subscribe a URL to the project's events (admins); the signing secret is in the answer, this once",
			body: webhook.NewSubscription{}, status: 201, result: subscribed{}, etag: true, location: true,
			handle: create(func(s subscribed) string { return "/v1/projects/" + s.Project + "/webhooks/" + s.ID }, func(c in, b webhook.NewSubscription) (subscribed, error) {
				sub, secret, err := c.webhooks.Subscribe(c.ctx(), c.project(), b)
				return subscribed{Subscription: sub, Secret: secret}, err
			})},
		{id: "getWebhook", method: "GET", path: one, summary: "A webhook subscription (admins)", status: 200, result: webhook.Subscription{}, etag: true,
			handle: read(func(c in) (webhook.Subscription, error) { return c.webhooks.Get(c.ctx(), c.project(), c.id()) })},
		{id: "updateWebhook", method: "PUT", path: one, summary: "Change a webhook's URL, kinds, format, or whether it is active (admins)",
			body: webhook.Content{}, ifMatch: true, status: 200, result: webhook.Subscription{}, etag: true,
			handle: update(1, func(c in, base int, b webhook.Content) (webhook.Subscription, error) {
				return c.webhooks.Update(c.ctx(), c.project(), c.id(), base, b)
			})},
		{id: "deleteWebhook", method: "DELETE", path: one, summary: "Remove a webhook with its secret and its delivery log (admins)", status: 204,
			handle: remove(func(c in) error { return c.webhooks.Unsubscribe(c.ctx(), c.project(), c.id()) })},
		{id: "rotateWebhookSecret", method: "POST", path: one + "/secret", summary: "Give a webhook a new signing secret, shown this once (admins)",
			status: 200, result: newSecret{},
			handle: read(func(c in) (newSecret, error) {
				secret, err := c.webhooks.RotateSecret(c.ctx(), c.project(), c.id())
				return newSecret{Secret: secret}, err
			})},
		{id: "listWebhookDeliveries", method: "GET", path: one + "/deliveries", summary: "A webhook's delivery log: every attempt's status code, latency and error (admins)",
			query: withPage(filterParam("status", "delivered or failed")), status: 200, result: accord.Page[webhook.Delivery]{},
			handle: read(func(c in) (accord.Page[webhook.Delivery], error) {
				size, token, err := listQuery(c.r, "status")
				if err != nil {
					return accord.Page[webhook.Delivery]{}, err
				}
				f := webhook.DeliveryFilter{Subscription: c.id(), Status: webhook.DeliveryStatus(c.query("status"))}
				if f.Status != "" && f.Status != webhook.Delivered && f.Status != webhook.Failed {
					return accord.Page[webhook.Delivery]{}, invalid("status", "unknown status %q; delivered or failed", f.Status)
				}
				if _, err := c.webhooks.Get(c.ctx(), c.project(), c.id()); err != nil {
					return accord.Page[webhook.Delivery]{}, err
				}
				return c.webhooks.Deliveries(c.ctx(), c.project(), f, accord.PageQuery{Size: size, Token: token})
			})},
		{id: "replayWebhookDelivery", method: "POST", outsideUnit: true, path: one + "/deliveries/{delivery}/replay", summary: "Send a logged delivery's event again, now (admins)",
			status: 200, result: webhook.Delivery{},
			handle: read(func(c in) (webhook.Delivery, error) {
				d, err := c.webhooks.Replay(c.ctx(), c.project(), c.path("delivery"))
				if err == nil && d.Subscription != c.id() {
					return webhook.Delivery{}, accord.Errorf(accord.NotFound, "webhook %s has no delivery %s", c.id(), c.path("delivery"))
				}
				return d, err
			})},
	}
}
