package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/adapters/tracker/jira"
	"github.com/accordhq/accord/adapters/tracker/pingcode"
	"github.com/accordhq/accord/adapters/web"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/internal/svc"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// trackerOptions connect the server to the trackers teams already use:
// -jira-url and the ACCORD_JIRA_* / ACCORD_PINGCODE_* variables.
type trackerOptions struct {
	jiraURL, jiraEmail, jiraToken, jiraBearer, jiraSecret string
	pingURL, pingID, pingSecret                           string
	// pollEvery is the PingCode poller's interval (default one minute);
	// retry the connectors' retries (tests shorten the waits).
	pollEvery time.Duration
	retry     tracker.RetryOptions
	http      *http.Client // nil: the connectors' own
}

// trackerFlags reads the tracker flags of serve, their defaults from the
// environment.
func trackerFlags(fs *flag.FlagSet) *trackerOptions {
	o := &trackerOptions{jiraEmail: os.Getenv("ACCORD_JIRA_EMAIL"), jiraToken: os.Getenv("ACCORD_JIRA_TOKEN"),
		jiraBearer: os.Getenv("ACCORD_JIRA_BEARER"), jiraSecret: os.Getenv("ACCORD_JIRA_WEBHOOK_SECRET"),
		pingID: os.Getenv("ACCORD_PINGCODE_CLIENT_ID"), pingSecret: os.Getenv("ACCORD_PINGCODE_CLIENT_SECRET")}
	fs.StringVar(&o.jiraURL, "jira-url", os.Getenv("ACCORD_JIRA_URL"),
		"the Jira Cloud site (https://your-domain.atlassian.net) to keep projects in step with; default $ACCORD_JIRA_URL. "+
			"Credentials: ACCORD_JIRA_EMAIL and ACCORD_JIRA_TOKEN (an API token), or ACCORD_JIRA_BEARER; ACCORD_JIRA_WEBHOOK_SECRET checks Jira's webhooks")
	fs.StringVar(&o.pingURL, "pingcode-url", os.Getenv("ACCORD_PINGCODE_URL"),
		"PingCode's open API (https://open.pingcode.com) to keep projects in step with, polled every minute; default $ACCORD_PINGCODE_URL. "+
			"Credentials: ACCORD_PINGCODE_CLIENT_ID and ACCORD_PINGCODE_CLIENT_SECRET (client credentials)")
	return o
}

// connectors returns the configured connectors, each wrapped in
// tracker.Retry. A half-set configuration is an error naming the variable.
func (o trackerOptions) connectors() ([]tracker.Connector, error) {
	var out []tracker.Connector
	jiraSet := o.jiraURL != "" || o.jiraEmail != "" || o.jiraToken != "" || o.jiraBearer != "" || o.jiraSecret != ""
	if jiraSet {
		switch {
		case o.jiraURL == "":
			return nil, errors.New("-jira-url (or ACCORD_JIRA_URL) is not set, but other ACCORD_JIRA_* variables are: set it to the Jira Cloud site, https://your-domain.atlassian.net")
		case o.jiraBearer != "" && (o.jiraEmail != "" || o.jiraToken != ""):
			return nil, errors.New("ACCORD_JIRA_BEARER and ACCORD_JIRA_EMAIL/ACCORD_JIRA_TOKEN are both set: use a bearer token or basic auth with an API token, not both")
		case o.jiraBearer == "" && o.jiraEmail == "":
			return nil, errors.New("ACCORD_JIRA_EMAIL is not set: Jira needs ACCORD_JIRA_EMAIL and ACCORD_JIRA_TOKEN (basic auth with an API token), or ACCORD_JIRA_BEARER")
		case o.jiraBearer == "" && o.jiraToken == "":
			return nil, errors.New("ACCORD_JIRA_TOKEN is not set: Jira basic auth needs the API token of ACCORD_JIRA_EMAIL")
		case o.jiraSecret != "" && len(o.jiraSecret) < 16:
			return nil, errors.New("ACCORD_JIRA_WEBHOOK_SECRET is shorter than 16 characters")
		}
		c, err := jira.New(jira.Options{BaseURL: o.jiraURL, Email: o.jiraEmail, APIToken: o.jiraToken, BearerToken: o.jiraBearer, HTTPClient: o.http})
		if err != nil {
			return nil, fmt.Errorf("-jira-url (or ACCORD_JIRA_URL) and ACCORD_JIRA_*: %w", err)
		}
		out = append(out, tracker.Retry(c, o.retry))
	}
	if o.pingURL != "" || o.pingID != "" || o.pingSecret != "" {
		for _, v := range [][2]string{{"-pingcode-url (or ACCORD_PINGCODE_URL)", o.pingURL}, {"ACCORD_PINGCODE_CLIENT_ID", o.pingID}, {"ACCORD_PINGCODE_CLIENT_SECRET", o.pingSecret}} {
			if v[1] == "" {
				return nil, fmt.Errorf("%s is not set, but other ACCORD_PINGCODE_* variables are: PingCode needs its URL, client ID and client secret", v[0])
			}
		}
		c, err := pingcode.New(pingcode.Options{BaseURL: o.pingURL, ClientID: o.pingID, ClientSecret: o.pingSecret, HTTPClient: o.http})
		if err != nil {
			return nil, fmt.Errorf("ACCORD_PINGCODE_*: %w", err)
		}
		out = append(out, tracker.Retry(c, o.retry))
	}
	return out, nil
}

