package webhook

import (
	"path"
	"slices"
	"time"

	"github.com/accordhq/accord"
)

// Subscription is one project's webhook: where its events go and in what
// shape. The secret that signs the deliveries is not part of it.
type Subscription struct {
	ID          string   `json:"id"`
	Project     string   `json:"project"`
	URL         string   `json:"url"`
	Kinds       []string `json:"kinds"` // event kinds or patterns ("requirement.*", "*"); empty: every event
	Format      Format   `json:"format"`
	Language    string   `json:"language,omitempty"` // of a chat message: en (default) or zh-CN
	Description string   `json:"description,omitempty"`
	Active      bool     `json:"active"`
	accord.Stamp
}

// Ref returns the reference that points at s.
func (s Subscription) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: s.ID} }

// Clone returns a deep copy of s.
func (s Subscription) Clone() Subscription {
	s.Kinds = slices.Clone(s.Kinds)
	return s
}

// Wants reports whether the subscription takes an event of the kind:
// active, and the kind matches one of its patterns (path.Match syntax, so
// "requirement.*" takes every requirement event). Events of this package
// are never delivered, so a failing receiver cannot feed its own queue.
func (s Subscription) Wants(kind string) bool {
	if !s.Active || matchAny([]string{"webhook.*"}, kind) {
		return false
	}
	return len(s.Kinds) == 0 || matchAny(s.Kinds, kind)
}

func matchAny(patterns []string, kind string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, kind); ok {
			return true
		}
	}
	return false
}

// NewSubscription is what an admin submits to subscribe a URL. Without a
// Secret one is generated; either way it is returned once, on creation.
// For a DingTalk or Feishu robot, Secret is the robot's own signing
// secret (DingTalk's SEC…), which its deliveries are signed with.
type NewSubscription struct {
	URL         string   `json:"url"`
	Kinds       []string `json:"kinds,omitempty"`
	Format      Format   `json:"format,omitempty"`   // default accord
	Language    string   `json:"language,omitempty"` // en (default) or zh-CN
	Description string   `json:"description,omitempty"`
	Secret      string   `json:"secret,omitempty"`
}

// Content is what an update replaces.
type Content struct {
	URL         string   `json:"url"`
	Kinds       []string `json:"kinds,omitempty"`
	Format      Format   `json:"format,omitempty"`
	Language    string   `json:"language,omitempty"` // empty: unchanged
	Description string   `json:"description,omitempty"`
	// Secret (optional) replaces the secret: a robot's new signing
	// secret after it was reset in the chat's settings. Empty: unchanged.
	Secret string `json:"secret,omitempty"`
	// Active false pauses the webhook: it keeps its place in the event
	// log, and what happened meanwhile is delivered once it is active
	// again (unsubscribe to drop it).
	Active bool `json:"active"`
}

// Delivery is the log of one event sent to one subscription: every
// attempt, and how it ended.
type Delivery struct {
	ID           string         `json:"id"`
	Project      string         `json:"project"`
	Subscription string         `json:"subscription"`
	Event        accord.Event   `json:"event"`
	Status       DeliveryStatus `json:"status"`
	Attempts     []Attempt      `json:"attempts"`
	accord.Stamp
}

// Ref returns the reference that points at d.
func (d Delivery) Ref() accord.Ref { return accord.Ref{Kind: DeliveryRefKind, ID: d.ID} }

// Clone returns a deep copy of d.
func (d Delivery) Clone() Delivery {
	d.Attempts = slices.Clone(d.Attempts)
	return d
}

// Attempt is one POST of a delivery.
type Attempt struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"` // 0 when no answer came
	// Code is a chat robot's own error code when it refused the message
	// in the body of a 2xx answer (DingTalk's and WeCom's errcode,
	// Feishu's code); Error then carries its message.
	Code      int     `json:"code,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
	// Response is the start of a refusing receiver's answer (at most 200
	// bytes of valid UTF-8, control characters made spaces): enough to
	// say why, and no more of what it serves.
	Response string `json:"response,omitempty"`
	Replay   bool   `json:"replay,omitempty"` // made by Replay, not by the relay
}

// OK reports whether the receiver took the delivery: 2xx, and no
// refusal in the body (a chat robot answers 200 when it refuses, too).
func (a Attempt) OK() bool {
	return a.StatusCode >= 200 && a.StatusCode < 300 && a.Code == 0 && a.Error == ""
}

// matchErr reports whether pattern is a well-formed path.Match pattern.
func matchErr(pattern string) (bool, error) { return path.Match(pattern, "") }
