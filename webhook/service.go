package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// AdminRole is the role that holds webhook.manage by default.
const AdminRole = accord.RoleAdmin

// RetryPolicy says how a delivery is retried: up to Attempts in all, the
// pause before attempt n+1 drawn at random up to Base·2ⁿ⁻¹ (full jitter,
// so many receivers coming back at once are not hit in step), at most
// Max; each attempt waits at most Timeout for an answer.
type RetryPolicy struct {
	Attempts int           // default 6
	Base     time.Duration // default 1 s
	Max      time.Duration // default 1 min
	Timeout  time.Duration // default 10 s
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 6
	}
	if p.Base <= 0 {
		p.Base = time.Second
	}
	if p.Max <= 0 {
		p.Max = time.Minute
	}
	if p.Timeout <= 0 {
		p.Timeout = 10 * time.Second
	}
	return p
}

// Longest is the most a delivery can take under the policy: every attempt
// timing out and every pause at its ceiling; a chat robot's turn within
// its rate, and a throttled robot's window, come on top.
func (p RetryPolicy) Longest() time.Duration {
	p = p.withDefaults()
	total := time.Duration(p.Attempts) * p.Timeout
	for n := 1; n < p.Attempts; n++ {
		total += p.ceiling(n)
	}
	return total
}

// ceiling is the longest pause before attempt n+1.
func (p RetryPolicy) ceiling(n int) time.Duration {
	d := float64(p.Base) * math.Pow(2, float64(n-1))
	return time.Duration(math.Min(d, float64(p.Max)))
}