// trackers is what serve runs to keep trackers in step: the relay of
// outbound events (and re-runs), the inbound Sync, and the connectors.
type trackers struct {
	relay      *tracker.Relay
	sync       *tracker.Sync
	refs       tracker.References
	connectors []tracker.Connector
	secret     string // Jira's webhook secret
}

// newTrackers wires the connectors to accord's services.
func newTrackers(o trackerOptions, conns []tracker.Connector, services link.Services, refs *external.Service, b *backend, publicURL string) (*trackers, error) {
	xrefs := tracker.ExternalReferences{Service: refs}
	configs := tracker.SettingsSource(refs)
	engine, err := tracker.NewEngine(tracker.Options{Connectors: conns, Configs: configs, References: xrefs})
	if err != nil {
		return nil, err
	}
	inbound := tracker.PlanInbound{Plans: services.Plans, Revisions: b.Plans.ListIterationRevisions, SyncStates: refs}
	sync, err := tracker.NewSync(tracker.SyncOptions{References: xrefs, Inbound: inbound, Configs: configs})
	if err != nil {
		return nil, err
	}
	return &trackers{relay: &tracker.Relay{Engine: engine, Configs: configs, Read: recordReader(services, publicURL), References: xrefs, SyncStates: refs},
		sync: sync, refs: xrefs, connectors: conns, secret: o.jiraSecret}, nil
}

// recordReader reads the record of an event for the rules: a
// requirement's key, title, status and description; for a review, its
// requirement with the review's outcome as the status, so that rules
// address the requirement's item; any other record's title.
func recordReader(s link.Services, publicURL string) tracker.RecordReader {
	page := func(project string, ref accord.Ref) string { return web.RecordURL(publicURL, project, ref) }
	requirementRecord := func(ctx context.Context, project, id string) (tracker.Record, error) {
		r, err := s.Requirements.Get(ctx, project, id)
		if err != nil {
			return tracker.Record{}, err
		}
		return tracker.Record{Ref: r.Ref(), Key: r.Key, Title: r.Title, Status: string(r.Status), Description: r.Description,
			Labels: r.Labels, URL: page(project, r.Ref())}, nil
	}
	return func(ctx context.Context, ev accord.Event) (tracker.Record, error) {
		switch ev.Ref.Kind {
		case requirement.RefKind:
			return requirementRecord(ctx, ev.Project, ev.Ref.ID)
		case review.RefKind:
			rv, err := s.Reviews.Get(ctx, ev.Project, ev.Ref.ID)
			if err != nil {
				return tracker.Record{}, err
			}
			out, err := s.Reviews.Outcome(ctx, ev.Project, rv.ID)
			if err != nil {
				return tracker.Record{}, err
			}
			if rv.Subject.Kind == requirement.RefKind {
				rec, err := requirementRecord(ctx, ev.Project, rv.Subject.ID)
				rec.Status = string(out.Outcome)
				return rec, err
			}
			return tracker.Record{Ref: rv.Ref(), Key: rv.Key, Title: rv.Title, Status: string(out.Outcome), URL: page(ev.Project, rv.Ref())}, nil
		}
		t, err := s.Records.Target(ctx, ev.Project, ev.Ref)
		if err != nil {
			return tracker.Record{}, err
		}
		return tracker.Record{Ref: t.Ref, Key: ev.Key, Title: t.Title, URL: page(ev.Project, t.Ref)}, nil
	}
}

