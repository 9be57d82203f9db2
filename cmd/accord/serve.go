package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/adapters/web"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/watch"
	"github.com/accordhq/accord/webhook"
)

type serveOptions struct {
	addr   string // host:port; port 0 picks a free one
	db     string // see openBackend
	tokens string // ACCORD_TOKENS
	// webhookAllow lists, comma separated, the internal hosts and networks
	// webhooks may reach (-webhook-allow, ACCORD_WEBHOOK_ALLOW).
	webhookAllow string
	// publicURL is where people reach the server (-public-url,
	// ACCORD_PUBLIC_URL): webhook deliveries link to record pages there.
	publicURL string
	// oidc accepts an identity provider's tokens (-oidc-*, ACCORD_OIDC_*).
	oidc    oidcOptions
	observe observeOptions // logs and metrics: see observe.go
	// trackers connects projects to Jira and PingCode (-jira-url,
	// ACCORD_JIRA_*, ACCORD_PINGCODE_*): see trackers.go.
	trackers trackerOptions
}

// The demo actors: the seeded project's members, and whom the first start
// makes tokens for.
var (
	alice = accord.Actor{ID: "alice", Name: "Alice (product)", Roles: []string{"product"}}
	bob   = accord.Actor{ID: "bob", Name: "Bob (backend)", Roles: []string{"backend"}}
)