// Options configure a Service. Store is required.
type Options struct {
	// Authorizer (optional) says who may do what in a project; every
	// command asks it for the permission it needs. project.Service is
	// one. Without it, callers hold the roles their accord.Actor carries,
	// under accord.DefaultPermissions.
	Authorizer accord.Authorizer
	Store      Store
	Events     accord.EventSink // optional: the service's own events (never delivered to webhooks)
	Clock      accord.Clock     // optional
	Retry      RetryPolicy
	// Allow names the hosts and networks that deliveries may reach
	// although they are not public: an address ("10.1.2.3"), a CIDR
	// ("127.0.0.1/32", "fd00::/8") or a host name as the URL writes it
	// ("hooks.corp.example", whatever it resolves to). Everything else
	// that is loopback, private, link-local, unique-local, multicast or
	// reserved is refused, checked on the resolved address when a
	// delivery connects. Default: none.
	Allow []string
	// PageURL (optional) returns the address of the page of an event's
	// record, which deliveries carry (see LinkedPayload); "" for none.
	// web.RecordURL makes one for the accord console.
	PageURL func(e accord.Event) string
	// Resolver looks up receivers' host names; default net.DefaultResolver.
	Resolver Resolver
	// Sleep waits between attempts, and for a chat robot's turn within
	// its rate (measured with Clock); tests make it instant. Default: a
	// timer that ctx can cut short.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Service manages subscriptions and delivers to them. It is safe for
// concurrent use.
type Service struct {
	guard  svc.Guard
	store  Store
	pub    svc.Publisher
	clock  accord.Clock
	client *http.Client
	allow  allowList
	retry  RetryPolicy
	sleep  func(ctx context.Context, d time.Duration) error
	page   func(e accord.Event) string
	robots *robots
}

// pageURL is the link a delivery of e carries, if any.
func (s *Service) pageURL(e accord.Event) string {
	if s.page == nil {
		return ""
	}
	return s.page(e)
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, accord.Errorf(accord.Invalid, "webhook.Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = accord.SystemClock()
	}
	allow, err := parseAllow(opts.Allow)
	if err != nil {
		return nil, accord.Errorf(accord.Invalid, "%w", err)
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Sleep == nil {
		opts.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	return &Service{guard: svc.Guard{Authz: opts.Authorizer}, store: opts.Store, pub: svc.Publisher{Events: opts.Events, Clock: opts.Clock}, clock: opts.Clock,
		client: newClient(&guard{allow: allow, resolver: opts.Resolver}), allow: allow, retry: opts.Retry.withDefaults(), sleep: opts.Sleep, page: opts.PageURL,
		robots: &robots{clock: opts.Clock, sleep: opts.Sleep, by: map[string]*robot{}}}, nil
}

// Retry returns the service's retry policy, its defaults filled in.
func (s *Service) Retry() RetryPolicy { return s.retry }

func check(errs *accord.FieldErrors, rawURL string, kinds []string, f Format, description string) {
	u, err := url.Parse(rawURL)
	switch {
	case strings.TrimSpace(rawURL) == "":
		errs.Add("url", "required")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "":
		errs.Add("url", "must be an absolute http or https URL, not %q", rawURL)
	case u.User != nil:
		errs.Add("url", "must not carry credentials; the signature authenticates the sender")
	case len(rawURL) > 2000:
		errs.Add("url", "longer than 2000 bytes")
	}
	for i, k := range kinds {
		if _, err := matchErr(k); err != nil || strings.TrimSpace(k) == "" || len(k) > svc.MaxName {
			errs.Add(fmt.Sprintf("kinds[%d]", i), "must be an event kind or a pattern such as requirement.*, not %q", k)
		}
	}
	if f != "" && !f.Valid() {
		errs.Add("format", "unknown format %q; one of %s", f, formatNames())
	}
	svc.CheckText(errs, "description", description, svc.MaxText, false)
}

// checkDestination refuses at once a URL whose host is an internal
// address written out (in any form: 127.0.0.1, [::1], 2130706433,
// 0x7f.1) or localhost, unless allow-listed; a name that resolves inside
// is refused when a delivery connects.
func (s *Service) checkDestination(errs *accord.FieldErrors, rawURL string) {
	for _, e := range *errs {
		if e.Field == "url" {
			return // already refused for its form
		}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return
	}
	host := u.Hostname()
	if addr, ok := literalAddr(host); ok && !public(addr) && !s.allow.permits(host, addr) {
		errs.Add("url", "%s is an internal address (loopback, private, link-local or reserved); webhooks go to public addresses only, unless the server allow-lists it", host)
	} else if loopbackName(host) && !s.allow.hosts[hostKey(host)] {
		errs.Add("url", "%s is an internal address (this machine); webhooks go to public addresses only, unless the server allow-lists it", host)
	}
}

// Subscribe makes a subscription, active, and returns it with its secret:
// the one given, or a new random one. The secret is shown this once.
// Errors: Unauthenticated, PermissionDenied (not an admin), Invalid.
func (s *Service) Subscribe(ctx context.Context, project string, in NewSubscription) (Subscription, string, error) {
	if err := svc.Bounded("subscription", in); err != nil {
		return Subscription{}, "", err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermWebhookManage)
	if err != nil {
		return Subscription{}, "", err
	}
	var errs accord.FieldErrors
	check(&errs, in.URL, in.Kinds, in.Format, in.Description)
	s.checkDestination(&errs, in.URL)
	checkChat(&errs, in.Format, in.Language, in.Secret)
	if err := errs.Err("subscription"); err != nil {
		return Subscription{}, "", err
	}
	secret := in.Secret
	if secret == "" {
		if secret, err = newSecret(); err != nil {
			return Subscription{}, "", err
		}
	}
	if in.Format == "" {
		in.Format = FormatAccord
	}
	now := s.clock.Now()
	sub := Subscription{ID: accord.NewID(now), Project: project, URL: in.URL, Kinds: in.Kinds, Format: in.Format, Language: in.Language,
		Description: in.Description, Active: true, Stamp: accord.NewStamp(actor.ID, now)}
	sub, err = s.store.CreateSubscription(ctx, svc.Revision(sub, accord.RevisionCreated, in.Description))
	if err != nil {
		return Subscription{}, "", err
	}
	if err := s.store.PutSecret(ctx, project, sub.ID, []byte(secret)); err != nil {
		_ = s.store.DeleteSubscription(ctx, project, sub.ID)
		return Subscription{}, "", err
	}
	s.pub.Publish(ctx, EventSubscribed, project, sub.Ref(), actor, "%s subscribed %s to %s (%s)", actor.ID, sub.URL, kindsText(sub.Kinds), sub.Format)
	return sub, secret, nil
}

func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", accord.Errorf(accord.Internal, "making a secret: %w", err)
	}
	return "whsec_" + hex.EncodeToString(b[:]), nil
}

// RotateSecret gives a subscription a new random secret and returns it,
// this once; deliveries are signed with it from now on. Errors:
// PermissionDenied, NotFound.
func (s *Service) RotateSecret(ctx context.Context, project, id string) (string, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermWebhookManage)
	if err != nil {
		return "", err
	}
	sub, err := s.store.GetSubscription(ctx, project, id)
	if err != nil {
		return "", err
	}
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	if err := s.store.PutSecret(ctx, project, sub.ID, []byte(secret)); err != nil {
		return "", err
	}
	s.pub.Publish(ctx, EventSecretRotated, project, sub.Ref(), actor, "%s gave the webhook to %s a new secret", actor.ID, sub.URL)
	return secret, nil
}

