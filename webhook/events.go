package webhook

// The kinds of accord.Ref that point at this package's records.
const (
	RefKind         = "webhook"
	DeliveryRefKind = "webhook_delivery"
)

// The kinds of the events the Service publishes. None of them is itself
// delivered to webhooks: a failing receiver must not feed its own queue.
const (
	EventSubscribed     = "webhook.subscribed"
	EventUpdated        = "webhook.updated"
	EventUnsubscribed   = "webhook.unsubscribed"
	EventDeliveryFailed = "webhook.delivery_failed"
	EventReplayed       = "webhook.replayed"
	EventSecretRotated  = "webhook.secret_rotated"
)
