// Package webhook delivers accord's events to the URLs a project
// subscribes: its own JSON, or messages that read well in Slack,
// DingTalk, Feishu/Lark and WeCom, so that what happens in accord reaches
// where people talk.
//
// Main calls, in the order a newcomer uses them: NewService; Subscribe
// (the secret is returned once), then a Dispatcher over the SQL outbox
// or Direct as the event sink, which call Deliver; Deliveries and Replay
// for what failed; Update, RotateSecret, Unsubscribe; Sign and Verify on
// the receiving side.
//
// A Subscription names a URL, the event kinds it wants (patterns such as
// "requirement.*"), a payload Format, and a secret kept apart from the
// record, so no revision holds it. Project admins manage them.
//
// Each delivery is a POST signed with HMAC-SHA256 over the timestamp and
// the body (Sign; receivers check it with Verify, or the snippet in the
// README), carrying the event's ID so a receiver can drop a repeat. A
// delivery that fails is retried with exponential backoff and full
// jitter up to the RetryPolicy's limit; every attempt is logged in a
// Delivery (status code, latency, error), and a failed delivery can be
// replayed. With Options.PageURL, a delivery links to the page of its
// event's record (LinkedPayload): a "url" field in accord's JSON, a
// button or a last line in the chat formats, so that a chat message
// opens the record.
//
// The chat formats (Format) work as their platforms' robots do. A
// message says what happened (in the subscription's Language, en or
// zh-CN), the event's summary (which names the record by key and title),
// who did it and when, and links to the record. A DingTalk or Feishu
// subscription's secret is the robot's signing secret: DingTalk's 加签
// puts timestamp and sign in the URL, Feishu's 签名校验 puts them in the
// body, each computed as the platform documents; a secret accord
// generated is no robot's, and such a message goes unsigned (for a robot
// secured by keyword or IP). A WeCom robot signs nothing: the key in its
// URL is the credential. Robots answer 200 when they refuse; a non-zero
// errcode or code in the body is a failed attempt, logged with the
// robot's code and message (Attempt.Code, Attempt.Error), and tried
// again only when that can help: a throttled robot after its rate window,
// a busy one, a 5xx, a lost connection; never a bad signature, keyword,
// URL or message. Messages to one robot are paced within its documented
// rate (DingTalk and WeCom: 20 a minute; Feishu: 100 a minute, 5 a
// second), so a burst of events waits its turn instead of being
// throttled; subscriptions that share a robot share its rate. Slack's
// 429 is retried after its Retry-After, its other 4xx answers are not.
//
// Deliveries reach public addresses only: the service dials the address
// a receiver's name resolved to after checking it, refuses loopback,
// private, link-local and every other internal range (ErrInternalAddress,
// logged without a connection), and follows no redirect. Subscribing to
// an internal address written out is refused at once. Options.Allow names
// the internal hosts and networks an installation's own receivers use.
//
// Where the events come from is the embedder's choice: a Dispatcher runs
// one relay per subscription over a durable outbox (adapters/sqlstore:
// in order, at least once, never lost, one instance at a time; a crash
// repeats at most the delivery in flight), or
// Direct forwards the events of this process as they are published, at
// most once, for stores without an outbox (the memory store).
//
// Events (events.go): webhook.subscribed, .updated, .unsubscribed,
// .secret_rotated, .delivery_failed and .replayed.
package webhook