func kindsText(kinds []string) string {
	if len(kinds) == 0 {
		return "every event"
	}
	return strings.Join(kinds, ", ")
}

// Get returns a subscription. Errors: PermissionDenied, NotFound.
func (s *Service) Get(ctx context.Context, project, id string) (Subscription, error) {
	if _, err := s.guard.Begin(ctx, project, accord.PermWebhookManage); err != nil {
		return Subscription{}, err
	}
	return s.store.GetSubscription(ctx, project, id)
}

// List returns one page of the project's subscriptions.
func (s *Service) List(ctx context.Context, project string, q accord.PageQuery) (accord.Page[Subscription], error) {
	if _, err := s.guard.Begin(ctx, project, accord.PermWebhookManage); err != nil {
		return accord.Page[Subscription]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Subscription]{}, err
	}
	return s.store.ListSubscriptions(ctx, project, q)
}

// Update replaces a subscription's URL, kinds, format, description and
// whether it is active, at revision base. Errors: PermissionDenied,
// Invalid, NotFound, Conflict (stale).
func (s *Service) Update(ctx context.Context, project, id string, base int, in Content) (Subscription, error) {
	if err := svc.Bounded("webhook", in); err != nil {
		return Subscription{}, err
	}
	actor, err := s.guard.Begin(ctx, project, accord.PermWebhookManage)
	if err != nil {
		return Subscription{}, err
	}
	var errs accord.FieldErrors
	check(&errs, in.URL, in.Kinds, in.Format, in.Description)
	s.checkDestination(&errs, in.URL)
	checkChat(&errs, in.Format, in.Language, in.Secret)
	if err := errs.Err("subscription"); err != nil {
		return Subscription{}, err
	}
	sub, err := s.store.GetSubscription(ctx, project, id)
	if err != nil {
		return Subscription{}, err
	}
	if err := svc.CheckBase("subscription "+id, base, sub.Revision); err != nil {
		return Subscription{}, err
	}
	if in.Format == "" {
		in.Format = sub.Format
	}
	if in.Language != "" {
		sub.Language = in.Language
	}
	sub.URL, sub.Kinds, sub.Format, sub.Description, sub.Active = in.URL, in.Kinds, in.Format, in.Description, in.Active
	sub.Stamp = sub.Stamp.Next(actor.ID, s.clock.Now())
	sub, err = s.store.UpdateSubscription(ctx, svc.Revision(sub, accord.RevisionEdited, "updated by "+actor.ID))
	if err != nil {
		return Subscription{}, err
	}
	if in.Secret != "" {
		if err := s.store.PutSecret(ctx, project, sub.ID, []byte(in.Secret)); err != nil {
			return Subscription{}, err
		}
	}
	s.pub.Publish(ctx, EventUpdated, project, sub.Ref(), actor, "%s changed the webhook to %s (%s, active: %t)", actor.ID, sub.URL, kindsText(sub.Kinds), sub.Active)
	return sub, nil
}