// run starts the outbound relay (on SQL, one named relay "tracker" over
// the outbox; on memory, nothing: events reach Direct) and the PingCode
// poller, until ctx ends.
func (t *trackers) run(ctx context.Context, b *backend, every time.Duration, log *slog.Logger, deliver func(context.Context, accord.Event) error) {
	if b.sql != nil {
		go func() {
			_ = b.sql.Run(ctx, sqlstore.Relay{Name: "tracker", Deliver: func(ctx context.Context, e sqlstore.OutboxEvent) error {
				return deliver(ctx, e.Event)
			}})
		}()
	}
	for _, c := range t.connectors {
		if c.System() != pingcode.System {
			continue
		}
		go t.poll(ctx, b, c, every, log)
	}
}

// poll reads the status of every PingCode item of every connected project
// each round, outside any unit of work (it waits on PingCode).
func (t *trackers) poll(ctx context.Context, b *backend, c tracker.Connector, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		every = time.Minute
	}
	for {
		all, err := svc.All(ctx, "", project.Filter{}, func(ctx context.Context, _ string, f project.Filter, q accord.PageQuery) (accord.Page[project.Project], error) {
			return b.Projects.ListProjects(ctx, f, q)
		})
		if err != nil && ctx.Err() == nil {
			log.Warn("listing projects for the pingcode poller", slog.Any("error", err))
		}
		for _, p := range all {
			// Each change read is applied as one unit of work, as a webhook's is.
			p := &tracker.Poller{Project: p.Key, Connector: c, References: t.refs, Sync: atomicSink{t.sync, b}}
			if err := p.Poll(ctx); err != nil && ctx.Err() == nil {
				log.Warn("pingcode poll", slog.String("project", p.Project), slog.Any("error", err))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// webhook is the Jira webhook receiver of a project, its secret checked:
// POST /v1/projects/{project}/trackers/jira/webhook. Each status change
// is applied as one unit of work.
func (t *trackers) webhook(b *backend) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := jira.NewWebhookHandler(jira.WebhookOptions{Project: r.PathValue("project"), Secret: t.secret, Sink: atomicSink{t.sync, b}})
		if err != nil {
			http.Error(w, "the Jira webhook receiver is not configured: set ACCORD_JIRA_WEBHOOK_SECRET", http.StatusNotFound)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// atomicSink applies each change as one unit of work; a conflict commits
// (it is recorded on the reference and the sync state) and is returned.
type atomicSink struct {
	sync *tracker.Sync
	b    *backend
}

func (s atomicSink) StatusChanged(ctx context.Context, project, system, key, status string, at time.Time) (tracker.Result, error) {
	var res tracker.Result
	var conflict error
	err := s.b.atomically(ctx, func(ctx context.Context) error {
		var err error
		res, err = s.sync.StatusChanged(ctx, project, system, key, status, at)
		if accord.ErrorCode(err) == accord.Conflict {
			conflict = err
			return nil
		}
		return err
	})
	if err != nil {
		return res, err
	}
	return res, conflict
}

// background delivers each event to the relay in a goroutine of its own,
// at most once: the memory backend's outbound path, as webhook.Direct is
// for webhooks.
type background struct {
	relay atomic.Pointer[tracker.Relay]
	log   *slog.Logger
}

func (bg *background) Publish(ctx context.Context, e accord.Event) {
	r := bg.relay.Load()
	if r == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
		defer cancel()
		if err := r.Deliver(ctx, e); err != nil {
			bg.log.Warn("tracker delivery", slog.String("kind", e.Kind), slog.String("project", e.Project), slog.String("record", e.Key+" "+e.Title), slog.Any("error", err))
		}
	}()
}