// serve runs the API until ctx is done, then shuts down cleanly.
func serve(ctx context.Context, opts serveOptions, out io.Writer, log *slog.Logger) error {
	log, requestLevel, err := opts.observe.logger(log)
	if err != nil {
		return err
	}
	fixed, err := parseTokens(opts.tokens)
	if err != nil {
		return err
	}
	if err := checkPublicURL(opts.publicURL); err != nil {
		return err
	}
	sso, err := opts.oidc.authenticator(ctx)
	if err != nil {
		return err
	}
	consoleSSO, err := opts.oidc.sso(ctx, opts.publicURL)
	if err != nil {
		return err
	}
	// A half-set tracker configuration fails the start, naming the variable.
	conns, err := opts.trackers.connectors()
	if err != nil {
		return err
	}
	// Bind first: a busy port must fail the start before the demo is
	// seeded, or the demo tokens, shown only at the first start, would be
	// made and never shown.
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", opts.addr, err)
	}
	defer ln.Close()
	b, err := openBackend(ctx, opts.db)
	if err != nil {
		return err
	}
	defer b.close()
	log.Info("database ready", slog.String("db", b.describe), slog.Int("schema", b.version), slog.Int("migrated", b.applied))
	obs, err := b.observe(ctx, opts.observe, log)
	if err != nil {
		return err
	}

	logged := accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		log.InfoContext(ctx, "event", slog.String("kind", e.Kind), slog.String("project", e.Project), slog.String("summary", e.Summary))
	})
	authz, err := b.authorizer()
	if err != nil {
		return err
	}
	var allow []string
	for _, entry := range strings.Split(opts.webhookAllow, ",") {
		if entry = strings.TrimSpace(entry); entry != "" {
			allow = append(allow, entry)
		}
	}
	var pageURL func(accord.Event) string
	if opts.publicURL != "" {
		pageURL = func(e accord.Event) string { return web.RecordURL(opts.publicURL, e.Project, e.Ref) }
	}
	hooks, err := webhook.NewService(webhook.Options{Store: b.Webhooks, Events: logged, Allow: allow, Authorizer: authz, PageURL: pageURL})
	if err != nil {
		return fmt.Errorf("-webhook-allow (or ACCORD_WEBHOOK_ALLOW) %q: %w", opts.webhookAllow, err)
	}
	// Events: on SQL into the outbox, in the transaction of their change,
	// and from there to the webhooks and the inboxes; on memory straight
	// to the webhooks, at most once, and to the inboxes' log in memory,
	// as memory keeps nothing anyway.
	toTrackers := &background{log: log}
	var events accord.EventSink = webhook.Direct(hooks, b.Webhooks, accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		logged.Publish(ctx, e)
		b.memLog.Publish(ctx, e)
		toTrackers.Publish(ctx, e)
	}))
	if b.sql != nil {
		outbox := b.sql.Outbox()
		events = accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
			logged.Publish(ctx, e)
			outbox.Publish(ctx, e)
		})
		b.sql.OnOutboxError = func(e accord.Event, err error) {
			log.Error("an event missed the outbox", slog.String("kind", e.Kind), slog.String("id", e.ID), slog.Any("error", err))
		}
	}
	// The review gates are wired in: requirements are approved and accepted,
	// and contract versions agreed, only after an approved review.
	services, err := b.services(events)
	if err != nil {
		return err
	}
	var pipeline []string
	for _, sub := range services.Subscribers() {
		pipeline = append(pipeline, sub.Name)
	}
	log.Info("event pipeline", slog.String("subscribers", strings.Join(pipeline, " → ")))
	reports, err := report.New(report.Options{Services: services, Stores: b.Stores})
	if err != nil {
		return err
	}
	// Watches name records by ID, as their events do: a watch by key works.
	watches, err := watch.NewService(watch.Options{Store: b.Watches, Records: services.Records, Authorizer: authz})
	if err != nil {
		return err
	}
	refs, err := external.NewService(external.Options{Store: b.External, Events: events, Authorizer: authz, Records: services.Records, PlanStates: tracker.PlanStates()})
	if err != nil {
		return err
	}
	projects, err := project.NewService(project.Options{Store: b.Projects, Events: events})
	if err != nil {
		return err
	}
	// The demo is seeded as one unit of work: all of it, events included,
	// or none.
	var seeded bool
	err = b.atomically(ctx, func(ctx context.Context) error {
		var err error
		seeded, err = seedOnce(ctx, projects, services, b)
		return err
	})
	if err != nil {
		return fmt.Errorf("seeding the demo project: %w", err)
	}
	var demo map[string]accord.Actor
	if seeded && len(fixed) == 0 {
		// A new database: tokens for the demo actors, shown this once.
		demo = map[string]accord.Actor{}
		for _, a := range []accord.Actor{alice, bob} {
			tok, err := httpapi.NewToken(ctx, b.tokens, a)
			if err != nil {
				return err
			}
			demo[tok] = a
		}
	}
	authn := httpapi.StoredTokens(b.tokens)
	if len(fixed) > 0 {
		authn = httpapi.AnyOf(httpapi.BearerTokens(fixed), authn)
	}
	if sso != nil {
		// Last, so that a refused provider token answers with its reason.
		authn = httpapi.AnyOf(authn, sso)
		log.Info("single sign-on", slog.String("issuer", opts.oidc.issuer), slog.String("audience", opts.oidc.audience))
	}
	api := httpapi.Options{Services: services, Impacts: reports.Impacts, Names: services.Records, Reports: reports,
		Webhooks: hooks, Watches: watches, External: refs, Promoter: services, Projects: projects, Authenticator: authn, Logger: log,
		Exports: &transfer.Exporter{Stores: b.Stores, Authorizer: authz}, MeterProvider: obs.meter}
	if b.sql != nil {
		// Every request that changes something is a unit of work: its
		// changes and their events commit together.
		api.Atomically = b.sql.Atomically
		// One relay per webhook over the outbox: in order, at least once,
		// one instance at a time.
		d := webhook.Dispatcher{Service: hooks, Store: b.Webhooks, Logger: log,
			Run: func(ctx context.Context, name string, sub webhook.Subscription, deliver func(context.Context, accord.Event) error) error {
				return b.sql.Run(ctx, sqlstore.WebhookRelay(name, sub, obs.deliveries("webhook", deliver)))
			}}
		go func() { _ = d.Serve(ctx) }()
		if b.listen != nil {
			go b.listen(ctx)
		}
	}
	var keepInStep *trackers
	if len(conns) > 0 {
		if keepInStep, err = newTrackers(opts.trackers, conns, services, refs, b, opts.publicURL); err != nil {
			return err
		}
		api.Trackers = keepInStep.relay
		deliver := obs.deliveries("tracker", keepInStep.relay.Deliver)
		if b.sql == nil {
			toTrackers.relay.Store(keepInStep.relay)
		}
		keepInStep.run(ctx, b, opts.trackers.pollEvery, log, deliver)
		var systems []string
		for _, c := range conns {
			systems = append(systems, c.System())
		}
		log.Info("trackers", slog.String("connectors", strings.Join(systems, ", ")), slog.Bool("jira_webhook", opts.trackers.jiraSecret != ""))
	}
	h, err := httpapi.New(api)
	if err != nil {
		return err
	}
	console, err := web.New(web.Options{Services: services, Watches: watches, External: refs,
		Reports: reports, Projects: projects, Authenticator: authn, Atomically: api.Atomically, Logger: log, SSO: consoleSSO})
	if err != nil {
		return err
	}
	// The API under /v1/ (and its health check); the console everywhere else.
	mux := http.NewServeMux()
	mux.Handle("/v1/", h)
	if keepInStep != nil && keepInStep.secret != "" {
		// Jira's webhooks carry no accord token: the shared secret (or
		// Jira's signature with it) is checked instead.
		mux.Handle("POST /v1/projects/{project}/trackers/jira/webhook", limitHeaders(keepInStep.webhook(b), maxHeaderBytes))
	}
	mux.Handle("/healthz", h)
	mux.Handle("/readyz", readyz(b.ready))
	if obs.metrics != nil && opts.observe.metricsAddr == "" {
		mux.Handle("GET /metrics", obs.metrics)
	}
	mux.Handle("/", console)

	srv := newServer(logRequests(limitHeaders(mux, maxHeaderBytes), log, requestLevel))
	url := "http://" + ln.Addr().String()
	log.Info("accord server listening", slog.String("url", url), slog.String("db", b.describe))
	switch {
	case demo != nil:
		printDemoTokens(out, url, demo)
	case len(fixed) == 0:
		n, _ := b.tokens.CountTokens(ctx)
		fmt.Fprintf(out, "\naccord on %s, %s: %d stored token(s) from earlier starts still work.\n"+
			"Make more with: accord token create -actor bob -role backend -db %s\n\n", url, b.describe, n, opts.db)
	default:
		fmt.Fprintf(out, "\naccord on %s, %s, with the %d token(s) of ACCORD_TOKENS.\n\n", url, b.describe, len(fixed))
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	// Risk reviews due, once a minute: the register keeps which due dates
	// it announced, so restarts and several instances announce each once.
	go everyProject(ctx, b, time.Minute, "review-due notices", log, func(ctx context.Context, p string) error {
		_, err := services.Risks.NotifyDue(ctx, p, time.Now().UTC())
		return err
	})
	// Milestone forecasts, hourly: a slip raises its schedule risk and is
	// announced once per change of its numbers.
	go everyProject(ctx, b, time.Hour, "milestone forecasts", log, func(ctx context.Context, p string) error {
		_, err := services.Plans.CheckSlips(ctx, p)
		return err
	})
	// Links, hourly: a change whose event was lost (a crash between the
	// commit and the links' update, a change made by another program)
	// still turns its links suspect.
	go everyProject(ctx, b, time.Hour, "link recheck", log, func(ctx context.Context, p string) error {
		_, err := services.Traces.Recheck(ctx, p)
		return err
	})
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// everyProject runs fn for every project now and then at each tick of
// every, until ctx is done, as the server actor. what names the job for
// the log.
func everyProject(ctx context.Context, b *backend, every time.Duration, what string, log *slog.Logger, fn func(ctx context.Context, project string) error) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	system := serverJob(ctx)
	for {
		all, err := svc.All(ctx, "", project.Filter{}, func(ctx context.Context, _ string, f project.Filter, q accord.PageQuery) (accord.Page[project.Project], error) {
			return b.Projects.ListProjects(ctx, f, q)
		})
		if err != nil && ctx.Err() == nil {
			log.Warn("listing projects for "+what, slog.Any("error", err))
		}
		for _, p := range all {
			// One unit of work per project: the job's changes and events commit together.
			err := b.atomically(system, func(ctx context.Context) error { return fn(ctx, p.Key) })
			if err != nil && ctx.Err() == nil {
				log.Warn(what, slog.String("project", p.Key), slog.Any("error", err))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Header limits. maxHeaderBytes is what a request may send (its request
// line and headers); limitHeaders answers a request over it with a
// problem. net/http refuses headers over serverHeaderBytes itself, with a
// text/plain 431, before any handler runs: that cap is set far above the
// limit, so in practice every over-limit request gets the problem.
const (
	maxHeaderBytes    = 64 << 10
	serverHeaderBytes = 1 << 20
)

// newServer bounds every read, write and idle connection: a client that
// sends its headers and then one body byte a second cannot hold a handler
// for ever, nor can an idle keep-alive connection stay open for good.
func newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: serverHeaderBytes}
}

// limitHeaders answers 431 with a problem, naming the limit, for a request
// whose request line and headers are larger than limit bytes, counted as
// sent (each header line with its ": " and CRLF).
func limitHeaders(h http.Handler, limit int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
		size += len(r.Host) + len("Host: \r\n")
		for k, vs := range r.Header {
			for _, v := range vs {
				size += len(k) + len(v) + 4
			}
		}
		if size <= limit {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusRequestHeaderFieldsTooLarge)
		_ = json.NewEncoder(w).Encode(httpapi.Problem{Type: "urn:accord:problem:headers_too_large", Title: http.StatusText(http.StatusRequestHeaderFieldsTooLarge),
			Status: http.StatusRequestHeaderFieldsTooLarge, Detail: fmt.Sprintf("the request line and headers are %d bytes, more than the %d this server takes", size, limit)})
	})
}

// checkPublicURL accepts an empty public URL or an absolute http(s) one.
func checkPublicURL(public string) error {
	if public == "" {
		return nil
	}
	u, err := url.Parse(public)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("-public-url (or ACCORD_PUBLIC_URL) %q: want an absolute http or https address, as https://accord.example.com", public)
	}
	return nil
}