// Unsubscribe removes a subscription with its secret and its delivery
// log. Errors: PermissionDenied, NotFound.
func (s *Service) Unsubscribe(ctx context.Context, project, id string) error {
	actor, err := s.guard.Begin(ctx, project, accord.PermWebhookManage)
	if err != nil {
		return err
	}
	sub, err := s.store.GetSubscription(ctx, project, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSubscription(ctx, project, id); err != nil {
		return err
	}
	s.pub.Publish(ctx, EventUnsubscribed, project, sub.Ref(), actor, "%s removed the webhook to %s", actor.ID, sub.URL)
	return nil
}

// Deliveries returns one page of the project's delivery log, oldest first.
func (s *Service) Deliveries(ctx context.Context, project string, f DeliveryFilter, q accord.PageQuery) (accord.Page[Delivery], error) {
	if _, err := s.guard.Begin(ctx, project, accord.PermWebhookManage); err != nil {
		return accord.Page[Delivery]{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return accord.Page[Delivery]{}, err
	}
	return s.store.ListDeliveries(ctx, project, f, q)
}

// system is who writes the delivery log when no request is behind it.
var system = accord.Actor{ID: "accord"}

// Deliver sends e to sub, if sub wants it: an event of its project, of a
// kind it takes, made after it subscribed. It tries as the policy allows
// and logs the delivery. It returns nil once the delivery is delivered or
// has failed every attempt (logged; Replay tries again), and ctx's error
// when ctx ends first, so that a relay tries again later. Dispatcher and
// Direct call it.
func (s *Service) Deliver(ctx context.Context, sub Subscription, e accord.Event) error {
	if e.Project != sub.Project || !sub.Wants(e.Kind) || e.Time.Before(sub.CreatedAt) {
		return nil
	}
	secret, err := s.store.GetSecret(ctx, sub.Project, sub.ID)
	if accord.ErrorCode(err) == accord.NotFound {
		return nil // unsubscribed meanwhile
	}
	if err != nil {
		return err
	}
	body, err := Render(sub.Format, e, Rendering{URL: s.pageURL(e), Language: sub.Language})
	if err != nil {
		return err
	}
	var attempts []Attempt
	for n := 1; ; n++ {
		a, header := s.attempt(ctx, sub, secret, e, body)
		attempts = append(attempts, a)
		if a.OK() {
			_, err := s.log(ctx, sub, e, Delivered, attempts)
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err() // the relay tries again: nothing is logged as failed
		}
		retry, least := again(sub.Format, a, header)
		if n == s.retry.Attempts || !retry {
			break // a refused address, or a robot's refusal, stays: trying again would only wait
		}
		pause := max(least, time.Duration(mrand.Int64N(int64(s.retry.ceiling(n))+1)))
		if err := s.sleep(ctx, pause); err != nil {
			return err
		}
	}
	d, err := s.log(ctx, sub, e, Failed, attempts)
	if err != nil {
		return err
	}
	last := attempts[len(attempts)-1]
	s.pub.Publish(accord.WithActor(ctx, system), EventDeliveryFailed, sub.Project, d.Ref(), system, "%s to %s failed %d time(s), last: %s",
		e.Kind, sub.URL, len(attempts), describe(last))
	return nil
}

func describe(a Attempt) string {
	if a.Error != "" && a.StatusCode != 0 {
		return fmt.Sprintf("HTTP %d, %s", a.StatusCode, a.Error)
	}
	if a.Error != "" {
		return a.Error
	}
	return fmt.Sprintf("HTTP %d", a.StatusCode)
}

// attempt makes one POST, in the robot's turn if the format's platform
// limits its rate, signed as the platform documents; it returns the
// answer's header too (Retry-After).
func (s *Service) attempt(ctx context.Context, sub Subscription, secret []byte, e accord.Event, body []byte) (a Attempt, header http.Header) {
	done, err := s.robots.wait(ctx, sub.URL, limits(sub.Format))
	if err != nil {
		return Attempt{At: s.clock.Now(), Error: err.Error()}, nil
	}
	defer func() { done(a.StatusCode != 0 || (a.Error != "" && a.Error != ErrInternalAddress.Error())) }()
	start := time.Now()
	a = Attempt{At: s.clock.Now()}
	ctx, cancel := context.WithTimeout(ctx, s.retry.Timeout)
	defer cancel()
	target, body, err := signed(sub.Format, sub.URL, body, secret, s.clock.Now())
	if err != nil {
		a.Error = err.Error()
		return a, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return a, nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "accord-webhook/1")
	req.Header.Set(HeaderEventID, e.ID)
	req.Header.Set(HeaderEventKind, e.Kind)
	req.Header.Set(HeaderSignature, Sign(secret, time.Now(), body))
	resp, err := s.client.Do(req)
	a.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	if errors.Is(err, ErrInternalAddress) {
		a.Error = ErrInternalAddress.Error() // no connection was made: nothing more to say
		return a, nil
	}
	if err != nil {
		a.Error = err.Error()
		return a, nil
	}
	head := make([]byte, 4<<10) // a robot's answer, whole, to read its code
	n, _ := io.ReadFull(resp.Body, head)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	a.StatusCode = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if code, msg := refusal(sub.Format, head[:n]); code != 0 {
			a.Code, a.Error, a.Response = code, fmt.Sprintf("refused by the robot: code %d: %s", code, excerpt([]byte(msg))), excerpt(head[:n])
		}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		a.Error = "redirect not followed" // nor its Location logged: it may point inside
	default:
		a.Response = excerpt(head[:n])
	}
	return a, resp.Header
}

// log records a delivery.
func (s *Service) log(ctx context.Context, sub Subscription, e accord.Event, status DeliveryStatus, attempts []Attempt) (Delivery, error) {
	now := s.clock.Now()
	d := Delivery{ID: accord.NewID(now), Project: sub.Project, Subscription: sub.ID, Event: e, Status: status, Attempts: attempts,
		Stamp: accord.NewStamp(system.ID, now)}
	return s.store.CreateDelivery(ctx, svc.Revision(d, accord.RevisionCreated, string(status)))
}

// Replay sends a logged delivery's event again, now, once, with the
// subscription's current URL, format and secret, and records the
// attempt. The event keeps its ID, so a receiver that has it can tell.
// Errors: PermissionDenied, NotFound, FailedPrecondition (the
// subscription is inactive).
func (s *Service) Replay(ctx context.Context, project, id string) (Delivery, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermWebhookManage)
	if err != nil {
		return Delivery{}, err
	}
	d, err := s.store.GetDelivery(ctx, project, id)
	if err != nil {
		return Delivery{}, err
	}
	sub, err := s.store.GetSubscription(ctx, project, d.Subscription)
	if err != nil {
		return Delivery{}, err
	}
	if !sub.Active {
		return Delivery{}, accord.Errorf(accord.FailedPrecondition, "the webhook to %s is inactive: activate it to replay", sub.URL)
	}
	secret, err := s.store.GetSecret(ctx, project, sub.ID)
	if err != nil {
		return Delivery{}, err
	}
	body, err := Render(sub.Format, d.Event, Rendering{URL: s.pageURL(d.Event), Language: sub.Language})
	if err != nil {
		return Delivery{}, err
	}
	a, _ := s.attempt(ctx, sub, secret, d.Event, body)
	a.Replay = true
	d.Attempts = append(slices.Clone(d.Attempts), a)
	if a.OK() {
		d.Status = Delivered
	}
	d.Stamp = d.Stamp.Next(actor.ID, s.clock.Now())
	d, err = s.store.UpdateDelivery(ctx, svc.Revision(d, "replayed", describeReplay(a)))
	if err != nil {
		return Delivery{}, err
	}
	s.pub.Publish(ctx, EventReplayed, project, d.Ref(), actor, "%s replayed %s to %s: %s", actor.ID, d.Event.Kind, sub.URL, describeReplay(a))
	return d, nil
}

func describeReplay(a Attempt) string {
	if a.OK() {
		return fmt.Sprintf("delivered (HTTP %d)", a.StatusCode)
	}
	return "failed: " + describe(a)
}