// parseTokens reads "actor:role:token" entries separated by commas: fixed
// tokens, for deployments that keep their secrets outside the database.
func parseTokens(spec string) (map[string]accord.Actor, error) {
	tokens := map[string]accord.Actor{}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, ":")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			return nil, fmt.Errorf("ACCORD_TOKENS entry %d (%q): want name:role:token", i+1, entry)
		}
		if _, dup := tokens[parts[2]]; dup {
			return nil, fmt.Errorf("ACCORD_TOKENS entry %d: token of %q is used twice", i+1, parts[0])
		}
		tokens[parts[2]] = accord.Actor{ID: parts[0], Name: parts[0], Roles: []string{parts[1]}}
	}
	return tokens, nil
}

func printDemoTokens(out io.Writer, url string, tokens map[string]accord.Actor) {
	var pm, dev string
	for tok, a := range tokens {
		if a.ID == "alice" {
			pm = tok
		} else {
			dev = tok
		}
	}
	fmt.Fprintf(out, `
accord on %[1]s with a new database, seeded with the demo project.
Paste these into the shell you run curl from (they are shown this once and
stored hashed; they keep working after a restart):

export ACCORD=%[1]s
export PM_TOKEN=%[2]s   # alice, product
export DEV_TOKEN=%[3]s  # bob, backend

curl -s -H "Authorization: Bearer $PM_TOKEN" "$ACCORD/v1/projects/demo/requirements?page_size=5"

Or open %[1]s/ in a browser and sign in with either token.

`, url, pm, dev)
}
